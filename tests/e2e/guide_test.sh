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

# shellcheck source=tests/e2e/e2e_args.sh
source "$here/e2e_args.sh"
e2e_args "$@"

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
