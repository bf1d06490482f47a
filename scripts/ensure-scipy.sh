#!/usr/bin/env bash
# For `npm run bench` only (bench/eis.ts calls it; never the tests): finds a
# python3 with numpy and scipy for bench/impedancepy_baseline.py, installing
# Debian's python3-scipy (which brings python3-numpy) when none has them, and
# prints that interpreter's path on stdout. The python3 on PATH may not be
# Debian's (pyenv), so Debian's own /usr/bin/python3 is tried after the install.
set -euo pipefail

has_scipy() { "$1" -c 'import numpy, scipy' >/dev/null 2>&1; }
for candidate in "$(command -v python3 || true)" /usr/bin/python3; do
  if [ -n "$candidate" ] && has_scipy "$candidate"; then echo "$candidate"; exit 0; fi
done
echo "operando bench: installing Debian's python3-scipy for the scipy baseline" >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-scipy >&2
has_scipy /usr/bin/python3
echo /usr/bin/python3
