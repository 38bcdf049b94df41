#!/usr/bin/env bash
# The benchmark, in one command from a fresh clone:
#
#     bash scripts/bench/run.sh            # 10,000 files
#     N=2500 bash scripts/bench/run.sh     # a quicker run
#
# Builds jixiao and the floor program, installs python-docx and openpyxl in a
# venv, builds the archive, then measures in one run on this machine:
# files/s and peak RSS of jixiao at 1 thread and at all threads, the floor
# (unzip + tokenise only, one thread), and the python-docx/openpyxl script a
# user would write. Prints a Markdown table for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-10000}
PY_SAMPLE=${PY_SAMPLE:-300}
REPS=${REPS:-3}
WORK=target/bench
mkdir -p "$WORK"

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release -q
cargo build --release -q --example floor
JIXIAO=target/release/jixiao
FLOOR=target/release/examples/floor

if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q python-docx openpyxl
fi
PY="$WORK/venv/bin/python"

CORPUS="$WORK/corpus-$N"
if [ ! -d "$CORPUS" ]; then
  "$PY" scripts/bench/make_corpus.py --out "$CORPUS" --n "$N"
fi
# A python sample: the first PY_SAMPLE Word files (it runs at tens of files/s).
SAMPLE="$WORK/py-sample-$PY_SAMPLE"
if [ ! -d "$SAMPLE" ]; then
  mkdir -p "$SAMPLE"
  (set +o pipefail; find "$CORPUS/docx" -name "*.docx" | sort | head -n "$PY_SAMPLE" | xargs -I{} cp {} "$SAMPLE/")
fi

count() { find "$1" -type f | wc -l; }

# best-of-REPS wall time and the largest peak RSS (KiB) of a command
measure() {
  local best="" rss=0
  for _ in $(seq "$REPS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" || true
    read -r secs kib < <(tail -n 1 "$WORK/time.txt")
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < $best)}"; then best=$secs; fi
    [ "$kib" -gt "$rss" ] && rss=$kib
  done
  echo "$best $rss"
}

row() { # name files secs rss
  awk -v n="$1" -v f="$2" -v s="$3" -v r="$4" \
    'BEGIN{ printf "| %s | %d | %.2f | %.0f | %.1f |\n", n, f, s, (s>0? f/s : 0), r/1024 }'
}

NPROC=$(nproc)
DOCX="$CORPUS/docx"
ND=$(count "$DOCX"); NA=$(count "$CORPUS")

echo "machine: $(uname -m), $NPROC cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%d)"
echo
echo "| run | files | seconds (best of $REPS) | files/s | peak RSS MiB |"
echo "|---|---|---|---|---|"
read -r s r < <(measure "$FLOOR" "$DOCX");                                   row "floor, Word files, 1 thread" "$ND" "$s" "$r"
read -r s r < <(measure "$JIXIAO" convert -q -j 1 "$DOCX" --to jsonl);         row "jixiao, Word files, 1 thread" "$ND" "$s" "$r"
read -r s r < <(measure "$JIXIAO" convert -q -j "$NPROC" "$DOCX" --to jsonl);  row "jixiao, Word files, $NPROC threads" "$ND" "$s" "$r"
read -r s r < <(measure "$FLOOR" "$CORPUS");                                 row "floor, whole mix, 1 thread" "$NA" "$s" "$r"
read -r s r < <(measure "$JIXIAO" convert -q -j 1 "$CORPUS" --to jsonl);       row "jixiao, whole mix, 1 thread" "$NA" "$s" "$r"
read -r s r < <(measure "$JIXIAO" convert -q -j "$NPROC" "$CORPUS" --to jsonl); row "jixiao, whole mix, $NPROC threads" "$NA" "$s" "$r"
read -r s r < <(REPS=1 measure "$PY" scripts/bench/python_baseline.py "$SAMPLE" "$WORK/py.csv"); row "python-docx script, Word files" "$(count "$SAMPLE")" "$s" "$r"
# Memory must not grow with the number of files: a quarter of the archive.
QUARTER="$WORK/every-fourth-$N"
if [ ! -d "$QUARTER" ]; then
  mkdir -p "$QUARTER"
  (set +o pipefail; find "$CORPUS" -type f | sort | awk 'NR % 4 == 1' | xargs -I{} cp --parents {} "$QUARTER/")
fi
read -r s r < <(measure "$JIXIAO" convert -q "$QUARTER" --to jsonl);         row "jixiao, every 4th file of the mix, $NPROC threads" "$(count "$QUARTER")" "$s" "$r"
