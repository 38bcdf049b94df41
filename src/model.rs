//! The canonical records (SCHEMA.md, version 1): what the normaliser makes
//! and every writer serialises. Every key is always present.

use rust_decimal::Decimal;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// Where a table came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub file: String,
    pub format: String,
    /// 1-based index of the table within the file.
    pub table: u32,
    pub locator: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    Project,
    SelfEvaluation,
    Department,
}

impl TableKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TableKind::Project => "project",
            TableKind::SelfEvaluation => "self_evaluation",
            TableKind::Department => "department",
        }
    }
}

/// `{label: value}` in reading order; a repeated label gets ` (2)`, ` (3)`…
///
/// The second field indexes the keys so that naming a repeated label costs
/// O(1), not a scan of every key so far: a data row 10,000 columns wider
/// than its header made that scan quadratic (issue 10). The index is only a
/// cache of `.0`: it is rebuilt whenever `.0` changed length behind its back.
#[derive(Clone, Default)]
pub struct Extra(pub Vec<(String, String)>, KeyIndex);

/// Keys present in an [`Extra`], and for each base label the next suffix to try.
#[derive(Clone, Default)]
pub struct KeyIndex {
    len: usize,
    keys: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, u64>,
}

impl Extra {
    pub fn new(pairs: Vec<(String, String)>) -> Extra {
        Extra(pairs, KeyIndex::default())
    }

    /// Renames entries in place (their order kept), each new key made
    /// unique as `insert` does; the keys are gathered once for all of them.
    pub fn rename_all(&mut self, renames: impl IntoIterator<Item = (usize, String)>) {
        let mut keys: std::collections::HashSet<String> =
            self.0.iter().map(|(k, _)| k.clone()).collect();
        for (i, key) in renames {
            let Some((old, _)) = self.0.get(i) else {
                continue;
            };
            keys.remove(old.as_str());
            let mut k = key.clone();
            let mut n = 2;
            while keys.contains(&k) {
                k = format!("{key} ({n})");
                n += 1;
            }
            keys.insert(k.clone());
            self.0[i].0 = k;
        }
        // Rebuilt on the next insert.
        self.1 = KeyIndex::default();
    }

    pub fn insert(&mut self, key: &str, value: String) {
        let idx = &mut self.1;
        if idx.len != self.0.len() || idx.keys.len() > self.0.len() {
            idx.keys = self.0.iter().map(|(k, _)| k.clone()).collect();
            idx.next.clear();
        }
        let mut k = key.to_string();
        if idx.keys.contains(&k) {
            let mut n = idx.next.get(key).copied().unwrap_or(2);
            loop {
                k = format!("{key} ({n})");
                n += 1;
                if !idx.keys.contains(&k) {
                    break;
                }
            }
            idx.next.insert(key.to_string(), n);
        }
        idx.keys.insert(k.clone());
        self.0.push((k, value));
        idx.len = self.0.len();
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl std::fmt::Debug for Extra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Extra").field(&self.0).finish()
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Budget {
    #[serde(with = "rust_decimal::serde::str_option")]
    pub total: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub fiscal: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub other: Option<Decimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Quantitative,
    Qualitative,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Quantitative => "quantitative",
            TargetKind::Qualitative => "qualitative",
        }
    }
}

/// A comparator as SCHEMA.md spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "range")]
    Range,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Lt => "<",
            Op::Eq => "=",
            Op::Range => "range",
        }
    }
}

/// A target (指标值) or an actual value, parsed; `raw` is kept as written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetValue {
    pub raw: String,
    pub kind: TargetKind,
    pub op: Option<Op>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub value: Option<Decimal>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub upper: Option<Decimal>,
    pub unit: Option<String>,
}

/// One row of the indicator grid (one 三级指标).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Indicator {
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub level3: Option<String>,
    pub description: Option<String>,
    pub target: Option<TargetValue>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub weight: Option<Decimal>,
    pub actual: Option<TargetValue>,
    #[serde(with = "rust_decimal::serde::str_option")]
    pub score: Option<Decimal>,
    pub remark: Option<String>,
    pub extra: Extra,
    pub locator: String,
}

/// A normalisation that changed a value, or a cell that could not be placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub field: String,
    pub raw: String,
    pub normalized: Option<String>,
    pub rule: String,
}

/// One 绩效目标表.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub source: Source,
    pub title: Option<String>,
    pub seq: Option<u32>,
    pub kind: TableKind,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    pub money_unit: Option<String>,
    pub project_name: Option<String>,
    pub year: Option<i32>,
    pub fund_level: Option<String>,
    pub budget: Budget,
    pub fund_use: Option<String>,
    pub goals: Vec<String>,
    pub extra: Extra,
    pub indicators: Vec<Indicator>,
    pub notes: Vec<Note>,
    /// What the table could not fill; empty when it was read in full.
    pub incomplete: Vec<Gap>,
}

impl Table {
    /// `ok`, or `partial` when something could not be filled.
    pub fn status(&self) -> &'static str {
        if self.incomplete.is_empty() {
            "ok"
        } else {
            "partial"
        }
    }
}

/// What kind of gap a table has: a field its layout determines came out
/// empty. (What the schema does not model is kept in `extra` with a note,
/// and is no gap.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    Missing,
}

/// Why a determined field came out empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// No indicator row was read.
    NoIndicators,
    /// `n` of `of` indicators have an empty value cell.
    EmptyCells { n: usize, of: usize },
    /// The grid has no column read as the target; `columns` are the ones
    /// the lexicon did not know (kept in each indicator's `extra`).
    NoValueColumn { of: usize, columns: Vec<String> },
    /// The label is there; its value is empty, a placeholder or a prompt.
    LabelWithoutValue,
    /// A form of this kind names it, but no label did.
    NoLabel,
    /// Money lines without the year's total.
    MoneyWithoutTotal,
    /// A cell that looks like the field's value was left unplaced (or kept
    /// under a label the lexicon does not know): its text.
    LeftOver(String),
}

impl Why {
    /// The JSON `detail`: a count, or the text that went astray.
    fn detail(&self) -> String {
        match self {
            Why::NoIndicators => "0".into(),
            Why::EmptyCells { n, of } => format!("{n}/{of}"),
            Why::NoValueColumn { of, .. } => format!("{of}/{of}"),
            Why::LabelWithoutValue => "label without value".into(),
            Why::NoLabel => "no such label".into(),
            Why::MoneyWithoutTotal => "money lines without the year's total".into(),
            Why::LeftOver(t) => t.clone(),
        }
    }
}

/// One field a table could not fill, as the warning line, `--report` and
/// `--strict` tell it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// `project_name`, `indicators[].target`, `title`, `money_unit` …
    pub field: String,
    pub problem: GapKind,
    /// A count (`8/17`), or the text that looks like the field's value.
    pub detail: String,
    #[serde(skip)]
    pub why: Why,
}

impl Gap {
    pub fn missing(field: &str, why: Why) -> Gap {
        Gap {
            field: field.to_string(),
            problem: GapKind::Missing,
            detail: why.detail(),
            why,
        }
    }

    /// One line for a clerk, Chinese first.
    pub fn describe(&self) -> String {
        let f = self.field.as_str();
        let zh_f = zh_field(f);
        let (zh, en) = match &self.why {
            Why::NoIndicators => ("没有读到任何指标".to_string(), "no indicators read".to_string()),
            Why::EmptyCells { n, of } => (
                format!("{of} 个指标中有 {n} 个指标值为空"),
                format!("{n} of {of} indicators have an empty target"),
            ),
            Why::NoValueColumn { of, columns } if !columns.is_empty() => (
                format!(
                    "指标表中没有可识别的指标值列，{of} 个指标都没有指标值（未识别的列“{}”已放入其他列）",
                    columns.join("”“")
                ),
                format!(
                    "no column of the grid reads as the target: no target for {of} indicators (columns not understood, kept in extra: \"{}\")",
                    columns.join("\", \"")
                ),
            ),
            Why::NoValueColumn { of, .. } => (
                format!("指标表中没有可识别的指标值列，{of} 个指标都没有指标值"),
                format!("no column of the grid reads as the target: no target for {of} indicators"),
            ),
            Why::LabelWithoutValue => (
                format!("{zh_f}：有这一栏，但内容为空"),
                format!("{f}: the label is there, its value is empty"),
            ),
            Why::NoLabel => (
                format!("{zh_f}：表中没有这一栏"),
                format!("{f}: no such label in the table"),
            ),
            Why::MoneyWithoutTotal => (
                "预算数：有资金栏目，但没有当年预算总额".to_string(),
                "budget.total: money lines, but not the year's total".to_string(),
            ),
            Why::LeftOver(t) => (
                format!("{zh_f}未读到：“{t}”像是它的内容，但未能归入（见说明）"),
                format!("{f} not read: \"{t}\" looks like its value but was not placed (see notes)"),
            ),
        };
        format!("{zh} ({en})")
    }
}

fn zh_field(f: &str) -> &str {
    match f {
        "indicators" => "指标",
        "indicators[].target" => "指标值",
        // A field that is a flat column is named as its column.
        other => crate::schema::zh_of_field(other).unwrap_or(other),
    }
}

/// A file that gave no records, as listed in `errors`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileError {
    pub file: String,
    pub kind: crate::error::ErrorKind,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_keys_stay_unique_and_in_place() {
        let mut e = Extra::default();
        for (k, v) in [
            ("a", "1"),
            ("其中:财政拨款", "2"),
            ("资金总额/其中:财政拨款", "3"),
        ] {
            e.insert(k, v.to_string());
        }
        e.rename_all([(1, "资金总额/其中:财政拨款".to_string())]);
        let keys: Vec<&str> = e.0.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["a", "资金总额/其中:财政拨款 (2)", "资金总额/其中:财政拨款"]
        );
        // Inserting after a rename sees the new keys.
        e.insert("资金总额/其中:财政拨款", "4".to_string());
        assert_eq!(e.0[3].0, "资金总额/其中:财政拨款 (3)");
    }
}
