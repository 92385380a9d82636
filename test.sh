#!/usr/bin/env bash
# Runs every test against real PostgreSQL and Redis on loopback. Installs and starts what
# the tests need (the stores, Node packages for composition and the reference gateway),
# and stops the stores again if it was the one that started them.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$REPO"

stack_started=false
eng/stack.sh status >/dev/null 2>&1 || stack_started=true
eng/stack.sh start
summary=""
# The stores are stopped whatever the tests did; a stop that fails is said, and does not
# turn the tests' result into a failure. The totals come last.
cleanup() {
  if $stack_started; then eng/stack.sh stop || echo "test: stopping the stores failed; the tests' result stands" >&2; fi
  if [ -n "$summary" ]; then echo "$summary"; fi
}
trap cleanup EXIT

eng/npm-ci-if-needed.sh schema
eng/npm-ci-if-needed.sh gateway/reference

echo "test: building"
dotnet build Federated.sln -c Debug --nologo -v quiet -clp:ErrorsOnly

echo "test: running the tests"
log="$(mktemp)"
status=0
# A test that hangs is stopped after 15 minutes and reported by name, instead of holding
# the run until CI's limit (no test takes more than a few minutes).
dotnet test Federated.sln -c Debug --no-build --nologo --blame-hang-timeout 15m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?

# One plain summary line over all test assemblies, printed last (after the stores stop).
summary="$(awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
       n++ }
     END { if (n == 0) print "tests: no test assembly reported a result"; else printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log")"
rm -f "$log"
exit "$status"
