//! Writers: the same records as JSON (the document), JSONL and CSV. The
//! flat columns for CSV, JSONL and xlsx are named in [`crate::schema`].
//!
//! Rendering a table ([`render`]) is stateless, so workers render in
//! parallel; an [`Output`] then writes the rendered pieces in input order,
//! adding what joins them (the JSON array's commas, the CSV header).

pub mod cell;
pub mod findings;
pub mod sqlite;
pub mod xlsx;
mod xlsx_flat;
mod xlsx_form;

use crate::model::{FileError, Indicator, Note, Table, TableKind, TargetKind};
use crate::schema::{Column, Value, COLUMNS, ROW_COLUMNS, TABLE_COLUMNS};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::io::{self, Write};

/// The columns as (Chinese, English) pairs, for xlsx.rs's reference flat
/// writer (tests only) until it reads [`crate::schema`] itself (once the
/// form writer's memory change landed).
#[cfg(test)]
const FIELDS: [(&str, &str); COLUMNS.len()] = {
    let mut pairs = [("", ""); COLUMNS.len()];
    let mut i = 0;
    while i < COLUMNS.len() {
        pairs[i] = (COLUMNS[i].zh, COLUMNS[i].en);
        i += 1;
    }
    pairs
};

/// Which header names the flat outputs use. Chinese headers also give
/// Chinese enum values (表类型 项目, 指标类型 定量); English keep SCHEMA's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    Zh,
    En,
}

/// How 其他 (extra) is written in a flat row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtraStyle {
    /// Compact JSON (`{"主管部门":"…"}`): JSONL, xlsx (read back exactly).
    Json,
    /// `键：值；键：值`, which a clerk can read and filter (CSV with Chinese headers).
    Text,
}

fn kind_name(k: TableKind, h: Headers) -> &'static str {
    match (h, k) {
        (Headers::En, _) => k.as_str(),
        (Headers::Zh, TableKind::Project) => "项目",
        (Headers::Zh, TableKind::SelfEvaluation) => "自评",
        (Headers::Zh, TableKind::Department) => "部门整体",
    }
}

fn target_kind_name(k: TargetKind, h: Headers) -> &'static str {
    match (h, k) {
        (Headers::En, _) => k.as_str(),
        (Headers::Zh, TargetKind::Quantitative) => "定量",
        (Headers::Zh, TargetKind::Qualitative) => "定性",
    }
}

/// A rule of the normaliser in the clerk's words.
fn rule_name(rule: &str, h: Headers) -> &str {
    if h == Headers::En {
        return rule;
    }
    match rule {
        "vocabulary: edit distance 1" => "错别字修正",
        "vocabulary: alias" => "同义名称统一",
        "vocabulary: decoration removed" => "去掉分值、空格等修饰",
        "vocabulary: 指标 added" => "补上“指标”二字",
        "unknown level label" => "未知的指标级别名称，按原文保留",
        "number: written form normalised" => "数字写法统一",
        "type column disagrees: kind kept as read" => "指标类型列与指标值不一致，按原文",
        "unplaced" => "未能归入任何字段",
        other => other,
    }
}

/// A note's field in the clerk's words: the flat column it belongs to.
fn field_name(path: &str, h: Headers) -> String {
    let key = path.replace('.', "_");
    let key = match key.as_str() {
        "target" => "target_raw",
        "actual" | "actual_value" => "actual_raw",
        k => k,
    };
    match crate::schema::column(key) {
        Some(c) => (if h == Headers::Zh { c.zh } else { c.en }).to_string(),
        None => path.to_string(),
    }
}

/// One note as readable text: `二级指标: 质量指表 → 质量指标 (错别字修正)`.
pub fn note_text(n: &Note, h: Headers) -> String {
    let field = field_name(split_note_field(&n.field).1, h);
    let mut s = format!("{field}: {}", n.raw);
    if let Some(to) = &n.normalized {
        s.push_str(" → ");
        s.push_str(to);
    }
    s.push_str(" (");
    s.push_str(rule_name(&n.rule, h));
    s.push(')');
    s
}

/// `indicators[3].level2` → (Some(3), "level2"); anything else is the table's.
pub fn split_note_field(field: &str) -> (Option<usize>, &str) {
    if let Some(rest) = field.strip_prefix("indicators[") {
        if let Some((n, tail)) = rest.split_once(']') {
            if let Ok(i) = n.parse::<usize>() {
                return (Some(i), tail.strip_prefix('.').unwrap_or(tail));
            }
        }
    }
    (None, field)
}

fn join_notes(parts: &[&str], h: Headers) -> Option<String> {
    (!parts.is_empty()).then(|| parts.join(if h == Headers::Zh { "；" } else { "; " }))
}

/// A table's flat rows: its own part is rendered once, each indicator's part
/// row by row ([`FlatTable::row`]), borrowing the table's text.
pub struct FlatTable<'a> {
    t: &'a Table,
    headers: Headers,
    extra_style: ExtraStyle,
    /// The first [`TABLE_COLUMNS`] values.
    pub head: [Option<String>; TABLE_COLUMNS],
    /// 其他 of a row whose indicator has no extras of its own: the table's,
    /// rendered once.
    table_extra: Option<String>,
    table_notes: Vec<String>,
    /// 说明 of a row whose indicator has no notes: the table's, joined once.
    table_notes_joined: Option<String>,
    /// Per indicator, its notes' texts.
    indicator_notes: Vec<Vec<String>>,
}

impl<'a> FlatTable<'a> {
    pub fn new(t: &'a Table, headers: Headers, extra_style: ExtraStyle) -> FlatTable<'a> {
        let s = |x: &Option<String>| x.clone();
        let d = |x: &Option<Decimal>| x.map(decimal_text);
        let head = [
            Some(t.source.file.clone()),
            Some(t.source.table.to_string()),
            t.seq.map(|n| n.to_string()),
            s(&t.title),
            Some(kind_name(t.kind, headers).to_string()),
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
        ];
        let mut table_notes = Vec::new();
        let mut indicator_notes = vec![Vec::new(); t.indicators.len()];
        for n in &t.notes {
            let text = note_text(n, headers);
            match split_note_field(&n.field).0 {
                Some(i) if i < indicator_notes.len() => indicator_notes[i].push(text),
                _ => table_notes.push(text),
            }
        }
        let parts: Vec<&str> = table_notes.iter().map(String::as_str).collect();
        let table_notes_joined = join_notes(&parts, headers);
        let table_extra = render_extra(extra_style, &t.extra.0, &[]);
        FlatTable {
            t,
            headers,
            extra_style,
            head,
            table_extra,
            table_notes,
            table_notes_joined,
            indicator_notes,
        }
    }

    /// How many rows: one per indicator, or one for a table without any,
    /// so no table is lost.
    pub fn rows(&self) -> usize {
        self.t.indicators.len().max(1)
    }

    /// The indicator part of row `i` ([`ROW_COLUMNS`] values).
    pub fn row(&self, i: usize) -> [Option<Cow<'_, str>>; ROW_COLUMNS] {
        let h = self.headers;
        let ind = self.t.indicators.get(i);
        let b = |x: &'a Option<String>| x.as_deref().map(Cow::Borrowed);
        let d = |x: Option<Decimal>| x.map(|d| Cow::Owned(decimal_text(d)));
        let target = ind.and_then(|i| i.target.as_ref());
        let own_notes = ind
            .and_then(|_| self.indicator_notes.get(i))
            .filter(|v| !v.is_empty());
        let notes = match own_notes {
            None => self.table_notes_joined.as_deref().map(Cow::Borrowed),
            Some(own) => {
                let mut parts: Vec<&str> = own.iter().map(String::as_str).collect();
                parts.extend(self.table_notes.iter().map(String::as_str));
                join_notes(&parts, h).map(Cow::Owned)
            }
        };
        [
            ind.and_then(|i| b(&i.level1)),
            ind.and_then(|i| b(&i.level2)),
            ind.and_then(|i| b(&i.level3)),
            ind.and_then(|i| b(&i.description)),
            target.map(|t| Cow::Borrowed(t.raw.as_str())),
            target.map(|t| Cow::Borrowed(target_kind_name(t.kind, h))),
            target.and_then(|t| t.op.map(|o| Cow::Borrowed(o.as_str()))),
            target.and_then(|t| d(t.value)),
            target.and_then(|t| d(t.upper)),
            target.and_then(|t| b(&t.unit)),
            ind.and_then(|i| d(i.weight)),
            ind.and_then(|i| i.actual.as_ref().map(|a| Cow::Borrowed(a.raw.as_str()))),
            ind.and_then(|i| d(i.score)),
            ind.and_then(|i| b(&i.remark)),
            self.extra(ind),
            ind.map(|i| Cow::Borrowed(i.locator.as_str())),
            notes,
        ]
    }

    /// The table's and the indicator's extras, merged (a repeated key keeps
    /// the indicator's value, as a JSON object would).
    pub fn extra(&self, ind: Option<&Indicator>) -> Option<Cow<'_, str>> {
        match ind.map(|i| i.extra.0.as_slice()).unwrap_or_default() {
            [] => self.table_extra.as_deref().map(Cow::Borrowed),
            own => render_extra(self.extra_style, &self.t.extra.0, own).map(Cow::Owned),
        }
    }
}

/// `table`'s extras then `own`'s, a repeated key keeping `own`'s value in
/// the first one's place (as serde_json's order-preserving map does).
fn render_extra(
    style: ExtraStyle,
    table: &[(String, String)],
    own: &[(String, String)],
) -> Option<String> {
    if own.is_empty() && table.is_empty() {
        return None;
    }
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(table.len() + own.len());
    for (k, v) in table.iter().chain(own) {
        match pairs.iter_mut().find(|(x, _)| *x == k.as_str()) {
            Some(p) => p.1 = v,
            None => pairs.push((k, v)),
        }
    }
    Some(match style {
        ExtraStyle::Json => {
            // Compact JSON, as `serde_json::Value::to_string` writes an object.
            let mut out = String::with_capacity(64);
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_escaped(k, |p| out.push_str(p));
                out.push(':');
                json_escaped(v, |p| out.push_str(p));
            }
            out.push('}');
            out
        }
        ExtraStyle::Text => pairs
            .iter()
            .map(|(k, v)| format!("{k}：{v}"))
            .collect::<Vec<_>>()
            .join("；"),
    })
}

/// Every flat row of a table, whole (SCHEMA's English enum values, 其他 as
/// JSON): for callers that colour or inspect cells rather than stream rows.
pub fn flat_rows(t: &Table) -> Vec<Vec<Option<String>>> {
    let f = FlatTable::new(t, Headers::En, ExtraStyle::Json);
    (0..f.rows())
        .map(|i| {
            let mut v = f.head.to_vec();
            v.extend(f.row(i).into_iter().map(|c| c.map(Cow::into_owned)));
            v
        })
        .collect()
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Jsonl,
    Csv,
    Xlsx,
}

impl Format {
    /// The file extension of an output in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
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
        self.format.extension()
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

/// A decimal exactly as its `Display` writes it (the sign, even of a
/// negative zero; the digits; the scale kept, `0.80`), without the
/// formatter's per-digit division of the 96-bit mantissa: a written number
/// is cut in two at most.
fn decimal_text(d: Decimal) -> String {
    let scale = d.scale() as usize;
    let digits = match u64::try_from(d.mantissa().unsigned_abs()) {
        Ok(m) => m.to_string(),
        Err(_) => return d.to_string(),
    };
    let digits = if digits == "0" { "" } else { digits.as_str() };
    let mut out = String::with_capacity(digits.len().max(scale) + 3);
    if d.is_sign_negative() {
        out.push('-');
    }
    if digits.len() > scale {
        let (whole, frac) = digits.split_at(digits.len() - scale);
        out.push_str(whole);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
    } else if scale == 0 {
        out.push('0');
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(digits);
    }
    out
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
fn json_escaped(s: &str, mut push: impl FnMut(&str)) {
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

/// A table's bytes in the chosen format, without what joins tables. The
/// table's own columns are rendered once and copied onto each row.
pub fn render(opts: &Options, t: &Table) -> io::Result<Vec<u8>> {
    let bytes = match opts.format {
        // A workbook is built by its `Output`; see `Output::table`.
        Format::Xlsx => Vec::new(),
        Format::Json => indented(t, "    ")?.into_bytes(),
        Format::Jsonl => {
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
        Format::Csv => {
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
            out
        }
    };
    Ok(encode(opts, bytes))
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
        match opts.format {
            Format::Json => out.write_all(b"{\n  \"schema\": \"jixiao/1\",\n  \"tables\": [")?,
            Format::Jsonl | Format::Xlsx => {}
            Format::Csv => {
                if opts.bom && opts.encoding == Encoding::Utf8 {
                    out.write_all(b"\xEF\xBB\xBF")?;
                }
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(COLUMNS.iter().map(|c| match opts.headers {
                    Headers::Zh => c.zh,
                    Headers::En => c.en,
                }))
                .map_err(io::Error::other)?;
                let header = w
                    .into_inner()
                    .map_err(|e| io::Error::other(e.to_string()))?;
                out.write_all(&encode(&opts, header))?;
            }
        }
        let book = match opts.format {
            Format::Xlsx => Some(xlsx::Book::new(opts.headers, opts.layout)?),
            _ => None,
        };
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
            self.out
                .write_all(if self.tables == 0 { b"\n" } else { b",\n" })?;
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

/// `1 file`, `2 files`: an English count with its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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

        #[test]
        fn extra_json_is_serde_jsons(
            table in proptest::collection::vec(("[a-c\"\\\\\u{1}中]{0,3}", any::<String>()), 0..4),
            own in proptest::collection::vec(("[a-c\"\\\\\u{1}中]{0,3}", any::<String>()), 0..4),
        ) {
            let mut m = serde_json::Map::new();
            for (k, v) in table.iter().chain(&own) {
                m.insert(k.clone(), serde_json::Value::String(v.clone()));
            }
            let want = (!m.is_empty()).then(|| serde_json::Value::Object(m).to_string());
            prop_assert_eq!(render_extra(ExtraStyle::Json, &table, &own), want);
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

    proptest! {
        #[test]
        fn decimals_are_written_as_display_writes_them(
            m in any::<i64>(), big in any::<i128>(), scale in 0u32..=28, neg in any::<bool>(), small in 0i64..1000,
        ) {
            for m in [i128::from(m), big % 79_228_162_514_264_337_593_543_950_335, i128::from(small), 0] {
                let mut d = Decimal::from_i128_with_scale(m, scale);
                if neg {
                    d.set_sign_negative(true);
                }
                prop_assert_eq!(decimal_text(d), d.to_string());
            }
        }
    }
}
