#!/usr/bin/env python3
"""Builds the Word samples in samples/ with a real office suite.

Each sample is written as an HTML document (tables with rowspan/colspan)
and converted by LibreOffice Writer to .docx, so the files carry the
w:vMerge / w:gridSpan markup a real Word export has. Run from the repo root:

    apt-get install -y libreoffice-writer-nogui
    python3 samples/make-word-samples.py

then re-bless the goldens (JIXIAO_BLESS=1 cargo test --test golden) and
review the diff by hand.
"""
import html
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def cell(text, rowspan=1, colspan=1):
    attrs = ""
    if rowspan > 1:
        attrs += f' rowspan="{rowspan}"'
    if colspan > 1:
        attrs += f' colspan="{colspan}"'
    body = "<br>".join(html.escape(t) for t in str(text).split("\n"))
    return f"<td{attrs}>{body}</td>"


def table(rows):
    out = ['<table border="1">']
    for r in rows:
        out.append("<tr>" + "".join(c if c.startswith("<td") else cell(c) for c in r) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def para(text):
    return f"<p>{html.escape(text)}</p>"


def indicator_rows(groups):
    """groups: [(level1, [(level2, [(level3, desc, value), ...]), ...]), ...]
    with level1 and level2 merged down their rows, as Word exports them."""
    rows = []
    for l1, l2s in groups:
        n1 = sum(len(items) for _, items in l2s)
        first1 = True
        for l2, items in l2s:
            first2 = True
            for l3, desc, value in items:
                row = []
                if first1:
                    row.append(cell(l1, rowspan=n1))
                    first1 = False
                if first2:
                    row.append(cell(l2, rowspan=len(items)))
                    first2 = False
                row += [cell(l3)] + ([cell(desc)] if desc is not None else []) + [cell(value)]
                rows.append(row)
    return rows


def tianjin_form(seq, project, total, use, goal, groups):
    """The seed's layout in one Word table: unit line and 单位 in the first
    row, 预算规模及资金用途 merged over its two rows, 一级/二级 merged down."""
    head = [
        [cell("267101天津市武清区人民检察院", colspan=3), cell("单位：万元", colspan=4)],
        [cell("项目名称", colspan=2), cell(project, colspan=5)],
        [cell("预算规模及资金用途", rowspan=2), "预算数", total, "其中：财政    资金", total, "其他资金", ""],
        [cell(use, colspan=6)],
        [cell("绩效目标", colspan=2), cell(goal, colspan=5)],
        [cell("一级指标", colspan=2), "二级指标", "三级指标", "绩效指标描述", cell("指标值", colspan=2)],
    ]
    out = indicator_rows_wide(groups)
    return para(f"{seq}.{project}绩效目标表") + table(head + out)


def indicator_rows_wide(groups):
    rows = []
    for l1, l2s in groups:
        n1 = sum(len(items) for _, items in l2s)
        first1 = True
        for l2, items in l2s:
            first2 = True
            for l3, desc, value in items:
                row = []
                if first1:
                    row.append(cell(l1, rowspan=n1, colspan=2))
                    first1 = False
                if first2:
                    row.append(cell(l2, rowspan=len(items)))
                    first2 = False
                row += [cell(l3), cell(desc), cell(value, colspan=2)]
                rows.append(row)
    return rows


def sample_seed_merged():
    t1 = tianjin_form(
        1,
        "2024年检察业务信息化运维项目-2024中央",
        "0.80",
        "项目尾款",
        "1.提升我院信息化水平",
        [
            ("产出指标", [
                ("数量指标", [("硬件设备维护数量", "硬件设备维护数量", "≥110次")]),
                ("质量指标", [("信息化系统运维服务验收合格率", "信息化系统运维服务验收合格率", "100%")]),
                ("时效指标", [("系统故障修复平均处理时间", "系统故障修复平均处理时间", "≤3小时")]),
                ("成本指标", [("硬件设备维护成本", "硬件设备维护成本", "≤0.8万元")]),
            ]),
            ("效益指标", [("社会效益指标", [("信息化设备（系统）正常运行率", "信息化设备（系统）正常运行率", "≥97%")])]),
            ("满意度指标", [("服务对象满意度指标", [("用户满意度", "用户满意度", "≥96%")])]),
        ],
    )
    t2 = tianjin_form(
        7,
        "2025年司法救助项目-2025中央",
        "15.00",
        "用于进行司法救助",
        "1.保障司法救助发放及时到位",
        [
            ("产出指标", [
                ("数量指标", [("救助人数", "救助人数", "≥20人次")]),
                ("质量指标", [("救助资金发放合规率", "救助资金发放合规率", "100%")]),
                ("时效指标", [("救助资金发放及时率", "救助资金发放及时率", "100%")]),
                ("成本指标", [("司法救助金额", "司法救助金额", "≤15万元")]),
            ]),
            ("效益指标", [("社会效益指标", [("缓解救助申请人因诉讼面临的急迫困难，保障当事人合法权益", "缓解救助申请人因诉讼面临的急迫困难，保障当事人合法权益", "保障")])]),
            ("满意度指标", [("服务对象满意度指标", [("救助申请人再信访率", "救助申请人再信访率", "≤3%")])]),
        ],
    )
    return t1 + para("") + t2


def sample_messy_continued():
    """Unit line and money unit outside the table; the grid split over two
    Word tables with a repeated header; typo'd and decorated labels;
    full-width digits; every comparator spelling; an unrelated table."""
    head = table([
        ["项目名称", cell("2025年社区养老服务补助项目-2025区级", colspan=4)],
        [cell("预算规模及资金用途", rowspan=2), "预算数", "1,286.50", "其中：财政资金", "1,200.00"],
        ["其他资金", "86.50", "", ""],
        ["资金用途", cell("用于社区日间照料中心运营补贴\n及助餐服务", colspan=4)],
        ["绩效目标", cell("1.提升社区养老服务覆盖面；2.改善老年人助餐条件\n（3）保障服务质量", colspan=4)],
    ])
    grid_header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值"]
    part1 = [grid_header] + indicator_rows([
        ("产出指表", [
            ("数量指标（必填）", [
                ("服务老年人数", "全年服务老年人人次", "≥１２,０００人次"),
                ("日间照料中心数量", "运营补贴覆盖中心数", "不少于12个"),
                ("助餐点数量", "新增助餐点", "至少3个"),
            ]),
            ("质量指表", [
                ("服务合格率", "抽查合格率", "≧95%"),
                ("投诉办结率", "投诉办结比例", "=100.00(%)"),
                ("服务质量", "服务质量评价", "=提高"),
            ]),
        ]),
    ])
    part2 = [grid_header] + indicator_rows([
        ("产 出 指 标", [
            ("时效指标", [
                ("补贴发放时间", "补贴按季度发放", "12月底前100%到位"),
                ("响应时间", "紧急呼叫响应", "≤30分钟"),
                ("办结时限", "补贴审核", "15个工作日以内"),
            ]),
            ("成本指标(10分)", [
                ("人均补贴标准", "每人每月补贴", "≤300元/人·月"),
                ("运营成本", "单个中心年运营成本", "小于等于50万元"),
            ]),
        ]),
        ("项目效益指标", [
            ("社会效益指标等", [
                ("老年人生活质量", "生活质量改善", "持续改善"),
                ("助餐覆盖率", "覆盖比例", "45%-60%"),
                ("独居老人探访率", "探访比例", "大于90%"),
                ("意外事件发生率", "事件比例", "低于1%"),
            ]),
            ("进度指标", [("年度任务完成", "计划完成进度", "2025年12月31日")]),
        ]),
        ("满意度指标", [
            ("服务对象满意度\n指标", [("老年人满意度", "问卷调查满意度", "≥９５％"), ("家属满意度", "回访满意度", "95%以上")]),
        ]),
    ])
    contacts = table([
        ["联系人", "电话", "邮箱"],
        ["王某", "022-12345678", "wang@example.cn"],
    ])
    return (
        para("附件3")
        + para("2.2025年社区养老服务补助项目-2025区级绩效目标表")
        + para("单位名称：天津市某区民政局")
        + para("金额单位：万元")
        + head
        + para("")
        + table(part1)
        + para("")
        + table(part2)
        + para("填报说明")
        + contacts
    )


def sample_central_template():
    """安徽/湖南-style 申报表: code in brackets, multi-year and yearly money
    side by side, 总体目标 split into 中期目标 | 年度目标, no description
    column, 一级 aliases, unknown header fields into extra."""
    rows = [
        [cell("项目支出绩效目标申报表", colspan=6)],
        ["项目名称", cell("农村饮水安全巩固提升工程", colspan=2), "主管部门及代码", cell("[066]某县水利局", colspan=2)],
        ["实施单位", cell("某县农村供水服务中心", colspan=2), "项目属性", cell("延续项目", colspan=2)],
        ["项目期", cell("3年", colspan=2), "项目负责人", cell("李某", colspan=2)],
        [cell("项目资金（万元）", rowspan=3), "中期资金总额", "900.00", "年度资金总额", cell("300.00", colspan=2)],
        ["其中：财政拨款", "850.00", "其中：财政拨款", cell("280.00", colspan=2)],
        ["其他资金", "50.00", "其他资金", cell("20.00", colspan=2)],
        [cell("总体目标", rowspan=2), cell("中期目标(2024年—2026年)", colspan=2), cell("年度目标", colspan=3)],
        [cell("巩固提升农村供水保障水平", colspan=2), cell("一、新建改造供水管网20公里\n二、水质达标率不低于95%", colspan=3)],
        ["一级指标", "二级指标", cell("三级指标", colspan=2), cell("指标值", colspan=2)],
    ]
    grid = []
    for r in indicator_rows([
        ("项目完成指标", [
            ("数量指标", [("新建改造管网长度", None, "20公里"), ("受益人口", None, "3-5万人")]),
            ("质量指标", [("水质达标率", None, "不低于95%")]),
        ]),
        ("效益指标(30分)", [("可持续影响指标", [("工程运行年限", None, "≥15年")])]),
        ("满意度指标", [("社会公众或服务对象满意度指标", [("受益群众满意度", None, "≥90%")])]),
    ]):
        # 三级 and 指标值 span two grid columns each.
        fixed = list(r)
        n = len(fixed)
        fixed[n - 2] = fixed[n - 2].replace("<td>", '<td colspan="2">', 1)
        fixed[n - 1] = fixed[n - 1].replace("<td>", '<td colspan="2">', 1)
        grid.append(fixed)
    return para("附件1") + table(rows + grid) + para("填表人：张某　　联系电话：0551-1234567")


def sample_comparators_split_columns():
    """Every comparator spelling SCHEMA.md lists, in a 指标值 column; then a
    flat grid with split value columns (指标性质 | 指标值 | 度量单位), a 备注
    column and an unknown column; a coded unit line outside the table and
    money in 元 with thousands separators."""
    spellings = [
        "≥95%", "≧95%", ">=95%", "＞＝95%", "大于等于95%", "不低于95%", "不少于95%", "至少95%", "95%以上",
        "≤3天", "≦3天", "<=3天", "＜＝3天", "小于等于3天", "不高于3天", "不超过3天", "不多于3天", "至多3天",
        "3天以内", "3天以下", ">5个", "＞5个", "大于5个", "高于5个", "超过5个", "<5个", "＜5个", "小于5个",
        "低于5个", "=100%", "＝100%", "═100%", "等于100%", "达到100%", "100%", "45%-60%", "3~5天", "3至5天",
        "=100.00(%)", "≥3,000人次", "＝提高", "≥**人", "XX",
    ]
    form = table([
        ["项目名称", cell("2026年城乡医疗救助项目", colspan=3)],
        ["项目资金（元）", "资金总额", cell("10,308,000.00", colspan=2)],
        ["绩效目标", cell("（1）资助困难群众参保\n（2）减轻医疗费用负担", colspan=3)],
    ])
    grid = [["一级指标", "二级指标", "三级指标", "指标值"]]
    grid += indicator_rows([
        ("产出指标", [("数量指标", [(f"写法{i + 1}", None, v) for i, v in enumerate(spellings)])]),
    ])
    flat = [["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "备注", "评(扣分标准)"]]
    flat += [
        ["产出指标", "数量指标", "资助参保人数", "≥", "12000.00", "人", "", "未达到扣2分"],
        ["", "质量指标", "救助资金发放准确率", "＝", "100.00", "%", "抽查", ""],
        ["", "时效指标", "救助资金发放及时率", "＞", "95", "%", "", ""],
        ["效益指标", "社会效益指标", "群众医疗负担", "定性", "有所减轻", "-", "", ""],
        ["", "", "政策知晓率", "定性", "≥90", "%", "定性栏写了数字", ""],
        ["满意度指标", "服务对象满意度指标", "救助对象满意度", "≤", "5", "%", "投诉率", ""],
    ]
    return (
        para("3.2026年城乡医疗救助项目绩效目标表")
        + para("505006 某州民政局")
        + form
        + para("")
        + table(grid)
        + para("4.2026年城乡医疗救助项目（明细）绩效目标表")
        + para("505006 某州民政局")
        + table([["项目名称", cell("2026年城乡医疗救助项目（明细）", colspan=7)]] + flat)
    )


SAMPLES = {
    "word-comparators-split-columns": sample_comparators_split_columns,
    "word-seed-merged": sample_seed_merged,
    "word-messy-continued": sample_messy_continued,
    "word-central-template": sample_central_template,
}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in SAMPLES.items():
            src = os.path.join(tmp, name + ".html")
            with open(src, "w", encoding="utf-8") as f:
                f.write('<html><head><meta charset="utf-8"></head><body>')
                f.write(build())
                f.write("</body></html>")
            subprocess.run(
                ["soffice", "--headless", "--infilter=HTML (StarWriter)",
                 "--convert-to", "docx:MS Word 2007 XML", "--outdir", HERE, src],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            print("wrote", os.path.join("samples", name + ".docx"))


if __name__ == "__main__":
    main()
