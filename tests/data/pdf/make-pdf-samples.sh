#!/usr/bin/env bash
# Makes the PDF twin of every Word sample (samples/word-*.docx), and the
# printed form workbook of the Word and xlsx samples
# (`jixiao convert … -o print-form.xlsx --layout form`, kept beside its PDF),
# with LibreOffice.
# tests/pdf.rs checks that each PDF gives the same records as its sources.
# They live here, not in samples/, so that converting the samples folder
# does not read every table twice.
# Needs: apt-get install -y libreoffice-writer libreoffice-calc fonts-noto-cjk
# and a built jixiao (cargo build) for the form workbook.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
samples=$here/../../../samples
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
profile=-env:UserInstallation=file://"$out"/profile
soffice --headless "$profile" --convert-to pdf --outdir "$out" "$samples"/word-*.docx >/dev/null
for f in "$out"/word-*.pdf; do mv "$f" "$here"/; done
jixiao=${JIXIAO:-$here/../../../target/debug/jixiao}
"$jixiao" convert "$samples"/word-*.docx "$samples"/sheet-*.xlsx -o "$here"/print-form.xlsx --layout form >/dev/null
soffice --headless "$profile" --convert-to pdf --outdir "$here" "$here"/print-form.xlsx >/dev/null
