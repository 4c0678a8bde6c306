# shellcheck shell=bash
# A sandbox of network namespaces for the end-to-end tests and the quickstart
# demo (source this file; needs root, iproute2, socat, nc, ping, etcd, etcdctl).
#
# It builds a "host" namespace (lo up) joined by veth pairs to peer namespaces
# (host side eth0, eth1, ...), runs a real etcd on the host namespace's loopback
# and calico-felix inside the host namespace, and probes with real traffic:
# TCP/UDP/ICMP, each answering "allowed" or "denied" within about a second.
# Nothing outside our own namespaces is touched: no root-namespace firewall,
# address or route. sb_cleanup (installed as an EXIT/INT/TERM trap by sb_init)
# kills what we started and deletes our namespaces and the temp dir.
#
# Settings (set before sb_init): SB_PREFIX (namespace name prefix, default
# fx$$), SB_API (v2|v3, default v2), SB_FELIX (path of calico-felix),
# SB_HOSTNAME (the agent's FelixHostname, default e2e-host).

SB_PREFIX=${SB_PREFIX:-fx$$}
SB_API=${SB_API:-v2}
SB_HOSTNAME=${SB_HOSTNAME:-e2e-host}
SB_HOST="$SB_PREFIX-host"
SB_NAMESPACES=()
SB_LISTENER_PIDS=()
SB_ETCD_PID=""
SB_FELIX_PID=""
SB_FELIX_ENV=()
SB_DIR=""

sb_init() {
  SB_DIR=$(mktemp -d "/tmp/${SB_PREFIX}.XXXXXX")
  SB_FELIX_LOG="$SB_DIR/felix.log"
  trap sb_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  ip netns add "$SB_HOST"
  SB_NAMESPACES+=("$SB_HOST")
  sb_in host ip link set lo up
}

# sb_ns NAME: the namespace behind a short name ("host", "peer0", ...).
sb_ns() {
  if [[ $1 == host ]]; then echo "$SB_HOST"; else echo "$SB_PREFIX-$1"; fi
}

# sb_in NAME CMD...: runs CMD inside namespace NAME. (Background processes are
# started with a plain `ip netns exec ... &` instead, so that $! is their pid.)
sb_in() {
  local ns
  ns=$(sb_ns "$1")
  shift
  ip netns exec "$ns" "$@"
}

# sb_add_peer NAME HOST_IF HOST_CIDR PEER_CIDR [HOST_NS]: a peer namespace
# joined to the host by a veth pair (HOST_IF on the host side, eth0 inside the
# peer); addresses are assigned only inside the namespaces.
sb_add_peer() {
  local name=$1 hif=$2 hcidr=$3 pcidr=$4
  local ns
  ns=$(sb_ns "$name")
  ip netns add "$ns"
  SB_NAMESPACES+=("$ns")
  sb_in "$name" ip link set lo up
  # Create the pair inside the peer namespace so no root-namespace link exists.
  sb_in "$name" ip link add eth0 type veth peer name "$hif" netns "$SB_HOST"
  sb_in "$name" ip addr add "$pcidr" dev eth0
  sb_in "$name" ip link set eth0 up
  sb_in host ip addr add "$hcidr" dev "$hif"
  sb_in host ip link set "$hif" up
}

# sb_listen NAME PROTO PORT...: persistent listeners (socat, fork) in NAME.
sb_listen() {
  local name=$1 proto=$2
  shift 2
  local port
  for port in "$@"; do
    if [[ $proto == tcp ]]; then
      ip netns exec "$(sb_ns "$name")" socat "TCP4-LISTEN:$port,fork,reuseaddr" OPEN:/dev/null \
        >/dev/null 2>&1 &
    else
      ip netns exec "$(sb_ns "$name")" socat "UDP4-RECVFROM:$port,fork,reuseaddr" SYSTEM:'echo ok' \
        >/dev/null 2>&1 &
    fi
    SB_LISTENER_PIDS+=($!)
  done
  for port in "$@"; do
    local flag=-ltnH
    [[ $proto == udp ]] && flag=-lunH
    sb_wait_until 5 sb_port_listening "$name" "$flag" "$port" ||
      { echo "sandbox: listener $proto/$port in $name did not start" >&2; return 1; }
  done
}

sb_port_listening() {
  sb_in "$1" ss "$2" "sport = :$3" | grep -q .
}

# sb_wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
sb_wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  while ! "$@"; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.1
  done
}

# --- etcd --------------------------------------------------------------------

sb_etcd_start() {
  ip netns exec "$SB_HOST" etcd --name sandbox --data-dir "$SB_DIR/etcd" \
    --listen-client-urls http://127.0.0.1:2379 \
    --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 \
    --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster sandbox=http://127.0.0.1:2380 \
    --enable-v2 >>"$SB_DIR/etcd.log" 2>&1 &
  SB_ETCD_PID=$!
  sb_wait_until 20 sb_etcd_healthy ||
    { echo "sandbox: etcd did not start; see $SB_DIR/etcd.log" >&2; return 1; }
}

sb_etcd_healthy() {
  ETCDCTL_API=3 sb_in host etcdctl --endpoints=http://127.0.0.1:2379 \
    endpoint health >/dev/null 2>&1
}

sb_etcd_stop() {  # sb_etcd_stop [SIGNAL]
  [[ -n $SB_ETCD_PID ]] || return 0
  kill "-${1:-TERM}" "$SB_ETCD_PID" 2>/dev/null || true
  wait "$SB_ETCD_PID" 2>/dev/null || true
  SB_ETCD_PID=""
}

# sb_etcdctl set|rm|get KEY [VALUE]: etcdctl in the host namespace, with the
# API of the run (v2: set/rm/get; v3: put/del/get --print-value-only).
sb_etcdctl() {
  local op=$1
  shift
  if [[ $SB_API == v3 ]]; then
    local opts=()
    case $op in
      set) op=put ;;
      rm) op=del ;;
      get) opts=(--print-value-only) ;;  # before `--`: after it, it would be a range end
    esac
    ETCDCTL_API=3 sb_in host etcdctl --endpoints=http://127.0.0.1:2379 "$op" "${opts[@]}" -- "$@"
  else
    ETCDCTL_API=2 sb_in host etcdctl --endpoints=http://127.0.0.1:2379 "$op" -- "$@"
  fi
}

# --- the agent -----------------------------------------------------------------

# sb_felix_start [VAR=VALUE...]: starts calico-felix in the host namespace with
# extra environment; its log is $SB_FELIX_LOG (appended across restarts).
sb_felix_start() {
  SB_FELIX_ENV=("$@")  # for felixctl, to see the config the agent sees
  touch "$SB_FELIX_LOG"
  SB_FELIX_LOG_MARK=$(wc -l <"$SB_FELIX_LOG")
  ip netns exec "$SB_HOST" env FELIX_ETCDADDR=127.0.0.1:2379 FELIX_ETCDAPI="$SB_API" \
    FELIX_FELIXHOSTNAME="$SB_HOSTNAME" FELIX_LOGFILEPATH="$SB_FELIX_LOG" \
    FELIX_LOGSEVERITYFILE=INFO FELIX_LOGSEVERITYSCREEN=ERROR "$@" \
    "$SB_FELIX" -c "$SB_DIR/felix.cfg" >>"$SB_DIR/felix.out" 2>&1 &
  SB_FELIX_PID=$!
}

sb_felix_stop() {  # sb_felix_stop [SIGNAL]
  [[ -n $SB_FELIX_PID ]] || return 0
  kill "-${1:-TERM}" "$SB_FELIX_PID" 2>/dev/null || true
  wait "$SB_FELIX_PID" 2>/dev/null || true
  SB_FELIX_PID=""
}

sb_felix_running() { [[ -n $SB_FELIX_PID ]] && kill -0 "$SB_FELIX_PID" 2>/dev/null; }

# sb_log_has PATTERN: the agent's log since its last start matches (grep -E).
sb_log_has() {
  tail -n "+$((SB_FELIX_LOG_MARK + 1))" "$SB_FELIX_LOG" 2>/dev/null | grep -Eq -- "$1"
}

# sb_wait_log SECONDS PATTERN
sb_wait_log() { sb_wait_until "$1" sb_log_has "$2"; }

# --- probes ------------------------------------------------------------------

# sb_probe tcp|udp|ping FROM IP [PORT]: prints allowed or denied (~1 s max).
sb_probe() {
  local kind=$1 from=$2 ip=$3 port=${4:-}
  local ok=1
  case $kind in
    tcp) sb_in "$from" nc -z -n -w1 "$ip" "$port" >/dev/null 2>&1 && ok=0 ;;
    udp)
      local out
      out=$(echo probe | sb_in "$from" timeout 2 socat -T1 - "UDP4:$ip:$port" 2>/dev/null) || true
      [[ $out == ok ]] && ok=0 ;;
    ping) sb_in "$from" ping -n -q -c1 -W1 "$ip" >/dev/null 2>&1 && ok=0 ;;
    *) echo "sandbox: unknown probe $kind" >&2; return 2 ;;
  esac
  if ((ok == 0)); then echo allowed; else echo denied; fi
}

# sb_probe_expect WANT SECONDS KIND FROM IP [PORT]: probes until the verdict is
# WANT or SECONDS pass (0 = probe once); prints the last verdict seen.
sb_probe_expect() {
  local want=$1 deadline=$((SECONDS + $2))
  shift 2
  local seen
  while :; do
    seen=$(sb_probe "$@")
    [[ $seen == "$want" ]] && break
    ((SECONDS >= deadline)) && break
    sleep 0.1
  done
  echo "$seen"
}

# A batch of checks run in parallel: sb_checks_add LABEL WANT KIND FROM IP
# [PORT] ...; then sb_checks_run SECONDS fills SB_RES_LABEL/WANT/SEEN.
SB_CHECKS=()
sb_checks_add() {
  local IFS=$'\x1f'
  SB_CHECKS+=("$*")
}

sb_checks_run() {
  local settle=$1 i
  local -a pids=()
  SB_RES_LABEL=() SB_RES_WANT=() SB_RES_SEEN=() SB_RES_PROBE=()
  for i in "${!SB_CHECKS[@]}"; do
    local -a f
    IFS=$'\x1f' read -r -a f <<<"${SB_CHECKS[$i]}"
    SB_RES_LABEL+=("${f[0]}")
    SB_RES_WANT+=("${f[1]}")
    SB_RES_PROBE+=("${f[*]:2}")  # KIND FROM IP [PORT], space-separated
    sb_probe_expect "${f[1]}" "$settle" "${f[@]:2}" >"$SB_DIR/check.$i" &
    pids+=($!)
  done
  wait "${pids[@]}" 2>/dev/null || true
  for i in "${!SB_CHECKS[@]}"; do SB_RES_SEEN+=("$(cat "$SB_DIR/check.$i")"); done
  SB_CHECKS=()
}

# --- cleanup -------------------------------------------------------------------

sb_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  sb_felix_stop KILL
  sb_etcd_stop KILL
  local pid ns
  for pid in "${SB_LISTENER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ns in "${SB_NAMESPACES[@]}"; do
    # Anything still running inside our own namespaces was started by us.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  done
  wait 2>/dev/null || true
  for ns in "${SB_NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  if [[ -n $SB_DIR && -d $SB_DIR ]]; then
    if [[ -n ${SB_KEEP_DIR:-} ]]; then
      echo "sandbox: kept $SB_DIR" >&2
    else
      rm -rf "$SB_DIR"
    fi
  fi
  exit "$rc"
}
