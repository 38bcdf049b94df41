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
# A dev build in the main target folder: python/Cargo.toml's dev profile
# is the main crate's, so the dependencies `cargo test` compiled there are
# reused (only those whose features pyo3 widens, and the library itself,
# are compiled again). It was a release build in a folder of its own, which
# compiled every dependency a second time and took most of a CI run.
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
(cd python && CARGO_TARGET_DIR="$target_dir" maturin develop -q)
cd python
python -m pytest -q -p no:cacheprovider tests
