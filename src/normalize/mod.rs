//! From grids to 绩效目标表: finds each table among a file's blocks, maps its
//! header block and indicator grid by their labels, fills merged levels down,
//! joins tables continued under a repeated header, and applies the
//! vocabulary and value rules. Knows nothing of file formats.
//!
//! Layout detection: a row whose cells name indicator columns (一级指标 …
//! 指标值) starts an indicator grid; the rows before it since the previous
//! table, in the same grid or the grids and paragraphs above, are its header
//! block. A grid that only repeats the indicator header continues the table
//! above it. Grids with no label at all are not 绩效目标表 and are skipped.

mod completeness;
mod explain;
mod flat;
mod header;
mod indicators;
pub mod lexicon;
mod memo;
mod notes;
mod reading;
pub mod target;
pub mod text;
mod tree;
pub mod vocab;

use crate::grid::{Block, Grid, Locator, RowLocator, Slot};
use crate::model::{Source, Table};
pub use explain::explain;
pub use header::{Explained, PATTERNS};
use indicators::ColumnMap;
use lexicon::HeaderLabel;
use reading::Readings;

/// One row of one grid of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowRef {
    pub grid: usize,
    pub row: u32,
}

/// The cells of a row that the file wrote (anchors), left to right.
pub(crate) fn anchors(grid: &Grid, row: u32) -> Vec<(u32, &str)> {
    each_anchor(grid, row).collect()
}

/// [`anchors`] without collecting them: for the tests run on every row.
pub(crate) fn each_anchor(grid: &Grid, row: u32) -> impl Iterator<Item = (u32, &str)> {
    (0..grid.cols()).filter_map(move |c| match grid.slot(row, c) {
        Slot::Anchor { text, .. } => Some((c, text.as_str())),
        _ => None,
    })
}

/// What the layout detection needs to know of a row, worked out once.
pub(crate) struct RowInfo {
    /// The column map when the row is an indicator header.
    pub header: Option<ColumnMap>,
    /// It holds a header label or names a table.
    pub labelled: bool,
    /// It names the project, the unit, the money or the table.
    pub strong: bool,
}

fn row_infos(grids: &[&Grid], readings: &Readings) -> Vec<Vec<RowInfo>> {
    grids
        .iter()
        .enumerate()
        .map(|(i, g)| {
            (0..g.rows())
                .map(|r| {
                    let rd = readings.grid(i);
                    let header = indicators::header_row(g, rd, r);
                    let (labelled, strong) = header::classify_row(g, rd, r);
                    RowInfo {
                        labelled: labelled || header.is_some(),
                        strong,
                        header,
                    }
                })
                .collect()
        })
        .collect()
}

/// What the normaliser found in one file.
#[derive(Debug, Default)]
pub struct Normalized {
    pub tables: Vec<Table>,
    /// Grids that were not 绩效目标表, and why, for `--verbose`.
    pub skipped: Vec<String>,
    /// Which pattern read each header row, for `inspect --explain`.
    pub explained: Vec<Explained>,
}

/// A table being gathered: its context and its rows.
#[derive(Debug, Default)]
struct Draft {
    paragraphs: Vec<String>,
    header_rows: Vec<RowRef>,
    /// Each indicator header (the first, then one per continuation) with
    /// the rows under it.
    segments: Vec<(ColumnMap, Vec<RowRef>)>,
    /// Rows that stood between a grid's end and its continuation.
    stray_rows: Vec<RowRef>,
    /// The heading line that named this table, to recognise it repeated
    /// above the table's continuation on the next page.
    heading: Option<String>,
    /// The grid, when it is an indented tree (`tree.rs`).
    tree: Option<(usize, tree::Tree)>,
}

/// A file's grids, in block order: what `RowRef::grid` counts.
fn grids_of(blocks: &[Block]) -> Vec<&Grid> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(g) => Some(g),
            Block::Paragraph(_) => None,
        })
        .collect()
}

/// Finds and normalises every 绩效目标表 in a file's blocks.
pub fn normalize(blocks: &[Block], file: &str, format: &str) -> Normalized {
    let grids = grids_of(blocks);
    let readings = Readings::new(&grids);
    let info = row_infos(&grids, &readings);
    let mut out = Normalized::default();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut current: Option<Draft> = None;
    let mut pending_rows: Vec<RowRef> = Vec::new();
    let mut pending_paras: Vec<String> = Vec::new();
    let mut gi = 0usize;

    for block in blocks {
        let grid = match block {
            Block::Paragraph(p) => {
                // Kept as written (trimmed): the spaces between pairs such as
                // `部门:505_某局 金额单位:万元` separate them; readers clean later.
                if text::clean(p).is_empty() {
                    continue;
                }
                let p = p.trim().to_string();
                // A heading starts a new table, unless it repeats the heading
                // of the table above on a new page (decided at the next grid).
                if header::names_a_table(&p) {
                    let repeated = current
                        .as_ref()
                        .is_some_and(|d| d.heading.as_deref() == Some(p.as_str()));
                    if !repeated {
                        drafts.extend(current.take());
                        pending_rows.clear();
                    }
                }
                pending_paras.push(p);
                continue;
            }
            Block::Table(g) => g,
        };
        let this = gi;
        gi += 1;
        // An indented tree in one column is a table of its own.
        if let Some(tree) = tree::detect(grid) {
            drafts.extend(current.take());
            pending_rows.clear();
            drafts.push(Draft {
                paragraphs: std::mem::take(&mut pending_paras),
                tree: Some((this, tree)),
                ..Draft::default()
            });
            continue;
        }
        let relevant = info[this].iter().any(|i| i.labelled);
        if !relevant {
            // A grid continued on the next page without repeating its header.
            if let Some(d) = current.as_mut() {
                if let Some((map, rows)) = d.segments.last_mut() {
                    if grid.cols() == map.cols
                        && pending_rows.is_empty()
                        && indicators::looks_like_indicator_row(grid, 0, map)
                    {
                        rows.extend((0..grid.rows()).map(|row| RowRef { grid: this, row }));
                        continue;
                    }
                }
            }
            out.skipped.push(format!(
                "{loc}（{r} 行 × {c} 列）不是绩效目标表，已跳过：没有表头信息，也没有指标名称 \
                 ({loc} ({r} rows × {c} columns) skipped: not a 绩效目标表 (no header block or indicator labels))",
                loc = grid.locator,
                r = grid.rows(),
                c = grid.cols()
            ));
            continue;
        }
        // An earlier grid that names no field, only a table (a page's
        // information table: 索引号 … | 标题: | 项目支出绩效目标申报表) is no
        // header block: its naming cell is a title line above this grid.
        if !pending_rows.is_empty() && pending_rows.iter().all(|rr| rr.grid < this) {
            let names_a_field = pending_rows.iter().any(|rr| {
                let rd = readings.grid(rr.grid);
                (0..grids[rr.grid].cols()).any(|c| {
                    rd.label(rr.row, c).is_some_and(|m| {
                        !matches!(m.label, HeaderLabel::Known | HeaderLabel::Section)
                    })
                })
            });
            if !names_a_field {
                let loc = grids[pending_rows[0].grid].locator.clone();
                for rr in pending_rows.drain(..) {
                    for (_, t) in anchors(grids[rr.grid], rr.row) {
                        if header::names_a_table(t) {
                            pending_paras.push(t.trim().to_string());
                        }
                    }
                }
                out.skipped.push(format!(
                    "{loc} 只有表名，没有表头信息：表名作为下一张表的标题 \
                     ({loc} names a table but no field: its name is the title of the table after it)"
                ));
            }
        }
        // Rows left over from an earlier grid that name nothing strong (a
        // contact list with a 单位 column) are no header block.
        if !pending_rows.is_empty()
            && !pending_rows
                .iter()
                .any(|rr| info[rr.grid][rr.row as usize].strong)
        {
            out.skipped.push(format!(
                "{loc} 中的 {n} 行已跳过：有标签，但没有表头信息或指标表 \
                 ({n} rows of {loc} skipped: labels, but no header block or indicator grid)",
                n = pending_rows.len(),
                loc = grids[pending_rows[0].grid].locator
            ));
            pending_rows.clear();
        }
        let mut in_grid_indicators = false;
        let mut r = 0u32;
        while r < grid.rows() {
            let here = RowRef { grid: this, row: r };
            if let Some(mut map) = info[this][r as usize].header.clone() {
                map.grid = this;
                // A band row above the header (read as a row before it) is
                // the header's first row.
                if map.row < r {
                    let band = RowRef {
                        grid: this,
                        row: map.row,
                    };
                    let rows = match current.as_mut().and_then(|d| d.segments.last_mut()) {
                        Some((_, rows)) if in_grid_indicators => rows,
                        _ => &mut pending_rows,
                    };
                    if rows.last() == Some(&band) {
                        rows.pop();
                    }
                }
                let heading = current.as_ref().and_then(|d| d.heading.clone());
                let strong = pending_rows
                    .iter()
                    .any(|rr| info[rr.grid][rr.row as usize].strong)
                    || pending_paras
                        .iter()
                        .any(|p| header::names_a_table(p) && Some(p) != heading.as_ref());
                let map_end = map.row + map.header_rows;
                match current.as_mut() {
                    Some(d) if !strong => {
                        d.stray_rows.append(&mut pending_rows);
                        pending_paras.clear();
                        d.segments.push((map, Vec::new()));
                    }
                    _ => {
                        drafts.extend(current.take());
                        let heading = pending_paras
                            .iter()
                            .rev()
                            .find(|p| header::names_a_table(p))
                            .cloned();
                        current = Some(Draft {
                            paragraphs: std::mem::take(&mut pending_paras),
                            header_rows: std::mem::take(&mut pending_rows),
                            segments: vec![(map, Vec::new())],
                            stray_rows: Vec::new(),
                            heading,
                            tree: None,
                        });
                    }
                }
                in_grid_indicators = true;
                r = r.max(map_end);
                continue;
            }
            // Under a flat header every row names its project: only another
            // header row ends the grid.
            let flat_rows = current
                .as_ref()
                .and_then(|d| d.segments.last())
                .is_some_and(|(m, _)| !m.fields.is_empty());
            if in_grid_indicators && (flat_rows || !info[this][r as usize].strong) {
                if let Some((_, rows)) = current.as_mut().and_then(|d| d.segments.last_mut()) {
                    rows.push(here);
                }
            } else {
                if in_grid_indicators {
                    in_grid_indicators = false;
                    pending_paras.clear();
                }
                pending_rows.push(here);
            }
            r += 1;
        }
    }
    drafts.extend(current.take());
    if !pending_rows.is_empty() {
        out.skipped.push(format!(
            "{n} 行表头信息后面没有指标表，已跳过（单位或项目行本身不是一张表） \
             ({n} header rows without an indicator grid skipped (a unit or project row is not a table))",
            n = pending_rows.len()
        ));
    }

    for d in drafts {
        let source = Source {
            file: file.to_string(),
            format: format.to_string(),
            table: out.tables.len() as u32 + 1,
            locator: locator(&grids, &d).to_string(),
        };
        out.tables.extend(assemble(
            &grids,
            &readings,
            &info,
            d,
            source,
            &mut out.explained,
        ));
    }
    out
}

fn all_rows(d: &Draft) -> impl Iterator<Item = RowRef> + '_ {
    d.header_rows
        .iter()
        .copied()
        .chain(d.segments.iter().flat_map(|(m, rows)| {
            (0..m.header_rows)
                .map(|k| RowRef {
                    grid: m.grid,
                    row: m.row + k,
                })
                .chain(rows.iter().copied())
        }))
}

/// `table 3`, `tables 1-2`, or for text dumps `lines 61-120`.
fn locator(grids: &[&Grid], d: &Draft) -> Locator {
    if let Some((gi, _)) = d.tree {
        return grids[gi].locator.clone();
    }
    let rows: Vec<RowRef> = all_rows(d).collect();
    let lines: Vec<u32> = rows
        .iter()
        .filter_map(|r| match grids[r.grid].row_place(r.row) {
            Some(RowLocator::Line(n)) => Some(*n),
            _ => None,
        })
        .collect();
    if !lines.is_empty() && lines.len() == rows.len() {
        let (a, b) = (lines.iter().min(), lines.iter().max());
        if let (Some(a), Some(b)) = (a, b) {
            return Locator::Lines(*a, *b);
        }
    }
    // Spreadsheets: the rows' own range on their sheet (stacked tables).
    if !rows.is_empty() && rows.iter().all(|r| r.grid == rows[0].grid) {
        let mut sorted = rows.clone();
        sorted.sort_by_key(|r| r.row);
        if let Some(l) = flat::locator(grids, &sorted) {
            return l;
        }
    }
    let mut names: Vec<&Locator> = rows.iter().map(|r| &grids[r.grid].locator).collect();
    names.dedup();
    match names.as_slice() {
        [] => Locator::Named(String::new()),
        [one] => (*one).clone(),
        [first, .., last] => Locator::Across(Box::new((*first).clone()), Box::new((*last).clone())),
    }
}

/// Row patterns decided while finding the tables: the indicator header
/// (one or two rows), and rows between a grid and its continuation.
const GRID_HEADER: (&str, u8) = ("indicator-grid header", 100);
const STRAY_ROWS: (&str, u8) = ("between a grid and its continuation: unplaced", 0);

fn assemble(
    grids: &[&Grid],
    readings: &Readings,
    info: &[Vec<RowInfo>],
    d: Draft,
    source: Source,
    explained: &mut Vec<Explained>,
) -> Vec<Table> {
    for (m, _) in &d.segments {
        for k in 0..m.header_rows {
            let at = RowRef {
                grid: m.grid,
                row: m.row + k,
            };
            explained.push(Explained::row(&at, GRID_HEADER));
        }
    }
    if let Some((gi, tree)) = d.tree {
        let (mut table, mut facts) =
            header::read_header(grids, readings, &d.paragraphs, &[], &[], source, explained);
        tree::read(grids[gi], &tree, &mut table);
        header::derive(&mut table);
        facts.value_column = true;
        completeness::check(&mut table, &facts);
        return vec![table];
    }
    let first_grid = d.segments.first().map(|(m, _)| m.grid);
    // Flat exports: one table per distinct project in the rows.
    if let Some((map, rows)) = d.segments.first().filter(|(m, _)| !m.fields.is_empty()) {
        let groups = flat::projects(grids, info, map, rows);
        let mut tables = Vec::new();
        for (n, g) in groups.into_iter().enumerate() {
            let mut src = source.clone();
            src.table += n as u32;
            if let Some(l) = flat::locator(grids, &g.rows) {
                src.locator = l.to_string();
            }
            let (mut table, mut facts) = header::read_header(
                grids,
                readings,
                &d.paragraphs,
                &d.header_rows,
                &g.fields,
                src,
                explained,
            );
            facts.seen.extend(g.fields.iter().map(|(m, _, _)| m.label));
            let mut notes = Vec::new();
            let mut levels = indicators::Levels::default();
            let mut sink = indicators::Sink {
                table: &mut table,
                notes: &mut notes,
                facts: &mut facts,
                explained,
            };
            indicators::read_rows(
                grids,
                info,
                map,
                &g.rows,
                first_grid,
                &mut levels,
                &mut sink,
            );
            if map
                .columns
                .iter()
                .any(|(r, _)| *r == Some(lexicon::Column::OwnExtra))
            {
                flat::split_own_extra(&mut table);
            }
            table.notes.extend(notes);
            header::derive(&mut table);
            facts.value_column = has_value_column(map);
            facts.value_band = map.value_band;
            completeness::check(&mut table, &facts);
            tables.push(table);
        }
        return tables;
    }
    let (mut table, mut facts) = header::read_header(
        grids,
        readings,
        &d.paragraphs,
        &d.header_rows,
        &[],
        source,
        explained,
    );
    let mut notes = Vec::new();
    let mut levels = indicators::Levels::default();
    for (map, rows) in &d.segments {
        let mut sink = indicators::Sink {
            table: &mut table,
            notes: &mut notes,
            facts: &mut facts,
            explained,
        };
        indicators::read_rows(grids, info, map, rows, first_grid, &mut levels, &mut sink);
    }
    for r in &d.stray_rows {
        header::unplaced_row(grids[r.grid], r.row, &mut notes);
        explained.push(Explained::row(r, STRAY_ROWS));
    }
    table.notes.extend(notes);
    header::derive(&mut table);
    facts.value_column = d.segments.iter().any(|(m, _)| has_value_column(m));
    facts.value_band = d.segments.iter().any(|(m, _)| m.value_band);
    completeness::check(&mut table, &facts);
    vec![table]
}

fn has_value_column(map: &ColumnMap) -> bool {
    [lexicon::Column::Target, lexicon::Column::TargetText]
        .iter()
        .any(|c| map.col(*c).is_some())
}
