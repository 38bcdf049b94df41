//! The JSON document of SCHEMA.md, streamed table by table.

use super::Sink;
use crate::model::{FileError, Table};
use std::io::{self, Write};

pub struct JsonSink<W: Write> {
    out: W,
    first: bool,
}

impl<W: Write> JsonSink<W> {
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(b"{\n  \"schema\": \"jixiao/1\",\n  \"tables\": [")?;
        Ok(JsonSink { out, first: true })
    }
}

/// Pretty JSON indented by `by` spaces; strings never hold raw newlines, so
/// indenting line by line is safe.
fn indented<T: serde::Serialize>(v: &T, by: &str) -> io::Result<String> {
    let s = serde_json::to_string_pretty(v).map_err(io::Error::other)?;
    Ok(s.lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n"))
}

impl<W: Write> Sink for JsonSink<W> {
    fn table(&mut self, t: &Table) -> io::Result<()> {
        let sep = if self.first { "\n" } else { ",\n" };
        self.first = false;
        write!(self.out, "{sep}{}", indented(t, "    ")?)
    }

    fn finish(&mut self, errors: &[FileError]) -> io::Result<()> {
        let close = if self.first { "]" } else { "\n  ]" };
        if errors.is_empty() {
            write!(self.out, "{close},\n  \"errors\": []\n}}\n")?;
        } else {
            let e = indented(&errors, "  ")?;
            write!(self.out, "{close},\n  \"errors\": {}\n}}\n", e.trim_start())?;
        }
        self.out.flush()
    }
}
