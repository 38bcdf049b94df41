#!/usr/bin/env bash
# Instruction counts (valgrind callgrind), the steady measure on a shared
# machine: jixiao -j 1 against the lean floor on the same files.
#
#     bash scripts/bench/callgrind.sh DIR [DIR...]    # after run.sh built the corpora
#
# Prints, per DIR, the instructions of each and jixiao's share of the floor
# (floor instructions / jixiao instructions, the files/s ratio at equal IPC).
# Each profile is kept as target/bench/callgrind.<name>.<dir> for
# callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
cargo build --release -q --bin jixiao --example floor
OUT=target/bench
mkdir -p "$OUT"
irs() { # out-file cmd...
  local out=$1; shift
  valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$out" "$@" >/dev/null 2>"$out.log"
  awk '/^summary:/{print $2}' "$out"
}
for dir in "$@"; do
  tag=$(basename "$dir")
  fl=$(irs "$OUT/callgrind.floor.$tag" target/release/examples/floor "$dir")
  jx=$(irs "$OUT/callgrind.jixiao.$tag" target/release/jixiao convert -q -j 1 "$dir" --to jsonl)
  awk -v t="$tag" -v n="$(find "$dir" -type f | wc -l)" -v f="$fl" -v j="$jx" 'BEGIN{
    printf "%s (%d files): floor %.3f G, jixiao %.3f G instructions; jixiao = %.0f%% of the floor\n", t, n, f/1e9, j/1e9, 100*f/j }'
done
