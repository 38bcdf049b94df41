//! .xlsx output with rust_xlsxwriter, in two layouts:
//!
//! - **flat** (default): sheet 指标, one row per indicator with the 33 CSV
//!   columns (header frozen, autofilter, readable widths; exact decimals as
//!   numbers when a double holds them exactly, shown with their own scale),
//!   sheet 项目, one row per table, and sheet 说明, one row per note. Rows go
//!   to temporary files as the tables arrive, so memory does not grow with
//!   the number of files. jixiao writes this workbook itself
//!   (`xlsx_flat.rs`), part for part what rust_xlsxwriter's constant-memory
//!   worksheets write (the [`reference_flat`] below, kept for the tests that
//!   compare the two), at a sixth of the cost per cell;
//! - **form** (`--layout form`): each table regenerated as its 绩效目标表 on
//!   its own sheet, with merged cells, set up to print — what a clerk prints.
//!   jixiao writes this workbook itself too (`xlsx_form.rs`): each table's
//!   sheet is laid out in memory, written to a temporary file and dropped,
//!   so memory does not grow with the number of files either.

use super::cell::{exact_double, fit_cell};
#[cfg(test)]
use super::cell::{value_of, width_of, PROJECT_COLUMNS};
use super::xlsx_flat::FlatBook;
use super::xlsx_form::{FormBook, Sheet, CELL, LABEL, TITLE};
use super::Headers;
#[cfg(test)]
use super::{note_text, rule_name, ExtraStyle, FlatTable, FIELDS};
use crate::model::Table;
#[cfg(test)]
use crate::schema::{Value, TABLE_COLUMNS};
use rust_decimal::prelude::*;
#[cfg(test)]
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::collections::HashSet;
use std::io;

/// Which workbook to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Flat,
    Form,
}

#[cfg(test)]
/// One number format per scale (`0`, `0.0`, `0.00` …), made once: a Format
/// per cell costs a hash and a lookup in the workbook's table every time.
struct NumberFormats(Vec<Format>);

#[cfg(test)]
impl NumberFormats {
    fn new() -> NumberFormats {
        NumberFormats(
            (0..=28)
                .map(|scale| {
                    let code = if scale == 0 {
                        "0".to_string()
                    } else {
                        format!("0.{}", "0".repeat(scale))
                    };
                    Format::new().set_num_format(code)
                })
                .collect(),
        )
    }
}

/// The three streamed sheets of the flat layout, their next rows and their
/// column widths.
#[cfg(test)]
struct FlatSheets {
    indicators: Worksheet,
    projects: Worksheet,
    notes: Worksheet,
    next: [u32; 3],
    /// Set when the workbook is finished, not before the rows: while a sheet
    /// has changed columns, rust_xlsxwriter looks every unformatted cell's
    /// column up twice in a SipHash map (84 M of 4.62 G instructions on 600
    /// Word files); widths matter only when the sheet is assembled.
    widths: [Vec<f64>; 3],
}

/// A workbook being written: tables go in one by one ([`Book::table`]),
/// the bytes come out at the end ([`Book::finish`]).
pub struct Book {
    flat: Option<FlatBook>,
    form: Option<FormBook>,
    used: SheetNames,
}

#[cfg(test)]
fn name(headers: Headers, zh: &'static str, en: &'static str) -> &'static str {
    if headers == Headers::Zh {
        zh
    } else {
        en
    }
}

impl Book {
    pub fn new(headers: Headers, layout: Layout) -> io::Result<Book> {
        let (flat, form) = match layout {
            Layout::Form => (None, Some(FormBook::new()?)),
            Layout::Flat => (Some(FlatBook::new(headers)?), None),
        };
        Ok(Book {
            flat,
            form,
            used: SheetNames::default(),
        })
    }

    /// Adds one table: its rows on the flat sheets, or its form sheet.
    pub fn table(&mut self, t: &Table) -> io::Result<()> {
        match (&mut self.flat, &mut self.form) {
            (Some(book), _) => book.table(t),
            (None, Some(book)) => form(book, t, &mut self.used),
            (None, None) => Ok(()),
        }
    }

    /// Writes the workbook out. It goes to `out` as it is zipped: no copy of
    /// the whole workbook is held in memory. The first write error is the
    /// one returned; writes after it are dropped, so the zip writer's own
    /// retry when it is dropped neither fails again nor prints its debug
    /// line (`ZipWriter::drop: failed to finalize archive: Io(Os { code:
    /// 28 …`) on a full disk.
    pub fn finish<W: io::Write + Send>(self, out: W) -> io::Result<()> {
        let mut latch = Latch { out, failed: None };
        let r = self.finish_into(&mut latch);
        match latch.failed.take() {
            Some(e) => Err(e),
            None => r,
        }
    }

    fn finish_into<W: io::Write + Send>(self, out: W) -> io::Result<()> {
        match (self.flat, self.form) {
            (Some(book), _) => book.finish(out),
            (None, Some(book)) => book.finish(out),
            (None, None) => Ok(()),
        }
    }
}

/// A writer that keeps its first error and then takes every write without
/// passing it on (see [`Book::finish`]).
struct Latch<W> {
    out: W,
    failed: Option<io::Error>,
}

impl<W: io::Write> io::Write for Latch<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failed.is_some() {
            return Ok(buf.len());
        }
        self.out.write(buf).inspect_err(|e| {
            self.failed = Some(io::Error::new(e.kind(), e.to_string()));
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        self.out.flush().inspect_err(|e| {
            self.failed = Some(io::Error::new(e.kind(), e.to_string()));
        })
    }
}

/// The flat workbook as rust_xlsxwriter's constant-memory worksheets write
/// it: what [`FlatBook`] must give byte for byte.
#[cfg(test)]
pub(super) fn reference_flat(tables: &[Table], headers: Headers) -> Vec<u8> {
    let mut wb = Workbook::new();
    let mut s = flat_sheets(&mut wb, headers).unwrap();
    let numbers = NumberFormats::new();
    for t in tables {
        flat_table(&mut s, t, headers, &numbers).unwrap();
    }
    for (ws, widths) in [&mut s.indicators, &mut s.projects, &mut s.notes]
        .into_iter()
        .zip(&s.widths)
    {
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w).unwrap();
        }
    }
    // Printed: A4 landscape, one page wide, the header row on every page.
    for ws in [&mut s.indicators, &mut s.projects, &mut s.notes] {
        ws.set_paper_size(9);
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0).unwrap();
    }
    let last = |n: u32| n.saturating_sub(1).max(1);
    s.indicators
        .autofilter(0, 0, last(s.next[0]), FIELDS.len() as u16 - 1)
        .unwrap();
    s.projects
        .autofilter(0, 0, last(s.next[1]), PROJECT_COLUMNS as u16 + 1)
        .unwrap();
    s.notes.autofilter(0, 0, last(s.next[2]), 6).unwrap();
    wb.push_worksheet(s.indicators);
    wb.push_worksheet(s.projects);
    wb.push_worksheet(s.notes);
    wb.set_zip_compression_level(1);
    wb.save_to_buffer().unwrap()
}

/// The workbook's bytes for these tables.
pub fn workbook(tables: &[Table], headers: Headers, layout: Layout) -> io::Result<Vec<u8>> {
    let mut book = Book::new(headers, layout)?;
    for t in tables {
        book.table(t)?;
    }
    let mut bytes = Vec::new();
    book.finish(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
fn bold() -> Format {
    Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin)
}

#[cfg(test)]
/// Writes the header row; returns the columns' widths, set at the end.
fn header_row(ws: &mut Worksheet, names: &[&str]) -> Result<Vec<f64>, XlsxError> {
    let bold = bold();
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *name, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(names.iter().map(|n| width_of(n)).collect())
}

#[cfg(test)]
fn flat_sheets(wb: &mut Workbook, headers: Headers) -> Result<FlatSheets, XlsxError> {
    let h = |(zh, en): (&'static str, &'static str)| name(headers, zh, en);
    let mut indicators = wb.new_worksheet_with_constant_memory()?;
    indicators.set_name("指标")?;
    let names: Vec<&str> = FIELDS.iter().map(|f| h(*f)).collect();
    let mut indicator_widths = header_row(&mut indicators, &names)?;
    super::xlsx_flat::print_widths(&mut indicator_widths);

    let mut projects = wb.new_worksheet_with_constant_memory()?;
    projects.set_name("项目")?;
    let names = super::xlsx_flat::project_columns(headers);
    let mut project_widths = header_row(&mut projects, &names)?;
    super::xlsx_flat::print_widths(&mut project_widths[..TABLE_COLUMNS]);

    let mut notes = wb.new_worksheet_with_constant_memory()?;
    notes.set_name("说明")?;
    let names = super::xlsx_flat::note_columns(headers);
    let mut note_widths = header_row(&mut notes, &names)?;
    note_widths[2..=5].fill(24.0);
    Ok(FlatSheets {
        indicators,
        projects,
        notes,
        next: [1, 1, 1],
        widths: [indicator_widths, project_widths, note_widths],
    })
}

#[cfg(test)]
/// Writes the flat column `c`'s value, typed as the column is.
fn write_flat(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    c: usize,
    v: &str,
    numbers: &NumberFormats,
) -> Result<(), XlsxError> {
    if value_of(c) == Value::Decimal {
        if let Some((f, fmt)) =
            exact_double(v).and_then(|(f, scale)| Some((f, numbers.0.get(scale)?)))
        {
            ws.write_number_with_format(row, col, f, fmt)?;
            return Ok(());
        }
    } else if value_of(c) == Value::Whole {
        if let Ok(n) = v.parse::<i64>() {
            if n.unsigned_abs() < (1 << 53) {
                ws.write_number(row, col, n as f64)?;
                return Ok(());
            }
        }
    }
    write_wrapped(ws, row, col, v)
}

#[cfg(test)]
/// A text cell of the flat sheets: wrapped, at the top of its row.
fn write_wrapped(ws: &mut Worksheet, row: u32, col: u16, v: &str) -> Result<(), XlsxError> {
    if !v.is_empty() {
        let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        ws.write_string_with_format(row, col, fit_cell(v), &wrap)?;
    }
    Ok(())
}

#[cfg(test)]
fn flat_table(
    s: &mut FlatSheets,
    t: &Table,
    headers: Headers,
    numbers: &NumberFormats,
) -> Result<(), XlsxError> {
    // 其他 stays JSON in a workbook, so jixiao reads it back exactly.
    let flat = FlatTable::new(t, headers, ExtraStyle::Json);
    for i in 0..flat.rows() {
        let r = s.next[0];
        for (c, v) in flat.head.iter().enumerate() {
            if let Some(v) = v {
                write_flat(&mut s.indicators, r, c as u16, c, v, numbers)?;
            }
        }
        for (j, v) in flat.row(i).iter().enumerate() {
            let c = TABLE_COLUMNS + j;
            if let Some(v) = v {
                write_flat(&mut s.indicators, r, c as u16, c, v, numbers)?;
            }
        }
        s.next[0] += 1;
    }

    // 项目: one row per table.
    let r = s.next[1];
    for (c, v) in flat.head.iter().enumerate() {
        if let Some(v) = v {
            write_flat(&mut s.projects, r, c as u16, c, v, numbers)?;
        }
    }
    if let Some(extra) = flat.extra(None) {
        write_wrapped(&mut s.projects, r, TABLE_COLUMNS as u16, &extra)?;
    }
    write_wrapped(
        &mut s.projects,
        r,
        TABLE_COLUMNS as u16 + 1,
        &t.source.locator,
    )?;
    let n = PROJECT_COLUMNS as u16;
    s.projects.write_number(r, n, t.indicators.len() as f64)?;
    s.projects.write_number(r, n + 1, t.notes.len() as f64)?;
    s.next[1] += 1;

    // 说明: one row per note, unplaced cells included.
    for note in &t.notes {
        let r = s.next[2];
        let ws = &mut s.notes;
        write_wrapped(ws, r, 0, &t.source.file)?;
        ws.write_number(r, 1, f64::from(t.source.table))?;
        write_wrapped(ws, r, 2, &note.field)?;
        write_wrapped(ws, r, 3, &note.raw)?;
        if let Some(n) = &note.normalized {
            write_wrapped(ws, r, 4, n)?;
        }
        write_wrapped(ws, r, 5, rule_name(&note.rule, headers))?;
        write_wrapped(ws, r, 6, &note_text(note, headers))?;
        s.next[2] += 1;
    }
    Ok(())
}

/// The form sheets' names so far (lower case, as Excel compares them), and
/// per base name the next suffix to try: many tables of one name take
/// (2), (3), … without probing each from (2) again (that was quadratic in
/// an archive of same-named projects).
#[derive(Default)]
struct SheetNames {
    used: HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

/// A sheet name Excel accepts (≤ 31 characters, none of `[]:*?/\`), unique.
fn sheet_name(t: &Table, names: &mut SheetNames) -> String {
    let base: String = t
        .project_name
        .as_deref()
        .or(t.title.as_deref())
        .unwrap_or("绩效目标表")
        .chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(24)
        .collect();
    let base = format!(
        "{}-{}",
        t.source.table,
        if base.is_empty() { "表" } else { &base }
    );
    let mut name: String = base.chars().take(31).collect();
    let key = base.to_lowercase();
    let mut n = names.next.get(&key).copied().unwrap_or(2);
    while !names.used.insert(name.to_lowercase()) {
        let suffix = format!("({n})");
        name = base
            .chars()
            .take(31 - suffix.chars().count())
            .collect::<String>()
            + &suffix;
        n += 1;
    }
    names.next.insert(key, n);
    name
}

/// One table as its printed form.
fn form(book: &mut FormBook, t: &Table, used: &mut SheetNames) -> io::Result<()> {
    // The styles (xlsx_form.rs): bordered wrapped text, vertically centred;
    // a bold centred label; the title in a larger bold font, unbordered.
    let (cell, label, title_fmt) = (CELL, LABEL, TITLE);

    // The grid's columns: the five of the sample, then what this table has.
    let mut grid: Vec<GridColumn> = vec![
        ("一级指标".into(), Box::new(|i| i.level1.clone())),
        ("二级指标".into(), Box::new(|i| i.level2.clone())),
        ("三级指标".into(), Box::new(|i| i.level3.clone())),
        ("绩效指标描述".into(), Box::new(|i| i.description.clone())),
        (
            "指标值".into(),
            Box::new(|i| i.target.as_ref().map(|v| v.raw.clone())),
        ),
    ];
    let any = |f: &dyn Fn(&crate::model::Indicator) -> bool| t.indicators.iter().any(f);
    if any(&|i| i.actual.is_some()) {
        grid.push((
            "实际完成值".into(),
            Box::new(|i| i.actual.as_ref().map(|v| v.raw.clone())),
        ));
    }
    if any(&|i| i.weight.is_some()) {
        grid.push(("分值".into(), Box::new(|i| i.weight.map(|d| d.to_string()))));
    }
    if any(&|i| i.score.is_some()) {
        grid.push(("得分".into(), Box::new(|i| i.score.map(|d| d.to_string()))));
    }
    if any(&|i| i.remark.is_some()) {
        grid.push(("备注".into(), Box::new(|i| i.remark.clone())));
    }
    let mut extra_keys: Vec<String> = Vec::new();
    for i in &t.indicators {
        for (k, _) in &i.extra.0 {
            if !extra_keys.contains(k) {
                extra_keys.push(k.clone());
            }
        }
    }
    for k in extra_keys {
        let key = k.clone();
        grid.push((
            k,
            Box::new(move |i| {
                i.extra
                    .0
                    .iter()
                    .find(|(x, _)| *x == key)
                    .map(|(_, v)| v.clone())
            }),
        ));
    }
    // At least the seven columns the budget row needs; the last grid column
    // spans what is left.
    let width = grid.len().max(7) as u16;
    let last = width - 1;
    let widths: Vec<f64> = (0..width as usize)
        .map(|c| grid.get(c).map_or(12.0, |(h, _)| form_width(h)))
        .collect();

    let name = sheet_name(t, used);
    let ws = Sheet::new(name, widths.clone(), landscape(&widths))?;
    let mut sheet = FormSheet {
        ws,
        widths,
        lines: Vec::new(),
    };
    let mut r = 0u32;
    let title = match (t.seq, &t.title) {
        (Some(n), Some(s)) => format!("{n}.{s}"),
        (None, Some(s)) => s.clone(),
        _ => "绩效目标表".into(),
    };
    // The title alone on its merged row, in a larger font.
    sheet.put_scaled(r, 0, last, &title, title_fmt, 14.0 / 11.0)?;
    r += 1;
    let unit = format!(
        "{}{}",
        t.unit_code.as_deref().unwrap_or(""),
        t.unit_name.as_deref().unwrap_or("")
    );
    sheet.put(r, 0, 2, &unit, cell)?;
    let money = t
        .money_unit
        .as_deref()
        .map(|m| format!("单位：{m}"))
        .unwrap_or_default();
    sheet.put(r, 3, last, &money, cell)?;
    r += 1;
    sheet.put(r, 0, 1, "项目名称", label)?;
    sheet.put(r, 2, last, t.project_name.as_deref().unwrap_or(""), cell)?;
    r += 1;
    // 预算规模及资金用途 over its two rows.
    sheet
        .ws
        .merge((r, 0), (r + 1, 0), "预算规模及资金用途", label)?;
    let d = |x: Option<Decimal>| x.map(|d| d.to_string()).unwrap_or_default();
    let money_cells = [
        ("预算数", d(t.budget.total)),
        ("其中：财政资金", d(t.budget.fiscal)),
        ("其他资金", d(t.budget.other)),
    ];
    let mut c = 1u16;
    for (l, v) in &money_cells {
        sheet.put(r, c, c, l, label)?;
        if v.is_empty() {
            sheet.ws.blank(r, c + 1, cell)?;
        } else {
            match exact_double(v).filter(|(_, scale)| *scale <= 28) {
                Some((f, scale)) => sheet.ws.number(r, c + 1, f, book.number(scale))?,
                None => sheet.put(r, c + 1, c + 1, v, cell)?,
            };
        }
        c += 2;
    }
    for c in 7..width {
        sheet.ws.blank(r, c, cell)?;
    }
    r += 1;
    sheet.put(r, 1, last, t.fund_use.as_deref().unwrap_or(""), cell)?;
    r += 1;
    sheet.put(r, 0, 1, "绩效目标", label)?;
    let goals: Vec<String> = t
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| format!("{}.{g}", i + 1))
        .collect();
    sheet.put(r, 2, last, &goals.join("\n"), cell)?;
    r += 1;
    // The other header fields as label | value: those the lexicon knows
    // first, then labels it did not understand; a label that is really a
    // paragraph is never set as a label, but as one full-width line.
    let unknown = |k: &str| {
        t.notes
            .iter()
            .any(|n| n.rule == "unknown label" && n.field.strip_prefix("extra.") == Some(k))
    };
    let mut fields: Vec<&(String, String)> = t.extra.0.iter().collect();
    fields.sort_by_key(|(k, _)| (is_paragraph(k), unknown(k)));
    for (k, v) in fields {
        if is_paragraph(k) {
            sheet.put(r, 0, last, &format!("{k}：{v}"), cell)?;
        } else {
            sheet.put(r, 0, 1, k, label)?;
            sheet.put(r, 2, last, v, cell)?;
        }
        r += 1;
    }
    let grid_last = grid.len() as u16 - 1;
    let end_of = |c: u16| if c == grid_last { last } else { c };
    for (c, (h, _)) in grid.iter().enumerate() {
        let c = c as u16;
        sheet.put(r, c, end_of(c), h, label)?;
    }
    // The grid's header row is printed again at the top of every page.
    sheet.ws.repeat_row(r);
    r += 1;
    let first = r;
    for ind in &t.indicators {
        for (c, (_, get)) in grid.iter().enumerate() {
            let c = c as u16;
            let text = get(ind).unwrap_or_default();
            if c < 2 && c < grid_last {
                // 一级 and 二级: counted over their merged runs below.
                sheet.write(r, c, end_of(c), &fit_cell(&text), cell)?;
            } else {
                sheet.put(r, c, end_of(c), &text, cell)?;
            }
        }
        sheet.line(r);
        r += 1;
    }
    let level1 = |i: &crate::model::Indicator| (i.level1.clone(), None);
    let level2 = |i: &crate::model::Indicator| (i.level1.clone(), i.level2.clone());
    for (col, key) in [(0u16, &level1 as &dyn Fn(&_) -> Key), (1, &level2)] {
        if col >= grid_last {
            continue;
        }
        for (start, end) in runs(&t.indicators, key) {
            let k = key(&t.indicators[start]);
            let text = if col == 0 { k.0 } else { k.1 };
            sheet.spread(
                first + start as u32..=first + end as u32,
                col,
                text.as_deref().unwrap_or(""),
            );
        }
    }
    let FormSheet { mut ws, .. } = sheet.fit_rows();
    // 一级 merged over its run of rows, 二级 over its run within the 一级.
    merge_runs(
        &mut ws,
        first,
        &t.indicators,
        0,
        |i| (i.level1.clone(), None),
        cell,
    )?;
    merge_runs(
        &mut ws,
        first,
        &t.indicators,
        1,
        |i| (i.level1.clone(), i.level2.clone()),
        cell,
    )?;
    book.add(ws)
}

/// A form column's width, in Excel's units (about one digit; a Chinese
/// character takes about two).
fn form_width(header: &str) -> f64 {
    match header {
        "一级指标" => 10.0,
        "二级指标" => 12.0,
        "三级指标" | "绩效指标描述" => 26.0,
        "指标值" | "实际完成值" | "备注" => 14.0,
        "分值" | "得分" => 8.0,
        _ => 12.0,
    }
}

/// A header label longer than this, or on several lines, is a paragraph.
fn is_paragraph(key: &str) -> bool {
    key.contains('\n') || key.chars().count() > 20
}

/// Page set-up for printing (written by xlsx_form.rs): A4, one page wide,
/// centred, with the sheet's name and page in the footer; portrait or
/// landscape by the form's width, which this says.
fn landscape(widths: &[f64]) -> bool {
    // About 100 units fit across portrait A4 at 100%, 145 landscape: the
    // seven-column form stays portrait (a little smaller), wider ones turn.
    widths.iter().sum::<f64>() > 125.0
}

/// Width of a text in column units: a CJK character about two (1.8 is what
/// LibreOffice's CJK fonts take; Excel's a little more, hence a margin), ASCII one.
fn text_units(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.1 } else { 1.8 })
        .sum()
}

/// Lines a text takes once wrapped in a cell `width` units wide.
fn wrapped_lines(text: &str, width: f64) -> f64 {
    let usable = (width - 1.0).max(2.0);
    text.split('\n')
        .map(|l| (text_units(l) / usable).ceil().max(1.0))
        .sum()
}

/// A form sheet being written: each cell's wrapped text sets the height its
/// row needs, so a long goal or 三级指标 is not cut or spilled over.
struct FormSheet {
    ws: Sheet,
    widths: Vec<f64>,
    /// Per row: lines needed and the line height factor (the title's font).
    lines: Vec<(f64, f64)>,
}

impl FormSheet {
    /// Writes `text` over columns `first..=last` of row `r` (merged when wider than one).
    fn put(&mut self, r: u32, first: u16, last: u16, text: &str, fmt: u32) -> io::Result<()> {
        self.put_scaled(r, first, last, text, fmt, 1.0)
    }

    /// As [`FormSheet::put`], in a font `factor` times the body's (the title).
    fn put_scaled(
        &mut self,
        r: u32,
        first: u16,
        last: u16,
        text: &str,
        fmt: u32,
        factor: f64,
    ) -> io::Result<()> {
        let text: &str = &fit_cell(text);
        self.write(r, first, last, text, fmt)?;
        let width: f64 = self.widths[first as usize..=last as usize].iter().sum();
        let n = wrapped_lines(text, width / factor);
        let l = self.line(r);
        *l = (l.0.max(n), l.1.max(factor));
        Ok(())
    }

    /// Writes `text` over columns `first..=last` of row `r` without
    /// counting its lines (a level cell, merged down its run afterwards).
    fn write(&mut self, r: u32, first: u16, last: u16, text: &str, fmt: u32) -> io::Result<()> {
        if first >= last {
            self.ws.string(r, first, text, fmt)
        } else {
            self.ws.merge((r, first), (r, last), text, fmt)
        }
    }

    /// Row `r`'s lines and font factor.
    fn line(&mut self, r: u32) -> &mut (f64, f64) {
        let row = r as usize;
        if self.lines.len() <= row {
            self.lines.resize(row + 1, (1.0, 1.0));
        }
        &mut self.lines[row]
    }

    /// A level cell merged over rows `rows`: its wrapped lines are shared
    /// by the run, so a run of one-line rows stays one line each unless
    /// the text needs more than the run's rows together; the last row of
    /// the run takes what is missing.
    fn spread(&mut self, rows: std::ops::RangeInclusive<u32>, col: u16, text: &str) {
        let need = wrapped_lines(&fit_cell(text), self.widths[col as usize]);
        let have: f64 = rows.clone().map(|r| self.line(r).0).sum();
        if need > have {
            let last = self.line(*rows.end());
            last.0 += need - have;
        }
    }

    /// Sets each row's height from its longest cell (Excel's limit is 409 pt).
    fn fit_rows(mut self) -> FormSheet {
        for (r, (n, factor)) in self.lines.iter().enumerate() {
            let height = (n * 15.0 * factor + 4.0).min(409.0);
            self.ws.row_height(r as u32, height);
        }
        self
    }
}

type Key = (Option<String>, Option<String>);

/// A grid column of the form: its header and how to read an indicator's cell.
type GridColumn = (
    String,
    Box<dyn Fn(&crate::model::Indicator) -> Option<String>>,
);

fn merge_runs(
    ws: &mut Sheet,
    first: u32,
    inds: &[crate::model::Indicator],
    col: u16,
    key: impl Fn(&crate::model::Indicator) -> Key,
    fmt: u32,
) -> io::Result<()> {
    for (start, end) in runs(inds, &key) {
        let k = key(&inds[start]);
        let text = if col == 0 { k.0 } else { k.1 };
        if end > start && text.is_some() {
            ws.merge(
                (first + start as u32, col),
                (first + end as u32, col),
                &fit_cell(text.as_deref().unwrap_or("")),
                fmt,
            )?;
        }
    }
    Ok(())
}

/// The runs of indicators with one key: (first, last) index of each.
fn runs(
    inds: &[crate::model::Indicator],
    key: &dyn Fn(&crate::model::Indicator) -> Key,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < inds.len() {
        let k = key(&inds[start]);
        let mut end = start;
        while end + 1 < inds.len() && key(&inds[end + 1]) == k {
            end += 1;
        }
        out.push((start, end));
        start = end + 1;
    }
    out
}
