//! The header block's layouts as patterns. Each pattern looks at the rows
//! from the current one on and proposes a claim: the rows it reads, what
//! each of their cells becomes (`Act`), and its score. The resolver takes
//! the best-scoring claim, applies it, and goes on after its rows; the
//! runner-up is kept for `inspect --explain`. A cell no act names as a
//! field, an extra or a title is noted as unplaced when its act is applied
//! (`Acc::lone`), so nothing is lost whatever pattern wins.
//!
//! Scores rank specificity: a pattern that explains more structure (a
//! sub-table, a money matrix) outranks one that explains less (pairs read
//! left to right, which always proposes and so is the floor).

use super::{
    filled, inline_pairs, label_and_amount, label_like, names_money_unit, section_of,
    unplaced_note, value, Acc,
};
use crate::grid::{Grid, Pos, Slot};
use crate::normalize::lexicon::words;
use crate::normalize::lexicon::{header_label, header_label_in, HeaderLabel, Matched};
use crate::normalize::reading::{GridReadings, Readings};
use crate::normalize::target::parse_amount;
use crate::normalize::text::{clean, label_key, split_bracket, strip_leading_year};
use crate::normalize::{anchors, RowRef};
use std::borrow::Cow;

type Section = Option<(HeaderLabel, u8)>;

/// What a claim makes of one cell (or of a label and its value).
pub(super) enum Act<'g> {
    /// A known label with its value (empty when the label stands alone).
    Field {
        m: Matched,
        label: Cow<'g, str>,
        value: Cow<'g, str>,
        col: u32,
    },
    /// A label the lexicon does not know, with its value: kept in extra.
    Unknown { label: Cow<'g, str>, value: String },
    /// A value kept in extra under a composed key (`name/item/column`).
    Extra { key: String, value: String },
    /// A cell with no label of its own: the section's text, a title, a
    /// unit line, or unplaced.
    Lone {
        section: Section,
        row: u32,
        col: u32,
        text: &'g str,
    },
    /// A money section's unit, unless one was read already.
    MoneyUnit(Option<String>),
    /// The section the rows after this one belong to.
    Section(Section),
    /// A cell that is read as a heading of nothing: noted as unplaced.
    Unplaced { row: u32, col: u32, text: &'g str },
    /// The indicator grid's caption: it names the grid below, neither a
    /// field nor the table's title.
    Caption,
}

impl Acc {
    fn act(&mut self, g: &Grid, act: Act<'_>) {
        match act {
            Act::Field {
                m,
                label,
                value,
                col,
            } => self.apply(&m, &label, &value, col),
            Act::Unknown { label, value } => self.unknown_pair(&label, value),
            Act::Extra { key, value } => self.extra.insert(&key, value),
            Act::Lone {
                section,
                row,
                col,
                text,
            } => self.lone(section, g, row, col, text),
            Act::MoneyUnit(u) => {
                if self.money_unit.is_none() {
                    self.money_unit = u;
                }
            }
            Act::Section(_) => {}
            Act::Caption => self.captions += 1,
            Act::Unplaced { row, col, text } => {
                if let Some(v) = value(text) {
                    self.notes.push(unplaced_note(g, row, col, v));
                }
            }
        }
    }
}

/// A pattern's proposal.
pub(super) struct Claim<'g> {
    /// Rows read, from the current one.
    pub rows: usize,
    pub acts: Vec<Act<'g>>,
}

/// A layout the header block may take.
pub struct Pattern {
    pub name: &'static str,
    pub score: u8,
    /// Whether the row's section context (a section label read in its first
    /// cell) is part of the claim: a sub-table starts afresh.
    in_section: bool,
    propose: for<'a, 'g> fn(&Here<'a, 'g>) -> Option<Claim<'g>>,
}

/// Every header-block pattern; the resolver compares their claims.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        name: "grid caption",
        score: 95,
        in_section: false,
        propose: grid_caption,
    },
    Pattern {
        name: "sub-table",
        score: 90,
        in_section: false,
        propose: sub_table,
    },
    Pattern {
        name: "money matrix",
        score: 80,
        in_section: true,
        propose: money_matrix,
    },
    Pattern {
        name: "labels over values, unknown labels among them",
        score: 70,
        in_section: true,
        propose: labels_over_values_mixed,
    },
    Pattern {
        name: "labels over values",
        score: 60,
        in_section: true,
        propose: labels_over_values,
    },
    Pattern {
        name: "label | value pairs",
        score: 10,
        in_section: true,
        propose: pairs,
    },
];

/// Which pattern read a row, and which came second.
#[derive(Debug, Clone)]
pub struct Explained {
    /// The grid, among the file's grids in block order.
    pub grid: usize,
    pub row: u32,
    pub pattern: &'static str,
    pub score: u8,
    pub runner_up: Option<(&'static str, u8)>,
}

impl Explained {
    /// A row read by a pattern no other competed with.
    pub(crate) fn row(at: &RowRef, (pattern, score): (&'static str, u8)) -> Self {
        Explained {
            grid: at.grid,
            row: at.row,
            pattern,
            score,
            runner_up: None,
        }
    }
}

/// Reads the header rows: at each row, every pattern proposes, the best
/// claim is applied, and reading goes on after its rows.
pub(super) fn read_rows(
    grids: &[&Grid],
    readings: &Readings<'_>,
    rows: &[RowRef],
    acc: &mut Acc,
    explained: &mut Vec<Explained>,
) {
    let (mut section, mut heading): (Section, Section) = (None, None);
    let mut i = 0;
    while i < rows.len() {
        let here = Here::new(grids, readings, rows, i, section, heading);
        let mut claims: Vec<(&Pattern, Claim)> = PATTERNS
            .iter()
            .filter_map(|p| (p.propose)(&here).map(|c| (p, c)))
            .collect();
        // Highest score first; equal scores keep the table's order.
        claims.sort_by_key(|(p, _)| std::cmp::Reverse(p.score));
        let runner_up = claims.get(1).map(|(p, _)| (p.name, p.score));
        let mut claims = claims.into_iter();
        let Some((pattern, claim)) = claims.next() else {
            i += 1;
            continue;
        };
        if pattern.in_section {
            section = here.section;
            heading = here.heading;
            for act in here.head {
                acc.act(here.g, act);
            }
        }
        for act in claim.acts {
            if let Act::Section(s) = act {
                section = s;
            } else {
                acc.act(here.g, act);
            }
        }
        let n = claim.rows.max(1);
        explained.extend(rows[i..(i + n).min(rows.len())].iter().map(|rr| Explained {
            grid: rr.grid,
            row: rr.row,
            pattern: pattern.name,
            score: pattern.score,
            runner_up,
        }));
        i += n;
    }
}

/// The current row and its context: the section it belongs to, its cells,
/// the labels among them.
pub(super) struct Here<'a, 'g> {
    g: &'g Grid,
    rd: &'a GridReadings<'g>,
    grid: usize,
    r: u32,
    /// The rows after this one.
    rest: &'a [RowRef],
    cells: Vec<(u32, &'g str)>,
    /// The next row, when it is the next row of the same grid.
    next: Option<RowRef>,
    section: Section,
    heading: Section,
    /// The first cell read as a pair (1 when the first cell is a section
    /// or group label).
    start: usize,
    /// An unknown name merged down beside rows of pairs.
    group: Option<String>,
    /// The section label read in the first cell, as its own field.
    head: Vec<Act<'g>>,
    /// Known labels of the row (sections aside, goals kept).
    labels: Vec<(u32, Matched, &'g str)>,
    /// Cells holding a value, not a label.
    values_here: usize,
}

impl<'a, 'g> Here<'a, 'g> {
    fn new(
        grids: &[&'g Grid],
        readings: &'a Readings<'g>,
        rows: &'a [RowRef],
        i: usize,
        mut section: Section,
        heading: Section,
    ) -> Self {
        let RowRef { grid, row: r } = rows[i];
        let g = grids[grid];
        let rd = readings.grid(grid);
        let cells = anchors(g, r);
        let next = rows
            .get(i + 1)
            .copied()
            .filter(|n| n.grid == grid && n.row == r + 1);
        let mut head = Vec::new();
        // The section a row belongs to: its first cell's label, the label
        // merged down over it, or (text dumps) the one above an empty cell.
        let mut start = 0;
        match g.slot(r, 0) {
            Slot::Covered { anchor } if anchor.col == 0 => {
                section = rd.label(anchor.row, 0).and_then(section_of);
            }
            Slot::Anchor { text, .. } if text.trim().is_empty() => {}
            Slot::Anchor { text, .. } => {
                // A section heading alone on its row (年度绩效目标) owns the
                // free text in the rows below it, until the next label.
                let label = rd.label(r, 0);
                section = if heading.is_some() && label.is_none() {
                    heading
                } else {
                    None
                };
                if let Some(m) = label {
                    let money = m.label == HeaderLabel::Section;
                    let next_is_label = cells.get(1).is_some_and(|(c, t)| {
                        !filled(t)
                            || rd.label(r, *c).is_some()
                            || (money && header_label_in(t, true).is_some())
                            || rd.inline(r, *c)
                    });
                    // 年初设定目标 | 年度总体目标完成情况综述 over their texts: the
                    // first label heads a column, it does not own the row.
                    let labels_in_row = cells.iter().filter(|(_, t)| !t.trim().is_empty()).count();
                    let heads_a_column = next_is_label
                        && labels_in_row >= 2
                        && next.is_some_and(|n| match g.slot(n.row, 0) {
                            Slot::Anchor { text, .. } => {
                                value(text).is_some() && rd.label(n.row, 0).is_none()
                            }
                            _ => false,
                        });
                    // 年度绩效目标 alone over *年度绩效总目标 | its text: a heading
                    // whose rows have a label of their own owns nothing.
                    let over_own_label = cells.len() == 1
                        && matches!(m.label, HeaderLabel::Goals | HeaderLabel::FundUse)
                        && next.is_some_and(|n| {
                            rd.label(n.row, 0)
                                .is_some_and(|below| below.label == m.label)
                        });
                    if over_own_label {
                        head.push(Act::Unplaced {
                            row: r,
                            col: 0,
                            text,
                        });
                        start = 1;
                    } else if let Some(s) = section_of(m) {
                        section = Some(s);
                        if (next_is_label || cells.len() == 1) && !heads_a_column {
                            head.push(Act::Field {
                                m: m.clone(),
                                label: Cow::Borrowed(text.as_str()),
                                value: Cow::Borrowed(""),
                                col: 0,
                            });
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
        // A group inside the group (项目基本情况 | 1.项目年度目标完成情况 [2×1] |
        // 项目年度目标 | 年度目标完成情况): its name joins the key, the labels
        // after it are the row's.
        let group = match (group, cells.get(1)) {
            (Some(outer), Some(&(c, t))) if start == 1 && cells.len() >= 4 => {
                let merged = matches!(g.slot(r, c), Slot::Anchor { span, .. } if span.rows >= 2);
                if merged && rd.label(r, c).is_none() && label_like(t) {
                    start = 2;
                    Some(format!("{outer}/{}", clean(t)))
                } else {
                    Some(outer)
                }
            }
            (group, _) => group,
        };
        let alone = cells.iter().filter(|(_, t)| !t.trim().is_empty()).count() == 1;
        let heading = match section {
            Some((HeaderLabel::Goals | HeaderLabel::FundUse, _)) if alone && start == 1 => section,
            s if s.is_some() && s == heading => heading,
            _ => None,
        };
        let labels: Vec<(u32, Matched, &str)> = cells[start..]
            .iter()
            .filter_map(|(c, t)| rd.label(r, *c).map(|m| (*c, m.clone(), *t)))
            .filter(|(_, m, _)| section_of(m).is_none() || matches!(m.label, HeaderLabel::Goals))
            .collect();
        let values_here = cells[start..]
            .iter()
            .filter(|(c, t)| filled(t) && rd.label(r, *c).is_none())
            .count();
        Here {
            g,
            rd,
            grid,
            r,
            rest: rows.get(i + 1..).unwrap_or(&[]),
            cells,
            next,
            section,
            heading,
            start,
            group,
            head,
            labels,
            values_here,
        }
    }

    /// The label of the cell at column `c` of row `row`, as read once.
    fn label(&self, row: u32, c: u32) -> Option<&'a Matched> {
        self.rd.label(row, c)
    }
}

/// A caption over the indicator grid (项目年度绩效目标(定量目标) [1×6] right above
/// 评价内容 | 绩效内容 | 绩效目标值 …): one cell across the grid, read as the
/// year's goals, the last row before a row naming indicator columns. The
/// goals are the grid itself, so no goals label stands empty, and the cell
/// is no title.
fn grid_caption<'g>(h: &Here<'_, 'g>) -> Option<Claim<'g>> {
    let (g, r) = (h.g, h.r);
    let [(c, _)] = h.cells[..] else {
        return None;
    };
    let across = matches!(g.slot(r, c), Slot::Anchor { span, .. } if span.cols == g.cols());
    let goals = h.label(r, c).is_some_and(|m| m.label == HeaderLabel::Goals);
    let below = r + 1;
    let columns_below = if below < g.rows() {
        (0..g.cols())
            .filter(|&c| h.rd.column(below, c).is_some())
            .count()
    } else {
        0
    };
    (across && goals && h.next.is_none() && columns_below >= 2).then(|| Claim {
        rows: 1,
        acts: vec![Act::Caption],
    })
}

/// A money matrix (self-evaluation tables): a row of column labels (年初预算数
/// | 全年预算数 | 全年执行数 …), then rows each led by a row label (年度资金总额,
/// 其中：当年财政拨款 …) with values under the columns. Column labels the
/// lexicon does not know may stand among them (全年预算数(A) | 全年执行数(B) |
/// 执行率(B/A)) when a total heads one.
fn money_matrix<'g>(h: &Here<'_, 'g>) -> Option<Claim<'g>> {
    let (g, r, start) = (h.g, h.r, h.start);
    let total_here = h.labels.iter().any(|l| l.1.label == HeaderLabel::Total);
    let unknown_heads: Vec<(u32, &str)> = h.cells[start..]
        .iter()
        .filter(|(c, t)| total_here && filled(t) && h.label(r, *c).is_none())
        .copied()
        .collect();
    let matrix_head = (h.labels.len() >= 2 && h.values_here == 0)
        || (total_here
            && !unknown_heads.is_empty()
            && unknown_heads
                .iter()
                .all(|(_, t)| column_head_like(t) && parse_amount(t).is_none()));
    if !matrix_head {
        return None;
    }
    let first_col = h
        .labels
        .iter()
        .map(|l| l.0)
        .chain(unknown_heads.iter().map(|u| u.0))
        .min()
        .unwrap_or(0);
    // A money row label, in a money block's words (总额 names the total there).
    let money_label = |row: u32, c: u32| -> Option<Cow<'_, Matched>> {
        match h.label(row, c) {
            Some(m) => Some(Cow::Borrowed(m)),
            None => header_label_in(g.text_at(row, c)?, true).map(Cow::Owned),
        }
    };
    // 年度预算数(万元) over 总额 | 其中:财政资金: a head over the row labels is the
    // corner — it names their column (and the block's unit), not a money column.
    let corner = h
        .labels
        .iter()
        .find(|l| l.0 == first_col)
        .filter(|_| h.labels.len() + unknown_heads.len() >= 3)
        .filter(|_| {
            h.next
                .and_then(|n| money_label(n.row, first_col))
                .is_some_and(|m| section_of(&m).is_none())
        })
        .map(|l| (l.0, l.1.money_unit.clone()));
    let first_col = match corner {
        Some((c, _)) => c + 1,
        None => first_col,
    };
    // The block's own rows: under the label merged down beside them.
    let block = match g.slot(r, 0) {
        Slot::Covered { anchor } => Some(*anchor),
        Slot::Anchor { span, .. } if span.rows >= 2 => Some(Pos { row: r, col: 0 }),
        _ => None,
    };
    let in_block = |row: u32| {
        block.is_some_and(|b| matches!(g.slot(row, 0), Slot::Covered { anchor } if *anchor == b))
    };
    let row_label = |row: u32| -> Option<(u32, Option<Cow<'_, Matched>>, &'g str)> {
        let (c, t) = anchors(g, row)
            .into_iter()
            .find(|(c, t)| *c < first_col && !t.trim().is_empty())?;
        match money_label(row, c) {
            Some(m) if section_of(&m).is_none() => Some((c, Some(m), t)),
            Some(_) => None,
            // 县级资金: an unknown line of the block.
            None if in_block(row) && label_like(t) => Some((c, None, t)),
            None => None,
        }
    };
    let mut heads: Vec<(u32, Option<&Matched>, &str)> = h
        .labels
        .iter()
        .filter(|l| corner.as_ref().is_none_or(|k| k.0 != l.0))
        .map(|(c, m, t)| (*c, Some(m), *t))
        .chain(unknown_heads.iter().map(|(c, t)| (*c, None, *t)))
        .collect();
    heads.sort_by_key(|h| h.0);
    // The row below must be led by a known row label.
    row_label(h.next?.row)?.1?;
    let is_total = |h: &(u32, Option<&Matched>, &str), first: bool| {
        h.1.is_some_and(|m| m.label == HeaderLabel::Total && (!first || m.priority == 1))
    };
    let main = heads
        .iter()
        .position(|h| is_total(h, true))
        .or_else(|| heads.iter().position(|h| is_total(h, false)));
    let mut acts = Vec::new();
    if let Some((_, unit)) = corner {
        acts.push(Act::MoneyUnit(unit));
    }
    let mut k = 0;
    while let Some(rr) = h
        .rest
        .get(k)
        .filter(|n| n.grid == h.grid && n.row == r + 1 + k as u32)
    {
        let Some((lc, lm, lt)) = row_label(rr.row) else {
            break;
        };
        for (idx, (c, _, t)) in heads.iter().enumerate() {
            // A cell merged down from a row above (原因 [5×3]) was read there.
            let v = match g.slot(rr.row, *c) {
                Slot::Covered { anchor } if anchor.row < rr.row => "",
                _ => g.text_at(rr.row, *c).unwrap_or(""),
            };
            match lm.as_deref() {
                Some(lm) if Some(idx) == main => acts.push(Act::Field {
                    m: lm.clone(),
                    label: Cow::Borrowed(lt),
                    value: Cow::Borrowed(v),
                    col: *c,
                }),
                None if Some(idx) == main => {
                    if let Some(v) = value(v) {
                        acts.push(Act::Unknown {
                            label: Cow::Borrowed(lt),
                            value: v,
                        });
                    }
                }
                _ => {
                    if let Some(v) = value(v) {
                        let key = if lm.as_ref().is_some_and(|m| m.label == HeaderLabel::Total) {
                            clean(t)
                        } else {
                            format!("{}/{}", clean(lt), clean(t))
                        };
                        acts.push(Act::Extra { key, value: v });
                    }
                }
            }
        }
        for (c, t) in anchors(g, rr.row) {
            if c != lc && c >= first_col && !heads.iter().any(|h| h.0 == c) {
                acts.push(Act::Lone {
                    section: h.section,
                    row: rr.row,
                    col: c,
                    text: t,
                });
            }
        }
        k += 1;
    }
    Some(Claim { rows: 1 + k, acts })
}

/// A money column's head: a short label, its figures only in a bracket
/// (`得分(20分*执行率)`, `执行率(B/A1` as OCR left it) or in a period before
/// it (`1-6月执行数`, `2021年金额`).
fn column_head_like(t: &str) -> bool {
    let key = label_key(t);
    let head = key.split('(').next().unwrap_or(&key);
    let head = strip_leading_year(head).unwrap_or(head);
    let head = match head.split_once(words::MONTH_CHAR) {
        Some((period, rest))
            if !period.is_empty() && period.chars().all(|c| c.is_ascii_digit() || c == '-') =>
        {
            rest
        }
        _ => head,
    };
    (2..=16).contains(&head.chars().count()) && !head.chars().any(|c| c.is_ascii_digit())
}

/// Known labels with a few unknown ones among them (执行率权重), over a row
/// holding a value under every one of them: all are labels.
fn labels_over_values_mixed<'g>(h: &Here<'_, 'g>) -> Option<Claim<'g>> {
    let (g, r, start) = (h.g, h.r, h.start);
    if h.labels.len() < 2 || h.values_here == 0 || h.values_here >= h.labels.len() {
        return None;
    }
    let unknown: Vec<(u32, &str)> = h.cells[start..]
        .iter()
        .filter(|(c, t)| !t.trim().is_empty() && h.label(r, *c).is_none())
        .copied()
        .collect();
    let under = |c: u32| -> Option<&'g str> {
        let n = h.next?;
        match g.slot(n.row, c) {
            Slot::Anchor { text, .. } => {
                Some(text.as_str()).filter(|t| value(t).is_some() && h.label(n.row, c).is_none())
            }
            _ => None,
        }
    };
    let all_under = h
        .labels
        .iter()
        .map(|l| l.0)
        .chain(unknown.iter().map(|u| u.0))
        .all(|c| under(c).is_some());
    if !unknown.iter().all(|(_, t)| label_like(t)) || !all_under {
        return None;
    }
    let n = h.next?;
    let mut acts = Vec::new();
    for (c, m, t) in &h.labels {
        acts.push(Act::Field {
            m: m.clone(),
            label: Cow::Borrowed(*t),
            value: Cow::Borrowed(under(*c).unwrap_or("")),
            col: *c,
        });
    }
    for (c, t) in &unknown {
        if let Some(v) = under(*c).and_then(value) {
            acts.push(Act::Unknown {
                label: Cow::Borrowed(*t),
                value: v,
            });
        }
    }
    let claimed = |c: u32| h.labels.iter().any(|l| l.0 == c) || unknown.iter().any(|u| u.0 == c);
    acts.extend(lone_below(h, n.row, claimed));
    Some(Claim { rows: 2, acts })
}

/// A row of labels over a row of values.
fn labels_over_values<'g>(h: &Here<'_, 'g>) -> Option<Claim<'g>> {
    let g = h.g;
    if h.labels.len() < 2 || h.values_here != 0 {
        return None;
    }
    let n = h.next?;
    let below_ok = h.labels.iter().all(|(c, _, _)| match g.slot(n.row, *c) {
        Slot::Anchor { .. } => h.label(n.row, *c).is_none(),
        _ => false,
    });
    if !below_ok {
        return None;
    }
    let mut acts = Vec::new();
    for (c, m, t) in &h.labels {
        acts.push(Act::Field {
            m: m.clone(),
            label: Cow::Borrowed(*t),
            value: Cow::Borrowed(g.text_at(n.row, *c).unwrap_or("")),
            col: *c,
        });
    }
    acts.extend(lone_below(h, n.row, |c| h.labels.iter().any(|l| l.0 == c)));
    Some(Claim { rows: 2, acts })
}

/// Cells of a value row under no label (the first column aside): lone.
fn lone_below<'a, 'g>(
    h: &'a Here<'_, 'g>,
    row: u32,
    claimed: impl Fn(u32) -> bool + 'a,
) -> impl Iterator<Item = Act<'g>> + 'a {
    anchors(h.g, row)
        .into_iter()
        .filter(move |(c, _)| *c >= h.start as u32 && *c != 0 && !claimed(*c))
        .map(move |(col, text)| Act::Lone {
            section: h.section,
            row,
            col,
            text,
        })
}

/// Label | value pairs read left to right, and the cells between them: a
/// label and its amount in one cell, `label:value` cells, unknown labels
/// before their values, section labels heading the pairs after them. It
/// reads any row, so it is the floor every other claim must beat.
fn pairs<'g>(h: &Here<'_, 'g>) -> Option<Claim<'g>> {
    let (g, r, cells) = (h.g, h.r, &h.cells);
    let mut section = h.section;
    let mut acts = Vec::new();
    let lone = |section, c, t| Act::Lone {
        section,
        row: r,
        col: c,
        text: t,
    };
    let mut j = h.start;
    while j < cells.len() {
        let (c, t) = cells[j];
        if t.trim().is_empty() {
            j += 1;
            continue;
        }
        // A label's value is the cell right after it: when the file has no
        // cell there (财政事权 | · | 政策任务), the label is empty and the next
        // label keeps its own value.
        let after = match g.slot(r, c) {
            Slot::Anchor { span, .. } => c + span.cols.max(1),
            _ => c + 1,
        };
        // A prompt left unfilled after a label (地方资金 | 市:) is no value.
        let adjacent_empty = (matches!(g.slot(r, after), Slot::Empty)
            && cells.get(j + 1).is_some_and(|(nc, _)| *nc > after))
            || unfilled(h, j + 1);
        let next_value = cells
            .get(j + 1)
            .filter(|_| !adjacent_empty)
            .filter(|(nc, nt)| {
                h.label(r, *nc).is_none() && !h.rd.inline(r, *nc) && label_and_amount(nt).is_none()
            })
            .map(|(_, nt)| *nt);
        let in_money = matches!(section, Some((HeaderLabel::Section, _)));
        let m = match h.label(r, c) {
            Some(m) => Some(Cow::Borrowed(m)),
            None if in_money => header_label_in(t, true).map(Cow::Owned),
            None => None,
        };
        if let Some(m) = m {
            // 资金总额 | 合计 | 80.00: the 合计 line of a money block is the
            // label's own amount.
            let money = matches!(
                m.label,
                HeaderLabel::Total
                    | HeaderLabel::Fiscal
                    | HeaderLabel::Other
                    | HeaderLabel::MultiYearTotal
            );
            // 年度资金总额 | 金额(万元), 资金来源 | 年初安排金额(万元): a column
            // label beside a money label is the block's unit, not its value.
            let money_head = money || m.label == HeaderLabel::Section;
            if let Some(unit) = next_value.filter(|_| money_head).and_then(names_money_unit) {
                acts.push(field(&m, t, "", c));
                acts.push(Act::MoneyUnit(Some(unit.to_string())));
                j += 2;
                continue;
            }
            let total_row =
                next_value.is_some_and(|v| words::TOTAL_ROWS.contains(&label_key(v).as_str()));
            if let (true, true, Some((_, amount))) = (money, total_row, cells.get(j + 2)) {
                if parse_amount(amount.trim()).is_some() {
                    acts.push(field(&m, t, amount, c));
                    j += 3;
                    continue;
                }
            }
            // 资金需求(万元) | 2021年金额 | …: a money section's label heads
            // the pairs after it on its row.
            let heads_pairs = m.label == HeaderLabel::Section && cells.len() >= j + 3;
            match next_value.filter(|_| !heads_pairs) {
                Some(v) => {
                    acts.push(field(&m, t, v, c));
                    j += 2;
                }
                None => {
                    match section_of(&m) {
                        Some(s) if heads_pairs => {
                            // Its money unit (万元) is read.
                            acts.push(field(&m, t, "", c));
                            section = Some(s);
                        }
                        Some(s) => section = Some(s),
                        None => acts.push(field(&m, t, "", c)),
                    }
                    j += 1;
                }
            }
            continue;
        }
        if unfilled(h, j) {
            acts.push(lone(None, c, t));
            j += 1;
            continue;
        }
        // A label and its amount in one cell: `其中：财政拨款 50.00`.
        if let Some(pair) = label_and_amount(t) {
            acts.push(owned_field(pair, c));
            j += 1;
            continue;
        }
        if h.rd.inline(r, c) {
            // `部门:505_某局 金额单位:万元` holds two pairs.
            acts.extend(inline_pairs(t).into_iter().map(|pair| owned_field(pair, c)));
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
            .filter(|(nc, _)| {
                h.label(r, *nc).is_some_and(|m| section_of(m).is_none()) && !h.rd.inline(r, *nc)
            })
            .map(|(_, nt)| *nt);
        if let Some(v) = next_value
            .or(last_value)
            .filter(|v| label_like && !free_text_section && !v.trim().is_empty())
        {
            if let Some(v) = value(v) {
                let label = match &h.group {
                    Some(name) => Cow::Owned(format!("{name}/{}", clean(t))),
                    None => Cow::Borrowed(t),
                };
                acts.push(Act::Unknown { label, value: v });
            }
            j += 2;
            continue;
        }
        acts.push(lone(section, c, t));
        j += 1;
    }
    acts.push(Act::Section(section));
    Some(Claim { rows: 1, acts })
}

/// Whether the row's `j`th cell is a prompt left unfilled: a short label
/// ending in its colon (`市:`, `已实施情况:`) with no cell for a value after it:
/// the row ends or another label follows. (Before an empty cell it is a
/// label whose value was left empty, as any label may be.)
fn unfilled(h: &Here<'_, '_>, j: usize) -> bool {
    let Some(&(c, _)) = h.cells.get(j) else {
        return false;
    };
    h.rd.empty_label(h.r, c)
        && h.cells
            .get(j + 1)
            .is_none_or(|&(nc, _)| h.rd.empty_label(h.r, nc) || h.label(h.r, nc).is_some())
}

/// A label and its value read out of one cell (`其中：财政拨款 50.00`).
fn owned_field<'g>((m, label, value): (Matched, String, String), col: u32) -> Act<'g> {
    Act::Field {
        m,
        label: Cow::Owned(label),
        value: Cow::Owned(value),
        col,
    }
}

fn field<'g>(m: &Matched, label: &'g str, value: &'g str, col: u32) -> Act<'g> {
    Act::Field {
        m: m.clone(),
        label: Cow::Borrowed(label),
        value: Cow::Borrowed(value),
        col,
    }
}

/// A small table inside the header block (部门整体 tables' 年度主要任务: 任务名称
/// | 主要内容 | 预算金额): a name merged down its rows, a row of column
/// labels, then one row per item. Each value goes to extra as
/// `name/item/column`.
fn sub_table<'g>(h: &Here<'_, 'g>) -> Option<Claim<'g>> {
    let (g, r) = (h.g, h.r);
    let Slot::Anchor { text: name, span } = g.slot(r, 0) else {
        return None;
    };
    value(name)?;
    // A money section may be such a table too (总体资金情况（万元） over 收入构成
    // | 当年金额 | 占比), or the budget itself (项目预算 over 成本构成 | 金额 |
    // …, its 合计 the total): its money lines feed the budget.
    let section = h.label(r, 0);
    if section.is_some_and(|m| !matches!(m.label, HeaderLabel::Section | HeaderLabel::Total)) {
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
    let head_like = |t: &str| {
        let k = label_key(t);
        let (head, _) = split_bracket(&k);
        let head = strip_leading_year(head).unwrap_or(head);
        (2..=16).contains(&head.chars().count()) && !head.chars().any(|c| c.is_ascii_digit())
    };
    if labels.len() < 2 || !labels.iter().all(|(_, t)| head_like(t)) {
        return None;
    }
    // Items are named by a column of their own (任务名称, 收入构成); a row of
    // known labels under a group name is labels over values instead.
    if labels
        .first()
        .is_some_and(|(c, _)| h.label(r, *c).is_some())
    {
        return None;
    }
    // A block of pairs under a group name (项目实施计划 over 组织实施单位 | …,
    // 项目实施单位 | …): a known label where an item's name would be.
    if section.is_none() && merged {
        if let Some((ic, _)) = labels.first() {
            if (r + 1..r + span.rows).any(|row| h.label(row, *ic).is_some()) {
                return None;
            }
        }
    }
    // A money matrix (an empty corner, then 年初预算数 | 全年预算数 …) is read
    // by its own pattern; a money sub-table names its item column (收入构成).
    if section.is_some()
        && labels
            .first()
            .is_none_or(|(c, _)| *c != span.cols || h.label(r, *c).is_some())
    {
        return None;
    }
    let name = clean(name);
    // The column holding a money line's amount: the one labelled as an
    // amount (当年金额), else the first after the item names.
    let amount_col = section.map(|_| {
        labels
            .iter()
            .skip(1)
            .find(|(c, _)| {
                h.label(r, *c)
                    .is_some_and(|m| m.label == HeaderLabel::Total)
            })
            .or_else(|| labels.get(1))
            .map_or(u32::MAX, |(c, _)| *c)
    });
    let mut acts = vec![Act::MoneyUnit(section.and_then(|m| m.money_unit.clone()))];
    let mut consumed = 0;
    for rr in h.rest {
        let below = rr.grid == h.grid
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
                acts.push(Act::Field {
                    m: m.clone(),
                    label: Cow::Owned(item.clone()),
                    value: Cow::Borrowed(g.text_at(rr.row, *ac).unwrap_or("")),
                    col: *ac,
                });
                continue;
            }
            if let Some(v) = g
                .text_at(rr.row, *c)
                .filter(|_| matches!(g.slot(rr.row, *c), Slot::Anchor { .. }))
                .and_then(value)
            {
                acts.push(Act::Extra {
                    key: format!("{name}/{item}/{label}"),
                    value: v,
                });
            }
        }
        consumed += 1;
    }
    (consumed > 0).then_some(Claim {
        rows: 1 + consumed,
        acts,
    })
}
