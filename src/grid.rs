//! The neutral model between readers and the normaliser: a document is a
//! sequence of paragraphs and tables, each table a [`Grid`] of cells with
//! their spans exactly as the file lays them out. Readers report; they never
//! infer anything about budgets.

pub mod notation;

/// 0-based position inside one grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub row: u32,
    pub col: u32,
}

/// A merged area's size; 1×1 for a plain cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub rows: u32,
    pub cols: u32,
}

impl Span {
    pub const ONE: Span = Span { rows: 1, cols: 1 };
}

/// One slot of the grid.
///
/// ```text
///   col 0          col 1
///  +--------------+--------+
///  | Anchor 2×1   | Anchor |   row 0
///  +              +--------+
///  | Covered(0,0) | Anchor |   row 1
///  +--------------+--------+
///  | Anchor       | Empty  |   row 2: the file has no cell here
///  +--------------+
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// A cell written in the file (its text may be empty), or the top-left of a merge.
    Anchor { text: String, span: Span },
    /// Hidden by the merge whose top-left is `anchor`.
    Covered { anchor: Pos },
    /// No cell at all: a short row, `gridBefore`/`gridAfter`.
    Empty,
}

/// A word-processor cell's vertical merge (docx `w:vMerge`, doc TC flags).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum VMerge {
    #[default]
    None,
    Restart,
    Continue,
}

/// A word-processor table (docx, doc) laid out row by row straight into
/// the grid's slots, its width known before the first cell: no per-row
/// vectors padded and copied afterwards.
pub struct WordGrid {
    cols: u32,
    row: u32,
    slots: Vec<Slot>,
}

impl WordGrid {
    /// Room for `rows` × `cols` slots; the caller has checked that area
    /// against the limits.
    pub fn new(rows: usize, cols: u32) -> WordGrid {
        WordGrid {
            cols,
            row: 0,
            slots: Vec::with_capacity(rows * cols as usize),
        }
    }

    /// The column the next cell of the current row lands in.
    fn col(&self) -> u32 {
        (self.slots.len() - self.row as usize * self.cols as usize) as u32
    }

    /// Leaves the current row empty up to column `col` (`gridBefore`, or a
    /// gap between cells).
    pub fn skip_to(&mut self, col: u32) {
        let col = col.min(self.cols);
        let at = self.row as usize * self.cols as usize + col as usize;
        if at > self.slots.len() {
            self.slots.resize(at, Slot::Empty);
        }
    }

    /// Lays one cell `cols` wide at the end of the current row. A
    /// vertical-merge continuation extends the anchor right above it, when
    /// that anchor starts in the same column; otherwise the cell stands
    /// alone with its column span.
    pub fn push_cell(&mut self, cols: u32, vmerge: VMerge, text: String) {
        let (r, col) = (self.row, self.col());
        // Widths are summed before the grid is made, so this only guards.
        let cols = cols.min(self.cols - col);
        if cols == 0 {
            return;
        }
        let continues = vmerge == VMerge::Continue;
        match continues.then(|| self.anchor_above(col)).flatten() {
            Some(anchor) => {
                let at = anchor.row as usize * self.cols as usize + anchor.col as usize;
                if let Some(Slot::Anchor { span, .. }) = self.slots.get_mut(at) {
                    span.rows = r - anchor.row + 1;
                }
                self.slots
                    .extend((0..cols).map(|_| Slot::Covered { anchor }));
            }
            None => {
                self.slots.push(Slot::Anchor {
                    text,
                    span: Span { rows: 1, cols },
                });
                self.slots.extend((1..cols).map(|_| Slot::Covered {
                    anchor: Pos { row: r, col },
                }));
            }
        }
    }

    /// The anchor of the merge a continuation at `col` of the current row
    /// joins: the cell right above, or what that cell is covered by, when
    /// it starts in the same column.
    fn anchor_above(&self, col: u32) -> Option<Pos> {
        let above = self.row.checked_sub(1)?;
        let slot = self
            .slots
            .get(above as usize * self.cols as usize + col as usize)?;
        let anchor = match slot {
            Slot::Anchor { .. } => Pos { row: above, col },
            Slot::Covered { anchor } => *anchor,
            Slot::Empty => return None,
        };
        (anchor.col == col).then_some(anchor)
    }

    /// Pads the current row to the grid's width and starts the next.
    pub fn end_row(&mut self) {
        self.skip_to(self.cols);
        self.row += 1;
    }

    pub fn finish(self, locator: String) -> Grid {
        Grid {
            rows: self.row,
            cols: self.cols,
            slots: self.slots,
            locator,
            row_locators: None,
        }
    }
}

/// One table as the file lays it out, row-major, `rows × cols` slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    rows: u32,
    cols: u32,
    slots: Vec<Slot>,
    /// Where the table sits in its file: `table 3`, `lines 61-120`.
    pub locator: String,
    /// Where each row sits, when the format has a better name than
    /// `row N` (text dumps: `line 40`).
    pub row_locators: Option<Vec<String>>,
}

impl Grid {
    /// Builds a grid from ragged rows; short rows are padded with
    /// [`Slot::Empty`]. `Covered` slots must point at an anchor that exists.
    pub fn from_rows(rows: Vec<Vec<Slot>>, locator: String) -> Grid {
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut slots = Vec::with_capacity(rows.len() * cols);
        let nrows = rows.len();
        for mut row in rows {
            row.resize(cols, Slot::Empty);
            slots.extend(row);
        }
        Grid {
            rows: nrows as u32,
            cols: cols as u32,
            slots,
            locator,
            row_locators: None,
        }
    }

    pub fn rows(&self) -> u32 {
        self.rows
    }

    pub fn cols(&self) -> u32 {
        self.cols
    }

    pub fn slot(&self, row: u32, col: u32) -> &Slot {
        if row >= self.rows || col >= self.cols {
            return &Slot::Empty;
        }
        &self.slots[(row * self.cols + col) as usize]
    }

    /// The text shown at a position: an anchor's own text, or the text of
    /// the merge that covers it.
    pub fn text_at(&self, row: u32, col: u32) -> Option<&str> {
        match self.slot(row, col) {
            Slot::Anchor { text, .. } => Some(text),
            Slot::Covered { anchor } => match self.slot(anchor.row, anchor.col) {
                Slot::Anchor { text, .. } => Some(text),
                _ => None,
            },
            Slot::Empty => None,
        }
    }

    /// How a row is named in locators: `row 9` (1-based) unless the reader
    /// gave a better name.
    pub fn row_locator(&self, row: u32) -> String {
        self.row_locators
            .as_ref()
            .and_then(|v| v.get(row as usize).cloned())
            .unwrap_or_else(|| format!("row {}", row + 1))
    }

    /// The grid's rows in the [`notation`] `jixiao inspect` prints.
    pub fn render(&self) -> String {
        notation::render_grid(self)
    }
}

/// What a reader produces: the body of a file in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph outside any table (headings, the unit line, `单位：万元`).
    Paragraph(String),
    Table(Grid),
}

/// A finished word-processor table: inside another table its grid (and the
/// tables nested in it) wait in the parent's `nested`, read after it; at the
/// top level they are blocks in document order.
pub fn place_table(
    parent: Option<&mut Vec<Grid>>,
    blocks: &mut Vec<Block>,
    grid: Grid,
    mut nested: Vec<Grid>,
) {
    match parent {
        Some(parent) => {
            parent.push(grid);
            parent.append(&mut nested);
        }
        None => {
            blocks.push(Block::Table(grid));
            blocks.extend(nested.into_iter().map(Block::Table));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covered_slots_show_their_anchor_text() {
        let g = Grid::from_rows(
            vec![
                vec![
                    Slot::Anchor {
                        text: "产出指标".into(),
                        span: Span { rows: 2, cols: 1 },
                    },
                    Slot::Anchor {
                        text: "数量指标".into(),
                        span: Span::ONE,
                    },
                ],
                vec![Slot::Covered {
                    anchor: Pos { row: 0, col: 0 },
                }],
            ],
            "table 1".into(),
        );
        assert_eq!(g.cols(), 2);
        assert_eq!(g.text_at(1, 0), Some("产出指标"));
        assert_eq!(g.slot(1, 1), &Slot::Empty);
        assert_eq!(g.text_at(5, 5), None);
        assert_eq!(
            g.render(),
            "     row 1 | 产出指标 [2×1] | 数量指标 |\n     row 2 | ^(1,1) | · |\n"
        );
    }
}
