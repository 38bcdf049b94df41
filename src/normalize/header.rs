//! The header block: title, unit, money, project, goals. Labels are read
//! left to right as label | value pairs, or as a row of labels over a row of
//! values; a section label (预算规模及资金用途) merged down its rows owns the
//! free text beside it. Whatever is not recognised goes to `extra`, and a
//! cell that fits nowhere to `notes`.

use super::lexicon::words::{self, MONEY_UNITS};
use super::lexicon::{header_label, header_label_in, HeaderLabel, Matched};
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

use super::{anchors, RowRef};
use crate::grid::{Grid, Slot};
use crate::model::{Budget, Extra, Note, Source, Table, TableKind};
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
fn inline_pair(text: &str) -> Option<(Matched, String, String)> {
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
pub fn classify_row(grid: &Grid, row: u32) -> (bool, bool) {
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
    for (_, t) in super::each_anchor(grid, row) {
        if t.trim().is_empty() {
            continue;
        }
        if names_a_table(t) {
            return (true, true);
        }
        if let Some(m) = header_label(t) {
            labelled = true;
            strong |= strong_label(m.label);
        } else if let Some((m, _, _)) = inline_pair(t) {
            labelled = true;
            strong |= strong_label(m.label) || m.label == HeaderLabel::MoneyUnit;
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
            || k.contains(&format!("({u})"))
    })
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
                    self.units.push((p, label, v, slot));
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
            _ => self.notes.push(unplaced_note(g, r, c, v)),
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

/// Reads the header block of one table.
pub fn read_header(
    grids: &[&Grid],
    paragraphs: &[String],
    rows: &[RowRef],
    fields: &[(Matched, String, String)],
    source: Source,
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
    let mut section: Option<(HeaderLabel, u8)> = None;
    let mut heading: Option<(HeaderLabel, u8)> = None;
    let mut i = 0;
    while i < rows.len() {
        let RowRef { grid, row: r } = rows[i];
        let g = grids[grid];
        let cells = anchors(g, r);
        // A small table inside the header block (部门整体 tables' 年度主要任务:
        // 任务名称 | 主要内容 | 预算金额): a name merged down its rows, a row of
        // column labels, then one row per item. Each value goes to extra as
        // `name/item/column`.
        if let Some(consumed) = sub_table(g, r, rows.get(i + 1..).unwrap_or(&[]), grid, &mut acc) {
            i += 1 + consumed;
            continue;
        }
        // The section a row belongs to: its first cell's label, the label
        // merged down over it, or (text dumps) the one above an empty cell.
        let mut start = 0;
        match g.slot(r, 0) {
            Slot::Covered { anchor } if anchor.col == 0 => {
                section = g
                    .text_at(r, 0)
                    .and_then(header_label)
                    .as_ref()
                    .and_then(section_of);
            }
            Slot::Anchor { text, .. } if text.trim().is_empty() => {}
            Slot::Anchor { text, .. } => {
                // A section heading alone on its row (年度绩效目标) owns the
                // free text in the rows below it, until the next label.
                let below_heading = heading.is_some() && header_label(text).is_none();
                section = if below_heading { heading } else { None };
                if let Some(m) = header_label(text) {
                    let money = m.label == HeaderLabel::Section;
                    let next_is_label = cells.get(1).is_some_and(|(_, t)| {
                        !filled(t)
                            || header_label_in(t, money).is_some()
                            || inline_pair(t).is_some()
                    });
                    // 年初设定目标 | 年度总体目标完成情况综述 over their texts: the
                    // first label heads a column, it does not own the row.
                    let labels_in_row = cells.iter().filter(|(_, t)| !t.trim().is_empty()).count();
                    let heads_a_column = next_is_label
                        && labels_in_row >= 2
                        && rows
                            .get(i + 1)
                            .filter(|n| n.grid == grid && n.row == r + 1)
                            .is_some_and(|n| match g.slot(n.row, 0) {
                                Slot::Anchor { text, .. } => {
                                    value(text).is_some() && header_label(text).is_none()
                                }
                                _ => false,
                            });
                    if let Some(s) = section_of(&m) {
                        section = Some(s);
                        if (next_is_label || cells.len() == 1) && !heads_a_column {
                            acc.apply(&m, text, "", 0);
                            start = 1;
                        }
                    }
                }
            }
            _ => {}
        }
        // An unknown name merged down beside rows of pairs (项目实施计划 over
        // 组织实施单位 | … / 项目实施单位 | …) groups them: its unknown labels
        // are kept as `name/label`, known ones are read as fields.
        let group = match g.slot(r, 0) {
            Slot::Anchor { text, span } if start == 0 && span.rows >= 2 => Some(text.as_str()),
            Slot::Covered { anchor } if anchor.col == 0 => match g.slot(anchor.row, 0) {
                Slot::Anchor { text, span } if span.rows >= 2 => Some(text.as_str()),
                _ => None,
            },
            _ => None,
        }
        .filter(|t| section.is_none() && header_label(t).is_none() && label_like(t))
        .filter(|_| {
            cells
                .iter()
                .filter(|(c, t)| *c > 0 && !t.trim().is_empty())
                .count()
                >= 2
        })
        .map(clean);
        if group.is_some() && matches!(g.slot(r, 0), Slot::Anchor { .. }) {
            start = 1;
        }
        let alone = cells.iter().filter(|(_, t)| !t.trim().is_empty()).count() == 1;
        heading = match section {
            Some((HeaderLabel::Goals | HeaderLabel::FundUse, _)) if alone && start == 1 => section,
            s if s.is_some() && s == heading => heading,
            _ => None,
        };
        // A row of labels over a row of values.
        let labels: Vec<(u32, Matched, &str)> = cells[start..]
            .iter()
            .filter_map(|(c, t)| header_label(t).map(|m| (*c, m, *t)))
            .filter(|(_, m, _)| section_of(m).is_none() || matches!(m.label, HeaderLabel::Goals))
            .collect();
        let values_here = cells[start..]
            .iter()
            .filter(|(_, t)| filled(t) && header_label(t).is_none())
            .count();
        let next = rows.get(i + 1).filter(|n| n.grid == grid && n.row == r + 1);
        // A money matrix (self-evaluation tables): a row of column labels
        // (年初预算数 | 全年预算数 | 全年执行数 …), then rows each led by a row
        // label (年度资金总额, 其中：当年财政拨款 …) with values under the columns.
        // Column labels the lexicon does not know may stand among them
        // (全年预算数(A) | 全年执行数(B) | 执行率(B/A)) when a total heads one.
        let total_here = labels.iter().any(|l| l.1.label == HeaderLabel::Total);
        let unknown_heads: Vec<(u32, &str)> = cells[start..]
            .iter()
            .filter(|(_, t)| total_here && filled(t) && header_label(t).is_none())
            .copied()
            .collect();
        let matrix_head = (labels.len() >= 2 && values_here == 0)
            || (total_here
                && !unknown_heads.is_empty()
                && unknown_heads
                    .iter()
                    .all(|(_, t)| label_like(t) && parse_amount(t).is_none()));
        if matrix_head {
            let first_col = labels
                .iter()
                .map(|l| l.0)
                .chain(unknown_heads.iter().map(|u| u.0))
                .min()
                .unwrap_or(0);
            // The block's own rows: under the label merged down beside them.
            let block = match g.slot(r, 0) {
                Slot::Covered { anchor } => Some(*anchor),
                Slot::Anchor { span, .. } if span.rows >= 2 => {
                    Some(crate::grid::Pos { row: r, col: 0 })
                }
                _ => None,
            };
            let in_block = |row: u32| {
                block.is_some_and(
                    |b| matches!(g.slot(row, 0), Slot::Covered { anchor } if *anchor == b),
                )
            };
            let row_label = |row: u32| -> Option<(u32, Option<Matched>, &str)> {
                let cells = anchors(g, row);
                let mut left = cells
                    .into_iter()
                    .filter(|(c, t)| *c < first_col && !t.trim().is_empty());
                let (c, t) = left.next()?;
                match header_label(t) {
                    Some(m) if section_of(&m).is_none() => Some((c, Some(m), t)),
                    Some(_) => None,
                    // 县级资金: an unknown line of the block.
                    None if in_block(row) && label_like(t) => Some((c, None, t)),
                    None => None,
                }
            };
            let mut heads: Vec<(u32, Option<Matched>, &str)> = labels
                .iter()
                .map(|(c, m, t)| (*c, Some(m.clone()), *t))
                .chain(unknown_heads.iter().map(|(c, t)| (*c, None, *t)))
                .collect();
            heads.sort_by_key(|h| h.0);
            if next.is_some_and(|n| row_label(n.row).is_some_and(|l| l.1.is_some())) {
                let is_total = |h: &(u32, Option<Matched>, &str), first: bool| {
                    h.1.as_ref().is_some_and(|m| {
                        m.label == HeaderLabel::Total && (!first || m.priority == 1)
                    })
                };
                let main = heads
                    .iter()
                    .position(|h| is_total(h, true))
                    .or_else(|| heads.iter().position(|h| is_total(h, false)));
                let mut k = i + 1;
                while let Some(rr) = rows
                    .get(k)
                    .filter(|n| n.grid == grid && n.row == r + (k - i) as u32)
                {
                    let Some((lc, lm, lt)) = row_label(rr.row) else {
                        break;
                    };
                    for (idx, (c, _, t)) in heads.iter().enumerate() {
                        let v = g.text_at(rr.row, *c).unwrap_or("");
                        match &lm {
                            Some(lm) if Some(idx) == main => acc.apply(lm, lt, v, *c),
                            None if Some(idx) == main => {
                                if let Some(v) = value(v) {
                                    acc.unknown_pair(lt, v);
                                }
                            }
                            _ => {
                                if let Some(v) = value(v) {
                                    let key = if lm
                                        .as_ref()
                                        .is_some_and(|m| m.label == HeaderLabel::Total)
                                    {
                                        clean(t)
                                    } else {
                                        format!("{}/{}", clean(lt), clean(t))
                                    };
                                    acc.extra.insert(&key, v);
                                }
                            }
                        }
                    }
                    for (c, t) in anchors(g, rr.row) {
                        if c != lc && c >= first_col && !heads.iter().any(|h| h.0 == c) {
                            acc.lone(section, g, rr.row, c, t);
                        }
                    }
                    k += 1;
                }
                i = k;
                continue;
            }
        }
        // Known labels with a few unknown ones among them (执行率权重), over
        // a row holding a value under every one of them: all are labels.
        if labels.len() >= 2 && values_here > 0 && values_here < labels.len() {
            let unknown: Vec<(u32, &str)> = cells[start..]
                .iter()
                .filter(|(_, t)| !t.trim().is_empty() && header_label(t).is_none())
                .copied()
                .collect();
            let under = |c: u32| {
                next.and_then(|n| match g.slot(n.row, c) {
                    Slot::Anchor { text, .. } => Some(text.as_str())
                        .filter(|t| value(t).is_some() && header_label(t).is_none()),
                    _ => None,
                })
            };
            let all_under = labels
                .iter()
                .map(|l| l.0)
                .chain(unknown.iter().map(|u| u.0))
                .all(|c| under(c).is_some());
            if unknown.iter().all(|(_, t)| label_like(t)) && all_under {
                if let Some(n) = next {
                    for (c, m, t) in &labels {
                        acc.apply(m, t, under(*c).unwrap_or(""), *c);
                    }
                    for (c, t) in &unknown {
                        if let Some(v) = under(*c).and_then(value) {
                            acc.unknown_pair(t, v);
                        }
                    }
                    for (c, t) in anchors(g, n.row) {
                        let claimed =
                            labels.iter().any(|l| l.0 == c) || unknown.iter().any(|u| u.0 == c);
                        if c >= start as u32 && !claimed && c != 0 {
                            acc.lone(section, g, n.row, c, t);
                        }
                    }
                    i += 2;
                    continue;
                }
            }
        }
        if labels.len() >= 2 && values_here == 0 {
            if let Some(n) = next {
                let below_ok = labels.iter().all(|(c, _, _)| match g.slot(n.row, *c) {
                    Slot::Anchor { text, .. } => header_label(text).is_none(),
                    _ => false,
                });
                if below_ok {
                    for (c, m, t) in &labels {
                        let v = g.text_at(n.row, *c).unwrap_or("");
                        acc.apply(m, t, v, *c);
                    }
                    // Cells of the value row under no label.
                    for (c, t) in anchors(g, n.row) {
                        if c >= start as u32 && !labels.iter().any(|(lc, _, _)| *lc == c) && c != 0
                        {
                            acc.lone(section, g, n.row, c, t);
                        }
                    }
                    i += 2;
                    continue;
                }
            }
        }
        let mut j = start;
        while j < cells.len() {
            let (c, t) = cells[j];
            if t.trim().is_empty() {
                j += 1;
                continue;
            }
            // A label's value is the cell right after it: when the file has
            // no cell there (财政事权 | · | 政策任务), the label is empty and the
            // next label keeps its own value.
            let after = match g.slot(r, c) {
                Slot::Anchor { span, .. } => c + span.cols.max(1),
                _ => c + 1,
            };
            let adjacent_empty = matches!(g.slot(r, after), Slot::Empty)
                && cells.get(j + 1).is_some_and(|(nc, _)| *nc > after);
            let next_value = cells
                .get(j + 1)
                .filter(|_| !adjacent_empty)
                .filter(|(_, nt)| {
                    header_label(nt).is_none()
                        && inline_pair(nt).is_none()
                        && label_and_amount(nt).is_none()
                })
                .map(|(_, nt)| *nt);
            let in_money = matches!(section, Some((HeaderLabel::Section, _)));
            if let Some(m) = header_label_in(t, in_money) {
                // 资金总额 | 合计 | 80.00: the 合计 line of a money block is the
                // label's own amount.
                let money = matches!(
                    m.label,
                    HeaderLabel::Total
                        | HeaderLabel::Fiscal
                        | HeaderLabel::Other
                        | HeaderLabel::MultiYearTotal
                );
                let total_row =
                    next_value.is_some_and(|v| words::TOTAL_ROWS.contains(&label_key(v).as_str()));
                if let (true, true, Some((_, amount))) = (money, total_row, cells.get(j + 2)) {
                    if parse_amount(amount.trim()).is_some() {
                        acc.apply(&m, t, amount, c);
                        j += 3;
                        continue;
                    }
                }
                // 资金需求(万元) | 2021年金额 | …: a money section's label heads
                // the pairs after it on its row.
                let heads_pairs = m.label == HeaderLabel::Section && cells.len() >= j + 3;
                match next_value.filter(|_| !heads_pairs) {
                    Some(v) => {
                        acc.apply(&m, t, v, c);
                        j += 2;
                    }
                    None => {
                        match section_of(&m) {
                            Some(s) if heads_pairs => {
                                // Its money unit (万元) is read.
                                acc.apply(&m, t, "", c);
                                section = Some(s);
                            }
                            Some(s) => section = Some(s),
                            None => acc.apply(&m, t, "", c),
                        }
                        j += 1;
                    }
                }
                continue;
            }
            // A label and its amount in one cell: `其中：财政拨款 50.00`.
            if let Some((m, label, amount)) = label_and_amount(t) {
                acc.apply(&m, &label, &amount, c);
                j += 1;
                continue;
            }
            if inline_pair(t).is_some() {
                // `部门:505_某局 金额单位:万元` holds two pairs.
                for (m, l, v) in inline_pairs(t) {
                    acc.apply(&m, &l, &v, c);
                }
                j += 1;
                continue;
            }
            // An unknown label: short, no digits, followed by its value.
            let label_like = label_like(t);
            let free_text_section = matches!(
                section,
                Some((HeaderLabel::FundUse, _)) | Some((HeaderLabel::Goals, _))
            );
            if label_like && adjacent_empty && !free_text_section {
                j += 1;
                continue;
            }
            // 资金性质 | 一般公共预算 at the end of a row: a known label with
            // nothing after it is this label's value.
            let last_value = cells
                .get(j + 1)
                .filter(|_| j + 2 == cells.len() && !adjacent_empty)
                .filter(|(_, nt)| {
                    header_label(nt).is_some_and(|m| section_of(&m).is_none())
                        && inline_pair(nt).is_none()
                })
                .map(|(_, nt)| *nt);
            if let Some(v) = next_value
                .or(last_value)
                .filter(|v| label_like && !free_text_section && !v.trim().is_empty())
            {
                if let Some(v) = value(v) {
                    match &group {
                        Some(name) => acc.unknown_pair(&format!("{name}/{}", clean(t)), v),
                        None => acc.unknown_pair(t, v),
                    }
                }
                j += 2;
                continue;
            }
            acc.lone(section, g, r, c, t);
            j += 1;
        }
        i += 1;
    }
    title_paragraphs.append(&mut acc.titles);
    let facts = super::completeness::Facts {
        seen: std::mem::take(&mut acc.seen),
        unknown_labels: std::mem::take(&mut acc.unknown),
        unknown_columns: Vec::new(),
        form: !rows.is_empty(),
        value_column: false,
    };
    (resolve(acc, title_paragraphs, source), facts)
}

/// An unknown label: short, no digits, not a title.
fn label_like(t: &str) -> bool {
    let key = label_key(t);
    // `2021年金额`: a year before a label is part of it.
    let k = strip_leading_year(&key).unwrap_or(&key);
    let n = k.chars().count();
    (2..=16).contains(&n) && !k.chars().any(|ch| ch.is_ascii_digit()) && !names_a_table(t)
}

/// See the call in `read_header`: returns how many item rows it consumed.
fn sub_table(g: &Grid, r: u32, next: &[RowRef], grid: usize, acc: &mut Acc) -> Option<usize> {
    let Slot::Anchor { text: name, span } = g.slot(r, 0) else {
        return None;
    };
    value(name)?;
    // A money section may be such a table too (总体资金情况（万元） over
    // 收入构成 | 当年金额 | 占比), or the budget itself (项目预算 over 成本构成 |
    // 金额 | …, its 合计 the total): its money lines feed the budget.
    let section = header_label(name);
    if section
        .as_ref()
        .is_some_and(|m| !matches!(m.label, HeaderLabel::Section | HeaderLabel::Total))
    {
        return None;
    }
    // The name is merged down its rows; a money name may instead stand over
    // empty cells (text dumps, forms without merges).
    let merged = span.rows >= 2;
    if !merged && section.is_none() {
        return None;
    }
    let labels: Vec<(u32, String)> = anchors(g, r)
        .into_iter()
        .filter(|(c, t)| *c > 0 && !t.trim().is_empty())
        .map(|(c, t)| (c, clean(t)))
        .collect();
    let label_like = |t: &str| {
        let k = label_key(t);
        let (head, _) = split_bracket(&k);
        let head = strip_leading_year(head).unwrap_or(head);
        (2..=16).contains(&head.chars().count()) && !head.chars().any(|c| c.is_ascii_digit())
    };
    if labels.len() < 2 || !labels.iter().all(|(_, t)| label_like(t)) {
        return None;
    }
    // Items are named by a column of their own (任务名称, 收入构成); a row
    // of known labels under a group name is labels over values instead.
    if labels
        .first()
        .is_some_and(|(_, t)| header_label(t).is_some())
    {
        return None;
    }
    // A block of pairs under a group name (项目实施计划 over 组织实施单位 | …,
    // 项目实施单位 | …): a known label where an item's name would be.
    if section.is_none() && merged {
        if let Some((ic, _)) = labels.first() {
            let pairs = (r + 1..r + span.rows)
                .filter_map(|row| g.text_at(row, *ic))
                .any(|t| header_label(t).is_some());
            if pairs {
                return None;
            }
        }
    }
    // A money matrix (an empty corner, then 年初预算数 | 全年预算数 …) is read
    // by `read_header`; a money sub-table names its item column (收入构成).
    if section.is_some()
        && labels
            .first()
            .is_none_or(|(c, t)| *c != span.cols || header_label(t).is_some())
    {
        return None;
    }
    let name = clean(name);
    // The column holding a money line's amount: the one labelled as an
    // amount (当年金额), else the first after the item names.
    let amount_col = section.as_ref().map(|_| {
        labels
            .iter()
            .skip(1)
            .find(|(_, t)| header_label(t).is_some_and(|m| m.label == HeaderLabel::Total))
            .or_else(|| labels.get(1))
            .map_or(u32::MAX, |(c, _)| *c)
    });
    if let Some(m) = &section {
        if acc.money_unit.is_none() {
            acc.money_unit = m.money_unit.clone();
        }
    }
    let mut consumed = 0;
    for rr in next {
        let below = rr.grid == grid
            && rr.row == r + 1 + consumed as u32
            && match g.slot(rr.row, 0) {
                Slot::Covered { anchor } => merged && anchor.row == r && anchor.col == 0,
                slot => {
                    let empty = match slot {
                        Slot::Anchor { text, .. } => text.trim().is_empty(),
                        _ => true,
                    };
                    !merged
                        && empty
                        && labels
                            .first()
                            .is_some_and(|(c, _)| g.text_at(rr.row, *c).and_then(value).is_some())
                }
            };
        if !below {
            break;
        }
        let item = labels
            .first()
            .and_then(|(c, _)| g.text_at(rr.row, *c))
            .and_then(value);
        let money = amount_col.and_then(|ac| {
            let m = header_label_in(item.as_deref()?, true).filter(|m| {
                matches!(
                    m.label,
                    HeaderLabel::Total | HeaderLabel::Fiscal | HeaderLabel::Other
                )
            })?;
            Some((ac, m))
        });
        let item = item.unwrap_or_else(|| format!("{}", consumed + 1));
        for (c, label) in labels.iter().skip(1) {
            if let Some((ac, m)) = money.as_ref().filter(|(ac, _)| ac == c) {
                acc.apply(m, &item, g.text_at(rr.row, *ac).unwrap_or(""), *ac);
                continue;
            }
            if let Some(v) = g
                .text_at(rr.row, *c)
                .filter(|_| matches!(g.slot(rr.row, *c), Slot::Anchor { .. }))
                .and_then(value)
            {
                acc.extra.insert(&format!("{name}/{item}/{label}"), v);
            }
        }
        consumed += 1;
    }
    (consumed > 0).then_some(consumed)
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
            let item = strip_item_mark(p).trim_end_matches(['；', ';', '，', ',']);
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
