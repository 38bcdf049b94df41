#!/usr/bin/env python3
"""Builds the spreadsheet samples in samples/ with a real office suite.

Each workbook is laid out with openpyxl (cells, merges, number formats),
then opened and saved again by LibreOffice Calc, so the files are what an
office suite writes. Run from the repo root:

    apt-get install -y libreoffice-calc-nogui && pip install openpyxl
    python3 samples/make-sheet-samples.py

then re-bless the goldens (JIXIAO_BLESS=1 cargo test --test golden) and
review the diff by hand.
"""
import datetime
import os
import shutil
import subprocess
import tempfile

import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))


class Sheet:
    def __init__(self, ws):
        self.ws = ws
        self.row = 1

    def put(self, cells, fmt=None):
        """cells: list of values, or (value, colspan) / (value, colspan, rowspan)."""
        col = 1
        for c in cells:
            v, cs, rs = (c + (1, 1))[:3] if isinstance(c, tuple) else (c, 1, 1)
            if v is not None and v != "":
                cell = self.ws.cell(self.row, col, v)
                if isinstance(v, str) and v.startswith("="):
                    cell.data_type = "s"  # text such as =100.00(%), not a formula
                if fmt and isinstance(v, (int, float)):
                    cell.number_format = fmt
            if cs > 1 or rs > 1:
                self.ws.merge_cells(start_row=self.row, start_column=col,
                                    end_row=self.row + rs - 1, end_column=col + cs - 1)
            col += cs
        self.row += 1

    def skip(self, n=1):
        self.row += n


def stacked_forms(wb):
    """Per-project forms stacked down one sheet (天津 style, merged 一级),
    and a second sheet with one more form: budgets stored as 0.8 shown with
    two decimals, money in 元 with separators, a date."""
    ws = wb.active
    ws.title = "绩效目标表"
    s = Sheet(ws)
    for seq, name, total, use, goal, rows in [
        (1, "2024年检察业务信息化运维项目-2024中央", 0.8, "项目尾款", "1.提升我院信息化水平", [
            ("产出指标", "数量指标", "硬件设备维护数量", "≥110次"),
            (None, "质量指标", "信息化系统运维服务验收合格率", "100%"),
            (None, "时效指标", "系统故障修复平均处理时间", "≤3小时"),
            ("效益指标", "社会效益指标", "信息化设备（系统）正常运行率", "≥97%"),
            ("满意度指标", "服务对象满意度指标", "用户满意度", "≥96%"),
        ]),
        (2, "2025年检察业务信息化运维项目-2025中央", 32, "用于我院信息化运维支出", "1.保障我院网络正常运行，并及时进行维护", [
            ("产出指标", "数量指标", "信息化项目数量", "1个"),
            (None, "成本指标", "信息化运维费经费支出", "≤32万元"),
            ("满意度指标", "服务对象满意度指标", "检察干警对信息化运维服务满意度", "≥95%"),
        ]),
    ]:
        s.put([(f"{seq}.{name}绩效目标表", 7)])
        s.put([("267101天津市武清区人民检察院", 3), ("单位：万元", 4)])
        s.put([("项目名称", 2), (name, 5)])
        first = s.row
        s.put([("预算规模及资金用途", 1, 2), "预算数", total, "其中：财政资金", total, "其他资金", ""], fmt="0.00")
        s.put([None, (use, 6)])
        s.put([("绩效目标", 2), (goal, 5)])
        s.put([("一级指标", 2), "二级指标", "三级指标", "绩效指标描述", ("指标值", 2)])
        i = 0
        while i < len(rows):
            l1 = rows[i][0]
            n = 1
            while i + n < len(rows) and rows[i + n][0] is None:
                n += 1
            for k in range(n):
                _, l2, l3, v = rows[i + k]
                if k == 0:
                    s.put([(l1, 2, n), l2, l3, l3, (v, 2)])
                else:
                    s.put([None, None, l2, l3, l3, (v, 2)])
            i += n
        s.skip(2)
        _ = first
    ws2 = wb.create_sheet("上海")
    s = Sheet(ws2)
    s.put([("2026年度项目绩效目标申报表", 6)])
    s.put(["项目名称", ("社区文化活动中心运营", 2), "项目性质", ("经常性项目", 2)])
    s.put(["主管部门", ("某区文化和旅游局", 2), "实施单位", ("某街道社区文化活动中心", 2)])
    s.put(["计划开始日期", (datetime.date(2026, 1, 1), 2), "计划完成日期", (datetime.date(2026, 12, 31), 2)])
    s.put([("项目资金（元）", 1, 4), "项目资金总额", (10308000, 4)], fmt="#,##0.00")
    s.put([None, "年度资金申请总额", (3286000, 4)], fmt="#,##0.00")
    s.put([None, "其中：当年财政拨款", (3000000, 4)], fmt="#,##0.00")
    s.put([None, "上年结转资金", (286000, 4)], fmt="#,##0.00")
    s.put(["项目总体目标", ("打造15分钟公共文化服务圈", 5)])
    s.put(["年度总体目标", ("全年开展文化活动不少于200场", 5)])
    s.put([("绩效指标", 1, 5), "一级指标", "二级指标", "三级指标", ("年度指标值", 2)])
    s.put([None, ("产出指标", 1, 2), "数量指标", "文化活动场次", ("≥200场", 2)])
    s.put([None, None, "质量指标", "活动满意度调查覆盖率", ("=100.00(%)", 2)])
    s.put([None, "效益指标", "社会效益指标", "居民参与人次", ("≥5,000人次", 2)])
    s.put([None, "满意度指标", "服务对象满意度指标", "居民满意度", ("≥90%", 2)])


def flat_export(wb):
    """A budget system's flat export: a department line above, a header in
    the third row, a unit row, then one row per indicator with the project
    columns merged down; 成本 rows first; values with two decimals."""
    ws = wb.active
    ws.title = "Sheet1"
    s = Sheet(ws)
    s.put([("2025年度部门项目绩效目标", 13)])
    s.put([("部门:505_湘西州民政局 金额单位:万元", 13)])
    s.put(["单位代码", "单位(专项)名称", "资金总额", "实施期绩效目标", "一级指标", "二级指标", "三级指标",
           "指标值", "指标值内容", "评(扣分标准)", "度量单位", "指标值类型", "备注"])
    s.put(["505006", "州民政局本级", 1286.5, "", "", "", "", "", "", "", "", "", ""], fmt="0.00")
    projects = [
        ("505006", "2025年困难群众救助专项-2025州级", 1200, "保障困难群众基本生活", [
            ("成本指标", "经济成本指标", "人均救助标准", 500, "", "低于标准扣分", "元/人·月", "≤"),
            ("产出指标", "数量指标", "救助人数", 12000, "", "", "人", "≥"),
            ("产出指标", "质量指标", "资金发放准确率", 100, "", "", "%", "＝"),
            ("效益指标", "社会效益指标", "困难群众生活水平", "", "有所改善", "", "-", "定性"),
        ]),
        ("505006", "2025年养老服务补助专项-2025州级", 86.5, "提升养老服务水平", [
            ("产出指标", "数量指标", "补助养老机构数", 15, "", "", "个", "≥"),
            ("满意度指标", "服务对象满意度指标", "入住老人满意度", 90, "", "", "%", "≥"),
        ]),
    ]
    for code, name, money, goal, rows in projects:
        start = s.row
        for i, (l1, l2, l3, v, content, rule, unit, op) in enumerate(rows):
            if i == 0:
                s.put([code, name, money, goal, l1, l2, l3, v, content, rule, unit, op, ""], fmt="0.00")
            else:
                s.put([None, None, None, None, l1, l2, l3, v, content, rule, unit, op, ""], fmt="0.00")
        for col in range(1, 5):
            ws.merge_cells(start_row=start, start_column=col, end_row=s.row - 1, end_column=col)


def self_evaluation(wb):
    """The central self-evaluation template (绩效自评表): a money matrix,
    预期目标 | 实际完成情况, the grid with 实际完成值/分值/得分/偏差原因, a 总分 row."""
    ws = wb.active
    ws.title = "自评表"
    s = Sheet(ws)
    s.put([("项目支出绩效自评表", 10)])
    s.put([("（2022年度）", 10)])
    s.put([("项目名称", 2), ("农村公路养护工程", 8)])
    s.put([("主管部门", 2), ("某县交通运输局", 3), ("实施单位", 2), ("某县公路养护中心", 3)])
    s.put([("项目资金（万元）", 2, 4), "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""])
    s.put([None, None, "年度资金总额", 500, 520, 498.6, 10, "95.88%", 9.6, ""], fmt="0.00")
    s.put([None, None, "其中：当年财政拨款", 500, 520, 498.6, "—", "—", "—", ""], fmt="0.00")
    s.put([None, None, "其他资金", 0, 0, 0, "—", "—", "—", ""], fmt="0.00")
    s.put([("年度总体目标", 1, 2), ("预期目标", 4), ("实际完成情况", 5)])
    s.put([None, ("完成农村公路养护300公里", 4), ("完成养护312公里，优良路率提升", 5)])
    s.put(["一级指标", "二级指标", ("三级指标", 2), "年度指标值", "实际完成值", "分值", "得分", ("偏差原因分析及改进措施", 2)])
    s.put([("产出指标(50分)", 1, 3), "数量指标", ("养护里程", 2), "≥300公里", "312公里", 20, 20, ("", 2)])
    s.put([None, "质量指标", ("优良路率", 2), "≥85%", "83%", 20, 16, ("部分路段水毁", 2)])
    s.put([None, "时效指标", ("完成时间", 2), "2022年12月底前", "按时完成", 10, 10, ("", 2)])
    s.put(["效益指标", "社会效益指标", ("群众出行条件", 2), "持续改善", "达成", 20, 20, ("", 2)])
    s.put(["满意度指标", "服务对象满意度指标", ("沿线群众满意度", 2), "≥90%", "92%", 10, 10, ("", 2)])
    s.put([("总分", 6), 100, 95.6, ("优", 2)])


SAMPLES = {
    "sheet-stacked-forms": stacked_forms,
    "sheet-flat-export": flat_export,
    "sheet-self-evaluation": self_evaluation,
}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in SAMPLES.items():
            wb = openpyxl.Workbook()
            build(wb)
            src = os.path.join(tmp, name + ".xlsx")
            wb.save(src)
            out = os.path.join(tmp, "out")
            subprocess.run(["soffice", "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
                            "--outdir", out, src],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.copy(os.path.join(out, name + ".xlsx"), os.path.join(HERE, name + ".xlsx"))
            print("wrote", os.path.join("samples", name + ".xlsx"))
        # The other formats budget systems export, saved by Calc from the
        # workbooks above; the SpreadsheetML and HTML ones are named .xls, as
        # finance systems name them.
        for name, filt, ext, target in [
            ("sheet-flat-export", "MS Excel 97", "xls", "sheet-flat-export-biff8.xls"),
            ("sheet-self-evaluation", "calc8", "ods", "sheet-self-evaluation.ods"),
            ("sheet-flat-export", "HTML (StarCalc)", "html", "sheet-flat-export-html.xls"),
        ]:
            src = os.path.join(HERE, name + ".xlsx")
            out = os.path.join(tmp, "conv")
            subprocess.run(["soffice", "--headless", "--convert-to", f"{ext}:{filt}", "--outdir", out, src],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            shutil.copy(os.path.join(out, f"{name}.{ext}"), os.path.join(HERE, target))
            print("wrote", os.path.join("samples", target))
        write_spreadsheetml(os.path.join(HERE, "sheet-stacked-forms.xlsx"),
                            os.path.join(HERE, "sheet-stacked-forms-spreadsheetml.xls"))
        print("wrote samples/sheet-stacked-forms-spreadsheetml.xls")


def write_spreadsheetml(src, dst):
    """SpreadsheetML 2003 as finance systems write it (LibreOffice's own
    exporter is an XSLT filter not packaged with calc-nogui): every cell as
    shown, ss:Index for gaps, ss:MergeAcross/ss:MergeDown for merges."""
    from xml.sax.saxutils import escape
    wb = openpyxl.load_workbook(src)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">',
           '<Styles><Style ss:ID="Default"/><Style ss:ID="s2"><NumberFormat ss:Format="0.00"/></Style>'
           '<Style ss:ID="s3"><NumberFormat ss:Format="#,##0.00"/></Style>'
           '<Style ss:ID="s4"><NumberFormat ss:Format="yyyy\\-mm\\-dd"/></Style></Styles>']
    for ws in wb.worksheets:
        merges = {}
        covered = set()
        for m in ws.merged_cells.ranges:
            merges[(m.min_row, m.min_col)] = (m.max_row - m.min_row, m.max_col - m.min_col)
            for r in range(m.min_row, m.max_row + 1):
                for c in range(m.min_col, m.max_col + 1):
                    if (r, c) != (m.min_row, m.min_col):
                        covered.add((r, c))
        out.append(f'<Worksheet ss:Name="{escape(ws.title)}"><Table>')
        for r in range(1, ws.max_row + 1):
            cells = []
            expect = 1
            for c in range(1, ws.max_column + 1):
                if (r, c) in covered:
                    continue
                v = ws.cell(r, c).value
                down, across = merges.get((r, c), (0, 0))
                if v is None and not down and not across:
                    continue
                attrs = "" if c == expect else f' ss:Index="{c}"'
                if across:
                    attrs += f' ss:MergeAcross="{across}"'
                if down:
                    attrs += f' ss:MergeDown="{down}"'
                fmt = ws.cell(r, c).number_format
                kind = "String"
                if hasattr(v, "strftime"):
                    # Excel serial day number, styled as a date.
                    import datetime as dt
                    v = (v.date() if hasattr(v, "date") else v) - dt.date(1899, 12, 30)
                    v, kind = v.days, "Number"
                    attrs += ' ss:StyleID="s4"'
                elif isinstance(v, (int, float)):
                    kind = "Number"
                    if fmt == "0.00":
                        attrs += ' ss:StyleID="s2"'
                    elif "#,##0.00" in fmt:
                        attrs += ' ss:StyleID="s3"'
                data = "" if v is None else f'<Data ss:Type="{kind}">{escape(str(v))}</Data>'
                cells.append(f"<Cell{attrs}>{data}</Cell>")
                expect = c + across + 1
            out.append(f'<Row ss:Index="{r}">' + "".join(cells) + "</Row>")
        out.append("</Table></Worksheet>")
    out.append("</Workbook>")
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
