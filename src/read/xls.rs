//! Excel 97-2003 .xls (BIFF in OLE2) through calamine: every sheet, merged
//! regions as spans. BIFF stores numbers as doubles; each is shown with its
//! cell's number format (`0.8` with `0.00` → `0.80`), read from the
//! workbook's own FORMAT/XF/cell records since calamine keeps them private.
//! calamine is third-party code parsing hostile bytes: a panic inside it is
//! caught here and reported as a corrupt file.

use super::xlsx::{show_number, CellBudget, NumberFormat, Sheet};
use crate::error::{Error, Result};
use crate::grid::Block;
use crate::limits::Limits;
use calamine::{Data, Reader, Xls};
use std::io::Cursor;

pub fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Block>> {
    quiet_calamine_panics();
    std::panic::catch_unwind(|| read_inner(bytes, limits))
        .unwrap_or_else(|_| Err(Error::corrupt("the .xls workbook could not be parsed")))
}

/// calamine's panics are caught in [`read`]; a hook installed once keeps
/// them off stderr (the Python package printed them) and away from a
/// fuzzer's abort-on-panic hook, so a fuzz run goes on past them. Every
/// other panic goes to the hook that was there before.
fn quiet_calamine_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("calamine"));
            if !in_calamine {
                before(info);
            }
        }));
    });
}

fn read_inner(bytes: &[u8], limits: &Limits) -> Result<Vec<Block>> {
    // calamine lays out every sheet densely inside Xls::new: the declared
    // and the used areas are checked first, from the records themselves.
    let formats = BiffFormats::read(bytes);
    formats.check_extents(limits)?;
    // calamine 0.38's parse_mul_rk computes `col_last - col_first + 1`
    // unchecked: a panic where overflow checks are on (reported upstream,
    // docs/dependencies.md). Refused here instead of caught.
    if let Some(what) = formats.known_panic {
        return Err(Error::corrupt(format!(
            "the .xls workbook is damaged ({what})"
        )));
    }
    let mut wb = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
    let mut blocks = Vec::new();
    let mut budget = CellBudget::new(limits);
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(xls_error)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut sheet = Sheet::default();
        for (r, c, v) in range.used_cells() {
            let (r, c) = (r0 + r as u32, c0 + c as u32);
            sheet.push(&mut budget, r, c, display(v, formats.get(&name, r, c)))?;
        }
        for d in wb.merge_cells_by_sheet_name(&name).unwrap_or_default() {
            sheet.merge(&mut budget, (d.start.0, d.start.1, d.end.0, d.end.1))?;
        }
        if let Some(g) = sheet.into_grid(&name, &mut budget)? {
            blocks.push(Block::Table(g));
        }
    }
    Ok(blocks)
}

fn display(v: &Data, fmt: Option<&NumberFormat>) -> String {
    let general = NumberFormat::General;
    let number = |s: String| match fmt {
        // calamine already turned date-formatted cells into DateTime.
        Some(f @ NumberFormat::Fixed { .. }) => show_number(&s, f, false),
        _ => show_number(&s, &general, false),
    };
    match v {
        Data::Int(i) => number(i.to_string()),
        Data::Float(f) => number(format!("{f}")),
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

/// Number formats of a BIFF8 workbook, read from its own records because
/// calamine keeps them private: which format each numeric cell shows.
#[derive(Default)]
pub struct BiffFormats {
    /// Per sheet name: (row, col) → the cell's format.
    cells: std::collections::HashMap<String, std::collections::HashMap<(u32, u32), NumberFormat>>,
    /// Per sheet: what calamine will allocate for it.
    extents: Vec<Extent>,
    /// A record calamine is known to panic on (see `read_inner`).
    known_panic: Option<&'static str>,
}

/// The cells calamine allocates for one sheet: `declared`, reserved from
/// the DIMENSIONS record (computed as calamine does, wrapping included),
/// and `used`, the dense range over every cell record's position.
#[derive(Debug, Default, Clone, Copy)]
struct Extent {
    declared: u64,
    used: u64,
}

impl Extent {
    fn from_dimensions(b: &[u8]) -> u64 {
        let (rf, rl, mut cf, cl) = match b.len() {
            10 => (
                u32::from(u16_at(b, 0).unwrap_or(0)),
                u32::from(u16_at(b, 2).unwrap_or(0)),
                u32::from(u16_at(b, 4).unwrap_or(0)),
                u32::from(u16_at(b, 6).unwrap_or(0)),
            ),
            14 | 16 => (
                u32_at(b, 0).unwrap_or(0),
                u32_at(b, 4).unwrap_or(0),
                u32::from(u16_at(b, 8).unwrap_or(0)),
                u32::from(u16_at(b, 10).unwrap_or(0)),
            ),
            _ => return 0,
        };
        if 0xFF < cf || cl < cf {
            cf = 0;
        }
        let (start, end) = if 1 <= rl && 1 <= cl {
            ((rf, cf), (rl - 1, cl - 1))
        } else {
            ((rf, cf), (rf, cf))
        };
        let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
        let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
        rows.saturating_mul(cols)
    }
}

impl BiffFormats {
    /// Reads the `Workbook` stream; on anything unexpected, knows nothing
    /// (numbers then show in their shortest form).
    pub fn read(bytes: &[u8]) -> BiffFormats {
        let stream = cfb::CompoundFile::open(Cursor::new(bytes))
            .ok()
            .and_then(|mut cfb| {
                let name = cfb.walk().map(|e| e.path().to_path_buf()).find(|p| {
                    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                        n.eq_ignore_ascii_case("Workbook") || n.eq_ignore_ascii_case("Book")
                    })
                })?;
                let mut s = cfb.open_stream(name).ok()?;
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::Read::take(&mut s, 256 << 20), &mut buf)
                    .ok()?;
                Some(buf)
            });
        stream.map(|s| parse_biff(&s)).unwrap_or_default()
    }

    /// `too_large` when one sheet's declared area, or all sheets' used
    /// areas together, pass `max_cells`: refused before calamine
    /// allocates them (an abort, not a panic, would kill the batch).
    pub fn check_extents(&self, limits: &Limits) -> Result<()> {
        let mut used = 0u64;
        for e in &self.extents {
            used = used.saturating_add(e.used);
            if e.declared > limits.max_cells || used > limits.max_cells {
                return Err(Limits::exceeded("max_cells", limits.max_cells));
            }
        }
        Ok(())
    }

    pub fn get(&self, sheet: &str, row: u32, col: u32) -> Option<&NumberFormat> {
        self.cells.get(sheet)?.get(&(row, col))
    }
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *b.get(i)?,
        *b.get(i + 1)?,
        *b.get(i + 2)?,
        *b.get(i + 3)?,
    ]))
}

/// Whether a BIFF8 NAME record holds the formula it declares, and the
/// operand of a first 3-D reference token (what calamine reads unchecked).
fn name_fits(b: &[u8]) -> bool {
    let Some(cce) = u16_at(b, 4).map(usize::from) else {
        return false;
    };
    if b.len() < 14 + cce {
        return false;
    }
    let rgce = &b[b.len() - cce..];
    let operand = match rgce.first() {
        Some(0x3a | 0x5a | 0x7a) => 7,
        Some(0x3b | 0x5b | 0x7b) => 11,
        Some(0x3c | 0x5c | 0x7c | 0x3d | 0x5d | 0x7d) => 3,
        _ => 0,
    };
    rgce.len() >= operand
}

/// Records from `at`: (type, body), stopping at the end or after EOF.
fn records(s: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let kind = u16_at(s, at)?;
        let len = u16_at(s, at + 2)? as usize;
        let body = s.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        Some((kind, body))
    })
}

/// An XLUnicodeString (BIFF8): cch, flags, then 8- or 16-bit characters.
fn biff_string(b: &[u8], cch_len: usize) -> Option<String> {
    let cch = if cch_len == 2 {
        u16_at(b, 0)? as usize
    } else {
        *b.first()? as usize
    };
    let flags = *b.get(cch_len)?;
    let chars = &b[cch_len + 1..];
    if flags & 1 == 0 {
        Some(chars.get(..cch)?.iter().map(|&c| c as char).collect())
    } else {
        let units: Vec<u16> = chars
            .get(..cch * 2)?
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    }
}

fn parse_biff(s: &[u8]) -> BiffFormats {
    let mut custom = std::collections::HashMap::new();
    let mut xfs: Vec<u16> = Vec::new();
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut encrypted = false;
    let mut known_panic = None;
    for (kind, body) in records(s, 0) {
        match kind {
            // NAME (Lbl): calamine slices `len - cce..` and the first
            // token's operand unchecked (a panic, in release builds too).
            0x0018 if !name_fits(body) => {
                known_panic = Some("a NAME record shorter than its formula");
            }
            0x041E => {
                if let (Some(id), Some(code)) = (
                    u16_at(body, 0),
                    body.get(2..).and_then(|b| biff_string(b, 2)),
                ) {
                    custom.insert(u32::from(id), code);
                }
            }
            0x00E0 => xfs.push(u16_at(body, 2).unwrap_or(0)),
            0x0085 => {
                if let (Some(pos), Some(name)) = (
                    u32_at(body, 0),
                    body.get(6..).and_then(|b| biff_string(b, 1)),
                ) {
                    sheets.push((pos as usize, name));
                }
            }
            // FILEPASS: the sheets' record bodies are encrypted; calamine
            // says so before reading them.
            0x002F => encrypted = true,
            0x000A => break,
            _ => {}
        }
    }
    let format_of = |ixfe: u16| -> NumberFormat {
        let id = u32::from(xfs.get(ixfe as usize).copied().unwrap_or(0));
        match custom.get(&id) {
            Some(code) => super::xlsx::format_from_code(code),
            None => super::xlsx::builtin_format(id),
        }
    };
    let mut out = BiffFormats {
        known_panic,
        ..BiffFormats::default()
    };
    for (pos, name) in sheets {
        let mut cells = std::collections::HashMap::new();
        let mut extent = Extent::default();
        // Bounds of the cell positions: (min row, max row, min col, max col).
        let mut bounds: Option<(u32, u32, u32, u32)> = None;
        let mut at = |r: u32, c: u32| {
            let b = bounds.get_or_insert((r, r, c, c));
            *b = (b.0.min(r), b.1.max(r), b.2.min(c), b.3.max(c));
        };
        // Nested substreams (charts) are skipped, as calamine skips them.
        let mut depth = 0usize;
        for (kind, b) in records(s, pos).skip(1) {
            if depth > 0 {
                match kind {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match kind {
                0x0809 => depth += 1,
                0x0200 => {
                    extent.declared = extent.declared.max(Extent::from_dimensions(b));
                }
                // FORMULA: calamine slices the formula's cce bytes unchecked.
                0x0006 if u16_at(b, 20).is_some_and(|cce| b.len() < 22 + usize::from(cce)) => {
                    out.known_panic = Some("a FORMULA record shorter than its formula");
                }
                // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(r), Some(c)) = (u16_at(b, 0), u16_at(b, 2)) {
                        at(u32::from(r), u32::from(c));
                    }
                }
                0x00BD if b.len() >= 6 => {
                    if let (Some(r), Some(first), Some(last)) =
                        (u16_at(b, 0), u16_at(b, 2), u16_at(b, b.len() - 2))
                    {
                        if last < first {
                            out.known_panic =
                                Some("a MULRK record whose last column is before its first");
                        }
                        at(u32::from(r), u32::from(first));
                        at(u32::from(r), u32::from(last.max(first)));
                    }
                }
                _ => {}
            }
        }
        if let Some((r0, r1, c0, c1)) = bounds {
            extent.used = u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1));
        }
        if !encrypted {
            out.extents.push(extent);
        }
        for (kind, b) in records(s, pos).skip(1) {
            let cell = |b: &[u8]| {
                Some((
                    u32::from(u16_at(b, 0)?),
                    u32::from(u16_at(b, 2)?),
                    u16_at(b, 4)?,
                ))
            };
            match kind {
                // NUMBER, RK, FORMULA: row, col, ixfe
                0x0203 | 0x027E | 0x0006 => {
                    if let Some((r, c, x)) = cell(b) {
                        cells.insert((r, c), format_of(x));
                    }
                }
                // MULRK: row, first col, (ixfe, rk)*, last col
                0x00BD => {
                    if let (Some(r), Some(first)) = (u16_at(b, 0), u16_at(b, 2)) {
                        let n = b.len().saturating_sub(6) / 6;
                        for k in 0..n {
                            if let Some(x) = u16_at(b, 4 + k * 6) {
                                cells.insert(
                                    (u32::from(r), u32::from(first) + k as u32),
                                    format_of(x),
                                );
                            }
                        }
                    }
                }
                0x000A => break,
                _ => {}
            }
        }
        out.cells.insert(name, cells);
    }
    out
}
