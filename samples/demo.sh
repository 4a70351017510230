#!/usr/bin/env bash
# The Meridian demo in one command: a Meridian server, three user-service instances (two in cluster HZ, one in SH),
# an order-service in HZ that balances same-cluster-first, and the demo configs. Ctrl+C stops everything.
#
# Auth is on, as everywhere: the server's admin password is MERIDIAN_ADMIN_PASSWORD (a random one is made for the demo),
# the demo logs in with it, and the services run with an access key the demo creates.
# Ports can be moved with environment variables: MERIDIAN_HTTP_PORT (8848), MERIDIAN_GRPC_PORT (9848),
# USER_PORTS ("8081 8082 8083"), ORDER_PORT (8090). MERIDIAN_DEMO_BIN names a folder that already holds
# Meridian.Server.dll, UserService.dll and OrderService.dll, to skip the build.
#
# While it runs, a second shell can stop and start one of its services, so walkthrough steps that kill one do not
# break the next:  samples/demo.sh stop userservice-1   /   samples/demo.sh restart userservice-1
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
http_port=${MERIDIAN_HTTP_PORT:-8848}
grpc_port=${MERIDIAN_GRPC_PORT:-9848}
read -r -a user_ports <<< "${USER_PORTS:-8081 8082 8083}"
order_port=${ORDER_PORT:-8090}
work=$(mktemp -d "${TMPDIR:-/tmp}/meridian-demo.XXXXXX")
meridian="http://127.0.0.1:$http_port"
admin_password=${MERIDIAN_ADMIN_PASSWORD:-demo-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}
pids=()
# The running demo listens for stop/restart requests on a FIFO named by this file (one per HTTP port).
control_file="${TMPDIR:-/tmp}/meridian-demo-$http_port.control"

if [ "${1:-}" = stop ] || [ "${1:-}" = restart ]; then
  [ -n "${2:-}" ] || { echo "usage: $0 stop|restart <name>   (names: meridian userservice-1 userservice-2 userservice-3 orderservice)" >&2; exit 2; }
  fifo=$(cat "$control_file" 2>/dev/null) && [ -p "$fifo" ] \
    || { echo "No demo is running on port $http_port (start one with $0)." >&2; exit 1; }
  answer="$fifo.answer.$$"
  mkfifo "$answer"
  echo "$1 $2 $answer" > "$fifo"
  cat "$answer"
  rm -f "$answer"
  exit 0
fi

stop() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo "Stopping ${#pids[@]} processes..."
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  [ "$(cat "$control_file" 2>/dev/null)" = "$work/control" ] && rm -f "$control_file"
  rm -rf "$work"
  echo "Demo stopped."
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${MERIDIAN_DEMO_BIN:-}" ]; then
  server_dll="$MERIDIAN_DEMO_BIN/Meridian.Server.dll"
  user_dll="$MERIDIAN_DEMO_BIN/UserService.dll"
  order_dll="$MERIDIAN_DEMO_BIN/OrderService.dll"
else
  echo "Building Meridian and the samples..."
  for project in src/Meridian.Server samples/UserService samples/OrderService; do
    dotnet build "$root/$project" -c Release --artifacts-path "$work/build" -v quiet -nologo > "$work/build.log" 2>&1 \
      || { cat "$work/build.log"; exit 1; }
  done
  server_dll="$work/build/bin/Meridian.Server/release/Meridian.Server.dll"
  user_dll="$work/build/bin/UserService/release/UserService.dll"
  order_dll="$work/build/bin/OrderService/release/OrderService.dll"
fi

declare -A commands running
start() { # name, dll, arguments; output goes to $work/name.log
  local name=$1 dll=$2; shift 2
  commands[$name]=$(printf '%q ' "$dll" "$@")
  launch "$name"
}

launch() { # name: starts it with the arguments it was first started with
  local name=$1
  # Each app runs from its own folder, so it finds its own appsettings.json.
  eval "set -- ${commands[$name]}"
  local dll=$1; shift
  dotnet "$dll" --contentRoot "$(dirname "$dll")" "$@" >> "$work/$name.log" 2>&1 &
  running[$name]=$!
  pids+=($!)
  echo "  started $name (pid $!)"
}

halt() { # name: stops it and waits for it to exit
  local pid=${running[$1]:-}
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || { echo "  $1 is not running"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "  stopped $1 (pid $pid)"
}

wait_for() { # url: up to 60 s for it to answer
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.5
  done
  echo "Timed out waiting for $1; logs are in $work" >&2
  for log in "$work"/*.log; do
    [ "$(basename "$log")" = build.log ] && continue
    echo "--- $(basename "$log") (last lines) ---" >&2
    tail -n 20 "$log" >&2
  done
  return 1
}

echo "Starting Meridian on $meridian (client connections on $grpc_port)..."
MERIDIAN_ADMIN_PASSWORD="$admin_password" start meridian "$server_dll" --urls "http://127.0.0.1:$http_port" --Meridian:Grpc:Port="$grpc_port" \
  --Meridian:Storage:Sqlite:DataDirectory="$work/meridian-data" --Logging:LogLevel:Default=Warning
wait_for "$meridian/health/ready"

json() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
token=$(curl -fs -X POST "$meridian/v1/auth/token" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$admin_password\"}" | json accessToken)
auth=(-H "Authorization: Bearer $token")
echo "Creating the services' access key (discovery, registration and config reading in 'public')..."
access_key=$(curl -fs -X POST "$meridian/v1/auth/keys" "${auth[@]}" -H 'content-type: application/json' \
  -d '{"name":"demo-services","namespaces":["public"],"scopes":["discovery:read","register","config:read"]}' | json key)

echo "Publishing the demo configs..."
publish() { # dataId, content
  curl -fs -X PUT "$meridian/v1/namespaces/public/groups/DEFAULT_GROUP/configs/$1" "${auth[@]}" \
    -H 'content-type: application/json' \
    -d "$(printf '{"type":"yaml","content":%s}' "$(printf '%s' "$2" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')")" > /dev/null
}
publish userservice.yaml $'pattern:\n  greeting: Hello from the shared userservice.yaml'
publish userservice-dev.yaml $'pattern:\n  dateformat: yyyy-MM-dd HH:mm:ss'

common=(--Meridian:ServerAddresses:0="127.0.0.1:$grpc_port" --Meridian:Config:ServerAddresses:0="$meridian"
        --Meridian:Config:Environment=dev --Meridian:AccessKey="$access_key" --Logging:LogLevel:Default=Warning)
clusters=(HZ HZ SH)
echo "Starting three user-service instances..."
for i in 0 1 2; do
  start "userservice-$((i + 1))" "$user_dll" --urls "http://127.0.0.1:${user_ports[$i]}" "${common[@]}" \
    --Meridian:ServiceName=userservice --Meridian:Config:ApplicationName=userservice --Meridian:ClusterName="${clusters[$i]}" \
    --Database:Path="$work/users-$((i + 1)).db"
done
echo "Starting the order-service (HZ, same-cluster-first)..."
start orderservice "$order_dll" --urls "http://127.0.0.1:$order_port" "${common[@]}" \
  --Meridian:ServiceName=orderservice --Meridian:ClusterName=HZ --Meridian:Register=true \
  --Meridian:LoadBalancing:Services:userservice:Rule=SameClusterFirst --Database:Path="$work/orders.db"

for port in "${user_ports[@]}"; do wait_for "http://127.0.0.1:$port/user/1"; done
wait_for "http://127.0.0.1:$order_port/order/101"

cat <<MSG

Demo ready. The admin password is $admin_password. Try:
  curl http://127.0.0.1:$order_port/order/101          # an order with its user, fetched from a user-service in HZ
  curl http://127.0.0.1:${user_ports[0]}/user/now              # the time, formatted by pattern:dateformat from Meridian
  T=$token
  curl -H "Authorization: Bearer \$T" "$meridian/v1/namespaces/public/groups/DEFAULT_GROUP/services/userservice/instances"
Change the date format while everything runs:
  curl -X PUT -H "Authorization: Bearer \$T" $meridian/v1/namespaces/public/groups/DEFAULT_GROUP/configs/userservice-dev.yaml \\
    -H 'content-type: application/json' -d '{"type":"yaml","content":"pattern:\\n  dateformat: HH:mm"}'
Stop one service and start it again (to follow a step that kills one, then go on):
  $0 stop userservice-1
  $0 restart userservice-1
Processes: ${pids[*]}
Logs: $work
Press Ctrl+C to stop.
MSG

# Serve stop/restart requests until Ctrl+C. The FIFO is held open read-write, so reading it never waits for a writer.
mkfifo "$work/control"
exec 3<>"$work/control"
echo "$work/control" > "$control_file"
while true; do
  if read -r action name answer <&3; then
    {
      if [ -z "${commands[$name]:-}" ]; then
        echo "No service '$name' in this demo (names: ${!commands[*]})."
      elif [ "$action" = stop ]; then
        halt "$name"
      else
        halt "$name"
        launch "$name"
        echo "  restarted $name (pid ${running[$name]})"
      fi
    } > "$answer"
  fi
done
