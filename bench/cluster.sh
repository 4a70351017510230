#!/usr/bin/env bash
# The load test against a 3-node cluster beside etcd: cluster/up.sh starts PostgreSQL, three Meridian nodes and nginx;
# every Meridian request and client connection goes through nginx (round robin over the nodes), so a registration,
# and a publish spread over the three nodes. Rows: register, durable publish.
# Usage: bench/cluster.sh [--quick] [--concurrency N]      Writes bench/results/cluster/latest.md (and .png).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACTS="${BENCH_ARTIFACTS:-/tmp/art-bench}"
OUT="${BENCH_OUT:-$ROOT/bench/results/cluster}"
cd "$ROOT"

command -v etcd >/dev/null 2>&1 || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "Building Release into $ARTIFACTS..."
dotnet build src/Meridian.Server/Meridian.Server.csproj -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo | grep -E "error|Warn" || true
dotnet build bench/Meridian.LoadTest/Meridian.LoadTest.csproj -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo | grep -E "error|Warn" || true
SERVER_DLL="$ARTIFACTS/bin/Meridian.Server/release/Meridian.Server.dll"
LOADTEST_DLL="$ARTIFACTS/bin/Meridian.LoadTest/release/Meridian.LoadTest.dll"
[[ -f "$SERVER_DLL" && -f "$LOADTEST_DLL" ]] || { echo "Build failed: $SERVER_DLL or $LOADTEST_DLL is missing" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

WORK="$(mktemp -d /tmp/meridian-cluster-bench.XXXXXX)"
ETCD_PID=""
cleanup() {
  cluster/up.sh stop >/dev/null 2>&1 || true
  [[ -n "$ETCD_PID" ]] && kill "$ETCD_PID" 2>/dev/null && wait "$ETCD_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

FRONT_HTTP="$(free_port)"; FRONT_GRPC="$(free_port)"; ETCD_PORT="$(free_port)"; ETCD_PEER="$(free_port)"
ADMIN_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"

# Instances outlive the whole run without heartbeats, so expiry never changes what a scenario measures.
MERIDIAN_SERVER_DLL="$SERVER_DLL" MERIDIAN_ADMIN_PASSWORD="$ADMIN_PASSWORD" MERIDIAN_FRONT_HTTP="$FRONT_HTTP" MERIDIAN_FRONT_GRPC="$FRONT_GRPC" \
  MERIDIAN_NODE_ARGS="--Meridian:Registry:HeartbeatTimeout=00:15:00 --Meridian:Registry:DeleteTimeout=00:30:00 --Logging:LogLevel:Default=Warning" \
  cluster/up.sh --detach | grep -E "^cluster:|HTTP|gRPC" || true
CLUSTER_DIR="$(cat "${TMPDIR:-/tmp}/meridian-cluster-$(id -u).dir")"
NODE1_PID="$(cat "$CLUSTER_DIR/pids/node1")"

etcd --name bench --data-dir "$WORK/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-cluster "bench=http://127.0.0.1:$ETCD_PEER" --quota-backend-bytes 8589934592 \
  --logger zap --log-level error >"$WORK/etcd.log" 2>&1 &
ETCD_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1 && break
  sleep 0.2
done

# CPU and memory columns read node 1 only (one of the three nodes); etcd is one process.
MERIDIAN_ADMIN_PASSWORD="$ADMIN_PASSWORD" dotnet "$LOADTEST_DLL" \
  --meridian "http://127.0.0.1:$FRONT_HTTP" --meridian-grpc "http://127.0.0.1:$FRONT_GRPC" --meridian-pid "$NODE1_PID" \
  --etcd "http://127.0.0.1:$ETCD_PORT" --etcd-pid "$ETCD_PID" --only publish --out "$OUT" "$@"
