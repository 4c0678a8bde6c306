#!/usr/bin/env bash
# End-to-end test of felixctl's lockout guard (issue 10): a real TCP
# connection from a peer namespace to the demo host stands in for the
# operator's SSH session (its 4-tuple as SSH_CONNECTION); felixctl apply and
# rm refuse the changes that would cut it, write them with --force, keep
# --protect'ed connections, and warn about deny rules on failsafe ports.
#
# Usage: lockout_test.sh --api v2|v3 --felix PATH --felixctl PATH [--keep]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# shellcheck source=tests/e2e/e2e_args.sh
source "$here/e2e_args.sh"
e2e_args "$@"
[[ -x $SB_FELIXCTL ]] || { echo "felixctl not found: '$SB_FELIXCTL'" >&2; exit 2; }

# shellcheck disable=SC2034  # settings read by sandbox.sh
SB_PREFIX="fxl${SB_API}$$" SB_HOSTNAME="e2e-host"
# shellcheck source=scripts/lib/sandbox.sh
source "$root/scripts/lib/sandbox.sh"
# shellcheck source=tests/e2e/guide_steps.sh
source "$here/guide_steps.sh"

POL=/calico/v1/policy/tier/default/policy
allow_ports() {  # allow_ports PORT...: a policy allowing tcp to those ports in, all out
  local ports
  ports=$(IFS=,; echo "$*")
  printf '{"key": "%s/ssh", "value": {"selector": "all()", "order": 10, "inbound_rules": [{"protocol": "tcp", "dst_ports": [%s], "action": "allow"}], "outbound_rules": [{"action": "allow"}]}}\n' "$POL" "$ports"
}
# ctl [ENV=VALUE...] -- ARGS...: felixctl in the host namespace against our
# etcd, as the agent there (its FelixHostname); stdout+stderr in $SB_DIR/ctl.out.
ctl() {
  local envs=()
  while [[ $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  local rc=0
  sb_in host env FELIX_FELIXHOSTNAME="$SB_HOSTNAME" "${envs[@]}" "$SB_FELIXCTL" "$1" \
    -c "$SB_DIR/felix.cfg" --etcd-endpoints http://127.0.0.1:2379 --etcd-api "$SB_API" \
    "${@:2}" >"$SB_DIR/ctl.out" 2>&1 || rc=$?
  sed 's/^/#   /' "$SB_DIR/ctl.out"
  return "$rc"
}
ctl_said() { grep -qF -- "$1" "$SB_DIR/ctl.out"; }
exits() {  # exits CODE CMD...
  local want=$1 rc=0
  shift
  "$@" || rc=$?
  ((rc == want))
}
policy_has() { sb_etcdctl get "$POL/ssh" | tr -d ' ' | grep -qF -- "$1"; }

start=$SECONDS
sb_init
step "Setting up: host with eth0, ssh-like service on tcp 2222, policy allowing it"
setup_host
# The "sshd": holds each connection open until the client closes it.
sb_in host socat TCP4-LISTEN:2222,fork,reuseaddr SYSTEM:'cat >/dev/null' >/dev/null 2>&1 &
SB_LISTENER_PIDS+=($!)
disown
sb_wait_until 5 sb_port_listening host -ltnH 2222
guide_cmd set /calico/v1/Ready true
guide_cmd set "$EP/data-1" "$GUIDE_ENDPOINT"
allow_ports 2222 >"$SB_DIR/ssh.json"
assert "felixctl apply of the allowing policy" exits 0 ctl -- apply -f "$SB_DIR/ssh.json"
sb_felix_start
assert "table programmed" sb_wait_until 15 table_exists
probe allowed tcp peer0 $H0 2222
probe denied tcp peer0 $H0 8080
verify

step "An SSH-like session from peer0 (its 4-tuple is SSH_CONNECTION)"
sb_in peer0 socat -u EXEC:'sleep 120' "TCP:$H0:2222" &
disown
sb_wait_until 5 bash -c "ip netns exec $SB_HOST ss -Htn state established '( sport = :2222 )' | grep -q ." || true
peer=$(sb_in host ss -Htn state established '( sport = :2222 )' | awk '{print $4}' | head -1)
SSH="${peer%:*} ${peer##*:} $H0 2222"
note "SSH_CONNECTION=\"$SSH\""
assert "the session is up" test -n "$peer"

step "A policy that no longer allows 2222 is refused, naming the rule"
allow_ports 80 >"$SB_DIR/cut.json"
assert "apply exits 1" exits 1 ctl SSH_CONNECTION="$SSH" -- apply -f "$SB_DIR/cut.json"
assert "refusal names the session" ctl_said "refusing: this change would cut your SSH connection from ${peer%:*} (SSH_CONNECTION) on host $SB_HOSTNAME (in eth0)"
assert "and what drops it" ctl_said "tier default applies but none of its policies allowed or passed the packet"
assert "nothing written" policy_has '"dst_ports":[2222]'

step "rm of the allowing policy is refused too"
assert "rm exits 1" exits 1 ctl SSH_CONNECTION="$SSH" -- rm "$POL/ssh"
assert "refusal" ctl_said "refusing: this change would cut your SSH connection"
assert "policy still there" policy_has '"dst_ports":[2222]'

step "--protect SRC:PORT keeps a connection without SSH_CONNECTION"
assert "apply exits 1" exits 1 ctl -- apply -f "$SB_DIR/cut.json" --protect "$P0:2222"
assert "refusal names it" ctl_said "tcp from $P0 to port 2222 (--protect) on host $SB_HOSTNAME (in eth0)"
assert "a change that keeps it passes" exits 0 ctl -- apply -f "$SB_DIR/ssh.json" --protect "$P0:2222"

step "A deny rule on a failsafe port is written with a warning"
printf '{"key": "%s/ssh", "value": {"selector": "all()", "order": 10, "inbound_rules": [{"protocol": "tcp", "dst_ports": [22], "action": "deny"}, {"protocol": "tcp", "dst_ports": [2222], "action": "allow"}], "outbound_rules": [{"action": "allow"}]}}\n' "$POL" >"$SB_DIR/deny22.json"
assert "apply exits 0" exits 0 ctl SSH_CONNECTION="$SSH" -- apply -f "$SB_DIR/deny22.json"
assert "warning" ctl_said "inbound rule 1 denies tcp:22, a failsafe port (FailsafeInboundHostPorts): it has no effect while failsafe is on"
probe allowed tcp peer0 $H0 22  # failsafe still wins, as the warning says
verify

step "--force writes what the guard refuses"
assert "apply --force exits 0" exits 0 ctl SSH_CONNECTION="$SSH" -- apply -f "$SB_DIR/cut.json" --force
assert "says so" ctl_said "--force: writing although this change would cut your SSH connection"
assert "written" policy_has '"dst_ports":[80]'
probe denied tcp peer0 $H0 2222  # new sessions: now dropped
verify

echo "suite time: $((SECONDS - start)) s (api $SB_API)"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
