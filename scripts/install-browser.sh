#!/usr/bin/env bash
# Install what the browser tests drive beside Python and npm: Debian's Chromium (Playwright drives
# /usr/bin/chromium; no browser is ever downloaded by a test tool), and a Java runtime for the Nu HTML
# checker (vnu.jar, from npm). Does nothing for what is present.
set -euo pipefail
here="$(dirname "$0")"
bash "$here/apt-install.sh" /usr/bin/chromium "for the browser tests" chromium fonts-dejavu-core
bash "$here/apt-install.sh" java "for the Nu HTML checker in the browser tests" default-jre-headless
