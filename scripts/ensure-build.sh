#!/usr/bin/env bash
# Compiles the TypeScript into dist/ (`npm run build`) when dist/ is missing or
# older than a source file, a tsconfig or the lock file; quiet when up to date.
# The CLI (bin/operando.js) and the benchmarks run from dist/. Source folders
# count too: their time changes when a file is added, renamed or deleted. The
# stamp is written by `npm run build` only when the compiler succeeds, so a
# failed build is retried (and reported) on the next call.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=dist/.built
if [ ! -e "$stamp" ] || [ -n "$(find src drivers simulators bench tsconfig*.json package-lock.json -newer "$stamp" \
  \( -type d -o -name '*.json' -o \( -name '*.ts' ! -name '*.test.ts' ! -name '*.test-support.ts' \) \) -print -quit)" ]; then
  echo "operando: compiling TypeScript into dist/ (npm run build)"
  npm run --silent build
fi
