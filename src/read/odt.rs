//! OpenDocument text (.odt, LibreOffice Writer and WPS): `content.xml` read
//! directly, the Writer twin of the .ods reader. Every `table:table` becomes
//! a grid laid out as the Word reader lays its tables out: a cell's
//! `number-columns-spanned` is its width, `number-rows-spanned` starts a
//! vertical merge that the covered cells below continue; nested tables are
//! grids of their own, placed after the table that holds them; paragraphs
//! between tables are kept as context. Cell text is its paragraphs joined by
//! `\n`; notes, annotations and tracked deletions are not text.

use super::docx::{build_grid, Cell, Row};
use super::package::{xml_text, Package};
use super::xml::{entity, num_attr, Budget};
use crate::error::{Error, Result};
use crate::grid::{Block, Grid, Locator, VMerge};
use crate::limits::Limits;
use quick_xml::events::{BytesStart, Event};

/// A repeat count on a cell beyond this is not real data (Writer writes
/// none; a hostile file may write 4 billion).
const MAX_REPEAT: u32 = 1000;

pub fn read(pkg: &mut Package, limits: &Limits) -> Result<Vec<Block>> {
    let bytes = pkg
        .read("content.xml")?
        .ok_or_else(|| Error::corrupt("the text document has no content.xml"))?;
    let xml = xml_text(bytes, "content.xml")?;
    parse(&xml, limits)
}

/// A count attribute: at least 1.
fn count(e: &BytesStart, name: &str) -> u32 {
    num_attr(e, name).unwrap_or(1).max(1)
}

/// One table being read.
struct Table {
    number: usize,
    rows: Vec<Row>,
    row: Option<Row>,
    /// The column the next cell of the current row sits in.
    col: u32,
    /// Columns of the current row covered by a cell to their left.
    covered_to: u32,
    /// Vertical merges: (first column, width, last row) of each open one.
    merges: Vec<(u32, u32, usize)>,
    nested: Vec<Grid>,
    /// The element depth of its `table:table`.
    depth: usize,
}

impl Table {
    fn row_index(&self) -> usize {
        self.rows.len()
    }

    /// A `table:table-cell` (`covered` false) or `table:covered-table-cell`
    /// starting at the current column; returns whether its text is wanted.
    fn cell(&mut self, e: &BytesStart, covered: bool) -> Option<Cell> {
        let repeat = count(e, "number-columns-repeated").min(MAX_REPEAT);
        let col = self.col;
        self.col = self.col.saturating_add(repeat);
        let row = self.row_index();
        if covered {
            if col < self.covered_to {
                return None; // right of a cell spanning columns
            }
            // Below a cell spanning rows: the merge goes on.
            if let Some(&(_, cols, _)) = self
                .merges
                .iter()
                .find(|&&(c, _, last)| c == col && last >= row)
            {
                self.covered_to = col.saturating_add(cols);
                return Some(Cell {
                    span: cols,
                    vmerge: VMerge::Continue,
                    ..Cell::default()
                });
            }
            // A covered cell nothing covers: an empty cell.
            return Some(Cell {
                span: 1,
                ..Cell::default()
            });
        }
        let cols = count(e, "number-columns-spanned").min(MAX_REPEAT);
        let rows = count(e, "number-rows-spanned");
        self.covered_to = col.saturating_add(cols);
        let vmerge = if rows > 1 {
            self.merges.retain(|&(c, _, _)| c != col);
            self.merges
                .push((col, cols, row.saturating_add(rows as usize - 1)));
            VMerge::Restart
        } else {
            VMerge::None
        };
        // Repeated empty cells (the only ones Writer repeats) are one wide cell.
        Some(Cell {
            span: if repeat > 1 { repeat } else { cols },
            vmerge,
            ..Cell::default()
        })
    }
}

pub fn parse(xml: &str, limits: &Limits) -> Result<Vec<Block>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut blocks = Vec::new();
    let mut budget = Budget::new(limits);
    let mut tables: Vec<Table> = Vec::new();
    let mut started = 0usize;
    let mut cell: Vec<Option<Cell>> = Vec::new(); // one per open table
                                                  // Open paragraphs (a frame's paragraphs nest inside one).
    let mut paras: Vec<String> = Vec::new();
    // Depth of an element whose content is dropped (notes, deletions).
    let mut skip: Option<usize> = None;
    let (mut text_bytes, mut cells) = (0u64, 0u64);
    let mut slots = 0u64;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| Error::corrupt(format!("XML error in content.xml: {e}")))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                budget.element(empty)?;
                if skip.is_some() {
                    continue;
                }
                let name = e.local_name();
                match name.as_ref() {
                    "note" | "annotation" | "tracked-changes" | "note-citation" if !empty => {
                        skip = Some(budget.depth);
                    }
                    "table" if !empty => {
                        started += 1;
                        tables.push(Table {
                            number: started,
                            rows: Vec::new(),
                            row: None,
                            col: 0,
                            covered_to: 0,
                            merges: Vec::new(),
                            nested: Vec::new(),
                            depth: budget.depth,
                        });
                        cell.push(None);
                    }
                    "table-row" => {
                        if let Some(t) = tables.last_mut() {
                            if let Some(row) = t.row.take() {
                                t.rows.push(row);
                            }
                            t.col = 0;
                            t.covered_to = 0;
                            let row = Row::default();
                            if empty {
                                t.rows.push(row);
                            } else {
                                t.row = Some(row);
                            }
                        }
                    }
                    n @ ("table-cell" | "covered-table-cell") => {
                        if let Some(t) = tables.last_mut() {
                            let c = t.cell(e, n == "covered-table-cell");
                            cells += 1;
                            if cells > limits.max_cells {
                                return Err(Limits::exceeded("max_cells", limits.max_cells));
                            }
                            if let Some(c) = c {
                                let row = t.row.get_or_insert_with(Row::default);
                                if empty {
                                    row.cells.push(c);
                                } else if let Some(slot) = cell.last_mut() {
                                    *slot = Some(c);
                                }
                            }
                        }
                    }
                    "p" | "h" => {
                        if empty {
                            end_paragraph(
                                String::new(),
                                &mut cell,
                                &mut blocks,
                                &mut text_bytes,
                                limits,
                            )?;
                        } else {
                            paras.push(String::new());
                        }
                    }
                    "s" => {
                        if let Some(p) = paras.last_mut() {
                            p.push_str(&" ".repeat(count(e, "c").min(100) as usize));
                        }
                    }
                    "tab" => {
                        if let Some(p) = paras.last_mut() {
                            p.push('\t');
                        }
                    }
                    "line-break" => {
                        if let Some(p) = paras.last_mut() {
                            p.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if skip.is_none() => {
                if let Some(p) = paras.last_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if skip.is_none() => {
                if let (Some(p), Some(c)) = (paras.last_mut(), entity(r)) {
                    p.push(c);
                }
            }
            Event::End(e) => {
                let depth = budget.depth;
                budget.close();
                if let Some(d) = skip {
                    if d == depth {
                        skip = None;
                    }
                    continue;
                }
                match e.local_name().as_ref() {
                    "p" | "h" => {
                        if let Some(text) = paras.pop() {
                            end_paragraph(text, &mut cell, &mut blocks, &mut text_bytes, limits)?;
                        }
                    }
                    "table-cell" | "covered-table-cell" => {
                        if let (Some(t), Some(slot)) = (tables.last_mut(), cell.last_mut()) {
                            if let Some(c) = slot.take() {
                                t.row.get_or_insert_with(Row::default).cells.push(c);
                            }
                        }
                    }
                    "table-row" => {
                        if let Some(t) = tables.last_mut() {
                            if let Some(row) = t.row.take() {
                                t.rows.push(row);
                            }
                        }
                    }
                    "table" if tables.last().is_some_and(|t| t.depth == depth) => {
                        let Some(mut t) = tables.pop() else { continue };
                        cell.pop();
                        if let Some(row) = t.row.take() {
                            t.rows.push(row);
                        }
                        let grid = build_grid(t.rows, Locator::table(t.number), limits)?;
                        // Padded slots of all tables together, not only of each.
                        slots += u64::from(grid.rows()) * u64::from(grid.cols());
                        if slots > limits.max_cells {
                            return Err(Limits::exceeded("max_cells", limits.max_cells));
                        }
                        let parent = tables.last_mut().map(|p| &mut p.nested);
                        crate::grid::place_table(parent, &mut blocks, grid, t.nested);
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(blocks)
}

/// A paragraph's end: a line of the open cell's text, or a paragraph of the
/// document when it is outside every table (blank ones dropped).
fn end_paragraph(
    text: String,
    cell: &mut [Option<Cell>],
    blocks: &mut Vec<Block>,
    text_bytes: &mut u64,
    limits: &Limits,
) -> Result<()> {
    *text_bytes += text.len() as u64 + super::text::LINE_COST;
    if *text_bytes > limits.max_text_bytes {
        return Err(Limits::exceeded("max_text_bytes", limits.max_text_bytes));
    }
    match cell.last_mut() {
        Some(Some(c)) => {
            c.paragraphs += 1;
            if c.paragraphs > 1 {
                c.text.push('\n');
            }
            c.text.push_str(&text);
        }
        // Inside a table but between cells: nothing to attach it to.
        Some(None) => {}
        None => {
            if !text.trim().is_empty() {
                blocks.push(Block::Paragraph(text));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Pos, Slot, Span};

    fn parse_body(body: &str) -> Vec<Block> {
        let xml = format!(
            r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        );
        parse(&xml, &Limits::default()).unwrap()
    }

    fn grid(b: &Block) -> &Grid {
        match b {
            Block::Table(g) => g,
            Block::Paragraph(p) => panic!("paragraph {p}"),
        }
    }

    #[test]
    fn spans_covered_cells_and_paragraphs() {
        let blocks = parse_body(concat!(
            "<text:h>标题</text:h><text:p/>",
            "<table:table table:name=\"表格1\"><table:table-column table:number-columns-repeated=\"3\"/>",
            "<table:table-header-rows><table:table-row>",
            "<table:table-cell table:number-rows-spanned=\"2\"><text:p>产出指标</text:p></table:table-cell>",
            "<table:table-cell table:number-columns-spanned=\"2\"><text:p>数量<text:s text:c=\"2\"/>指标</text:p><text:p>第二行</text:p></table:table-cell>",
            "<table:covered-table-cell/></table:table-row></table:table-header-rows>",
            "<table:table-row><table:covered-table-cell/>",
            "<table:table-cell><text:p>a<text:note><text:note-body><text:p>脚注</text:p></text:note-body></text:note></text:p></table:table-cell>",
            "<table:table-cell><text:p>b&amp;c</text:p></table:table-cell></table:table-row>",
            "</table:table>",
        ));
        assert_eq!(blocks[0], Block::Paragraph("标题".into()));
        let g = grid(&blocks[1]);
        assert_eq!((g.rows(), g.cols()), (2, 3));
        assert_eq!(g.locator, Locator::Table(1));
        assert_eq!(
            g.slot(0, 0),
            &Slot::Anchor {
                text: "产出指标".into(),
                span: Span { rows: 2, cols: 1 }
            }
        );
        assert_eq!(g.text_at(0, 1), Some("数量  指标\n第二行"));
        assert_eq!(
            g.slot(0, 2),
            &Slot::Covered {
                anchor: Pos { row: 0, col: 1 }
            }
        );
        assert_eq!(
            g.slot(1, 0),
            &Slot::Covered {
                anchor: Pos { row: 0, col: 0 }
            }
        );
        assert_eq!(g.text_at(1, 1), Some("a"));
        assert_eq!(g.text_at(1, 2), Some("b&c"));
    }

    #[test]
    fn nested_tables_follow_their_parent() {
        let blocks = parse_body(concat!(
            "<table:table><table:table-row><table:table-cell><text:p>外</text:p>",
            "<table:table><table:table-row><table:table-cell><text:p>内</text:p></table:table-cell></table:table-row></table:table>",
            "</table:table-cell></table:table-row></table:table>",
            "<text:p>后</text:p>",
        ));
        assert_eq!(blocks.len(), 3);
        assert_eq!(grid(&blocks[0]).text_at(0, 0), Some("外"));
        assert_eq!(grid(&blocks[0]).locator, Locator::Table(1));
        assert_eq!(grid(&blocks[1]).text_at(0, 0), Some("内"));
        assert_eq!(grid(&blocks[1]).locator, Locator::Table(2));
        assert_eq!(blocks[2], Block::Paragraph("后".into()));
    }

    #[test]
    fn hostile_repeats_and_spans_stay_bounded() {
        let blocks = parse_body(concat!(
            "<table:table><table:table-row>",
            "<table:table-cell table:number-columns-repeated=\"4000000000\"/>",
            "<table:table-cell table:number-columns-spanned=\"4000000000\" table:number-rows-spanned=\"4000000000\"><text:p>x</text:p></table:table-cell>",
            "</table:table-row><table:table-row><table:covered-table-cell table:number-columns-repeated=\"4000000000\"/></table:table-row></table:table>",
        ));
        let g = grid(&blocks[0]);
        assert!(g.cols() <= 2 * MAX_REPEAT, "{}", g.cols());
    }
}
