#!/usr/bin/env bash
# The whole test suite: type check, then every vitest test (unit, simulators
# over real pseudo-terminals and sockets, store durability, API, end to end).
# Ends with the plain summary line `N passed, N failed`.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm packages and a fresh dist/: the end-to-end tests spawn bin/operando.js, which runs the compiled CLI.
bash scripts/ensure-deps.sh
# Type check of everything, tests included (the build compiles the shipped code only).
npx tsc --noEmit -p tsconfig.json
results="$(mktemp -d)/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results" "$@" || status=$?
if [ -s "$results" ]; then
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""))' "$results"
fi
rm -rf "$(dirname "$results")"
exit "$status"
