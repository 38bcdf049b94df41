#!/usr/bin/env bash
# The printable form (`convert --layout form`) as LibreOffice prints it: every
# sample table is converted to one form workbook, LibreOffice turns it into a
# PDF, poppler renders the pages to PNG, and the pages each table takes are
# counted from the footer (the sheet's name on every page). A table of at most
# 25 indicators must fit one page; a longer one at most one page per 25 more.
# Every page must be A4, and a form wider than portrait must be landscape.
#
# Needs soffice, pdftoppm, pdftotext, pdfinfo (.ci/install.d/libreoffice.sh).
# Outside CI it skips itself when they are missing. The PNGs stay in
# JIXIAO_FORM_PNG (default target/form-print/) to be looked at.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in soffice pdftoppm pdftotext pdfinfo; do
    if ! command -v "$tool" >/dev/null; then
        if [ "${CI:-}" = true ]; then
            echo "form print check: $tool missing (see .ci/install.d/libreoffice.sh)" >&2
            exit 1
        fi
        echo "form print check skipped: $tool missing; run .ci/install.d/libreoffice.sh first"
        exit 0
    fi
done
# The binary `cargo test` built (scripts/test.sh exports JIXIAO_BIN: no
# second build of it); run alone, this suite builds it.
if [ -z "${JIXIAO_BIN:-}" ]; then
    cargo build --quiet --bin jixiao
    JIXIAO_BIN="$PWD/target/debug/jixiao"
fi
bin=$JIXIAO_BIN
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
png=${JIXIAO_FORM_PNG:-target/form-print}
rm -rf "$png" && mkdir -p "$png"
inputs=${JIXIAO_FORM_INPUTS:-samples/}
$bin convert -q $inputs -o "$work/forms.xlsx" --layout form
$bin convert -q $inputs -o "$work/forms.json"
# A profile of its own: no clash with a LibreOffice the user has open.
timeout 300 soffice -env:UserInstallation="file://$work/profile" --headless \
    --convert-to pdf --outdir "$work" "$work/forms.xlsx" >/dev/null 2>&1
pdftoppm -r 60 -png "$work/forms.pdf" "$png/page"
python3 - "$work" "$png" <<'PY'
import json, os, re, subprocess, sys, zipfile
work, png = sys.argv[1], sys.argv[2]
pdf = os.path.join(work, "forms.pdf")
# Sheets in workbook order are the tables in output order.
wb = zipfile.ZipFile(os.path.join(work, "forms.xlsx")).read("xl/workbook.xml").decode()
sheets = [s.replace("&amp;", "&") for s in re.findall(r'<sheet name="([^"]*)"', wb)]
tables = json.load(open(os.path.join(work, "forms.json"), encoding="utf-8"))["tables"]
assert len(sheets) == len(tables), f"{len(sheets)} sheets for {len(tables)} tables"
info = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", pdf], capture_output=True, text=True, check=True).stdout
sizes = [tuple(map(float, m)) for m in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]
pages = {}
for i in range(1, len(sizes) + 1):
    text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), pdf, "-"], capture_output=True, text=True, check=True).stdout
    # The footer names the sheet; "1-x(2)" contains "1-x": the longest wins.
    found = [s for s in sheets if s in text]
    assert found, f"page {i}: no sheet name in its footer"
    pages.setdefault(max(found, key=len), []).append(i)
bad = []
for s, t in zip(sheets, tables):
    n = len(t["indicators"])
    got = pages.get(s, [])
    allowed = 1 if n <= 25 else 1 + (n - 1) // 25
    for i in got:
        w, h = sizes[i - 1]
        if sorted((round(w), round(h))) != [595, 842]:
            bad.append(f"{s}: page {i} is not A4 ({w} x {h})")
    if not got or len(got) > allowed:
        bad.append(f"{s}: {n} indicators on {len(got)} pages (at most {allowed})")
    print(f"{len(got)} page(s) {'landscape' if got and sizes[got[0]-1][0] > sizes[got[0]-1][1] else 'portrait'}: {s} ({n} indicators)")
for b in bad:
    print("FAIL", b)
print(f"form print: {len(sheets)} tables on {len(sizes)} pages, {len(bad)} failures; PNGs in {png}")
sys.exit(1 if bad else 0)
PY

# The flat workbook (one row per indicator) prints one page wide: A4
# landscape, fit to the width, the header row repeated. Every page then
# holds its sheet's first and last column headers; a sheet printed several
# pages wide would have pages without the first.
$bin convert -q $inputs -o "$work/flat.xlsx"
mkdir -p "$work/flat"
timeout 300 soffice -env:UserInstallation="file://$work/profile" --headless \
    --convert-to pdf --outdir "$work/flat" "$work/flat.xlsx" >/dev/null 2>&1
pdftoppm -r 50 -png "$work/flat/flat.pdf" "$png/flat"
python3 - "$work/flat/flat.pdf" <<'PY'
import re, subprocess, sys
pdf = sys.argv[1]
info = subprocess.run(["pdfinfo", "-f", "1", "-l", "100000", pdf], capture_output=True, text=True, check=True).stdout
sizes = [tuple(map(float, m)) for m in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]
# Sheets in order, by their last header: 说明 (指标), 说明数 (项目), 说明 (说明).
bad = []
for i, (w, h) in enumerate(sizes, 1):
    text = subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), pdf, "-"], capture_output=True, text=True, check=True).stdout
    if "来源文件" not in text or "说明" not in text:
        bad.append(f"flat page {i}: lacks its first or last column header (printed more than one page wide?)")
    if sorted((round(w), round(h))) != [595, 842] or w < h:
        bad.append(f"flat page {i}: not A4 landscape ({w} x {h})")
for b in bad:
    print("FAIL", b)
print(f"flat print: {len(sizes)} pages, each one page wide with the header row; {len(bad)} failures")
sys.exit(1 if bad else 0)
PY
