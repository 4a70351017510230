#!/usr/bin/env bash
# Runs the Meridian vs etcd load test on this machine: installs etcd if missing, builds Release, starts a real
# Meridian server and etcd on free loopback ports with temporary data directories, runs the suite, stops both.
# Usage: bench/run.sh [--quick] [--concurrency N]
# Writes bench/results/latest.md and bench/results/latest.png.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACTS="${BENCH_ARTIFACTS:-/tmp/art-bench}"
OUT="${BENCH_OUT:-$ROOT/bench/results}"
cd "$ROOT"
# The load average before the build and the servers: above 3, other work shares the machine and the run says so.
export BENCH_LOAD_BEFORE="${BENCH_LOAD_BEFORE:-$(cut -d' ' -f1 /proc/loadavg)}"

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_prepare

WORK="$(mktemp -d /tmp/meridian-bench.XXXXXX)"
SERVER_PID=""
ETCD_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [[ -n "$ETCD_PID" ]] && kill "$ETCD_PID" 2>/dev/null && wait "$ETCD_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

HTTP_PORT="$(free_port)"; GRPC_PORT="$(free_port)"; ETCD_PORT="$(free_port)"; ETCD_PEER="$(free_port)"

# Authentication stays on (Enforced, never Dev): the server's first start creates 'admin' with this password, and the
# load test logs in with it to create the access key every Meridian call of the suite carries. Only the two processes
# that need it see it, through the environment (not the command line).
ADMIN_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"

# Instances outlive the whole run without heartbeats, so expiry never changes what a scenario measures. The load test is
# one caller at one address doing the work of a fleet: the per-caller quotas (docs/limits.md) are lifted for it.
start_meridian "$WORK/meridian" "$HTTP_PORT" "$GRPC_PORT" "$WORK/meridian.log" \
  --Meridian:Registry:HeartbeatTimeout=00:15:00 \
  --Meridian:Registry:DeleteTimeout=00:30:00

start_etcd "$WORK/etcd" "$ETCD_PORT" "$ETCD_PEER" "$WORK/etcd.log"

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1; then
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "Meridian exited:" >&2; cat "$WORK/meridian.log" >&2; exit 1; }
  kill -0 "$ETCD_PID" 2>/dev/null || { echo "etcd exited:" >&2; cat "$WORK/etcd.log" >&2; exit 1; }
  sleep 0.2
done
echo "Meridian pid $SERVER_PID on $HTTP_PORT (gRPC $GRPC_PORT); $(etcd --version | head -1) pid $ETCD_PID on $ETCD_PORT"

# BENCH_TRACE=FILE samples the server's CPU for BENCH_TRACE_SECONDS (default 30) from the start of the suite:
# `dotnet-trace report FILE topN --inclusive` then says where the server's time goes.
if [[ -n "${BENCH_TRACE:-}" ]]; then
  command -v dotnet-trace >/dev/null 2>&1 || export PATH="$PATH:$HOME/.dotnet/tools"
  command -v dotnet-trace >/dev/null 2>&1 || dotnet tool install -g dotnet-trace >/dev/null
  dotnet-trace collect -p "$SERVER_PID" --profile dotnet-common,dotnet-sampled-thread-time -o "$BENCH_TRACE" \
    --duration "00:00:00:$(printf '%02d' "${BENCH_TRACE_SECONDS:-30}")" >"$BENCH_TRACE.log" 2>&1 &
fi

set +e
MERIDIAN_ADMIN_PASSWORD="$ADMIN_PASSWORD" dotnet "$LOADTEST_DLL" \
  --meridian "http://127.0.0.1:$HTTP_PORT" --meridian-grpc "http://127.0.0.1:$GRPC_PORT" --meridian-pid "$SERVER_PID" \
  --etcd "http://127.0.0.1:$ETCD_PORT" --etcd-pid "$ETCD_PID" --out "$OUT" "$@"
STATUS=$?
set -e
if [[ $STATUS -ne 0 ]]; then
  echo "--- Meridian log (tail) ---" >&2; tail -n 40 "$WORK/meridian.log" >&2
  echo "--- etcd log (tail) ---" >&2; tail -n 20 "$WORK/etcd.log" >&2
fi
exit $STATUS
