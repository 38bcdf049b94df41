//! What the xlsx writers share (xlsx.rs, xlsx_flat.rs, xlsx_form.rs):
//! a cell's text fitted to Excel's limit, a decimal shown as the double
//! that shows it exactly, column widths, cell-text escaping as
//! rust_xlsxwriter escapes it, and the package's fixed parts. It imports
//! none of them, so the writers form no circle.

use crate::schema::{Value, COLUMNS, TABLE_COLUMNS};
use rust_decimal::prelude::*;
use std::io::Write;

/// Excel's limit on one cell, in UTF-16 units (what rust_xlsxwriter counts).
pub const MAX_CELL_CHARS: usize = 32_767;

/// What ends a cell cut at Excel's limit: the clerk sees it was cut and
/// where the whole text is.
pub const TRUNCATED: &str = "…〔超出 Excel 单元格 32767 字的上限，已截断；全文见 JSON 或 CSV 输出〕(over Excel's 32,767-character cell limit: cut; the whole text is in JSON or CSV output)";

/// `text`, cut to fit one Excel cell with [`TRUNCATED`] at its end, so one
/// long cell never fails the whole workbook.
pub fn fit_cell(text: &str) -> std::borrow::Cow<'_, str> {
    // UTF-16 units never exceed UTF-8 bytes: most cells need no count.
    if text.len() <= MAX_CELL_CHARS || text.encode_utf16().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let room = MAX_CELL_CHARS - TRUNCATED.encode_utf16().count();
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if used + c.len_utf16() > room {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    std::borrow::Cow::Owned(format!("{}{TRUNCATED}", &text[..end]))
}

/// The double that shows `text` exactly, and its scale.
pub(super) fn exact_double(text: &str) -> Option<(f64, usize)> {
    let d = Decimal::from_str(text).ok()?;
    let f = d.to_f64()?;
    let scale = d.scale() as usize;
    (format!("{f:.scale$}") == text && d.mantissa().unsigned_abs() < (1u128 << 53))
        .then_some((f, scale))
}

/// A header's width on screen: its column's in the schema, else 10.
pub(super) fn width_of(name: &str) -> f64 {
    crate::schema::named(name).map_or(10.0, |c| c.width)
}

/// What the flat column at `c` holds (text past the 33 columns).
pub(super) fn value_of(c: usize) -> Value {
    COLUMNS.get(c).map_or(Value::Text, |col| col.value)
}

/// Columns of the 项目 sheet: the table's own, 其他 and 位置.
pub(super) const PROJECT_COLUMNS: usize = TABLE_COLUMNS + 2;

/// A column width as stored: Excel's character width plus its padding,
/// truncated to 1/256 (rust_xlsxwriter's conversion for widths ≥ 1).
pub(super) fn excel_width(w: f64) -> f64 {
    ((w * 7.0 + 5.0) / 7.0 * 256.0).trunc() / 256.0
}

pub(super) fn push_u32(out: &mut Vec<u8>, mut n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Whether byte `b` may need escaping: `& < >`, a control character, `_`
/// (a literal `_xHHHH_`), or the lead byte of U+FFFE/U+FFFF.
const fn special(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | b'_' | 0xEF) || (b < 0x20 && b != b'\t' && b != b'\n')
}

/// Appends `text` escaped as rust_xlsxwriter escapes cell text: first a
/// literal `_xHHHH_` gets its `_` written as `_x005F`, then `& < >`,
/// control characters (`_xHHHH_`) and U+FFFE/U+FFFF.
pub(super) fn escape_into(out: &mut Vec<u8>, text: &str) {
    if !text.bytes().any(special) {
        out.extend_from_slice(text.as_bytes());
        return;
    }
    let text = literal_escapes(text);
    for c in text.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '\t' | '\n' => out.push(c as u8),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            _ => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

/// `_xHHHH_` in the text itself becomes `_x005F_xHHHH_`, so that Excel does
/// not read it as an escape.
fn literal_escapes(text: &str) -> std::borrow::Cow<'_, str> {
    const LEN: usize = 7; // _xHHHH_
    if !text.contains("_x") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut s = text.to_string();
    for (i, _) in text.rmatch_indices("_x") {
        if i + LEN > text.len() || !text.is_char_boundary(i + LEN - 1) {
            continue;
        }
        if !text[i + LEN - 1..].starts_with('_') {
            continue;
        }
        if text[i + 2..i + LEN - 1]
            .chars()
            .all(|c| c.is_ascii_hexdigit())
        {
            s.replace_range(i..i, "_x005F");
        }
    }
    std::borrow::Cow::Owned(s)
}

/// Now as `2026-12-02T03:56:24Z`.
pub(super) fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let (y, m, d) = crate::civil::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

pub(super) const THEME: &str = include_str!("xlsx_theme1.xml");

pub(super) const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>";

pub(super) const CORE_START: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:creator></dc:creator><cp:lastModifiedBy></cp:lastModifiedBy>";

/// The `<numFmts>` of a styles part: one `0`, `0.0`, `0.00` … format per
/// scale, numbered from 164 in the order given (nothing for none).
pub(super) fn num_fmts(scales: &[usize]) -> String {
    if scales.is_empty() {
        return String::new();
    }
    let mut s = format!("<numFmts count=\"{}\">", scales.len());
    for (i, scale) in scales.iter().enumerate() {
        let code = if *scale == 0 {
            "0".to_string()
        } else {
            format!("0.{}", "0".repeat(*scale))
        };
        s += &format!("<numFmt numFmtId=\"{}\" formatCode=\"{code}\"/>", 164 + i);
    }
    s + "</numFmts>"
}

/// How every part of jixiao's own workbooks is zipped: deflated at level 1
/// (zlib-rs' quick deflate), no time stamp, no zip64.
pub(super) fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .unix_permissions(0o600)
        .last_modified_time(zip::DateTime::default())
        .large_file(false)
}
