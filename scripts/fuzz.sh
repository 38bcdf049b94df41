#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each):
#
#     bash scripts/fuzz.sh 300
#
# Seeds come from samples/ (files, their document.xml, the dump). A crash is
# saved under fuzz/artifacts/TARGET/; copy it to tests/fuzz-regressions/
# (the regression test feeds every file there) and fix it.
set -euo pipefail
cd "$(dirname "$0")/.."
EACH=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo-fuzz needs nightly flags; the stable toolchain accepts them this way.
export RUSTC_BOOTSTRAP=1
for t in read_any docx_xml text_dump target_value normalize_grid html_page sheet_xml doc number_format; do
  mkdir -p "fuzz/corpus/$t"
done
cp -n samples/*.docx samples/*.txt fuzz/corpus/read_any/ 2>/dev/null || true
cp -n tests/fuzz-regressions/* fuzz/corpus/read_any/ 2>/dev/null || true
cp -n samples/*.txt fuzz/corpus/text_dump/ 2>/dev/null || true
cp -n samples/*.xlsx samples/*.xls samples/*.ods fuzz/corpus/read_any/ 2>/dev/null || true
cp -n samples/*-html.xls fuzz/corpus/html_page/ 2>/dev/null || true
cp -n samples/*-spreadsheetml.xls fuzz/corpus/sheet_xml/ 2>/dev/null || true
cp -n samples/*.doc fuzz/corpus/doc/ 2>/dev/null || true
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
for t in read_any docx_xml text_dump target_value normalize_grid html_page sheet_xml doc number_format; do
  echo "== $t ($EACH s)"
  cargo fuzz run "$t" -- -max_total_time="$EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 \
    | grep -E "stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|ERROR|Done" || true
done
