#!/usr/bin/env bash
# The agent's end-to-end benchmark (docs/performance.md, "Agent end to end"):
# a host namespace (lo, veth eth0 and LOCAL-1 more veths eth-N to a peer),
# etcd in it (data on tmpfs), a datastore of REMOTE remote host endpoints,
# POLICIES policies and LOCAL local host endpoints loaded with felixctl, then
#   1. cold start: calico-felix start -> its "Programmed table" log line (the
#      full program), and its peak RSS;
#   2. COUNT changes of each kind (policy rule, local endpoint label, remote
#      endpoint label), each timed by bench/agent_bench from just before the
#      etcd write to the kernel's end-of-transaction event.
# Needs root. Never touches the root namespace's firewall or addresses; stops by
# itself and cleans up (namespaces, processes, temp dir) on exit.
#
# Usage: bench/agent_bench.sh BUILD_DIR [FELIX_BINARY]
# Env: API (v2|v3, default v2), REMOTE (100000), POLICIES (2000), LOCAL (200),
#      COUNT (1000), KINDS ("rule label remote"; also "burst": COUNT remote
#      writes from 8 clients at once, "steady": COUNT writes at 1,000/s),
#      KEEP=1 keeps the temp dir,
#      FELIX_LOG_LEVEL (INFO), PERF=1 (perf profiles of the agent per phase),
#      FLOOR=1 (time `nft -f` of the agent's table and a one-element nft change),
#      SHAPE=all (every policy applies to every local endpoint; see
#      agent_bench.cc), and always the floors of the same run: etcd watch
#      delivery (helper's second watcher) and one element add from a resident
#      `nft -i` in a scratch namespace.
set -euo pipefail

BUILD=${1:?usage: agent_bench.sh BUILD_DIR [FELIX_BINARY]}
FELIX=$(realpath "${2:-$BUILD/calico-felix}")
BENCH=$(realpath "$BUILD/bench/agent_bench")
CTL=$(realpath "$BUILD/felixctl")
API=${API:-v2} REMOTE=${REMOTE:-100000} POLICIES=${POLICIES:-2000} LOCAL=${LOCAL:-200}
COUNT=${COUNT:-1000} KINDS=${KINDS:-rule label remote}
HOSTNAME_=bench-host
NS_HOST=ab$$-host NS_PEER=ab$$-peer
DIR=$(mktemp -d /dev/shm/agent_bench.XXXXXX)  # tmpfs: etcd's fsyncs cost nothing
ETCD_PID="" FELIX_PID=""
URL=http://127.0.0.1:2379

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $FELIX_PID ]] && kill -9 "$FELIX_PID" 2>/dev/null
  [[ -n $ETCD_PID ]] && kill -9 "$ETCD_PID" 2>/dev/null
  local ns pid
  for ns in "$NS_HOST" "$NS_PEER"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
  done
  { wait; } 2>/dev/null
  for ns in "$NS_HOST" "$NS_PEER"; do ip netns del "$ns" 2>/dev/null; done
  if [[ -n ${KEEP:-} ]]; then echo "kept $DIR" >&2; else rm -rf "$DIR"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

inh() { ip netns exec "$NS_HOST" "$@"; }
now_ns() { date +%s%N; }
ms_since() { echo "scale=1; ($(now_ns) - $1) / 1000000" | bc; }

echo "# agent_bench: api=$API shape=${SHAPE:-mixed} remote=$REMOTE policies=$POLICIES local=$LOCAL count=$COUNT"
echo "# felix: $FELIX ($(stat -c %y "$FELIX" | cut -d. -f1))"
echo "# tree: $(git -C "$(dirname "$0")/.." log -1 --format='%h %s' | cut -c1-80)," \
  "$(git -C "$(dirname "$0")/.." status --short src | wc -l) files modified under src/"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

# --- namespaces -----------------------------------------------------------------
ip netns add "$NS_HOST"
ip netns add "$NS_PEER"
inh ip link set lo up
ip netns exec "$NS_PEER" ip link set lo up
ip netns exec "$NS_PEER" ip link add eth0 type veth peer name eth0 netns "$NS_HOST"
ip netns exec "$NS_PEER" ip addr add 10.99.0.2/24 dev eth0
ip netns exec "$NS_PEER" ip link set eth0 up
inh ip addr add 10.99.0.1/24 dev eth0
inh ip link set eth0 up
for ((j = 1; j < LOCAL; j++)); do
  # (no dummy driver here: a veth with its peer end in the peer namespace)
  inh ip link add "eth-$j" type veth peer name "p-$j" netns "$NS_PEER"
  inh ip link set "eth-$j" up
done

# --- etcd and the datastore -----------------------------------------------------
ip netns exec "$NS_HOST" etcd --name bench --data-dir "$DIR/etcd" --listen-client-urls $URL \
  --advertise-client-urls $URL --listen-peer-urls http://127.0.0.1:2380 \
  --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster bench=http://127.0.0.1:2380 --enable-v2 \
  --snapshot-count 1000000 >"$DIR/etcd.log" 2>&1 &
ETCD_PID=$!
disown "$ETCD_PID"
for _ in $(seq 100); do
  inh curl -fs $URL/version >/dev/null 2>&1 && break
  sleep 0.1
done

SHAPE_ARG=()
[[ ${SHAPE:-} == all ]] && SHAPE_ARG=(all)
"$BENCH" gen "$HOSTNAME_" "$REMOTE" "$POLICIES" "$LOCAL" "${SHAPE_ARG[@]}" >"$DIR/docs.jsonl"
t=$(now_ns)
inh "$CTL" apply -f "$DIR/docs.jsonl" --etcd-endpoints $URL --etcd-api "$API" >/dev/null
echo "datastore: $(wc -l <"$DIR/docs.jsonl") keys ($(du -h "$DIR/docs.jsonl" | cut -f1)) loaded over $API in $(ms_since "$t") ms"

t=$(now_ns)
snap_bytes=$(inh curl -fs "$URL/v2/keys/calico/v1?recursive=true" | wc -c)
echo "snapshot GET (v2, recursive, curl): $(ms_since "$t") ms for $snap_bytes bytes"

# --- cold start -------------------------------------------------------------------
# Timed to the agent's "Programmed table" log line (ms resolution). Not with a
# netlink listener: the kernel would then build one notification per rule and
# element of the full program (~700k), which by itself costs seconds.
t0=$(now_ns)
ip netns exec "$NS_HOST" env FELIX_ETCDADDR=127.0.0.1:2379 FELIX_ETCDAPI="$API" FELIX_FELIXHOSTNAME="$HOSTNAME_" \
  FELIX_LOGFILEPATH="$DIR/felix.log" FELIX_LOGSEVERITYFILE="${FELIX_LOG_LEVEL:-INFO}" \
  FELIX_LOGSEVERITYSCREEN=ERROR "$FELIX" -c "$DIR/felix.cfg" >"$DIR/felix.out" 2>&1 &
FELIX_PID=$!
disown "$FELIX_PID"
[[ -n ${PERF:-} ]] && { perf record -q -F 499 -g -p "$FELIX_PID" -o "$DIR/perf.cold" >/dev/null 2>&1 & PERF_PID=$!; }
for _ in $(seq 2400); do
  grep -q "Programmed table" "$DIR/felix.log" 2>/dev/null && break
  sleep 0.05
done
programmed=$(grep -m1 "Programmed table" "$DIR/felix.log") || { echo "not programmed in 120 s" >&2; exit 1; }
stamp=${programmed:0:23}
t1=$(( $(date -d "${stamp:0:19}" +%s) * 1000 + 10#${stamp:20:3} ))
perf_stop() {
  [[ -n ${PERF_PID:-} ]] || return 0
  kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=""
  echo "  perf ($1), top self-time symbols:"
  perf report -i "$DIR/perf.$1" --no-children --sort dso,sym -g none --stdio 2>/dev/null |
    grep -E '^ +[0-9]' | head -12 | cut -c1-150 | sed 's/^/    /' || true
}
perf_stop cold
echo "cold start: $(( t1 - t0 / 1000000 )) ms to the first \"Programmed table\" (the full program);" \
  "VmHWM $(awk '/VmHWM/ {print $2, $3}' /proc/$FELIX_PID/status)"
grep -E "initializing|Snapshot of|in-sync|Programmed table" "$DIR/felix.log" | head -5 | sed 's/^/  log: /'
inh nft list table inet calico >"$DIR/table.nft"
echo "  nft: $(grep -c '^\s*chain ' "$DIR/table.nft") chains, $(grep -c '^\s*set ' "$DIR/table.nft") sets," \
  "$(grep -c 'elements = \|^\s*[0-9]' "$DIR/table.nft") lines holding elements, $(wc -l <"$DIR/table.nft") lines in all"

# --- changes --------------------------------------------------------------------------
sleep 2  # let the agent settle (first refresh etc.)
for kind in $KINDS; do
  [[ -n ${PERF:-} ]] && { perf record -q -F 499 -g -p "$FELIX_PID" -o "$DIR/perf.$kind" >/dev/null 2>&1 & PERF_PID=$!; }
  inh "$BENCH" changes $URL "$API" "$HOSTNAME_" "$kind" "$COUNT" "$DIR/$kind.tsv" "${SHAPE_ARG[@]}"
  [[ -f $DIR/$kind.tsv ]] && awk -F'\t' 'NR > 1 { w += $3; d += $4; r += $6; e += $7; x += $10; n++ }
    END { if (n) printf "  means: etcd write %.2f ms, watch delivery %.2f ms; per change %.1f rule and %.1f element messages, %d extra transactions\n", w/n, d/n, r/n, e/n, x }' \
    "$DIR/$kind.tsv"
  perf_stop "$kind"
done
echo "agent: VmHWM $(awk '/VmHWM/ {print $2, $3}' /proc/$FELIX_PID/status)," \
  "VmRSS $(awk '/VmRSS/ {print $2, $3}' /proc/$FELIX_PID/status);" \
  "$(grep -c "\[WARNING\]" "$DIR/felix.log") warnings, $(grep -c "\[ERROR\]" "$DIR/felix.log") errors in its log"
grep -E "\[(WARNING|ERROR)\]" "$DIR/felix.log" | head -5 | cut -c1-300 | sed 's/^/  log: /' || true

# --- floor of this run: one element add from a resident process (scratch namespace) ---
NS_FLOOR1=ab$$-floor1
ip netns add "$NS_FLOOR1"
ip netns exec "$NS_FLOOR1" "$BENCH" floor 300
ip netns exec "$NS_FLOOR1" "$BENCH" floor 300 "$DIR/table.nft"
ip netns del "$NS_FLOOR1"

# --- floor: the same table and a one-element change through the nft CLI ---------------
if [[ -n ${FLOOR:-} ]]; then
  NS_FLOOR=ab$$-floor
  ip netns add "$NS_FLOOR"
  t=$(now_ns); ip netns exec "$NS_FLOOR" nft -f "$DIR/table.nft"
  echo "floor: nft -f of the agent's table ($(wc -l <"$DIR/table.nft") lines) into an empty namespace: $(ms_since "$t") ms"
  set1=$(grep -m1 -oP '^\s*set \K\S+' "$DIR/table.nft")
  for i in 1 2 3; do
    t=$(now_ns); ip netns exec "$NS_FLOOR" nft add element inet calico "$set1" "{ 10.255.255.$i }"
    echo "floor: nft add element (one process, cache of this table): $(ms_since "$t") ms"
  done
  ip netns del "$NS_FLOOR"
fi
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
