#!/usr/bin/env bash
# The whole test suite: type check, then every vitest test (unit, simulators
# over real pseudo-terminals and sockets, store durability, API).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx tsc --noEmit -p tsconfig.json
npx vitest run "$@"
