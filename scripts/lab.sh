#!/usr/bin/env bash
# Runs the simulated lab: simulators on pseudo-terminals and TCP, the embedded
# store, the API and the dashboard. Extra arguments go to `operando start`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
exec node bin/operando.js start --config config/simulated-lab.yaml "$@"
