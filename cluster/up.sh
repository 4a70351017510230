#!/usr/bin/env bash
# A local 3-node Meridian cluster: PostgreSQL (the store the nodes share) in a temporary folder, three server
# processes, and nginx in front of them.
#
#   cluster/up.sh              builds the server, starts it all, waits until every node is ready; Ctrl-C stops it all
#   cluster/up.sh --detach     the same, then returns and leaves the cluster running
#   cluster/up.sh --no-nodes   PostgreSQL and nginx only (nginx answers 502 until something listens on the node ports)
#   cluster/up.sh stop         stops the cluster up.sh started (from another terminal, or after --detach)
#
# Environment:
#   MERIDIAN_SERVER_DLL        a built Meridian.Server.dll to run instead of building src/Meridian.Server (Release)
#   MERIDIAN_ADMIN_PASSWORD    the password of the user admin (8 to 256 characters); generated and printed when unset
#   MERIDIAN_FRONT_HTTP        nginx's HTTP port (8848)
#   MERIDIAN_FRONT_GRPC        nginx's client-connection (gRPC) port (9848)
#   MERIDIAN_FRONT_HOST        the address nginx listens on (127.0.0.1; 0.0.0.0 to be reached from other machines)
#   MERIDIAN_PG_PORT           PostgreSQL's port (the first free one from 18432)
#   MERIDIAN_NODE_ARGS         more settings for every node, space-separated (--Logging:LogLevel:Default=Warning)
#
# Needs PostgreSQL's server binaries, nginx with its stream module, curl and openssl: ./test.sh installs the first two
# (apt-get install postgresql nginx libnginx-mod-stream curl openssl).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
state_file="${TMPDIR:-/tmp}/meridian-cluster-$(id -u).dir"
node_http_ports=(18848 18858 18868)
grpc_offset=1000
front_http=${MERIDIAN_FRONT_HTTP:-8848}
front_grpc=${MERIDIAN_FRONT_GRPC:-9848}
front_host=${MERIDIAN_FRONT_HOST:-127.0.0.1}
ready_seconds=30
T=""
read -r -a node_args <<<"${MERIDIAN_NODE_ARGS:-}"

say() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
as_postgres() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Alive and not a zombie (a child of this script that ended but is not reaped yet).
alive() {
  local stat
  [ -r "/proc/$1/stat" ] || return 1
  { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

wait_gone() { # PID SECONDS
  local tries=$(($2 * 10))
  while alive "$1" && [ "$tries" -gt 0 ]; do
    sleep 0.1
    tries=$((tries - 1))
  done
  ! alive "$1"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

find_pg_bin() {
  local bin found=""
  for bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] && [ -x "$bin/postgres" ] && [ -x "$bin/psql" ]; then
      found+="$bin"$'\n'
    fi
  done
  printf '%s' "$found" | sort -V | tail -n 1
}

find_nginx() {
  command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true
}

sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

upstreams() { # OFFSET: one server line per node, on the node's HTTP port plus OFFSET
  local http line=""
  for http in "${node_http_ports[@]}"; do
    line+="server 127.0.0.1:$((http + $1)) max_fails=1 fail_timeout=2s; "
  done
  printf '%s' "${line% }"
}

log_tail() { # FILE
  [ -f "$1" ] && { printf '\n--- %s (last lines) ---\n' "$1"; tail -n 30 "$1"; }
  return 0
}

# Stops what the folder's pid files name (nginx, then the nodes, then PostgreSQL) and removes the folder.
cleanup() { # FOLDER
  local dir=$1 pid file pids=() pg_bin
  [ -d "$dir" ] || return 0
  if [ -f "$dir/pids/nginx" ]; then
    pid=$(<"$dir/pids/nginx")
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
  fi
  for file in "$dir"/pids/node*; do
    [ -f "$file" ] || continue
    pid=$(<"$file")
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    wait_gone "$pid" 15 || { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 5 || true; }
  done
  if [ -f "$dir/pg/data/postmaster.pid" ]; then
    pg_bin=$(cat "$dir/pg/bin" 2>/dev/null || find_pg_bin)
    (cd "$dir/pg" && as_postgres "$pg_bin/pg_ctl" stop -D "$dir/pg/data" -m fast -w -t 30 >/dev/null) \
      || (cd "$dir/pg" && as_postgres "$pg_bin/pg_ctl" stop -D "$dir/pg/data" -m immediate -w -t 30 >/dev/null) || true
  fi
  rm -rf "$dir"
  if [ "$(cat "$state_file" 2>/dev/null)" = "$dir" ]; then
    rm -f "$state_file"
  fi
}

stop_cluster() {
  local dir pid
  dir=$(cat "$state_file" 2>/dev/null) || die "no cluster is running (no $state_file)"
  if [ -f "$dir/pids/up" ] && pid=$(<"$dir/pids/up") && alive "$pid"; then
    # The up.sh that started it stops it (its exit trap), in order.
    say "stopping the cluster in $dir (up.sh, pid $pid)"
    kill -TERM "$pid"
    wait_gone "$pid" 60 || say "up.sh (pid $pid) did not end; stopping what it started"
  else
    say "stopping the cluster in $dir"
  fi
  cleanup "$dir"
  rm -f "$state_file"
  say "stopped"
}

on_exit() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$T" ] && [ -d "$T" ]; then
    say "stopping nginx, the nodes and PostgreSQL"
    cleanup "$T"
  fi
  exit "$rc"
}

start_postgres() {
  local pg_bin=$1
  mkdir -p "$T/pg"
  echo "$pg_bin" >"$T/pg/bin"
  # The folder is the postgres user's: initdb writes the data directory in it, pg_ctl the log, the server its socket.
  if is_root; then chown -R postgres "$T/pg"; fi
  (cd "$T/pg" && as_postgres "$pg_bin/initdb" -D "$T/pg/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$T/pg/initdb.log" 2>&1) \
    || die "initdb failed: $(cat "$T/pg/initdb.log")"
  pg_port=${MERIDIAN_PG_PORT:-}
  if [ -z "$pg_port" ]; then
    pg_port=18432
    while port_in_use "$pg_port"; do pg_port=$((pg_port + 1)); done
  fi
  # fsync stays on (initdb's --no-sync is only initdb's own flush). Three nodes' connection pools share the server:
  # max_connections leaves room for more than the 200 a test server has.
  (cd "$T/pg" && as_postgres "$pg_bin/pg_ctl" start -D "$T/pg/data" -l "$T/pg/log" -w -t 30 \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k '$T/pg' -c max_connections=400 -c shared_buffers=64MB" >/dev/null) \
    || die "PostgreSQL did not start$(log_tail "$T/pg/log")"
  "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c "CREATE DATABASE meridian" \
    || die "could not create the database meridian"
  connection_string="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=meridian"
}

start_nodes() {
  local dll=$1 i http dir
  for i in 1 2 3; do
    http=${node_http_ports[$((i - 1))]}
    dir="$T/node$i"
    mkdir -p "$dir"
    # setsid: Ctrl-C reaches this script only, which then stops everything in order.
    (cd "$dir" && MERIDIAN_ADMIN_PASSWORD="$password" exec setsid dotnet "$dll" \
      "--urls=http://127.0.0.1:$http" \
      "--Meridian:Grpc:Port=$((http + grpc_offset))" \
      "--Meridian:Node:Id=node$i" \
      "--Meridian:Storage:Provider=Postgres" \
      "--Meridian:Storage:Postgres:ConnectionString=$connection_string" \
      "--Meridian:Storage:Sqlite:DataDirectory=$dir" \
      "${node_args[@]}" \
      >"$dir/log" 2>&1) &
    echo "$!" >"$T/pids/node$i"
  done
}

start_nginx() {
  local nginx=$1 prefix="$T/nginx"
  mkdir -p "$prefix/temp"
  sed -e "s|@PREFIX@|$(sed_escape "$prefix")|g" \
    -e "s|@FRONT_HOST@|$(sed_escape "$front_host")|g" \
    -e "s|@FRONT_HTTP@|$front_http|g" \
    -e "s|@FRONT_GRPC@|$front_grpc|g" \
    -e "s|@HTTP_UPSTREAMS@|$(upstreams 0)|g" \
    -e "s|@GRPC_UPSTREAMS@|$(upstreams "$grpc_offset")|g" \
    "$here/nginx.conf.template" >"$prefix/nginx.conf"
  "$nginx" -t -q -p "$prefix" -e "$prefix/error.log" -c "$prefix/nginx.conf" \
    || die "nginx refused $prefix/nginx.conf"
  # The template says daemon off: nginx stays this script's child, and its pid is the master's.
  setsid "$nginx" -p "$prefix" -e "$prefix/error.log" -c "$prefix/nginx.conf" >>"$prefix/stderr.log" 2>&1 &
  echo "$!" >"$T/pids/nginx"
}

wait_ready() { # NO_NODES
  local deadline=$(($(date +%s) + ready_seconds)) i http pid
  if [ "$1" -eq 0 ]; then
    for i in 1 2 3; do
      http=${node_http_ports[$((i - 1))]}
      pid=$(<"$T/pids/node$i")
      until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$http/health/ready" 2>/dev/null; do
        alive "$pid" || die "node$i ended before it was ready$(log_tail "$T/node$i/log")"
        [ "$(date +%s)" -lt "$deadline" ] || die "node$i not ready after ${ready_seconds} s$(log_tail "$T/node$i/log")"
        sleep 0.5
      done
      say "node$i ready on http://127.0.0.1:$http (gRPC $((http + grpc_offset)))"
    done
  fi
  pid=$(<"$T/pids/nginx")
  until port_in_use "$front_http" && port_in_use "$front_grpc"; do
    alive "$pid" || die "nginx ended$(log_tail "$T/nginx/error.log")"
    [ "$(date +%s)" -lt "$deadline" ] || die "nginx not listening after ${ready_seconds} s$(log_tail "$T/nginx/error.log")"
    sleep 0.2
  done
  if [ "$1" -eq 0 ]; then
    curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$front_http/health/ready" \
      || die "nginx does not reach the nodes$(log_tail "$T/nginx/error.log")"
  fi
}

# Waits while the cluster runs, saying when a process ends; returns when none is left.
watch_cluster() {
  local file name
  while :; do
    wait -n 2>/dev/null || true
    local left=0
    for file in "$T"/pids/node* "$T/pids/nginx"; do
      [ -f "$file" ] || continue
      name=$(basename "$file")
      if alive "$(<"$file")"; then
        left=$((left + 1))
      else
        say "$name ended$(log_tail "$T/$name/log")"
        rm -f "$file"
      fi
    done
    [ "$left" -gt 0 ] || return 0
  done
}

start_cluster() {
  local no_nodes=0 detach=0 arg pg_bin nginx dll="" port http base
  for arg in "$@"; do
    case "$arg" in
      --no-nodes) no_nodes=1 ;;
      --detach) detach=1 ;;
      -h | --help) usage; exit 0 ;;
      *) die "unknown argument '$arg' (try --help)" ;;
    esac
  done

  if [ -f "$state_file" ] && [ -d "$(cat "$state_file")" ]; then
    die "a cluster already runs in $(cat "$state_file"); stop it with: $0 stop"
  fi
  pg_bin=$(find_pg_bin)
  [ -n "$pg_bin" ] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin: run ./test.sh (it installs them) or apt-get install postgresql"
  nginx=$(find_nginx)
  [ -n "$nginx" ] || die "nginx is missing: run ./test.sh (it installs it) or apt-get install nginx libnginx-mod-stream"
  [ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || die "nginx's stream module is missing: apt-get install libnginx-mod-stream (or run ./test.sh)"
  command -v curl >/dev/null || die "curl is missing: apt-get install curl"
  if is_root && ! command -v runuser >/dev/null; then die "runuser (util-linux) is missing: it runs PostgreSQL as the postgres user"; fi
  if is_root && ! id postgres >/dev/null 2>&1; then die "there is no postgres user (the postgresql package creates it)"; fi

  for port in "$front_http" "$front_grpc"; do
    if port_in_use "$port"; then die "port $port is taken (nginx's; set MERIDIAN_FRONT_HTTP / MERIDIAN_FRONT_GRPC)"; fi
  done
  if [ "$no_nodes" -eq 0 ]; then
    for http in "${node_http_ports[@]}"; do
      for port in "$http" "$((http + grpc_offset))"; do
        if port_in_use "$port"; then die "port $port, a node's, is taken"; fi
      done
    done
    if [ -n "${MERIDIAN_SERVER_DLL:-}" ]; then
      dll=$(realpath "$MERIDIAN_SERVER_DLL")
    else
      say "building src/Meridian.Server (Release)"
      dotnet build "$repo/src/Meridian.Server" -c Release -nologo -v quiet >&2 || die "the build failed"
      dll="$repo/src/Meridian.Server/bin/Release/net10.0/Meridian.Server.dll"
    fi
    [ -f "$dll" ] || die "no server at $dll"
    if [ -z "${MERIDIAN_ADMIN_PASSWORD:-}" ]; then
      command -v openssl >/dev/null || die "openssl is missing to generate a password: set MERIDIAN_ADMIN_PASSWORD or apt-get install openssl"
      MERIDIAN_ADMIN_PASSWORD=$(openssl rand -hex 12)
    fi
    password=$MERIDIAN_ADMIN_PASSWORD
    if [ "${#password}" -lt 8 ] || [ "${#password}" -gt 256 ]; then die "MERIDIAN_ADMIN_PASSWORD must be 8 to 256 characters long"; fi
  fi

  base=${TMPDIR:-/tmp}
  if is_root && ! runuser -u postgres -- test -x "$base"; then
    base=/tmp # the postgres user has to reach its folder
  fi
  T=$(mktemp -d "$base/meridian-cluster.XXXXXX")
  trap on_exit EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  chmod 755 "$T"
  mkdir "$T/pids"
  echo "$T" >"$state_file"
  [ "$detach" -eq 1 ] || echo "$$" >"$T/pids/up"

  start_postgres "$pg_bin"
  say "PostgreSQL ready on 127.0.0.1:$pg_port"
  if [ "$no_nodes" -eq 0 ]; then start_nodes "$dll"; fi
  start_nginx "$nginx"
  wait_ready "$no_nodes"

  local http_list="" grpc_list=""
  for http in "${node_http_ports[@]}"; do
    http_list+=" 127.0.0.1:$http"
    grpc_list+=" 127.0.0.1:$((http + grpc_offset))"
  done
  cat <<EOF

Meridian cluster up (folder $T)
  HTTP        http://$front_host:$front_http  (nginx, round robin over$http_list)
  gRPC        $front_host:$front_grpc  (nginx, TCP to$grpc_list)
  PostgreSQL  $connection_string
EOF
  if [ "$no_nodes" -eq 0 ]; then
    cat <<EOF
  login       user admin, password $password
  logs        $T/node1/log  $T/node2/log  $T/node3/log  $T/nginx/error.log  $T/pg/log
EOF
  else
    echo "  (no nodes started: --no-nodes)"
  fi
  if [ "$detach" -eq 1 ]; then
    echo "Stop it with: $0 stop"
    trap - EXIT INT TERM
    exit 0
  fi
  echo "Stop it with Ctrl-C, or from another terminal: $0 stop"
  watch_cluster
  say "nothing left running"
}

case "${1:-}" in
  stop) stop_cluster ;;
  *) start_cluster "$@" ;;
esac
