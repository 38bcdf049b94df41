#!/usr/bin/env bash
# The browser test (scripts/test.d/60-browser.sh): Debian's chromium, its
# driver, a Chinese font for the screenshot, and Playwright for Python driving
# that chromium (Playwright's own browser download is never used).
set -euo pipefail
need=()
for p in chromium chromium-driver fonts-wqy-zenhei; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
python3 -c "import playwright" 2>/dev/null || python3 -m pip install -q playwright
