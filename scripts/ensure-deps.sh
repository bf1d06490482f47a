#!/usr/bin/env bash
# Installs what operando needs on a fresh machine of this kind: Debian's socat
# (pseudo-terminals for serial links to the simulators), mbpoll (a third-party
# Modbus master the tests run against the Eurotherm simulator) and the npm packages.
# Then compiles the CLI into dist/ when it is missing or stale (scripts/ensure-build.sh).
# Idempotent and quiet when everything is there already.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v socat >/dev/null 2>&1 || need_apt+=(socat)
command -v mbpoll >/dev/null 2>&1 || need_apt+=(mbpoll)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "operando: installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "operando: installing npm packages (compiles better-sqlite3 the first time, about a minute)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# dist/ (the compiled CLI) when missing or older than the sources; npm ci has just built it.
bash scripts/ensure-build.sh
