#!/usr/bin/env bash
# The Python package's test suite needs a venv with maturin, pytest, Dask,
# pandas and pyarrow (pinned in python/requirements-test.txt). Idempotent:
# reinstalls only when the pins change. JIXIAO_VENV overrides where it lives.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${JIXIAO_VENV:-target/py/venv}"
req=python/requirements-test.txt
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || {
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
}
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! cmp -s "$req" "$venv/.requirements-installed" 2>/dev/null; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
    cp "$req" "$venv/.requirements-installed"
fi
