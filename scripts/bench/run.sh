#!/usr/bin/env bash
# The benchmark, in one command from a fresh clone:
#
#     bash scripts/bench/run.sh            # 10,000 files
#     N=2500 N2=500 bash scripts/bench/run.sh     # a quicker run
#
# Builds jixiao and the floor program, installs python-docx and openpyxl in a
# venv, builds two corpora, then measures in one run on this machine:
# files/s and peak RSS of jixiao at 1 thread and at all threads, the lean
# floor (unzip + tokenise only, one thread, same release profile), and the
# python-docx/openpyxl script a user would write, for
#   mix 1 "archive": N files, Word (LibreOffice samples varied) / text / xlsx;
#   mix 2 "tables3": N2 Word files of 3 tables, ~25 indicators each, half
#         written by python-docx, half in LibreOffice's markup;
# and the peak RSS of --to xlsx over mix 1. Prints Markdown tables for
# docs/performance.md, with the load average next to them (the machine may be
# shared: prefer callgrind instruction counts for comparisons).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-10000}
N2=${N2:-2000}
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
CORPUS2="$WORK/tables3-$N2"
if [ ! -d "$CORPUS2" ]; then
  "$PY" scripts/bench/make_corpus.py --mix tables3 --out "$CORPUS2" --n "$N2"
fi
# Python samples: the first PY_SAMPLE Word files (it runs at tens of files/s).
sample() { # from to
  if [ ! -d "$2" ]; then
    mkdir -p "$2"
    (set +o pipefail; find "$1" -name "*.docx" | sort | head -n "$PY_SAMPLE" | xargs -I{} cp {} "$2/")
  fi
}
SAMPLE="$WORK/py-sample-$PY_SAMPLE"
SAMPLE2="$WORK/py-sample2-$N2-$PY_SAMPLE"
sample "$CORPUS/docx" "$SAMPLE"
sample "$CORPUS2" "$SAMPLE2"

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
rate() { awk -v f="$1" -v s="$2" 'BEGIN{ print (s>0? f/s : 0) }'; }
ratios() { # label floor-rate j1-rate jall-rate python-rate
  awk -v l="$1" -v fl="$2" -v j1="$3" -v ja="$4" -v py="$5" 'BEGIN{
    printf "%s: jixiao -j 1 = %.0f%% of the floor (goal >= 50%%); all cores = %.0fx the python-docx script (goal >= 100x)\n",
      l, (fl>0? 100*j1/fl : 0), (py>0? ja/py : 0) }'
}

NPROC=$(nproc)
DOCX="$CORPUS/docx"
ND=$(count "$DOCX"); NA=$(count "$CORPUS")

echo "machine: $(uname -m) $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $NPROC cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Mix 1 (archive): $NA files, $ND of them Word"
echo
echo "| run | files | seconds (best of $REPS) | files/s | peak RSS MiB |"
echo "|---|---|---|---|---|"
read -r s r < <(measure "$FLOOR" "$DOCX");                                   row "floor, Word files, 1 thread" "$ND" "$s" "$r"; FL=$(rate "$ND" "$s")
read -r s r < <(measure "$JIXIAO" convert -q -j 1 "$DOCX" --to jsonl);         row "jixiao, Word files, 1 thread" "$ND" "$s" "$r"; J1=$(rate "$ND" "$s")
read -r s r < <(measure "$JIXIAO" convert -q -j "$NPROC" "$DOCX" --to jsonl);  row "jixiao, Word files, $NPROC threads" "$ND" "$s" "$r"; JA=$(rate "$ND" "$s")
read -r s r < <(measure "$FLOOR" "$CORPUS");                                 row "floor, whole mix, 1 thread" "$NA" "$s" "$r"
read -r s r < <(measure "$JIXIAO" convert -q -j 1 "$CORPUS" --to jsonl);       row "jixiao, whole mix, 1 thread" "$NA" "$s" "$r"
read -r s r < <(measure "$JIXIAO" convert -q -j "$NPROC" "$CORPUS" --to jsonl); row "jixiao, whole mix, $NPROC threads" "$NA" "$s" "$r"
read -r s r < <(REPS=1 measure "$PY" scripts/bench/python_baseline.py "$SAMPLE" "$WORK/py.csv"); row "python-docx script, Word files" "$(count "$SAMPLE")" "$s" "$r"; PYR=$(rate "$(count "$SAMPLE")" "$s")
# Memory must not grow with the number of files: a quarter of the archive.
QUARTER="$WORK/every-fourth-$N"
if [ ! -d "$QUARTER" ]; then
  mkdir -p "$QUARTER"
  (set +o pipefail; find "$CORPUS" -type f | sort | awk 'NR % 4 == 1' | xargs -I{} cp --parents {} "$QUARTER/")
fi
read -r s r < <(measure "$JIXIAO" convert -q "$QUARTER" --to jsonl);         row "jixiao, every 4th file of the mix, $NPROC threads" "$(count "$QUARTER")" "$s" "$r"
read -r s r < <(REPS=1 measure "$JIXIAO" convert -q "$CORPUS" -o "$WORK/out.xlsx"); row "jixiao --to xlsx, whole mix, $NPROC threads" "$NA" "$s" "$r"
rm -f "$WORK/out.xlsx"
echo
ratios "Mix 1, Word files" "$FL" "$J1" "$JA" "$PYR"
echo
NT=$(count "$CORPUS2")
echo "Mix 2 (tables3): $NT Word files, 3 tables of ~25 indicators each (python-docx and LibreOffice markup)"
echo
echo "| run | files | seconds (best of $REPS) | files/s | peak RSS MiB |"
echo "|---|---|---|---|---|"
read -r s r < <(measure "$FLOOR" "$CORPUS2");                                  row "floor, 1 thread" "$NT" "$s" "$r"; FL=$(rate "$NT" "$s")
read -r s r < <(measure "$JIXIAO" convert -q -j 1 "$CORPUS2" --to jsonl);        row "jixiao, 1 thread" "$NT" "$s" "$r"; J1=$(rate "$NT" "$s")
read -r s r < <(measure "$JIXIAO" convert -q -j "$NPROC" "$CORPUS2" --to jsonl); row "jixiao, $NPROC threads" "$NT" "$s" "$r"; JA=$(rate "$NT" "$s")
read -r s r < <(REPS=1 measure "$PY" scripts/bench/python_baseline.py "$SAMPLE2" "$WORK/py2.csv"); row "python-docx script" "$(count "$SAMPLE2")" "$s" "$r"; PYR=$(rate "$(count "$SAMPLE2")" "$s")
echo
ratios "Mix 2" "$FL" "$J1" "$JA" "$PYR"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
