#!/usr/bin/env bash
# The HTTP hot paths under wrk, each beside a minimal Kestrel endpoint answering the very bytes the path answered
# (bench/Meridian.Ceiling): how close Meridian's request pipeline comes to what Kestrel alone does on this machine.
# Starts a Meridian server (auth on, as by default) and the ceiling on free loopback ports, sets up one instance to
# beat, a 10-instance service to list and a 512 B config to read, then runs wrk (1 thread, 64 connections) on each
# path and its ceiling in turn, reading each server's CPU time from /proc around the measured run.
# Usage: bench/wrk.sh [--quick] [--seconds N]    Writes bench/results/latest-wrk.md (BENCH_OUT overrides the folder).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ARTIFACTS="${BENCH_ARTIFACTS:-/tmp/art-bench}"
OUT="${BENCH_OUT:-$ROOT/bench/results}"
cd "$ROOT"

SECONDS_PER_RUN=8
WARMUP=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) SECONDS_PER_RUN=2; WARMUP=1 ;;
    --seconds) SECONDS_PER_RUN="$2"; shift ;;
    *) echo "Usage: bench/wrk.sh [--quick] [--seconds N]" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=bench/lib.sh
source bench/lib.sh
if ! command -v wrk >/dev/null 2>&1; then
  echo "Installing wrk (Debian package wrk)..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
bench_build
bench_dotnet_build bench/Meridian.Ceiling/Meridian.Ceiling.csproj
CEILING_DLL="$ARTIFACTS/bin/Meridian.Ceiling/release/Meridian.Ceiling.dll"
[[ -f "$CEILING_DLL" ]] || { echo "Build failed: $CEILING_DLL is missing" >&2; exit 1; }

WORK="$(mktemp -d /tmp/meridian-wrk.XXXXXX)"
SERVER_PID=""
CEILING_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [[ -n "$CEILING_PID" ]] && kill "$CEILING_PID" 2>/dev/null && wait "$CEILING_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

HTTP_PORT="$(free_port)"; GRPC_PORT="$(free_port)"; CEILING_PORT="$(free_port)"
ADMIN_PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
start_meridian "$WORK/meridian" "$HTTP_PORT" "$GRPC_PORT" "$WORK/meridian.log" \
  --Meridian:Registry:HeartbeatTimeout=00:15:00 --Meridian:Registry:DeleteTimeout=00:30:00
wait_meridian "$HTTP_PORT" "$WORK/meridian.log"
M="http://127.0.0.1:$HTTP_PORT"

json() { python3 -c "import sys, json; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
TOKEN="$(curl -fsS -X POST "$M/v1/auth/token" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PASSWORD\"}" | json accessToken)"
KEY="$(curl -fsS -X POST "$M/v1/auth/keys" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"name":"wrk","namespaces":["*"],"scopes":["discovery:read","register","config:read","config:write"]}' | json key)"
call() { curl -fsS -o /dev/null -H "authorization: Bearer $KEY" -H 'content-type: application/json' "$@"; }

BASE="/v1/namespaces/public/groups/DEFAULT_GROUP"
call -X POST "$M$BASE/services/wrk-beat/instances" -d '{"ip":"10.0.0.1","port":8080,"instanceId":"beat-1"}'
for i in $(seq 1 10); do
  call -X POST "$M$BASE/services/wrk-list/instances" -d "{\"ip\":\"10.0.1.$i\",\"port\":8080,\"metadata\":{\"zone\":\"a\",\"version\":\"1.4.2\"}}"
done
CONTENT="$(python3 -c 'print("k" + "=v" * 255)')"
call -X PUT "$M$BASE/configs/wrk-get" -d "{\"content\":\"$CONTENT\",\"type\":\"properties\"}"

# name|method|path|what it is
ROWS=(
  "heartbeat|PUT|$BASE/services/wrk-beat/instances/beat-1/heartbeat|HTTP heartbeat of one instance"
  "list|GET|$BASE/services/wrk-list/instances?healthyOnly=true|Instance list of a 10-instance service"
  "config-get|GET|$BASE/configs/wrk-get|Config get (512 B, raw)"
  "nacos-config-get|GET|/nacos/v1/cs/configs?dataId=wrk-get&group=DEFAULT_GROUP|Nacos v1 config get (512 B)"
)

# The ceiling answers each path's own bytes and content type, read from Meridian once.
mkdir -p "$WORK/bodies"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name method path _ <<<"$row"
  curl -fsS -X "$method" -H "authorization: Bearer $KEY" -o "$WORK/bodies/$name.body" -D "$WORK/$name.headers" "$M$path"
  grep -i '^content-type:' "$WORK/$name.headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r' >"$WORK/bodies/$name.type" || true
done
(cd "$(dirname "$CEILING_DLL")" && exec dotnet "$CEILING_DLL" --urls "http://127.0.0.1:$CEILING_PORT" --bodies "$WORK/bodies") \
  >"$WORK/ceiling.log" 2>&1 &
CEILING_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$CEILING_PORT/config-get" 2>/dev/null && break
  kill -0 "$CEILING_PID" 2>/dev/null || { echo "The ceiling exited:" >&2; cat "$WORK/ceiling.log" >&2; exit 1; }
  sleep 0.1
done

cat >"$WORK/request.lua" <<'EOF'
function init(args)
  wrk.method = args[1]
  wrk.headers["Authorization"] = "Bearer " .. args[2]
end
function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("status " .. status .. "\n")
    wrk.thread:stop()
  end
end
EOF

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# run PID URL METHOD: warm-up, then a measured run; prints "requests/s cpu-µs-per-request".
run() {
  local pid="$1" url="$2" method="$3" out before after requests
  wrk -t1 -c64 -d"${WARMUP}s" -s "$WORK/request.lua" "$url" -- "$method" "$KEY" >/dev/null
  before="$(cpu_ticks "$pid")"
  out="$(wrk -t1 -c64 -d"${SECONDS_PER_RUN}s" -s "$WORK/request.lua" "$url" -- "$method" "$KEY" 2>&1)"
  after="$(cpu_ticks "$pid")"
  if grep -q '^status' <<<"$out"; then
    echo "wrk on $url got: $(grep -m1 '^status' <<<"$out")" >&2
    exit 1
  fi
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  python3 -c "import sys; r=int(sys.argv[1]); print(f'{r / float(sys.argv[2]):.0f} {(int(sys.argv[4]) - int(sys.argv[3])) * 1e6 / 100 / max(r, 1):.1f}')" \
    "$requests" "$SECONDS_PER_RUN" "$before" "$after"
}

mkdir -p "$OUT"
REPORT="$OUT/latest-wrk.md"
{
  echo "# Meridian's HTTP paths vs a minimal Kestrel endpoint, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')). wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}'), 1 thread, 64 connections, ${WARMUP} s warm-up then ${SECONDS_PER_RUN} s measured per row and side; wrk, Meridian and the ceiling share the cores."
  echo
  echo "The ceiling is Kestrel with one route answering the bytes and content type the Meridian path answered (\`bench/Meridian.Ceiling\`), so the ratio is what Meridian's pipeline, authentication (an access key on every request) and logic cost against what the machine's HTTP stack allows. Server CPU µs/request is each process's own user+system time from /proc over the measured run."
  echo
  echo "Load average (1 min) at the start: $(load1)."
  echo
  echo "| Path | Meridian req/s | Ceiling req/s | Meridian / ceiling | ≥ 0.85 | Meridian CPU µs/req | Ceiling CPU µs/req | Answer bytes | Load at end |"
  echo "|---|--:|--:|--:|:-:|--:|--:|--:|--:|"
} >"$REPORT"

echo "Meridian pid $SERVER_PID on $HTTP_PORT; ceiling pid $CEILING_PID on $CEILING_PORT"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name method path what <<<"$row"
  measured="$(run "$SERVER_PID" "$M$path" "$method")"
  read -r m_rps m_cpu <<<"$measured"
  measured="$(run "$CEILING_PID" "http://127.0.0.1:$CEILING_PORT/$name" "$method")"
  read -r c_rps c_cpu <<<"$measured"
  ratio="$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$m_rps" "$c_rps")"
  met="$(python3 -c "import sys; print('yes' if float(sys.argv[1]) >= 0.85 else '**no**')" "$ratio")"
  line="| $what (\`$method $path\`) | $m_rps | $c_rps | $ratio | $met | $m_cpu | $c_cpu | $(stat -c %s "$WORK/bodies/$name.body") | $(load1) |"
  echo "$line" >>"$REPORT"
  echo "$name: Meridian $m_rps req/s ($m_cpu µs), ceiling $c_rps req/s ($c_cpu µs), ratio $ratio"
done
echo "Wrote $REPORT"
