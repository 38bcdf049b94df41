#!/usr/bin/env bash
# Instruction counts (valgrind callgrind), the steady measure on a shared
# machine: jixiao -j 1 against the lean floor on the same files.
#
#     bash scripts/bench/callgrind.sh DIR [DIR...]    # after run.sh built the corpora
#     JIXIAO_BIN=target/bench/jixiao-main bash scripts/bench/callgrind.sh DIR
#
# Prints, per DIR, the instructions of each and jixiao's share of the floor
# (floor instructions / jixiao instructions, the files/s ratio at equal IPC),
# then jixiao's profile in groups: reader (`read::read` and all it calls:
# unzip, CRC, XML), normaliser (`normalize::normalize`), writer
# (`write::render`), each inclusive; allocation is the allocator's own
# instructions (mimalloc, malloc/free/realloc), spread over the three, and
# copies memcpy/memmove's. Each profile is kept as
# target/bench/callgrind.<name>.<dir> for callgrind_annotate.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
# Built together (see run.sh); JIXIAO_BIN measures another build of jixiao.
[ "${BUILD:-1}" = 0 ] || cargo build --release -q --bin jixiao --example floor
JIXIAO=${JIXIAO_BIN:-target/release/jixiao}
OUT=target/bench
mkdir -p "$OUT"
irs() { # out-file cmd...
  local out=$1; shift
  valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$out" "$@" >/dev/null 2>"$out.log"
  awk '/^summary:/{print $2}' "$out"
}
# reader / normaliser / writer (inclusive), allocation and copies (self)
groups() { # profile total
  { callgrind_annotate --inclusive=yes --threshold=100 "$1" | sed 's/^/I /'
    callgrind_annotate --threshold=100 "$1" | sed 's/^/S /'; } 2>/dev/null |
  awk -v t="$2" 'function n(s) { gsub(",", "", s); return s + 0 }
    $1 == "I" && /:jixiao::read::read \[/ { r = n($2) }
    $1 == "I" && /:jixiao::normalize::normalize \[/ { z = n($2) }
    $1 == "I" && /:jixiao::write::render \[/ { w = n($2) }
    $1 == "S" && /:(_?mi_|malloc|free|realloc|calloc|__rust_(alloc|dealloc|realloc))/ { al += n($2) }
    $1 == "S" && /mem(cpy|move)/ { cp += n($2) }
    END {
      printf "  profile: reader %.0f M (%.0f %%), normaliser %.0f M (%.0f %%), writer %.0f M (%.0f %%); allocation %.0f M (%.0f %%, within those), copies %.0f M\n",
        r / 1e6, 100 * r / t, z / 1e6, 100 * z / t, w / 1e6, 100 * w / t, al / 1e6, 100 * al / t, cp / 1e6 }'
}
for dir in "$@"; do
  tag=$(basename "$dir")
  fl=$(irs "$OUT/callgrind.floor.$tag" target/release/examples/floor "$dir")
  jx=$(irs "$OUT/callgrind.jixiao.$tag" "$JIXIAO" convert -q -j 1 "$dir" --to jsonl)
  awk -v t="$tag" -v n="$(find "$dir" -type f | wc -l)" -v f="$fl" -v j="$jx" 'BEGIN{
    printf "%s (%d files): floor %.3f G, jixiao %.3f G instructions; jixiao = %.1f%% of the floor\n", t, n, f/1e9, j/1e9, 100*f/j }'
  groups "$OUT/callgrind.jixiao.$tag" "$jx"
done
