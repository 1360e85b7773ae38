#!/usr/bin/env bash
# Install Debian's nginx, the front of deploy/nginx/ (its configuration is checked by the tests, and
# served by the production rehearsal). Does nothing if present.
set -euo pipefail
exec bash "$(dirname "$0")/apt-install.sh" nginx "for the front's configuration tests" nginx-light
