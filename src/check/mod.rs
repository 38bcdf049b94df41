//! Audit rules over the records (`jixiao check`, `convert --check`): the
//! rule table ([`RULES`]: stable id → default severity → check function),
//! the rule set a run uses (`--disable`, `--severity`), and the findings.
//!
//! Rules read only [`crate::model::Table`]s, never files or grids, so they
//! run the same on every format and are deterministic. The check functions
//! themselves are in [`rules`]; the report writers are
//! `crate::write::findings`, above this module.

pub mod rules;

use crate::model::Table;
use serde::Serialize;

/// How much a finding matters: `error` makes `check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_lowercase().as_str() {
            "error" | "错误" => Some(Severity::Error),
            "warning" | "warn" | "警告" => Some(Severity::Warning),
            "info" | "提示" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// What a check function reports; the runner adds the rule, severity,
/// file and table.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Where in the source: an indicator's row locator, else the table's.
    pub locator: String,
    /// The record field, as notes name them: `budget.total`, `indicators[3].target`.
    pub field: String,
    /// 0-based index of the indicator concerned, if any (for highlighting).
    pub indicator: Option<usize>,
    pub zh: String,
    pub en: String,
    pub values: Vec<String>,
}

impl Hit {
    /// A finding about the table as a whole (header fields).
    pub fn table(t: &Table, field: &str, zh: String, en: String, values: Vec<String>) -> Hit {
        Hit {
            locator: t.source.locator.clone(),
            field: field.to_string(),
            indicator: None,
            zh,
            en,
            values,
        }
    }

    /// A finding about indicator `i` (`field` is the part after `indicators[i].`).
    pub fn indicator(
        t: &Table,
        i: usize,
        field: &str,
        zh: String,
        en: String,
        values: Vec<String>,
    ) -> Hit {
        Hit {
            locator: t
                .indicators
                .get(i)
                .map_or_else(|| t.source.locator.clone(), |x| x.locator.clone()),
            field: if field.is_empty() {
                format!("indicators[{i}]")
            } else {
                format!("indicators[{i}].{field}")
            },
            indicator: Some(i),
            zh,
            en,
            values,
        }
    }
}

/// How a rule looks at the records.
#[derive(Clone, Copy)]
pub enum Check {
    /// One table at a time.
    Table(fn(&Table) -> Vec<Hit>),
    /// All tables of one file together (consistency within a file); hits
    /// come with the index of the table they concern.
    File(fn(&[Table]) -> Vec<(usize, Hit)>),
}

/// One rule: its id is stable (scripts and `--disable` use it) and listed
/// in docs/check.md.
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub zh: &'static str,
    pub en: &'static str,
    pub check: Check,
}

/// Every rule, in report order. Ids never change meaning; a retired rule's
/// id is not reused.
pub const RULES: &[Rule] = &[
    Rule {
        id: "project-name-missing",
        severity: Severity::Error,
        zh: "项目名称未填",
        en: "project name missing",
        check: Check::Table(rules::project_name_missing),
    },
    Rule {
        id: "unit-missing",
        severity: Severity::Warning,
        zh: "未写明单位（主管部门 / 实施单位 / 单位名称）",
        en: "no unit named (主管部门 / 实施单位 / 单位名称)",
        check: Check::Table(rules::unit_missing),
    },
    Rule {
        id: "goals-missing",
        severity: Severity::Error,
        zh: "绩效目标未填",
        en: "performance goals missing",
        check: Check::Table(rules::goals_missing),
    },
    Rule {
        id: "target-missing",
        severity: Severity::Error,
        zh: "指标没有指标值",
        en: "indicator without a target value",
        check: Check::Table(rules::target_missing),
    },
    Rule {
        id: "budget-sum",
        severity: Severity::Error,
        zh: "资金总额 ≠ 财政资金 + 其他资金（相差超过 0.1 万元）",
        en: "total ≠ fiscal + other funds (by more than 0.1 万元)",
        check: Check::Table(rules::budget_sum),
    },
    Rule {
        id: "budget-zero",
        severity: Severity::Warning,
        zh: "预算数为 0",
        en: "budget total is 0",
        check: Check::Table(rules::budget_zero),
    },
    Rule {
        id: "level1-missing",
        severity: Severity::Warning,
        zh: "缺少必备的一级指标（产出、效益、满意度；2021 框架另需成本指标）",
        en: "a required level-1 dimension is missing",
        check: Check::Table(rules::level1_missing),
    },
    Rule {
        id: "level2-wrong-parent",
        severity: Severity::Warning,
        zh: "二级指标不属于其一级指标",
        en: "level-2 indicator under a level-1 it does not belong to",
        check: Check::Table(rules::level2_wrong_parent),
    },
    Rule {
        id: "level3-duplicate",
        severity: Severity::Warning,
        zh: "同一张表内三级指标重复",
        en: "duplicate level-3 indicator within a table",
        check: Check::Table(rules::level3_duplicate),
    },
    Rule {
        id: "level3-equals-level2",
        severity: Severity::Warning,
        zh: "三级指标与二级指标同名",
        en: "level-3 indicator named like its level-2",
        check: Check::Table(rules::level3_equals_level2),
    },
    Rule {
        id: "placeholder-left",
        severity: Severity::Warning,
        zh: "模板占位符未替换（XX、**、××）",
        en: "template placeholder left in place (XX, **, ××)",
        check: Check::Table(rules::placeholder_left),
    },
    Rule {
        id: "percent-over-100",
        severity: Severity::Warning,
        zh: "百分比指标值超过 100%",
        en: "percentage target above 100%",
        check: Check::Table(rules::percent_over_100),
    },
    Rule {
        id: "unit-mismatch",
        severity: Severity::Warning,
        zh: "指标名称与计量单位不符（“率”却不是 %）",
        en: "target unit disagrees with the indicator name (a rate not in %)",
        check: Check::Table(rules::unit_mismatch),
    },
    Rule {
        id: "deadline-after-end",
        severity: Severity::Warning,
        zh: "时效指标的期限晚于项目结束（或预算年度末）",
        en: "deadline after the project's end (or the budget year's)",
        check: Check::Table(rules::deadline_after_end),
    },
    Rule {
        id: "period-end-before-start",
        severity: Severity::Error,
        zh: "项目期结束早于开始",
        en: "project period ends before it starts",
        check: Check::Table(rules::period_end_before_start),
    },
    Rule {
        id: "cost-over-budget",
        severity: Severity::Warning,
        zh: "成本指标金额合计超过预算数",
        en: "cost indicators add up to more than the budget",
        check: Check::Table(rules::cost_over_budget),
    },
    Rule {
        id: "project-attribute",
        severity: Severity::Warning,
        zh: "项目属性不是“经常性”或“一次性”",
        en: "项目属性 is neither 经常性 nor 一次性",
        check: Check::Table(rules::project_attribute),
    },
    Rule {
        id: "money-unit-mixed",
        severity: Severity::Warning,
        zh: "同一文件中同一项目的金额单位不一致（万元 / 元）",
        en: "one project's tables in one file use different money units",
        check: Check::File(rules::money_unit_mixed),
    },
    Rule {
        id: "kind-column-disagrees",
        severity: Severity::Info,
        zh: "定性/定量列与指标值不符",
        en: "the 定性/定量 column disagrees with the parsed target",
        check: Check::Table(rules::kind_column_disagrees),
    },
    Rule {
        id: "unplaced-cell",
        severity: Severity::Warning,
        zh: "单元格无法归位（已记入说明）",
        en: "a cell could not be placed (kept in notes)",
        check: Check::Table(rules::unplaced_cell),
    },
    Rule {
        id: "unknown-level-label",
        severity: Severity::Warning,
        zh: "未知的一级/二级指标名称",
        en: "unknown level-1/level-2 label",
        check: Check::Table(rules::unknown_level_label),
    },
    Rule {
        id: "score-over-weight",
        severity: Severity::Error,
        zh: "自评得分高于分值",
        en: "self-evaluation score above the indicator's weight",
        check: Check::Table(rules::score_over_weight),
    },
    Rule {
        id: "score-total",
        severity: Severity::Error,
        zh: "得分合计 ≠ 总分",
        en: "scores do not add up to the total score",
        check: Check::Table(rules::score_total),
    },
    Rule {
        id: "execution-rate-score",
        severity: Severity::Warning,
        zh: "预算执行率得分 ≠ 分值 × 执行率",
        en: "budget execution score ≠ weight × execution rate",
        check: Check::Table(rules::execution_rate_score),
    },
    Rule {
        id: "deviation-reason-missing",
        severity: Severity::Warning,
        zh: "未得满分却没有写偏差原因",
        en: "below full score without a reason for the deviation",
        check: Check::Table(rules::deviation_reason_missing),
    },
];

/// The rule by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// One problem found in one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub file: String,
    /// 1-based table number within the file, as in `source.table`.
    pub table: u32,
    pub locator: String,
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
    pub values: Vec<String>,
    /// 0-based indicator index, for highlighting; `field` says the same.
    #[serde(skip)]
    pub indicator: Option<usize>,
}

impl Finding {
    /// One line, Chinese first.
    pub fn message(&self) -> String {
        format!("{} ({})", self.message_zh, self.message_en)
    }
}

/// The rules a run applies, with their severities.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// (index into [`RULES`], severity); disabled rules are absent.
    active: Vec<(usize, Severity)>,
}

impl Default for RuleSet {
    fn default() -> RuleSet {
        RuleSet {
            active: RULES
                .iter()
                .enumerate()
                .map(|(i, r)| (i, r.severity))
                .collect(),
        }
    }
}

impl RuleSet {
    /// The default set adjusted by `--disable RULE` and `--severity RULE=LEVEL`.
    pub fn adjusted(disable: &[String], severity: &[String]) -> Result<RuleSet, String> {
        let mut set = RuleSet::default();
        let index = |id: &str| {
            RULES.iter().position(|r| r.id == id.trim()).ok_or_else(|| {
                format!(
                    "没有这条规则“{id}”：用 `jixiao check --rules` 查看规则列表 (no rule {id:?}: `jixiao check --rules` lists them)"
                )
            })
        };
        for spec in severity {
            let (id, level) = spec.split_once('=').ok_or_else(|| {
                format!("--severity 需要 规则=级别，例如 budget-sum=warning (--severity wants RULE=LEVEL, got {spec:?})")
            })?;
            let i = index(id)?;
            let s = Severity::parse(level).ok_or_else(|| {
                format!("--severity {spec}：级别只能是 error / warning / info (the level must be error, warning or info)")
            })?;
            for a in set.active.iter_mut().filter(|a| a.0 == i) {
                a.1 = s;
            }
        }
        for id in disable {
            let i = index(id)?;
            set.active.retain(|a| a.0 != i);
        }
        Ok(set)
    }

    /// The findings for one file's tables, by table, then rule order.
    pub fn check_file(&self, tables: &[Table]) -> Vec<Finding> {
        let mut found: Vec<(usize, usize, Finding)> = Vec::new();
        for (order, &(i, severity)) in self.active.iter().enumerate() {
            let Some(rule) = RULES.get(i) else { continue };
            let hits: Vec<(usize, Hit)> = match rule.check {
                Check::Table(f) => tables
                    .iter()
                    .enumerate()
                    .flat_map(|(ti, t)| f(t).into_iter().map(move |h| (ti, h)))
                    .collect(),
                Check::File(f) => f(tables),
            };
            for (ti, h) in hits {
                let Some(t) = tables.get(ti) else { continue };
                found.push((
                    ti,
                    order,
                    Finding {
                        rule: rule.id,
                        severity,
                        file: t.source.file.clone(),
                        table: t.source.table,
                        locator: h.locator,
                        field: h.field,
                        message_zh: h.zh,
                        message_en: h.en,
                        values: h.values,
                        indicator: h.indicator,
                    },
                ));
            }
        }
        // Stable: within a rule, hits keep the order the rule found them.
        found.sort_by_key(|(ti, order, _)| (*ti, *order));
        found.into_iter().map(|(_, _, f)| f).collect()
    }
}

/// The project's name without its year and fund-level decorations, so one
/// project lines up across years: `2024年检察业务信息化运维项目-2024中央` →
/// `检察业务信息化运维项目`. Whitespace removed; `None` without a name.
pub fn project_key(t: &Table) -> Option<String> {
    let name = t.project_name.as_deref()?;
    Some(project_key_of(name, t.fund_level.as_deref()))
}

/// [`project_key`] for a bare name.
pub fn project_key_of(name: &str, fund_level: Option<&str>) -> String {
    let whole: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    // A trailing `-2024中央`, `-中央`, `（2024年）`, `2025年度`, repeatedly.
    // Each round only shortens a slice, so the work is linear in the name
    // (it copied the whole name twice a round: 400,000 `-2024` took 38 s).
    let mut k: &str = &whole;
    loop {
        let before = k.len();
        if let Some(level) = fund_level.filter(|l| !l.is_empty()) {
            if let Some(h) = k.strip_suffix(level) {
                k = h;
            }
        }
        if let Some(h) = strip_trailing_year(k) {
            k = h;
        }
        k = k.trim_end_matches(['-', '－', '—', '_']);
        if k.len() == before {
            break;
        }
    }
    // A leading `2024年`, `2024年度`.
    crate::normalize::text::strip_leading_year(k)
        .unwrap_or(k)
        .to_string()
}

/// `name` without a trailing `2024`, `2024年`, `2024年度`, `（2024年）`.
fn strip_trailing_year(name: &str) -> Option<&str> {
    let (inner, bracketed) = match name.strip_suffix('）').or_else(|| name.strip_suffix(')')) {
        Some(h) => (h, true),
        None => (name, false),
    };
    let t = inner
        .strip_suffix("年度")
        .or_else(|| inner.strip_suffix('年'))
        .unwrap_or(inner);
    let digits = t.chars().rev().take_while(|c| c.is_ascii_digit()).count();
    if digits != 4 {
        return None;
    }
    let head = &t[..t.len() - 4];
    if bracketed {
        head.strip_suffix('（').or_else(|| head.strip_suffix('('))
    } else {
        Some(head)
    }
    .filter(|h| !h.is_empty())
}

/// The rule list `--rules` prints.
pub fn rule_list() -> String {
    let mut s =
        String::from("规则 (rule)                 级别 (severity)  检查内容 (what it checks)\n");
    for r in RULES {
        s.push_str(&format!(
            "{:<27} {:<16} {} ({})\n",
            r.id,
            r.severity.as_str(),
            r.zh,
            r.en
        ));
    }
    s
}

/// A record field as a clerk reads it: `indicators[4].target.kind` →
/// `第 5 个指标的指标值·定性/定量`, `extra.总分` → `其他/总分` (the page does the same).
pub fn field_zh(field: &str) -> String {
    // A part of a field named as the clerk knows it; the rest are the
    // schema's column names (`total` is 预算数's budget_total).
    let word = |w: &str| -> String {
        let own = match w {
            "unit_code" => "单位代码",
            "title" => "标题",
            "target" => "指标值",
            "kind" => "定性/定量",
            "comparator" => "比较符",
            "value" => "数值",
            "unit" => "计量单位",
            "actual" => "实际完成值",
            _ => "",
        };
        if !own.is_empty() {
            return own.to_string();
        }
        [w.to_string(), format!("budget_{w}")]
            .iter()
            .find_map(|k| crate::schema::column(k))
            .map_or(w, |c| c.zh)
            .to_string()
    };
    let mut lead = String::new();
    let mut out: Vec<String> = Vec::new();
    let mut parts = field.split('.');
    while let Some(p) = parts.next() {
        if let Some(n) = p
            .strip_prefix("indicators[")
            .and_then(|r| r.strip_suffix(']'))
        {
            if let Ok(i) = n.parse::<usize>() {
                lead = format!("第 {} 个指标的", i + 1);
            }
            continue;
        }
        if p == "extra" {
            out.push(format!("其他/{}", parts.collect::<Vec<_>>().join(".")));
            break;
        }
        if p != "budget" {
            out.push(word(p));
        }
    }
    lead + &out.join("·")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_keys_line_up_across_years() {
        for (name, level, key) in [
            (
                "2024年检察业务信息化运维项目-2024中央",
                Some("中央"),
                "检察业务信息化运维项目",
            ),
            (
                "2025年检察业务经费项目-2025市级",
                Some("市级"),
                "检察业务经费项目",
            ),
            ("农村公路养护工程", None, "农村公路养护工程"),
            ("农村公路 养护工程（2022年）", None, "农村公路养护工程"),
            ("2023年度 校舍维修", None, "校舍维修"),
            ("设备购置(一期)", None, "设备购置(一期)"),
        ] {
            assert_eq!(project_key_of(name, level), key, "{name}");
        }
    }

    #[test]
    fn rule_ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        for id in ids {
            assert!(id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
    }

    #[test]
    fn disable_and_severity_adjust_the_set() {
        let set = RuleSet::adjusted(
            &["budget-sum".into()],
            &["goals-missing=info".into(), "target-missing=warning".into()],
        )
        .unwrap();
        assert!(!set.active.iter().any(|(i, _)| RULES[*i].id == "budget-sum"));
        let sev = |id: &str| {
            set.active
                .iter()
                .find(|(i, _)| RULES[*i].id == id)
                .map(|a| a.1)
        };
        assert_eq!(sev("goals-missing"), Some(Severity::Info));
        assert_eq!(sev("target-missing"), Some(Severity::Warning));
        assert!(RuleSet::adjusted(&["nope".into()], &[]).is_err());
        assert!(RuleSet::adjusted(&[], &["budget-sum=fatal".into()]).is_err());
        assert!(RuleSet::adjusted(&[], &["budget-sum".into()]).is_err());
    }
}

#[cfg(test)]
mod field_tests {
    use super::field_zh;

    #[test]
    fn fields_in_chinese() {
        assert_eq!(
            field_zh("indicators[4].target.kind"),
            "第 5 个指标的指标值·定性/定量"
        );
        assert_eq!(field_zh("indicators[15].level2"), "第 16 个指标的二级指标");
        assert_eq!(field_zh("extra.总分"), "其他/总分");
        assert_eq!(field_zh("budget.total"), "预算数");
        assert_eq!(field_zh("row 3 col 2"), "row 3 col 2");
    }
}
