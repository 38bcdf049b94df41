//! Writers: the same records as JSON (the document), JSONL and CSV. One
//! field table ([`FIELDS`]) names the flat columns for CSV, JSONL and xlsx.
//!
//! Rendering a table ([`render`]) is stateless, so workers render in
//! parallel; an [`Output`] then writes the rendered pieces in input order,
//! adding what joins them (the JSON array's commas, the CSV header).

pub mod sqlite;
pub mod xlsx;

use crate::model::{FileError, Indicator, Table, TargetValue};
use std::io::{self, Write};

/// The 32 flat columns: Chinese header, English key.
pub const FIELDS: [(&str, &str); 32] = [
    ("来源文件", "source_file"),
    ("表序号", "table"),
    ("序号", "seq"),
    ("表名", "title"),
    ("表类型", "kind"),
    ("单位编码", "unit_code"),
    ("单位名称", "unit_name"),
    ("金额单位", "money_unit"),
    ("项目名称", "project_name"),
    ("年度", "year"),
    ("资金级次", "fund_level"),
    ("预算数", "budget_total"),
    ("财政资金", "budget_fiscal"),
    ("其他资金", "budget_other"),
    ("资金用途", "fund_use"),
    ("绩效目标", "goals"),
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "level3"),
    ("绩效指标描述", "description"),
    ("指标值（原文）", "target_raw"),
    ("指标类型", "target_kind"),
    ("比较符", "target_op"),
    ("指标数值", "target_value"),
    ("上限", "target_upper"),
    ("计量单位", "target_unit"),
    ("分值", "weight"),
    ("实际完成值", "actual_raw"),
    ("得分", "score"),
    ("备注", "remark"),
    ("其他", "extra"),
    ("位置", "locator"),
];

/// Which header names the flat outputs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    Zh,
    En,
}

/// One flat row: the table's fields repeated, then the indicator's. A table
/// without indicators still gives one row, so no table is lost.
pub fn flat_row(t: &Table, ind: Option<&Indicator>) -> [Option<String>; 32] {
    let s = |x: &Option<String>| x.clone();
    let d = |x: &Option<rust_decimal::Decimal>| x.map(|d| d.to_string());
    let target = ind.and_then(|i| i.target.as_ref());
    let tv = |f: fn(&TargetValue) -> Option<String>| target.and_then(f);
    let mut extra = serde_json::Map::new();
    for (k, v) in t
        .extra
        .0
        .iter()
        .chain(ind.map(|i| i.extra.0.iter()).into_iter().flatten())
    {
        extra.insert(k.clone(), serde_json::Value::String(v.clone()));
    }
    [
        Some(t.source.file.clone()),
        Some(t.source.table.to_string()),
        t.seq.map(|n| n.to_string()),
        s(&t.title),
        Some(t.kind.as_str().to_string()),
        s(&t.unit_code),
        s(&t.unit_name),
        s(&t.money_unit),
        s(&t.project_name),
        t.year.map(|y| y.to_string()),
        s(&t.fund_level),
        d(&t.budget.total),
        d(&t.budget.fiscal),
        d(&t.budget.other),
        s(&t.fund_use),
        (!t.goals.is_empty()).then(|| t.goals.join("；")),
        ind.and_then(|i| i.level1.clone()),
        ind.and_then(|i| i.level2.clone()),
        ind.and_then(|i| i.level3.clone()),
        ind.and_then(|i| i.description.clone()),
        tv(|t| Some(t.raw.clone())),
        tv(|t| Some(t.kind.as_str().to_string())),
        tv(|t| t.op.map(|o| o.as_str().to_string())),
        tv(|t| t.value.map(|d| d.to_string())),
        tv(|t| t.upper.map(|d| d.to_string())),
        tv(|t| t.unit.clone()),
        ind.and_then(|i| d(&i.weight)),
        ind.and_then(|i| i.actual.as_ref().map(|a| a.raw.clone())),
        ind.and_then(|i| d(&i.score)),
        ind.and_then(|i| i.remark.clone()),
        (!extra.is_empty()).then(|| serde_json::Value::Object(extra).to_string()),
        ind.map(|i| i.locator.clone()),
    ]
}

/// Every flat row of a table.
pub fn flat_rows(t: &Table) -> Vec<[Option<String>; 32]> {
    if t.indicators.is_empty() {
        return vec![flat_row(t, None)];
    }
    t.indicators.iter().map(|i| flat_row(t, Some(i))).collect()
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Jsonl,
    Csv,
    Xlsx,
}

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
        match self.format {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

fn encode(opts: &Options, text: Vec<u8>) -> Vec<u8> {
    match (opts.format, opts.encoding) {
        (Format::Csv, Encoding::Gbk) => {
            let s = String::from_utf8_lossy(&text);
            // GB18030 is GBK for every character GBK has, and can write the rest.
            encoding_rs::GB18030.encode(&s).0.into_owned()
        }
        _ => text,
    }
}

/// Pretty JSON indented by `by`; strings never hold raw newlines, so
/// indenting line by line is safe.
fn indented<T: serde::Serialize>(v: &T, by: &str) -> io::Result<String> {
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

/// A table's bytes in the chosen format, without what joins tables.
pub fn render(opts: &Options, t: &Table) -> io::Result<Vec<u8>> {
    let bytes = match opts.format {
        // A workbook is built whole at the end; see `Output::table`.
        Format::Xlsx => Vec::new(),
        Format::Json => indented(t, "    ")?.into_bytes(),
        Format::Jsonl => {
            let mut out = Vec::with_capacity(2048);
            for row in flat_rows(t) {
                out.push(b'{');
                for (i, ((_, key), v)) in FIELDS.iter().zip(row).enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.push(b'"');
                    out.extend_from_slice(key.as_bytes());
                    out.extend_from_slice(b"\":");
                    match v {
                        None => out.extend_from_slice(b"null"),
                        // Whole numbers stay numbers; everything else is a string.
                        Some(n)
                            if matches!(*key, "table" | "seq" | "year")
                                && n.parse::<i64>().is_ok() =>
                        {
                            out.extend_from_slice(n.as_bytes())
                        }
                        Some(s) => serde_json::to_writer(&mut out, &s).map_err(io::Error::other)?,
                    }
                }
                out.extend_from_slice(b"}\n");
            }
            out
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for row in flat_rows(t) {
                w.write_record(row.iter().map(|v| v.as_deref().unwrap_or("")))
                    .map_err(io::Error::other)?;
            }
            w.into_inner()
                .map_err(|e| io::Error::other(e.to_string()))?
        }
    };
    Ok(encode(opts, bytes))
}

/// One output stream: its opening, the rendered tables in order, its end.
pub struct Output<W: Write> {
    out: W,
    opts: Options,
    tables: usize,
    /// The tables of an .xlsx output, written when it finishes.
    kept: Vec<Table>,
}

impl<W: Write> Output<W> {
    pub fn begin(mut out: W, opts: Options) -> io::Result<Output<W>> {
        match opts.format {
            Format::Json => out.write_all(b"{\n  \"schema\": \"jixiao/1\",\n  \"tables\": [")?,
            Format::Jsonl | Format::Xlsx => {}
            Format::Csv => {
                if opts.bom && opts.encoding == Encoding::Utf8 {
                    out.write_all(b"\xEF\xBB\xBF")?;
                }
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(FIELDS.iter().map(|(zh, en)| match opts.headers {
                    Headers::Zh => *zh,
                    Headers::En => *en,
                }))
                .map_err(io::Error::other)?;
                let header = w
                    .into_inner()
                    .map_err(|e| io::Error::other(e.to_string()))?;
                out.write_all(&encode(&opts, header))?;
            }
        }
        Ok(Output {
            out,
            opts,
            tables: 0,
            kept: Vec::new(),
        })
    }

    /// Writes one table rendered by [`render`] with the same options.
    pub fn push(&mut self, rendered: &[u8]) -> io::Result<()> {
        if self.opts.format == Format::Json {
            self.out
                .write_all(if self.tables == 0 { b"\n" } else { b",\n" })?;
        }
        self.tables += 1;
        self.out.write_all(rendered)
    }

    /// Takes a table for an .xlsx output (built when the output finishes)
    /// without copying it; other formats render and write it at once.
    pub fn keep(&mut self, t: Table) -> io::Result<()> {
        if self.opts.format == Format::Xlsx {
            self.kept.push(t);
            return Ok(());
        }
        self.table(&t)
    }

    /// Renders and writes one table.
    pub fn table(&mut self, t: &Table) -> io::Result<()> {
        if self.opts.format == Format::Xlsx {
            self.kept.push(t.clone());
            return Ok(());
        }
        let r = render(&self.opts, t)?;
        self.push(&r)
    }

    /// Closes the stream; JSON lists the files that failed.
    pub fn finish(mut self, errors: &[FileError]) -> io::Result<W> {
        if self.opts.format == Format::Xlsx {
            let bytes = xlsx::workbook(&self.kept, self.opts.headers, self.opts.layout)?;
            self.out.write_all(&bytes)?;
        }
        if self.opts.format == Format::Json {
            let close = if self.tables == 0 { "]" } else { "\n  ]" };
            if errors.is_empty() {
                write!(self.out, "{close},\n  \"errors\": []\n}}\n")?;
            } else {
                let e = indented(&errors, "  ")?;
                write!(self.out, "{close},\n  \"errors\": {}\n}}\n", e.trim_start())?;
            }
        }
        self.out.flush()?;
        Ok(self.out)
    }
}
