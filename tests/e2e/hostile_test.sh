#!/usr/bin/env bash
# End-to-end test of a hostile or broken datastore (issue 9), against a real
# etcd and calico-felix in network namespaces, asserted with real traffic and
# the agent's log: etcd cannot choose a file root writes, inject log lines,
# wedge the dataplane, drop the config with one bad value, widen ICMP rules,
# or hide a policy; the agent's readiness follows etcd, its servers follow
# the config, DropActionOverride works, and SIGTERM ends it within 1 s in
# every state with the rules left in place.
#
# Usage: hostile_test.sh --api v2|v3 --felix PATH [--keep]
# Prints `ok - ...` / `not ok - ...` lines and `N passed, M failed`; exits 1
# on any failure, 77 (skipped) when not root or a tool is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# shellcheck source=tests/e2e/e2e_args.sh
source "$here/e2e_args.sh"
e2e_args "$@"

# shellcheck disable=SC2034  # settings read by sandbox.sh
SB_PREFIX="fxh${SB_API}$$" SB_HOSTNAME="e2e-host"
# shellcheck source=scripts/lib/sandbox.sh
source "$root/scripts/lib/sandbox.sh"
# shellcheck source=tests/e2e/guide_steps.sh
source "$here/guide_steps.sh"

CFG=/calico/v1/config
POL=/calico/v1/policy/tier/default/policy

nft_table() { sb_in host nft list table inet calico 2>/dev/null; }
table_has() { nft_table | grep -qF -- "$1"; }
listening() { sb_in host ss -Hltn "sport = :$1" | grep -qF -- "$2"; }
# readiness: the HTTP status of /readiness on the health port, or "none".
readiness() {
  sb_in host timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9099 &&
    printf "GET /readiness HTTP/1.0\r\n\r\n" >&3 && head -1 <&3' 2>/dev/null |
    awk '{print $2}' || echo none
}
ready_is() { [[ $(readiness) == "$1" ]]; }
# metrics_have LINE...: every LINE (a regex) is in the /metrics text on 9091.
metrics_have() {
  local text line
  text=$(sb_in host timeout 3 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9091 &&
    printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' 2>/dev/null) || return 1
  for line in "$@"; do
    grep -Eq -- "$line" <<<"$text" || { echo "# metrics lack: $line"; return 1; }
  done
}
status_has() { sb_etcdctl get "$1" 2>/dev/null | grep -qF -- "$2"; }
status_gone() { [[ -z $(sb_etcdctl get "$1" 2>/dev/null) ]]; }
# stop_time: SIGTERM to exit, in ms.
stop_ms() {
  local t0 t1
  t0=$(date +%s%N)
  sb_felix_stop TERM
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
within_1s() { local ms; ms=$(stop_ms); echo "# stopped in $ms ms"; ((ms < 1000)); }
start_agent() {
  sb_felix_start FELIX_HEALTHENABLED=true FELIX_PROMETHEUSMETRICSENABLED=true \
    FELIX_PROMETHEUSMETRICSHOST=127.0.0.1 "$@"
}

run_hostile() {
  step "Setting up: host with eth0/eth1, etcd on its loopback"
  setup_host

  step "SIGTERM while waiting for the datastore"
  start_agent
  assert "agent logs wait-for-ready" sb_wait_log 15 'wait-for-ready'
  assert "ends within 1 s" within_1s

  step "Host endpoint eth0, only failsafe; the agent in sync"
  guide_cmd set /calico/v1/Ready true
  guide_cmd set "$EP/data-1" "$GUIDE_ENDPOINT"
  # systemd's side of sd_notify: a datagram socket named by NOTIFY_SOCKET.
  sb_in host socat -u "UNIX-RECV:$SB_DIR/notify.sock" "OPEN:$SB_DIR/notify.log,creat,append" &
  disown  # the sandbox's cleanup kills it
  sb_wait_until 5 test -S "$SB_DIR/notify.sock"
  start_agent NOTIFY_SOCKET="$SB_DIR/notify.sock" WATCHDOG_USEC=1000000
  assert "table programmed" sb_wait_until 15 table_exists
  assert "sd_notify READY=1 after the program" sb_wait_until 5 grep -q READY=1 "$SB_DIR/notify.log"
  assert "watchdog pings" sb_wait_until 5 bash -c "[[ \$(grep -o WATCHDOG=1 '$SB_DIR/notify.log' | wc -l) -ge 2 ]]"
  probe allowed tcp peer0 $H0 22
  probe denied tcp peer0 $H0 80
  verify
  assert "metrics on PrometheusMetricsHost only" sb_wait_until 5 listening 9091 127.0.0.1:9091
  assert "health on loopback" sb_wait_until 5 listening 9099 127.0.0.1:9099
  assert "ready" sb_wait_until 10 ready_is 200
  assert "Felix's metrics with their types" metrics_have '^felix_resync_state 3$' \
    '^# TYPE felix_int_dataplane_apply_time_seconds summary$' \
    '^# TYPE felix_calc_graph_updates_processed counter$' \
    '^felix_calc_graph_updates_processed\{type="HostEndpointKey"\} [1-9]' \
    '^felix_cluster_num_host_endpoints 1$' '^felix_active_local_endpoints 1$' \
    '^felix_int_dataplane_initial_resync_time_seconds [0-9]' '^felix_build_info\{' \
    '^process_resident_memory_bytes [1-9]'

  step "etcd names a log file and injects log lines"
  guide_cmd set $CFG/LogFilePath "$SB_DIR/evil/authorized_keys"
  guide_cmd set "$EP/bad" $'{"name": "eth9\nCRITICAL injected line", "labels": 5}'
  assert "LogFilePath from etcd ignored" sb_wait_log 10 \
    'Ignoring local-only configuration for LogFilePath from datastore \(global\)'
  assert "no file created" test ! -e "$SB_DIR/evil"
  assert "rejection logged" sb_wait_log 10 'Validation failed for host endpoint'
  assert "no injected log record" bash -c "! grep -q '^CRITICAL injected' '$SB_FELIX_LOG'"

  step "A 15-character InterfacePrefix does not wedge the dataplane"
  guide_cmd set $CFG/InterfacePrefix "cali,abcdefghijklmno"
  guide_cmd set $POL/web '{"selector": "all()", "order": 10, "inbound_rules": [{"protocol": "tcp", "dst_ports": [80], "action": "allow"}], "outbound_rules": [{"action": "allow"}]}'
  probe allowed tcp peer0 $H0 80
  verify
  assert "change-to-kernel latency observed" metrics_have \
    '^felix_datastore_change_to_kernel_seconds_count [1-9]' '^felix_nft_rules [1-9]'
  assert "the prefix is matched exactly" sb_wait_until 10 table_has 'iifname "abcdefghijklmno"'
  assert "no dataplane failure logged" bash -c "! grep -q 'Failed to program' '$SB_FELIX_LOG'"

  step "ICMP with a numeric protocol narrows as written"
  guide_cmd set $POL/web '{"selector": "all()", "order": 10, "inbound_rules": [{"protocol": 1, "!icmp_type": 8, "action": "allow"}], "outbound_rules": [{"action": "allow"}]}'
  probe denied ping peer0 $H0
  verify
  guide_cmd set $POL/web '{"selector": "all()", "order": 10, "inbound_rules": [{"icmp_type": 8, "action": "deny"}, {"action": "allow"}], "outbound_rules": [{"action": "allow"}]}'
  probe denied ping peer0 $H0
  probe allowed tcp peer0 $H0 80
  verify

  step "A policy id etcd v2 hides is rejected"
  guide_cmd set $POL/_hidden '{"selector": "all()", "order": 1, "inbound_rules": [{"action": "deny"}]}'
  if [[ $SB_API == v3 ]]; then
    assert "rejected with the reason" sb_wait_log 10 "starts with '_': etcd v2 hides"
  fi
  probe allowed tcp peer0 $H0 80
  verify

  step "DropActionOverride ACCEPT and back, live"
  guide_cmd set $POL/web '{"selector": "all()", "order": 10, "inbound_rules": [{"protocol": "tcp", "dst_ports": [22], "action": "allow"}], "outbound_rules": [{"action": "allow"}]}'
  probe denied tcp peer0 $H0 80
  verify
  guide_cmd set $CFG/DropActionOverride ACCEPT
  probe allowed tcp peer0 $H0 80
  verify
  guide_cmd set $CFG/DropActionOverride LOG-and-DROP
  probe denied tcp peer0 $H0 80
  verify
  assert "log rules in the table" sb_wait_until 5 table_has 'log prefix "calico-drop: "'
  [[ $FAILED -gt 0 ]] && nft_table | grep -n "drop" | head -20
  guide_cmd rm $CFG/DropActionOverride

  step "Server ports follow the config live"
  guide_cmd set $CFG/PrometheusMetricsPort 9095
  assert "metrics moved to 9095" sb_wait_until 5 listening 9095 127.0.0.1:9095
  assert "9091 closed" bash -c "! ss -Hltn 'sport = :9091' | grep -q ." 

  step "Readiness follows etcd; SIGTERM with etcd down"
  sb_etcd_stop KILL
  assert "not ready while etcd is down" sb_wait_until 15 ready_is 503
  sb_etcd_start
  assert "ready again" sb_wait_until 30 ready_is 200
  sb_etcd_stop KILL
  assert "not ready" sb_wait_until 15 ready_is 503
  assert "ends within 1 s with etcd down" within_1s
  assert "rules stay in place" table_exists
  sb_etcd_start

  step "Status reports (ReportingIntervalSecs 1, ReportingTTLSecs 2)"
  # What the earlier agents reported (TTL 90 s) goes first.
  sb_etcdctl rm "/calico/felix/v1/host/$SB_HOSTNAME/status" >/dev/null 2>&1 || true
  sb_etcdctl rm "/calico/felix/v1/host/$SB_HOSTNAME/last_reported_status" >/dev/null 2>&1 || true
  start_agent FELIX_REPORTINGINTERVALSECS=1 FELIX_REPORTINGTTLSECS=2
  assert "status written" sb_wait_until 15 status_has "/calico/felix/v1/host/$SB_HOSTNAME/status" '"uptime"'
  assert "last_reported_status written" status_has \
    "/calico/felix/v1/host/$SB_HOSTNAME/last_reported_status" '"first_update"'
  assert "reported again within 3 s" sb_wait_until 3 status_has \
    "/calico/felix/v1/host/$SB_HOSTNAME/status" '"first_update": false'
  assert "stopped" within_1s
  assert "status expires once the agent stops" sb_wait_until 10 status_gone \
    "/calico/felix/v1/host/$SB_HOSTNAME/status"
  assert "last_reported_status stays" status_has \
    "/calico/felix/v1/host/$SB_HOSTNAME/last_reported_status" '"time"'

  step "Per-endpoint status (EndpointReportingEnabled, live)"
  local eps="/calico/felix/v1/host/$SB_HOSTNAME/endpoint/data-1"
  sb_etcdctl set "/calico/felix/v1/host/$SB_HOSTNAME/endpoint/gone" '{"status": "up"}' >/dev/null
  start_agent
  assert "agent in sync" sb_wait_until 15 ready_is 200
  guide_cmd set $CFG/EndpointReportingEnabled true
  assert "host endpoint up" sb_wait_until 10 status_has "$eps" '"status": "up"'
  assert "a previous agent's stale key swept" status_gone "/calico/felix/v1/host/$SB_HOSTNAME/endpoint/gone"
  sb_in host ip link set eth0 down
  assert "down while its link is down" sb_wait_until 10 status_has "$eps" '"status": "down"'
  sb_in host ip link set eth0 up
  assert "up again" sb_wait_until 10 status_has "$eps" '"status": "up"'
  guide_cmd rm "$EP/data-1"
  assert "deleted with its endpoint" sb_wait_until 10 status_gone "$eps"
  guide_cmd set "$EP/data-1" "$GUIDE_ENDPOINT"
  assert "written again" sb_wait_until 10 status_has "$eps" '"status": "up"'
  guide_cmd rm $CFG/EndpointReportingEnabled
  assert "turned off: removed" sb_wait_until 10 status_gone "$eps"
  assert "stopped" within_1s

  step "A bad value does not drop the rest of the etcd config"
  guide_cmd set $CFG/InterfacePrefix tap
  guide_cmd set $CFG/ReportingIntervalSecs thirty
  start_agent
  assert "the bad value is rejected alone" sb_wait_log 20 \
    "Ignoring invalid value for ReportingIntervalSecs: 'thirty'"
  assert "tap interfaces still policed" sb_wait_until 15 table_has 'iifname "tap*"'
  assert "SIGTERM in sync within 1 s" within_1s
  assert "rules stay in place" table_exists
}

start=$SECONDS
sb_init
run_hostile
echo "suite time: $((SECONDS - start)) s (api $SB_API)"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
