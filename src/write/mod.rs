//! Writers: the same records as JSON (the document), JSONL and CSV. One
//! field table ([`FIELDS`]) names the flat columns for CSV, JSONL and xlsx.

pub mod csv;
pub mod json;
pub mod jsonl;

use crate::model::{FileError, Indicator, Table, TargetValue};
use std::io;

/// The 32 flat columns: Chinese header, English key.
pub const FIELDS: [(&str, &str); 32] = [
    ("来源文件", "source_file"),
    ("表序号", "table"),
    ("序号", "seq"),
    ("表名", "title"),
    ("表类型", "kind"),
    ("单位编码", "unit_code"),
    ("单位名称", "unit_name"),
    ("金额单位", "money_unit"),
    ("项目名称", "project_name"),
    ("年度", "year"),
    ("资金级次", "fund_level"),
    ("预算数", "budget_total"),
    ("财政资金", "budget_fiscal"),
    ("其他资金", "budget_other"),
    ("资金用途", "fund_use"),
    ("绩效目标", "goals"),
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "level3"),
    ("绩效指标描述", "description"),
    ("指标值（原文）", "target_raw"),
    ("指标类型", "target_kind"),
    ("比较符", "target_op"),
    ("指标数值", "target_value"),
    ("上限", "target_upper"),
    ("计量单位", "target_unit"),
    ("分值", "weight"),
    ("实际完成值", "actual_raw"),
    ("得分", "score"),
    ("备注", "remark"),
    ("其他", "extra"),
    ("位置", "locator"),
];

/// Which header names the flat outputs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    Zh,
    En,
}

/// One flat row: the table's fields repeated, then the indicator's. A table
/// without indicators still gives one row, so no table is lost.
pub fn flat_row(t: &Table, ind: Option<&Indicator>) -> [Option<String>; 32] {
    let s = |x: &Option<String>| x.clone();
    let d = |x: &Option<rust_decimal::Decimal>| x.map(|d| d.to_string());
    let target = ind.and_then(|i| i.target.as_ref());
    let tv = |f: fn(&TargetValue) -> Option<String>| target.and_then(f);
    let mut extra = serde_json::Map::new();
    for (k, v) in t
        .extra
        .0
        .iter()
        .chain(ind.map(|i| i.extra.0.iter()).into_iter().flatten())
    {
        extra.insert(k.clone(), serde_json::Value::String(v.clone()));
    }
    [
        Some(t.source.file.clone()),
        Some(t.source.table.to_string()),
        t.seq.map(|n| n.to_string()),
        s(&t.title),
        Some(t.kind.as_str().to_string()),
        s(&t.unit_code),
        s(&t.unit_name),
        s(&t.money_unit),
        s(&t.project_name),
        t.year.map(|y| y.to_string()),
        s(&t.fund_level),
        d(&t.budget.total),
        d(&t.budget.fiscal),
        d(&t.budget.other),
        s(&t.fund_use),
        (!t.goals.is_empty()).then(|| t.goals.join("；")),
        ind.and_then(|i| i.level1.clone()),
        ind.and_then(|i| i.level2.clone()),
        ind.and_then(|i| i.level3.clone()),
        ind.and_then(|i| i.description.clone()),
        tv(|t| Some(t.raw.clone())),
        tv(|t| Some(t.kind.as_str().to_string())),
        tv(|t| t.op.map(|o| o.as_str().to_string())),
        tv(|t| t.value.map(|d| d.to_string())),
        tv(|t| t.upper.map(|d| d.to_string())),
        tv(|t| t.unit.clone()),
        ind.and_then(|i| d(&i.weight)),
        ind.and_then(|i| i.actual.as_ref().map(|a| a.raw.clone())),
        ind.and_then(|i| d(&i.score)),
        ind.and_then(|i| i.remark.clone()),
        (!extra.is_empty()).then(|| serde_json::Value::Object(extra).to_string()),
        ind.map(|i| i.locator.clone()),
    ]
}

/// Every flat row of a table.
pub fn flat_rows(t: &Table) -> Vec<[Option<String>; 32]> {
    if t.indicators.is_empty() {
        return vec![flat_row(t, None)];
    }
    t.indicators.iter().map(|i| flat_row(t, Some(i))).collect()
}

/// A destination for records, written as they come.
pub trait Sink {
    fn table(&mut self, t: &Table) -> io::Result<()>;
    fn finish(&mut self, errors: &[FileError]) -> io::Result<()>;
}
