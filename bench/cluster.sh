#!/usr/bin/env bash
# The load test against a 3-node cluster beside etcd: cluster/up.sh starts PostgreSQL, three Meridian nodes and nginx;
# every Meridian request and client connection goes through nginx (round robin over the nodes), so a registration,
# a publish and the fan-out to its subscribers spread over the three nodes. Rows: register, durable publish, fan-out
# (1,000 long-polls and gRPC subscribers held by all three nodes, the publish landing on one; 10,000 through the one
# nginx worker is refused with 500 on this box and is not run).
# Usage: bench/cluster.sh [--quick] [--concurrency N]      Writes bench/results/cluster/latest.md (and .png).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACTS="${BENCH_ARTIFACTS:-/tmp/art-bench}"
OUT="${BENCH_OUT:-$ROOT/bench/results/cluster}"
cd "$ROOT"
# The load average before the build and the servers: above 3, other work shares the machine and the run says so.
export BENCH_LOAD_BEFORE="${BENCH_LOAD_BEFORE:-$(cut -d' ' -f1 /proc/loadavg)}"

# shellcheck source=bench/lib.sh
source bench/lib.sh
bench_prepare

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
  MERIDIAN_NODE_ARGS="--Meridian:Registry:HeartbeatTimeout=00:15:00 --Meridian:Registry:DeleteTimeout=00:30:00 $BENCH_LIMITS --Logging:LogLevel:Default=Warning" \
  cluster/up.sh --detach | grep -E "^cluster:|HTTP|gRPC" || true
CLUSTER_DIR="$(cat "${TMPDIR:-/tmp}/meridian-cluster-$(id -u).dir")"
NODE1_PID="$(cat "$CLUSTER_DIR/pids/node1")"
# The other nodes, nginx and PostgreSQL (its postmaster: the conditions count its backends with it) are part of the run.
RUN_PIDS="$(cat "$CLUSTER_DIR/pids/node2" "$CLUSTER_DIR/pids/node3" "$CLUSTER_DIR/pids/nginx" 2>/dev/null | paste -sd, -)"
[ -f "$CLUSTER_DIR/pg/data/postmaster.pid" ] && RUN_PIDS="$RUN_PIDS,$(head -n 1 "$CLUSTER_DIR/pg/data/postmaster.pid")"

start_etcd "$WORK/etcd" "$ETCD_PORT" "$ETCD_PEER" "$WORK/etcd.log"
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$ETCD_PORT/health" >/dev/null 2>&1 && break
  sleep 0.2
done

# CPU and memory columns read node 1 only (one of the three nodes); etcd is one process.
MERIDIAN_ADMIN_PASSWORD="$ADMIN_PASSWORD" dotnet "$LOADTEST_DLL" \
  --meridian "http://127.0.0.1:$FRONT_HTTP" --meridian-grpc "http://127.0.0.1:$FRONT_GRPC" --meridian-pid "$NODE1_PID" \
  --meridian-nodes "http://127.0.0.1:18848,http://127.0.0.1:18858,http://127.0.0.1:18868" \
  --etcd "http://127.0.0.1:$ETCD_PORT" --etcd-pid "$ETCD_PID" --run-pids "$RUN_PIDS" --only publish,fanout --fanouts 1000 --out "$OUT" "$@"
