//! CSV: a header line of [`crate::schema`]'s names (Chinese or English),
//! then one [`super::flat`] row a line; UTF-8 with or without a BOM, or
//! GB18030 for older tools.

use super::flat::{ExtraStyle, FlatTable, Headers};
use super::{Encoding, Options};
use crate::model::Table;
use crate::schema::COLUMNS;
use std::io::{self, Write};

/// The BOM (UTF-8 only) and the header line.
pub(super) fn begin<W: Write>(out: &mut W, opts: &Options) -> io::Result<()> {
    if opts.bom && opts.encoding == Encoding::Utf8 {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS.iter().map(|c| match opts.headers {
        Headers::Zh => c.zh,
        Headers::En => c.en,
    }))
    .map_err(io::Error::other)?;
    let header = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    out.write_all(&encode(opts, header))
}

/// A table's lines. The table's own columns are rendered once and copied
/// onto each row; 其他 is readable text under Chinese headers, JSON under
/// English ones.
pub(super) fn rows(opts: &Options, t: &Table) -> Vec<u8> {
    let style = match opts.headers {
        Headers::Zh => ExtraStyle::Text,
        Headers::En => ExtraStyle::Json,
    };
    let flat = FlatTable::new(t, opts.headers, style);
    let mut head = Vec::with_capacity(512);
    csv_record(&mut head, flat.head.iter().map(Option::as_deref));
    let mut out = Vec::with_capacity(head.len() * flat.rows() + 1024);
    for i in 0..flat.rows() {
        out.extend_from_slice(&head);
        out.push(b',');
        csv_record(&mut out, flat.row(i).iter().map(Option::as_deref));
        out.push(b'\n');
    }
    encode(opts, out)
}

fn encode(opts: &Options, text: Vec<u8>) -> Vec<u8> {
    match opts.encoding {
        Encoding::Gbk => {
            let s = String::from_utf8_lossy(&text);
            // GB18030 is GBK for every character GBK has, and can write the rest.
            encoding_rs::GB18030.encode(&s).0.into_owned()
        }
        Encoding::Utf8 => text,
    }
}

/// Appends `s` as a CSV field, quoted when it holds a comma, a quote or a
/// line break (as the csv crate's `QuoteStyle::Necessary`).
fn csv_field(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

fn csv_record<'v>(out: &mut Vec<u8>, values: impl Iterator<Item = Option<&'v str>>) {
    for (i, v) in values.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_field(out, v.unwrap_or(""));
    }
}
