//! What `jixiao check` writes: a text report grouped by file and table
//! (default), JSON, JSONL and CSV of the findings, or an .xlsx with the
//! flat indicator sheet (each finding's cell highlighted) and a 问题 sheet
//! linking to the rows. Also the findings `convert --check` adds to JSON
//! and JSONL records.

use super::cell::fit_cell;
use super::count;
use super::json::indented;
use super::{flat_rows, Format as OutFormat, Options};
use crate::check::{Finding, Severity};
use crate::model::{FileError, Table};
use crate::schema::{self, COLUMNS};
use rust_xlsxwriter::{Color, Format, FormatBorder, Url, Workbook, XlsxError};
use std::io::{self, Write};

/// One file's results.
pub struct Checked {
    pub file: String,
    /// The tables, kept only for an .xlsx report.
    pub tables: Vec<Table>,
    /// (table number, locator, title) of every table read, for the text report.
    pub heads: Vec<(u32, String, Option<String>)>,
    pub findings: Vec<Finding>,
    pub error: Option<FileError>,
}

/// Totals for the closing line and the exit code.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub files: usize,
    pub tables: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub unreadable: usize,
}

impl Counts {
    fn add(&mut self, c: &Checked) {
        self.files += 1;
        self.tables += c.heads.len();
        self.unreadable += usize::from(c.error.is_some());
        for f in &c.findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    pub fn line(&self) -> String {
        format!(
            "检查 {} 个文件、{} 张表：{} 个错误，{} 个警告，{} 个提示，{} 个文件无法读取 \
             (checked {}, {}: {}, {}, {} info, {} unreadable)",
            self.files,
            self.tables,
            self.errors,
            self.warnings,
            self.infos,
            self.unreadable,
            count(self.files, "file", "files"),
            count(self.tables, "table", "tables"),
            count(self.errors, "error", "errors"),
            count(self.warnings, "warning", "warnings"),
            self.infos,
            count(self.unreadable, "file", "files"),
        )
    }
}

const CSV_HEADER: [&str; 9] = [
    "rule",
    "severity",
    "file",
    "table",
    "locator",
    "field",
    "message_zh",
    "message_en",
    "values",
];

/// Streams a report: [`Report::file`] per input in order, then
/// [`Report::finish`].
pub struct Report<W: Write> {
    out: W,
    format: OutFormat,
    counts: Counts,
    first: bool,
    errors: Vec<FileError>,
    kept: Vec<Checked>,
}

impl<W: Write> Report<W> {
    pub fn begin(mut out: W, format: OutFormat) -> io::Result<Report<W>> {
        match format {
            OutFormat::Json => {
                out.write_all(b"{\n  \"schema\": \"jixiao-check/1\",\n  \"findings\": [")?
            }
            OutFormat::Csv => {
                out.write_all(b"\xEF\xBB\xBF")?;
                let mut w = csv::Writer::from_writer(&mut out);
                w.write_record(CSV_HEADER).map_err(io::Error::other)?;
                w.flush()?;
            }
            OutFormat::Text | OutFormat::Jsonl | OutFormat::Xlsx => {}
            OutFormat::Sqlite => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "check writes no database",
                ))
            }
        }
        Ok(Report {
            out,
            format,
            counts: Counts::default(),
            first: true,
            errors: Vec::new(),
            kept: Vec::new(),
        })
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    pub fn file(&mut self, c: Checked) -> io::Result<()> {
        self.counts.add(&c);
        if let Some(e) = &c.error {
            self.errors.push(e.clone());
        }
        match self.format {
            OutFormat::Text => self.out.write_all(text(&c).as_bytes())?,
            OutFormat::Json => {
                for f in &c.findings {
                    self.out
                        .write_all(if self.first { b"\n    " } else { b",\n    " })?;
                    self.first = false;
                    serde_json::to_writer(&mut self.out, f).map_err(io::Error::other)?;
                }
            }
            OutFormat::Jsonl => {
                for f in &c.findings {
                    serde_json::to_writer(&mut self.out, f).map_err(io::Error::other)?;
                    self.out.write_all(b"\n")?;
                }
            }
            OutFormat::Csv => {
                let mut w = csv::Writer::from_writer(&mut self.out);
                for f in &c.findings {
                    w.write_record([
                        f.rule,
                        f.severity.as_str(),
                        &f.file,
                        &f.table.to_string(),
                        &f.locator,
                        &f.field,
                        &f.message_zh,
                        &f.message_en,
                        &f.values.join(" | "),
                    ])
                    .map_err(io::Error::other)?;
                }
                w.flush()?;
            }
            OutFormat::Xlsx => self.kept.push(c),
            // Refused by `begin`.
            OutFormat::Sqlite => {}
        }
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<Counts> {
        match self.format {
            OutFormat::Text => {
                for e in &self.errors {
                    writeln!(
                        self.out,
                        "无法读取 (unreadable): {} — {}",
                        e.file, e.message
                    )?;
                }
                writeln!(self.out, "{}", self.counts.line())?;
            }
            OutFormat::Json => {
                let close = if self.first { "]" } else { "\n  ]" };
                let errors = serde_json::to_string(&self.errors).map_err(io::Error::other)?;
                let c = self.counts;
                write!(
                    self.out,
                    "{close},\n  \"errors\": {errors},\n  \"summary\": {{\"files\": {}, \"tables\": {}, \"error\": {}, \"warning\": {}, \"info\": {}, \"unreadable\": {}}}\n}}\n",
                    c.files, c.tables, c.errors, c.warnings, c.infos, c.unreadable
                )?;
            }
            OutFormat::Jsonl | OutFormat::Csv | OutFormat::Sqlite => {}
            OutFormat::Xlsx => {
                let bytes = workbook(&self.kept).map_err(|e| io::Error::other(e.to_string()))?;
                self.out.write_all(&bytes)?;
            }
        }
        self.out.flush()?;
        Ok(self.counts)
    }
}

/// One file's block of the text report; empty when nothing was found.
fn text(c: &Checked) -> String {
    let mut s = String::new();
    if c.findings.is_empty() {
        return s;
    }
    s.push_str(&format!("{}\n", c.file));
    for (table, locator, title) in &c.heads {
        let mine: Vec<&Finding> = c.findings.iter().filter(|f| f.table == *table).collect();
        if mine.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "  表 {table} [{locator}] {}\n",
            title.as_deref().unwrap_or("")
        ));
        for f in &mine {
            s.push_str(&format!(
                "    {} {:<7} {:<24} {:<10} {}\n",
                f.severity.zh(),
                f.severity.as_str(),
                f.rule,
                f.locator,
                f.message()
            ));
        }
        let count = |sev| mine.iter().filter(|f| f.severity == sev).count();
        s.push_str(&format!(
            "    — {} 错误 / {} 警告 / {} 提示 (errors / warnings / info)\n",
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info)
        ));
    }
    s.push('\n');
    s
}

/// The flat column (index into [`COLUMNS`]) a finding's field is shown in.
fn column_of(field: &str) -> Option<usize> {
    let leaf = field
        .rsplit('.')
        .next()
        .filter(|_| field.starts_with("indicators["))
        .unwrap_or(field);
    let key = match leaf {
        "target" => "target_raw",
        "actual" => "actual_raw",
        "budget.total" => "budget_total",
        "budget.fiscal" => "budget_fiscal",
        "budget.other" => "budget_other",
        f if f.starts_with("extra") || f == "notes" => "extra",
        f if f.starts_with("indicators[") => "level3",
        f => f,
    };
    schema::position(key)
}

/// The 问题 sheet's title row and the indicator sheet, linked.
fn workbook(files: &[Checked]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let colour = |s: Severity| match s {
        Severity::Error => Color::RGB(0xF4C7C3),
        Severity::Warning => Color::RGB(0xFCE8B2),
        Severity::Info => Color::RGB(0xD9E7FD),
    };
    // Where each finding sits on the indicator sheet: (row, column).
    let mut places: Vec<(u32, u16)> = Vec::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("指标")?;
        for (c, col) in COLUMNS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, col.zh, &bold)?;
            ws.set_column_width(c as u16, 14)?;
        }
        let mut row = 1u32;
        for f in files {
            for t in &f.tables {
                let start = row;
                let rows = flat_rows(t);
                // The worst finding of each cell decides its colour.
                let mut marks: Vec<(u32, u16, Severity)> = Vec::new();
                for finding in f.findings.iter().filter(|x| x.table == t.source.table) {
                    let r = start + finding.indicator.map_or(0, |i| i as u32);
                    let c = column_of(&finding.field).unwrap_or(COLUMNS.len() - 1) as u16;
                    places.push((r, c));
                    match marks.iter_mut().find(|m| m.0 == r && m.1 == c) {
                        Some(m) => m.2 = m.2.min(finding.severity),
                        None => marks.push((r, c, finding.severity)),
                    }
                }
                for values in rows {
                    for (c, v) in values.iter().enumerate() {
                        let c16 = c as u16;
                        let mark = marks.iter().find(|m| m.0 == row && m.1 == c16);
                        let text: &str = &fit_cell(v.as_deref().unwrap_or(""));
                        match mark {
                            Some(m) => {
                                let fmt = Format::new().set_background_color(colour(m.2));
                                ws.write_string_with_format(row, c16, text, &fmt)?;
                            }
                            None if v.is_some() => {
                                ws.write_string(row, c16, text)?;
                            }
                            None => {}
                        }
                    }
                    row += 1;
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, row.saturating_sub(1).max(1), COLUMNS.len() as u16 - 1)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("问题")?;
    let head = [
        "级别",
        "规则",
        "来源文件",
        "表序号",
        "位置",
        "字段",
        "问题",
        "Problem",
        "涉及的值",
        "跳转",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (c, w) in [8, 24, 28, 8, 12, 20, 48, 48, 20, 12].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut row = 1u32;
    let mut place = places.iter();
    for f in files {
        for t in &f.tables {
            for x in f.findings.iter().filter(|x| x.table == t.source.table) {
                ws.write_string_with_format(
                    row,
                    0,
                    x.severity.zh(),
                    &Format::new().set_background_color(colour(x.severity)),
                )?;
                ws.write_string(row, 1, x.rule)?;
                ws.write_string(row, 2, fit_cell(&x.file))?;
                ws.write_number(row, 3, f64::from(x.table))?;
                ws.write_string(row, 4, fit_cell(&x.locator))?;
                ws.write_string(row, 5, fit_cell(&x.field))?;
                ws.write_string(row, 6, fit_cell(&x.message_zh))?;
                ws.write_string(row, 7, fit_cell(&x.message_en))?;
                ws.write_string(row, 8, fit_cell(&x.values.join(" | ")))?;
                if let Some((r, c)) = place.next() {
                    let cell = rust_xlsxwriter::utility::row_col_to_cell(*r, *c);
                    ws.write_url_with_text(
                        row,
                        9,
                        Url::new(format!("internal:'指标'!{cell}")),
                        format!("指标!{cell}"),
                    )?;
                }
                row += 1;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), head.len() as u16 - 1)?;
    wb.save_to_buffer()
}

/// A table as `convert --check` writes it: JSON gains a `findings` array;
/// each JSONL row gains the findings of its indicator (table-wide ones on
/// the table's first row). Other formats are unchanged.
pub fn render(opts: &Options, t: &Table, findings: &[&Finding]) -> io::Result<Vec<u8>> {
    match opts.format {
        OutFormat::Json => {
            let mut v = serde_json::to_value(t).map_err(io::Error::other)?;
            if let Some(m) = v.as_object_mut() {
                m.insert(
                    "findings".into(),
                    serde_json::to_value(findings).map_err(io::Error::other)?,
                );
            }
            Ok(indented(&v, "    ")?.into_bytes())
        }
        OutFormat::Jsonl => {
            let plain = super::render(opts, t)?;
            let mut out = Vec::with_capacity(plain.len() + 256);
            for (row, line) in plain.split(|b| *b == b'\n').enumerate() {
                if line.is_empty() {
                    continue;
                }
                let mine: Vec<&&Finding> = findings
                    .iter()
                    .filter(|f| match f.indicator {
                        Some(i) => i == row,
                        None => row == 0,
                    })
                    .collect();
                let body = line.strip_suffix(b"}").unwrap_or(line);
                out.extend_from_slice(body);
                out.extend_from_slice(b",\"findings\":");
                serde_json::to_writer(&mut out, &mine).map_err(io::Error::other)?;
                out.extend_from_slice(b"}\n");
            }
            Ok(out)
        }
        _ => super::render(opts, t),
    }
}
