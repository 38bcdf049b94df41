//! OpenDocument spreadsheets (.ods): `content.xml` read directly, since
//! calamine has no merge information for ODS. Each cell's text is what the
//! sheet shows (ODS stores the formatted text beside the value). Repeat
//! counts are honoured for cells with text (capped) and only counted for
//! empty ones, so a 999,999,999 × 999,999,999 repeat costs nothing.

use super::package::{xml_text, Package};
use super::xlsx::{CellBudget, Sheet};
use super::xml::{attr, entity, num_attr, Budget};
use crate::error::{Error, Result};
use crate::grid::Block;
use crate::limits::Limits;
use quick_xml::events::{BytesStart, Event};

/// Repeats of a non-empty cell or row beyond this are not real data.
const MAX_REPEAT: u32 = 1000;
const MAX_ROW: u32 = 1_048_576;
const MAX_COL: u32 = 16_384;

/// A repeat or span count: at least 1.
fn num(e: &BytesStart, name: &str) -> u32 {
    num_attr(e, name).unwrap_or(1).max(1)
}

pub fn read(pkg: &mut Package, limits: &Limits) -> Result<Vec<Block>> {
    let bytes = pkg
        .read("content.xml")?
        .ok_or_else(|| Error::corrupt("the spreadsheet has no content.xml"))?;
    let xml = xml_text(bytes, "content.xml")?;
    parse(&xml, limits)
}

struct Pending {
    col: u32,
    text: String,
    rows: u32,
    cols: u32,
    repeat: u32,
}

pub fn parse(xml: &str, limits: &Limits) -> Result<Vec<Block>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut blocks = Vec::new();
    let mut budget = Budget::new(limits);
    let mut cells = CellBudget::new(limits);
    let mut table: Option<(String, Sheet, usize)> = None; // name, cells, depth
    let (mut row, mut col) = (0u32, 0u32);
    let mut row_repeat = 1u32;
    let mut row_cells: Vec<Pending> = Vec::new();
    let mut cell: Option<Pending> = None;
    let mut para: Option<String> = None;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| Error::corrupt(format!("XML error in content.xml: {e}")))?;
        let empty = matches!(ev, Event::Empty(_));
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                budget.element(empty)?;
                let depth = budget.depth;
                match e.local_name().as_ref() {
                    "table" if table.is_none() && !empty => {
                        let name =
                            attr(e, "name").unwrap_or_else(|| format!("Sheet{}", blocks.len() + 1));
                        table = Some((name, Sheet::default(), depth));
                        row = 0;
                    }
                    "table-row" if table.is_some() => {
                        row_repeat = num(e, "number-rows-repeated");
                        col = 0;
                        row_cells.clear();
                        if empty {
                            row = row.saturating_add(row_repeat).min(MAX_ROW);
                        }
                    }
                    "table-cell" | "covered-table-cell" if table.is_some() => {
                        let p = Pending {
                            col,
                            text: String::new(),
                            rows: num(e, "number-rows-spanned"),
                            cols: num(e, "number-columns-spanned"),
                            repeat: num(e, "number-columns-repeated"),
                        };
                        if empty {
                            col = col.saturating_add(p.repeat).min(MAX_COL);
                        } else {
                            cell = Some(p);
                        }
                    }
                    "p" if cell.is_some() => {
                        if let Some(c) = cell.as_mut() {
                            if !c.text.is_empty() || empty {
                                c.text.push('\n');
                            }
                        }
                        if !empty {
                            para = Some(String::new());
                        }
                    }
                    "s" if para.is_some() => {
                        let n = num(e, "c").min(100) as usize;
                        if let Some(p) = para.as_mut() {
                            p.push_str(&" ".repeat(n));
                        }
                    }
                    "tab" if para.is_some() => {
                        if let Some(p) = para.as_mut() {
                            p.push('\t');
                        }
                    }
                    "line-break" if para.is_some() => {
                        if let Some(p) = para.as_mut() {
                            p.push('\n');
                        }
                    }
                    // Notes and annotations are not cell text.
                    "annotation" => {}
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some(p) = para.as_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let (Some(p), Some(c)) = (para.as_mut(), entity(r)) {
                    p.push(c);
                }
            }
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "p" => {
                        if let (Some(p), Some(c)) = (para.take(), cell.as_mut()) {
                            c.text.push_str(&p);
                        }
                    }
                    "table-cell" | "covered-table-cell" => {
                        if let Some(c) = cell.take() {
                            col = col.saturating_add(c.repeat).min(MAX_COL);
                            if !c.text.trim().is_empty() || c.rows > 1 || c.cols > 1 {
                                row_cells.push(c);
                            }
                        }
                    }
                    "table-row" => {
                        if let Some((_, sheet, _)) = table.as_mut() {
                            let reps = if row_cells.iter().any(|c| !c.text.trim().is_empty()) {
                                row_repeat.min(MAX_REPEAT)
                            } else {
                                0
                            };
                            for k in 0..reps {
                                let r = row.saturating_add(k);
                                if r >= MAX_ROW {
                                    break;
                                }
                                for c in &row_cells {
                                    for j in 0..c.repeat.min(MAX_REPEAT) {
                                        let cc = c.col.saturating_add(j);
                                        if cc >= MAX_COL {
                                            break;
                                        }
                                        if c.rows > 1 || c.cols > 1 {
                                            sheet.merge(
                                                &mut cells,
                                                (
                                                    r,
                                                    cc,
                                                    r.saturating_add(c.rows - 1).min(MAX_ROW - 1),
                                                    cc.saturating_add(c.cols - 1).min(MAX_COL - 1),
                                                ),
                                            )?;
                                        }
                                        let text = c.text.trim_matches('\n').to_string();
                                        sheet.push(&mut cells, r, cc, text)?;
                                    }
                                }
                            }
                            row = row.saturating_add(row_repeat).min(MAX_ROW);
                        }
                    }
                    "table" if table.as_ref().is_some_and(|t| t.2 == budget.depth) => {
                        if let Some((name, sheet, _)) = table.take() {
                            if let Some(g) = sheet.into_grid(&name, &mut cells)? {
                                blocks.push(Block::Table(g));
                            }
                        }
                    }
                    _ => {}
                }
                budget.close();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(blocks)
}
