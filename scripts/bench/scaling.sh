#!/usr/bin/env bash
# Issue 10's scaling benchmark: each pathological family of
# tests/hostile/gen.rs at n and 8n, converted by a release build. Work is
# counted in instructions (valgrind's callgrind: the same count on a busy
# machine as on an idle one, which wall and CPU times on a shared 2-core
# machine are not), start-up (an empty file) subtracted; linear work gives a
# ratio 8n/n near 8. Peak RSS and wall time come from native runs
# (/usr/bin/time, best of REPS), RSS growth with the start-up RSS subtracted.
# A family whose defence is a limit is refused at both sizes: its ratio
# shows the cost of getting to the refusal (bounded: near 1).
#
#     bash scripts/bench/scaling.sh            # about 3 minutes on 2 cores
#     SCALE=2 REPS=5 bash scripts/bench/scaling.sh
#     FAMILIES="wide-row-docx scripts-html" bash scripts/bench/scaling.sh
#
# Prints a Markdown table for docs/robustness.md, with the machine, the
# date and the load average.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE=${SCALE:-1}
REPS=${REPS:-3}
WORK=target/bench-scaling
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }
# JIXIAO_BIN / HOSTILE_GEN: measure other builds (e.g. target/debug/…)
# instead of building the release ones.
if [ -z "${JIXIAO_BIN:-}" ]; then
  nice -n 10 cargo build --release -q --bin jixiao --example hostile
fi
JIXIAO=${JIXIAO_BIN:-target/release/jixiao}
GEN=${HOSTILE_GEN:-target/release/examples/hostile}

# n per family (instruction counts are exact, so n can stay small).
declare -A N=(
  [wide-row-docx]=20000 [wide-row-ods]=2000
  [corner-merges-xlsx]=8000 [corner-merges-xml2003]=8000
  [blank-per-cell-txt]=20000 [scripts-html]=20000 [spans-html]=50
  [short-lines-txt]=200000 [wide-over-narrow-txt]=10000
  [far-cells-xlsx]=3000 [far-cells-xls]=3000 [grid-before-docx]=200
  [marks-doc]=8 [cell-marks-doc]=8 [nested-doc]=20
  [project-key-docx]=50000 [indicators-diff]=1000 [tables-diff]=2000
  [same-named-form]=500
)
# Issue 21: families measured with another command than `convert`, or as
# a side of another family (-new), or not scaled at all (calamine's cases).
SKIP=" indicators-diff-new calamine-mulrk-xls calamine-name-xls calamine-formula-xls "
# Run both ways: at the default limits (refused where a limit is the
# defence) and raised (worked through).
BOTH=" marks-doc cell-marks-doc nested-doc "
# Families whose defence is a limit: run with the default limits, both
# sizes refused (`too_large`); the figure is the cost of getting there.
BOUND=" spans-html wide-over-narrow-txt far-cells-xlsx far-cells-xls grid-before-docx "
# The others are run with the limits raised out of the way, so that the
# whole input is worked through at both sizes.
RAISED=(--limit max_ratio=1000000 --limit max_text_bytes=17179869184
        --limit max_cells=4000000000 --limit max_xml_elements=4000000000
        --limit max_entry_bytes=4294967296 --limit max_total_bytes=4294967296
        --limit max_tables=4000000000)

# The command a family's file is measured with: `run_args FILE MODE [CMD]`.
run_args() {
  local lim=""
  [ "$2" = raised ] && lim="${RAISED[*]}"
  case "${3:-convert}" in
    convert) echo convert -q "$1" $lim --to json -o /dev/null ;;
    check) echo check -q "$1" $lim -o /dev/null ;;
    sqlite) echo convert -q "$1" $lim --to sqlite -o "$WORK/bench.db" ;;
    diff) echo diff "$1" "${1%.*}-new.${1##*.}" -o /dev/null ;;
    form) echo convert -q "$1" $lim --to xlsx --layout form -o "$WORK/bench.xlsx" ;;
  esac
}

# Commands per family (default convert).
declare -A CMDS=(
  [project-key-docx]="check sqlite" [indicators-diff]=diff [tables-diff]=diff
  [same-named-form]=form
)

# Native runs, best (lowest wall) of REPS: "peak_kb wall_seconds".
measure() {
  local best="" kb wall
  for _ in $(seq "$REPS"); do
    rm -f "$WORK/bench.db" "$WORK/bench.xlsx"
    # shellcheck disable=SC2046
    nice -n 10 /usr/bin/time -o "$WORK/time" -f "%M %e" "$JIXIAO" $(run_args "$1" "$2" "${3:-}") \
      2>/dev/null >/dev/null || true
    read -r kb wall < <(tail -1 "$WORK/time")
    if [ -z "$best" ] || [ "$(echo "$wall < ${best#* }" | bc)" = 1 ]; then
      best="$kb $wall"
    fi
  done
  echo "$best"
}

# Work of one run: instructions under callgrind, or with METRIC=cpu the
# CPU time (user + sys, ms, best of REPS) where callgrind is too slow (a
# debug build, or a machine where perf has no counters).
instructions() {
  if [ "${METRIC:-}" = cpu ]; then
    local best="" u s ms
    for _ in $(seq "$REPS"); do
      rm -f "$WORK/bench.db" "$WORK/bench.xlsx"
      # shellcheck disable=SC2046
      nice -n 10 /usr/bin/time -o "$WORK/cpu" -f "%U %S" "$JIXIAO" $(run_args "$1" "$2" "${3:-}") \
        2>/dev/null >/dev/null || true
      read -r u s < <(tail -1 "$WORK/cpu")
      ms=$(echo "($u + $s) * 1000 / 1" | bc)
      if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$best"
    return
  fi
  rm -f "$WORK/bench.db" "$WORK/bench.xlsx"
  # shellcheck disable=SC2046
  nice -n 10 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$JIXIAO" \
    $(run_args "$1" "$2" "${3:-}") 2>"$WORK/callgrind" >/dev/null || true
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$WORK/callgrind"
}

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
     "$(date -u '+%Y-%m-%d %H:%M UTC'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
work="instructions"
[ "${METRIC:-}" = cpu ] && work="CPU ms"
echo "| family | limits | n | bytes n / 8n | $work n / 8n (start-up subtracted) | ratio | wall s n / 8n | peak RSS MB n / 8n | RSS growth |"
echo "|---|---|---|---|---|---|---|---|---|"
# Start-up: an empty text file.
: > "$WORK/empty.txt"
base_i=$(instructions "$WORK/empty.txt" default)
read -r base_kb _ <<<"$(measure "$WORK/empty.txt" default)"
# One family at n and 8n with one command and one mode.
row() { # name ext n mode cmd
  local name=$1 ext=$2 n=$3 mode=$4 cmd=$5 f1 f8
  f1="$WORK/$name-1.$ext"; f8="$WORK/$name-8.$ext"
  if [ "$cmd" = form ]; then
    # n files of one same-named table each: the sheet names collide.
    f1="$WORK/$name-1"; f8="$WORK/$name-8"
    rm -rf "$f1" "$f8"; mkdir -p "$f1" "$f8"
    "$GEN" "$name" 1 "$WORK/one.$ext"
    for i in $(seq "$n"); do cp "$WORK/one.$ext" "$f1/$i.$ext"; done
    for i in $(seq $((8 * n))); do cp "$WORK/one.$ext" "$f8/$i.$ext"; done
  else
    "$GEN" "$name" "$n" "$f1"
    "$GEN" "$name" $((8 * n)) "$f8"
    if [ "$cmd" = diff ]; then
      "$GEN" "$name-new" "$n" "$WORK/$name-1-new.$ext" 2>/dev/null || cp "$f1" "$WORK/$name-1-new.$ext"
      "$GEN" "$name-new" $((8 * n)) "$WORK/$name-8-new.$ext" 2>/dev/null || cp "$f8" "$WORK/$name-8-new.$ext"
    fi
  fi
  i1=$(( $(instructions "$f1" "$mode" "$cmd") - base_i ))
  i8=$(( $(instructions "$f8" "$mode" "$cmd") - base_i ))
  read -r k1 w1 <<<"$(measure "$f1" "$mode" "$cmd")"
  read -r k8 w8 <<<"$(measure "$f8" "$mode" "$cmd")"
  b1=$(du -sb "$f1" | cut -f1); b8=$(du -sb "$f8" | cut -f1)
  local label=$name
  [ "$cmd" != convert ] && label="$name ($cmd)"
  printf '| %s | %s | %s | %s / %s | %s / %s | %.2f | %s / %s | %.0f / %.0f | %.2f |\n' \
    "$label" "$mode" "$n" "$b1" "$b8" "$i1" "$i8" "$(echo "$i8 / $i1" | bc -l)" "$w1" "$w8" \
    "$(echo "$k1/1024" | bc -l)" "$(echo "$k8/1024" | bc -l)" \
    "$(echo "($k8 - $base_kb) / ($k1 - $base_kb + 1)" | bc -l)"
  rm -rf "$f1" "$f8" "$WORK/$name-1-new.$ext" "$WORK/$name-8-new.$ext"
}

"$GEN" --list | while IFS=$'\t' read -r name ext _; do
  if [ -n "${FAMILIES:-}" ] && [[ " $FAMILIES " != *" $name "* ]]; then continue; fi
  [[ "$SKIP" == *" $name "* ]] && continue
  n=$(( ${N[$name]:-1000} * SCALE ))
  modes=raised
  [[ "$BOUND" == *" $name "* ]] && modes=default
  [[ "$BOTH" == *" $name "* ]] && modes="default raised"
  for mode in $modes; do
    for cmd in ${CMDS[$name]:-convert}; do
      row "$name" "$ext" "$n" "$mode" "$cmd"
    done
  done
done
echo
echo "Start-up (an empty file): $base_i $work, $((base_kb / 1024)) MB." \
     "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
