//! The neutral model between readers and the normaliser: a document is a
//! sequence of paragraphs and tables, each table a [`Grid`] of cells with
//! their spans exactly as the file lays them out. Readers report; they never
//! infer anything about budgets.

pub mod notation;

use std::fmt;

/// Where a grid sits in its file, as the reader knows it. Written out
/// (`Display`) as the `source.locator` of SCHEMA.md; the normaliser reads
/// the parts, never the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locator {
    /// The n-th table of a document (1-based; nested tables in reading order).
    Table(u32),
    /// A range of a sheet, 0-based rows and columns, inclusive.
    Range {
        sheet: String,
        rows: (u32, u32),
        cols: (u32, u32),
    },
    /// Lines of a text dump, 1-based, inclusive.
    Lines(u32, u32),
    /// A table drawn on PDF pages (1-based), numbered on its first page.
    Pages { first: u32, last: u32, table: u32 },
    /// From the first grid's place to the last's: a table continued over
    /// several grids.
    Across(Box<Locator>, Box<Locator>),
    /// A name the file gave that fits none of the above (notation fixtures).
    Named(String),
}

/// Where one row of a grid sits, when the format names rows better than
/// `row N`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowLocator {
    /// A line of a text dump (1-based).
    Line(u32),
    /// A sheet row's cells: 0-based row, first and last column.
    Cells {
        row: u32,
        cols: (u32, u32),
    },
    /// A row of a table on a PDF page (both 1-based).
    PageRow {
        page: u32,
        row: u32,
    },
    Named(String),
}

/// `A`, `Z`, `AA` … for a 0-based column.
pub fn column_letters(col: u32) -> String {
    let mut s = Vec::new();
    let mut col = u64::from(col) + 1;
    while col > 0 {
        let rem = (col - 1) % 26;
        s.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The 0-based column of letters (`AB` → 27), if they are only letters.
fn column_of(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 7 {
        return None;
    }
    letters
        .bytes()
        // Checked: seven letters overflow a u32 (a notation file is input).
        .try_fold(0u32, |n, b| {
            if !b.is_ascii_uppercase() {
                return None;
            }
            n.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)
        })
        .map(|n| n - 1)
}

/// `B12` → (row 11, col 1).
fn cell_ref(s: &str) -> Option<(u32, u32)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, column_of(letters)?))
}

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Locator::Table(n) => write!(f, "table {n}"),
            Locator::Range { sheet, rows, cols } => write!(
                f,
                "{sheet}!{}{}:{}{}",
                column_letters(cols.0),
                u64::from(rows.0) + 1,
                column_letters(cols.1),
                u64::from(rows.1) + 1
            ),
            Locator::Lines(a, b) => write!(f, "lines {a}-{b}"),
            Locator::Pages { first, last, table } if first == last => {
                write!(f, "page {first} table {table}")
            }
            Locator::Pages { first, last, table } => {
                write!(f, "pages {first}-{last} table {table}")
            }
            Locator::Across(a, b) => {
                let (a, b) = (a.to_string(), b.to_string());
                write!(
                    f,
                    "tables {}-{}",
                    a.trim_start_matches("table "),
                    b.trim_start_matches("table ")
                )
            }
            Locator::Named(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for RowLocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowLocator::Line(n) => write!(f, "line {n}"),
            RowLocator::Cells { row, cols } => {
                let r = u64::from(*row) + 1;
                write!(
                    f,
                    "{}{r}:{}{r}",
                    column_letters(cols.0),
                    column_letters(cols.1)
                )
            }
            RowLocator::PageRow { page, row } => write!(f, "page {page} row {row}"),
            RowLocator::Named(s) => f.write_str(s),
        }
    }
}

impl Locator {
    /// The n-th table of a document, from a reader's count.
    pub fn table(n: usize) -> Locator {
        Locator::Table(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Reads a locator as [`Display`](fmt::Display) writes it (the grid
    /// notation's `▦` line); text it would not write back the same is
    /// [`Locator::Named`].
    pub fn parse(s: &str) -> Locator {
        let read = || -> Option<Locator> {
            if let Some(n) = s.strip_prefix("table ") {
                return Some(Locator::Table(n.parse().ok()?));
            }
            if let Some(r) = s.strip_prefix("lines ") {
                let (a, b) = r.split_once('-')?;
                return Some(Locator::Lines(a.parse().ok()?, b.parse().ok()?));
            }
            if let Some(r) = s.strip_prefix("page ") {
                let (p, t) = r.split_once(" table ")?;
                let p = p.parse().ok()?;
                return Some(Locator::Pages {
                    first: p,
                    last: p,
                    table: t.parse().ok()?,
                });
            }
            if let Some(r) = s.strip_prefix("pages ") {
                let (ps, t) = r.split_once(" table ")?;
                let (a, b) = ps.split_once('-')?;
                return Some(Locator::Pages {
                    first: a.parse().ok()?,
                    last: b.parse().ok()?,
                    table: t.parse().ok()?,
                });
            }
            let (sheet, range) = s.rsplit_once('!')?;
            let (a, b) = range.split_once(':')?;
            let (r0, c0) = cell_ref(a)?;
            let (r1, c1) = cell_ref(b)?;
            Some(Locator::Range {
                sheet: sheet.to_string(),
                rows: (r0, r1),
                cols: (c0, c1),
            })
        };
        match read() {
            Some(l) if l.to_string() == s => l,
            _ => Locator::Named(s.to_string()),
        }
    }
}

impl RowLocator {
    /// Reads a row locator as [`Display`](fmt::Display) writes it.
    pub fn parse(s: &str) -> RowLocator {
        let read = || -> Option<RowLocator> {
            if let Some(n) = s.strip_prefix("line ") {
                return Some(RowLocator::Line(n.parse().ok()?));
            }
            if let Some(r) = s.strip_prefix("page ") {
                let (p, r) = r.split_once(" row ")?;
                return Some(RowLocator::PageRow {
                    page: p.parse().ok()?,
                    row: r.parse().ok()?,
                });
            }
            let (a, b) = s.split_once(':')?;
            let (r0, c0) = cell_ref(a)?;
            let (r1, c1) = cell_ref(b)?;
            (r0 == r1).then_some(RowLocator::Cells {
                row: r0,
                cols: (c0, c1),
            })
        };
        match read() {
            Some(l) if l.to_string() == s => l,
            _ => RowLocator::Named(s.to_string()),
        }
    }
}

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

    pub fn finish(self, locator: Locator) -> Grid {
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
    pub locator: Locator,
    /// Where each row sits, when the format has a better name than
    /// `row N` (text dumps: `line 40`).
    pub row_locators: Option<Vec<RowLocator>>,
}

impl Grid {
    /// Builds a grid from ragged rows; short rows are padded with
    /// [`Slot::Empty`]. `Covered` slots must point at an anchor that exists.
    pub fn from_rows(rows: Vec<Vec<Slot>>, locator: Locator) -> Grid {
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
        match self.row_locators.as_ref().and_then(|v| v.get(row as usize)) {
            Some(l) => l.to_string(),
            None => format!("row {}", u64::from(row) + 1),
        }
    }

    /// The row's own locator, when the reader gave one.
    pub fn row_place(&self, row: u32) -> Option<&RowLocator> {
        self.row_locators.as_ref()?.get(row as usize)
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
            Locator::Table(1),
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

#[cfg(test)]
mod locator_tests {
    use super::*;

    #[test]
    fn locators_read_back_as_written() {
        for s in [
            "table 3",
            "lines 61-120",
            "Sheet1!A1:E19",
            "成本!AB10:AC12",
            "page 3 table 1",
            "pages 3-4 table 2",
            "tables 1-2",
            "somewhere",
        ] {
            assert_eq!(Locator::parse(s).to_string(), s);
        }
        assert_eq!(
            Locator::parse("S!B2:D3"),
            Locator::Range {
                sheet: "S".into(),
                rows: (1, 2),
                cols: (1, 3)
            }
        );
        assert_eq!(
            Locator::parse("table 03"),
            Locator::Named("table 03".into())
        );
        for s in ["line 40", "A12:E12", "page 2 row 5", "row 9", "B3:D4"] {
            assert_eq!(RowLocator::parse(s).to_string(), s);
        }
        assert_eq!(
            RowLocator::parse("B3:D3"),
            RowLocator::Cells {
                row: 2,
                cols: (1, 3)
            }
        );
        assert_eq!(
            RowLocator::parse("B3:D4"),
            RowLocator::Named("B3:D4".into())
        );
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_of("AB"), Some(27));
        assert_eq!(column_of("ZZZZZZZ"), None);
        assert_eq!(
            Locator::parse("S!ZZZZZZZ1:A1"),
            Locator::Named("S!ZZZZZZZ1:A1".into())
        );
    }
}
