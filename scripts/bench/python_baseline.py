#!/usr/bin/env python3
"""What a competent analyst writes today to get the same rows: python-docx
for Word, openpyxl for Excel, plain reading for text dumps. It finds the
indicator grid by its header, fills 一级/二级 down, picks up 项目名称 and
预算数 from the header block, and writes one CSV row per indicator.

    python3 scripts/bench/python_baseline.py DIR OUT.csv
"""
import csv
import os
import sys

HEADER = ["file", "project", "budget", "level1", "level2", "level3", "target"]


def rows_from_grid(grid):
    """grid: list of rows of cell texts (merged cells repeated or empty)."""
    out, project, budget, cols = [], None, None, None
    l1 = l2 = None
    for row in grid:
        cells = [c.strip() for c in row]
        if "项目名称" in cells:
            i = cells.index("项目名称")
            project = next((c for c in cells[i + 1:] if c and c != "项目名称"), project)
        if "预算数" in cells:
            i = cells.index("预算数")
            budget = next((c for c in cells[i + 1:] if c and c != "预算数"), budget)
        if "一级指标" in cells and ("指标值" in cells or "年度指标值" in cells):
            cols = {name: cells.index(name) for name in cells if name}
            l1 = l2 = None
            continue
        if cols is None:
            continue
        get = lambda name: cells[cols[name]] if name in cols and cols[name] < len(cells) else ""
        l1 = get("一级指标") or l1
        l2 = get("二级指标") or l2
        l3 = get("三级指标")
        target = get("指标值") or get("年度指标值")
        if l3 or target:
            out.append([project, budget, l1, l2, l3, target])
    return out


def read_docx(path):
    import docx
    d = docx.Document(path)
    rows = []
    for t in d.tables:
        grid = []
        for r in t.rows:
            texts, last = [], None
            for c in r.cells:  # a merged cell repeats: keep each once per row
                if c._tc is last:
                    continue
                last = c._tc
                texts.append(c.text)
            grid.append(texts)
        rows += rows_from_grid(grid)
    return rows


def read_xlsx(path):
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=False)
    rows = []
    for ws in wb.worksheets:
        grid = [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)]
        rows += rows_from_grid(grid)
    return rows


def read_txt(path):
    grid, row = [], []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\r\n")
        if line.startswith("\t"):
            row.append(line[1:])
        elif not line.strip() and row:
            grid.append(row)
            row = []
    return rows_from_grid(grid)


def main():
    root, out_path = sys.argv[1], sys.argv[2]
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
    with open(out_path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for p in files:
            try:
                if p.endswith(".docx"):
                    rows = read_docx(p)
                elif p.endswith(".xlsx"):
                    rows = read_xlsx(p)
                else:
                    rows = read_txt(p)
            except Exception as e:  # noqa: BLE001 - a batch goes on
                print(f"{p}: {e}", file=sys.stderr)
                continue
            for r in rows:
                w.writerow([p] + r)


if __name__ == "__main__":
    main()
