# Shared by bench/run.sh, bench/cluster.sh, bench/soak.sh and bench/storm.sh (sourced, from the repository's root):
# etcd installed, the server and the load test built in Release, free ports, a Meridian server started and awaited,
# etcd started beside it.

# Installs etcd if missing, raises the open-file limit, builds; sets SERVER_DLL and LOADTEST_DLL.
# The load test is one caller at one address doing a fleet's work (100k instances in one service, 10k connections,
# tens of thousands of requests a second): the quotas that stop one runaway client (docs/limits.md) are lifted.
# shellcheck disable=SC2034
BENCH_LIMITS="--Meridian:Limits:RequestsPerSecondPerCaller=0 --Meridian:Limits:MaxInstancesPerService=10000000 --Meridian:Limits:MaxServicesPerNamespace=10000000 --Meridian:Limits:MaxConfigsPerNamespace=10000000 --Meridian:Limits:MaxConnectionsPerAddress=10000000"

bench_prepare() {
  if ! command -v etcd >/dev/null 2>&1; then
    echo "Installing etcd (Debian package etcd-server)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
  fi
  bench_build
}

# Raises the open-file limit and builds the server and the load test (no etcd); sets SERVER_DLL and LOADTEST_DLL.
bench_build() {
  # Ten thousand held long-polls, and the 50,000 held client connections, need as many sockets on each side.
  ulimit -n 200000 2>/dev/null || ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

  echo "Building Release into $ARTIFACTS..."
  bench_dotnet_build src/Meridian.Server/Meridian.Server.csproj
  bench_dotnet_build bench/Meridian.LoadTest/Meridian.LoadTest.csproj
  SERVER_DLL="$ARTIFACTS/bin/Meridian.Server/release/Meridian.Server.dll"
  LOADTEST_DLL="$ARTIFACTS/bin/Meridian.LoadTest/release/Meridian.LoadTest.dll"
  [[ -f "$SERVER_DLL" && -f "$LOADTEST_DLL" ]] || { echo "Build failed: $SERVER_DLL or $LOADTEST_DLL is missing" >&2; exit 1; }
}

# bench_dotnet_build PROJECT: a Release build into $ARTIFACTS; a failed build stops the script (an older build's
# binaries would otherwise run in its place).
bench_dotnet_build() {
  local out
  if ! out="$(dotnet build "$1" -c Release --artifacts-path "$ARTIFACTS" -v quiet -nologo 2>&1)"; then
    echo "$out" | grep -E "error" | sort -u >&2
    echo "Build of $1 failed" >&2
    exit 1
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_etcd DATA_DIR CLIENT_PORT PEER_PORT LOG: etcd in the background; sets ETCD_PID.
start_etcd() {
  etcd --name bench --data-dir "$1" \
    --listen-client-urls "http://127.0.0.1:$2" --advertise-client-urls "http://127.0.0.1:$2" \
    --listen-peer-urls "http://127.0.0.1:$3" --initial-advertise-peer-urls "http://127.0.0.1:$3" \
    --initial-cluster "bench=http://127.0.0.1:$3" --quota-backend-bytes 8589934592 \
    --logger zap --log-level error >"$4" 2>&1 &
  ETCD_PID=$!
}

# start_meridian DATA_DIR HTTP_PORT GRPC_PORT LOG [EXTRA_ARGS...]: the server as every bench starts it (authentication
# Enforced, the administrator's password from ADMIN_PASSWORD through the environment, the per-caller quotas lifted,
# warnings and up logged), in the background, from its own folder; sets SERVER_PID. EXTRA_ARGS come last and win.
start_meridian() {
  local data="$1" http="$2" grpc="$3" log="$4"
  shift 4
  # shellcheck disable=SC2086 # BENCH_LIMITS is a list of arguments
  (cd "$(dirname "$SERVER_DLL")" && MERIDIAN_ADMIN_PASSWORD="$ADMIN_PASSWORD" exec dotnet "$SERVER_DLL" \
    --urls "http://127.0.0.1:$http" \
    --Meridian:Auth:Mode=Enforced \
    --Meridian:Grpc:Port="$grpc" \
    --Meridian:Storage:Sqlite:DataDirectory="$data" \
    $BENCH_LIMITS \
    --Logging:LogLevel:Default=Warning \
    "$@") >>"$log" 2>&1 &
  SERVER_PID=$!
}

# wait_meridian HTTP_PORT LOG: until /health/ready answers (up to 60 s), or fails with the log if the server exited.
wait_meridian() {
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "Meridian exited:" >&2; cat "$2" >&2; exit 1; }
    sleep 0.2
  done
  echo "Meridian did not become ready in 60 s:" >&2; tail -n 40 "$2" >&2; exit 1
}
