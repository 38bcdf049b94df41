//! JSON (the document: `{"schema": "jixiao/1", "tables": [...], "errors":
//! [...]}`) and JSONL (one flat row a line, [`super::flat`]'s columns under
//! their English names), escaped exactly as serde_json escapes.

use super::flat::{ExtraStyle, FlatTable, Headers};
use crate::model::{FileError, Table};
use crate::schema::{Column, Value, COLUMNS, ROW_COLUMNS, TABLE_COLUMNS};
use std::borrow::Cow;
use std::io::{self, Write};

/// What opens the JSON document, before its first table.
pub(super) const OPEN: &[u8] = b"{\n  \"schema\": \"jixiao/1\",\n  \"tables\": [";

/// What goes before a table of the document: the first opens the array's
/// lines, the others follow a comma.
pub(super) fn separator(first: bool) -> &'static [u8] {
    if first {
        b"\n"
    } else {
        b",\n"
    }
}

/// Closes the document after `tables` tables: the array, then the files
/// that failed.
pub(super) fn close<W: Write>(out: &mut W, tables: usize, errors: &[FileError]) -> io::Result<()> {
    let close = if tables == 0 { "]" } else { "\n  ]" };
    if errors.is_empty() {
        write!(out, "{close},\n  \"errors\": []\n}}\n")
    } else {
        let e = indented(&errors, "  ")?;
        write!(out, "{close},\n  \"errors\": {}\n}}\n", e.trim_start())
    }
}

/// A table as an element of the document's `tables` array.
pub(super) fn table(t: &Table) -> io::Result<Vec<u8>> {
    Ok(indented(t, "    ")?.into_bytes())
}

/// A table's JSONL lines. The table's own columns are rendered once and
/// copied onto each row.
pub(super) fn rows(t: &Table) -> Vec<u8> {
    let flat = FlatTable::new(t, Headers::En, ExtraStyle::Json);
    let mut head = Vec::with_capacity(1024);
    for (c, v) in COLUMNS.iter().zip(&flat.head) {
        head.push(if head.is_empty() { b'{' } else { b',' });
        json_field(&mut head, c, v.as_deref());
    }
    // Rows are alike in length: the first tells how much room the
    // table needs (a quarter more for longer rows), allocated once.
    let mut first = Vec::with_capacity(2 * head.len() + 1024);
    let mut last = RowBytes::default();
    last.render(&mut first, &head, flat.row(0));
    let mut out = Vec::with_capacity(first.len() * flat.rows() * 5 / 4 + 1024);
    out.extend_from_slice(&first);
    last.shift(out.len() - first.len());
    for i in 1..flat.rows() {
        last.render(&mut out, &head, flat.row(i));
    }
    out
}

/// Pretty JSON indented by `by`; strings never hold raw newlines, so
/// indenting line by line is safe.
pub(super) fn indented<T: serde::Serialize>(v: &T, by: &str) -> io::Result<String> {
    let s = serde_json::to_string_pretty(v).map_err(io::Error::other)?;
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for (i, line) in s.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(by);
        out.push_str(line);
    }
    Ok(out)
}

/// What JSON writes for a byte: 0 itself, `u` `\u00xx`, else `\` and this.
const ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[0x0c] = b'f';
    t[b'\n' as usize] = b'n';
    t[b'\r' as usize] = b'r';
    t[b'\t' as usize] = b't';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// `s` as a JSON string, quotes included, in pieces given to `push`:
/// escaped exactly as serde_json writes it (`\"`, `\\`, `\n`-style
/// escapes, other control characters as `\u00xx`; everything else as is).
pub(super) fn json_escaped(s: &str, mut push: impl FnMut(&str)) {
    push("\"");
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let e = ESCAPE[usize::from(b)];
        if e == 0 {
            continue;
        }
        // Escapes are ASCII, so `i` is on a character boundary.
        push(&s[start..i]);
        match e {
            b'u' => push(&format!("\\u{b:04x}")),
            b'"' => push("\\\""),
            b'\\' => push("\\\\"),
            b'n' => push("\\n"),
            b'r' => push("\\r"),
            b't' => push("\\t"),
            b'b' => push("\\b"),
            _ => push("\\f"),
        }
        start = i + 1;
    }
    push(&s[start..]);
    push("\"");
}

/// Whether any byte of `s` needs a JSON escape (the bytes [`ESCAPE`]
/// marks: control characters, `"` and `\\`). Sixteen bytes at a time
/// without an early exit inside a block, which the compiler turns into a
/// few vector compares.
fn needs_escape(s: &[u8]) -> bool {
    let bad = |b: u8| (b < 0x20) | (b == b'"') | (b == b'\\');
    let mut blocks = s.chunks_exact(16);
    for block in &mut blocks {
        if block.iter().fold(false, |any, &b| any | bad(b)) {
            return true;
        }
    }
    // The tail padded to a block with a byte that needs nothing.
    let tail = blocks.remainder();
    let mut block = [b' '; 16];
    block[..tail.len()].copy_from_slice(tail);
    block.iter().fold(false, |any, &b| any | bad(b))
}

fn json_str(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        json_escaped(s, |p| out.extend_from_slice(p.as_bytes()));
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

fn json_value(out: &mut Vec<u8>, v: Option<&str>, whole: bool) {
    match v {
        None => out.extend_from_slice(b"null"),
        // Whole numbers stay numbers; everything else is a string.
        Some(n) if whole && n.parse::<i64>().is_ok() => out.extend_from_slice(n.as_bytes()),
        Some(s) => json_str(out, s),
    }
}

fn json_field(out: &mut Vec<u8>, c: &Column, v: Option<&str>) {
    out.push(b'"');
    out.extend_from_slice(c.en.as_bytes());
    out.extend_from_slice(b"\":");
    json_value(out, v, c.value == Value::Whole);
}

/// Each row column's `,"key":` and whether it is a whole-number field,
/// made once instead of per row and field.
static ROW_KEYS: std::sync::LazyLock<Vec<(Vec<u8>, bool)>> = std::sync::LazyLock::new(|| {
    COLUMNS[TABLE_COLUMNS..]
        .iter()
        .map(|c| {
            let prefix = format!(",\"{}\":", c.en).into_bytes();
            (prefix, c.value == Value::Whole)
        })
        .collect()
});

/// The last JSONL row written: its values, and where each value's JSON
/// sits in the output. A value equal to the one above it (a level name, the
/// table's 其他 and 说明, a unit) is copied from there, not escaped again.
#[derive(Default)]
struct RowBytes<'t> {
    values: Option<[Option<Cow<'t, str>>; ROW_COLUMNS]>,
    at: [std::ops::Range<usize>; ROW_COLUMNS],
}

impl<'t> RowBytes<'t> {
    fn render(
        &mut self,
        out: &mut Vec<u8>,
        head: &[u8],
        values: [Option<Cow<'t, str>>; ROW_COLUMNS],
    ) {
        out.extend_from_slice(head);
        for (c, ((prefix, whole), v)) in ROW_KEYS.iter().zip(&values).enumerate() {
            out.extend_from_slice(prefix);
            let start = out.len();
            let above = self.values.as_ref().map(|above| &above[c]);
            match above {
                Some(above) if above == v => out.extend_from_within(self.at[c].clone()),
                _ => json_value(out, v.as_deref(), *whole),
            }
            self.at[c] = start..out.len();
        }
        out.extend_from_slice(b"}\n");
        self.values = Some(values);
    }

    /// The row's bytes moved `by` further into the output.
    fn shift(&mut self, by: usize) {
        for r in &mut self.at {
            *r = r.start + by..r.end + by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// As the JSONL writer writes a string (the no-escape fast path
    /// included), and as the other writers do.
    fn ours(s: &str) -> String {
        let mut out = Vec::new();
        json_str(&mut out, s);
        let mut other = String::new();
        json_escaped(s, |p| other.push_str(p));
        assert_eq!(out, other.as_bytes());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_escapes_like_serde_json() {
        for s in [
            "",
            "a\"b\\c",
            "\u{0}\u{1f}\u{7f}\u{8}\u{c}\n\r\t",
            "指标值≥95%",
            "\u{2028}",
        ] {
            assert_eq!(ours(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn json_escape_is_serde_jsons(s in any::<String>()) {
            prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn json_escape_mixed_text_is_serde_jsons(s in "[a-z\"\\\\\u{0}-\u{1f}\u{7f}中≥%]{0,40}|[a-z中]{0,40}[\"\\\\\u{0}-\u{1f}][a-z中]{0,40}") {
            prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
        }

    }
    proptest! {
        /// Rows copied in part from the row above are the rows written
        /// field by field.
        #[test]
        fn rows_copied_from_above_are_rows_written_afresh(
            rows in proptest::collection::vec(
                proptest::collection::vec(proptest::option::of("[a\"中1]{0,2}"), ROW_COLUMNS),
                1..6,
            ),
        ) {
            let head = b"{\"source_file\":\"x\"".to_vec();
            let mut out = Vec::new();
            let mut last = RowBytes::default();
            let mut naive = Vec::new();
            for row in &rows {
                let values: [Option<Cow<str>>; ROW_COLUMNS] =
                    std::array::from_fn(|c| row[c].as_deref().map(Cow::Borrowed));
                last.render(&mut out, &head, values);
                naive.extend_from_slice(&head);
                for (c, v) in COLUMNS[TABLE_COLUMNS..].iter().zip(row) {
                    naive.push(b',');
                    json_field(&mut naive, c, v.as_deref());
                }
                naive.extend_from_slice(b"}\n");
            }
            prop_assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(naive).unwrap());
        }
    }
}
