//! `jixiao diff OLD NEW`: what changed between two sets of tables (two
//! files, folders, or one year's archive and the next). Tables pair by unit
//! and `project_key`, several years of one project in year order; indicators
//! pair by level path + 三级指标: exact, then normalised (width, spaces,
//! punctuation), then by edit distance within a threshold (reported as
//! renamed). Reports budget changes, indicators added / removed / renamed
//! and target changes with their direction.

use crate::check::project_key;
use crate::model::{Indicator, Table, TargetValue};
use crate::write::Format;
use serde::Serialize;

/// How a target moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Raised,
    Lowered,
    UnitChanged,
    /// Same number and unit, written differently (comparator, words).
    Changed,
}

impl Direction {
    pub fn zh(self) -> &'static str {
        match self {
            Direction::Raised => "提高",
            Direction::Lowered => "降低",
            Direction::UnitChanged => "单位改变",
            Direction::Changed => "改写",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorRef {
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub level3: Option<String>,
    pub target: Option<String>,
}

fn iref(i: &Indicator) -> IndicatorRef {
    IndicatorRef {
        level1: i.level1.clone(),
        level2: i.level2.clone(),
        level3: i.level3.clone(),
        target: i.target.as_ref().map(|t| t.raw.clone()),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetChange {
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub level3: Option<String>,
    pub old: String,
    pub new: String,
    pub direction: Direction,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Renamed {
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub old: String,
    pub new: String,
    /// `normalised` or `edit distance N`.
    pub how: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Where a table came from, short.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRef {
    pub file: String,
    pub table: u32,
    pub project_name: Option<String>,
    pub year: Option<i32>,
}

fn tref(t: &Table) -> TableRef {
    TableRef {
        file: t.source.file.clone(),
        table: t.source.table,
        project_name: t.project_name.clone(),
        year: t.year,
    }
}

/// One project in both versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pair {
    pub unit: Option<String>,
    pub project_key: Option<String>,
    pub old: TableRef,
    pub new: TableRef,
    pub budget: Vec<BudgetChange>,
    pub added: Vec<IndicatorRef>,
    pub removed: Vec<IndicatorRef>,
    pub renamed: Vec<Renamed>,
    pub targets: Vec<TargetChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub schema: &'static str,
    pub pairs: Vec<Pair>,
    pub added_tables: Vec<TableRef>,
    pub removed_tables: Vec<TableRef>,
}

/// The key tables pair on: unit and project key.
fn key(t: &Table) -> (Option<String>, Option<String>) {
    (t.unit_name.clone(), project_key(t))
}

/// Pairs `old` and `new` tables and compares each pair.
pub fn diff(old: &[Table], new: &[Table]) -> Diff {
    // Groups by key in a map, each key made once per table, in the order
    // keys first appear (a list scanned for each key was quadratic: 10,010
    // tables a side took 50 s).
    type Key = (Option<String>, Option<String>);
    let mut group_of: std::collections::HashMap<Key, usize> = std::collections::HashMap::new();
    let mut groups: Vec<(Vec<&Table>, Vec<&Table>)> = Vec::new();
    for (t, is_new) in old
        .iter()
        .map(|t| (t, false))
        .chain(new.iter().map(|t| (t, true)))
    {
        let g = *group_of.entry(key(t)).or_insert_with(|| {
            groups.push((Vec::new(), Vec::new()));
            groups.len() - 1
        });
        if is_new {
            groups[g].1.push(t);
        } else {
            groups[g].0.push(t);
        }
    }
    let mut out = Diff {
        schema: "jixiao-diff/1",
        pairs: Vec::new(),
        added_tables: Vec::new(),
        removed_tables: Vec::new(),
    };
    for (mut a, mut b) in groups {
        // Several years of one project: pair them in year order.
        a.sort_by_key(|t| t.year);
        b.sort_by_key(|t| t.year);
        let n = a.len().min(b.len());
        // Unmatched older years drop out first: the newest versions pair.
        let (a_rest, a_pair) = a.split_at(a.len() - n);
        let (b_pair, b_rest) = b.split_at(n);
        for (x, y) in a_pair.iter().zip(b_pair) {
            out.pairs.push(compare(x, y));
        }
        out.removed_tables.extend(a_rest.iter().map(|t| tref(t)));
        out.added_tables.extend(b_rest.iter().map(|t| tref(t)));
    }
    out
}

fn budget(x: &Table, y: &Table) -> Vec<BudgetChange> {
    let s = |d: Option<rust_decimal::Decimal>| d.map(|d| d.to_string());
    [
        ("total", x.budget.total, y.budget.total),
        ("fiscal", x.budget.fiscal, y.budget.fiscal),
        ("other", x.budget.other, y.budget.other),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .map(|(field, a, b)| BudgetChange {
        field,
        old: s(a),
        new: s(b),
    })
    .collect()
}

/// 三级 for matching: full-width folded, without spaces and punctuation.
fn normalised(s: &str) -> String {
    crate::normalize::text::fold_width(s)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// Levenshtein distance on characters, with the caller's two row buffers.
fn distance(a: &[char], b: &[char], prev: &mut Vec<usize>, cur: &mut Vec<usize>) -> usize {
    prev.clear();
    prev.extend(0..=b.len());
    for (i, ca) in a.iter().enumerate() {
        cur.clear();
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let v = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            cur.push(v);
        }
        std::mem::swap(prev, cur);
    }
    prev[b.len()]
}

/// Renamed when at most a third of the longer name changed (at least 1).
#[cfg(test)]
fn close_enough(a: &str, b: &str) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    close_chars(&a, &b, &mut Vec::new(), &mut Vec::new())
}

fn close_chars(
    a: &[char],
    b: &[char],
    prev: &mut Vec<usize>,
    cur: &mut Vec<usize>,
) -> Option<usize> {
    let longest = a.len().max(b.len());
    let most = (longest / 3).max(1);
    // The distance is at least the difference in length.
    if a.len().abs_diff(b.len()) > most {
        return None;
    }
    let d = distance(a, b, prev, cur);
    (d <= most).then_some(d)
}

/// Names longer than this are paired exactly or normalised only: a real
/// 三级指标 is a few dozen characters, and edit distance is their product.
const MAX_FUZZY_CHARS: usize = 256;
/// Names of one level compared by edit distance with each name at most:
/// those closest in length on either side (all of them in any real table).
const FUZZY_CANDIDATES: usize = 64;

/// For each old indicator, the new one it pairs with and how (`None`:
/// exactly): exact, then normalised, then by edit distance.
fn match_indicators(a: &[Indicator], b: &[Indicator]) -> (Vec<Option<usize>>, Vec<Option<String>>) {
    use std::collections::{BTreeSet, HashMap, VecDeque};
    let mut pair_of: Vec<Option<usize>> = vec![None; a.len()];
    let mut taken = vec![false; b.len()];
    let mut how: Vec<Option<String>> = vec![None; a.len()];
    let l3 = |i: &Indicator| i.level3.clone().unwrap_or_default();
    let level = |i: &Indicator| (i.level1.clone(), i.level2.clone());
    // Pass 1 exact, pass 2 normalised: each old indicator in order takes the
    // first free new one of its level with the same name, from a map of
    // queues (every pair was compared before, with copies made per pair:
    // 1,250 indicators took 6 s).
    for pass in 0..2 {
        let name = |i: &Indicator| {
            let n = l3(i);
            if pass == 0 {
                n
            } else {
                normalised(&n)
            }
        };
        let mut free: HashMap<_, VecDeque<usize>> = HashMap::new();
        for (j, bj) in b.iter().enumerate().filter(|(j, _)| !taken[*j]) {
            free.entry((level(bj), name(bj))).or_default().push_back(j);
        }
        for (i, ai) in a.iter().enumerate() {
            if pair_of[i].is_some() {
                continue;
            }
            if let Some(j) = free
                .get_mut(&(level(ai), name(ai)))
                .and_then(VecDeque::pop_front)
            {
                pair_of[i] = Some(j);
                taken[j] = true;
                how[i] = (pass == 1).then(|| "normalised".to_string());
            }
        }
    }
    // Pass 3, edit distance, closest first (then the first new one): only
    // among free names of the same level whose length allows it, the
    // closest in length, at most FUZZY_CANDIDATES on each side.
    let chars = |i: &Indicator| -> Vec<char> { l3(i).chars().collect() };
    let b_chars: Vec<Vec<char>> = b.iter().map(chars).collect();
    let mut by_level: HashMap<_, BTreeSet<(usize, usize)>> = HashMap::new();
    for (j, bj) in b.iter().enumerate() {
        if !taken[j] && b_chars[j].len() <= MAX_FUZZY_CHARS {
            by_level
                .entry(level(bj))
                .or_default()
                .insert((b_chars[j].len(), j));
        }
    }
    let (mut prev, mut cur) = (Vec::new(), Vec::new());
    for (i, ai) in a.iter().enumerate() {
        if pair_of[i].is_some() {
            continue;
        }
        let ac = chars(ai);
        if ac.len() > MAX_FUZZY_CHARS {
            continue;
        }
        let Some(free) = by_level.get_mut(&level(ai)) else {
            continue;
        };
        let (lo, hi) = (
            ac.len().saturating_sub((ac.len() / 3).max(1)),
            ac.len() + (ac.len() / 2).max(1) + 1,
        );
        let up = free.range((ac.len(), 0)..(hi, 0)).take(FUZZY_CANDIDATES);
        let down = free
            .range((lo, 0)..(ac.len(), 0))
            .rev()
            .take(FUZZY_CANDIDATES);
        let mut best: Option<(usize, usize)> = None;
        for &(_, j) in up.chain(down) {
            if let Some(d) = close_chars(&ac, &b_chars[j], &mut prev, &mut cur) {
                if best.is_none_or(|(bj, bd)| (d, j) < (bd, bj)) {
                    best = Some((j, d));
                }
            }
        }
        if let Some((j, d)) = best {
            free.remove(&(b_chars[j].len(), j));
            pair_of[i] = Some(j);
            taken[j] = true;
            how[i] = Some(format!("edit distance {d}"));
        }
    }
    (pair_of, how)
}

fn compare(x: &Table, y: &Table) -> Pair {
    let (a, b) = (&x.indicators, &y.indicators);
    let (pair_of, how) = match_indicators(a, b);
    let mut taken = vec![false; b.len()];
    for j in pair_of.iter().flatten() {
        taken[*j] = true;
    }
    let l3 = |i: &Indicator| i.level3.clone().unwrap_or_default();
    let mut p = Pair {
        unit: y.unit_name.clone(),
        project_key: project_key(y),
        old: tref(x),
        new: tref(y),
        budget: budget(x, y),
        added: Vec::new(),
        removed: Vec::new(),
        renamed: Vec::new(),
        targets: Vec::new(),
    };
    for (i, ai) in a.iter().enumerate() {
        let Some(j) = pair_of[i] else {
            p.removed.push(iref(ai));
            continue;
        };
        let bj = &b[j];
        if let Some(h) = &how[i] {
            p.renamed.push(Renamed {
                level1: bj.level1.clone(),
                level2: bj.level2.clone(),
                old: l3(ai),
                new: l3(bj),
                how: h.clone(),
            });
        }
        if let Some(c) = target_change(ai.target.as_ref(), bj.target.as_ref()) {
            p.targets.push(TargetChange {
                level1: bj.level1.clone(),
                level2: bj.level2.clone(),
                level3: bj.level3.clone(),
                old: c.0,
                new: c.1,
                direction: c.2,
            });
        }
    }
    for (j, bj) in b.iter().enumerate() {
        if !taken[j] {
            p.added.push(iref(bj));
        }
    }
    p
}

fn target_change(
    a: Option<&TargetValue>,
    b: Option<&TargetValue>,
) -> Option<(String, String, Direction)> {
    let raw = |t: Option<&TargetValue>| t.map(|t| t.raw.clone()).unwrap_or_default();
    if raw(a) == raw(b) {
        return None;
    }
    let direction = match (a, b) {
        (Some(x), Some(y)) if x.unit != y.unit && x.value.is_some() && y.value.is_some() => {
            Direction::UnitChanged
        }
        (Some(x), Some(y)) => match (x.upper.or(x.value), y.upper.or(y.value)) {
            (Some(v), Some(w)) if w > v => Direction::Raised,
            (Some(v), Some(w)) if w < v => Direction::Lowered,
            _ => Direction::Changed,
        },
        _ => Direction::Changed,
    };
    Some((raw(a), raw(b), direction))
}

/// The report in `format` ([`crate::write::Format::DIFF`]): text, JSON
/// or a workbook.
pub fn report(d: &Diff, format: Format) -> std::io::Result<Vec<u8>> {
    match format {
        Format::Text => Ok(text(d).into_bytes()),
        Format::Json => serde_json::to_vec_pretty(d)
            .map(|mut v| {
                v.push(b'\n');
                v
            })
            .map_err(std::io::Error::other),
        Format::Xlsx => workbook(d),
        Format::Jsonl | Format::Csv | Format::Sqlite => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("diff writes no {}", format.name()),
        )),
    }
}

/// The text report.
pub fn text(d: &Diff) -> String {
    let mut s = String::new();
    let name = |t: &TableRef| {
        format!(
            "{} 表 {} {}",
            t.file,
            t.table,
            t.project_name.as_deref().unwrap_or("(无项目名称)")
        )
    };
    for p in &d.pairs {
        s.push_str(&format!(
            "{} / {}\n  旧 (old): {}\n  新 (new): {}\n",
            p.unit.as_deref().unwrap_or("(无单位)"),
            p.project_key.as_deref().unwrap_or("(无项目名称)"),
            name(&p.old),
            name(&p.new)
        ));
        for b in &p.budget {
            s.push_str(&format!(
                "  预算 (budget) {}: {} → {}\n",
                b.field,
                b.old.as_deref().unwrap_or("—"),
                b.new.as_deref().unwrap_or("—")
            ));
        }
        for r in &p.renamed {
            s.push_str(&format!(
                "  改名 (renamed) {}/{}: {} → {} ({})\n",
                r.level1.as_deref().unwrap_or(""),
                r.level2.as_deref().unwrap_or(""),
                r.old,
                r.new,
                r.how
            ));
        }
        for t in &p.targets {
            s.push_str(&format!(
                "  指标值 (target) {}: {} → {} {} ({})\n",
                t.level3.as_deref().unwrap_or(""),
                t.old,
                t.new,
                t.direction.zh(),
                serde_json::to_value(t.direction)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            ));
        }
        for (sign, list, zh) in [
            ("-", &p.removed, "删除 (removed)"),
            ("+", &p.added, "新增 (added)"),
        ] {
            for i in list {
                s.push_str(&format!(
                    "  {sign} {zh} {}/{}/{}: {}\n",
                    i.level1.as_deref().unwrap_or(""),
                    i.level2.as_deref().unwrap_or(""),
                    i.level3.as_deref().unwrap_or(""),
                    i.target.as_deref().unwrap_or("—")
                ));
            }
        }
        s.push('\n');
    }
    for t in &d.removed_tables {
        s.push_str(&format!("- 只在旧版中 (only in OLD): {}\n", name(t)));
    }
    for t in &d.added_tables {
        s.push_str(&format!("+ 只在新版中 (only in NEW): {}\n", name(t)));
    }
    let (mut changed, mut added, mut removed) = (0, 0, 0);
    for p in &d.pairs {
        changed += p.targets.len();
        added += p.added.len();
        removed += p.removed.len();
    }
    s.push_str(&format!(
        "{} 个项目配对，{} 个指标值变化，{} 个指标新增，{} 个删除；{} 张表只在新版，{} 张只在旧版 \
         ({} projects paired, {changed} targets changed, {added} indicators added, {removed} removed; {} tables only in NEW, {} only in OLD)\n",
        d.pairs.len(),
        changed,
        added,
        removed,
        d.added_tables.len(),
        d.removed_tables.len(),
        d.pairs.len(),
        d.added_tables.len(),
        d.removed_tables.len()
    ));
    s
}

/// One row per change, for the xlsx sheet 变化.
fn rows(d: &Diff) -> Vec<[String; 10]> {
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    let mut out = Vec::new();
    for p in &d.pairs {
        let head = |kind: &str| {
            [
                o(&p.unit),
                o(&p.project_key),
                format!("{} 表 {}", p.old.file, p.old.table),
                format!("{} 表 {}", p.new.file, p.new.table),
                kind.to_string(),
            ]
        };
        for b in &p.budget {
            let [a, b0, c, d0, e] = head("预算 budget");
            out.push([
                a,
                b0,
                c,
                d0,
                e,
                b.field.to_string(),
                String::new(),
                o(&b.old),
                o(&b.new),
                String::new(),
            ]);
        }
        for r in &p.renamed {
            let [a, b0, c, d0, e] = head("改名 renamed");
            out.push([
                a,
                b0,
                c,
                d0,
                e,
                o(&r.level1),
                o(&r.level2),
                r.old.clone(),
                r.new.clone(),
                r.how.clone(),
            ]);
        }
        for t in &p.targets {
            let [a, b0, c, d0, e] = head("指标值 target");
            let dir = format!("{} {:?}", t.direction.zh(), t.direction);
            out.push([
                a,
                b0,
                c,
                d0,
                e,
                o(&t.level1),
                o(&t.level2),
                format!("{}: {}", o(&t.level3), t.old),
                t.new.clone(),
                dir,
            ]);
        }
        for (kind, list) in [("删除 removed", &p.removed), ("新增 added", &p.added)] {
            for i in list {
                let [a, b0, c, d0, e] = head(kind);
                out.push([
                    a,
                    b0,
                    c,
                    d0,
                    e,
                    o(&i.level1),
                    o(&i.level2),
                    o(&i.level3),
                    o(&i.target),
                    String::new(),
                ]);
            }
        }
    }
    for (kind, list) in [
        ("只在旧版 only in OLD", &d.removed_tables),
        ("只在新版 only in NEW", &d.added_tables),
    ] {
        for t in list {
            let r = format!("{} 表 {}", t.file, t.table);
            out.push([
                String::new(),
                o(&t.project_name),
                r.clone(),
                r,
                kind.to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
    }
    out
}

/// The xlsx report: sheet 变化, one row per change.
pub fn workbook(d: &Diff) -> std::io::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| std::io::Error::other(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("变化").map_err(err)?;
    let bold = Format::new().set_bold();
    let head = [
        "单位",
        "项目",
        "旧表",
        "新表",
        "变化",
        "一级指标/字段",
        "二级指标",
        "旧",
        "新",
        "方向/方式",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(err)?;
        ws.set_column_width(c as u16, 18).map_err(err)?;
    }
    for (r, row) in rows(d).iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, crate::write::cell::fit_cell(v))
                    .map_err(err)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_pair_by_edit_distance_within_a_third() {
        assert_eq!(close_enough("信息化运维时效", "信息化运维时限"), Some(1));
        assert_eq!(close_enough("用户满意度", "硬件设备维护数量"), None);
        assert_eq!(
            normalised("系统 正常运行率（%）"),
            normalised("系统正常运行率(%)")
        );
    }

    /// The matching as it was before issue 21 (every pair compared in each
    /// pass): the maps must pair alike wherever the candidate bound is not
    /// reached.
    fn quadratic(a: &[Indicator], b: &[Indicator]) -> (Vec<Option<usize>>, Vec<Option<String>>) {
        let mut pair_of: Vec<Option<usize>> = vec![None; a.len()];
        let mut taken = vec![false; b.len()];
        let mut how: Vec<Option<String>> = vec![None; a.len()];
        let l3 = |i: &Indicator| i.level3.clone().unwrap_or_default();
        let same_level =
            |a: &Indicator, b: &Indicator| a.level1 == b.level1 && a.level2 == b.level2;
        for pass in 0..3 {
            for (i, ai) in a.iter().enumerate() {
                if pair_of[i].is_some() {
                    continue;
                }
                let mut best: Option<(usize, usize)> = None;
                for (j, bj) in b.iter().enumerate() {
                    if taken[j] || !same_level(ai, bj) {
                        continue;
                    }
                    let score = match pass {
                        0 => (l3(ai) == l3(bj)).then_some(0),
                        1 => (normalised(&l3(ai)) == normalised(&l3(bj))).then_some(0),
                        _ => close_enough(&l3(ai), &l3(bj)),
                    };
                    if let Some(s) = score {
                        if best.is_none_or(|(_, d)| s < d) {
                            best = Some((j, s));
                        }
                    }
                }
                if let Some((j, d)) = best {
                    pair_of[i] = Some(j);
                    taken[j] = true;
                    how[i] = match pass {
                        0 => None,
                        1 => Some("normalised".to_string()),
                        _ => Some(format!("edit distance {d}")),
                    };
                }
            }
        }
        (pair_of, how)
    }

    fn ind(l1: usize, l3: &str) -> Indicator {
        Indicator {
            level1: Some(["产出指标", "效益指标"][l1].into()),
            level2: Some("数量指标".into()),
            level3: (!l3.is_empty()).then(|| l3.to_string()),
            ..Indicator::default()
        }
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn maps_pair_as_the_quadratic_scan(
            a in proptest::collection::vec((0usize..2, "[完成数率 ]{0,6}"), 0..12),
            b in proptest::collection::vec((0usize..2, "[完成数率 ]{0,6}"), 0..12),
        ) {
            let a: Vec<Indicator> = a.iter().map(|(l, s)| ind(*l, s)).collect();
            let b: Vec<Indicator> = b.iter().map(|(l, s)| ind(*l, s)).collect();
            prop_assert_eq!(match_indicators(&a, &b), quadratic(&a, &b));
        }
    }
}
