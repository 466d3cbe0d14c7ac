#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing.
# The tests skip (and say so) without it; CI runs this first.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-chromium: not root; install Debian's chromium package yourself" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
chromium --version
