//! Each cell read once per grid: what its text means as a header-block label
//! (the lexicon's match), whether it holds a `label:value` pair, whether it
//! names a table, which indicator-grid column it names. Layout detection and the header patterns look readings up
//! instead of matching the text again.

use super::header::{empty_label, inline_pair, names_a_table};
use super::lexicon::header_label;
use super::lexicon::{column, Column, HeaderLabel, Matched};
use crate::grid::{Grid, Slot};

/// What one written cell says, independent of where it stands.
#[derive(Debug, Default)]
pub struct Reading {
    /// The header-block label the whole cell is.
    pub label: Option<Matched>,
    /// The label of a `label:value` pair the cell holds (`单位：万元`).
    pub inline: Option<HeaderLabel>,
    /// It names a 绩效目标表 (a heading or a title row).
    pub names_table: bool,
    /// The indicator-grid column it names (一级指标, 指标值 …).
    pub column: Option<Column>,
    /// An unknown short label ending in its colon (`市:`): unfilled when
    /// no value follows it.
    pub empty_label: bool,
}

impl Reading {
    fn of(text: &str) -> Self {
        if text.trim().is_empty() {
            return Reading::default();
        }
        let names_table = names_a_table(text);
        let label = header_label(text);
        let inline = inline_pair(text).map(|(m, _, _)| m.label);
        Reading {
            empty_label: label.is_none() && inline.is_none() && empty_label(text),
            label,
            inline,
            names_table,
            column: column(text),
        }
    }
}

/// The readings of one grid's cells, by position; a covered cell reads as
/// its merge's anchor (as `Grid::text_at` does).
#[derive(Debug)]
pub struct GridReadings<'g> {
    grid: &'g Grid,
    cells: Vec<Reading>,
}

impl<'g> GridReadings<'g> {
    pub fn new(grid: &'g Grid) -> Self {
        let (rows, cols) = (grid.rows(), grid.cols());
        let mut cells = Vec::with_capacity(rows as usize * cols as usize);
        for r in 0..rows {
            for c in 0..cols {
                cells.push(match grid.slot(r, c) {
                    Slot::Anchor { text, .. } => Reading::of(text),
                    _ => Reading::default(),
                });
            }
        }
        GridReadings { grid, cells }
    }

    /// The reading at a position, following a merge to its anchor. Outside
    /// the grid, or where the file wrote no cell, it reads as empty.
    pub fn at(&self, row: u32, col: u32) -> &Reading {
        static EMPTY: Reading = Reading {
            label: None,
            inline: None,
            names_table: false,
            column: None,
            empty_label: false,
        };
        let (r, c) = match self.grid.slot(row, col) {
            Slot::Covered { anchor } => (anchor.row, anchor.col),
            Slot::Anchor { .. } => (row, col),
            Slot::Empty => return &EMPTY,
        };
        let i = r as usize * self.grid.cols() as usize + c as usize;
        self.cells.get(i).unwrap_or(&EMPTY)
    }

    /// The header-block label at a position.
    pub fn label(&self, row: u32, col: u32) -> Option<&Matched> {
        self.at(row, col).label.as_ref()
    }

    /// The indicator-grid column the cell at a position names.
    pub fn column(&self, row: u32, col: u32) -> Option<Column> {
        self.at(row, col).column
    }

    /// Whether the cell at a position is an unknown label ending in its colon.
    pub fn empty_label(&self, row: u32, col: u32) -> bool {
        self.at(row, col).empty_label
    }

    /// Whether the cell at a position holds a `label:value` pair.
    pub fn inline(&self, row: u32, col: u32) -> bool {
        self.at(row, col).inline.is_some()
    }
}

/// The readings of every grid of a file, in block order.
pub struct Readings<'g> {
    grids: Vec<GridReadings<'g>>,
}

impl<'g> Readings<'g> {
    pub fn new(grids: &[&'g Grid]) -> Self {
        Readings {
            grids: grids.iter().map(|g| GridReadings::new(g)).collect(),
        }
    }

    /// The readings of grid `i` (in block order).
    pub fn grid(&self, i: usize) -> &GridReadings<'g> {
        &self.grids[i]
    }
}
