//! The indicator grid: its header row (one or two rows, columns matched by
//! meaning), and each row below it as an [`Indicator`], with 一级/二级
//! filled down through vertical merges and empty text-dump cells.

use super::lexicon::words::{self, TRAILERS};
use super::lexicon::{column, column_reading, Column};
use super::notes::{
    number_note, unknown_column, unknown_empty_column, unplaced_note, UNKNOWN_EMPTY_COLUMN,
};
use super::reading::GridReadings;
use super::target::{parse_amount, parse_target};
use super::text::{clean, label_key, value};
use super::vocab::{canonical, Level, LEVEL1, LEVEL2};
use super::Explained;
use super::{anchors, RowRef};
use crate::grid::{Grid, Slot};
use crate::model::{Indicator, Note, Table, TargetKind};

/// Which grid column holds what, as the header row(s) say.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMap {
    pub grid: usize,
    pub row: u32,
    /// 1, or 2 for a two-row header (`年度指标值` over `指标性质 | 指标值 | 度量单位`).
    pub header_rows: u32,
    pub cols: u32,
    /// One entry per grid column: its role (None: unknown, kept in `extra`)
    /// and its header text.
    pub columns: Vec<(Option<Column>, String)>,
    /// Flat exports: the header-block fields given as columns.
    pub fields: Vec<(u32, super::lexicon::Matched)>,
    /// A grid under a multi-year label (长期绩效指标 beside 年度绩效指标): its
    /// rows are context, kept in the table's extra under this label.
    pub long_term: Option<String>,
    /// The values stand in columns under a value band (区域目标值 over
    /// 新罗区 | 永定区 …), one per name, instead of one value column.
    pub value_band: bool,
}

impl ColumnMap {
    pub fn col(&self, role: Column) -> Option<u32> {
        self.columns
            .iter()
            .position(|(r, _)| *r == Some(role))
            .map(|c| c as u32)
    }
}

fn row_roles(grid: &Grid, row: u32) -> Vec<(u32, Option<Column>, String)> {
    anchors(grid, row)
        .into_iter()
        .map(|(c, t)| (c, column(t), clean(t)))
        .collect()
}

/// The column map when `row` is an indicator header row, else `None`.
pub fn header_row(grid: &Grid, rd: &GridReadings, row: u32) -> Option<ColumnMap> {
    // Roles first, from the readings: most rows name no column at all.
    let found = (0..grid.cols())
        .filter(|c| matches!(grid.slot(row, *c), Slot::Anchor { .. }))
        .filter_map(|c| rd.column(row, c))
        .fold(0u32, |bits, c| bits | 1 << c as u32);
    let has = |c: Column| found & (1 << c as u32) != 0;
    let levels = [Column::Level1, Column::Level2, Column::Level3]
        .into_iter()
        .filter(|c| has(*c))
        .count();
    let others = [
        Column::Target,
        Column::TargetText,
        Column::Description,
        Column::Actual,
    ]
    .into_iter()
    .filter(|c| has(*c))
    .count();
    // An indicator grid names its indicators (一级/二级/三级, or only 指标名称)
    // and their values; a grid without level columns has levels null.
    let values_covered_from_above = levels >= 2
        && (0..grid.cols()).any(|c| {
            matches!(grid.slot(row, c), Slot::Covered { anchor } if anchor.row < row)
                && rd
                    .column(row, c)
                    .is_some_and(|r| matches!(r, Column::Target | Column::Actual))
        });
    if levels == 0 || (others == 0 && levels < 3 && !values_covered_from_above) {
        return None;
    }
    let roles = row_roles(grid, row);
    let mut columns: Vec<(Option<Column>, String)> =
        vec![(None, String::new()); grid.cols() as usize];
    for (c, role, text) in &roles {
        columns[*c as usize] = (*role, text.clone());
    }
    // Covered header cells name their column too: a label spanning columns,
    // or one merged down from the band's row above (指标值 beside 一级|二级|三级
    // under 绩效指标).
    for c in 0..grid.cols() {
        if columns[c as usize].1.is_empty() {
            if let Some(t) = grid.text_at(row, c) {
                let from_above =
                    matches!(grid.slot(row, c), Slot::Covered { anchor } if anchor.row < row);
                let role = column(t).filter(|_| from_above);
                columns[c as usize] = (role, clean(t));
            }
        }
    }
    // A level header spanning two columns (二级指标 over the 二级 name and the
    // indicator name): its second column is the next level down.
    for c in 1..grid.cols() as usize {
        let spans_here = matches!(grid.slot(row, c as u32), Slot::Covered { anchor } if anchor.row == row && anchor.col as usize == c - 1);
        let next_level = match columns[c - 1].0 {
            Some(Column::Level1) => Some(Column::Level2),
            Some(Column::Level2) => Some(Column::Level3),
            _ => None,
        };
        if let Some(l) =
            next_level.filter(|l| spans_here && !columns.iter().any(|(r, _)| *r == Some(*l)))
        {
            columns[c].0 = Some(l);
        }
    }
    // 一级指标 [1×2] over a caption merged down the grid (绩效指标 [n×1]) and the
    // level names, the next level named in its own column: the column of
    // level names is the level, the caption names the grid.
    for c in 1..grid.cols() {
        let spans_here = matches!(grid.slot(row, c), Slot::Covered { anchor } if anchor.row == row && anchor.col + 1 == c);
        let (left, here) = (c as usize - 1, c as usize);
        let level = columns[left]
            .0
            .filter(|r| matches!(r, Column::Level1 | Column::Level2));
        if let (true, Some(level), None) = (spans_here, level, columns[here].0) {
            let share = |c: u32| level_cells(grid, row + 1, c);
            let ((l_levels, _), (h_levels, h_cells)) = (share(c - 1), share(c));
            let caption = matches!(grid.slot(row + 1, c - 1), Slot::Anchor { text, span }
                if span.rows >= 2 && !super::vocab::is_level_label(text));
            if caption && h_levels > l_levels && h_levels * 2 >= h_cells {
                columns[here].0 = Some(level);
                // Read as the column's name, the caption is structure, as a
                // header cell is.
                let caption = grid.text_at(row + 1, c - 1).map(clean).unwrap_or_default();
                columns[left] = (Some(Column::GridLabel), caption);
            }
        }
    }
    let mut header_rows = 1;
    let mut value_band = false;
    // Two-row header: the next row names sub-columns only.
    if row + 1 < grid.rows() {
        let next = row_roles(grid, row + 1);
        let named: Vec<_> = next.iter().filter(|(_, _, t)| !t.is_empty()).collect();
        if !named.is_empty() && named.iter().all(|(_, r, _)| r.is_some()) {
            for (c, role, text) in next {
                // 指标性质 | 指标值 | 度量单位 under 实际完成值 make the actual value.
                let under_actual = grid.text_at(row, c).and_then(column) == Some(Column::Actual)
                    && matches!(
                        role,
                        Some(Column::Comparator | Column::Target | Column::Unit)
                    );
                // 绩效指标评价标准 [1×4] over 优 | 良 | 中 | 差: a band naming no
                // column of its own keeps its name in the key.
                let band = match grid.slot(row, c) {
                    Slot::Covered { anchor } if anchor.row == row => grid.slot(row, anchor.col),
                    s => s,
                };
                let band = match band {
                    Slot::Anchor { text: b, span } if span.cols >= 2 && column(b).is_none() => {
                        Some(clean(b))
                    }
                    _ => None,
                };
                if under_actual {
                    columns[c as usize] = (Some(Column::ActualPart), text);
                } else if let (Some(Column::Known), Some(band)) = (role, &band) {
                    // Values per grade under the band: no single target.
                    columns[c as usize] = (role, format!("{band}/{text}"));
                    value_band = true;
                } else if role.is_some() {
                    columns[c as usize] = (role, text);
                }
            }
            header_rows = 2;
        } else if let Some(band) = band_sub_columns(grid, row) {
            // 区域目标值 over 新罗区 | 永定区 …: one column per name under the
            // band, keyed `band/name`; no single value column.
            for (c, name) in band {
                let (_, label) = &columns[c as usize];
                columns[c as usize] = (None, format!("{label}/{name}"));
            }
            value_band = true;
            header_rows = 2;
        }
    }
    // 绩效指标分类 | 绩效指标 | 绩效指标描述: with no column named for the
    // indicator's name, a one-column header that is only the grid's word for
    // an indicator names it (a band over several columns, or a caption
    // merged down the rows, does not).
    if !columns.iter().any(|(r, _)| *r == Some(Column::Level3)) {
        let single = |c: u32| matches!(grid.slot(row, c), Slot::Anchor { span, .. } if span.cols == 1 && span.rows <= header_rows);
        if let Some(c) = (0..grid.cols()).find(|&c| {
            matches!(columns[c as usize].0, None | Some(Column::GridLabel))
                && single(c)
                && words::INDICATOR_NAMES.contains(&label_key(&columns[c as usize].1).as_str())
        }) {
            columns[c as usize].0 = Some(Column::Level3);
        }
    }
    levels_by_content(grid, row + header_rows, &mut columns);
    // A band row above (绩效指标 [1×3] over 一级|二级|三级, 年度指标值 [1×3] over
    // 指标性质|指标值|度量单位, 实际完成值 merged down): part of the header.
    let (row, header_rows) = match band_above(grid, row) {
        true => (row - 1, header_rows + 1),
        false => (row, header_rows),
    };
    // A header cell merged down past the header into the indicator rows
    // (年度绩效目标(90分) beside 一级指标 | 二级指标 …) names the whole grid.
    for c in 0..grid.cols() {
        if let Slot::Anchor { span, .. } = grid.slot(row, c) {
            if span.rows > header_rows && columns[c as usize].0.is_none() {
                columns[c as usize].0 = Some(Column::GridLabel);
            }
        }
    }
    // jixiao's own flat output, read back: every column by name.
    let headers: Vec<&str> = columns.iter().map(|(_, t)| t.as_str()).collect();
    if let Some(own) = super::lexicon::own_columns(&headers) {
        let mut fields = Vec::new();
        for (c, (role, label)) in own.into_iter().enumerate() {
            columns[c].0 = role;
            if let Some(label) = label {
                fields.push((
                    c as u32,
                    super::lexicon::Matched {
                        label: label.0,
                        priority: label.1,
                        sub_item: false,
                        money_unit: None,
                    },
                ));
            }
        }
        return Some(ColumnMap {
            grid: usize::MAX,
            row,
            header_rows: 1,
            cols: grid.cols(),
            columns,
            fields,
            long_term: None,
            value_band: false,
        });
    }
    // Flat exports: header-block fields as columns (项目名称, 单位代码, 资金总额 …).
    let mut fields = Vec::new();
    for (c, (role, text)) in columns.iter_mut().enumerate() {
        if role.is_none() && !text.is_empty() {
            if let Some(m) = super::lexicon::header_label(text) {
                if m.label != super::lexicon::HeaderLabel::Section {
                    *role = Some(Column::Field);
                    fields.push((c as u32, m));
                }
            }
        }
    }
    side_by_side_periods(grid, row, &mut columns);
    // Two comparator columns, one holding only directions (指标性质 正向 |
    // 指标方向 =): the directions are kept, the other is the comparator.
    let comparators = columns
        .iter()
        .filter(|(r, _)| *r == Some(Column::Comparator))
        .count();
    if comparators >= 2 {
        for (c, (role, _)) in columns.iter_mut().enumerate() {
            if *role == Some(Column::Comparator)
                && only_directions(grid, row + header_rows, c as u32)
            {
                *role = Some(Column::Known);
            }
        }
    }
    // A role named twice: the column the lexicon ranks first keeps it (比较符
    // over 指标方向), else the leftmost; the others go to extra.
    let ranks: Vec<(u8, usize)> = columns
        .iter()
        .enumerate()
        .map(|(i, (_, h))| (super::lexicon::column_rank(h), i))
        .collect();
    let roles: Vec<Option<Column>> = columns.iter().map(|(r, _)| *r).collect();
    for (i, (role, _)) in columns.iter_mut().enumerate() {
        if let Some(r) = *role {
            let better =
                (0..roles.len()).any(|k| k != i && roles[k] == Some(r) && ranks[k] < ranks[i]);
            // Known columns all go to extra under their own names anyway.
            if !matches!(r, Column::Field | Column::ActualPart | Column::Known) && better {
                *role = None;
            }
        }
    }
    let long_term = columns
        .iter()
        .filter(|(r, _)| *r == Some(Column::GridLabel))
        .find(|(_, t)| column_reading(t).is_some_and(|(_, q)| q.multi_year))
        .map(|(_, t)| t.clone());
    Some(ColumnMap {
        grid: usize::MAX,
        row,
        header_rows,
        cols: grid.cols(),
        columns,
        fields,
        long_term,
        value_band,
    })
}

/// Whether the row above `row` heads its columns: it starts afresh (no cell
/// merged down into it from the header block), holds two or more cells, each
/// a column name, a band spanning columns or merged down into `row`, and at
/// least one is merged down into `row` (a caption or a goals row is not).
fn band_above(grid: &Grid, row: u32) -> bool {
    let Some(above) = row.checked_sub(1) else {
        return false;
    };
    let continued = (0..grid.cols())
        .any(|c| matches!(grid.slot(above, c), Slot::Covered { anchor } if anchor.row < above));
    if continued {
        return false;
    }
    let (mut cells, mut down) = (0, 0);
    for (c, t) in super::each_anchor(grid, above) {
        if t.trim().is_empty() {
            continue;
        }
        let Slot::Anchor { span, .. } = grid.slot(above, c) else {
            continue;
        };
        cells += 1;
        down += usize::from(span.rows >= 2);
        if column(t).is_none() && span.cols < 2 && span.rows < 2 {
            return false;
        }
    }
    cells >= 2 && down >= 1
}

/// A two-row header whose second row only names the columns under a band
/// label spanning them (区域目标值 [1×7] over seven areas), every other header
/// cell merged down over both rows: the band's columns with their names.
fn band_sub_columns(grid: &Grid, row: u32) -> Option<Vec<(u32, String)>> {
    let next = row + 1;
    if next >= grid.rows() {
        return None;
    }
    let mut named = Vec::new();
    for c in 0..grid.cols() {
        match grid.slot(next, c) {
            // A header cell merged down over both rows.
            Slot::Covered { anchor } if anchor.row < next => {}
            Slot::Anchor { text, span } if span.cols == 1 => {
                let band = match grid.slot(row, c) {
                    Slot::Anchor { span, .. } if span.cols >= 2 => true,
                    Slot::Covered { anchor } => {
                        anchor.row == row
                            && matches!(grid.slot(row, anchor.col), Slot::Anchor { span, .. } if span.cols >= 2)
                    }
                    _ => false,
                };
                let name = value(text)?;
                if !band || column(&name).is_some() || super::vocab::is_level_label(&name) {
                    return None;
                }
                named.push((c, name));
            }
            _ => return None,
        }
    }
    (named.len() >= 2).then_some(named)
}

/// A grid whose level columns are named for what they evaluate (评价内容
/// over 产出 | 数量指标): with no 一级/二级 header, the unnamed columns before
/// the indicator's name whose cells are mostly level names are the levels,
/// left to right.
fn levels_by_content(grid: &Grid, first: u32, columns: &mut [(Option<Column>, String)]) {
    let has = |c: Column| columns.iter().any(|(r, _)| *r == Some(c));
    if has(Column::Level1) || has(Column::Level2) {
        return;
    }
    let Some(name_col) = columns.iter().position(|(r, _)| *r == Some(Column::Level3)) else {
        return;
    };
    let mut found = Vec::new();
    for (c, (role, _)) in columns.iter().enumerate().take(name_col) {
        if role.is_some() {
            continue;
        }
        let (levels, cells) = level_cells(grid, first, c as u32);
        if levels > 0 && levels * 2 >= cells {
            found.push(c);
        }
    }
    for (c, level) in found.into_iter().zip([Column::Level1, Column::Level2]) {
        columns[c].0 = Some(level);
    }
}

/// Of a column's written cells from row `first` on (64 rows at most, up to
/// a header repeated below), how many are level names, and how many there are.
fn level_cells(grid: &Grid, first: u32, c: u32) -> (usize, usize) {
    let last = grid.rows().min(first.saturating_add(64));
    let (mut levels, mut cells) = (0, 0);
    for r in first..last {
        if let Slot::Anchor { text, .. } = grid.slot(r, c) {
            if column(text).is_some() {
                break;
            }
            if value(text).is_some() {
                cells += 1;
                levels += usize::from(super::vocab::is_level_label(text));
            }
        }
    }
    (levels, cells)
}

/// The period a label names: `Some(Some(word))` for more than the year
/// (中期滚动目标 → 中期), `Some(None)` for the year (年度目标), else `None`.
fn period_of(text: &str) -> Option<Option<&'static str>> {
    let k = label_key(text);
    if let Some(w) = super::lexicon::MULTI_YEAR.iter().find(|w| k.contains(*w)) {
        return Some(Some(w));
    }
    super::lexicon::YEARLY
        .iter()
        .any(|w| k.contains(w))
        .then_some(None)
}

/// Two grids side by side under one header (东莞: the shared 一级 column,
/// then 二级 | 三级 | 指标值 under the 中期 goal and 二级 | 三级 | 指标值 under
/// the 年度 goal): each of two or more roles is named twice, the second
/// time from one column on. The half whose period is more than the year,
/// told by its own headers or by the cells spanning each half above the
/// header, becomes context: its columns are kept in each indicator's extra as
/// `中期/<header>`; the year's half is read.
fn side_by_side_periods(grid: &Grid, row: u32, columns: &mut [(Option<Column>, String)]) {
    let halved = |r: &Option<Column>| {
        matches!(
            r,
            Some(
                Column::Level2
                    | Column::Level3
                    | Column::Target
                    | Column::TargetText
                    | Column::Description
            )
        )
    };
    let mut first_left = usize::MAX;
    let mut split = usize::MAX;
    let mut repeated = 0;
    for (c, (r, _)) in columns.iter().enumerate() {
        if !halved(r) {
            continue;
        }
        if let Some(first) = columns[..c].iter().position(|(r2, _)| r2 == r) {
            repeated += 1;
            first_left = first_left.min(first);
            split = split.min(c);
        }
    }
    if repeated < 2 {
        return;
    }
    let last_right = columns
        .iter()
        .rposition(|(r, _)| halved(r))
        .unwrap_or(split);
    let left = first_left..split;
    let right = split..last_right + 1;
    let half_period = |cols: &std::ops::Range<usize>| {
        let found: Vec<_> = columns[cols.clone()]
            .iter()
            .filter_map(|(_, t)| period_of(t))
            .collect();
        found
            .iter()
            .find(|p| p.is_some())
            .or(found.first())
            .copied()
    };
    let (mut lp, mut rp) = (half_period(&left), half_period(&right));
    // Else the cells above the header that span each half: 中期滚动目标 | 年度目标.
    let split_col = split as u32;
    for r in (row.saturating_sub(6)..row).rev() {
        if lp.is_some() || rp.is_some() {
            break;
        }
        let starts_here = matches!(grid.slot(r, split_col), Slot::Anchor { .. });
        if !starts_here || split_col == 0 {
            continue;
        }
        if let (Some(l), Some(rt)) = (grid.text_at(r, split_col - 1), grid.text_at(r, split_col)) {
            lp = period_of(l);
            rp = period_of(rt);
        }
    }
    let context = match (lp, rp) {
        (Some(Some(w)), p) if p != Some(Some(w)) => Some((left, w)),
        (p, Some(Some(w))) if p != Some(Some(w)) => Some((right, w)),
        _ => None,
    };
    if let Some((cols, word)) = context {
        for (r, header) in &mut columns[cols] {
            if r.is_some() {
                *r = Some(Column::Known);
                // 二级指标(长期) names its period already.
                if !header.contains(word) {
                    *header = format!("{word}/{header}");
                }
            }
        }
    }
}

/// Whether a row reads as an indicator row under `map` (for grids that
/// continue on a new page without repeating their header).
pub fn looks_like_indicator_row(grid: &Grid, row: u32, map: &ColumnMap) -> bool {
    let level_ok = |role: Column| {
        map.col(role).is_none_or(|c| match grid.text_at(row, c) {
            None => true,
            Some(t) => t.trim().is_empty() || super::vocab::is_level_label(t),
        })
    };
    let filled = |role: Column| {
        map.col(role)
            .and_then(|c| grid.text_at(row, c))
            .is_some_and(|t| !t.trim().is_empty())
    };
    level_ok(Column::Level1)
        && level_ok(Column::Level2)
        && (filled(Column::Level3) || filled(Column::Target))
}

/// 一级 and 二级 as they fill down, carried across the grids of one table
/// (a table continued on a new page goes on under the same labels).
#[derive(Default)]
pub struct Levels {
    l1: FillDown,
    l2: FillDown,
}

/// Fill-down state of one level column.
#[derive(Default)]
struct FillDown {
    value: Option<String>,
    /// A note waiting for the first indicator that uses this label.
    note: Option<(String, String, &'static str)>,
    /// The label's cell, noted as unplaced if no indicator ever uses it
    /// (社会成本指标 over empty 三级 and value cells).
    /// (grid, row, column) of the cell and where its note goes among the
    /// notes (before those of cells after it); made only if needed.
    unused: Option<(usize, u32, u32, usize)>,
}

impl FillDown {
    /// Reads the level cell of a row; returns whether it was a new label.
    fn read(&mut self, slot: &Slot, text: Option<&str>, level: Level) -> bool {
        let Some(t) = text.filter(|t| !t.trim().is_empty()) else {
            return false;
        };
        if matches!(slot, Slot::Covered { .. }) {
            return false;
        }
        if super::text::is_placeholder(t) || super::text::is_prompt(t) {
            return false;
        }
        let c = canonical(t, level);
        self.note = c
            .rule
            .map(|rule| (t.trim().to_string(), c.value.clone(), rule));
        self.value = Some(c.value);
        true
    }
}

/// Where a table's rows go as they are read.
pub struct Sink<'t> {
    pub table: &'t mut Table,
    pub notes: &'t mut Vec<Note>,
    pub facts: &'t mut super::completeness::Facts,
    pub explained: &'t mut Vec<Explained>,
}

/// The row patterns under an indicator header, best first: a row is the
/// first that claims it (the tests are exclusive, so there is no runner-up).
pub const ROW_PATTERNS: [(&str, u8); 6] = [
    ("indicator header repeated", 90),
    ("row after the grid", 80),
    ("multi-year grid row", 70),
    ("indicator", 50),
    ("score total row", 40),
    ("not an indicator: unplaced", 0),
];

/// One row under the header, as the grid gives it.
struct Row<'g> {
    g: &'g Grid,
    gi: usize,
    r: u32,
    /// Text taken from PDFs or HTML may drop a merged 一级 cell: the row
    /// then starts at 二级 and ends one cell short, and reads shifted.
    shift: u32,
}

impl<'g> Row<'g> {
    fn cell(&self, c: u32) -> (&'g Slot, Option<&'g str>) {
        static NONE: Slot = Slot::Empty;
        if c < self.shift {
            return (&NONE, None);
        }
        let c = c - self.shift;
        (self.g.slot(self.r, c), self.g.text_at(self.r, c))
    }
}

/// Reads the rows under one indicator header into `table.indicators`.
pub fn read_rows(
    grids: &[&Grid],
    info: &[Vec<super::RowInfo>],
    map: &ColumnMap,
    rows: &[RowRef],
    first_grid: Option<usize>,
    levels: &mut Levels,
    out: &mut Sink,
) {
    let (c1, c2) = (map.col(Column::Level1), map.col(Column::Level2));
    let mut raw_levels: [Option<String>; 2] = [None, None];
    for rr in rows {
        let (g, r) = (grids[rr.grid], rr.row);
        if info[rr.grid][r as usize].header.is_some() {
            claimed(out, rr, 0);
            continue; // repeated header on a new page
        }
        let locator = if Some(rr.grid) != first_grid && g.row_locators.is_none() {
            format!("{} row {}", g.locator, r + 1)
        } else {
            g.row_locator(r)
        };
        let shift = match (c1, c2) {
            (Some(a), Some(b)) if b == a + 1 => {
                let first = g.text_at(r, a).map(label_key).unwrap_or_default();
                let short = matches!(g.slot(r, g.cols().saturating_sub(1)), Slot::Empty);
                u32::from(
                    short && LEVEL2.contains(&first.as_str()) && !LEVEL1.contains(&first.as_str()),
                )
            }
            _ => 0,
        };
        let row = Row {
            g,
            gi: rr.grid,
            r,
            shift,
        };
        // Rows after the grid (评价结论, 审核意见, 填表人：…, 注：…) are the
        // table's, not indicators.
        if let Some((pairs, unvalued)) = trailer(g, r) {
            claimed(out, rr, 1);
            for (k, v) in pairs {
                out.table.extra.insert(&k, v);
            }
            // A closing label left unfilled (单位负责人 | （签章）) is kept as a note.
            for c in unvalued {
                if let Some(v) = g.text_at(r, c).and_then(value) {
                    out.notes.push(unplaced_note(g, r, c, v));
                }
            }
            continue;
        }
        if let Some(label) = &map.long_term {
            claimed(out, rr, 2);
            long_term_row(
                map,
                label,
                &|c| row.cell(c),
                &mut raw_levels,
                &mut out.table.extra,
            );
            continue;
        }
        let new = levels.read_row(grids, &row, c1, c2, out.notes);
        let (ind, mut cells) = read_cells(map, &row, locator, levels, out);
        if ind.level3.is_none() && ind.target.is_none() {
            let total = score_total_row(map, &row, out.table);
            claimed(out, rr, if total { 4 } else { 5 });
            if total {
                levels.used_by_total(new);
            } else {
                unplaced_cells(&row, c1, c2, new, out.notes);
            }
            continue;
        }
        claimed(out, rr, 3);
        for (c, v) in cells.unplaced.drain(..) {
            out.notes.push(unplaced_note(g, r, c, v));
        }
        out.notes.append(&mut cells.number_notes);
        levels.noted(out.table.indicators.len(), out.notes);
        out.table.indicators.push(ind);
    }
    levels.finish(grids, out.notes);
    unknown_empty_columns(map, out);
}

/// Records which row pattern read a row.
fn claimed(out: &mut Sink, rr: &RowRef, k: usize) {
    out.explained.push(Explained::row(rr, ROW_PATTERNS[k]));
}

impl Levels {
    /// Reads a row's 一级 and 二级 cells; returns which were new labels.
    fn read_row(
        &mut self,
        grids: &[&Grid],
        row: &Row,
        c1: Option<u32>,
        c2: Option<u32>,
        notes: &mut Vec<Note>,
    ) -> (bool, bool) {
        let Levels { l1, l2 } = self;
        let label_cell = |c: u32, at: usize| Some((row.gi, row.r, c.saturating_sub(row.shift), at));
        let mut new1 = false;
        if let Some(c) = c1 {
            let (slot, t) = row.cell(c);
            new1 = l1.read(slot, t, Level::One);
            if new1 {
                // l2's place is never before l1's: it was read after it.
                unused_note(grids, l2.unused.take(), notes);
                unused_note(grids, l1.unused.take(), notes);
                *l2 = FillDown::default();
                l1.unused = label_cell(c, notes.len());
            }
        }
        let mut new2 = false;
        if let Some(c) = c2 {
            let (mut slot, t) = row.cell(c);
            // A label spanning both level columns (满意度指标 [1×2]) names both;
            // the cell is 一级's, noted once if no indicator uses it.
            let spanned = matches!((slot, c1), (Slot::Covered { anchor }, Some(c1))
                if anchor.row == row.r && anchor.col + row.shift == c1);
            if let (true, Slot::Covered { anchor }) = (spanned, slot) {
                slot = row.g.slot(anchor.row, anchor.col);
            }
            new2 = l2.read(slot, t, Level::Two);
            if new2 {
                unused_note(grids, l2.unused.take(), notes);
                l2.unused = if spanned {
                    None
                } else {
                    label_cell(c, notes.len())
                };
            }
        }
        (new1, new2)
    }

    /// A total row's first cell is the total's name, not a level label.
    fn used_by_total(&mut self, (new1, new2): (bool, bool)) {
        if new1 {
            self.l1.unused = None;
        }
        if new2 {
            self.l2.unused = None;
        }
    }

    /// An indicator used the levels: their notes go with it.
    fn noted(&mut self, index: usize, notes: &mut Vec<Note>) {
        for (lvl, state) in [("level1", &mut self.l1), ("level2", &mut self.l2)] {
            if let Some((raw, normalized, rule)) = state.note.take() {
                notes.push(Note {
                    field: format!("indicators[{index}].{lvl}"),
                    raw,
                    normalized: Some(normalized),
                    rule: rule.to_string(),
                });
            }
            state.unused = None;
        }
    }

    /// Level labels no indicator used, at the grid's end.
    fn finish(&mut self, grids: &[&Grid], notes: &mut Vec<Note>) {
        unused_note(grids, self.l2.unused.take(), notes);
        unused_note(grids, self.l1.unused.take(), notes);
    }
}

/// What a row's cells gave besides the indicator's own fields.
#[derive(Default)]
struct Cells {
    comparator: Option<String>,
    kind_word: Option<String>,
    unit: Option<String>,
    target_text: Option<String>,
    /// Under a two-row 实际完成值 header: comparator, value, unit.
    actual_parts: (Option<String>, Option<String>, Option<String>),
    unplaced: Vec<(u32, String)>,
    number_notes: Vec<Note>,
}

/// Reads each cell of an indicator row by its column's role, then composes
/// the target and the actual value from their parts.
fn read_cells(
    map: &ColumnMap,
    row: &Row,
    locator: String,
    levels: &Levels,
    out: &mut Sink,
) -> (Indicator, Cells) {
    let has_value_column = [Column::Target, Column::TargetText]
        .iter()
        .any(|c| map.col(*c).is_some());
    let mut ind = Indicator {
        level1: levels.l1.value.clone(),
        level2: levels.l2.value.clone(),
        locator,
        ..Indicator::default()
    };
    let mut x = Cells::default();
    for (c, (role, header)) in map.columns.iter().enumerate() {
        let c = c as u32;
        let (slot, t) = row.cell(c);
        let covered = matches!(slot, Slot::Covered { .. });
        // A value merged across columns counts once, at its anchor.
        if matches!(slot, Slot::Covered { anchor } if anchor.row == row.r) {
            continue;
        }
        let Some(t) = t else { continue };
        let v = value(t);
        match role {
            Some(Column::Level1)
            | Some(Column::Level2)
            | Some(Column::Field)
            | Some(Column::Derived) => {}
            Some(Column::OwnExtra) => own_extra(&mut ind, header, v),
            Some(Column::Level3) => ind.level3 = v,
            Some(Column::Description) => ind.description = v,
            Some(Column::Target) => x.target_text = v.or(x.target_text),
            Some(Column::TargetText) => {
                if x.target_text.is_none() {
                    x.target_text = v;
                } else if let Some(v) = v {
                    ind.extra.insert(header, v);
                }
            }
            // No value column to compose with (per-area value columns):
            // the comparator and the unit are kept as written, in place.
            Some(Column::Comparator | Column::Unit) if !has_value_column => {
                if let Some(v) = v {
                    ind.extra.insert(header, v);
                }
            }
            Some(Column::Comparator) => match v {
                // A direction is not a comparator: kept, never glued into raw.
                Some(d) if is_direction(&d) => ind.extra.insert(header, d),
                // 定量指标 written for 定量: the kind, its raw text kept.
                Some(k) if kind_of(&k).is_some_and(|w| w != k) => {
                    ind.extra.insert(header, k.clone());
                    x.comparator = Some(k);
                }
                v => x.comparator = v,
            },
            Some(Column::Unit) => x.unit = v,
            Some(Column::ActualPart) => match column(header) {
                Some(Column::Comparator) => x.actual_parts.0 = v,
                Some(Column::Target) => x.actual_parts.1 = v,
                _ => x.actual_parts.2 = v,
            },
            Some(Column::Actual) => ind.actual = parse_target(t),
            Some(Column::Remark) => ind.remark = v,
            Some(Column::Weight) | Some(Column::Score) => {
                let weight = *role == Some(Column::Weight);
                let index = out.table.indicators.len();
                weight_or_score(&mut ind, &mut x, header, v, weight, index)
            }
            Some(Column::GridLabel) => {
                if let Some(v) = v.filter(|v| !covered && label_key(v) != label_key(header)) {
                    x.unplaced.push((c, v));
                }
            }
            Some(Column::Known) => {
                if let Some(v) = v.filter(|_| !covered) {
                    // A 指标类型 column: 定性/定量 is checked against the kind read.
                    if let Some(w) = kind_of(&v) {
                        x.kind_word = Some(w.to_string());
                    }
                    ind.extra.insert(header, v);
                }
            }
            // A cell of an unknown column merged down over several
            // indicators (评价指标) says something of each of them.
            None => {
                let own_merge = match slot {
                    Slot::Covered { anchor } => anchor.col + row.shift == c,
                    _ => true,
                };
                if let Some(v) = v.filter(|_| own_merge) {
                    let key = if header.is_empty() { "?" } else { header };
                    let known = column(key).is_some();
                    if !known && !out.facts.unknown_columns.iter().any(|k| k == key) {
                        out.facts.unknown_columns.push(key.to_string());
                        out.notes.push(unknown_column(key));
                    }
                    ind.extra.insert(key, v);
                }
            }
        }
    }
    compose_values(&mut ind, &mut x, out);
    (ind, x)
}

/// `{"k":"v",…}` as written by jixiao; the table's keys are taken back out
/// by `flat::split_own_extra`.
fn own_extra(ind: &mut Indicator, header: &str, v: Option<String>) {
    match v
        .as_deref()
        .map(serde_json::from_str::<serde_json::Map<String, serde_json::Value>>)
    {
        Some(Ok(map)) => {
            for (k, val) in map {
                let text = match val {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                ind.extra.insert(&k, text);
            }
        }
        Some(Err(_)) => {
            if let Some(v) = v {
                ind.extra.insert(header, v);
            }
        }
        None => {}
    }
}

fn weight_or_score(
    ind: &mut Indicator,
    x: &mut Cells,
    header: &str,
    v: Option<String>,
    weight: bool,
    index: usize,
) {
    let d = v.as_deref().and_then(parse_amount);
    match (&v, d) {
        (Some(v), None) => ind.extra.insert(header, v.clone()),
        (Some(v), Some(d)) => {
            let name = if weight { "weight" } else { "score" };
            let field = format!("indicators[{index}].{name}");
            x.number_notes.extend(number_note(&field, v, d));
        }
        _ => {}
    }
    if weight {
        ind.weight = d;
    } else {
        ind.score = d;
    }
}

/// The target from its comparator, figure and unit; the actual value from
/// its parts; the kind checked against a type column.
fn compose_values(ind: &mut Indicator, x: &mut Cells, out: &mut Sink) {
    let type_word = x
        .comparator
        .as_deref()
        .and_then(kind_of)
        .or(x.kind_word.as_deref());
    if let Some(v) = &x.target_text {
        ind.target = parse_target(&compose(x.comparator.as_deref(), v, x.unit.as_deref()));
    } else {
        for (label, kept) in [
            (words::COMPARATOR_KEY, &x.comparator),
            (words::UNIT_KEY, &x.unit),
        ] {
            // A kind written differently (定量指标) is kept already.
            let written = |k: &String| kind_of(k).is_some_and(|w| w != k);
            if let Some(k) = kept.as_ref().filter(|k| !written(k)) {
                ind.extra.insert(label, k.clone());
            }
        }
    }
    match std::mem::take(&mut x.actual_parts) {
        (op, Some(v), u) => ind.actual = parse_target(&compose(op.as_deref(), &v, u.as_deref())),
        (op, None, u) => {
            for (label, part) in [
                (words::ACTUAL_COMPARATOR_KEY, op),
                (words::ACTUAL_UNIT_KEY, u),
            ] {
                if let Some(part) = part {
                    ind.extra.insert(label, part);
                }
            }
        }
    }
    let index = out.table.indicators.len();
    if let (Some(t), Some(word)) = (&ind.target, type_word) {
        let read_as = if word == words::QUALITATIVE {
            TargetKind::Qualitative
        } else {
            TargetKind::Quantitative
        };
        if t.kind != read_as {
            out.notes.push(Note {
                field: format!("indicators[{index}].target.kind"),
                raw: word.to_string(),
                normalized: Some(t.kind.as_str().to_string()),
                rule: "type column disagrees: kind kept as read".into(),
            });
        }
    }
}

/// A row that is no indicator but a total (总分 | 100): its figures go to
/// the table's extra. One figure is the total itself; several stand under
/// their columns (总分 | 100 | 98 | 优 under 分值 | 得分 | 评价).
fn score_total_row(map: &ColumnMap, row: &Row, table: &mut Table) -> bool {
    let (g, r) = (row.g, row.r);
    let first = anchors(g, r).into_iter().find_map(|(_, t)| value(t));
    let Some(first) = first.filter(|f| words::SCORE_TOTAL_ROWS.contains(&label_key(f).as_str()))
    else {
        return false;
    };
    let under: Vec<(String, String)> = anchors(g, r)
        .into_iter()
        .skip_while(|(_, t)| label_key(t) != label_key(&first))
        .skip(1)
        .filter_map(|(c, t)| {
            let header = map.columns.get(c as usize).map(|(_, h)| h.as_str());
            Some((header.unwrap_or("").to_string(), value(t)?))
        })
        .collect();
    match under.as_slice() {
        [] => {}
        [(_, v)] => table.extra.insert(&first, v.clone()),
        many if many.iter().all(|(h, _)| !h.is_empty()) => {
            for (h, v) in many {
                table.extra.insert(&format!("{first}/{h}"), v.clone());
            }
        }
        many => {
            let joined: Vec<&str> = many.iter().map(|(_, v)| v.as_str()).collect();
            table.extra.insert(&first, joined.join(" | "));
        }
    }
    true
}

/// A row that is not an indicator: its cells are noted as unplaced, except
/// a level label it introduced (kept for the rows below) and prompts.
fn unplaced_cells(
    row: &Row,
    c1: Option<u32>,
    c2: Option<u32>,
    (new1, new2): (bool, bool),
    notes: &mut Vec<Note>,
) {
    for (c, t) in anchors(row.g, row.r) {
        let used_as_level =
            (Some(c + row.shift) == c1 && new1) || (Some(c + row.shift) == c2 && new2);
        // A template prompt ((盖章)) is never a value, nor a cell to place.
        if let Some(v) = value(t).filter(|v| !used_as_level && !super::text::is_prompt(v)) {
            notes.push(unplaced_note(row.g, row.r, c, v));
        }
    }
}

/// A column header the lexicon does not know, over no values at all: kept
/// as a note so the header cell is not lost either.
fn unknown_empty_columns(map: &ColumnMap, out: &mut Sink) {
    for (role, header) in &map.columns {
        let unknown = role.is_none() && !header.is_empty() && column(header).is_none();
        if unknown
            && !out.facts.unknown_columns.iter().any(|k| k == header)
            && !out
                .notes
                .iter()
                .any(|n| n.raw == *header && n.rule == UNKNOWN_EMPTY_COLUMN)
        {
            out.notes.push(unknown_empty_column(header));
        }
    }
}

/// The unplaced note for a level label no indicator used.
fn unused_note(grids: &[&Grid], at: Option<(usize, u32, u32, usize)>, notes: &mut Vec<Note>) {
    let Some((gi, r, c, place)) = at else { return };
    let Some(g) = grids.get(gi) else { return };
    if let Some(v) = g.text_at(r, c).and_then(value) {
        notes.insert(place.min(notes.len()), unplaced_note(g, r, c, v));
    }
}

/// A value written from its columns: comparator, figure, unit (`≥` `12000`
/// `人` → `≥12000人`); 定性/定量 in the comparator column is a kind, not an
/// operator.
fn compose(op: Option<&str>, v: &str, unit: Option<&str>) -> String {
    let mut raw = String::new();
    if let Some(op) = op.filter(|c| kind_of(c).is_none()) {
        raw.push_str(op);
    }
    raw.push_str(v);
    // A unit the figure already ends with is not written twice (95% | %);
    // a "unit" with digits is no unit (44,561 | 44,561, a date serial in
    // both cells) and is written as it stands.
    if let Some(u) = unit.filter(|u| !v.ends_with(u) || u.chars().any(|c| c.is_ascii_digit())) {
        raw.push_str(u);
    }
    raw
}

/// A row of a multi-year grid: each value under `label/一级/二级/三级/column`,
/// the names as written (filled down through merges).
fn long_term_row<'g>(
    map: &ColumnMap,
    label: &str,
    cell: &dyn Fn(u32) -> (&'g Slot, Option<&'g str>),
    raw_levels: &mut [Option<String>; 2],
    extra: &mut crate::model::Extra,
) {
    let mut path = vec![label.to_string()];
    for (i, role) in [Column::Level1, Column::Level2].into_iter().enumerate() {
        if let Some(c) = map.col(role) {
            if let (Slot::Anchor { .. }, Some(t)) = cell(c) {
                if let Some(v) = value(t) {
                    raw_levels[i] = Some(v);
                    if i == 0 {
                        raw_levels[1] = None;
                    }
                }
            }
        }
        if let Some(v) = &raw_levels[i] {
            path.push(v.clone());
        }
    }
    let mut values = Vec::new();
    for (c, (role, header)) in map.columns.iter().enumerate() {
        let (slot, t) = cell(c as u32);
        let Slot::Anchor { .. } = slot else { continue };
        let Some(v) = t.and_then(value) else { continue };
        match role {
            Some(Column::Level1 | Column::Level2 | Column::GridLabel) => {}
            Some(Column::Level3) => path.push(v),
            _ => values.push((header.clone(), v)),
        }
    }
    let path = path.join("/");
    for (header, v) in values {
        extra.insert(&format!("{path}/{header}"), v);
    }
}

/// 定性/定量 (定性指标, 定量指标) in a comparator or type column: a kind.
fn kind_of(v: &str) -> Option<&'static str> {
    let k = label_key(v);
    words::KIND_WORDS
        .iter()
        .find(|(w, _)| *w == k)
        .map(|(_, kind)| *kind)
}

/// 正向/反向 (and 越大越好 …) name a direction, not a comparator.
fn is_direction(v: &str) -> bool {
    words::DIRECTIONS.contains(&v)
}

/// Whether the values of a column (its first 64 rows from `first`) are all
/// directions, and there is one.
fn only_directions(grid: &Grid, first: u32, c: u32) -> bool {
    let last = grid.rows().min(first.saturating_add(64));
    let values: Vec<String> = (first..last)
        .filter_map(|r| match grid.slot(r, c) {
            Slot::Anchor { text, .. } => value(text),
            _ => None,
        })
        .collect();
    !values.is_empty() && values.iter().all(|v| is_direction(v))
}

/// A row after the grid that belongs to the table: a closing label with its
/// value (评价结论 | 优, 审核意见 | …), signatures (`填表人：张三  审核人：李四`),
/// a footnote (`注：…`). Returns its `extra` entries, and the columns of
/// closing labels left without a value.
#[allow(clippy::type_complexity)]
fn trailer(g: &Grid, r: u32) -> Option<(Vec<(String, String)>, Vec<u32>)> {
    // Cheap tests first, on every grid row: a row under a label merged down
    // is inside the grid; a trailer's first cell names a footnote or a
    // closing label, else nothing is collected.
    if matches!(g.slot(r, 0), Slot::Covered { .. }) {
        return None;
    }
    let first = (0..g.cols()).find_map(|c| match g.slot(r, c) {
        Slot::Anchor { text, .. } if !text.trim().is_empty() => Some(text.as_str()),
        _ => None,
    })?;
    let key = label_key(first);
    let footnote = words::FOOTNOTES.iter().any(|f| key.starts_with(f));
    if !footnote && !TRAILERS.iter().any(|t| key.contains(t)) {
        return None;
    }
    let cells: Vec<String> = anchors(g, r)
        .into_iter()
        .filter_map(|(_, t)| value(t))
        .collect();
    let (first, rest) = cells.split_first()?;
    if footnote {
        let (label, text) = first.split_once(['：', ':']).unwrap_or((first, ""));
        let mut parts = vec![text.trim().to_string()];
        parts.extend(rest.iter().cloned());
        let pair = (label.to_string(), parts.join(" | ").trim().to_string());
        return Some((vec![pair], Vec::new()));
    }
    if column(first).is_some() || super::vocab::is_level_label(first) {
        return None;
    }
    // Signatures are split on the spaces between them, so the raw text.
    let raw: Vec<(u32, &str)> = anchors(g, r)
        .into_iter()
        .filter(|(_, t)| value(t).is_some())
        .collect();
    if closing_label(first) {
        return Some(closing_pairs(&raw));
    }
    // `填表人：张三  审核人：李四`: every cell signature pairs.
    let mut pairs = Vec::new();
    for (_, cell) in &raw {
        pairs.extend(signatures(cell)?);
    }
    let pairs = pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(l, v)| (clean(l), clean(v)))
        .collect();
    Some((pairs, Vec::new()))
}

/// `填表人：张三  审核人：李四`: a cell of signature pairs, values may be empty.
fn signatures(cell: &str) -> Option<Vec<(&str, &str)>> {
    cell.split_whitespace()
        .map(|seg| {
            let (l, v) = seg.split_once(['：', ':'])?;
            let k = label_key(l);
            TRAILERS
                .iter()
                .any(|t| k.contains(t))
                .then_some((l.trim(), v.trim()))
        })
        .collect()
}

/// A label of a closing row: known to the lexicon, or a signature label
/// (项目负责人:), its colon as written.
fn closing_label(cell: &str) -> bool {
    let key = label_key(cell);
    // `填表人：张三` holds its value; `（签章）` is a prompt, not a label.
    if key.contains(':') || super::text::is_prompt(cell) {
        return false;
    }
    super::lexicon::header_label(cell)
        .is_some_and(|m| m.label == super::lexicon::HeaderLabel::Known)
        || (TRAILERS.iter().any(|t| key.contains(t)) && key.chars().count() <= 12)
}

/// A closing row as label | value pairs: `评价结论 | 优`, `单位负责人 |
/// （签章） | 填表人 | 李某`. A cell that is a closing label starts a pair, the
/// cells after it are its value; a prompt (（签章）) or nothing is no value,
/// and such a label's column is returned with the pairs.
fn closing_pairs(cells: &[(u32, &str)]) -> (Vec<(String, String)>, Vec<u32>) {
    let mut pairs: Vec<(Option<u32>, String, Vec<String>)> = Vec::new();
    for (c, cell) in cells {
        if closing_label(cell) {
            pairs.push((Some(*c), clean(cell), Vec::new()));
        } else if let Some(signed) = signatures(cell) {
            for (label, v) in signed {
                pairs.push((None, clean(label), value(v).into_iter().collect()));
            }
        } else if let (Some((_, _, v)), Some(x)) = (pairs.last_mut(), value(cell)) {
            v.push(x);
        }
    }
    let mut unvalued = Vec::new();
    let pairs = pairs
        .into_iter()
        .filter_map(|(c, label, v)| {
            let v: Vec<String> = v
                .into_iter()
                .filter(|x| !super::text::is_prompt(x))
                .collect();
            if v.is_empty() {
                unvalued.extend(c);
            }
            (!v.is_empty()).then(|| (label, v.join(" | ")))
        })
        .collect();
    (pairs, unvalued)
}
