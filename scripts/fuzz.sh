#!/usr/bin/env bash
# Runs fuzz targets one after another for a bounded time each (default 60 s),
# niced, one process at a time:
#
#     bash scripts/fuzz.sh 300              # every target, 5 minutes each
#     bash scripts/fuzz.sh 600 doc          # one target
#     FUZZ_SANITIZER=none bash scripts/fuzz.sh 60   # no ASan: faster, panics/hangs/OOM only
#
# Works on the stable toolchain (RUSTC_BOOTSTRAP=1 lets it take cargo-fuzz's
# nightly flags); installs cargo-fuzz if missing (a few minutes).
# Seeds: samples/ (files, their document.xml, the dump, generated values)
# copied into fuzz/corpus/TARGET (git-ignored; new inputs land there), and
# ../shared/corpus/ read in place when present (JIXIAO_CORPUS to change it).
# Prints one summary line per target; full logs in fuzz/logs/. A crash,
# timeout or OOM is saved under fuzz/artifacts/TARGET/: fix it and add the
# input as a regression test (tests/regressions.rs, tests/doc.rs, or a file
# in tests/fuzz-regressions/, which the regression test feeds whole).
set -euo pipefail
cd "$(dirname "$0")/.."
EACH=${1:-60}
shift || true
ALL="doc number_format read_any docx_xml sheet_xml html_page text_dump target_value normalize_grid pdf"
TARGETS=${*:-$ALL}
SAN=${FUZZ_SANITIZER:-address}
C=${JIXIAO_CORPUS:-../shared/corpus}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
mkdir -p fuzz/logs
for t in $ALL; do
  mkdir -p "fuzz/corpus/$t"
done
cp -n samples/*.docx samples/*.txt samples/*.xlsx samples/*.xls samples/*.ods fuzz/corpus/read_any/ 2>/dev/null || true
cp -n tests/fuzz-regressions/* fuzz/corpus/read_any/ 2>/dev/null || true
cp -n samples/*.doc samples/*.wps fuzz/corpus/doc/ 2>/dev/null || true
# The damaged and encrypted .doc files only (the rest of malformed/ would
# take the doc target's time away from the Word reader).
cp -n "$C"/malformed/*.doc fuzz/corpus/doc/ 2>/dev/null || true
cp -n samples/*.txt fuzz/corpus/text_dump/ 2>/dev/null || true
cp -n tests/data/pdf/*.pdf fuzz/corpus/pdf/ 2>/dev/null || true
cp -n samples/*-html.xls fuzz/corpus/html_page/ 2>/dev/null || true
cp -n samples/*-spreadsheetml.xls fuzz/corpus/sheet_xml/ 2>/dev/null || true
for f in samples/*.docx; do
  unzip -p "$f" word/document.xml > "fuzz/corpus/docx_xml/$(basename "$f").xml" 2>/dev/null || true
done
for s in '≥95%' '≤0.8万元' '45%-60%' '=100.00(%)' '12月底前100%到位' '≥３,０００人次' '产出指表'; do
  printf '%s' "$s" > "fuzz/corpus/target_value/$(printf '%s' "$s" | md5sum | cut -c1-8)"
done
for n in '79228162514264337593543950335' '0.955' '-1.5E-3' '45658.5'; do
  for c in '0.00%' '#,##0.00' 'yyyy-mm-dd hh:mm' '0.000000000000000000000000000000%'; do
    printf '%s\0%s' "$n" "$c" > "fuzz/corpus/number_format/$(printf '%s %s' "$n" "$c" | md5sum | cut -c1-8)"
  done
done
# Read-only seed folders of the shared corpus, per target.
extra() {
  local dirs=()
  case $1 in
    doc) dirs=("$C/doc") ;;
    read_any) dirs=("$C/doc" "$C/docx" "$C/xlsx" "$C/xls" "$C/ods" "$C/odt" "$C/malformed") ;;
  esac
  for d in "${dirs[@]}"; do
    [ -d "$d" ] && printf '%s\n' "$d"
  done
  return 0
}
echo "target	seconds	executions	exec/s	cov	ft	corpus	peak_rss_mb	result"
for t in $TARGETS; do
  log="fuzz/logs/$t.log"
  mapfile -t seeds < <(extra "$t")
  # Inputs no larger than the largest .doc seed keep the Word reader's
  # executions fast; the other targets take libFuzzer's default.
  len=()
  [ "$t" = doc ] && len=(-max_len=131072)
  rc=0
  nice -n 10 cargo fuzz run --sanitizer "$SAN" "$t" "fuzz/corpus/$t" "${seeds[@]}" -- \
    -max_total_time="$EACH" -rss_limit_mb=2048 -timeout=60 -print_final_stats=1 "${len[@]}" \
    > "$log" 2>&1 || rc=$?
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
  if [ "$rc" = 0 ]; then
    result=ok
  else
    result="$(grep -m1 -E '^SUMMARY|^==[0-9]+==ERROR|panicked' "$log" || echo "exit $rc") $(grep -o 'fuzz/artifacts/[^ ]*' "$log" | head -1)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$EACH" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$cov" "$ft" "$corp" "$(stat peak_rss_mb)" "$result"
done
