//! The check functions of [`super::RULES`], one per rule, each reading
//! only the records. Messages: Chinese first, then English, saying what to
//! fix and where.

use super::Hit;
use crate::model::{Indicator, Op, Table, TableKind, TargetKind};
use crate::normalize::lexicon::{column, Column};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

fn extra<'a>(t: &'a Table, key_contains: &[&str]) -> Option<(&'a str, &'a str)> {
    t.extra
        .0
        .iter()
        .find(|(k, _)| key_contains.iter().any(|w| k.contains(w)))
        .map(|(k, v)| (k.as_str(), v.as_str()))
}

fn name(i: &Indicator) -> &str {
    i.level3.as_deref().unwrap_or("")
}

/// A 项目 or 自评 table: the kinds that describe one project.
fn is_project(t: &Table) -> bool {
    matches!(t.kind, TableKind::Project | TableKind::SelfEvaluation)
}

pub fn project_name_missing(t: &Table) -> Vec<Hit> {
    if !is_project(t) || t.project_name.is_some() {
        return Vec::new();
    }
    vec![Hit::table(
        t,
        "project_name",
        "项目名称未填：请在表头填写项目名称".into(),
        "the project name is empty: fill in 项目名称".into(),
        Vec::new(),
    )]
}

pub fn unit_missing(t: &Table) -> Vec<Hit> {
    if t.unit_name.is_some() || extra(t, &["主管部门", "实施单位", "预算单位", "部门"]).is_some()
    {
        return Vec::new();
    }
    vec![Hit::table(
        t,
        "unit_name",
        "未写明单位：请填写主管部门或实施单位".into(),
        "no unit named: fill in 主管部门 or 实施单位".into(),
        Vec::new(),
    )]
}

pub fn goals_missing(t: &Table) -> Vec<Hit> {
    if !t.goals.is_empty() || extra(t, &["目标"]).is_some() {
        return Vec::new();
    }
    vec![Hit::table(
        t,
        "goals",
        "绩效目标未填：请写明年度绩效目标".into(),
        "no performance goals: state the year's goals".into(),
        Vec::new(),
    )]
}

pub fn target_missing(t: &Table) -> Vec<Hit> {
    t.indicators
        .iter()
        .enumerate()
        .filter(|(_, i)| i.target.is_none() && i.level3.is_some())
        .map(|(n, i)| {
            Hit::indicator(
                t,
                n,
                "target",
                format!("指标“{}”没有指标值：请填写目标值", name(i)),
                format!("indicator “{}” has no target value: fill it in", name(i)),
                vec![name(i).to_string()],
            )
        })
        .collect()
}

/// 0.1 万元 in the table's money unit (万元 when it says none).
fn tolerance(t: &Table) -> Decimal {
    match t.money_unit.as_deref() {
        Some("元") => Decimal::from(1000),
        Some("千元") => Decimal::from(100),
        Some("亿元") => d("0.00001"),
        _ => d("0.1"),
    }
}

pub fn budget_sum(t: &Table) -> Vec<Hit> {
    let b = &t.budget;
    let (Some(total), Some(fiscal)) = (b.total, b.fiscal) else {
        return Vec::new();
    };
    let sum = fiscal + b.other.unwrap_or_default();
    // Without 其他资金 the fiscal part may simply be less than the total.
    let off = if b.other.is_some() {
        (total - sum).abs()
    } else {
        fiscal - total
    };
    if off <= tolerance(t) {
        return Vec::new();
    }
    let other = b.other.map_or("—".to_string(), |o| o.to_string());
    vec![Hit::table(
        t,
        "budget.total",
        format!("资金总额 {total} ≠ 财政资金 {fiscal} + 其他资金 {other}：请核对预算数"),
        format!("total {total} ≠ fiscal {fiscal} + other {other}: check the budget figures"),
        vec![total.to_string(), fiscal.to_string(), other],
    )]
}

pub fn budget_zero(t: &Table) -> Vec<Hit> {
    match t.budget.total {
        Some(z) if z.is_zero() => vec![Hit::table(
            t,
            "budget.total",
            "预算数为 0：请核对全年预算数".into(),
            "the budget total is 0: check the year's budget".into(),
            vec![z.to_string()],
        )],
        _ => Vec::new(),
    }
}

/// Level-2 names of the 2021 framework, where 成本指标 is a level 1.
const COST_LEVEL2: &[&str] = &["经济成本指标", "社会成本指标", "生态环境成本指标"];

/// Which level 1 each level 2 belongs to, in either framework.
const PARENTS: &[(&str, &[&str])] = &[
    ("数量指标", &["产出指标"]),
    ("质量指标", &["产出指标"]),
    ("时效指标", &["产出指标"]),
    // The older framework keeps 成本指标 as a level 2 under 产出指标.
    ("成本指标", &["产出指标", "成本指标"]),
    ("经济效益指标", &["效益指标"]),
    ("社会效益指标", &["效益指标"]),
    ("生态效益指标", &["效益指标"]),
    ("可持续影响指标", &["效益指标"]),
    ("服务对象满意度指标", &["满意度指标"]),
    ("经济成本指标", &["成本指标"]),
    ("社会成本指标", &["成本指标"]),
    ("生态环境成本指标", &["成本指标"]),
];

pub fn level1_missing(t: &Table) -> Vec<Hit> {
    if t.kind != TableKind::Project || t.indicators.is_empty() {
        return Vec::new();
    }
    let has = |l1: &str| t.indicators.iter().any(|i| i.level1.as_deref() == Some(l1));
    let framework_2021 = has("成本指标")
        || t.indicators.iter().any(|i| {
            i.level2
                .as_deref()
                .is_some_and(|l| COST_LEVEL2.contains(&l))
        });
    let mut required = vec!["产出指标", "效益指标", "满意度指标"];
    if framework_2021 {
        required.push("成本指标");
    }
    required
        .into_iter()
        .filter(|l1| !has(l1))
        .map(|l1| {
            Hit::table(
                t,
                "indicators[].level1",
                format!("缺少一级指标“{l1}”：请补充该维度的指标"),
                format!("no level-1 “{l1}” indicators: add that dimension"),
                vec![l1.to_string()],
            )
        })
        .collect()
}

pub fn level2_wrong_parent(t: &Table) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (n, i) in t.indicators.iter().enumerate() {
        let (Some(l1), Some(l2)) = (i.level1.as_deref(), i.level2.as_deref()) else {
            continue;
        };
        let Some((_, parents)) = PARENTS.iter().find(|(c, _)| *c == l2) else {
            continue;
        };
        // Unknown level-1 labels are their own rule.
        if !crate::normalize::vocab::LEVEL1.contains(&l1) || parents.contains(&l1) {
            continue;
        }
        hits.push(Hit::indicator(
            t,
            n,
            "level2",
            format!(
                "二级指标“{l2}”不属于一级指标“{l1}”（应在“{}”下）",
                parents.join("”或“")
            ),
            format!(
                "level 2 “{l2}” does not belong under “{l1}” (it belongs under “{}”)",
                parents.join("” or “")
            ),
            vec![l1.to_string(), l2.to_string()],
        ));
    }
    hits
}

pub fn level3_duplicate(t: &Table) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (n, i) in t.indicators.iter().enumerate() {
        let Some(l3) = i.level3.as_deref() else {
            continue;
        };
        if let Some(first) = t.indicators[..n]
            .iter()
            .position(|j| j.level3.as_deref() == Some(l3) && j.level2 == i.level2)
        {
            hits.push(Hit::indicator(
                t,
                n,
                "level3",
                format!(
                    "三级指标“{l3}”重复（与 {} 相同）：请合并或改名",
                    t.indicators[first].locator
                ),
                format!(
                    "level 3 “{l3}” repeats {}: merge or rename",
                    t.indicators[first].locator
                ),
                vec![l3.to_string()],
            ));
        }
    }
    hits
}

pub fn level3_equals_level2(t: &Table) -> Vec<Hit> {
    t.indicators
        .iter()
        .enumerate()
        .filter(|(_, i)| i.level3.is_some() && i.level3 == i.level2)
        .map(|(n, i)| {
            Hit::indicator(
                t,
                n,
                "level3",
                format!("三级指标与二级指标同名（“{}”）：请写出具体指标", name(i)),
                format!(
                    "level 3 repeats its level 2 (“{}”): name the actual measure",
                    name(i)
                ),
                vec![name(i).to_string()],
            )
        })
        .collect()
}

/// `XX`, `xx`, `××`, `**`: a template prompt inside a value.
fn has_placeholder(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    c.windows(2).any(|w| {
        w.iter().all(|&x| matches!(x, 'X' | 'Ｘ' | '×'))
            || w.iter().all(|&x| matches!(x, 'x' | 'ｘ'))
            || w.iter().all(|&x| matches!(x, '*' | '＊'))
    }) || s.trim() == "*"
}

pub fn placeholder_left(t: &Table) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut header = |field: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| has_placeholder(v)) {
            hits.push(Hit::table(
                t,
                field,
                format!("“{v}”含模板占位符：请填写实际内容"),
                format!("“{v}” holds a template placeholder: fill in the real value"),
                vec![v.to_string()],
            ));
        }
    };
    header("project_name", t.project_name.as_deref());
    header("unit_name", t.unit_name.as_deref());
    header("fund_use", t.fund_use.as_deref());
    for g in &t.goals {
        header("goals", Some(g));
    }
    for (n, i) in t.indicators.iter().enumerate() {
        let cells = [
            ("level3", i.level3.as_deref()),
            ("description", i.description.as_deref()),
            ("target", i.target.as_ref().map(|x| x.raw.as_str())),
        ];
        for (field, v) in cells {
            if let Some(v) = v.filter(|v| has_placeholder(v)) {
                hits.push(Hit::indicator(
                    t,
                    n,
                    field,
                    format!("“{v}”含模板占位符：请填写实际内容"),
                    format!("“{v}” holds a template placeholder: fill in the real value"),
                    vec![v.to_string()],
                ));
            }
        }
    }
    hits
}

pub fn percent_over_100(t: &Table) -> Vec<Hit> {
    let hundred = Decimal::from(100);
    t.indicators
        .iter()
        .enumerate()
        .filter_map(|(n, i)| {
            let x = i.target.as_ref()?;
            let top = x.upper.or(x.value)?;
            (x.unit.as_deref() == Some("%") && top > hundred).then(|| {
                Hit::indicator(
                    t,
                    n,
                    "target",
                    format!("指标“{}”的目标 {} 超过 100%：请核对", name(i), x.raw),
                    format!("“{}” targets {}, above 100%: check it", name(i), x.raw),
                    vec![x.raw.clone()],
                )
            })
        })
        .collect()
}

pub fn unit_mismatch(t: &Table) -> Vec<Hit> {
    t.indicators
        .iter()
        .enumerate()
        .filter_map(|(n, i)| {
            let x = i.target.as_ref()?;
            let unit = x.unit.as_deref()?;
            let l3 = i.level3.as_deref()?;
            // 率 at the end names a ratio; 效率 / 频率 are not percentages.
            let rate = l3.ends_with('率') && !l3.ends_with("效率") && !l3.ends_with("频率");
            (x.kind == TargetKind::Quantitative
                && rate
                && !matches!(unit, "%" | "‰" | "百分点" | "个百分点"))
            .then(|| {
                Hit::indicator(
                    t,
                    n,
                    "target",
                    format!("“{l3}”是比率，指标值单位却是“{unit}”：请改为 %"),
                    format!("“{l3}” is a rate but its target is in “{unit}”: use %"),
                    vec![l3.to_string(), unit.to_string()],
                )
            })
        })
        .collect()
}

/// Year and month written in the text: `2024年12月`, `2024.12`, `2024-12`,
/// a bare `2024年` (month `None`).
fn dates(s: &str) -> Vec<(i32, Option<u32>)> {
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let run = c[i..].iter().take_while(|x| x.is_ascii_digit()).count();
        if run == 4 && (i == 0 || !c[i - 1].is_ascii_digit()) {
            let year: String = c[i..i + 4].iter().collect();
            let year: i32 = year.parse().unwrap_or(0);
            let mut j = i + 4;
            let mut month = None;
            if c.get(j)
                .is_some_and(|x| matches!(x, '年' | '.' | '-' | '/' | '－'))
            {
                j += 1;
                let m = c[j..].iter().take_while(|x| x.is_ascii_digit()).count();
                if (1..=2).contains(&m) {
                    let text: String = c[j..j + m].iter().collect();
                    month = text.parse().ok().filter(|m| (1..=12).contains(m));
                    j += m;
                }
            }
            if (1900..=2200).contains(&year) {
                out.push((year, month));
            }
            i = j;
        } else {
            i += run.max(1);
        }
    }
    out
}

/// The project period written in the header (项目期, 起止时间, 实施期限):
/// (start, end) as (year, month).
/// A year and month.
type YearMonth = (i32, u32);

fn period(t: &Table) -> Option<(YearMonth, YearMonth, String)> {
    let (_, v) = extra(
        t,
        &["项目期", "起止", "实施期", "执行期", "项目周期", "实施周期"],
    )?;
    let ds = dates(v);
    let (first, last) = (ds.first()?, ds.last()?);
    if ds.len() < 2 {
        return None;
    }
    Some((
        (first.0, first.1.unwrap_or(1)),
        (last.0, last.1.unwrap_or(12)),
        v.to_string(),
    ))
}

pub fn period_end_before_start(t: &Table) -> Vec<Hit> {
    match period(t) {
        Some((start, end, raw)) if end < start => vec![Hit::table(
            t,
            "extra",
            format!("项目期“{raw}”结束早于开始：请核对起止时间"),
            format!("the project period “{raw}” ends before it starts: check the dates"),
            vec![raw],
        )],
        _ => Vec::new(),
    }
}

pub fn deadline_after_end(t: &Table) -> Vec<Hit> {
    let end = match (period(t), t.year) {
        (Some((_, end, _)), _) => end,
        (None, Some(y)) => (y, 12),
        (None, None) => return Vec::new(),
    };
    let mut hits = Vec::new();
    for (n, i) in t.indicators.iter().enumerate() {
        if i.level2.as_deref() != Some("时效指标") {
            continue;
        }
        let Some(x) = &i.target else { continue };
        let late = dates(&x.raw)
            .into_iter()
            .map(|(y, m)| (y, m.unwrap_or(1)))
            .filter(|ym| *ym > end)
            .max();
        if let Some((y, m)) = late {
            hits.push(Hit::indicator(
                t,
                n,
                "target",
                format!(
                    "时效指标“{}”的期限 {y}年{m}月 晚于项目结束 {}年{}月",
                    name(i),
                    end.0,
                    end.1
                ),
                format!(
                    "deadline {y}-{m:02} of “{}” is after the project's end {}-{:02}",
                    name(i),
                    end.0,
                    end.1
                ),
                vec![x.raw.clone()],
            ));
        }
    }
    hits
}

/// How many 元 one money unit is.
fn yuan(unit: &str) -> Option<Decimal> {
    match unit {
        "元" => Some(Decimal::ONE),
        "千元" => Some(Decimal::from(1000)),
        "万元" => Some(Decimal::from(10_000)),
        "亿元" => Some(Decimal::from(100_000_000)),
        _ => None,
    }
}

pub fn cost_over_budget(t: &Table) -> Vec<Hit> {
    let Some(total) = t.budget.total else {
        return Vec::new();
    };
    let Some(table_unit) = yuan(t.money_unit.as_deref().unwrap_or("万元")) else {
        return Vec::new();
    };
    let mut sum = Decimal::ZERO;
    let mut parts = Vec::new();
    for i in &t.indicators {
        let cost = i.level1.as_deref() == Some("成本指标")
            || i.level2.as_deref() == Some("成本指标")
            || i.level2.as_deref() == Some("经济成本指标");
        let Some(x) = i.target.as_ref().filter(|_| cost) else {
            continue;
        };
        // `≥` gives a floor, not an amount spent.
        if matches!(x.op, Some(Op::Ge) | Some(Op::Gt)) {
            continue;
        }
        let (Some(v), Some(f)) = (x.upper.or(x.value), x.unit.as_deref().and_then(yuan)) else {
            continue;
        };
        sum += v * f / table_unit;
        parts.push(x.raw.clone());
    }
    if parts.is_empty() || sum <= total + tolerance(t) {
        return Vec::new();
    }
    let sum = sum.normalize();
    let unit = t.money_unit.as_deref().unwrap_or("万元");
    let mut values = vec![sum.to_string(), total.to_string()];
    values.extend(parts);
    vec![Hit::table(
        t,
        "budget.total",
        format!("成本指标合计 {sum}{unit} 超过预算数 {total}{unit}：请核对成本指标或预算"),
        format!("cost indicators add up to {sum} {unit}, above the budget {total} {unit}: check them or the budget"),
        values,
    )]
}

pub fn project_attribute(t: &Table) -> Vec<Hit> {
    let Some((k, v)) = extra(t, &["项目属性"]) else {
        return Vec::new();
    };
    let v = v.trim();
    let ok = matches!(v, "经常性" | "一次性" | "经常性项目" | "一次性项目");
    if ok {
        return Vec::new();
    }
    vec![Hit::table(
        t,
        &format!("extra.{k}"),
        format!("项目属性“{v}”应为“经常性”或“一次性”"),
        format!("项目属性 “{v}” should be 经常性 or 一次性"),
        vec![v.to_string()],
    )]
}

pub fn money_unit_mixed(tables: &[Table]) -> Vec<(usize, Hit)> {
    let mut hits = Vec::new();
    // Per project key, the first table of its first two money units: the
    // earliest table in another unit than this one's is the first of them
    // whose unit differs. One key per table, one look-up (a scan of the
    // tables before each one, with their keys made again, was quadratic).
    let mut seen: std::collections::HashMap<String, [Option<usize>; 2]> =
        std::collections::HashMap::new();
    for (n, t) in tables.iter().enumerate() {
        let (Some(key), Some(unit)) = (super::project_key(t), t.money_unit.as_deref()) else {
            continue;
        };
        let unit_of = |i: usize| tables[i].money_unit.as_deref().unwrap_or("");
        let firsts = seen.entry(key.clone()).or_insert([None, None]);
        let first = firsts
            .iter()
            .flatten()
            .copied()
            .find(|&i| unit_of(i) != unit)
            .map(|i| &tables[i]);
        match *firsts {
            [None, _] => firsts[0] = Some(n),
            [Some(a), None] if unit_of(a) != unit => firsts[1] = Some(n),
            _ => {}
        }
        if let Some(o) = first {
            let other = o.money_unit.as_deref().unwrap_or("");
            hits.push((
                n,
                Hit::table(
                    t,
                    "money_unit",
                    format!(
                        "项目“{key}”在表 {} 用{other}，在本表用{unit}：请统一金额单位",
                        o.source.table
                    ),
                    format!(
                        "project “{key}” is in {other} in table {} but in {unit} here: use one money unit",
                        o.source.table
                    ),
                    vec![other.to_string(), unit.to_string()],
                ),
            ));
        }
    }
    hits
}

/// One finding per note the normaliser wrote under `rule`.
fn from_notes(t: &Table, rule: &str, zh: &str, en: &str) -> Vec<Hit> {
    t.notes
        .iter()
        .filter(|n| n.rule == rule)
        .map(|n| {
            let index = n
                .field
                .strip_prefix("indicators[")
                .and_then(|r| r.split(']').next())
                .and_then(|i| i.parse::<usize>().ok())
                .filter(|i| *i < t.indicators.len());
            let raw = &n.raw;
            let mut h = Hit::table(
                t,
                &n.field,
                format!("{zh}：“{raw}”（{}）", super::field_zh(&n.field)),
                format!("{en}: “{raw}” ({})", n.field),
                vec![n.raw.clone()],
            );
            if let Some(i) = index {
                h.indicator = Some(i);
                h.locator = t.indicators[i].locator.clone();
            } else if n.field.starts_with("row ") || n.field.starts_with("line ") {
                // Unplaced cells are named by their place: `row 3 col 2`.
                h.locator = n.field.clone();
            }
            h
        })
        .collect()
}

pub fn kind_column_disagrees(t: &Table) -> Vec<Hit> {
    from_notes(
        t,
        "type column disagrees: kind kept as read",
        "定性/定量列与指标值不符，按指标值读取",
        "the 定性/定量 column disagrees with the value; kept as read",
    )
}

pub fn unplaced_cell(t: &Table) -> Vec<Hit> {
    from_notes(
        t,
        "unplaced",
        "单元格无法归位，请检查表格结构",
        "a cell could not be placed; check the table's layout",
    )
}

pub fn unknown_level_label(t: &Table) -> Vec<Hit> {
    from_notes(
        t,
        "unknown level label",
        "未知的指标层级名称，请改用标准名称",
        "unknown level label; use a standard name",
    )
}

fn is_self_evaluation(t: &Table) -> bool {
    t.kind == TableKind::SelfEvaluation
}

pub fn score_over_weight(t: &Table) -> Vec<Hit> {
    t.indicators
        .iter()
        .enumerate()
        .filter_map(|(n, i)| {
            let (w, s) = (i.weight?, i.score?);
            (s > w).then(|| {
                Hit::indicator(
                    t,
                    n,
                    "score",
                    format!("“{}”得分 {s} 高于分值 {w}", name(i)),
                    format!("“{}” scores {s}, above its weight {w}", name(i)),
                    vec![s.to_string(), w.to_string()],
                )
            })
        })
        .collect()
}

/// The first number in a text (`100 | 95.6 | 优` → 100).
fn numbers(s: &str) -> Vec<Decimal> {
    s.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|p| !p.is_empty() && p.chars().any(|c| c.is_ascii_digit()))
        .filter_map(|p| Decimal::from_str(p).ok())
        .collect()
}

/// The table-level budget-execution score (得分 beside 执行率), if any.
fn execution_score(t: &Table) -> Option<Decimal> {
    extra(t, &["执行率"])?;
    let (_, v) = t.extra.0.iter().find(|(k, _)| k == "得分")?;
    numbers(v).first().copied()
}

pub fn score_total(t: &Table) -> Vec<Hit> {
    if !is_self_evaluation(t) {
        return Vec::new();
    }
    // 总分 under its columns (`总分/得分`), or written `分值 | 得分 | 评级`, or
    // the score alone.
    let under_score = t.extra.0.iter().find(|(k, _)| {
        k.strip_prefix("总分/")
            .is_some_and(|col| column(col) == Some(Column::Score))
    });
    let stated = match under_score {
        Some((_, v)) => numbers(v).first().copied(),
        None => {
            let Some((_, v)) = t.extra.0.iter().find(|(k, _)| k.starts_with("总分")) else {
                return Vec::new();
            };
            let ns = numbers(v);
            (if ns.len() >= 2 { ns.get(1) } else { ns.first() }).copied()
        }
    };
    let Some(stated) = stated else {
        return Vec::new();
    };
    let scores: Vec<Decimal> = t.indicators.iter().filter_map(|i| i.score).collect();
    if scores.is_empty() {
        return Vec::new();
    }
    let sum: Decimal = scores.iter().sum::<Decimal>() + execution_score(t).unwrap_or_default();
    if (sum - stated).abs() <= d("0.05") {
        return Vec::new();
    }
    vec![Hit::table(
        t,
        "extra.总分",
        format!("得分合计 {sum} ≠ 总分 {stated}：请核对各项得分"),
        format!("the scores add up to {sum}, not the stated total {stated}: check each score"),
        vec![sum.to_string(), stated.to_string()],
    )]
}

pub fn execution_rate_score(t: &Table) -> Vec<Hit> {
    let Some((_, rate)) = extra(t, &["执行率"]) else {
        return Vec::new();
    };
    let (Some(weight), Some(score)) = (
        t.extra
            .0
            .iter()
            .find(|(k, _)| k == "分值")
            .and_then(|(_, v)| numbers(v).first().copied()),
        execution_score(t),
    ) else {
        return Vec::new();
    };
    let Some(r) = numbers(rate).first().copied() else {
        return Vec::new();
    };
    let r = if rate.contains('%') {
        r / Decimal::from(100)
    } else {
        r
    };
    // A rate above 100% earns no more than the weight.
    let expected = (weight * r.min(Decimal::ONE)).round_dp(2);
    // Scores are written to one or two places: half a hundredth either way.
    if (expected - score).abs() <= d("0.05") {
        return Vec::new();
    }
    vec![Hit::table(
        t,
        "extra.得分",
        format!("预算执行率得分 {score} ≠ 分值 {weight} × 执行率 {rate} = {expected}"),
        format!("budget execution score {score} ≠ weight {weight} × rate {rate} = {expected}"),
        vec![score.to_string(), weight.to_string(), rate.to_string()],
    )]
}

pub fn deviation_reason_missing(t: &Table) -> Vec<Hit> {
    t.indicators
        .iter()
        .enumerate()
        .filter_map(|(n, i)| {
            let (w, s) = (i.weight?, i.score?);
            (s < w && i.remark.is_none()).then(|| {
                Hit::indicator(
                    t,
                    n,
                    "remark",
                    format!("“{}”得分 {s} 低于分值 {w}，请写明偏差原因", name(i)),
                    format!(
                        "“{}” scores {s} of {w}: give the reason for the deviation",
                        name(i)
                    ),
                    vec![s.to_string(), w.to_string()],
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_forms_tables_write() {
        assert_eq!(
            dates("2024年6月-2023年12月"),
            [(2024, Some(6)), (2023, Some(12))]
        );
        assert_eq!(
            dates("2024.01-2024.12"),
            [(2024, Some(1)), (2024, Some(12))]
        );
        assert_eq!(dates("2024-2026年"), [(2024, None), (2026, None)]);
        assert_eq!(dates("12月底前"), []);
        assert_eq!(dates("编号20240601"), []);
    }

    #[test]
    fn placeholders_are_runs_not_letters() {
        for p in ["XX", "≥XX次", "××单位", "**人", "xx", "*"] {
            assert!(has_placeholder(p), "{p}");
        }
        for v in ["X光机", "≥3次", "2*3", "Excel"] {
            assert!(!has_placeholder(v), "{v}");
        }
    }

    #[test]
    fn numbers_in_a_joined_cell() {
        assert_eq!(numbers("100 | 95.6 | 优"), [d("100"), d("95.6")]);
        assert_eq!(numbers("95.88%"), [d("95.88")]);
    }

    #[test]
    fn money_tolerance_is_a_tenth_of_a_wan_yuan() {
        let mut t = crate::model::Table {
            source: crate::model::Source {
                file: "f".into(),
                format: "txt".into(),
                table: 1,
                locator: "t".into(),
            },
            title: None,
            seq: None,
            kind: TableKind::Project,
            unit_code: None,
            unit_name: None,
            money_unit: Some("元".into()),
            project_name: None,
            year: None,
            fund_level: None,
            budget: crate::model::Budget {
                total: Some(d("100000")),
                fiscal: Some(d("99500")),
                other: Some(d("0")),
            },
            fund_use: None,
            goals: Vec::new(),
            extra: Default::default(),
            indicators: Vec::new(),
            notes: Vec::new(),
            incomplete: Vec::new(),
        };
        // 500 元 off is within 0.1 万元 (1000 元)…
        assert!(budget_sum(&t).is_empty());
        // …but 500 万元 is not.
        t.money_unit = Some("万元".into());
        assert_eq!(budget_sum(&t).len(), 1);
    }
}
