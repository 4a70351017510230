#!/usr/bin/env bash
# The soak: one Meridian server, started as bench/run.sh starts it (authentication Enforced, the per-caller quotas
# lifted), under a steady mixed load for N minutes: 10,000 ephemeral instances heartbeating over HTTP at the server's
# 5 s interval, 100 registrations/s and 100 deregistrations/s of other instances, 1,000 config long-poll listeners and
# 1 publish/s to the configs they hold. Samples the server's memory, threads, open files and the loads' p50/p99 every
# 10 s. Unlike run.sh the registry keeps its default heartbeat timeouts (15 s unhealthy, 30 s removed): the heartbeats
# are real, so an instance whose beats fall behind expires and its next beat shows as a failure.
# Usage: bench/soak.sh [--minutes N] [load-test soak options]      Writes bench/results/soak/latest.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACTS="${BENCH_ARTIFACTS:-/tmp/art-bench}"
OUT="${BENCH_OUT:-$ROOT/bench/results/soak}"
cd "$ROOT"

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_build

WORK="$(mktemp -d /tmp/meridian-soak.XXXXXX)"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

HTTP_PORT="$(free_port)"; GRPC_PORT="$(free_port)"
ADMIN_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
start_meridian "$WORK/meridian" "$HTTP_PORT" "$GRPC_PORT" "$WORK/meridian.log"
wait_meridian "$HTTP_PORT" "$WORK/meridian.log"
echo "Meridian pid $SERVER_PID on $HTTP_PORT (gRPC $GRPC_PORT)"

set +e
MERIDIAN_ADMIN_PASSWORD="$ADMIN_PASSWORD" dotnet "$LOADTEST_DLL" --soak \
  --meridian "http://127.0.0.1:$HTTP_PORT" --meridian-pid "$SERVER_PID" --out "$OUT" "$@"
STATUS=$?
set -e
if [[ $STATUS -ne 0 ]]; then
  echo "--- Meridian log (tail) ---" >&2; tail -n 40 "$WORK/meridian.log" >&2
fi
exit $STATUS
