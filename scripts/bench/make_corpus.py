#!/usr/bin/env python3
"""Builds a benchmark archive of N files (default 10,000) from samples/:
Word files (the LibreOffice samples with their numbers, names and values
varied), text dumps (the seed, varied the same way) and .xlsx workbooks
(written by openpyxl from the seed's tables, merged cells included), mixed
60 / 25 / 15 and spread over sub-folders like a real archive.

    python3 scripts/bench/make_corpus.py --out target/bench/corpus --n 10000
"""
import argparse
import io
import os
import random
import re
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "..", "samples")

DIGITS = re.compile(r"\d+")


def vary_text(text, rng, i):
    """Varies numbers (same length, so layouts stay plausible) and tags
    project names (`…项目-2024中央`, never the 项目名称 label) with the file number."""
    text = DIGITS.sub(lambda m: "".join(rng.choice("123456789") for _ in m.group()), text)
    return text.replace("项目-", f"项目{i}-")


def vary_docx(template, rng, i):
    src = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                xml = re.sub(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)",
                             lambda m: m.group(1) + vary_text(m.group(2), rng, i) + m.group(3), xml)
                data = xml.encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def seed_tables(seed_text):
    """The seed's tables as (header rows, grid rows) for the xlsx writer."""
    tables = []
    for block in seed_text.split("[bookmark:")[1:]:
        rows, row = [], []
        for line in block.splitlines()[1:]:
            if line.startswith("\t"):
                row.append(line[1:])
            elif not line.strip() and row:
                rows.append(row)
                row = []
        tables.append(rows)
    return tables


def make_xlsx(tables, rng, i):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效目标表"
    r = 1
    for t in tables[: 1 + i % 3]:
        ws.cell(r, 1, vary_text("2025年项目绩效目标表", rng, i))
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        r += 1
        for row in t:
            if len(row) == 5 and row[0] == "":
                # vertical merge of 一级 as Excel exports it
                ws.cell(r, 1, None)
            for c, v in enumerate(row, start=1):
                if v:
                    ws.cell(r, c, vary_text(v, rng, i))
            r += 1
        r += 2
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20261127)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    docx_templates = [open(os.path.join(SAMPLES, f), "rb").read()
                      for f in sorted(os.listdir(SAMPLES)) if f.endswith(".docx")]
    seed = open(os.path.join(SAMPLES, "seed-tianjin-wuqing.txt"), encoding="utf-8").read()
    tables = seed_tables(seed)
    counts = {"docx": 0, "txt": 0, "xlsx": 0}
    for i in range(a.n):
        kind = "docx" if i % 20 < 12 else ("txt" if i % 20 < 17 else "xlsx")
        folder = os.path.join(a.out, kind, f"unit{i % 50:02d}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{i:05d}.{kind}")
        if kind == "docx":
            data = vary_docx(docx_templates[i % len(docx_templates)], rng, i)
        elif kind == "txt":
            data = vary_text(seed, rng, i).encode("utf-8")
        else:
            data = make_xlsx(tables, rng, i)
        with open(path, "wb") as f:
            f.write(data)
        counts[kind] += 1
    print(f"wrote {a.n} files to {a.out}: {counts}")


if __name__ == "__main__":
    main()
