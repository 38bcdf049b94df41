#!/usr/bin/env bash
# `jixiao serve` in Debian's chromium (tests/browser/test_serve.py), driven by
# Playwright from the project venv. Needs .ci/install.d/browser.sh; outside CI
# it skips itself when that is missing.
# Re-take README's screenshot: JIXIAO_SCREENSHOT=docs/serve.png bash scripts/test.d/60-browser.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${JIXIAO_VENV:-target/py/venv}"
if ! [ -x /usr/bin/chromium ] || ! "$venv/bin/python" -c "import playwright" 2>/dev/null; then
    if [ "${CI:-}" = true ]; then
        echo "browser test: chromium or playwright missing (see .ci/install.d/browser.sh)" >&2
        exit 1
    fi
    echo "browser test skipped: run .ci/install.d/browser.sh first"
    exit 0
fi
# The binary `cargo test` built (scripts/test.sh exports JIXIAO_BIN: no
# second build of it); run alone, this suite builds it.
if [ -z "${JIXIAO_BIN:-}" ]; then
    cargo build --quiet --bin jixiao
    JIXIAO_BIN="$PWD/target/debug/jixiao"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
JIXIAO_SCREENSHOT=${JIXIAO_SCREENSHOT:-$tmp/serve.png} \
    timeout 300 "$venv/bin/python" tests/browser/test_serve.py "$JIXIAO_BIN"
