#!/usr/bin/env bash
# `jixiao serve` in Debian's chromium (tests/browser/test_serve.py). Needs
# .ci/install.d/browser.sh; outside CI it skips itself when that is missing.
# Re-take README's screenshot: JIXIAO_SCREENSHOT=docs/serve.png bash scripts/test.d/60-browser.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! [ -x /usr/bin/chromium ] || ! python3 -c "import playwright" 2>/dev/null; then
    if [ "${CI:-}" = true ]; then
        echo "browser test: chromium or playwright missing (see .ci/install.d/browser.sh)" >&2
        exit 1
    fi
    echo "browser test skipped: run .ci/install.d/browser.sh first"
    exit 0
fi
cargo build --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
JIXIAO_SCREENSHOT=${JIXIAO_SCREENSHOT:-$tmp/serve.png} \
    timeout 300 python3 tests/browser/test_serve.py target/debug/jixiao
