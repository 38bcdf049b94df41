//! Writers: the same records as JSON (the document), JSONL, CSV, xlsx (flat
//! or as the printed form) and SQLite. Which formats there are, and how
//! each is written, is said once in the registry ([`format`]); the flat
//! columns of CSV, JSONL and xlsx are [`crate::schema`]'s, as rows of
//! [`flat`].
//!
//! Rendering a table ([`render`]) is stateless, so workers render in
//! parallel; an [`Output`] then writes the rendered pieces in input order,
//! adding what joins them (the JSON array's commas, the CSV header).

pub mod cell;
mod csv;
pub mod findings;
pub mod flat;
pub mod format;
mod json;
pub mod sqlite;
pub mod xlsx;
mod xlsx_flat;
mod xlsx_form;

use flat::rule_name;
pub use flat::{flat_rows, note_text, split_note_field, ExtraStyle, FlatTable, Headers};
pub use format::{Format, Writing};

use crate::model::{FileError, Table};
use std::io::{self, Write};

/// The columns as (Chinese, English) pairs, for xlsx.rs's reference flat
/// writer (tests only) until it reads [`crate::schema`] itself (once the
/// form writer's memory change landed).
#[cfg(test)]
const FIELDS: [(&str, &str); crate::schema::COLUMNS.len()] = {
    use crate::schema::COLUMNS;
    let mut pairs = [("", ""); COLUMNS.len()];
    let mut i = 0;
    while i < COLUMNS.len() {
        pairs[i] = (COLUMNS[i].zh, COLUMNS[i].en);
        i += 1;
    }
    pairs
};

/// CSV text encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gbk,
}

/// Everything that decides the output bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub format: Format,
    pub headers: Headers,
    pub bom: bool,
    pub encoding: Encoding,
    pub layout: xlsx::Layout,
}

impl Options {
    pub fn json() -> Options {
        Options {
            format: Format::Json,
            headers: Headers::Zh,
            bom: true,
            encoding: Encoding::Utf8,
            layout: xlsx::Layout::Flat,
        }
    }

    /// The file extension for outputs written one per input.
    pub fn extension(&self) -> &'static str {
        self.format.extension()
    }
}

/// The error for a format that is not written table by table (a report's
/// text, a database): a caller's mistake, never a panic.
fn not_records(format: Format) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{} is not a stream of records", format.name()),
    )
}

/// A table's bytes in the chosen format, without what joins tables.
pub fn render(opts: &Options, t: &Table) -> io::Result<Vec<u8>> {
    match opts.format {
        Format::Json => json::table(t),
        Format::Jsonl => Ok(json::rows(t)),
        Format::Csv => Ok(csv::rows(opts, t)),
        // A workbook is built by its `Output`; see `Output::table`.
        Format::Xlsx => Ok(Vec::new()),
        Format::Text | Format::Sqlite => Err(not_records(opts.format)),
    }
}

/// One output stream: its opening, the rendered tables in order, its end.
pub struct Output<W: Write> {
    out: W,
    opts: Options,
    tables: usize,
    /// An .xlsx output's workbook, written out when it finishes.
    book: Option<xlsx::Book>,
}

impl<W: Write + Send> Output<W> {
    pub fn begin(mut out: W, opts: Options) -> io::Result<Output<W>> {
        let mut book = None;
        match opts.format {
            Format::Json => out.write_all(json::OPEN)?,
            Format::Jsonl => {}
            Format::Csv => csv::begin(&mut out, &opts)?,
            Format::Xlsx => book = Some(xlsx::Book::new(opts.headers, opts.layout)?),
            Format::Text | Format::Sqlite => return Err(not_records(opts.format)),
        }
        Ok(Output {
            out,
            opts,
            tables: 0,
            book,
        })
    }

    /// Writes one table rendered by [`render`] with the same options.
    pub fn push(&mut self, rendered: &[u8]) -> io::Result<()> {
        if self.opts.format == Format::Json {
            self.out.write_all(json::separator(self.tables == 0))?;
        }
        self.tables += 1;
        self.out.write_all(rendered)
    }

    /// Takes a table for an .xlsx output (its rows written to the workbook
    /// now); other formats render and write it at once.
    pub fn keep(&mut self, t: Table) -> io::Result<()> {
        self.table(&t)
    }

    /// Renders and writes one table.
    pub fn table(&mut self, t: &Table) -> io::Result<()> {
        if let Some(book) = self.book.as_mut() {
            self.tables += 1;
            return book.table(t);
        }
        let r = render(&self.opts, t)?;
        self.push(&r)
    }

    /// Closes the stream; JSON lists the files that failed.
    pub fn finish(mut self, errors: &[FileError]) -> io::Result<W> {
        if let Some(book) = self.book.take() {
            book.finish(&mut self.out)?;
        }
        if self.opts.format == Format::Json {
            json::close(&mut self.out, self.tables, errors)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// `1 file`, `2 files`: an English count with its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
