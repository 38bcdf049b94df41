//! The flat row: a table and its indicators in [`crate::schema`]'s
//! columns, one row per indicator (one for a table without any). CSV,
//! JSONL, the flat xlsx sheet, `check`'s workbook and the Python package
//! all write these rows; notes and enum values in the clerk's words when
//! the headers are Chinese.

use super::json::json_escaped;
use crate::model::{Indicator, Note, Table, TableKind, TargetKind};
use crate::schema::{ROW_COLUMNS, TABLE_COLUMNS};
use rust_decimal::Decimal;
use std::borrow::Cow;

/// Which header names the flat outputs use. Chinese headers also give
/// Chinese enum values (表类型 项目, 指标类型 定量); English keep SCHEMA's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    Zh,
    En,
}

/// How 其他 (extra) is written in a flat row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtraStyle {
    /// Compact JSON (`{"主管部门":"…"}`): JSONL, xlsx (read back exactly).
    Json,
    /// `键：值；键：值`, which a clerk can read and filter (CSV with Chinese headers).
    Text,
}

fn kind_name(k: TableKind, h: Headers) -> &'static str {
    match (h, k) {
        (Headers::En, _) => k.as_str(),
        (Headers::Zh, TableKind::Project) => "项目",
        (Headers::Zh, TableKind::SelfEvaluation) => "自评",
        (Headers::Zh, TableKind::Department) => "部门整体",
    }
}

fn target_kind_name(k: TargetKind, h: Headers) -> &'static str {
    match (h, k) {
        (Headers::En, _) => k.as_str(),
        (Headers::Zh, TargetKind::Quantitative) => "定量",
        (Headers::Zh, TargetKind::Qualitative) => "定性",
    }
}

/// A rule of the normaliser in the clerk's words.
pub(super) fn rule_name(rule: &str, h: Headers) -> &str {
    if h == Headers::En {
        return rule;
    }
    match rule {
        "vocabulary: edit distance 1" => "错别字修正",
        "vocabulary: alias" => "同义名称统一",
        "vocabulary: decoration removed" => "去掉分值、空格等修饰",
        "vocabulary: 指标 added" => "补上“指标”二字",
        "unknown level label" => "未知的指标级别名称，按原文保留",
        "number: written form normalised" => "数字写法统一",
        "type column disagrees: kind kept as read" => "指标类型列与指标值不一致，按原文",
        "unplaced" => "未能归入任何字段",
        other => other,
    }
}

/// A note's field in the clerk's words: the flat column it belongs to.
fn field_name(path: &str, h: Headers) -> String {
    let key = path.replace('.', "_");
    let key = match key.as_str() {
        "target" => "target_raw",
        "actual" | "actual_value" => "actual_raw",
        k => k,
    };
    match crate::schema::column(key) {
        Some(c) => (if h == Headers::Zh { c.zh } else { c.en }).to_string(),
        None => path.to_string(),
    }
}

/// One note as readable text: `二级指标: 质量指表 → 质量指标 (错别字修正)`.
pub fn note_text(n: &Note, h: Headers) -> String {
    let field = field_name(split_note_field(&n.field).1, h);
    let mut s = format!("{field}: {}", n.raw);
    if let Some(to) = &n.normalized {
        s.push_str(" → ");
        s.push_str(to);
    }
    s.push_str(" (");
    s.push_str(rule_name(&n.rule, h));
    s.push(')');
    s
}

/// `indicators[3].level2` → (Some(3), "level2"); anything else is the table's.
pub fn split_note_field(field: &str) -> (Option<usize>, &str) {
    if let Some(rest) = field.strip_prefix("indicators[") {
        if let Some((n, tail)) = rest.split_once(']') {
            if let Ok(i) = n.parse::<usize>() {
                return (Some(i), tail.strip_prefix('.').unwrap_or(tail));
            }
        }
    }
    (None, field)
}

fn join_notes(parts: &[&str], h: Headers) -> Option<String> {
    (!parts.is_empty()).then(|| parts.join(if h == Headers::Zh { "；" } else { "; " }))
}

/// A table's flat rows: its own part is rendered once, each indicator's part
/// row by row ([`FlatTable::row`]), borrowing the table's text.
pub struct FlatTable<'a> {
    t: &'a Table,
    headers: Headers,
    extra_style: ExtraStyle,
    /// The first [`TABLE_COLUMNS`] values.
    pub head: [Option<String>; TABLE_COLUMNS],
    /// 其他 of a row whose indicator has no extras of its own: the table's,
    /// rendered once.
    table_extra: Option<String>,
    table_notes: Vec<String>,
    /// 说明 of a row whose indicator has no notes: the table's, joined once.
    table_notes_joined: Option<String>,
    /// Per indicator, its notes' texts.
    indicator_notes: Vec<Vec<String>>,
}

impl<'a> FlatTable<'a> {
    pub fn new(t: &'a Table, headers: Headers, extra_style: ExtraStyle) -> FlatTable<'a> {
        let s = |x: &Option<String>| x.clone();
        let d = |x: &Option<Decimal>| x.map(decimal_text);
        let head = [
            Some(t.source.file.clone()),
            Some(t.source.table.to_string()),
            t.seq.map(|n| n.to_string()),
            s(&t.title),
            Some(kind_name(t.kind, headers).to_string()),
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
        ];
        let mut table_notes = Vec::new();
        let mut indicator_notes = vec![Vec::new(); t.indicators.len()];
        for n in &t.notes {
            let text = note_text(n, headers);
            match split_note_field(&n.field).0 {
                Some(i) if i < indicator_notes.len() => indicator_notes[i].push(text),
                _ => table_notes.push(text),
            }
        }
        let parts: Vec<&str> = table_notes.iter().map(String::as_str).collect();
        let table_notes_joined = join_notes(&parts, headers);
        let table_extra = render_extra(extra_style, &t.extra.0, &[]);
        FlatTable {
            t,
            headers,
            extra_style,
            head,
            table_extra,
            table_notes,
            table_notes_joined,
            indicator_notes,
        }
    }

    /// How many rows: one per indicator, or one for a table without any,
    /// so no table is lost.
    pub fn rows(&self) -> usize {
        self.t.indicators.len().max(1)
    }

    /// The indicator part of row `i` ([`ROW_COLUMNS`] values).
    pub fn row(&self, i: usize) -> [Option<Cow<'_, str>>; ROW_COLUMNS] {
        let h = self.headers;
        let ind = self.t.indicators.get(i);
        let b = |x: &'a Option<String>| x.as_deref().map(Cow::Borrowed);
        let d = |x: Option<Decimal>| x.map(|d| Cow::Owned(decimal_text(d)));
        let target = ind.and_then(|i| i.target.as_ref());
        let own_notes = ind
            .and_then(|_| self.indicator_notes.get(i))
            .filter(|v| !v.is_empty());
        let notes = match own_notes {
            None => self.table_notes_joined.as_deref().map(Cow::Borrowed),
            Some(own) => {
                let mut parts: Vec<&str> = own.iter().map(String::as_str).collect();
                parts.extend(self.table_notes.iter().map(String::as_str));
                join_notes(&parts, h).map(Cow::Owned)
            }
        };
        [
            ind.and_then(|i| b(&i.level1)),
            ind.and_then(|i| b(&i.level2)),
            ind.and_then(|i| b(&i.level3)),
            ind.and_then(|i| b(&i.description)),
            target.map(|t| Cow::Borrowed(t.raw.as_str())),
            target.map(|t| Cow::Borrowed(target_kind_name(t.kind, h))),
            target.and_then(|t| t.op.map(|o| Cow::Borrowed(o.as_str()))),
            target.and_then(|t| d(t.value)),
            target.and_then(|t| d(t.upper)),
            target.and_then(|t| b(&t.unit)),
            ind.and_then(|i| d(i.weight)),
            ind.and_then(|i| i.actual.as_ref().map(|a| Cow::Borrowed(a.raw.as_str()))),
            ind.and_then(|i| d(i.score)),
            ind.and_then(|i| b(&i.remark)),
            self.extra(ind),
            ind.map(|i| Cow::Borrowed(i.locator.as_str())),
            notes,
        ]
    }

    /// The table's and the indicator's extras, merged (a repeated key keeps
    /// the indicator's value, as a JSON object would).
    pub fn extra(&self, ind: Option<&Indicator>) -> Option<Cow<'_, str>> {
        match ind.map(|i| i.extra.0.as_slice()).unwrap_or_default() {
            [] => self.table_extra.as_deref().map(Cow::Borrowed),
            own => render_extra(self.extra_style, &self.t.extra.0, own).map(Cow::Owned),
        }
    }
}

/// `table`'s extras then `own`'s, a repeated key keeping `own`'s value in
/// the first one's place (as serde_json's order-preserving map does).
fn render_extra(
    style: ExtraStyle,
    table: &[(String, String)],
    own: &[(String, String)],
) -> Option<String> {
    if own.is_empty() && table.is_empty() {
        return None;
    }
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(table.len() + own.len());
    for (k, v) in table.iter().chain(own) {
        match pairs.iter_mut().find(|(x, _)| *x == k.as_str()) {
            Some(p) => p.1 = v,
            None => pairs.push((k, v)),
        }
    }
    Some(match style {
        ExtraStyle::Json => {
            // Compact JSON, as `serde_json::Value::to_string` writes an object.
            let mut out = String::with_capacity(64);
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_escaped(k, |p| out.push_str(p));
                out.push(':');
                json_escaped(v, |p| out.push_str(p));
            }
            out.push('}');
            out
        }
        ExtraStyle::Text => pairs
            .iter()
            .map(|(k, v)| format!("{k}：{v}"))
            .collect::<Vec<_>>()
            .join("；"),
    })
}

/// Every flat row of a table, whole (SCHEMA's English enum values, 其他 as
/// JSON): for callers that colour or inspect cells rather than stream rows.
pub fn flat_rows(t: &Table) -> Vec<Vec<Option<String>>> {
    let f = FlatTable::new(t, Headers::En, ExtraStyle::Json);
    (0..f.rows())
        .map(|i| {
            let mut v = f.head.to_vec();
            v.extend(f.row(i).into_iter().map(|c| c.map(Cow::into_owned)));
            v
        })
        .collect()
}

/// A decimal exactly as its `Display` writes it (the sign, even of a
/// negative zero; the digits; the scale kept, `0.80`), without the
/// formatter's per-digit division of the 96-bit mantissa: a written number
/// is cut in two at most.
pub(super) fn decimal_text(d: Decimal) -> String {
    let scale = d.scale() as usize;
    let digits = match u64::try_from(d.mantissa().unsigned_abs()) {
        Ok(m) => m.to_string(),
        Err(_) => return d.to_string(),
    };
    let digits = if digits == "0" { "" } else { digits.as_str() };
    let mut out = String::with_capacity(digits.len().max(scale) + 3);
    if d.is_sign_negative() {
        out.push('-');
    }
    if digits.len() > scale {
        let (whole, frac) = digits.split_at(digits.len() - scale);
        out.push_str(whole);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
    } else if scale == 0 {
        out.push('0');
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(digits);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn extra_json_is_serde_jsons(
            table in proptest::collection::vec(("[a-c\"\\\\\u{1}中]{0,3}", any::<String>()), 0..4),
            own in proptest::collection::vec(("[a-c\"\\\\\u{1}中]{0,3}", any::<String>()), 0..4),
        ) {
            let mut m = serde_json::Map::new();
            for (k, v) in table.iter().chain(&own) {
                m.insert(k.clone(), serde_json::Value::String(v.clone()));
            }
            let want = (!m.is_empty()).then(|| serde_json::Value::Object(m).to_string());
            prop_assert_eq!(render_extra(ExtraStyle::Json, &table, &own), want);
        }
    }
    proptest! {
        #[test]
        fn decimals_are_written_as_display_writes_them(
            m in any::<i64>(), big in any::<i128>(), scale in 0u32..=28, neg in any::<bool>(), small in 0i64..1000,
        ) {
            for m in [i128::from(m), big % 79_228_162_514_264_337_593_543_950_335, i128::from(small), 0] {
                let mut d = Decimal::from_i128_with_scale(m, scale);
                if neg {
                    d.set_sign_negative(true);
                }
                prop_assert_eq!(decimal_text(d), d.to_string());
            }
        }
    }
}
