#!/usr/bin/env bash
# The Python package's test suite needs a venv with maturin, pytest, Dask,
# pandas and pyarrow (pinned in python/requirements-test.txt). Idempotent:
# reinstalls only when the pins change. JIXIAO_VENV overrides where it lives
# (default target/py/venv: the project's own, never the system's Python).
# Bare Debian 12: python3 python3-venv (and Rust, for maturin's build).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${JIXIAO_VENV:-target/py/venv}"
req=python/requirements-test.txt
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    bash .ci/apt-install.sh python3 python3-venv
fi
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! cmp -s "$req" "$venv/.requirements-installed" 2>/dev/null; then
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"
    cp "$req" "$venv/.requirements-installed"
fi
