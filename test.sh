#!/usr/bin/env bash
# Runs every test Meridian has: installs what the tests need, then runs them, and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# What the tests need from Debian: PostgreSQL's binaries (the storage tests start servers of their own from them, so the
# packaged cluster service is neither needed nor started), nginx with its stream module (in front of a cluster), curl
# (cluster/up.sh waits for the nodes with it), util-linux's `script` (bsdutils: the CLI tests run it on a terminal), and
# Chromium (the web console's browser tests drive it with Playwright).
install_test_packages() {
  local missing=() packages=(postgresql nginx libnginx-mod-stream curl bsdutils chromium) sudo=() created_policy=0 apt_log
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  [ -f /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream)
  command -v curl >/dev/null || missing+=(curl)
  # `script` runs the CLI on a pseudo-terminal, where it draws its progress bars.
  command -v script >/dev/null || missing+=(bsdutils)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "test.sh: ${missing[*]} missing and not root (nor password-less sudo): install ${packages[*]} (apt-get install ${packages[*]}); the tests that need them will fail" >&2
      return 0
    fi
  fi
  if ! command -v apt-get >/dev/null; then
    echo "test.sh: ${missing[*]} missing and this is not Debian/Ubuntu (no apt-get): install PostgreSQL and nginx with its stream module yourself" >&2
    return 0
  fi
  echo "test.sh: installing ${packages[*]} (missing: ${missing[*]})"
  # Keep the packages from starting their services (a PostgreSQL cluster, nginx on port 80) while they install.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null && "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d && created_policy=1
  fi
  apt_log=$(mktemp)
  if ! { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"; } >"$apt_log" 2>&1; then
    cat "$apt_log" >&2
    echo "test.sh: installing ${packages[*]} failed; the tests that need them will fail" >&2
  fi
  rm -f "$apt_log"
  [ "$created_policy" -eq 1 ] && "${sudo[@]}" rm -f /usr/sbin/policy-rc.d
  return 0
}
install_test_packages

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet test Meridian.slnx "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

passed=$(grep -E '^[[:space:]]+succeeded:' "$log" | tail -n 1 | awk '{print $2}')
failed=$(grep -E '^[[:space:]]+failed:' "$log" | tail -n 1 | awk '{print $2}')
passed=${passed:-0}
failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or the runner failed before any test could: count that as a failure.
  failed=1
fi

# Compatibility with the real npm Nacos and Eureka clients (tests/compat-node), against the server just built.
node_rc=0
node_passed=0
node_failed=0
artifacts=""
previous=""
for arg in "$@"; do
  [ "$previous" = "--artifacts-path" ] && artifacts="$arg"
  case "$arg" in --artifacts-path=*) artifacts="${arg#*=}" ;; esac
  previous="$arg"
done
if [ -n "$artifacts" ]; then
  server_dll=$(ls -t "$artifacts"/bin/Meridian.Server/*/Meridian.Server.dll 2>/dev/null | head -n 1)
  testapp_dll=$(ls -t "$artifacts"/bin/Meridian.Client.TestApp/*/Meridian.Client.TestApp.dll 2>/dev/null | head -n 1)
else
  server_dll=$(ls -t src/Meridian.Server/bin/*/net10.0/Meridian.Server.dll 2>/dev/null | head -n 1)
  testapp_dll=$(ls -t tests/Meridian.Client.TestApp/bin/*/net10.0/Meridian.Client.TestApp.dll 2>/dev/null | head -n 1)
fi
[ -n "$server_dll" ] && server_dll=$(realpath "$server_dll")
[ -n "$testapp_dll" ] && testapp_dll=$(realpath "$testapp_dll")
compat=tests/compat-node
lock_hash=$(sha256sum "$compat/package-lock.json" | awk '{print $1}')
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "compat-node: node and npm are needed for the client compatibility tests" >&2
  node_rc=1
elif [ -z "$server_dll" ]; then
  echo "compat-node: no built Meridian.Server.dll found" >&2
  node_rc=1
else
  if [ ! -d "$compat/node_modules" ] || [ "$(cat "$compat/node_modules/.lock-sha256" 2>/dev/null)" != "$lock_hash" ]; then
    # npm install, not npm ci: it installs what the lock file names too, but tolerates the optional platform package
    # nacos-sdk-rust-binding-node lists for FreeBSD and never published, which npm ci refuses as missing from the lock.
    (cd "$compat" && npm install --no-audit --no-fund) && echo "$lock_hash" > "$compat/node_modules/.lock-sha256" || node_rc=1
  fi
  if [ "$node_rc" -eq 0 ]; then
    node_log=$(mktemp)
    (cd "$compat" && MERIDIAN_SERVER_DLL="$server_dll" MERIDIAN_TESTAPP_DLL="$testapp_dll" node --test --test-reporter=tap --test-concurrency=1 --test-force-exit) 2>&1 | tee "$node_log"
    node_rc=${PIPESTATUS[0]}
    node_passed=$(grep -E '^# pass [0-9]+' "$node_log" | tail -n 1 | awk '{print $3}')
    node_failed=$(grep -E '^# fail [0-9]+' "$node_log" | tail -n 1 | awk '{print $3}')
    rm -f "$node_log"
  fi
fi
# The same npm clients again, through nginx in front of a 3-node cluster on one PostgreSQL (cluster/up.sh).
if [ "$node_rc" -eq 0 ] && [ -n "$server_dll" ]; then
  cluster_password=meridian-test-admin-1
  cluster_out=$(mktemp)
  if MERIDIAN_SERVER_DLL="$server_dll" MERIDIAN_ADMIN_PASSWORD="$cluster_password" MERIDIAN_FRONT_HTTP=28848 MERIDIAN_FRONT_GRPC=29848 \
      cluster/up.sh --detach >"$cluster_out" 2>&1; then
    (cd "$compat" && MERIDIAN_URL=http://127.0.0.1:28848 MERIDIAN_ADMIN_PASSWORD="$cluster_password" node --test --test-reporter=tap \
      --test-concurrency=1 --test-force-exit test/nacos-config.test.js test/nacos-config-namespace.test.js test/nacos-naming.test.js \
      test/eureka.test.js test/cross-protocol.test.js) 2>&1 | tee "$cluster_out"
    cluster_rc=${PIPESTATUS[0]}
    cluster_passed=$(grep -E '^# pass [0-9]+' "$cluster_out" | tail -n 1 | awk '{print $3}')
    cluster_failed=$(grep -E '^# fail [0-9]+' "$cluster_out" | tail -n 1 | awk '{print $3}')
    node_passed=$(( ${node_passed:-0} + ${cluster_passed:-0} ))
    node_failed=$(( ${node_failed:-0} + ${cluster_failed:-0} ))
    if [ "$cluster_rc" -ne 0 ]; then
      node_rc=$cluster_rc
      [ "${cluster_failed:-0}" -eq 0 ] && node_failed=$(( ${node_failed:-0} + 1 ))
    fi
  else
    echo "compat-node: the cluster (cluster/up.sh) did not start:" >&2
    cat "$cluster_out" >&2
    node_rc=1
    node_failed=$(( ${node_failed:-0} + 1 ))
  fi
  cluster/up.sh stop >/dev/null 2>&1
  rm -f "$cluster_out"
fi
# The web console's client-side logic (validation display, diffs, the API client): Vitest in src/Meridian.Console.
console_dir=src/Meridian.Console
if command -v npm >/dev/null; then
  console_hash=$(sha256sum "$console_dir/package-lock.json" | awk '{print $1}')
  console_rc=0
  if [ ! -d "$console_dir/node_modules" ] || [ "$(cat "$console_dir/node_modules/.lock-sha256" 2>/dev/null)" != "$console_hash" ]; then
    (cd "$console_dir" && npm ci --no-audit --no-fund) && echo "$console_hash" > "$console_dir/node_modules/.lock-sha256" || console_rc=1
  fi
  if [ "$console_rc" -eq 0 ]; then
    console_log=$(mktemp)
    (cd "$console_dir" && npx vitest run --reporter=tap-flat) 2>&1 | tee "$console_log"
    console_rc=${PIPESTATUS[0]}
    console_passed=$(grep -cE '^ok ' "$console_log")
    console_failed=$(grep -cE '^not ok ' "$console_log")
    rm -f "$console_log"
    node_passed=$(( ${node_passed:-0} + console_passed ))
    node_failed=$(( ${node_failed:-0} + console_failed ))
  fi
  if [ "$console_rc" -ne 0 ]; then
    [ "$node_rc" -eq 0 ] && node_rc=$console_rc
    [ "${console_failed:-0}" -eq 0 ] && node_failed=$(( ${node_failed:-0} + 1 ))
  fi
else
  echo "console: npm is needed for the console's unit tests" >&2
  node_rc=1
fi
node_passed=${node_passed:-0}
node_failed=${node_failed:-0}
if [ "$node_rc" -ne 0 ] && [ "$node_failed" -eq 0 ]; then
  node_failed=1
fi
passed=$((passed + node_passed))
failed=$((failed + node_failed))
[ "$rc" -eq 0 ] && rc=$node_rc

echo "$passed passed, $failed failed"
exit "$rc"
