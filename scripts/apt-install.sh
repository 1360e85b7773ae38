#!/usr/bin/env bash
# Install Debian packages the project needs beside Python and npm, when COMMAND is missing.
# Usage: scripts/apt-install.sh COMMAND "what it is for" PACKAGE...  Needs root, as on CI.
set -euo pipefail
command="$1"
purpose="$2"
shift 2
if command -v "$command" >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "$command is not installed: run 'sudo apt-get install $*' (Debian/Ubuntu) $purpose." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
