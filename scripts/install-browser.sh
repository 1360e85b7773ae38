#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; no browser is
# ever downloaded by a test tool). Does nothing if present.
set -euo pipefail
exec bash "$(dirname "$0")/apt-install.sh" /usr/bin/chromium "for the browser tests" chromium fonts-dejavu-core
