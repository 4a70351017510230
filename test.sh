#!/usr/bin/env bash
# Runs every test Meridian has: installs what the tests need, then runs them, and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

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
echo "$passed passed, $failed failed"
exit "$rc"
