#!/usr/bin/env bash
# The whole test suite, README's test command (and all CI runs after its
# install steps): style gates, cargo test, then every suite in scripts/test.d/
# (sqlite CLI, Python package, browser), in order.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# The fuzz targets live outside the workspace: keep them compiling.
cargo check --manifest-path fuzz/Cargo.toml
cargo test
# The suites below use the binary cargo test just built, never a second build.
export JIXIAO_BIN="$PWD/target/debug/jixiao"
for suite in scripts/test.d/*.sh; do
    [ -e "$suite" ] || continue
    echo "== $suite"
    bash "$suite"
done
