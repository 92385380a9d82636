#!/usr/bin/env bash
# Checks out the federation gateway audit in AUDIT_DIR (outside the repository) with what its
# runner needs: its dependencies without the gateways it compares (its devDependencies), plus tsx.
#   eng/conformance/install-audit.sh [commit]
# AUDIT_REPO: where to clone it from (a local mirror where GitHub is out of reach).
set -euo pipefail
AUDIT_DIR="${AUDIT_DIR:-/tmp/audit}"
AUDIT_REPO="${AUDIT_REPO:-https://github.com/graphql-hive/federation-gateway-audit}"
commit="${1:-f59c05e}"
[ -d "$AUDIT_DIR/.git" ] || git clone -q "$AUDIT_REPO" "$AUDIT_DIR"
cd "$AUDIT_DIR"
git checkout -q "$commit"
echo "conformance: the audit at $(git rev-parse --short HEAD) in $AUDIT_DIR"
node -e '
const fs = require("fs"); const p = JSON.parse(fs.readFileSync("package.json"));
for (const name of ["tsx", "graphql", "typescript", "@types/node"]) p.dependencies[name] = p.devDependencies[name];
delete p.devDependencies; fs.writeFileSync("package.json", JSON.stringify(p, null, 2));'
npm install --no-audit --no-fund
# npm leaves install scripts off, and esbuild (under tsx) finds its binary package only then.
esbuild_dir="$(dirname "$(find node_modules -path '*/esbuild/package.json' | head -1)")"
if ! find node_modules -path '*/@esbuild/linux-x64/package.json' | grep -q .; then
  version="$(node -p "require('./$esbuild_dir/package.json').version")"
  (cd "$esbuild_dir/../.." && npm install --no-audit --no-fund --no-save "@esbuild/linux-x64@$version")
fi
npx tsx -e 'console.log("conformance: tsx runs")'
