#!/usr/bin/env bash
# The worked example (examples/abd, docs/writing-a-protocol.md) exactly as a user runs it:
# faultline packed with `npm pack`, installed from that tarball into a temporary project
# that holds only the example's files, and driven through its own `npx faultline` and its
# own vitest. Nothing of the source tree is reachable from there.
#
# Offline: npm's cache holds the tarball of every package faultline's lock pins, but not
# the registry's metadata, so `npm install <tarball>` cannot resolve the example's
# devDependencies without network. scripts/example-lockfile.mjs writes the example's lock
# (faultline from the tarball, everything else as faultline's lock pins it), and
# `npm ci --offline` installs from the cache.
#
# Each check prints `ok` or `not ok`; the last line is `example: N passed, M failed`, and
# with EXAMPLE_COUNTS=FILE the two numbers go to FILE too (.ci/run adds them to its count).
# Exit status 0 only when every check passed.
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
example="$repo/examples/abd"
passed=0
failed=0
tmp=$(mktemp -d) || { echo "mktemp failed"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
log="$tmp/log"

# check "what" expected-exit command...: runs it, its output in $log, and counts it.
check() {
  local what="$1" want="$2"
  shift 2
  "$@" >"$log" 2>&1
  local got=$?
  if [ "$got" -eq "$want" ]; then
    passed=$((passed + 1))
    echo "ok - $what"
  else
    failed=$((failed + 1))
    echo "not ok - $what (exit $got, expected $want)"
    tail -n 30 "$log" | sed 's/^/    /'
  fi
  return 0
}
# expect "what" test...: a condition on the files the checks left behind.
expect() {
  local what="$1"
  shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $what"; else failed=$((failed + 1)); echo "not ok - $what"; fi
}
finish() {
  echo "example: ${passed} passed, ${failed} failed"
  [ -z "${EXAMPLE_COUNTS:-}" ] || echo "${passed} ${failed}" >"$EXAMPLE_COUNTS"
  [ "$failed" -eq 0 ]
  exit $?
}

cd "$repo" || exit 1
if [ ! -f dist/index.js ] || [ ! -f dist/reports/client.bundle.js ] || [ ! -f dist/bundle/main.js ]; then
  check "build (dist/ was missing)" 0 npm run --silent build
fi
check "npm pack" 0 npm pack --ignore-scripts --silent --pack-destination "$tmp"
tarball=$(ls "$tmp"/faultline-*.tgz 2>/dev/null | head -n 1)
[ -n "$tarball" ] || finish

project="$tmp/abd"
mkdir -p "$project"
(cd "$example" && tar cf - --exclude=node_modules --exclude=.faultline --exclude=package-lock.json .) | (cd "$project" && tar xf -)
check "lock file: faultline from the tarball" 0 node "$repo/scripts/example-lockfile.mjs" "$repo/package-lock.json" "$tarball" "$project"
cd "$project" || finish
check "npm ci --offline (the tarball and the example's devDependencies)" 0 npm ci --offline --no-audit --no-fund
expect "faultline is the packed copy, not a link to the source tree" test -f node_modules/faultline/package.json -a ! -L node_modules/faultline -a ! -e node_modules/faultline/index.ts

check "tsc --noEmit: the user's project type-checks against the shipped .d.ts" 0 npx tsc --noEmit
check "faultline run scenarios/abd.yaml passes (a .ts protocol module, no build step)" 0 npx faultline run scenarios/abd.yaml
check "faultline fuzz scenarios/abd.yaml --seeds 100 passes (worker threads load the .ts module)" 0 npx faultline fuzz scenarios/abd.yaml --seeds 100 --out fuzz-ok
check "faultline fuzz --bug no-write-back finds the bug" 1 npx faultline fuzz scenarios/abd.yaml --seeds 200 --bug no-write-back --max-failures 1 --report --out fuzz-bug
failure=$(ls fuzz-bug/*.json 2>/dev/null | head -n 1)
expect "the fuzz campaign wrote a failure file and its HTML report" test -n "$failure" -a -f "${failure%.json}.report.html"
if [ -n "$failure" ]; then
  expect "the failure is a linearizability violation" grep -q '"checker": *"linearizability"' "$failure"
  check "faultline replay reproduces it" 1 npx faultline replay "$failure"
  check "faultline report writes the failure's HTML report" 0 npx faultline report "$failure" --out failure.html
  expect "failure.html was written" test -s failure.html
  check "faultline shrink shrinks it" 1 npx faultline shrink "$failure" --out shrunk.yaml
  check "the shrunk scenario still fails, with an HTML report" 1 npx faultline run shrunk.yaml --report shrunk.html
  expect "shrunk.html was written" test -s shrunk.html
fi
check "the example's vitest property tests (fast-check)" 0 npx vitest run

# A user's mistakes, through the packed CLI: each is the protocol's failure (exit 1) or bad
# input (exit 2), with a message that says what happened and what to change.
mkdir -p mistakes
cat > mistakes/calls-random.ts <<'TS'
import type { Endpoint } from 'faultline';
import { AbdServer, protocol as abd, type Msg } from '../abd.js';
class RandomServer extends AbdServer {
  override onMessage(from: Endpoint, msg: Msg): void {
    if (Math.random() < 2) super.onMessage(from, msg);
  }
}
export const protocol = { ...abd, name: 'abd-calls-random', createActor: (ctx: ConstructorParameters<typeof AbdServer>[0]) => new RandomServer(ctx) };
TS
cat > mistakes/throws.ts <<'TS'
import { AbdServer, protocol as abd } from '../abd.js';
class ThrowingServer extends AbdServer {
  override onMessage(): void {
    throw new Error('lost the quorum');
  }
}
export const protocol = { ...abd, name: 'abd-throws', createActor: (ctx: ConstructorParameters<typeof AbdServer>[0]) => new ThrowingServer(ctx) };
TS
cat > mistakes/wrong-shape.ts <<'TS'
export const protocol = { name: 'abd-wrong-shape', description: 'forgot its actors', model: 'cas-register', bugs: [], workload: 'register', invariants: () => [] };
TS
cat > mistakes/uses-require.js <<'JS'
const abd = require('../abd.ts');
module.exports = { protocol: abd.protocol };
JS
for name in calls-random throws wrong-shape uses-require; do
  ext=ts; [ "$name" = uses-require ] && ext=js
  sed "s#^protocol: .*#protocol: ./${name}.${ext}#" scenarios/abd.yaml > "mistakes/${name}.yaml"
done
check "a handler calling Math.random fails the run" 1 npx faultline run mistakes/calls-random.yaml
expect "... with a message naming the handler and the call" grep -q 'threw in onMessage: DeterminismError: Math.random() called in node n[0-9] onMessage' "$log"
check "a handler that throws fails the run" 1 npx faultline run mistakes/throws.yaml --seed 5
expect "... as a protocol-exception with its seed" grep -q 'protocol-exception.*threw in onMessage: Error: lost the quorum' "$log"
expect "... and the replay command with the seed" grep -q 'faultline run mistakes/throws.yaml --seed 5' "$log"
check "a module of the wrong shape is bad input" 2 npx faultline run mistakes/wrong-shape.yaml
expect "... naming the missing members" grep -q 'missing createActor (a function (ctx, options) => Actor), liveness' "$log"
check "require() in an ES module package is bad input" 2 npx faultline run mistakes/uses-require.yaml
expect "... saying what to change" grep -q 'uses CommonJS `require`.*"type": "module"' "$log"
finish
