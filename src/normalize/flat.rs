//! Flat exports: one row per indicator, with the project's fields (单位代码,
//! 单位(专项)名称, 资金总额, 实施期绩效目标 …) in columns that repeat or are
//! merged down. Every distinct project becomes its own table; a row that
//! names a unit but no indicator (the unit row) is context, not a table.

use super::indicators::ColumnMap;
use super::lexicon::{words, HeaderLabel, Matched};
use super::text::value;
use super::{RowInfo, RowRef};
use crate::grid::{Grid, Locator, RowLocator, Slot};

/// One project's rows and the fields that describe it.
pub struct Project {
    pub rows: Vec<RowRef>,
    /// (label, header text, value) for `header::read_header`.
    pub fields: Vec<(Matched, String, String)>,
}

/// A field column naming the 专项 (project) in indicator rows, and the unit
/// in a unit row: `单位(专项)名称`.
fn names_project(header: &str) -> bool {
    words::PROJECT_WORDS.iter().any(|w| header.contains(w))
}

/// Splits the rows under a flat header into projects.
pub fn projects(
    grids: &[&Grid],
    info: &[Vec<RowInfo>],
    map: &ColumnMap,
    rows: &[RowRef],
) -> Vec<Project> {
    let has_project_column = map
        .fields
        .iter()
        .any(|(_, m)| m.label == HeaderLabel::ProjectName);
    let indicator_cols: Vec<u32> = map
        .columns
        .iter()
        .enumerate()
        .filter(|(_, (r, _))| {
            matches!(
                r,
                Some(super::lexicon::Column::Level3) | Some(super::lexicon::Column::Target)
            )
        })
        .map(|(c, _)| c as u32)
        .collect();
    let mut out: Vec<Project> = Vec::new();
    let mut context: Vec<(Matched, String, String)> = Vec::new();
    let mut current_key: Option<Vec<(u32, String)>> = None;
    for &rr in rows {
        let g = grids[rr.grid];
        let r = rr.row;
        if info[rr.grid][r as usize].header.is_some() {
            continue;
        }
        let text = |c: u32| g.text_at(r, c).and_then(value);
        let is_indicator = indicator_cols.iter().any(|&c| match g.slot(r, c) {
            Slot::Covered { anchor } if anchor.row == r => false,
            _ => text(c).is_some(),
        });
        let mut values: Vec<(Matched, String, String)> = Vec::new();
        for (c, m) in &map.fields {
            let header = map.columns[*c as usize].1.clone();
            let Some(v) = text(*c) else { continue };
            let mut m = m.clone();
            if is_indicator && !has_project_column && names_project(&header) {
                m.label = HeaderLabel::ProjectName;
            }
            values.push((m, header, v));
        }
        let total_row = values
            .iter()
            .any(|(_, _, v)| words::TOTAL_ROWS.contains(&super::text::label_key(v).as_str()));
        // A row with nothing of its own (its project cells merged down from
        // the row above, its indicator cells empty) stays in its project.
        let own_cells = map
            .fields
            .iter()
            .any(|(c, _)| matches!(g.slot(r, *c), Slot::Anchor { .. }) && text(*c).is_some());
        if !is_indicator && !own_cells {
            if let Some(p) = out.last_mut() {
                p.rows.push(rr);
            }
            continue;
        }
        if !is_indicator {
            // A unit row: context for the projects below it (a total row is not).
            if !values.is_empty() && !total_row {
                // Who the unit is carries over as the unit; the unit's own
                // figures (its 资金总额 …) go to each project's extra as
                // `资金总额（单位）`, since they are not the project's.
                context = values
                    .into_iter()
                    .map(|(mut m, h, v)| {
                        if names_project(&h) || matches!(m.label, HeaderLabel::Unit) {
                            m.label = HeaderLabel::Unit;
                        } else if m.label != HeaderLabel::UnitCode {
                            m.label = HeaderLabel::Known;
                            return (m, format!("{h}{}", words::UNIT_ROW_SUFFIX), v);
                        }
                        (m, h, v)
                    })
                    .collect();
                current_key = None;
            } else if let Some(p) = out.last_mut() {
                p.rows.push(rr); // a total or stray row stays with its project (notes)
            }
            continue;
        }
        // A project is the identity of its project columns: a row starts a
        // new one only when a column it fills names something else than the
        // current project does (blank or merged cells repeat it).
        let key: Vec<(u32, String)> = map
            .fields
            .iter()
            .filter(|(c, m)| {
                matches!(
                    m.label,
                    HeaderLabel::ProjectName | HeaderLabel::UnitCode | HeaderLabel::Unit
                ) || names_project(&map.columns[*c as usize].1)
            })
            .filter_map(|(c, _)| text(*c).map(|v| (*c, v)))
            .collect();
        let new_project = match &mut current_key {
            None => true,
            Some(k) => key
                .iter()
                .any(|(c, v)| k.iter().any(|(kc, kv)| kc == c && kv != v)),
        };
        if let (false, Some(k)) = (new_project, current_key.as_mut()) {
            for (c, v) in &key {
                if !k.iter().any(|(kc, _)| kc == c) {
                    k.push((*c, v.clone()));
                }
            }
        }
        if new_project {
            let mut fields = context.clone();
            // A project row naming its own unit: the unit row's name is context.
            if values.iter().any(|(m, _, _)| m.label == HeaderLabel::Unit) {
                for (m, h, _) in &mut fields {
                    if m.label == HeaderLabel::Unit {
                        m.label = HeaderLabel::Known;
                        *h = format!("{h}{}", words::UNIT_ROW_SUFFIX);
                    }
                }
            }
            fields.extend(values);
            out.push(Project {
                rows: Vec::new(),
                fields,
            });
            current_key = Some(key);
        }
        if let Some(p) = out.last_mut() {
            p.rows.push(rr);
        }
    }
    out
}

/// `Sheet1!A5:M8` for a project's rows, when the grid names its rows.
pub fn locator(grids: &[&Grid], rows: &[RowRef]) -> Option<Locator> {
    let (first, last) = (rows.first()?, rows.last()?);
    let Locator::Range { sheet, .. } = &grids[first.grid].locator else {
        return None;
    };
    let Some(&RowLocator::Cells {
        row: r0,
        cols: (c0, _),
    }) = grids[first.grid].row_place(first.row)
    else {
        return None;
    };
    let Some(&RowLocator::Cells {
        row: r1,
        cols: (_, c1),
    }) = grids[last.grid].row_place(last.row)
    else {
        return None;
    };
    Some(Locator::Range {
        sheet: sheet.clone(),
        rows: (r0, r1),
        cols: (c0, c1),
    })
}

/// jixiao's `其他` column merges the table's and the indicator's extras:
/// keys with the same value on every row of the table are the table's.
pub fn split_own_extra(table: &mut crate::model::Table) {
    let Some(first) = table.indicators.first() else {
        return;
    };
    let shared: Vec<(String, String)> = first
        .extra
        .0
        .iter()
        .filter(|(k, v)| {
            table
                .indicators
                .iter()
                .all(|i| i.extra.0.iter().any(|(k2, v2)| k2 == k && v2 == v))
        })
        .cloned()
        .collect();
    if shared.is_empty() {
        return;
    }
    for i in &mut table.indicators {
        i.extra.0.retain(|kv| !shared.contains(kv));
    }
    for (k, v) in shared {
        table.extra.insert(&k, v);
    }
}
