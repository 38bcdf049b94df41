#!/usr/bin/env bash
# Has LibreOffice open the .xlsx jixiao writes, in both layouts, and checks
# what it sees: the 指标 sheet's rows and cells, and a form's title and values.
#
#     apt-get install -y libreoffice-calc-nogui
#     bash scripts/check-xlsx-libreoffice.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v soffice >/dev/null || { echo "soffice not found: apt-get install -y libreoffice-calc-nogui"; exit 2; }
cargo build --release -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=target/release/jixiao
$bin convert -q samples/ -o "$work/flat.xlsx"
$bin convert -q samples/ -o "$work/form.xlsx" --layout form
$bin convert -q samples/ -o "$work/expected.csv" --no-bom

# UTF-8 CSV (filter option 76 = UTF-8), first sheet only.
for f in flat form; do
  soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir "$work/lo" "$work/$f.xlsx" >/dev/null 2>&1
done

python3 - "$work" <<'PY'
import csv, sys, os
work = sys.argv[1]
expected = list(csv.reader(open(os.path.join(work, "expected.csv"), encoding="utf-8")))
flat = list(csv.reader(open(os.path.join(work, "lo", "flat.csv"), encoding="utf-8")))
assert len(flat) == len(expected), f"指标 sheet: {len(flat)} rows, expected {len(expected)}"
assert flat[0] == expected[0], "header differs"
bad = 0
for r, (a, b) in enumerate(zip(flat, expected)):
    for c, (x, y) in enumerate(zip(a, b)):
        if x != y:
            bad += 1
            if bad <= 5:
                print(f"row {r + 1} col {c + 1}: LibreOffice shows {x!r}, jixiao wrote {y!r}")
assert bad == 0, f"{bad} cells differ"
print(f"flat layout: LibreOffice opened it; {len(flat) - 1} indicator rows, every cell as written")
form = list(csv.reader(open(os.path.join(work, "lo", "form.csv"), encoding="utf-8")))
cells = [c for row in form for c in row if c]
first = expected[1]
assert any(first[3] in c for c in cells), "title missing from the first form"
assert first[8] in cells, "project name missing"
assert first[20] in cells, "first target missing"
print(f"form layout: LibreOffice opened it; the first form shows {first[3]!r}")
PY
