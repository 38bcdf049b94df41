#!/usr/bin/env bash
# The whole test suite, README's test command (and all CI runs after its
# install steps): style gates, cargo test, then every suite in scripts/test.d/
# (sqlite CLI, Python package, browser), in order. Each step's wall time is
# listed at the end (where a CI run spends its time).
set -euo pipefail
cd "$(dirname "$0")/.."
times=()
step() {
    local start=$SECONDS
    "$@"
    times+=("$((SECONDS - start)) s	$*")
}
report() {
    local rc=$?
    printf '== wall time per step (%s s in all):\n' "$SECONDS"
    printf '  %s\n' "${times[@]}"
    exit "$rc"
}
trap report EXIT
rustup component add rustfmt clippy >/dev/null 2>&1 || true
step cargo fmt --all -- --check
step cargo clippy --all-targets -- -D warnings
# The fuzz targets live outside the workspace: keep them compiling.
step cargo check --manifest-path fuzz/Cargo.toml
# One test binary (tests/main.rs) beside the library's unit tests.
step cargo test
# The suites below use the binary cargo test just built, never a second build.
export JIXIAO_BIN="$PWD/target/debug/jixiao"
for suite in scripts/test.d/*.sh; do
    [ -e "$suite" ] || continue
    echo "== $suite"
    step bash "$suite"
done
