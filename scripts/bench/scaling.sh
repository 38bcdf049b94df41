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
nice -n 10 cargo build --release -q --bin jixiao --example hostile
JIXIAO=target/release/jixiao
GEN=target/release/examples/hostile

# n per family (instruction counts are exact, so n can stay small).
declare -A N=(
  [wide-row-docx]=20000 [wide-row-ods]=2000
  [corner-merges-xlsx]=8000 [corner-merges-xml2003]=8000
  [blank-per-cell-txt]=20000 [scripts-html]=20000 [spans-html]=50
  [short-lines-txt]=200000 [wide-over-narrow-txt]=10000
  [far-cells-xlsx]=3000 [far-cells-xls]=3000 [grid-before-docx]=200
)
# Families whose defence is a limit: run with the default limits, both
# sizes refused (`too_large`); the figure is the cost of getting there.
BOUND=" spans-html wide-over-narrow-txt far-cells-xlsx far-cells-xls grid-before-docx "
# The others are run with the limits raised out of the way, so that the
# whole input is worked through at both sizes.
RAISED=(--limit max_ratio=1000000 --limit max_text_bytes=17179869184
        --limit max_cells=4000000000 --limit max_xml_elements=4000000000
        --limit max_entry_bytes=4294967296 --limit max_total_bytes=4294967296)

run_args() {
  if [ "$2" = raised ]; then echo convert -q "$1" "${RAISED[@]}" --to json -o /dev/null
  else echo convert -q "$1" --to json -o /dev/null; fi
}

# Native runs, best (lowest wall) of REPS: "peak_kb wall_seconds".
measure() {
  local best="" kb wall
  for _ in $(seq "$REPS"); do
    # shellcheck disable=SC2046
    nice -n 10 /usr/bin/time -o "$WORK/time" -f "%M %e" "$JIXIAO" $(run_args "$1" "$2") \
      2>/dev/null >/dev/null || true
    read -r kb wall < <(tail -1 "$WORK/time")
    if [ -z "$best" ] || [ "$(echo "$wall < ${best#* }" | bc)" = 1 ]; then
      best="$kb $wall"
    fi
  done
  echo "$best"
}

# Instructions of one run under callgrind.
instructions() {
  # shellcheck disable=SC2046
  nice -n 10 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$JIXIAO" \
    $(run_args "$1" "$2") 2>"$WORK/callgrind" >/dev/null || true
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$WORK/callgrind"
}

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
     "$(date -u '+%Y-%m-%d %H:%M UTC'); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| family | limits | n | bytes n / 8n | instructions n / 8n (start-up subtracted) | ratio | wall s n / 8n | peak RSS MB n / 8n | RSS growth |"
echo "|---|---|---|---|---|---|---|---|---|"
# Start-up: an empty text file.
: > "$WORK/empty.txt"
base_i=$(instructions "$WORK/empty.txt" default)
read -r base_kb _ <<<"$(measure "$WORK/empty.txt" default)"
"$GEN" --list | while IFS=$'\t' read -r name ext _; do
  if [ -n "${FAMILIES:-}" ] && [[ " $FAMILIES " != *" $name "* ]]; then continue; fi
  n=$(( ${N[$name]:-1000} * SCALE ))
  "$GEN" "$name" "$n" "$WORK/$name-1.$ext"
  "$GEN" "$name" $((8 * n)) "$WORK/$name-8.$ext"
  mode=raised; [[ "$BOUND" == *" $name "* ]] && mode=default
  i1=$(( $(instructions "$WORK/$name-1.$ext" $mode) - base_i ))
  i8=$(( $(instructions "$WORK/$name-8.$ext" $mode) - base_i ))
  read -r k1 w1 <<<"$(measure "$WORK/$name-1.$ext" $mode)"
  read -r k8 w8 <<<"$(measure "$WORK/$name-8.$ext" $mode)"
  b1=$(stat -c %s "$WORK/$name-1.$ext"); b8=$(stat -c %s "$WORK/$name-8.$ext")
  printf '| %s | %s | %s | %s / %s | %s / %s | %.2f | %s / %s | %.0f / %.0f | %.2f |\n' \
    "$name" "$mode" "$n" "$b1" "$b8" "$i1" "$i8" "$(echo "$i8 / $i1" | bc -l)" "$w1" "$w8" \
    "$(echo "$k1/1024" | bc -l)" "$(echo "$k8/1024" | bc -l)" \
    "$(echo "($k8 - $base_kb) / ($k1 - $base_kb + 1)" | bc -l)"
  rm -f "$WORK/$name-1.$ext" "$WORK/$name-8.$ext"
done
echo
echo "Start-up (an empty file): $base_i instructions, $((base_kb / 1024)) MB." \
     "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
