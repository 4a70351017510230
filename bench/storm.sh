#!/usr/bin/env bash
# The reconnect storm: one Meridian server, started as bench/run.sh starts it; 5,000 clients of the .NET client
# library (one process, each client its own DI container and connection, subscribed to one of 50 services); then the
# server is killed with SIGKILL and started again at once on the same data directory and ports. Measures how the
# reconnects spread after the server is ready, an instance-list probe every 50 ms and the server's CPU meanwhile.
# Usage: bench/storm.sh [--clients N] [--services N]      Writes bench/results/storm/latest.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACTS="${BENCH_ARTIFACTS:-/tmp/art-bench}"
OUT="${BENCH_OUT:-$ROOT/bench/results/storm}"
cd "$ROOT"

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_build

WORK="$(mktemp -d /tmp/meridian-storm.XXXXXX)"
SERVER_PID=""
TOOL_PID=""
cleanup() {
  [[ -n "$TOOL_PID" ]] && kill "$TOOL_PID" 2>/dev/null && wait "$TOOL_PID" 2>/dev/null || true
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

HTTP_PORT="$(free_port)"; GRPC_PORT="$(free_port)"
ADMIN_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"

# As run.sh: instances outlive the run without heartbeats. The same arguments start the server the second time.
serve() {
  start_meridian "$WORK/meridian" "$HTTP_PORT" "$GRPC_PORT" "$WORK/meridian.log" \
    --Meridian:Registry:HeartbeatTimeout=00:15:00 \
    --Meridian:Registry:DeleteTimeout=00:30:00
  echo "$SERVER_PID" >"$WORK/server.pid.tmp" && mv "$WORK/server.pid.tmp" "$WORK/server.pid"
}
serve
wait_meridian "$HTTP_PORT" "$WORK/meridian.log"
echo "Meridian pid $SERVER_PID on $HTTP_PORT (gRPC $GRPC_PORT)"

MERIDIAN_ADMIN_PASSWORD="$ADMIN_PASSWORD" dotnet "$LOADTEST_DLL" --storm \
  --meridian "http://127.0.0.1:$HTTP_PORT" --meridian-grpc "http://127.0.0.1:$GRPC_PORT" \
  --meridian-pid-file "$WORK/server.pid" --snapshots "$WORK/snapshots" --out "$OUT" "$@" &
TOOL_PID=$!

# The load test kills the server; it is started again at once, as a supervisor would, on the same data and ports.
set +e
while true; do
  wait -n "$SERVER_PID" "$TOOL_PID"
  if ! kill -0 "$TOOL_PID" 2>/dev/null; then
    wait "$TOOL_PID"; STATUS=$?
    TOOL_PID=""
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "--- server exited; starting it again ---" >>"$WORK/meridian.log"
    serve
  fi
done
set -e
if [[ $STATUS -ne 0 ]]; then
  echo "--- Meridian log (tail) ---" >&2; tail -n 40 "$WORK/meridian.log" >&2
fi
exit $STATUS
