#!/usr/bin/env bash
# End-to-end test: every step of the guide "Using Calico to Secure Host
# Interfaces", run against a real etcd and calico-felix inside network
# namespaces, each step asserted with real traffic (scripts/lib/sandbox.sh).
#
# Usage: guide_test.sh --api v2|v3 --felix PATH [--felixctl PATH] [--keep]
# Prints one `ok - ...` / `not ok - ...` line per assertion and a final
# `N passed, M failed` line; exits 1 on any failure, 77 (skipped) when not
# root or a needed tool is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

SB_API=v2
SB_FELIX=""
while (($#)); do
  case $1 in
    --api) SB_API=$2; shift 2 ;;
    --felix) SB_FELIX=$2; shift 2 ;;
    --felixctl) shift 2 ;;  # accepted for symmetry; the guide uses etcdctl
    --keep) export SB_KEEP_DIR=1; shift ;;
    *) echo "usage: $0 --api v2|v3 --felix PATH" >&2; exit 2 ;;
  esac
done
if ((EUID != 0)); then
  echo "skipped: the e2e tests need root (network namespaces, nftables)"
  exit 77
fi
for tool in ip etcd etcdctl socat nc ping ss nft; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool not installed"; exit 77; }
done
[[ -x $SB_FELIX ]] || { echo "calico-felix not found: '$SB_FELIX'" >&2; exit 2; }

# shellcheck disable=SC2034  # settings read by sandbox.sh
SB_PREFIX="fxe${SB_API}$$" SB_HOSTNAME="e2e-host"
# shellcheck source=scripts/lib/sandbox.sh
source "$root/scripts/lib/sandbox.sh"
# shellcheck source=tests/e2e/guide_steps.sh
source "$here/guide_steps.sh"

start=$SECONDS
sb_init
run_guide
echo "suite time: $((SECONDS - start)) s (api $SB_API)"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
