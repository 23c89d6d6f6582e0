#!/usr/bin/env bash
# The browser tests drive the system Chromium; test tools never download a browser here.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Chromium not found at $chromium; installing Debian's chromium package" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need Chromium at $chromium: run 'sudo apt-get install -y chromium' or set CHROMIUM_PATH." >&2
exit 1
