#!/usr/bin/env bash
# The benchmark, in one command from a fresh clone:
#
#     nice -n 10 bash scripts/bench/run.sh          # 10,000 + 2,000 files
#     N=2500 N2=500 ROUNDS=5 bash scripts/bench/run.sh   # a quicker run
#     CALLGRIND=0 bash scripts/bench/run.sh         # CPU seconds only
#     BUILD=0 JIXIAO_BIN=/tmp/jixiao-x bash scripts/bench/run.sh   # no build
#
# Builds jixiao and the floor program (examples/floor.rs: unzip + tokenise
# only, one thread, the same release profile), installs python-docx and
# openpyxl in a venv, builds two corpora with scripts/bench/make_corpus.py:
#   mix 1 "archive": N files, Word (LibreOffice samples varied) / text / xlsx;
#         measured on its Word files;
#   mix 2 "tables3": N2 Word files of 3 tables, ~25 indicators each, half
#         written by python-docx, half in LibreOffice's markup; measured on
#         the python-docx half (where the normaliser and writer weigh most);
# and reports per mix, for docs/performance.md:
#   - jixiao -j 1's share of the floor by CPU seconds (user + sys): floor
#     and jixiao run back to back, ROUNDS rounds (>= 5), the share of each
#     round, then their median and range;
#   - the share by instructions (valgrind callgrind via callgrind.sh, on
#     every 10th file of the set: target/bench/cg1, cg2), the steady figure
#     on a shared machine, with the profile in groups (reader, normaliser,
#     writer, allocation);
#   - all cores against the python-docx script per CPU-second (files per
#     CPU-second of jixiao -j NPROC over those of the script on its first
#     PY_SAMPLE files), and by wall clock;
#   - peak RSS;
# then the peak RSS of --to xlsx over all of mix 1 (MEMORY=0 skips it).
# The machine, date and load average are printed with the tables: the
# machine may be shared, say so with the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-10000}
N2=${N2:-2000}
PY_SAMPLE=${PY_SAMPLE:-300}
ROUNDS=${ROUNDS:-5}
CALLGRIND=${CALLGRIND:-1}
MEMORY=${MEMORY:-1}
WORK=target/bench
mkdir -p "$WORK"

command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
# JIXIAO_BIN: measure another build of jixiao (e.g. main's, kept aside).
# Always built with the example: building the binary alone resolves the
# dependencies' features without the dev-dependencies and rebuilds them all.
# BUILD=0: measure the binaries already built (JIXIAO_BIN kept aside).
[ "${BUILD:-1}" = 0 ] || cargo build --release -q --bin jixiao --example floor
JIXIAO=${JIXIAO_BIN:-target/release/jixiao}
FLOOR=target/release/examples/floor

if [ ! -x "$WORK/venv/bin/python" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q python-docx openpyxl
fi
PY="$WORK/venv/bin/python"

CORPUS="$WORK/corpus-$N"
[ -d "$CORPUS" ] || "$PY" scripts/bench/make_corpus.py --out "$CORPUS" --n "$N"
CORPUS2="$WORK/tables3-$N2"
[ -d "$CORPUS2" ] || "$PY" scripts/bench/make_corpus.py --mix tables3 --out "$CORPUS2" --n "$N2"

# Hard-linked file sets: NAME, source dir, find pattern, awk filter on the
# sorted list.
link_set() {
  local dir="$WORK/$1"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    find "$2" -type f -name "$3" | sort | awk "$4" | while read -r f; do
      ln "$f" "$dir/$(echo "${f#"$2"/}" | tr / _)"
    done
  fi
  echo "$dir"
}
MIX1=$CORPUS/docx
MIX2=$(link_set "tables3-$N2-pydocx" "$CORPUS2" "*-pydocx.docx" '1')
# Every 10th file: 600 Word files of mix 1; of mix 2's sorted list every
# 10th falls on the python-docx half (200 files).
CG1=$(link_set cg1 "$MIX1" "*.docx" 'NR % 10 == 1')
CG2=$(link_set cg2 "$CORPUS2" "*.docx" 'NR % 10 == 1')
PYS1=$(link_set "py-sample-$PY_SAMPLE" "$MIX1" "*.docx" "NR <= $PY_SAMPLE")
PYS2=$(link_set "py-sample2-$N2-$PY_SAMPLE" "$MIX2" "*.docx" "NR <= $PY_SAMPLE")

count() { find "$1" -type f | wc -l; }

# One run: "cpu-seconds wall-seconds peak-KiB" (user + sys from /usr/bin/time).
run() {
  /usr/bin/time -f "%U %S %e %M" -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/stderr.txt" || true
  tail -n 1 "$WORK/time.txt" | awk '{ printf "%.3f %.3f %d\n", $1 + $2, $3, $4 }'
}

# median, min and max of numbers on stdin, one a line
stats() { sort -g | awk '{ v[NR] = $1 } END {
  m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
  printf "%s %s %s\n", m, v[1], v[NR] }'; }

NPROC=$(nproc)
echo "machine: $(uname -m) $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $NPROC cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u '+%Y-%m-%d %H:%M UTC'); jixiao $(git rev-parse --short HEAD 2>/dev/null || echo '?')${JIXIAO_BIN:+ ($JIXIAO_BIN)}"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# measure_mix LABEL DIR PYTHON-SAMPLE CALLGRIND-DIR
measure_mix() {
  local label=$1 dir=$2 pys=$3 cg=$4 files r f j a
  files=$(count "$dir")
  : >"$WORK/rounds.txt"
  for r in $(seq "$ROUNDS"); do
    f=$(run "$FLOOR" "$dir")
    j=$(run "$JIXIAO" convert -q -j 1 "$dir" --to jsonl)
    a=$(run "$JIXIAO" convert -q -j "$NPROC" "$dir" --to jsonl)
    echo "$f $j $a" >>"$WORK/rounds.txt"
  done
  local py pyfiles
  pyfiles=$(count "$pys")
  py=$(run "$PY" scripts/bench/python_baseline.py "$pys" "$WORK/py.csv")
  # columns of rounds.txt: floor cpu wall kib, -j1 cpu wall kib, -jN cpu wall kib
  read -r fl_m _ _ < <(awk '{print $1}' "$WORK/rounds.txt" | stats)
  read -r j1_m j1_lo j1_hi < <(awk '{print $4}' "$WORK/rounds.txt" | stats)
  read -r sh_m sh_lo sh_hi < <(awk '{print 100 * $1 / $4}' "$WORK/rounds.txt" | stats)
  read -r ja_m _ _ < <(awk '{print $7}' "$WORK/rounds.txt" | stats)
  read -r jw_m _ _ < <(awk '{print $8}' "$WORK/rounds.txt" | stats)
  local rss
  rss=$(awk '{ if ($9 > m) m = $9 } END { printf "%.1f", m / 1024 }' "$WORK/rounds.txt")
  local ins="not measured" prof=""
  if [ "$CALLGRIND" != 0 ]; then
    BUILD=0 JIXIAO_BIN=$JIXIAO bash scripts/bench/callgrind.sh "$cg" >"$WORK/cg.txt"
    ins=$(head -n 1 "$WORK/cg.txt")
    prof=$(sed -n 2p "$WORK/cg.txt")
  fi
  awk -v l="$label" -v n="$files" -v fl="$fl_m" -v j1="$j1_m" -v lo="$j1_lo" -v hi="$j1_hi" \
    -v sm="$sh_m" -v slo="$sh_lo" -v shi="$sh_hi" -v ja="$ja_m" -v jw="$jw_m" \
    -v pc="$(echo "$py" | cut -d' ' -f1)" -v pw="$(echo "$py" | cut -d' ' -f2)" -v pn="$pyfiles" \
    -v rss="$rss" -v np="$NPROC" -v rounds="$ROUNDS" 'BEGIN {
    printf "%s: %d files, %d rounds back to back\n\n", l, n, rounds
    printf "| | CPU s (median) | files per CPU-s |\n|---|---|---|\n"
    printf "| floor, 1 thread | %.2f | %.0f |\n", fl, n / fl
    printf "| jixiao -j 1 | %.2f (%.2f-%.2f) | %.0f |\n", j1, lo, hi, n / j1
    printf "| jixiao -j %d | %.2f (wall %.2f s, peak RSS %s MiB) | %.0f |\n", np, ja, jw, rss, n / ja
    printf "| python-docx script, %d files | %.2f (wall %.2f s) | %.1f |\n\n", pn, pc, pw, pn / pc
    printf "- jixiao -j 1 share of the floor by CPU seconds: **%.1f %%** median, %.1f-%.1f %% over the rounds (goal >= 65 %%)\n", sm, slo, shi
    printf "- all cores against the python-docx script per CPU-second: **%.0fx** (goal >= 100x); by wall clock %.0fx\n",
      (n / ja) / (pn / pc), (n / jw) / (pn / pw) }'
  echo "- by instructions: $ins (goal >= 80 %)"
  [ -z "$prof" ] || echo "$prof"
  echo
}

measure_mix "Mix 1 (archive), Word files" "$MIX1" "$PYS1" "$CG1"
measure_mix "Mix 2 (tables3), python-docx half" "$MIX2" "$PYS2" "$CG2"

if [ "$MEMORY" != 0 ]; then
  m=$(run "$JIXIAO" convert -q "$CORPUS" -o "$WORK/out.xlsx")
  rm -f "$WORK/out.xlsx"
  echo "--to xlsx, all of mix 1 ($(count "$CORPUS") files), $NPROC threads: $(echo "$m" | awk '{ printf "%.2f CPU s, peak RSS %.1f MiB", $1, $3 / 1024 }')"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
