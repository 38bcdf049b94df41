#!/usr/bin/env bash
# The whole test suite, README's test command (and all CI runs after its
# install steps): style gates, cargo test, then every suite in scripts/test.d/
# (sqlite CLI, Python package, browser, printed form, Windows), in order.
# Each step's wall and CPU time is listed at the end (where a CI run spends
# its time). Every build shares target/: the fuzz check and the Python
# package reuse what clippy and `cargo test` compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=()
cpu_file=$(mktemp)
# CPU seconds (user + system) of every command this script has waited for:
# `times` in this shell (a subshell would count none of them).
cpu_so_far() {
    times >"$cpu_file"
    cpu=$(awk 'NR == 2 { split($1, u, "m"); split($2, s, "m"); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$cpu_file")
}
step() {
    local start=$SECONDS
    cpu_so_far
    local cpu_start=$cpu
    "$@"
    cpu_so_far
    steps+=("$((SECONDS - start)) s wall, $((cpu - cpu_start)) s CPU	$*")
}
report() {
    local rc=$?
    cpu_so_far
    rm -f "$cpu_file"
    printf '== time per step (%s s wall, %s s CPU in all):\n' "$SECONDS" "$cpu"
    printf '  %s\n' "${steps[@]}"
    exit "$rc"
}
trap report EXIT
rustup component add rustfmt clippy >/dev/null 2>&1 || true
step cargo fmt --all -- --check
step cargo clippy --all-targets -- -D warnings
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
# The fuzz targets live outside the workspace: keep them compiling. In the
# main target folder with the main dev profile, so that the dependencies
# clippy just checked are not checked again (fuzz/target is cargo fuzz's).
step env CARGO_TARGET_DIR="$target_dir" cargo check --manifest-path fuzz/Cargo.toml \
    --config 'profile.dev.package."*".opt-level=1'
# One test binary (tests/main.rs) beside the library's unit tests. Only the
# test targets: the examples are checked by clippy --all-targets above and
# built by the benchmarks that run them (scripts/bench/).
step cargo test --tests
# The suites below use the binary cargo test just built, never a second build.
export JIXIAO_BIN="$PWD/target/debug/jixiao"
for suite in scripts/test.d/*.sh; do
    [ -e "$suite" ] || continue
    echo "== $suite"
    step bash "$suite"
done
