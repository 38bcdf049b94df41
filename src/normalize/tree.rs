//! An indented tree in one column (宁夏's approval export): `项目 | 指标值 |
//! 绩效金额` over rows whose first cell's depth (its leading spaces) says
//! what it is — the unit, the project with its amount, 一级 labels, 二级
//! labels, then the indicators with their values. The tree is the grid: the
//! levels are the labels above an indicator, as the tree states them.

use super::lexicon::{column, Column};
use super::notes::unplaced_note;
use super::target::{parse_amount, parse_target};
use super::text::value;
use super::vocab::{canonical, is_level_label, Level};
use crate::grid::Grid;
use crate::model::{Indicator, Note, Table};

/// The tree's value column.
#[derive(Debug, Clone, Copy)]
pub struct Tree {
    value_col: u32,
}

fn depth(t: &str) -> usize {
    t.chars()
        .take_while(|c| *c == ' ' || *c == '\u{3000}')
        .count()
}

/// Whether the grid is such a tree: a value column named in its first row,
/// and a first column whose cells go three or more depths deep, level names
/// among them.
pub fn detect(g: &Grid) -> Option<Tree> {
    if g.rows() < 4 || g.cols() < 2 || g.rows() > 4096 {
        return None;
    }
    let value_col =
        (1..g.cols()).find(|&c| g.text_at(0, c).and_then(column) == Some(Column::Target))?;
    let mut depths: Vec<usize> = Vec::new();
    let mut levels = 0;
    for r in 1..g.rows() {
        let Some(t) = g.text_at(r, 0).filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        depths.push(depth(t));
        levels += usize::from(is_level_label(t.trim()));
    }
    depths.sort_unstable();
    depths.dedup();
    (depths.len() >= 3 && depths[0] > 0 && levels >= 2).then_some(Tree { value_col })
}

/// Reads the tree into `t` (title, year and money unit already read from
/// the lines above it): unit, project, amount, indicators; cells it cannot
/// place are noted.
pub fn read(g: &Grid, tree: &Tree, t: &mut Table) {
    let rows: Vec<(u32, usize, &str)> = (1..g.rows())
        .filter_map(|r| {
            let text = g.text_at(r, 0).filter(|x| !x.trim().is_empty())?;
            Some((r, depth(text), text.trim()))
        })
        .collect();
    // The 一级 depth: the shallowest a level name stands at; 二级 the next.
    let Some(l1) = rows
        .iter()
        .filter(|(_, _, x)| is_level_label(x))
        .map(|r| r.1)
        .min()
    else {
        return;
    };
    let l2 = rows
        .iter()
        .map(|r| r.1)
        .filter(|d| *d > l1)
        .min()
        .unwrap_or(l1 + 1);
    let mut above: Vec<usize> = rows.iter().map(|r| r.1).filter(|d| *d < l1).collect();
    above.sort_unstable();
    above.dedup();
    let (mut level1, mut level2): (Option<Label>, Option<Label>) = (None, None);
    let mut notes = Vec::new();
    let level = |r: u32, x: &str, lvl: Level| {
        let c = canonical(x, lvl);
        let note = c.rule.map(|rule| Note {
            field: String::new(),
            raw: x.to_string(),
            normalized: Some(c.value.clone()),
            rule: rule.to_string(),
        });
        Label {
            value: c.value,
            note,
            row: r,
            raw: x.to_string(),
            used: false,
        }
    };
    // A level label no indicator stands under is noted, not lost.
    let retire = |old: Option<Label>, notes: &mut Vec<Note>| {
        if let Some(l) = old.filter(|l| !l.used) {
            notes.push(unplaced_note(g, l.row, 0, l.raw));
        }
    };
    // Cells beside the first column other than the value: the project's
    // amount, an indicator's extra, or notes.
    let others = |r: u32| {
        (1..g.cols())
            .filter(|&c| c != tree.value_col)
            .filter_map(move |c| Some((c, g.text_at(r, c).and_then(value)?)))
    };
    for &(r, d, x) in &rows {
        let v = g.text_at(r, tree.value_col).and_then(value);
        let amount = others(r).find_map(|(_, a)| parse_amount(&a));
        let project = d < l1 && above.iter().position(|a| *a == d) == Some(1);
        let leaf = d > l1 && !(d == l2 && v.is_none());
        for (c, o) in others(r) {
            if leaf || (project && parse_amount(&o).is_some()) {
                continue;
            }
            notes.push(unplaced_note(g, r, c, o));
        }
        if d >= l1 && !leaf {
            if let Some(v) = &v {
                notes.push(unplaced_note(g, r, tree.value_col, v.clone()));
            }
        }
        if d < l1 {
            match above.iter().position(|a| *a == d) {
                Some(0) if t.unit_name.is_none() => t.unit_name = Some(x.to_string()),
                Some(1) if t.project_name.is_none() => {
                    t.project_name = Some(x.to_string());
                    if t.budget.total.is_none() {
                        t.budget.total = amount;
                    }
                }
                _ => notes.push(unplaced_note(g, r, 0, x.to_string())),
            }
        } else if d == l1 {
            retire(level2.take(), &mut notes);
            retire(level1.replace(level(r, x, Level::One)), &mut notes);
        } else if d == l2 && v.is_none() {
            retire(level2.replace(level(r, x, Level::Two)), &mut notes);
        } else {
            let index = t.indicators.len();
            for (slot, lvl) in [(&mut level1, "level1"), (&mut level2, "level2")] {
                let Some(label) = slot.as_mut() else { continue };
                label.used = true;
                if let Some(mut note) = label.note.take() {
                    note.field = format!("indicators[{index}].{lvl}");
                    notes.push(note);
                }
            }
            let mut extra = crate::model::Extra::default();
            for (c, o) in others(r) {
                let head = g.text_at(0, c).map(str::trim).unwrap_or_default();
                extra.insert(head, o);
            }
            t.indicators.push(Indicator {
                extra,
                level1: level1.as_ref().map(|l| l.value.clone()),
                level2: level2.as_ref().map(|l| l.value.clone()),
                level3: Some(x.to_string()),
                target: v.as_deref().and_then(parse_target),
                locator: g.row_locator(r),
                ..Indicator::default()
            });
        }
    }
    retire(level2, &mut notes);
    retire(level1, &mut notes);
    t.notes.extend(notes);
}

/// A level label read from the tree, until the next one of its level.
struct Label {
    value: String,
    /// Its normalisation note, given to the first indicator under it.
    note: Option<Note>,
    row: u32,
    raw: String,
    used: bool,
}

#[cfg(test)]
mod tests {
    use crate::grid::notation;

    fn read(text: &str) -> crate::model::Table {
        let blocks = notation::parse(text).unwrap();
        let mut n = crate::normalize::normalize(&blocks, "t.grid", "grid");
        assert_eq!(n.tables.len(), 1, "{:?}", n.skipped);
        n.tables.remove(0)
    }

    /// Levels from the depths above each indicator; a level label with no
    /// indicator under it is noted, and a grid whose first column is not
    /// indented is no tree.
    #[test]
    fn an_indented_tree_and_its_unused_label() {
        let t = read(
            "▦\n| 项目 | 指标值 | 绩效金额 |\n| \\ 某局 | · | · |\n| \\ \\ 某项目 | · | 100 |\n\
             | \\ \\ \\ 产出指标 | · | · |\n| \\ \\ \\ \\ 数量指标 | · | · |\n\
             | \\ \\ \\ \\ \\ 培训人数 | 100人 | · |\n| \\ \\ \\ \\ 质量指标 | · | · |\n",
        );
        assert_eq!(t.unit_name.as_deref(), Some("某局"));
        assert_eq!(t.project_name.as_deref(), Some("某项目"));
        assert_eq!(
            t.budget.total.map(|d| d.to_string()).as_deref(),
            Some("100")
        );
        assert_eq!(t.indicators.len(), 1);
        assert_eq!(t.indicators[0].level2.as_deref(), Some("数量指标"));
        assert_eq!(t.indicators[0].level3.as_deref(), Some("培训人数"));
        let unplaced: Vec<&str> = t
            .notes
            .iter()
            .filter(|n| n.rule == "unplaced")
            .map(|n| n.raw.as_str())
            .collect();
        assert_eq!(unplaced, ["质量指标"]);
        let flat = read(
            "▦\n| 一级指标 | 二级指标 | 三级指标 | 指标值 |\n| 产出指标 | 数量指标 | 培训人数 | 100人 |\n",
        );
        assert_eq!(flat.indicators[0].level1.as_deref(), Some("产出指标"));
    }
}
