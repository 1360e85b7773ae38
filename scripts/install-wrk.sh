#!/usr/bin/env bash
# Install Debian's wrk, the HTTP load generator of the public-site benchmark (bench/public_site.py).
# Needs root, as on CI; does nothing if present.
set -euo pipefail
if command -v wrk >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "wrk is not installed: run 'sudo apt-get install wrk' (Debian/Ubuntu) for the public-site benchmark." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends wrk >/dev/null
