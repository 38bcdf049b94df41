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


# --- the second mix: Word files of three tables, ~25 indicators each ---------

INDICATORS = [
    ("产出指标", [
        ("数量指标", ["新建改造管网长度", "受益人口", "培训人次", "维修设备数量", "覆盖乡镇数", "建成站点数", "新增服务面积", "采购设备台数"]),
        ("质量指标", ["水质达标率", "验收合格率", "设备完好率", "档案规范率", "工程质量合格率"]),
        ("时效指标", ["项目完成时间", "资金支付及时率", "问题整改时限"]),
        ("成本指标", ["单位建设成本", "人均培训成本", "运维费用"]),
    ]),
    ("效益指标", [
        ("经济效益指标", ["带动就业人数", "节约运行费用"]),
        ("社会效益指标", ["群众饮水保障水平", "服务覆盖率", "安全事故发生率", "公共服务均等化水平"]),
        ("生态效益指标", ["水资源节约量", "污水处理率", "植被恢复面积"]),
        ("可持续影响指标", ["工程运行年限"]),
    ]),
    ("满意度指标", [
        ("服务对象满意度指标", ["受益群众满意度", "服务单位满意度", "社会公众满意度"]),
    ]),
]
VALUES = ["≥95%", "20公里", "≤300万元", "2025年12月底前", "显著提升", "3-5万人",
          "≥90%", "100%", "≥15年", "1200人次", "≤2%", "有所提高", "8个"]
NAMES = ["农村饮水安全巩固提升", "基层医疗卫生服务能力建设", "高标准农田建设",
         "城乡环境综合整治", "职业技能培训补贴", "中小学校舍维修改造"]


def table_spec(rng, t, n_target=25):
    """One 绩效目标表: header block rows and ~25 indicator rows, as
    (cells, ...) with each cell (text, colspan, vmerge) on a 5-column grid;
    vmerge is None, "restart" or "continue"."""
    name = f"{NAMES[t % len(NAMES)]}项目-{t}"
    total = rng.randint(100, 999)
    fiscal = rng.randint(50, total)
    rows = [
        [("项目支出绩效目标表", 5, None)],
        [("项目名称", 1, None), (name, 2, None), ("主管部门", 1, None), ("某县水利局", 1, None)],
        [("实施单位", 1, None), ("某县农村供水服务中心", 2, None), ("项目属性", 1, None), ("延续项目", 1, None)],
        [("项目资金（万元）", 1, "restart"), ("年度资金总额", 1, None), (f"{total}.00", 3, None)],
        [("", 1, "continue"), ("其中：财政拨款", 1, None), (f"{fiscal}.00", 3, None)],
        [("", 1, "continue"), ("其他资金", 1, None), (f"{total - fiscal}.00", 3, None)],
        [("年度总体目标", 1, None), ("完成年度建设任务，提升服务保障水平", 4, None)],
        [("一级指标", 1, None), ("二级指标", 1, None), ("三级指标", 2, None), ("指标值", 1, None)],
    ]
    # ~25 indicators: some of the 32 dropped at random.
    items = [(l1, l2, l3) for l1, l2s in INDICATORS for l2, l3s in l2s for l3 in l3s]
    drop = set(rng.sample(range(len(items)), len(items) - n_target))
    kept = [it for k, it in enumerate(items) if k not in drop]
    prev = (None, None)
    for l1, l2, l3 in kept:
        c1 = ("", 1, "continue") if l1 == prev[0] else (l1, 1, "restart")
        c2 = ("", 1, "continue") if (l1, l2) == prev else (l2, 1, "restart")
        rows.append([c1, c2, (l3, 2, None), (rng.choice(VALUES), 1, None)])
        prev = (l1, l2)
    return rows


LO_TC = ('<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{span}{merge}<w:tcBorders>'
         '<w:left w:val="double" w:sz="2" w:space="0" w:color="808080"/>'
         '<w:bottom w:val="double" w:sz="2" w:space="0" w:color="808080"/>'
         '<w:right w:val="double" w:sz="2" w:space="0" w:color="808080"/></w:tcBorders>'
         '<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="TableContents"/>'
         '<w:widowControl w:val="false"/><w:suppressLineNumbers/><w:bidi w:val="0"/>'
         '<w:jc w:val="left"/><w:rPr></w:rPr></w:pPr>{runs}</w:p></w:tc>')
LO_GRID = [1600, 1900, 1700, 2000, 2720]


def libreoffice_docx(template, specs):
    """A Word file in LibreOffice Writer's markup (cells, paragraphs and
    package parts as its .docx export writes them: samples/ were made by it)."""
    import html
    src = zipfile.ZipFile(io.BytesIO(template))
    doc = src.read("word/document.xml").decode("utf-8")
    head = doc[: doc.index("<w:body>") + len("<w:body>")]
    tail = doc[doc.rindex("<w:sectPr>"):]
    tbl_pr = doc[doc.index("<w:tblPr>"): doc.index("</w:tblPr>") + len("</w:tblPr>")]
    grid = "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in LO_GRID) + "</w:tblGrid>"
    body = []
    for k, rows in enumerate(specs):
        body.append('<w:p><w:pPr><w:pStyle w:val="TextBody"/><w:bidi w:val="0"/><w:jc w:val="left"/>'
                    f'<w:rPr></w:rPr></w:pPr><w:r><w:rPr></w:rPr><w:t>附件{k + 1}</w:t></w:r></w:p>')
        body.append("<w:tbl>" + tbl_pr + grid)
        for row in rows:
            body.append("<w:tr><w:trPr></w:trPr>")
            col = 0
            for text, span, merge in row:
                w = sum(LO_GRID[col: col + span])
                runs = "" if not text else f"<w:r><w:rPr></w:rPr><w:t>{html.escape(text, quote=False)}</w:t></w:r>"
                body.append(LO_TC.format(
                    w=w, runs=runs,
                    span=f'<w:gridSpan w:val="{span}"/>' if span > 1 else "",
                    merge={None: "", "restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}[merge]))
                col += span
            body.append("</w:tr>")
        body.append("</w:tbl>")
    xml = head + "".join(body) + tail
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = xml.encode("utf-8") if item.filename == "word/document.xml" else src.read(item.filename)
            dst.writestr(item, data)
    return out.getvalue()


def python_docx(specs):
    """The same tables written by python-docx (merges by cell.merge), as a
    script that fills a template would write them."""
    import docx
    d = docx.Document()
    for k, rows in enumerate(specs):
        d.add_paragraph(f"附件{k + 1}")
        t = d.add_table(rows=len(rows), cols=5)
        t.style = "Table Grid"
        for r, row in enumerate(rows):
            col = 0
            for text, span, merge in row:
                cell = t.cell(r, col)
                if span > 1:
                    cell = cell.merge(t.cell(r, col + span - 1))
                if merge != "continue":
                    cell.text = text
                col += span
        # vertical merges: each restart cell down to its last continuation
        for col in (0, 1):
            r = 0
            while r < len(rows):
                c = _cell_at(rows[r], col)
                if c and c[2] == "restart":
                    end = r
                    while end + 1 < len(rows) and (_cell_at(rows[end + 1], col) or ("", 1, None))[2] == "continue":
                        end += 1
                    if end > r:
                        t.cell(r, col).merge(t.cell(end, col))
                        t.cell(r, col).text = c[0]
                    r = end + 1
                else:
                    r += 1
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _cell_at(row, col):
    at = 0
    for c in row:
        if at == col:
            return c
        at += c[1]
    return None


def make_tables3(out_dir, n, rng):
    """n Word files of 3 tables each, half written by python-docx, half in
    LibreOffice's markup: 8 templates of each kind, varied per file."""
    template = open(os.path.join(SAMPLES, "word-central-template.docx"), "rb").read()
    kinds = {"pydocx": [], "libreoffice": []}
    for t in range(8):
        specs = [table_spec(rng, 3 * t + k, rng.randint(23, 27)) for k in range(3)]
        kinds["pydocx"].append(python_docx(specs))
        kinds["libreoffice"].append(libreoffice_docx(template, specs))
    for i in range(n):
        # alternating within each folder, so a sorted sample has both kinds
        kind = "pydocx" if (i // 20) % 2 == 0 else "libreoffice"
        folder = os.path.join(out_dir, f"unit{i % 20:02d}")
        os.makedirs(folder, exist_ok=True)
        data = vary_docx(kinds[kind][(i // 40) % 8], rng, i)
        with open(os.path.join(folder, f"{i:05d}-{kind}.docx"), "wb") as f:
            f.write(data)
    print(f"wrote {n} Word files of 3 tables to {out_dir}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20261127)
    ap.add_argument("--mix", choices=["archive", "tables3"], default="archive")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if a.mix == "tables3":
        make_tables3(a.out, a.n, rng)
        return
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
