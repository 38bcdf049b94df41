//! SpreadsheetML 2003 (`<?mso-application progid="Excel.Sheet"?>`), a
//! common export of Chinese finance systems, usually named .xls: every
//! `Worksheet` a grid, `ss:MergeAcross` / `ss:MergeDown` as spans, and
//! `ss:Index` honoured for skipped rows and cells. Numbers are shown with
//! their style's `NumberFormat` (`0.00`, `#,##0.00`, dates), from the stored
//! decimal text.

use super::xlsx::{format_from_code, show_number, CellBudget, NumberFormat, Sheet};
use super::xml::{attr, entity, num_attr as num, Budget};
use crate::error::{Error, Result};
use crate::grid::Block;
use crate::limits::Limits;
use quick_xml::events::Event;
use std::collections::HashMap;

const MAX_ROW: u32 = 1_048_576;
const MAX_COL: u32 = 16_384;

pub fn read(xml: &str, limits: &Limits) -> Result<Vec<Block>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut blocks = Vec::new();
    let mut budget = Budget::new(limits);
    let mut cells = CellBudget::new(limits);
    let mut sheet: Option<(String, Sheet)> = None;
    let (mut row, mut col) = (0u32, 0u32);
    let mut row_seen = false;
    let mut cell: Option<(u32, u32, u32, u32, String)> = None; // row, col, across, down, text
    let mut in_data = false;
    // Style id → number format, and the current cell's style and data type.
    let mut styles: HashMap<String, NumberFormat> = HashMap::new();
    let mut style_id: Option<String> = None;
    let mut cell_style: Option<String> = None;
    let mut number = false;
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| Error::corrupt(format!("XML error in the workbook: {e}")))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                budget.element(empty)?;
                match e.local_name().as_ref() {
                    "Style" => style_id = attr(e, "ID"),
                    "NumberFormat" => {
                        if let (Some(id), Some(f)) = (style_id.clone(), attr(e, "Format")) {
                            let fmt = match f.as_str() {
                                "Fixed" => format_from_code("0.00"),
                                "Standard" => format_from_code("#,##0.00"),
                                "Percent" => format_from_code("0.00%"),
                                "General Number" | "General" => NumberFormat::General,
                                "Short Date" | "Medium Date" | "Long Date" => {
                                    NumberFormat::Date { time: false }
                                }
                                code => format_from_code(&code.replace("&quot;", "\"")),
                            };
                            styles.insert(id, fmt);
                        }
                    }
                    "Worksheet" => {
                        let name =
                            attr(e, "Name").unwrap_or_else(|| format!("Sheet{}", blocks.len() + 1));
                        sheet = Some((name, Sheet::default()));
                        row = 0;
                        row_seen = false;
                    }
                    "Row" => {
                        row = match num(e, "Index") {
                            Some(i) if (1..=MAX_ROW).contains(&i) => i - 1,
                            _ if row_seen => (row + 1).min(MAX_ROW - 1),
                            _ => 0,
                        };
                        row_seen = true;
                        col = 0;
                    }
                    "Cell" => {
                        if let Some(i) = num(e, "Index").filter(|i| (1..=MAX_COL).contains(i)) {
                            col = i - 1;
                        }
                        let across = num(e, "MergeAcross").unwrap_or(0).min(MAX_COL);
                        let down = num(e, "MergeDown").unwrap_or(0).min(MAX_ROW);
                        if across > 0 || down > 0 {
                            if let Some((_, s)) = sheet.as_mut() {
                                s.merge(
                                    &mut cells,
                                    (
                                        row,
                                        col,
                                        (row + down).min(MAX_ROW - 1),
                                        (col + across).min(MAX_COL - 1),
                                    ),
                                )?;
                            }
                        }
                        if empty {
                            col = (col + 1 + across).min(MAX_COL - 1);
                        } else {
                            cell = Some((row, col, across, down, String::new()));
                            cell_style = attr(e, "StyleID");
                        }
                    }
                    "Data" if cell.is_some() => {
                        in_data = !empty;
                        number = matches!(
                            attr(e, "Type").as_deref(),
                            Some("Number") | Some("DateTime")
                        );
                    }
                    "br" if in_data => {
                        if let Some(c) = cell.as_mut() {
                            c.4.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_data => {
                if let Some(c) = cell.as_mut() {
                    c.4.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_data => {
                if let (Some(c), Some(ch)) = (cell.as_mut(), entity(r)) {
                    c.4.push(ch);
                }
            }
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "Data" => in_data = false,
                    "Cell" => {
                        if let Some((r, c, across, _, mut text)) = cell.take() {
                            col = (c + 1 + across).min(MAX_COL - 1);
                            if number {
                                if let Some(fmt) = cell_style.as_ref().and_then(|s| styles.get(s)) {
                                    text = show_number(&text, fmt, false);
                                }
                                number = false;
                            }
                            if let Some((_, s)) = sheet.as_mut().filter(|_| !text.trim().is_empty())
                            {
                                s.push(&mut cells, r, c, text)?;
                            }
                        }
                    }
                    "Worksheet" => {
                        if let Some((name, s)) = sheet.take() {
                            if let Some(g) = s.into_grid(&name, &mut cells)? {
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
