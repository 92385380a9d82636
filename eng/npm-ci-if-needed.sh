#!/usr/bin/env bash
# Runs `npm ci` in DIR when node_modules is missing or older than the lock file.
#   eng/npm-ci-if-needed.sh DIR
set -euo pipefail
dir="$(cd "${1:?usage: $0 DIR}" && pwd)"
stamp="$dir/node_modules/.package-lock.json"   # written by npm on every install
needed() { [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ] || [ "$dir/package.json" -nt "$stamp" ]; }
needed || exit 0
# One install at a time per directory (parallel test runs may race here).
exec 9>"$dir/.npm-install.lock"
flock 9
needed || exit 0
echo "npm: installing packages in $dir (npm ci)"
start=$SECONDS
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
touch "$stamp"
echo "npm: done in $((SECONDS - start))s"
