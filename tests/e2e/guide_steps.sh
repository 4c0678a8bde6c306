# shellcheck shell=bash
# The steps of the guide "Using Calico to Secure Host Interfaces", shared by
# tests/e2e/guide_test.sh (REPORT=tap: `ok - ...` lines) and scripts/quickstart
# (REPORT=table: a probe table per step). Source after scripts/lib/sandbox.sh;
# call run_guide after sb_init. PASSED/FAILED count the assertions.
#
# The demo host (namespace $SB_HOST) has eth0 to peer0 (the management network,
# also where the "etcd" ports listen) and eth1 to peer1 (a data network);
# etcd itself runs on the host's loopback, which is never policed.

REPORT=${REPORT:-tap}
PASSED=0
FAILED=0
H0=10.71.0.1 P0=10.71.0.2  # host eth0 <-> peer0
H1=10.71.1.1 P1=10.71.1.2  # host eth1 <-> peer1
HW=10.71.2.1 PW=10.71.2.2  # host cali0wl <-> wl (an unknown workload)
EP=/calico/v1/host/$SB_HOSTNAME/endpoint
SETTLE=${SETTLE:-8}        # seconds a changed verdict may take to show
if [[ -t 1 ]]; then
  C_OK=$'\033[32m✓\033[0m' C_BAD=$'\033[31m✗\033[0m' C_B=$'\033[1m' C_0=$'\033[0m'
else
  C_OK='✓' C_BAD='✗' C_B='' C_0=''
fi

step() {
  if [[ $REPORT == table ]]; then
    printf '\n%s== %s%s\n' "$C_B" "$*" "$C_0"
  else
    echo "# $*"
  fi
  STEP=$*
}

# guide_cmd ARGS...: prints an etcdctl command as the guide writes it, runs it.
guide_cmd() {
  local op=$1
  if [[ $REPORT == table ]]; then
    local shown=("$@")
    [[ $SB_API == v3 ]] && { shown[0]=${shown[0]/set/put}; shown[0]=${shown[0]/rm/del}; }
    local q=() a
    for a in "${shown[@]:1}"; do
      if [[ $a =~ ^[A-Za-z0-9/_.:-]+$ ]]; then q+=("$a"); else q+=("'$a'"); fi
    done
    local api=""
    [[ $SB_API == v3 ]] && api="ETCDCTL_API=3 "
    printf '$ %setcdctl %s %s\n' "$api" "${shown[0]}" "${q[*]}"
  fi
  sb_etcdctl "$op" "${@:2}" >/dev/null
}

# note TEXT: says what the test does besides etcdctl (restarts, interfaces).
note() {
  if [[ $REPORT == table ]]; then echo "  ($*)"; else echo "# $*"; fi
}

pass() { PASSED=$((PASSED + 1)); [[ $REPORT == tap ]] && echo "ok - $STEP: $*"; true; }
fail() { FAILED=$((FAILED + 1)); [[ $REPORT == tap ]] && echo "not ok - $STEP: $*"; true; }
assert() {  # assert DESCRIPTION CMD...
  local desc=$1 rc=0 mark
  shift
  "$@" || rc=1
  if ((rc == 0)); then pass "$desc"; else fail "$desc"; fi
  if [[ $REPORT == table ]]; then
    if ((rc == 0)); then mark=$C_OK; else mark=$C_BAD; fi
    printf '  %-58s %s\n' "$desc" "$mark"
  fi
  true
}

# probe WANT KIND FROM TO_IP [PORT]: queues a check for `verify`.
probe() {
  local want=$1 kind=$2 from=$3 ip=$4 port=${5:-}
  local label="$from -> $ip $kind${port:+ $port}"
  sb_checks_add "$label" "$want" "$kind" "$from" "$ip" ${port:+"$port"}
}

# trace_verdict KIND FROM IP [PORT]: `felixctl trace`'s verdict for that
# probe's first packet (allowed/denied), run in the host namespace with the
# agent's config; empty when felixctl is not given or cannot answer (etcd
# stopped). The source port is left 0: no guide rule names one.
trace_verdict() {
  [[ -n ${SB_FELIXCTL:-} ]] || return 0
  local kind=$1 from=$2 ip=$3 port=${4:-} iface dir=in src
  case $from in
    peer0) iface=eth0 src=$P0 ;;
    peer1) iface=eth1 src=$P1 ;;
    wl) iface=cali0wl src=$PW ;;
    host)
      dir=out
      case $ip in
        10.71.0.*) iface=eth0 src=$H0 ;;
        10.71.1.*) iface=eth1 src=$H1 ;;
        *) iface=cali0wl src=$HW ;;
      esac ;;
  esac
  local args=(--iface "$iface" --direction "$dir" --src "$src" --dst "$ip")
  case $kind in
    ping) args+=(--proto icmp --icmp-type 8) ;;
    *) args+=(--proto "$kind" --dport "$port") ;;
  esac
  local first
  first=$(sb_in host env "${SB_FELIX_ENV[@]}" "$SB_FELIXCTL" trace -c "$SB_DIR/felix.cfg" \
    --etcd-endpoints http://127.0.0.1:2379 --etcd-api "$SB_API" --host "$SB_HOSTNAME" --local \
    "${args[@]}" 2>/dev/null | head -n1) || true
  case $first in
    allow) echo allowed ;;
    deny) echo denied ;;
  esac
}

# verify [SECONDS]: runs the queued checks in parallel (each retried until it
# shows its expectation or SECONDS pass; 0 = one probe) and reports them.
verify() {
  sb_checks_run "${1:-$SETTLE}"
  local i mark
  [[ $REPORT == table ]] && printf '  %-36s %-9s %-9s %-9s %s\n' probe expected seen trace ""
  for i in "${!SB_RES_LABEL[@]}"; do
    local l=${SB_RES_LABEL[$i]} w=${SB_RES_WANT[$i]} s=${SB_RES_SEEN[$i]} t
    # shellcheck disable=SC2086  # KIND FROM IP [PORT]
    t=$(trace_verdict ${SB_RES_PROBE[$i]})
    if [[ $w == "$s" ]]; then
      PASSED=$((PASSED + 1)); mark=$C_OK
      [[ $REPORT == tap ]] && echo "ok - $STEP: $l $w"
    else
      FAILED=$((FAILED + 1)); mark=$C_BAD
      [[ $REPORT == tap ]] && echo "not ok - $STEP: $l expected $w, seen $s"
    fi
    # felixctl trace must say what the real packet got.
    if [[ -n $t ]]; then
      if [[ $t == "$s" ]]; then
        PASSED=$((PASSED + 1))
        [[ $REPORT == tap ]] && echo "ok - $STEP: trace agrees: $l $t"
      else
        FAILED=$((FAILED + 1)); mark=$C_BAD
        [[ $REPORT == tap ]] && echo "not ok - $STEP: trace says $t for $l, the packet was $s"
      fi
    fi
    [[ $REPORT == table ]] && printf '  %-36s %-9s %-9s %-9s %s\n' "$l" "$w" "$s" "${t:--}" "$mark"
  done
  true
}

# Continuous probing: watch_start NAME KIND FROM IP PORT; watch_stop NAME
# prints "allowed_count denied_count".
watch_start() {
  local name=$1
  shift
  rm -f "$SB_DIR/watch.$name" "$SB_DIR/watch.$name.stop"
  (while [[ ! -f $SB_DIR/watch.$name.stop ]]; do
     sb_probe "$@" >>"$SB_DIR/watch.$name"
     sleep 0.05
   done) &
  eval "WATCH_PID_$name=$!"
}
watch_stop() {
  local pidvar="WATCH_PID_$1"
  touch "$SB_DIR/watch.$1.stop"
  wait "${!pidvar}" 2>/dev/null || true
  echo "$(grep -c '^allowed' "$SB_DIR/watch.$1") $(grep -c '^denied' "$SB_DIR/watch.$1")"
}

# counted RULE [IFACE]: felixctl counters in the host shows more than zero
# packets for RULE (its comment), among the rules IFACE's packets reach.
counted() {
  local n
  n=$(sb_in host "$SB_FELIXCTL" counters --iface "${2:-eth0}" |
    awk -v r="$1" 'index($0, "  " r " (") { s += $1 } END { print s + 0 }')
  if [[ $REPORT == table ]]; then
    echo "\$ felixctl counters --iface ${2:-eth0}"
    sb_in host "$SB_FELIXCTL" counters --iface "${2:-eth0}" | sed 's/^/  /'
  fi
  ((n > 0))
}

no_errors_logged() { ! grep -qE '\[(ERROR|CRITICAL)\]' "$SB_FELIX_LOG"; }
table_exists() { sb_in host nft list table inet calico >/dev/null 2>&1; }
no_table() { ! table_exists; }

setup_host() {
  sb_add_peer peer0 eth0 $H0/24 $P0/24
  sb_add_peer peer1 eth1 $H1/24 $P1/24
  sb_listen host tcp 22 80 8080
  sb_listen peer0 tcp 2379 2380 4001 7001 8080
  sb_listen peer0 udp 67
  sb_listen peer1 tcp 8080
  sb_etcd_start
}

readonly GUIDE_ENDPOINT='{
  "name": "eth0",
  "expected_ipv4_addrs": ["10.71.0.1"],
  "profile_ids": [],
  "labels": {
    "role": "webserver",
    "environment": "production",
  }
}'
readonly FAILSAFE_POLICY='{
  "selector": "all()",
  "order": 0,
  "inbound_rules": [
    {"protocol": "tcp", "dst_ports": [22], "src_net": "10.71.0.0/24", "action": "allow"},
    {"protocol": "icmp", "action": "allow"}
  ],
  "outbound_rules": [
    {"protocol": "tcp", "dst_ports": [2379, 2380, 4001, 7001], "dst_net": "10.71.0.2/32", "action": "allow"},
    {"protocol": "udp", "dst_ports": [67], "action": "allow"}
  ]
}'
readonly WEBSERVER_POLICY='{
  "selector": "role==\"webserver\"",
  "order": 100,
  "inbound_rules": [{"protocol": "tcp", "dst_ports": [80], "action": "allow"}],
  "outbound_rules": [{"action": "allow"}]
}'
readonly INVALID_ENDPOINT='{ "labels": {"foo": "bar"}, "profile_ids": ["prof1"]}'

endpoint_with_role() {
  printf '{"name": "eth0", "expected_ipv4_addrs": ["10.71.0.1"], "profile_ids": [], "labels": {"role": "%s", "environment": "production"}}' "$1"
}

run_guide() {
  step "Setting up: host namespace with eth0 (peer0) and eth1 (peer1), etcd on its loopback"
  setup_host
  probe allowed tcp peer0 $H0 80
  probe allowed tcp host $P0 8080
  verify 2

  step "The agent starts before the datastore is ready"
  note "calico-felix started in $SB_HOST; log $SB_FELIX_LOG"
  sb_felix_start
  assert "agent logs wait-for-ready" sb_wait_log 15 'wait-for-ready'
  assert "nothing programmed while waiting" no_table
  assert "agent is running" sb_felix_running
  kill -PIPE "$SB_FELIX_PID"
  sleep 0.2
  assert "agent survives SIGPIPE" sb_felix_running

  step "Initialising the datastore"
  guide_cmd set /calico/v1/Ready true
  assert "agent programs table inet calico" sb_wait_until 15 table_exists

  step "A host endpoint for eth0 (the guide's JSON), no policy: only failsafe"
  guide_cmd set "$EP/data-1" "$GUIDE_ENDPOINT"
  probe allowed tcp peer0 $H0 22
  probe denied tcp peer0 $H0 80
  probe denied ping peer0 $H0
  local port
  for port in 2379 2380 4001 7001; do probe allowed tcp host $P0 $port; done
  probe denied tcp host $P0 8080
  probe denied udp host $P0 67
  probe allowed tcp peer1 $H1 80
  probe allowed ping peer1 $H1
  probe allowed tcp host $P1 8080
  verify

  step "The guide's failsafe policy (management 10.71.0.0/24, etcd at 10.71.0.2)"
  guide_cmd set /calico/v1/policy/tier/default/policy/failsafe "$FAILSAFE_POLICY"
  probe allowed ping peer0 $H0
  probe allowed udp host $P0 67
  probe denied tcp peer0 $H0 80
  verify

  step "The guide's webserver policy"
  guide_cmd set /calico/v1/policy/tier/default/policy/webserver "$WEBSERVER_POLICY"
  probe allowed tcp peer0 $H0 80
  probe denied tcp peer0 $H0 8080
  probe allowed tcp peer0 $H0 22
  probe allowed tcp host $P0 8080
  verify
  if [[ -n ${SB_FELIXCTL:-} ]]; then
    assert "counters: the webserver rule counted tcp 80" counted "policy default/webserver inbound rule 1"
    assert "counters: the end of tier default counted tcp 8080" counted "end of tier default"
  fi

  step "Relabelling the endpoint (role=db): the webserver policy no longer applies"
  guide_cmd set "$EP/data-1" "$(endpoint_with_role db)"
  probe denied tcp peer0 $H0 80
  probe denied tcp host $P0 8080
  probe allowed tcp peer0 $H0 22
  probe allowed ping peer0 $H0
  verify
  guide_cmd set "$EP/data-1" "$(endpoint_with_role webserver)"
  probe allowed tcp peer0 $H0 80
  verify

  step "The guide's invalid host endpoint"
  guide_cmd set "$EP/eth0-bad" "$INVALID_ENDPOINT"
  local want="Validation failed for host endpoint HostEndpointId<eth0-bad>, treating as missing: 'name' or 'expected_ipvX_addrs' must be present.; '$INVALID_ENDPOINT'"
  assert "warning logged" sb_wait_log 10 'Validation failed'
  assert "exact warning line" grep -qF -- "$want" "$SB_FELIX_LOG"
  if [[ $REPORT == table ]]; then
    echo "\$ grep \"Validation failed\" $SB_FELIX_LOG"
    grep "Validation failed" "$SB_FELIX_LOG" | sed 's/^/  /'
  fi
  sleep 0.5
  probe allowed tcp peer0 $H0 80
  probe denied tcp peer0 $H0 8080
  probe allowed tcp peer1 $H1 80
  verify 0

  step "Another host's endpoints don't touch this host"
  guide_cmd set /calico/v1/host/otherhost/endpoint/eth1 '{"name": "eth1", "labels": {"role": "db"}}'
  guide_cmd set /calico/v1/host/otherhost/endpoint/eth0 '{"name": "eth0", "labels": {"role": "db"}}'
  sleep 1
  probe allowed tcp peer1 $H1 80
  probe allowed tcp peer0 $H0 80
  probe denied tcp peer0 $H0 8080
  verify 0

  step "A host endpoint by expected IP only (eth1's address): eth1 is policed"
  guide_cmd set "$EP/data-2" '{"expected_ipv4_addrs": ["10.71.1.1"], "profile_ids": [], "labels": {"role": "data"}}'
  probe denied tcp peer1 $H1 80
  probe allowed tcp peer1 $H1 22
  probe allowed ping peer1 $H1
  probe denied tcp host $P1 8080
  verify

  step "FailsafeInboundHostPorts empty in the environment: ssh closed where no policy allows it"
  note "restarting calico-felix with FELIX_FAILSAFEINBOUNDHOSTPORTS=\"\""
  sb_felix_stop TERM
  sb_felix_start FELIX_FAILSAFEINBOUNDHOSTPORTS=
  assert "restarted agent programs" sb_wait_log 15 'Programmed table inet calico'
  probe denied tcp peer1 $H1 22
  probe allowed tcp peer0 $H0 22
  verify
  note "restarting calico-felix with the default failsafe ports"
  sb_felix_stop TERM
  sb_felix_start
  assert "agent with default failsafe programs" sb_wait_log 15 'Programmed table inet calico'
  probe allowed tcp peer1 $H1 22
  verify

  step "FailsafeInboundHostPorts empty in etcd global config (live)"
  guide_cmd set /calico/v1/config/FailsafeInboundHostPorts ""
  probe denied tcp peer1 $H1 22
  probe allowed tcp peer0 $H0 22
  verify
  step "Per-host FailsafeInboundHostPorts overrides global"
  guide_cmd set "/calico/v1/host/$SB_HOSTNAME/config/FailsafeInboundHostPorts" 22
  probe allowed tcp peer1 $H1 22
  verify
  guide_cmd rm "/calico/v1/host/$SB_HOSTNAME/config/FailsafeInboundHostPorts"
  probe denied tcp peer1 $H1 22
  verify
  guide_cmd rm /calico/v1/config/FailsafeInboundHostPorts
  probe allowed tcp peer1 $H1 22
  verify

  step "An unknown workload interface (cali0wl) drops what it sends"
  note "a veth cali0wl to namespace $(sb_ns wl), no workload endpoint for it"
  sb_add_peer wl cali0wl $HW/24 $PW/24
  sb_listen wl tcp 8080
  probe denied tcp wl $HW 22
  probe denied ping wl $HW
  # Host-originated traffic to a local workload is not policed (spec §14).
  probe allowed tcp host $PW 8080
  verify

  step "Killing the agent (SIGKILL) leaves the rules in place"
  note "kill -KILL calico-felix"
  sb_felix_stop KILL
  assert "agent is gone" eval '! sb_felix_running'
  assert "table still present" table_exists
  probe allowed tcp peer0 $H0 80
  probe denied tcp peer0 $H0 8080
  probe denied tcp peer1 $H1 80
  probe allowed tcp peer1 $H1 22
  probe denied tcp wl $HW 22
  verify 0

  step "A restarted agent takes over with no gap"
  watch_start web tcp peer0 $H0 80
  watch_start web2 tcp peer1 $H1 22
  watch_start alt tcp peer0 $H0 8080
  watch_start data tcp peer1 $H1 80
  note "probing continuously while calico-felix restarts"
  sleep 1.5
  sb_felix_start
  assert "restarted agent programs" sb_wait_log 15 'Programmed table inet calico'
  sleep 1.5
  local r
  r=$(watch_stop web)
  assert "tcp 80 to eth0 allowed throughout (allowed/denied: $r)" test "${r#* }" = 0 -a "${r% *}" -gt 0
  r=$(watch_stop web2)
  assert "tcp 22 to eth1 allowed throughout (allowed/denied: $r)" test "${r#* }" = 0 -a "${r% *}" -gt 0
  r=$(watch_stop alt)
  assert "tcp 8080 to eth0 denied throughout (allowed/denied: $r)" test "${r% *}" = 0 -a "${r#* }" -gt 0
  r=$(watch_stop data)
  assert "tcp 80 to eth1 denied throughout (allowed/denied: $r)" test "${r% *}" = 0 -a "${r#* }" -gt 0

  step "An etcd restart mid-run is survived"
  note "stopping etcd"
  sb_etcd_stop TERM
  sleep 1
  assert "agent keeps running while etcd is down" sb_felix_running
  probe allowed tcp peer0 $H0 80
  probe denied tcp peer0 $H0 8080
  verify 0
  note "starting etcd again on the same data dir"
  sb_etcd_start
  guide_cmd set "$EP/data-1" "$(endpoint_with_role db)"
  probe denied tcp peer0 $H0 80
  verify 30
  guide_cmd set "$EP/data-1" "$(endpoint_with_role webserver)"
  probe allowed tcp peer0 $H0 80
  verify
  assert "agent still running at the end" sb_felix_running
  assert "no ERROR or CRITICAL line in the agent log" no_errors_logged
}
