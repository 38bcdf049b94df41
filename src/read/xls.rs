//! Excel 97-2003 .xls (BIFF in OLE2) through calamine: every sheet, merged
//! regions as spans. BIFF stores numbers as doubles, so they are shown in
//! their shortest exact form (`0.8`); the number formats are not applied.
//! calamine is third-party code parsing hostile bytes: a panic inside it is
//! caught here and reported as a corrupt file.

use super::xlsx::{show_number, NumberFormat, Sheet};
use crate::error::{Error, Result};
use crate::grid::Block;
use crate::limits::Limits;
use calamine::{Data, Reader, Xls};
use std::io::Cursor;

pub fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Block>> {
    std::panic::catch_unwind(|| read_inner(bytes, limits))
        .unwrap_or_else(|_| Err(Error::corrupt("the .xls workbook could not be parsed")))
}

fn read_inner(bytes: &[u8], limits: &Limits) -> Result<Vec<Block>> {
    let mut wb = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
    let mut blocks = Vec::new();
    let mut cells_total = 0u64;
    for name in wb.sheet_names() {
        let range = match wb.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => return Err(xls_error(e)),
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells = Vec::new();
        for (r, c, v) in range.used_cells() {
            let text = display(v);
            if text.is_empty() {
                continue;
            }
            cells_total += 1;
            if cells_total > limits.max_cells {
                return Err(Limits::exceeded("max_cells", limits.max_cells));
            }
            cells.push((r0 + r as u32, c0 + c as u32, text));
        }
        let merges = wb
            .merge_cells_by_sheet_name(&name)
            .unwrap_or_default()
            .into_iter()
            .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
            .collect();
        if let Some(g) = (Sheet { cells, merges }).into_grid(&name, limits)? {
            blocks.push(Block::Table(g));
        }
    }
    Ok(blocks)
}

fn display(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => show_number(&format!("{f}"), &NumberFormat::General, false),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) => {
            let serial = d.as_f64();
            let time = serial.fract() != 0.0;
            show_number(&format!("{serial}"), &NumberFormat::Date { time }, false)
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e}"),
        Data::Empty => String::new(),
    }
}

fn xls_error(e: calamine::XlsError) -> Error {
    match e {
        calamine::XlsError::Password => Error::encrypted(),
        other => Error::corrupt(format!("the .xls workbook: {other}")),
    }
}
