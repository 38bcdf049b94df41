//! Excel .xlsx/.xlsm reader: every sheet becomes a [`Grid`], merged regions
//! become spans, and numbers are shown as the sheet shows them — the cell's
//! stored decimal text formatted by its number format (`0.8` with `0.00` →
//! `0.80`), never through a float. Dates become ISO dates.
//!
//! Hand-written on zip + quick-xml rather than calamine: calamine returns
//! numbers as f64 without their format, and aborts on sheets whose used range
//! is huge (calamine issue #693); here cells are stored sparsely and the
//! grid's area is checked against `max_cells` before it is allocated.

use super::package::{xml_text, Package};
use super::xml::{entity, Budget};
use crate::error::{Error, Result};
use crate::grid::{Block, Grid, Locator, Pos, RowLocator, Slot, Span};
use crate::limits::Limits;
use quick_xml::events::{BytesStart, Event};
use rust_decimal::prelude::*;
use std::collections::HashMap;

/// Reads every sheet of a workbook package.
pub fn read(pkg: &mut Package, limits: &Limits) -> Result<Vec<Block>> {
    let workbook = super::package::main_part(pkg, "xl/workbook.xml")?
        .ok_or_else(|| Error::corrupt("the package has no workbook part (xl/workbook.xml)"))?;
    let dir = workbook.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let wb_xml = read_part(pkg, &workbook)?;
    let (sheets, date1904) = parse_workbook(&wb_xml)?;
    let rels_path = format!(
        "{dir}/_rels/{}.rels",
        workbook.rsplit('/').next().unwrap_or("")
    );
    let rels = match pkg.read(&rels_path)? {
        Some(b) => parse_rels(&xml_text(b, &rels_path)?),
        None => Vec::new(),
    };
    let target = |ty: &str| {
        rels.iter()
            .find(|(_, t, _)| t.ends_with(ty))
            .map(|(_, _, target)| resolve(&dir, target))
    };
    let strings =
        match target("/sharedStrings").or_else(|| Some(format!("{dir}/sharedStrings.xml"))) {
            Some(p) if pkg.has(&p) => parse_shared_strings(&read_part(pkg, &p)?, limits)?,
            _ => Vec::new(),
        };
    let styles = match target("/styles").or_else(|| Some(format!("{dir}/styles.xml"))) {
        Some(p) if pkg.has(&p) => parse_styles(&read_part(pkg, &p)?),
        _ => Vec::new(),
    };
    let mut blocks = Vec::new();
    let mut budget = CellBudget::new(limits);
    for (i, (name, rid)) in sheets.iter().enumerate() {
        let path = rels
            .iter()
            .find(|(id, _, _)| id == rid)
            .map(|(_, _, t)| resolve(&dir, t))
            .unwrap_or_else(|| format!("{dir}/worksheets/sheet{}.xml", i + 1));
        let Some(bytes) = pkg.read(&path)? else {
            continue; // a sheet listed but not shipped (chart sheets, broken packages)
        };
        let xml = xml_text(bytes, &path)?;
        let sheet = parse_sheet(&xml, &strings, &styles, date1904, limits, &mut budget)?;
        if let Some(g) = sheet.into_grid(name, &mut budget)? {
            blocks.push(Block::Table(g));
        }
    }
    Ok(blocks)
}

fn read_part(pkg: &mut Package, path: &str) -> Result<String> {
    let bytes = pkg
        .read(path)?
        .ok_or_else(|| Error::corrupt(format!("{path} is missing")))?;
    xml_text(bytes, path)
}

fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| unescape(&a.value))
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    quick_xml::escape::unescape(s).map_or_else(|_| s.to_string(), |c| c.into_owned())
}

/// A streaming pass over an XML part with the depth and element limits.
fn each_event<'x>(
    xml: &'x str,
    limits: &Limits,
    mut f: impl FnMut(&Event<'x>, usize) -> Result<()>,
) -> Result<()> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut budget = Budget::new(limits);
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| Error::corrupt(format!("XML error in a worksheet part: {e}")))?;
        match &ev {
            Event::Start(_) => budget.element(false)?,
            Event::Empty(_) => budget.element(true)?,
            Event::Eof => break,
            _ => {}
        }
        f(&ev, budget.depth)?;
        if let Event::End(_) = ev {
            budget.close();
        }
    }
    Ok(())
}

fn parse_workbook(xml: &str) -> Result<(Vec<(String, String)>, bool)> {
    let mut sheets = Vec::new();
    let mut date1904 = false;
    let limits = Limits::default();
    each_event(xml, &limits, |ev, _| {
        if let Event::Start(e) | Event::Empty(e) = ev {
            match e.local_name().as_ref() {
                "sheet" => {
                    let name = attr(e, "name").unwrap_or_default();
                    let rid = attr(e, "id").unwrap_or_default();
                    sheets.push((name, rid));
                }
                "workbookPr" => {
                    date1904 = matches!(attr(e, "date1904").as_deref(), Some("1" | "true"));
                }
                _ => {}
            }
        }
        Ok(())
    })?;
    Ok((sheets, date1904))
}

/// (Id, Type, Target) of each relationship.
fn parse_rels(xml: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let _ = each_event(xml, &Limits::default(), |ev, _| {
        if let Event::Start(e) | Event::Empty(e) = ev {
            if e.local_name().as_ref() == "Relationship" {
                out.push((
                    attr(e, "Id").unwrap_or_default(),
                    attr(e, "Type").unwrap_or_default(),
                    attr(e, "Target").unwrap_or_default(),
                ));
            }
        }
        Ok(())
    });
    out
}

fn parse_shared_strings(xml: &str, limits: &Limits) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    let (mut in_t, mut in_phonetic) = (false, false);
    each_event(xml, limits, |ev, _| {
        match ev {
            Event::Start(e) => match e.local_name().as_ref() {
                "si" => cur = Some(String::new()),
                "t" => in_t = true,
                "rPh" => in_phonetic = true,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "si" => out.push(String::new()),
            Event::End(e) => match e.local_name().as_ref() {
                "si" => {
                    out.push(cur.take().unwrap_or_default());
                    if out.len() as u64 > limits.max_cells {
                        return Err(Limits::exceeded("max_cells", limits.max_cells));
                    }
                }
                "t" => in_t = false,
                "rPh" => in_phonetic = false,
                _ => {}
            },
            Event::Text(t) if in_t && !in_phonetic => {
                if let Some(c) = cur.as_mut() {
                    c.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_t && !in_phonetic => {
                if let (Some(c), Some(ch)) = (cur.as_mut(), entity(r)) {
                    c.push(ch);
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(out)
}

/// How a cell's number is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum NumberFormat {
    General,
    /// Fixed decimals, optional thousands separators and percent.
    Fixed {
        decimals: u32,
        thousands: bool,
        percent: bool,
    },
    Date {
        time: bool,
    },
    Text,
}

/// The number format of each cell style (`cellXfs` index).
fn parse_styles(xml: &str) -> Vec<NumberFormat> {
    let mut custom: HashMap<u32, String> = HashMap::new();
    let mut xfs = Vec::new();
    let mut in_cell_xfs = false;
    let _ = each_event(xml, &Limits::default(), |ev, _| {
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (attr(e, "numFmtId"), attr(e, "formatCode")) {
                        if let Ok(id) = id.parse() {
                            custom.insert(id, code);
                        }
                    }
                }
                "cellXfs" => in_cell_xfs = matches!(ev, Event::Start(_)),
                "xf" if in_cell_xfs => {
                    let id: u32 = attr(e, "numFmtId")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    xfs.push(id);
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
            _ => {}
        }
        Ok(())
    });
    xfs.into_iter()
        .map(|id| match custom.get(&id) {
            Some(code) => format_from_code(code),
            None => builtin_format(id),
        })
        .collect()
}

pub fn builtin_format(id: u32) -> NumberFormat {
    let fixed = |decimals, thousands, percent| NumberFormat::Fixed {
        decimals,
        thousands,
        percent,
    };
    match id {
        1 => fixed(0, false, false),
        2 => fixed(2, false, false),
        3 | 37 | 38 => fixed(0, true, false),
        4 | 39 | 40 => fixed(2, true, false),
        9 => fixed(0, false, true),
        10 => fixed(2, false, true),
        14..=17 | 22 | 27..=36 | 50..=58 => NumberFormat::Date { time: id == 22 },
        18..=21 | 45..=47 => NumberFormat::Date { time: true },
        49 => NumberFormat::Text,
        _ => NumberFormat::General,
    }
}

/// Reads a custom format code: decimals, grouping, percent, or a date.
pub fn format_from_code(code: &str) -> NumberFormat {
    // The first section (positive numbers), without quoted literals,
    // escapes and [colour]/[locale] brackets.
    let section = code.split(';').next().unwrap_or("");
    let mut plain = String::new();
    let mut chars = section.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for d in chars.by_ref() {
                    if d == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                }
            }
            c => plain.push(c),
        }
    }
    let lower = plain.to_lowercase();
    if lower == "@" {
        return NumberFormat::Text;
    }
    if lower.eq_ignore_ascii_case("general") || plain.is_empty() {
        return NumberFormat::General;
    }
    if lower.contains(['y', 'd']) || (lower.contains('m') && !lower.contains('0')) {
        return NumberFormat::Date {
            time: lower.contains('h') || lower.contains('s'),
        };
    }
    if lower.contains('h') || lower.contains('s') {
        return NumberFormat::Date { time: true };
    }
    let decimals = plain.split_once('.').map_or(0, |(_, frac)| {
        frac.chars()
            .take_while(|c| matches!(c, '0' | '#' | '?'))
            .count()
            .min(30) as u32 // Excel shows at most 30
    });
    NumberFormat::Fixed {
        decimals,
        thousands: plain.contains(','),
        percent: plain.contains('%'),
    }
}

/// Shows a stored number as its format shows it.
pub fn show_number(raw: &str, fmt: &NumberFormat, date1904: bool) -> String {
    let Some(d) = Decimal::from_str(raw.trim())
        .ok()
        .or_else(|| Decimal::from_scientific(raw.trim()).ok())
    else {
        return raw.to_string();
    };
    match fmt {
        NumberFormat::General | NumberFormat::Text => d.normalize().to_string(),
        NumberFormat::Fixed {
            decimals,
            thousands,
            percent,
        } => {
            let scaled = if *percent {
                d.checked_mul(Decimal::ONE_HUNDRED)
            } else {
                Some(d)
            };
            let mut s = match scaled {
                Some(mut v) => {
                    v = v.round_dp_with_strategy(*decimals, RoundingStrategy::MidpointAwayFromZero);
                    v.rescale(*decimals);
                    let mut s = v.to_string();
                    // Too many digits for the scale: rescale keeps fewer
                    // decimals than asked; the format still shows them.
                    if v.scale() < *decimals {
                        if v.scale() == 0 {
                            s.push('.');
                        }
                        s.extend(std::iter::repeat_n('0', (*decimals - v.scale()) as usize));
                    }
                    s
                }
                // Past Decimal's 96 bits (79228162514264337593543950335 as
                // a percent): move the point in the text instead.
                None => percent_text(d, *decimals),
            };
            if *thousands {
                s = group_thousands(&s);
            }
            if *percent {
                s.push('%');
            }
            s
        }
        NumberFormat::Date { time } => {
            excel_date(d, date1904, *time).unwrap_or_else(|| d.normalize().to_string())
        }
    }
}

/// `d × 100` written out without arithmetic, for values too large to
/// multiply; such values have at most two decimals left to move.
fn percent_text(d: Decimal, decimals: u32) -> String {
    let text = d.normalize().to_string();
    let (sign, rest) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |r| ("-", r));
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let mut digits = format!("{int}{frac:0<2}");
    let tail = digits.split_off(int.len() + 2);
    let digits = digits.trim_start_matches('0');
    let mut out = format!("{sign}{}", if digits.is_empty() { "0" } else { digits });
    let tail: String = tail
        .chars()
        .chain(std::iter::repeat('0'))
        .take(decimals as usize)
        .collect();
    if decimals > 0 {
        out.push('.');
        out.push_str(&tail);
    }
    out
}

fn group_thousands(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// An Excel serial date as an ISO date (and time when the format shows one).
fn excel_date(serial: Decimal, date1904: bool, time: bool) -> Option<String> {
    let days = serial.trunc().to_i64()?;
    let frac = serial - serial.trunc();
    // Serial 60 is Excel's phantom 1900-02-29; serials below it count from
    // 1899-12-31, the rest from 1899-12-30.
    let (base, days) = if date1904 {
        (crate::civil::days_from_civil(1904, 1, 1), days)
    } else if days < 61 {
        (crate::civil::days_from_civil(1899, 12, 31), days)
    } else {
        (crate::civil::days_from_civil(1899, 12, 30), days)
    };
    if !(0..=2_958_465).contains(&days) {
        return None;
    }
    let (y, m, d) = crate::civil::civil_from_days(base + days);
    let mut s = format!("{y:04}-{m:02}-{d:02}");
    if time {
        let secs = (frac * Decimal::from(86_400)).round().to_i64()?;
        s.push_str(&format!(
            " {:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        ));
    }
    Some(s)
}

/// A sheet's cells, stored sparsely until the grid is laid out.
#[derive(Default)]
pub struct Sheet {
    /// (row, col, text), 0-based.
    pub cells: Vec<(u32, u32, String)>,
    /// (first row, first col, last row, last col), 0-based inclusive.
    pub merges: Vec<(u32, u32, u32, u32)>,
}

/// What one file's sheets may hold, counted across all of them: cells,
/// merged regions, and bytes of cell text. Every spreadsheet reader adds
/// through it, so no reader can forget a bound.
pub struct CellBudget<'l> {
    limits: &'l Limits,
    cells: u64,
    merges: u64,
    text: u64,
    /// Slots of the grids laid out so far.
    area: u64,
    /// Grids made so far, against `max_tables`.
    tables: u64,
}

impl<'l> CellBudget<'l> {
    pub fn new(limits: &'l Limits) -> Self {
        CellBudget {
            limits,
            cells: 0,
            merges: 0,
            text: 0,
            area: 0,
            tables: 0,
        }
    }

    /// Checks that `len` more bytes of text fit, before the text is copied
    /// (one shared string can be referenced by every cell).
    pub fn text_fits(&self, len: usize) -> Result<()> {
        if self.text + len as u64 > self.limits.max_text_bytes {
            return Err(Limits::exceeded(
                "max_text_bytes",
                self.limits.max_text_bytes,
            ));
        }
        Ok(())
    }
}

/// Which slots accepted merges cover, answering "is any slot of this
/// rectangle covered?" in O(log rows × log cols) whatever the rectangle's
/// size: a 2-D Fenwick tree of covered counts. Scanning each merge's area
/// made 35,000 large merges that overlap only at a corner quadratic.
/// Accepted merges are disjoint, so marking costs at most the grid's area.
struct Occupancy {
    rows: usize,
    cols: usize,
    tree: Vec<u32>,
}

impl Occupancy {
    fn new(rows: u32, cols: u32) -> Self {
        let (rows, cols) = (rows as usize, cols as usize);
        Occupancy {
            rows,
            cols,
            tree: vec![0; (rows + 1) * (cols + 1)],
        }
    }

    fn mark(&mut self, r: u32, c: u32) {
        let mut i = r as usize + 1;
        while i <= self.rows {
            let mut j = c as usize + 1;
            while j <= self.cols {
                self.tree[i * (self.cols + 1) + j] += 1;
                j += j & j.wrapping_neg();
            }
            i += i & i.wrapping_neg();
        }
    }

    /// Covered slots in rows `..r`, columns `..c` (exclusive ends).
    fn prefix(&self, r: usize, c: usize) -> u64 {
        let mut sum = 0u64;
        let mut i = r;
        while i > 0 {
            let mut j = c;
            while j > 0 {
                sum += u64::from(self.tree[i * (self.cols + 1) + j]);
                j -= j & j.wrapping_neg();
            }
            i -= i & i.wrapping_neg();
        }
        sum
    }

    /// Whether any slot of rows `a..=c`, columns `b..=d` is covered.
    fn any_in(&self, a: u32, b: u32, c: u32, d: u32) -> bool {
        let (a, b, c, d) = (a as usize, b as usize, c as usize + 1, d as usize + 1);
        self.prefix(c, d) + self.prefix(a, b) > self.prefix(a, d) + self.prefix(c, b)
    }
}

/// `B12` → (11, 1).
pub fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let letters = r.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = r[..letters].chars().fold(0u32, |acc, c| {
        acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    });
    let row: u32 = r[letters..].parse().ok()?;
    (row >= 1 && col >= 1 && row <= 1_048_576 && col <= 16_384).then(|| (row - 1, col - 1))
}

fn parse_sheet(
    xml: &str,
    strings: &[String],
    styles: &[NumberFormat],
    date1904: bool,
    limits: &Limits,
    budget: &mut CellBudget,
) -> Result<Sheet> {
    let mut sheet = Sheet::default();
    let (mut row, mut col) = (0u32, 0u32);
    let mut seen_row = false;
    let mut cell: Option<(u32, u32, String, Option<usize>)> = None; // pos, type, style
    let mut value = String::new();
    let (mut in_v, mut in_is_t) = (false, false);
    each_event(xml, limits, |ev, _| {
        match ev {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.local_name().as_ref() {
                    "row" => {
                        row = match attr(e, "r").and_then(|r| r.parse::<u32>().ok()) {
                            Some(r) if (1..=1_048_576).contains(&r) => r - 1,
                            _ if seen_row => row.saturating_add(1),
                            _ => 0,
                        };
                        seen_row = true;
                        col = 0;
                    }
                    "c" => {
                        let (r, c) = attr(e, "r")
                            .and_then(|r| cell_ref(&r))
                            .unwrap_or((row, col));
                        col = c + 1;
                        let ty = attr(e, "t").unwrap_or_default();
                        let style = attr(e, "s").and_then(|s| s.parse().ok());
                        value.clear();
                        if !empty {
                            cell = Some((r, c, ty, style));
                        }
                    }
                    "v" => in_v = !empty,
                    "t" if cell.is_some() => in_is_t = !empty,
                    "mergeCell" => {
                        if let Some((a, b)) =
                            attr(e, "ref").as_deref().and_then(|r| r.split_once(':'))
                        {
                            if let (Some(a), Some(b)) = (cell_ref(a), cell_ref(b)) {
                                sheet.merge(
                                    budget,
                                    (a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1)),
                                )?;
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_v || in_is_t => value.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_v || in_is_t => {
                if let Some(ch) = entity(r) {
                    value.push(ch);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "v" => in_v = false,
                "t" => in_is_t = false,
                "c" => {
                    if let Some((r, c, ty, style)) = cell.take() {
                        let text = match ty.as_str() {
                            "s" => {
                                let s = value
                                    .trim()
                                    .parse::<usize>()
                                    .ok()
                                    .and_then(|i| strings.get(i));
                                let s = s.map_or("", String::as_str);
                                // Checked before the copy is made.
                                budget.text_fits(s.len())?;
                                s.to_string()
                            }
                            "b" => if value.trim() == "1" { "TRUE" } else { "FALSE" }.to_string(),
                            "str" | "inlineStr" | "e" | "d" => value.clone(),
                            _ if value.is_empty() => String::new(),
                            _ => {
                                let fmt = style
                                    .and_then(|s| styles.get(s))
                                    .unwrap_or(&NumberFormat::General);
                                show_number(&value, fmt, date1904)
                            }
                        };
                        sheet.push(budget, r, c, text)?;
                    }
                }
                _ => {}
            },
            _ => {}
        }
        Ok(())
    })?;
    Ok(sheet)
}

impl Sheet {
    /// Adds a cell with text; empty text is no cell.
    pub fn push(
        &mut self,
        budget: &mut CellBudget,
        row: u32,
        col: u32,
        text: String,
    ) -> Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        budget.text_fits(text.len())?;
        budget.text += text.len() as u64;
        budget.cells += 1;
        if budget.cells > budget.limits.max_cells {
            return Err(Limits::exceeded("max_cells", budget.limits.max_cells));
        }
        self.cells.push((row, col, text));
        Ok(())
    }

    /// Adds a merged region (first row, first col, last row, last col).
    pub fn merge(&mut self, budget: &mut CellBudget, region: (u32, u32, u32, u32)) -> Result<()> {
        budget.merges += 1;
        if budget.merges > budget.limits.max_cells {
            return Err(Limits::exceeded("max_cells", budget.limits.max_cells));
        }
        self.merges.push(region);
        Ok(())
    }
    /// Lays the cells out on a grid covering the cells and merges, or `None`
    /// for an empty sheet. The area is checked before anything is allocated.
    pub fn into_grid(mut self, name: &str, budget: &mut CellBudget) -> Result<Option<Grid>> {
        let limits = budget.limits;
        // A region given last corner first (calamine passes a damaged .xls's
        // rwFirst > rwLast through) is the same rectangle; left reversed it
        // slipped past the bounds checks below (found by fuzzing).
        for m in &mut self.merges {
            *m = (m.0.min(m.2), m.1.min(m.3), m.0.max(m.2), m.1.max(m.3));
        }
        if self.cells.is_empty() {
            return Ok(None);
        }
        limits.count_table(&mut budget.tables)?;
        let (mut r0, mut c0, mut r1, mut c1) = (u32::MAX, u32::MAX, 0u32, 0u32);
        for (r, c, _) in &self.cells {
            r0 = r0.min(*r);
            c0 = c0.min(*c);
            r1 = r1.max(*r);
            c1 = c1.max(*c);
        }
        // Merges that touch the used area widen it (a title merged across).
        for &(a, b, c, d) in &self.merges {
            if a <= r1 && c >= r0 && b <= c1 && d >= c0 {
                r0 = r0.min(a);
                c0 = c0.min(b);
                r1 = r1.max(c);
                c1 = c1.max(d);
            }
        }
        let rows = u64::from(r1 - r0 + 1);
        let cols = u64::from(c1 - c0 + 1);
        // This sheet's area, and all sheets' areas together: 100 sheets of
        // two far-apart cells each are 100 full grids.
        budget.area = budget.area.saturating_add(rows * cols);
        if rows * cols > limits.max_cells || budget.area > limits.max_cells {
            return Err(Limits::exceeded("max_cells", limits.max_cells));
        }
        let (rows, cols) = (rows as u32, cols as u32);
        let mut slots: Vec<Vec<Slot>> = (0..rows)
            .map(|_| {
                (0..cols)
                    .map(|_| Slot::Anchor {
                        text: String::new(),
                        span: Span::ONE,
                    })
                    .collect()
            })
            .collect();
        for (r, c, text) in self.cells {
            if let Some(Slot::Anchor { text: t, .. }) = slots
                .get_mut((r - r0) as usize)
                .and_then(|row| row.get_mut((c - c0) as usize))
            {
                *t = text;
            }
        }
        let mut covered = Occupancy::new(rows, cols);
        for (a, b, c, d) in self.merges {
            if a < r0 || b < c0 || c > r1 || d > c1 {
                continue;
            }
            let (a, b, c, d) = (a - r0, b - c0, c - r0, d - c0);
            if (a == c && b == d) || covered.any_in(a, b, c, d) {
                continue; // overlapping merges are invalid; the first one wins
            }
            for r in a..=c {
                for col in b..=d {
                    covered.mark(r, col);
                    if (r, col) != (a, b) {
                        slots[r as usize][col as usize] = Slot::Covered {
                            anchor: Pos { row: a, col: b },
                        };
                    }
                }
            }
            if let Slot::Anchor { span, .. } = &mut slots[a as usize][b as usize] {
                *span = Span {
                    rows: c - a + 1,
                    cols: d - b + 1,
                };
            }
        }
        let locator = Locator::Range {
            sheet: name.to_string(),
            rows: (r0, r1),
            cols: (c0, c1),
        };
        let mut grid = Grid::from_rows(slots, locator);
        grid.row_locators = Some(
            (r0..=r1)
                .map(|row| RowLocator::Cells {
                    row,
                    cols: (c0, c1),
                })
                .collect(),
        );
        Ok(Some(grid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_the_sheet_shows_them() {
        let two = format_from_code("0.00");
        assert_eq!(show_number("0.8", &two, false), "0.80");
        assert_eq!(show_number("0.80000000000000004", &two, false), "0.80");
        assert_eq!(
            show_number("10308000", &format_from_code("#,##0.00"), false),
            "10,308,000.00"
        );
        assert_eq!(show_number("0.955", &builtin_format(10), false), "95.50%");
        assert_eq!(show_number("0.8", &NumberFormat::General, false), "0.8");
        assert_eq!(
            show_number("1.5E-3", &NumberFormat::General, false),
            "0.0015"
        );
        assert_eq!(
            show_number("45658", &builtin_format(14), false),
            "2025-01-01"
        );
        assert_eq!(
            show_number("45658.5", &format_from_code("yyyy-mm-dd hh:mm"), false),
            "2025-01-01 12:00:00"
        );
        assert_eq!(show_number("1", &builtin_format(14), false), "1900-01-01");
        assert_eq!(show_number("0", &builtin_format(14), true), "1904-01-01");
        assert_eq!(
            format_from_code("[Red]#,##0.0\"万元\";-#,##0.0"),
            NumberFormat::Fixed {
                decimals: 1,
                thousands: true,
                percent: false
            }
        );
    }

    #[test]
    fn references() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("AB12"), Some((11, 27)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("XFE1"), None);
        assert_eq!(crate::grid::column_letters(27), "AB");
        assert_eq!(
            resolve("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve("xl/sub", "../styles.xml"), "xl/styles.xml");
    }

    #[test]
    fn a_far_away_cell_is_too_large_not_an_abort() {
        let s = Sheet {
            cells: vec![(0, 0, "a".into()), (1_048_575, 16_383, "b".into())],
            merges: vec![],
        };
        let e = s
            .into_grid("S", &mut CellBudget::new(&Limits::default()))
            .unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::TooLarge);
    }

    #[test]
    fn merges_become_spans() {
        let s = Sheet {
            cells: vec![(1, 1, "标题".into()), (2, 1, "x".into())],
            merges: vec![(1, 1, 1, 3), (2, 1, 2, 2), (2, 2, 2, 3)],
        };
        let g = s
            .into_grid("S", &mut CellBudget::new(&Limits::default()))
            .unwrap()
            .unwrap();
        assert_eq!(g.locator.to_string(), "S!B2:D3");
        assert_eq!(
            g.slot(0, 0),
            &Slot::Anchor {
                text: "标题".into(),
                span: Span { rows: 1, cols: 3 }
            }
        );
        assert_eq!(g.text_at(0, 2), Some("标题"));
        // the overlapping second merge was dropped
        assert_eq!(
            g.slot(1, 2),
            &Slot::Anchor {
                text: String::new(),
                span: Span::ONE
            }
        );
        assert_eq!(g.row_locator(1), "B3:D3");
    }
}
