# shellcheck shell=bash
# Shared by the e2e test scripts: their command line (--api v2|v3, --felix
# PATH, --felixctl PATH (traces every probe when given), --keep) and the checks that skip
# them (exit 77) without root or a tool they drive. Source, then call
# e2e_args "$@".
SB_API=v2
SB_FELIX=""
SB_FELIXCTL=""
e2e_args() {
  while (($#)); do
    case $1 in
      --api) SB_API=$2; shift 2 ;;
      --felix) SB_FELIX=$2; shift 2 ;;
      --felixctl) SB_FELIXCTL=$2; shift 2 ;;
      --keep) export SB_KEEP_DIR=1; shift ;;
      *) echo "usage: $0 --api v2|v3 --felix PATH [--felixctl PATH] [--keep]" >&2; exit 2 ;;
    esac
  done
  if ((EUID != 0)); then
    echo "skipped: the e2e tests need root (network namespaces, nftables)"
    exit 77
  fi
  local tool
  for tool in ip etcd etcdctl socat nc ping ss nft; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool not installed"; exit 77; }
  done
  [[ -x $SB_FELIX ]] || { echo "calico-felix not found: '$SB_FELIX'" >&2; exit 2; }
}
