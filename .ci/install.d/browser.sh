#!/usr/bin/env bash
# The browser test (scripts/test.d/60-browser.sh): Debian's chromium, its
# driver, a Chinese font for the screenshot, and Playwright for Python
# (pinned in python/requirements-browser.txt) in the project venv
# (target/py/venv, or JIXIAO_VENV; never the system's or a user's Python).
# Playwright's own browser download is never used.
# Bare Debian 12: chromium chromium-driver fonts-wqy-zenhei python3 python3-venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash .ci/apt-install.sh chromium chromium-driver fonts-wqy-zenhei
bash .ci/install.d/python.sh
venv="${JIXIAO_VENV:-target/py/venv}"
req=python/requirements-browser.txt
if ! cmp -s "$req" "$venv/.browser-installed" 2>/dev/null; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
    cp "$req" "$venv/.browser-installed"
fi
