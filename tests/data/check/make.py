#!/usr/bin/env python3
"""Writes the `jixiao check` fixtures: one small text dump per rule, each a
copy of a clean base table with the one defect its rule finds. Rerun after
changing a fixture here; tests/check.rs asserts every rule's fixture
triggers it (and the base triggers nothing)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def row(*cells):
    return "".join(f"\t{c}\n" for c in cells) + "\n"


def project(title="1.2024年示例项目-2024中央绩效目标表", unit="100001示例单位", money="单位：万元",
            name="2024年示例项目-2024中央", total="10.00", fiscal="10.00", other="",
            use="项目支出", goals="1.完成示例任务", header_extra=(), indicators=None):
    out = title + "\n"
    out += row(unit, money)
    if name is not None:
        out += row("项目名称", name)
    for k, v in header_extra:
        out += row(k, v)
    out += row("预算规模及资金用途", "预算数", total, "其中：财政资金", fiscal, "其他资金", other)
    out += row("", use)
    if goals is not None:
        out += row("绩效目标", goals)
    out += row("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值")
    for l1, l2, l3, v in indicators or BASE:
        out += row(l1, l2, l3, l3, v)
    return out + "\n"


BASE = [
    ("产出指标", "数量指标", "设备维护数量", "≥110次"),
    ("", "质量指标", "验收合格率", "100%"),
    ("", "时效指标", "完成时间", "2024年12月底前"),
    ("", "成本指标", "维护成本", "≤8万元"),
    ("效益指标", "社会效益指标", "系统正常运行率", "≥97%"),
    ("满意度指标", "服务对象满意度指标", "用户满意度", "≥96%"),
]


def with_row(i, new):
    rows = list(BASE)
    rows[i] = new
    return rows


SELF_HEAD = "项目支出绩效自评表（2022年度）\n"


def self_eval(rows, rate="95.88%", score="9.60", total="100 | 95.6 | 优", budget="520.00"):
    out = SELF_HEAD
    out += row("项目名称", "农村公路养护工程")
    out += row("主管部门", "某县交通运输局", "实施单位", "某县公路养护中心")
    out += row("项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
    out += row("", "年度资金总额", "500.00", budget, "498.60", "10.00", rate, score)
    out += row("", "其中：当年财政拨款", "500.00", budget, "498.60", "—", "—", "—")
    out += row("", "其他资金", "0.00", "0.00", "0.00", "—", "—", "—")
    out += row("年度总体目标", "预期目标", "完成农村公路养护300公里", "实际完成情况", "完成养护312公里")
    out += row("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    for r in rows:
        out += row(*r)
    out += row("总分", "", "", "", "", "100", total.split(" | ")[1] if " | " in total else total, "优")
    return out + "\n"


SELF_BASE = [
    ("产出指标", "数量指标", "养护里程", "≥300公里", "312公里", "20", "20", "无"),
    ("", "质量指标", "优良路率", "≥85%", "83%", "20", "16", "部分路段水毁"),
    ("", "时效指标", "完成时间", "2022年12月底前", "按时完成", "10", "10", "无"),
    ("效益指标", "社会效益指标", "群众出行条件", "持续改善", "达成", "20", "20", "无"),
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%", "92%", "10", "10", "无"),
]

FIXTURES = {
    "base": project(),
    "self-evaluation-base": self_eval(SELF_BASE, total="100 | 85.6 | 良"),
    "project-name-missing": project(name=None),
    "unit-missing": project(unit="", money="单位：万元"),
    "goals-missing": project(goals="—"),
    "target-missing": project(indicators=with_row(0, ("产出指标", "数量指标", "设备维护数量", "—"))),
    "budget-sum": project(total="10.00", fiscal="6.00", other="2.00"),
    "budget-zero": project(total="0.00", fiscal="0.00"),
    "level1-missing": project(indicators=BASE[:5]),
    "level2-wrong-parent": project(indicators=BASE[:4] + [("效益指标", "时效指标", "系统正常运行率", "≥97%")] + BASE[5:]),
    "level3-duplicate": project(indicators=BASE + [("", "", "用户满意度", "≥95%")]),
    "level3-equals-level2": project(indicators=with_row(1, ("", "质量指标", "质量指标", "100%"))),
    "placeholder-left": project(indicators=with_row(0, ("产出指标", "数量指标", "设备维护数量", "≥XX次"))),
    "percent-over-100": project(indicators=with_row(1, ("", "质量指标", "验收合格率", "120%"))),
    "unit-mismatch": project(indicators=with_row(1, ("", "质量指标", "验收合格率", "≥3次"))),
    "deadline-after-end": project(indicators=with_row(2, ("", "时效指标", "完成时间", "2025年6月底前"))),
    "period-end-before-start": project(header_extra=[("项目期", "2024年6月-2023年12月")]),
    "cost-over-budget": project(indicators=with_row(3, ("", "成本指标", "维护成本", "≤18万元"))),
    "project-attribute": project(header_extra=[("项目属性", "延续项目")]),
    "money-unit-mixed": project() + project(title="2.2024年示例项目-2024中央绩效目标表", money="单位：元",
                                              total="100000.00", fiscal="100000.00",
                                              indicators=with_row(3, ("", "成本指标", "维护成本", "≤80000元"))),
    "kind-column-disagrees": None,  # needs a 定性/定量 column: see below
    "unplaced-cell": None,
    "unknown-level-label": project(indicators=with_row(4, ("管理指标", "社会效益指标", "系统正常运行率", "≥97%"))),
    "score-over-weight": self_eval(with_row_self := [SELF_BASE[0][:6] + ("25", "无")] + SELF_BASE[1:], total="100 | 90.6 | 优"),
    "score-total": self_eval(SELF_BASE, total="100 | 95.6 | 优"),
    "execution-rate-score": self_eval(SELF_BASE, score="6.00", total="100 | 82 | 良"),
    "deviation-reason-missing": self_eval([SELF_BASE[0]] + [SELF_BASE[1][:7] + ("",)] + SELF_BASE[2:], total="100 | 85.6 | 良"),
}


def typed_grid():
    """An indicator grid with a 指标值类型 column (split value columns)."""
    out = "1.2024年示例项目-2024中央绩效目标表\n"
    out += row("100001示例单位", "单位：万元")
    out += row("项目名称", "2024年示例项目-2024中央")
    out += row("预算规模及资金用途", "预算数", "10.00", "其中：财政资金", "10.00", "其他资金", "")
    out += row("绩效目标", "1.完成示例任务")
    out += row("一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "度量单位")
    out += row("产出指标", "数量指标", "设备维护数量", "定量", "110", "次")
    out += row("", "质量指标", "验收合格率", "定性", "100", "%")
    out += row("效益指标", "社会效益指标", "系统正常运行率", "定量", "97", "%")
    out += row("满意度指标", "服务对象满意度指标", "用户满意度", "定量", "96", "%")
    return out + "\n"


def unplaced():
    rows = BASE + [("", "", "", "")]
    text = project(indicators=rows)
    # A row with only a description: no level 3, no target, so its cell fits nowhere.
    return text.replace("\t\n\t\n\t\n\t\n\t\n\n", "\t\n\t\n\t\n\t多出的说明文字\n\t\n\n")


FIXTURES["kind-column-disagrees"] = typed_grid()
FIXTURES["unplaced-cell"] = unplaced()

for name, text in FIXTURES.items():
    with open(os.path.join(HERE, name + ".txt"), "w", encoding="utf-8") as f:
        f.write(text)
