#!/usr/bin/env bash
# Install Debian's wrk, the HTTP load generator of the public-site benchmark (bench/public_site.py).
# Does nothing if present.
set -euo pipefail
exec bash "$(dirname "$0")/apt-install.sh" wrk "for the public-site benchmark" wrk
