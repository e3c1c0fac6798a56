#!/usr/bin/env bash
# Install Debian's chromium package (headless browser for the HTML report tests) when no Chromium
# is on PATH, and print the path of the browser binary. Needs root to install.
#   scripts/install-chromium.sh            -> /usr/bin/chromium
# The tests find it through AISCAN_TEST_CHROMIUM (a path) or PATH (chromium / chromium-browser).
set -euo pipefail

find_browser() {
    local name
    for name in chromium chromium-browser; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

if browser="$(find_browser)"; then
    echo "$browser"
    exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
    echo "install-chromium: no chromium installed and not root to install it" >&2
    exit 1
fi
echo "install-chromium: installing chromium (apt-get)" >&2
start="$(date +%s)"
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium fonts-dejavu-core >&2
echo "install-chromium: installed in $(( $(date +%s) - start ))s" >&2
browser="$(find_browser)"
"$browser" --version >&2
echo "$browser"
