#!/usr/bin/env bash
# The Python package (python/): build it into its own venv, then pytest —
# the Python records against the CLI's for every sample and the shared
# corpus, error kinds, exact decimals, and a Dask LocalCluster of 2 worker
# processes over samples/ copied 50×. Needs only python3 (with venv) beside
# Rust: the venv is made here when missing (.ci/install.d/python.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${JIXIAO_VENV:-target/py/venv}"
export JIXIAO_VENV="$venv"
bash .ci/install.d/python.sh
export VIRTUAL_ENV="$PWD/$venv" PATH="$PWD/$venv/bin:$PATH"
# The CLI the tests compare with, current with the sources.
# The binary `cargo test` built (scripts/test.sh exports JIXIAO_BIN: no
# second build of it); run alone, this suite builds it.
if [ -z "${JIXIAO_BIN:-}" ]; then
    cargo build --quiet --bin jixiao
    JIXIAO_BIN="$PWD/target/debug/jixiao"
fi
export JIXIAO_BIN
# Its own target folder: the package is a separate cargo project (python/Cargo.toml).
(cd python && CARGO_TARGET_DIR=../target/py/cargo maturin develop --release -q)
cd python
python -m pytest -q -p no:cacheprovider tests
