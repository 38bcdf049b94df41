//! The header block: title, unit, money, project, goals. Labels are read
//! left to right as label | value pairs, or as a row of labels over a row of
//! values; a section label (预算规模及资金用途) merged down its rows owns the
//! free text beside it. Whatever is not recognised goes to `extra`, and a
//! cell that fits nowhere to `notes`.

use super::lexicon::words::{self, MONEY_UNITS};
use super::lexicon::{header_label, HeaderLabel, Matched};
use super::notes::{number_note, unknown_label, unplaced_note};
use super::target::parse_amount;
use super::text::{clean, is_cjk, label_key, split_bracket, strip_leading_year, strip_numbering};

/// A header value: not empty, not a placeholder, and not a template prompt
/// (`XX`, `（签章）`), which are never a value.
fn value(s: &str) -> Option<String> {
    super::text::value(s).filter(|v| !super::text::is_prompt(v))
}
/// [`value`] is some, without making the value: whitespace changes neither
/// a placeholder nor a prompt.
fn filled(s: &str) -> bool {
    !super::text::is_placeholder(s) && !super::text::is_prompt(s)
}

mod patterns;

use super::reading::{GridReadings, Readings};
use super::{anchors, RowRef};
use crate::grid::Grid;
use crate::model::{Budget, Extra, Note, Source, Table, TableKind};
pub use patterns::{Explained, PATTERNS};
use std::collections::HashMap;

/// Whether a line names a 绩效目标表 (a heading or a title row).
pub fn names_a_table(text: &str) -> bool {
    if !text.contains(words::TABLE_CHAR) {
        return false;
    }
    let k = label_key(text);
    words::TABLE_NAMES.iter().any(|w| k.contains(w)) && k.chars().count() <= 120
}

/// A cell holding a label and its value: `单位：万元`, `部门:505_某局`.
pub(crate) fn inline_pair(text: &str) -> Option<(Matched, String, String)> {
    let t = text.trim();
    let i = super::text::find_colon(t)?;
    let (label, rest) = (&t[..i], &t[i..]);
    let value = rest.trim_start_matches(['：', ':']).trim();
    let m = header_label(label)?;
    if value.is_empty() || m.sub_item {
        return None;
    }
    Some((m, clean(label), value.to_string()))
}

/// A cell holding a money label and its amount: `其中：财政拨款 50.00`,
/// `年度资金总额：120.5万元`.
fn label_and_amount(text: &str) -> Option<(Matched, String, String)> {
    let t = text.trim();
    let t = MONEY_UNITS
        .iter()
        .find_map(|u| t.strip_suffix(u))
        .unwrap_or(t);
    let start = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| {
            c.is_ascii_digit() || matches!(c, '.' | ',' | '，') || ('０'..='９').contains(c)
        })
        .last()
        .map(|(i, _)| i)?;
    let (label, amount) = (t[..start].trim(), t[start..].trim());
    let label = label.trim_end_matches(['：', ':']).trim();
    if label.is_empty() || parse_amount(amount).is_none() {
        return None;
    }
    let m = header_label(label)?;
    matches!(
        m.label,
        HeaderLabel::Total | HeaderLabel::Fiscal | HeaderLabel::Other | HeaderLabel::MultiYearTotal
    )
    .then(|| (m, clean(label), amount.to_string()))
}

/// Every `label:value` pair of a line: `部门:505_某局 金额单位:万元`. Text
/// after a value that starts no pair of its own continues that value.
fn inline_pairs(line: &str) -> Vec<(Matched, String, String)> {
    let mut out: Vec<(Matched, String, String)> = Vec::new();
    for seg in line.split_whitespace() {
        if let Some(pair) = inline_pair(seg) {
            out.push(pair);
            continue;
        }
        // `预算单位: 奉节县…`: a label whose value follows a space.
        let bare = seg.strip_suffix(['：', ':']).and_then(|l| {
            let m = header_label(l).filter(|m| !m.sub_item)?;
            Some((m, clean(l)))
        });
        if let Some((m, l)) = bare {
            out.push((m, l, String::new()));
        } else if let Some((_, _, v)) = out.last_mut() {
            if !v.is_empty() {
                v.push(' ');
            }
            v.push_str(seg);
        }
    }
    out.retain(|(_, _, v)| !v.is_empty());
    out
}

/// Whether a row holds any header label (so its grid is part of a table),
/// and whether it is *strong*: it names the project, the unit, the money or
/// the table, so it starts a new header block rather than being a stray row.
pub fn classify_row(grid: &Grid, rd: &GridReadings<'_>, row: u32) -> (bool, bool) {
    let strong_label = |l: HeaderLabel| {
        matches!(
            l,
            HeaderLabel::ProjectName
                | HeaderLabel::Unit
                | HeaderLabel::UnitCode
                | HeaderLabel::Total
        )
    };
    let (mut labelled, mut strong) = (false, false);
    for (c, _) in super::each_anchor(grid, row) {
        let reading = rd.at(row, c);
        if reading.names_table {
            return (true, true);
        }
        if let Some(m) = &reading.label {
            labelled = true;
            strong |= strong_label(m.label);
        } else if let Some(l) = reading.inline {
            labelled = true;
            strong |= strong_label(l) || l == HeaderLabel::MoneyUnit;
        }
    }
    (labelled, strong)
}

/// A unit written with its code: `267101天津市…`, `[155]六安市…`,
/// `505_湘西州…`, `505006 州…`; or a bare name ending like a unit.
fn parse_unit(text: &str) -> Option<(Option<String>, String)> {
    let t = clean(text);
    for (open, close) in [("[", "]"), ("【", "】"), ("(", ")"), ("（", "）")] {
        if let Some(rest) = t.strip_prefix(open) {
            if let Some(end) = rest.find(close) {
                let code = &rest[..end];
                let name = rest[end + close.len()..].trim();
                // `(2020)年度` is a year, not a unit code.
                if !code.is_empty()
                    && code.chars().all(|c| c.is_ascii_alphanumeric())
                    && !name.is_empty()
                    && !name.starts_with(words::YEAR_CHAR)
                {
                    return Some((Some(code.to_string()), name.to_string()));
                }
            }
        }
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits >= 3 {
        let rest = t[digits..].trim_start_matches(['_', '-', ' ', '－', '—']);
        if rest.starts_with(is_cjk) && !rest.starts_with(words::YEAR_CHAR) {
            return Some((Some(t[..digits].to_string()), rest.to_string()));
        }
    }
    None
}

/// A value with a `label:value` pair typed after it, split off: `某某局
/// 联系人:王五` → (`某某局`, (`联系人`, `王五`)). The label is short and all
/// ideographs, so a value that merely holds a colon stays whole.
fn glued_pair(v: &str) -> (&str, Option<(&str, &str)>) {
    let Some(at) = v.find(char::is_whitespace) else {
        return (v, None);
    };
    let (head, tail) = (v[..at].trim(), v[at..].trim());
    let Some(i) = super::text::find_colon(tail) else {
        return (v, None);
    };
    let (label, rest) = (tail[..i].trim(), &tail[i..]);
    let x = rest.trim_start_matches(['：', ':']).trim();
    let n = label.chars().count();
    if head.is_empty() || x.is_empty() || !(2..=8).contains(&n) || !label.chars().all(is_cjk) {
        return (v, None);
    }
    (head, Some((label, x)))
}

/// A cell that could be a unit's name, with or without its code.
pub fn looks_like_unit(t: &str) -> bool {
    parse_unit(t).is_some() || looks_like_unit_name(&clean(t))
}

/// A cell that states the money unit: `单位：万元`, `(万元)`, `金额单位:元`.
pub fn states_money_unit(t: &str) -> bool {
    let k = label_key(t);
    MONEY_UNITS.iter().any(|u| {
        k == *u
            || k.strip_suffix(u)
                .is_some_and(|l| l.ends_with('(') || l.contains(words::UNIT_WORD))
            // `(万元)` anywhere: a `(` followed by the unit and `)`, found
            // without making the string to look for (a `format!` per unit
            // per cell was 39 M instructions on mix 2's 200 files).
            || k.split('(').skip(1).any(|r| r.strip_prefix(u).is_some_and(|r| r.starts_with(')')))
    })
}

/// A column label naming only the money unit (`金额(万元)`, `万元`), never an
/// amount: its unit.
fn names_money_unit(t: &str) -> Option<&'static str> {
    if !states_money_unit(t) || t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let k = label_key(t);
    MONEY_UNITS.iter().copied().find(|u| k.contains(u))
}

/// A line that only gives the table's year: `（2023年度）`, `2023年`.
pub fn states_year(t: &str) -> bool {
    is_subtitle(t) && t.char_indices().any(|(i, _)| year_at(&t[i..]).is_some())
}

/// `2024年`, and `2019 年度` as typed with spaces, at the start of `s`.
fn year_at(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    (b.len() >= 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && s[4..].trim_start_matches(' ').starts_with(words::YEAR_CHAR))
    .then(|| s[..4].parse().ok())
    .flatten()
}

fn looks_like_unit_name(t: &str) -> bool {
    let n = t.chars().count();
    (2..=40).contains(&n)
        && !t.contains([':', '：'])
        && !names_a_table(t)
        && t.chars().all(|c| is_cjk(c) || c == '(' || c == ')')
        && words::UNIT_NAME_ENDINGS.iter().any(|s| t.ends_with(s))
}

/// The header fields gathered before they are resolved by priority.
#[derive(Default)]
struct Acc {
    /// Labels met, and unknown labels kept in extra, for the completeness check.
    seen: Vec<HeaderLabel>,
    /// Rows read as the indicator grid's caption, not as a header block.
    captions: usize,
    unknown: Vec<String>,
    titles: Vec<String>,
    project_name: Option<String>,
    /// (priority, label, value, its place in `extra`): every labelled unit
    /// is kept in extra in reading order, and the one chosen taken out.
    units: Vec<(u8, String, String, Option<usize>)>,
    unit_code: Option<String>,
    money_unit: Option<String>,
    /// Money lines as units are: (priority, label, value, place in `extra`).
    totals: Vec<(u8, String, String, Option<usize>)>,
    fiscal: Vec<(u8, String, String, Option<usize>)>,
    other: Vec<(u8, String, String, Option<usize>)>,
    fund_use: Vec<String>,
    goals: Vec<(u8, String, String)>,
    extra: Extra,
    notes: Vec<Note>,
    /// Total labels by column, for 其中 lines under them.
    totals_by_col: HashMap<u32, (bool, String)>,
    last_total: Option<(bool, String)>,
    /// Money lines' places in extra with the total they stand under: if
    /// another total is the year's, they are that one's parts
    /// (`资金总额/其中:财政拨款`).
    parts_of: Vec<(usize, String)>,
    /// Title and seq given as such (jixiao's own output read back).
    own_title: Option<String>,
    own_seq: Option<u32>,
}

impl Acc {
    fn apply(&mut self, m: &Matched, label: &str, val: &str, col: u32) {
        let p = m.priority;
        self.seen.push(m.label);
        // A label's trailing colon is punctuation, not part of its name.
        let label = clean(label)
            .trim_end_matches(['：', ':'])
            .trim_end()
            .to_string();
        let v = clean(val);
        if self.money_unit.is_none() {
            self.money_unit = m.money_unit.clone();
        }
        // `20万元` under a money label: the unit of the table's money.
        let money = matches!(
            m.label,
            HeaderLabel::Total | HeaderLabel::Fiscal | HeaderLabel::Other
        );
        if money && self.money_unit.is_none() {
            self.money_unit = without_money_unit(&v).1.map(str::to_string);
        }
        // A 其中 line, or a money line in a total's column, belongs to that total.
        let parent = match m.label {
            HeaderLabel::Fiscal | HeaderLabel::Other => {
                self.totals_by_col.get(&col).cloned().or_else(|| {
                    if m.sub_item {
                        self.last_total.clone()
                    } else {
                        None
                    }
                })
            }
            _ => None,
        };
        if let Some((true, parent_label)) = &parent {
            // 其中 under a multi-year total: not this year's money.
            self.extra_money(&format!("{parent_label}/{label}"), &v);
            return;
        }
        let parent = parent.map(|(_, l)| l);
        match m.label {
            HeaderLabel::ProjectName => {
                if self.project_name.is_none() {
                    self.project_name = value(&v);
                } else if let Some(v) = value(&v) {
                    self.extra.insert(&label, v);
                }
            }
            HeaderLabel::Unit => {
                // `某某局 联系人:王五`: a pair typed after the unit's name is
                // its own field, not part of the name.
                let (name, glued) = glued_pair(&v);
                if let Some(v) = value(name) {
                    let slot = self.keep(&label, &v);
                    // A template's words (县(市、区)教育部门) stay in extra.
                    if !template_place(&v) {
                        self.units.push((p, label, v, slot));
                    }
                }
                if let Some((l, x)) = glued {
                    match header_label(l) {
                        Some(m) if m.label == HeaderLabel::Known => self.apply(&m, l, x, col),
                        _ => self.unknown_pair(l, x.to_string()),
                    }
                }
            }
            HeaderLabel::UnitCode => {
                if let Some(v) = value(&v) {
                    self.unit_code.get_or_insert(v);
                }
            }
            HeaderLabel::MoneyUnit => {
                let (_, bracket) = split_bracket(&v);
                let unit = bracket.unwrap_or(&v).trim_start_matches(['：', ':']);
                if MONEY_UNITS.contains(&unit) {
                    self.money_unit = Some(unit.to_string());
                } else if let Some(v) = value(&v) {
                    self.extra.insert(&label, v);
                }
            }
            HeaderLabel::Total => {
                self.totals_by_col.insert(col, (false, label.clone()));
                self.last_total = Some((false, label.clone()));
                let slot = self.keep(&label, &v);
                self.totals.push((p, label, v, slot));
            }
            HeaderLabel::MultiYearTotal => {
                self.totals_by_col.insert(col, (true, label.clone()));
                self.last_total = Some((true, label.clone()));
                self.extra_money(&label, &v);
            }
            HeaderLabel::Fiscal => {
                let slot = self.keep(&label, &v);
                self.parts_of.extend(slot.zip(parent));
                self.fiscal.push((p, label, v, slot));
            }
            HeaderLabel::Other => {
                let slot = self.keep(&label, &v);
                self.parts_of.extend(slot.zip(parent));
                self.other.push((1, label, v, slot));
            }
            HeaderLabel::FundUse => {
                if let Some(v) = value(&v) {
                    self.fund_use.push(v);
                }
            }
            HeaderLabel::Goals => {
                if let Some(v) = value(val) {
                    self.goals.push((p, label, val.trim().to_string()));
                    let _ = v;
                }
            }
            HeaderLabel::Section | HeaderLabel::Known => {
                if let Some(v) = value(&v) {
                    self.extra.insert(&label, v);
                }
            }
            HeaderLabel::OwnTitle => self.own_title = value(&v),
            HeaderLabel::OwnSeq => self.own_seq = v.trim().parse().ok(),
            HeaderLabel::OwnSource => {}
            HeaderLabel::OwnGoals => {
                for g in v.split('；').filter_map(value) {
                    self.goals.push((0, String::new(), g));
                }
            }
        }
    }

    /// A label the lexicon does not know, with its value: kept in extra,
    /// noted, and counted for the completeness check.
    fn unknown_pair(&mut self, label: &str, v: String) {
        // A label's trailing colon is punctuation, not part of its name.
        let label = clean(label)
            .trim_end_matches(['：', ':'])
            .trim_end()
            .to_string();
        self.notes.push(unknown_label(&label));
        self.extra.insert(&label, v);
        self.unknown.push(label);
    }

    /// Keeps a value in extra where it was read; `resolve` takes out the
    /// ones that become fields. Returns its place.
    fn keep(&mut self, label: &str, v: &str) -> Option<usize> {
        let v = value(v)?;
        let slot = self.extra.0.len();
        self.extra.insert(label, v);
        Some(slot)
    }

    fn extra_money(&mut self, label: &str, v: &str) {
        if let Some(v) = value(v) {
            self.extra.insert(label, v);
        }
    }

    /// A cell with no label of its own: owned by the section it sits in,
    /// else a title, a unit line, or unplaced.
    fn lone(&mut self, section: Option<(HeaderLabel, u8)>, g: &Grid, r: u32, c: u32, text: &str) {
        let Some(v) = value(text) else { return };
        if is_subtitle(&v) && !self.titles.is_empty() {
            self.titles.push(v);
            return;
        }
        match section {
            Some((HeaderLabel::FundUse, _)) => self.fund_use.push(v),
            Some((HeaderLabel::Goals, p)) => {
                self.goals.push((p, String::new(), text.trim().to_string()))
            }
            // 绩效项目指标表: the grid's caption, a title line.
            _ if names_a_table(&v)
                || (v.contains(words::CAPTION_WORD)
                    && v.ends_with(words::TABLE_CHAR)
                    && v.chars().count() <= 20)
                || words::TITLE_WORDS.iter().any(|w| v.contains(w))
                || is_attachment_mark(&v) =>
            {
                self.titles.push(v)
            }
            _ if self.units.iter().all(|u| u.0 != 3)
                && (parse_unit(&v).is_some() || looks_like_unit_name(&v)) =>
            {
                self.units.push((3, String::new(), v, None));
            }
            // `报表编号:510000_0013zp` alone on its row: an unknown label and
            // its value, kept.
            _ => match v.split_once([':', '：']) {
                Some((l, x)) if label_like(l) && value(x).is_some() => {
                    self.unknown_pair(l, clean(x))
                }
                _ => self.notes.push(unplaced_note(g, r, c, v)),
            },
        }
    }

    fn paragraph(&mut self, raw: &str) {
        let cleaned = clean(raw);
        let p = cleaned.as_str();
        if names_a_table(p) {
            self.titles.push(p.to_string());
            return;
        }
        let pairs = inline_pairs(raw);
        let found = !pairs.is_empty();
        for (m, l, v) in pairs {
            self.apply(&m, &l, &v, u32::MAX);
        }
        if !found
            && self.units.iter().all(|u| u.0 != 3)
            && (parse_unit(p).is_some() || looks_like_unit_name(p))
        {
            self.units.push((3, String::new(), p.to_string(), None));
        }
        if !found {
            self.titles.push(p.to_string());
        }
    }
}

fn section_of(m: &Matched) -> Option<(HeaderLabel, u8)> {
    matches!(
        m.label,
        HeaderLabel::FundUse | HeaderLabel::Goals | HeaderLabel::Section
    )
    .then_some((m.label, m.priority))
}

/// Reads the header block of one table: paragraphs above it, then its rows
/// by the patterns of [`patterns`].
pub fn read_header(
    grids: &[&Grid],
    readings: &Readings<'_>,
    paragraphs: &[String],
    rows: &[RowRef],
    fields: &[(Matched, String, String)],
    source: Source,
    explained: &mut Vec<Explained>,
) -> (Table, super::completeness::Facts) {
    let mut acc = Acc::default();
    // Fields a flat export gives in its own columns, as if read from a header block.
    for (m, label, v) in fields {
        acc.apply(m, label, v, u32::MAX - 1);
    }
    let mut title_paragraphs = Vec::new();
    for p in paragraphs {
        acc.titles.clear();
        acc.paragraph(p);
        title_paragraphs.append(&mut acc.titles);
    }
    // A subtitle row (（2022年度）) joins a title line read above the grid.
    acc.titles = title_paragraphs;
    patterns::read_rows(grids, readings, rows, &mut acc, explained);
    let title_paragraphs = std::mem::take(&mut acc.titles);
    let facts = super::completeness::Facts {
        seen: std::mem::take(&mut acc.seen),
        unknown_labels: std::mem::take(&mut acc.unknown),
        unknown_columns: Vec::new(),
        form: rows.len() > acc.captions,
        total_as_text: acc.totals.iter().any(|t| t.3.is_some())
            && acc.totals.iter().all(|t| parse_amount(&t.2).is_none()),
        unit_cell: rows
            .iter()
            .flat_map(|rr| anchors(grids[rr.grid], rr.row))
            .find(|(_, t)| states_money_unit(t))
            .map(|(_, t)| clean(t)),
        value_column: false,
        value_band: false,
    };
    (resolve(acc, title_paragraphs, source), facts)
}

/// An unknown label: short, no digits, not a title.
fn label_like(t: &str) -> bool {
    let key = label_key(t);
    // `2021年金额`: a year before a label is part of it; so is an item
    // number (`2、经营性收入`).
    let k = strip_numbering(strip_leading_year(&key).unwrap_or(&key));
    // `预算执行情况(10分)`: a score in brackets is no part of the name.
    let k = match split_bracket(k) {
        (head, Some(b))
            if b.strip_suffix(words::SCORE_MARK)
                .is_some_and(|n| n.parse::<u32>().is_ok()) =>
        {
            head
        }
        _ => k,
    };
    let n = k.chars().count();
    (2..=16).contains(&n) && !k.chars().any(|ch| ch.is_ascii_digit()) && !names_a_table(t)
}

/// Notes for every non-empty cell of a row that belongs nowhere.
pub fn unplaced_row(g: &Grid, r: u32, notes: &mut Vec<Note>) {
    for (c, t) in anchors(g, r) {
        if let Some(v) = value(t) {
            notes.push(unplaced_note(g, r, c, v));
        }
    }
}

/// `附件:`, `附件2`, `附表1`: the document's attachment mark above a table, read
/// with the title lines (the title drops it).
fn is_attachment_mark(v: &str) -> bool {
    let k = label_key(v);
    words::ATTACHMENT_MARKS
        .iter()
        .find_map(|m| k.strip_prefix(m))
        .is_some_and(|rest| {
            rest.trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_end_matches(':')
                .is_empty()
        })
}

/// `县(市、区)教育部门`: a bracket listing administrative divisions stands in
/// for a place the template leaves to its user.
fn template_place(v: &str) -> bool {
    let k = label_key(v);
    let mut rest = k.as_str();
    while let Some(open) = rest.find('(') {
        let Some(len) = rest[open..].find(')') else {
            break;
        };
        let inside = &rest[open + 1..open + len];
        let parts: Vec<&str> = inside.split(['、', ',', '/']).collect();
        if parts.len() >= 2
            && parts
                .iter()
                .all(|p| p.chars().count() == 1 && p.chars().all(|c| words::DIVISIONS.contains(c)))
        {
            return true;
        }
        rest = &rest[open + len..];
    }
    false
}

/// `市:`, `已实施情况:`: a short label with its colon and nothing after it,
/// a prompt left unfilled — neither a value nor a section's text.
pub fn empty_label(t: &str) -> bool {
    let t = t.trim();
    let Some(head) = t.strip_suffix([':', '：']) else {
        return false;
    };
    let n = head.chars().count();
    (1..=16).contains(&n)
        && !head.contains([':', '：'])
        && head.chars().all(|c| is_cjk(c) || "()（）、".contains(c))
}

/// A line that only gives a year or a bracketed subtitle: `（2026年度）`.
fn is_subtitle(l: &str) -> bool {
    let k = label_key(l);
    let bracketed =
        (k.starts_with('(') && k.ends_with(')')) || (k.starts_with('【') && k.ends_with('】'));
    // `2026年度`, and `(2020)年度` with the year in brackets.
    let bare: String = k.chars().filter(|c| !matches!(c, '(' | ')')).collect();
    let year_only = bare
        .trim_end_matches(words::YEAR_SUFFIXES[0])
        .trim_end_matches(words::YEAR_CHAR)
        .chars()
        .all(|c| c.is_ascii_digit())
        && bare.starts_with(|c: char| c.is_ascii_digit());
    (bracketed || year_only) && k.chars().count() <= 30
}

/// Picks the title: the last line naming a table, joined with an adjacent
/// line that only gives a year or a bracketed subtitle.
fn pick_title(lines: &[String]) -> (Option<String>, Option<u32>) {
    let Some(i) = lines.iter().rposition(|l| names_a_table(l)).or_else(|| {
        lines
            .iter()
            .rposition(|l| l.contains(words::TITLE_FALLBACK) && l.chars().count() <= 60)
    }) else {
        return (None, None);
    };
    let subtitle = |l: &String| is_subtitle(l);
    let mut title = clean(&lines[i]);
    if let Some(next) = lines.get(i + 1).filter(|l| subtitle(l)) {
        title.push_str(&clean(next));
    }
    // A subtitle typed after a space in the same cell joins as a line
    // would: `自评表 (2021年度)` → `自评表(2021年度)`.
    let mut title = title.replace(" (", "(").replace(" （", "（");
    // 附件1 / 附件1： prefixes.
    if let Some(rest) = words::ATTACHMENT_MARKS
        .iter()
        .find_map(|m| title.strip_prefix(m))
    {
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
        title = rest
            .trim_start_matches(['：', ':', '、', '.'])
            .trim()
            .to_string();
    }
    let digits: String = title.chars().take_while(|c| c.is_ascii_digit()).collect();
    let mut seq = None;
    if !digits.is_empty() && digits.len() <= 3 {
        let rest = &title[digits.len()..];
        if let Some(r) = rest.strip_prefix(['.', '、', '．']) {
            seq = digits.parse().ok();
            title = r.trim().to_string();
        }
    }
    (Some(title), seq)
}

fn resolve(mut acc: Acc, titles: Vec<String>, source: Source) -> Table {
    let (title, seq) = match acc.own_title.take() {
        Some(t) => (Some(t), acc.own_seq),
        None => pick_title(&titles),
    };
    let mut extra = std::mem::take(&mut acc.extra);
    // Places in extra of the values that became fields, taken out at the end.
    let mut taken: Vec<usize> = Vec::new();
    // Unit: the most specific label wins; the others stay in extra.
    acc.units.sort_by_key(|u| u.0);
    let mut unit_name = None;
    let mut unit_code = None;
    if let Some((_, _, v, slot)) = acc.units.first() {
        match parse_unit(v) {
            Some((code, name)) => {
                unit_code = code;
                unit_name = Some(name);
            }
            None => unit_name = Some(v.clone()),
        }
        taken.extend(*slot);
    }
    // The unit named again with its code under another label ([015001]…).
    if unit_code.is_none() {
        unit_code = acc
            .units
            .iter()
            .skip(1)
            .find_map(|(_, _, v, _)| match parse_unit(v) {
                Some((Some(code), name)) if Some(&name) == unit_name.as_ref() => Some(code),
                _ => None,
            });
    }
    if unit_code.is_none() {
        unit_code = acc.unit_code.take();
    } else if let Some(c) = acc.unit_code.take() {
        extra.insert(words::UNIT_CODE_KEY, c);
    }
    let total = pick_amount(&mut acc.totals, &mut taken, "budget.total", &mut acc.notes);
    // Parts of a total that is not the year's: excluded from the year's
    // money, and kept under that total's name.
    let year_total = acc
        .totals
        .iter()
        .find(|c| c.3.is_some_and(|s| taken.contains(&s)))
        .map(|c| c.1.clone());
    let not_the_years: HashMap<usize, &str> = match &year_total {
        Some(y) => acc
            .parts_of
            .iter()
            .filter(|(_, p)| p != y)
            .map(|(slot, p)| (*slot, p.as_str()))
            .collect(),
        None => HashMap::new(),
    };
    for cands in [&mut acc.fiscal, &mut acc.other] {
        cands.retain(|c| !c.3.is_some_and(|s| not_the_years.contains_key(&s)));
    }
    let mut renames: Vec<(usize, String)> = not_the_years
        .iter()
        .filter_map(|(slot, parent)| {
            let (key, _) = extra.0.get(*slot)?;
            Some((*slot, format!("{parent}/{key}")))
        })
        .collect();
    renames.sort_unstable();
    extra.rename_all(renames);
    let budget = Budget {
        total,
        fiscal: pick_amount(&mut acc.fiscal, &mut taken, "budget.fiscal", &mut acc.notes),
        other: pick_amount(&mut acc.other, &mut taken, "budget.other", &mut acc.notes),
    };
    // Goals: the year's target; a bare 总体目标 only when there is none.
    let best = acc.goals.iter().map(|g| g.0).min();
    let mut goals = Vec::new();
    for (p, label, text) in acc.goals {
        if Some(p) == best {
            goals.extend(split_goals(&text));
        } else if let Some(v) = value(&text) {
            extra.insert(
                if label.is_empty() {
                    words::GOALS_KEPT_AS
                } else {
                    &label
                },
                v,
            );
        }
    }
    taken.sort_unstable_by(|a, b| b.cmp(a));
    taken.dedup();
    for i in taken {
        if i < extra.0.len() {
            extra.0.remove(i);
        }
    }
    let fund_use = (!acc.fund_use.is_empty()).then(|| acc.fund_use.join("\n"));
    let kind = match &title {
        Some(t) if words::SELF_EVALUATION_TITLES.iter().any(|w| t.contains(w)) => {
            TableKind::SelfEvaluation
        }
        Some(t) if words::DEPARTMENT_TITLES.iter().any(|w| t.contains(w)) => TableKind::Department,
        _ => TableKind::Project,
    };
    Table {
        source,
        title,
        seq,
        kind,
        unit_code,
        unit_name,
        money_unit: acc.money_unit,
        project_name: acc.project_name,
        year: None,
        fund_level: None,
        budget,
        fund_use,
        goals,
        extra,
        indicators: Vec::new(),
        notes: acc.notes,
        incomplete: Vec::new(),
    }
}

/// The best-priority amount given; the rest, and text that is not a
/// number, stay in extra where they were read.
fn pick_amount(
    cands: &mut [(u8, String, String, Option<usize>)],
    taken: &mut Vec<usize>,
    field: &str,
    notes: &mut Vec<Note>,
) -> Option<rust_decimal::Decimal> {
    cands.sort_by_key(|c| c.0);
    let (_, _, v, slot) = cands.iter().find(|c| c.3.is_some())?;
    let text = value(v)?;
    let d = parse_amount(without_money_unit(&text).0)?;
    notes.extend(number_note(field, &text, d));
    taken.extend(*slot);
    Some(d)
}

/// `20万元` → (`20`, 万元): an amount written with its money unit.
fn without_money_unit(text: &str) -> (&str, Option<&'static str>) {
    // Longest first: 万元 before 元.
    for u in MONEY_UNITS {
        if let Some(n) = text.strip_suffix(u) {
            if parse_amount(n.trim()).is_some() {
                return (n.trim(), Some(u));
            }
        }
    }
    (text, None)
}

/// Splits goals on paragraphs and numbered items, removing the numbering.
fn split_goals(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for para in text.split('\n') {
        let mut rest = para.trim();
        // Split `1.xx 2.yy` written on one line at each new item number.
        let mut pieces = Vec::new();
        loop {
            let stripped = strip_item_mark(rest);
            let body_start = rest.len() - stripped.len();
            let next = find_next_item(&rest[body_start..]).map(|k| k + body_start);
            match next {
                Some(k) if k > body_start => {
                    pieces.push(&rest[..k]);
                    rest = &rest[k..];
                }
                _ => {
                    pieces.push(rest);
                    break;
                }
            }
        }
        for p in pieces {
            // The separator before the next item (`…落实; 目标2:`, `…需求: 目标3:`).
            let item = strip_item_mark(p)
                .trim_end()
                .trim_end_matches(['；', ';', '，', ',', '：', ':']);
            if let Some(v) = value(item) {
                items.push(v);
            }
        }
    }
    items
}

/// A goal's item mark removed: a numbering (`1.`, `（2）`) or a template's
/// `目标1：` / `目标二:` (the word, a numeral and a colon).
fn strip_item_mark(s: &str) -> &str {
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix(words::GOAL_ITEM) {
        let after = rest.trim_start_matches(|c: char| {
            c.is_ascii_digit() || ('０'..='９').contains(&c) || words::NUMERALS.contains(c)
        });
        if after.len() < rest.len() {
            if let Some(body) = after.strip_prefix([':', '：']) {
                return body.trim_start();
            }
        }
    }
    strip_numbering(t)
}

/// Byte offset of the next `N.`/`N、`/`（N）`/`目标N：` item start inside a
/// line, only after sentence punctuation or a space.
fn find_next_item(s: &str) -> Option<usize> {
    let mut prev: Option<char> = None;
    for (i, c) in s.char_indices() {
        if prev.is_some_and(|p| "；;。 ".contains(p))
            && (c.is_ascii_digit() || c == '（' || c == '(' || words::GOAL_ITEM.starts_with(c))
        {
            let tail = &s[i..];
            if strip_item_mark(tail).len() < tail.len() {
                return Some(i);
            }
        }
        prev = Some(c);
    }
    None
}

/// Fields derived from others: year, fund level, kind from the grid.
pub fn derive(t: &mut Table) {
    // A project code may be glued to the name: `51011723T000007943391-2023年…`.
    let name = t.project_name.as_deref().map(|n| {
        let code = n.chars().take_while(|c| c.is_ascii_alphanumeric()).count();
        match n[code..].strip_prefix(['-', '_', ' ']) {
            Some(rest) if code >= 10 => rest,
            _ => n,
        }
    });
    t.year = name.and_then(year_at).or_else(|| {
        let title = t.title.as_deref()?;
        title.char_indices().find_map(|(i, _)| year_at(&title[i..]))
    });
    t.fund_level = t.project_name.as_deref().and_then(fund_level);
    if t.kind == TableKind::Project
        && t.indicators
            .iter()
            .any(|i| i.actual.is_some() || i.score.is_some())
    {
        t.kind = TableKind::SelfEvaluation;
    }
}

/// `…-2024中央` → `中央`: the level after the year at the end of a name.
fn fund_level(name: &str) -> Option<String> {
    let i = name.rfind(['-', '－', '—'])?;
    let tail = name[i..].trim_start_matches(['-', '－', '—']);
    let digits = tail.chars().take_while(|c| c.is_ascii_digit()).count();
    let level = &tail[digits..];
    let n = level.chars().count();
    (digits == 4 && (1..=4).contains(&n) && level.chars().all(is_cjk)).then(|| level.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_glued_after_a_unit_is_split_off() {
        assert_eq!(
            glued_pair("某某局 联系人:王五"),
            ("某某局", Some(("联系人", "王五")))
        );
        assert_eq!(glued_pair("某某局"), ("某某局", None));
        assert_eq!(
            glued_pair("某某局 下属:2024年 12:00"),
            ("某某局", Some(("下属", "2024年 12:00")))
        );
        assert_eq!(glued_pair("A B:C"), ("A B:C", None));
    }

    #[test]
    fn a_subtitle_after_a_space_joins_the_title() {
        let lines = vec!["某项目绩效自评表 (2021年度)".to_string()];
        assert_eq!(
            pick_title(&lines).0.as_deref(),
            Some("某项目绩效自评表(2021年度)")
        );
        let lines = vec!["某项目绩效目标表".to_string(), "（2023年度）".to_string()];
        assert_eq!(
            pick_title(&lines).0.as_deref(),
            Some("某项目绩效目标表（2023年度）")
        );
    }

    #[test]
    fn template_places_and_unfilled_prompts() {
        assert!(template_place("县(市、区)教育部门"));
        assert!(template_place("XX（市、县）财政局"));
        assert!(!template_place("韶关市教育局"));
        assert!(!template_place("广东省教育厅(省人社厅)"));
        assert!(!template_place("某局(区)"));
        assert!(empty_label("市:"));
        assert!(empty_label("已实施情况："));
        assert!(!empty_label("目标1:提升中职教育吸引力"));
        assert!(!empty_label("2023年:"));
        assert!(!empty_label("提升中职教育吸引力"));
    }

    #[test]
    fn units_with_codes() {
        assert_eq!(
            parse_unit("267101天津市武清区人民检察院"),
            Some((Some("267101".into()), "天津市武清区人民检察院".into()))
        );
        assert_eq!(
            parse_unit("[155]六安市财政局"),
            Some((Some("155".into()), "六安市财政局".into()))
        );
        assert_eq!(
            parse_unit("505_湘西州教育局"),
            Some((Some("505".into()), "湘西州教育局".into()))
        );
        assert_eq!(
            parse_unit("505006 州民政局"),
            Some((Some("505006".into()), "州民政局".into()))
        );
        assert_eq!(parse_unit("2024年项目"), None);
        assert_eq!(parse_unit("(2020)年度"), None);
        assert!(looks_like_unit_name("天津市武清区人民检察院"));
    }

    #[test]
    fn titles_years_and_levels() {
        let lines = vec![
            "附件2".to_string(),
            "3.项目支出绩效目标表".to_string(),
            "（2026年度）".to_string(),
        ];
        assert_eq!(
            pick_title(&lines),
            (Some("项目支出绩效目标表（2026年度）".into()), Some(3))
        );
        let lines = vec!["1.2024年检察业务信息化运维项目-2024中央绩效目标表".to_string()];
        assert_eq!(
            pick_title(&lines),
            (
                Some("2024年检察业务信息化运维项目-2024中央绩效目标表".into()),
                Some(1)
            )
        );
        assert_eq!(
            fund_level("2025年检察业务经费项目-2025市级").as_deref(),
            Some("市级")
        );
        assert_eq!(fund_level("某项目"), None);
    }

    #[test]
    fn goals_split_on_items() {
        assert_eq!(
            split_goals("1.提升我院信息化水平"),
            vec!["提升我院信息化水平"]
        );
        assert_eq!(
            split_goals("1.完成A；2.完成B\n（3）完成C"),
            vec!["完成A", "完成B", "完成C"]
        );
        assert_eq!(split_goals("目标一\n\n目标二"), vec!["目标一", "目标二"]);
        assert_eq!(
            split_goals("目标1:建成冷库;目标2:购置设备;目标3：接入高压线。"),
            vec!["建成冷库", "购置设备", "接入高压线。"]
        );
        assert_eq!(split_goals("目标明确：做好A"), vec!["目标明确：做好A"]);
    }
}
