//! The flat layout's workbook (sheets 指标, 项目, 说明) written by jixiao
//! itself, part for part as rust_xlsxwriter writes it in constant-memory
//! mode: the same XML (inline strings, the same escapes, styles and sheet
//! settings), the same zip (zip crate, level 1). The unit tests compare the
//! two byte for byte.
//!
//! Why: through rust_xlsxwriter each cell cost ~3,000 instructions (a
//! `String` and an `Arc<str>`, a `BTreeMap` per row, a SipHash lookup of the
//! cell's `Format`, `write!` with five arguments, two escaping passes), ~20
//! times what rendering the same row as CSV costs. Here a cell is a few
//! appends to the row's buffer.

use super::cell::{
    escape_into, exact_double, excel_width, fit_cell, push_u32, utc_now, value_of, width_of,
    CORE_START, PROJECT_COLUMNS, ROOT_RELS, THEME,
};
use super::{note_text, rule_name, ExtraStyle, FlatTable, Headers};
use crate::model::Table;
use crate::schema::{
    Column, Value, COLUMNS, EXTRA, LOCATOR, NOTES, SOURCE_FILE, TABLE, TABLE_COLUMNS,
};
use std::fs::File;
use std::io::{self, BufWriter, Seek, Write};

/// In [`FlatBook::style`]'s list: the wrapped text style, not a scale.
const WRAP: usize = usize::MAX;

/// Printed width of the columns that hold sentences and paths (the
/// schema's `wraps`: 来源文件, 表名, 单位名称, 项目名称, 资金用途, 绩效目标,
/// 三级指标, 绩效指标描述, 指标值, 其他, 说明): their text wraps inside it
/// instead of running across the page.
const WIDE: f64 = 24.0;

/// Widens the sentence and path columns among `widths` (the 指标 sheet's,
/// or the 项目 sheet's first columns, which are the same).
pub(super) fn print_widths(widths: &mut [f64]) {
    for (w, c) in widths.iter_mut().zip(&COLUMNS) {
        if c.wraps {
            *w = w.max(WIDE);
        }
    }
}

/// Excel's row limit (rust_xlsxwriter's `ROW_MAX`).
const ROW_MAX: u32 = 1_048_576;

/// Column letters of the flat sheets (at most 33 columns).
const COLUMN_NAMES: [&str; 40] = [
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S",
    "T", "U", "V", "W", "X", "Y", "Z", "AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH", "AI", "AJ",
    "AK", "AL", "AM", "AN",
];

/// One streamed sheet: its rows go to a temporary file as they are written.
struct Sheet {
    name: &'static str,
    body: BufWriter<File>,
    /// The next row (0-based; row 0 is the header).
    next: u32,
    /// The last row and column holding a cell (the sheet's dimension).
    last_row: u32,
    last_col: u16,
    columns: u16,
    widths: Vec<f64>,
    /// The current row's XML, and where its cells begin.
    row: Vec<u8>,
    cells_from: usize,
}

impl Sheet {
    fn new(name: &'static str, names: &[&str]) -> io::Result<Sheet> {
        let mut s = Sheet {
            name,
            body: BufWriter::with_capacity(64 * 1024, tempfile::tempfile()?),
            next: 0,
            last_row: 0,
            last_col: 0,
            columns: names.len() as u16,
            widths: names.iter().map(|n| width_of(n)).collect(),
            row: Vec::with_capacity(4096),
            cells_from: 0,
        };
        s.begin()?;
        for (c, n) in names.iter().enumerate() {
            s.string(c as u16, n, 1);
        }
        s.end()?;
        Ok(s)
    }

    fn begin(&mut self) -> io::Result<()> {
        if self.next >= ROW_MAX {
            return Err(io::Error::other(
                rust_xlsxwriter::XlsxError::RowColumnLimitError.to_string(),
            ));
        }
        self.row.clear();
        self.row.extend_from_slice(b"<row r=\"");
        push_u32(&mut self.row, self.next + 1);
        self.row.extend_from_slice(b"\">");
        self.cells_from = self.row.len();
        Ok(())
    }

    /// `<c r="B7"` and the style, if any.
    fn cell_start(&mut self, col: u16, xf: u32) {
        self.last_col = self.last_col.max(col);
        self.row.extend_from_slice(b"<c r=\"");
        self.row
            .extend_from_slice(COLUMN_NAMES[col as usize].as_bytes());
        push_u32(&mut self.row, self.next + 1);
        if xf > 0 {
            self.row.extend_from_slice(b"\" s=\"");
            push_u32(&mut self.row, xf);
        }
        self.row.push(b'"');
    }

    /// A text cell; an empty text writes no cell (as in rust_xlsxwriter).
    fn string(&mut self, col: u16, text: &str, xf: u32) {
        if text.is_empty() {
            return;
        }
        let text = fit_cell(text);
        self.cell_start(col, xf);
        self.row.extend_from_slice(b" t=\"inlineStr\"><is><t");
        let ws = |c: char| matches!(c, '\t' | '\n' | ' ');
        if text.starts_with(ws) || text.ends_with(ws) {
            self.row.extend_from_slice(b" xml:space=\"preserve\"");
        }
        self.row.push(b'>');
        escape_into(&mut self.row, &text);
        self.row.extend_from_slice(b"</t></is></c>");
    }

    fn number(&mut self, col: u16, n: f64, xf: u32) {
        self.cell_start(col, xf);
        self.row.extend_from_slice(b"><v>");
        // f64's Display, as rust_xlsxwriter writes numbers without `ryu`.
        let _ = write!(self.row, "{n}");
        self.row.extend_from_slice(b"</v></c>");
    }

    fn end(&mut self) -> io::Result<()> {
        if self.row.len() > self.cells_from {
            self.last_row = self.next;
            self.row.extend_from_slice(b"</row>");
            self.body.write_all(&self.row)?;
        }
        self.next += 1;
        Ok(())
    }

    /// The autofilter's range: the header and every row, at least one.
    fn filter(&self) -> String {
        let last = self.next.saturating_sub(1).max(1);
        format!("A1:{}{}", COLUMN_NAMES[self.columns as usize - 1], last + 1)
    }

    /// The whole sheet's XML into `zip`: its start, the rows, its end.
    fn copy_into<W: Write>(mut self, zip: &mut W, first: bool) -> io::Result<()> {
        let mut head = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr><dimension ref=\"A1",
        );
        if self.last_row > 0 || self.last_col > 0 {
            head += &format!(
                ":{}{}",
                COLUMN_NAMES[self.last_col as usize],
                self.last_row + 1
            );
        }
        head += "\"/><sheetViews><sheetView ";
        if first {
            head += "tabSelected=\"1\" ";
        }
        head += "workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>";
        // Adjacent columns of one width share a <col> (as rust_xlsxwriter).
        let mut c = 0;
        while c < self.widths.len() {
            let mut end = c;
            while end + 1 < self.widths.len() && self.widths[end + 1] == self.widths[c] {
                end += 1;
            }
            head += &format!(
                "<col min=\"{}\" max=\"{}\" width=\"{}\" customWidth=\"1\"/>",
                c + 1,
                end + 1,
                excel_width(self.widths[c])
            );
            c = end + 1;
        }
        head += "</cols><sheetData>";
        let tail = format!(
            "</sheetData><autoFilter ref=\"{}\"/><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/><pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\" horizontalDpi=\"200\" verticalDpi=\"200\"/></worksheet>",
            self.filter()
        );
        zip.write_all(head.as_bytes())?;
        self.body.flush()?;
        let mut file = self.body.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        io::copy(&mut io::BufReader::with_capacity(64 * 1024, file), zip)?;
        zip.write_all(tail.as_bytes())
    }
}

/// The flat workbook being written.
pub(super) struct FlatBook {
    headers: Headers,
    indicators: Sheet,
    projects: Sheet,
    notes: Sheet,
    /// Number formats by scale, in the order first used: cell style 2 + i.
    scales: Vec<usize>,
}

/// The 项目 sheet's columns: the table's own, 其他 and 位置, then counts.
pub(super) fn project_columns(headers: Headers) -> Vec<&'static str> {
    let h = |f| name(headers, f);
    let own = |c: &Column| name(headers, (c.zh, c.en));
    let mut names: Vec<&str> = COLUMNS[..TABLE_COLUMNS].iter().map(own).collect();
    names.extend([own(&COLUMNS[EXTRA]), own(&COLUMNS[LOCATOR])]);
    names.push(h(("指标数", "indicators")));
    names.push(h(("说明数", "notes")));
    names
}

/// The 说明 sheet's columns.
pub(super) fn note_columns(headers: Headers) -> [&'static str; 7] {
    let h = |f| name(headers, f);
    let own = |c: &Column| name(headers, (c.zh, c.en));
    [
        own(&COLUMNS[SOURCE_FILE]),
        own(&COLUMNS[TABLE]),
        h(("字段", "field")),
        h(("原文", "raw")),
        h(("规范为", "normalized")),
        h(("规则", "rule")),
        own(&COLUMNS[NOTES]),
    ]
}

fn name(headers: Headers, (zh, en): (&'static str, &'static str)) -> &'static str {
    if headers == Headers::Zh {
        zh
    } else {
        en
    }
}

impl FlatBook {
    pub(super) fn new(headers: Headers) -> io::Result<FlatBook> {
        let names: Vec<&str> = COLUMNS
            .iter()
            .map(|c| name(headers, (c.zh, c.en)))
            .collect();
        let mut indicators = Sheet::new("指标", &names)?;
        print_widths(&mut indicators.widths);
        let mut projects = Sheet::new("项目", &project_columns(headers))?;
        print_widths(&mut projects.widths[..TABLE_COLUMNS]);
        let mut notes = Sheet::new("说明", &note_columns(headers))?;
        notes.widths[2..=5].fill(24.0);
        Ok(FlatBook {
            headers,
            indicators,
            projects,
            notes,
            scales: Vec::new(),
        })
    }

    /// The cell style of the number format with `scale` decimals.
    fn style(scales: &mut Vec<usize>, scale: usize) -> u32 {
        let i = match scales.iter().position(|s| *s == scale) {
            Some(i) => i,
            None => {
                scales.push(scale);
                scales.len() - 1
            }
        };
        2 + i as u32
    }

    /// A text cell: wrapped, at the top of its row (its style registered
    /// only when a cell uses it, as rust_xlsxwriter does).
    fn text(sheet: &mut Sheet, scales: &mut Vec<usize>, col: u16, v: &str) {
        if !v.is_empty() {
            let xf = Self::style(scales, WRAP);
            sheet.string(col, v, xf);
        }
    }

    /// Writes the flat column `c`'s value, typed as the column is.
    fn flat_cell(sheet: &mut Sheet, scales: &mut Vec<usize>, c: usize, v: &str) {
        let col = c as u16;
        if value_of(c) == Value::Decimal {
            if let Some((f, scale)) = exact_double(v).filter(|(_, s)| *s <= 28) {
                let xf = Self::style(scales, scale);
                sheet.number(col, f, xf);
                return;
            }
        } else if value_of(c) == Value::Whole {
            if let Ok(n) = v.parse::<i64>() {
                if n.unsigned_abs() < (1 << 53) {
                    sheet.number(col, n as f64, 0);
                    return;
                }
            }
        }
        Self::text(sheet, scales, col, v);
    }

    pub(super) fn table(&mut self, t: &Table) -> io::Result<()> {
        // 其他 stays JSON in a workbook, so jixiao reads it back exactly.
        let flat = FlatTable::new(t, self.headers, ExtraStyle::Json);
        let s = &mut self.indicators;
        for i in 0..flat.rows() {
            s.begin()?;
            for (c, v) in flat.head.iter().enumerate() {
                if let Some(v) = v {
                    Self::flat_cell(s, &mut self.scales, c, v);
                }
            }
            for (j, v) in flat.row(i).iter().enumerate() {
                if let Some(v) = v {
                    Self::flat_cell(s, &mut self.scales, TABLE_COLUMNS + j, v);
                }
            }
            s.end()?;
        }

        // 项目: one row per table.
        let s = &mut self.projects;
        s.begin()?;
        for (c, v) in flat.head.iter().enumerate() {
            if let Some(v) = v {
                Self::flat_cell(s, &mut self.scales, c, v);
            }
        }
        if let Some(extra) = flat.extra(None) {
            Self::text(s, &mut self.scales, TABLE_COLUMNS as u16, &extra);
        }
        Self::text(
            s,
            &mut self.scales,
            TABLE_COLUMNS as u16 + 1,
            &t.source.locator,
        );
        let n = PROJECT_COLUMNS as u16;
        s.number(n, t.indicators.len() as f64, 0);
        s.number(n + 1, t.notes.len() as f64, 0);
        s.end()?;

        // 说明: one row per note, unplaced cells included.
        let s = &mut self.notes;
        for note in &t.notes {
            s.begin()?;
            let sc = &mut self.scales;
            Self::text(s, sc, 0, &t.source.file);
            s.number(1, f64::from(t.source.table), 0);
            Self::text(s, sc, 2, &note.field);
            Self::text(s, sc, 3, &note.raw);
            if let Some(n) = &note.normalized {
                Self::text(s, sc, 4, n);
            }
            Self::text(s, sc, 5, rule_name(&note.rule, self.headers));
            Self::text(s, sc, 6, &note_text(note, self.headers));
            s.end()?;
        }
        Ok(())
    }

    /// Zips the workbook into `out` as it goes.
    pub(super) fn finish<W: Write + Send>(self, out: W) -> io::Result<()> {
        let zerr = |e: zip::result::ZipError| io::Error::other(e.to_string());
        let mut zip = zip::ZipWriter::new_stream(out);
        let options = super::cell::zip_options();
        let part = |zip: &mut zip::ZipWriter<_>, name: &str, text: &str| -> io::Result<()> {
            zip.start_file(name, options).map_err(zerr)?;
            zip.write_all(text.as_bytes())
        };
        part(&mut zip, "[Content_Types].xml", CONTENT_TYPES)?;
        part(&mut zip, "_rels/.rels", ROOT_RELS)?;
        part(&mut zip, "xl/_rels/workbook.xml.rels", WORKBOOK_RELS)?;
        part(&mut zip, "xl/theme/theme1.xml", THEME)?;
        part(&mut zip, "xl/styles.xml", &styles(&self.scales))?;
        let filters = format!(
            "<definedNames><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">{}</definedName><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"2\" hidden=\"1\">{}</definedName><definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"1\" hidden=\"1\">{}</definedName><definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">指标!$1:$1</definedName><definedName name=\"_xlnm.Print_Titles\" localSheetId=\"2\">说明!$1:$1</definedName><definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">项目!$1:$1</definedName></definedNames>",
            absolute(&self.indicators),
            absolute(&self.notes),
            absolute(&self.projects),
        );
        part(
            &mut zip,
            "xl/workbook.xml",
            &format!("{WORKBOOK_START}{filters}<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>"),
        )?;
        for (i, sheet) in [self.indicators, self.projects, self.notes]
            .into_iter()
            .enumerate()
        {
            zip.start_file(format!("xl/worksheets/sheet{}.xml", i + 1), options)
                .map_err(zerr)?;
            sheet.copy_into(&mut zip, i == 0)?;
        }
        let now = utc_now();
        part(
            &mut zip,
            "docProps/core.xml",
            &format!("{CORE_START}<dcterms:created xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:modified></cp:coreProperties>"),
        )?;
        part(&mut zip, "docProps/app.xml", APP)?;
        zip.finish().map_err(zerr)?;
        Ok(())
    }
}

/// `指标!$A$1:$AG$9`: a sheet's autofilter range for its defined name.
fn absolute(s: &Sheet) -> String {
    let last = s.next.saturating_sub(1).max(1) + 1;
    format!(
        "{}!$A$1:${}${last}",
        s.name,
        COLUMN_NAMES[s.columns as usize - 1]
    )
}

fn styles(scales: &[usize]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
    // Number formats are numbered in order of first use; the wrapped text
    // style has none.
    let numeric: Vec<usize> = scales.iter().copied().filter(|s| *s != WRAP).collect();
    s += &super::cell::num_fmts(&numeric);
    s += "<fonts count=\"2\"><font><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font><font><b/><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font></fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills><borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/><top/><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>";
    s += &format!("<cellXfs count=\"{}\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyBorder=\"1\"/>", 2 + scales.len());
    let mut next_format = 164;
    for scale in scales {
        if *scale == WRAP {
            s += "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/></xf>";
        } else {
            s += &format!("<xf numFmtId=\"{next_format}\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>");
            next_format += 1;
        }
    }
    s += "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles><dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>";
    s
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/><Override PartName=\"/xl/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/worksheets/sheet2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/worksheets/sheet3.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";

const WORKBOOK_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet2.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet3.xml\"/><Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/><Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";

const WORKBOOK_START: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><fileVersion appName=\"xl\" lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/><workbookPr defaultThemeVersion=\"124226\"/><bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets><sheet name=\"指标\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"项目\" sheetId=\"2\" r:id=\"rId2\"/><sheet name=\"说明\" sheetId=\"3\" r:id=\"rId3\"/></sheets>";

const APP: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size=\"4\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>3</vt:i4></vt:variant><vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant><vt:variant><vt:i4>3</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"6\" baseType=\"lpstr\"><vt:lpstr>指标</vt:lpstr><vt:lpstr>项目</vt:lpstr><vt:lpstr>说明</vt:lpstr><vt:lpstr>指标!Print_Titles</vt:lpstr><vt:lpstr>说明!Print_Titles</vt:lpstr><vt:lpstr>项目!Print_Titles</vt:lpstr></vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::convert_bytes;
    use crate::limits::Limits;
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use std::io::Read;

    /// A workbook's parts, its creation time masked.
    fn parts(bytes: &[u8]) -> Vec<(String, String)> {
        let mut z = zip::ZipArchive::new(io::Cursor::new(bytes)).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut text = String::new();
                f.read_to_string(&mut text).unwrap();
                let name = f.name().unwrap().to_string();
                if name == "docProps/core.xml" {
                    while let Some(at) = text.find("W3CDTF\">2") {
                        let at = at + "W3CDTF\">".len();
                        text.replace_range(at..at + 20, "(time)");
                    }
                }
                (name, text)
            })
            .collect()
    }

    fn ours(tables: &[Table], headers: Headers) -> Vec<u8> {
        let mut book = FlatBook::new(headers).unwrap();
        for t in tables {
            book.table(t).unwrap();
        }
        let mut out = Vec::new();
        book.finish(&mut out).unwrap();
        out
    }

    /// Ours and rust_xlsxwriter's workbooks have the same parts, byte for byte.
    fn same_as_rust_xlsxwriter(tables: &[Table], headers: Headers) -> Result<(), String> {
        let want = parts(&super::super::xlsx::reference_flat(tables, headers));
        let got = parts(&ours(tables, headers));
        for ((wn, w), (gn, g)) in want.iter().zip(&got) {
            if wn != gn {
                return Err(format!("part {gn}, expected {wn}"));
            }
            if w != g {
                let at = w.bytes().zip(g.bytes()).take_while(|(a, b)| a == b).count();
                let from = at.saturating_sub(80);
                let around = |s: &str| {
                    String::from_utf8_lossy(&s.as_bytes()[from..(at + 80).min(s.len())])
                        .into_owned()
                };
                return Err(format!(
                    "{wn} differs at byte {at}:\n expected …{}\n      got …{}",
                    around(w),
                    around(g)
                ));
            }
        }
        if want.len() != got.len() {
            return Err(format!("{} parts, expected {}", got.len(), want.len()));
        }
        Ok(())
    }

    /// Every sample's tables, converted once for all tests.
    fn sample_tables() -> Vec<Table> {
        static TABLES: std::sync::OnceLock<Vec<Table>> = std::sync::OnceLock::new();
        TABLES.get_or_init(convert_samples).clone()
    }

    fn convert_samples() -> Vec<Table> {
        let limits = Limits::default();
        let mut paths: Vec<_> = std::fs::read_dir("samples")
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let p = p.to_string_lossy();
                [".txt", ".docx", ".xlsx", ".doc", ".xls", ".ods"]
                    .iter()
                    .any(|e| p.ends_with(e))
            })
            .collect();
        paths.sort();
        let mut tables = Vec::new();
        for p in paths {
            let label = p.to_string_lossy().into_owned();
            if let Ok(n) = convert_bytes(&std::fs::read(&p).unwrap(), &label, &limits) {
                tables.extend(n.tables);
            }
        }
        assert!(tables.len() >= 20, "{} tables", tables.len());
        tables
    }

    #[test]
    fn samples_give_rust_xlsxwriters_workbook() {
        let tables = sample_tables();
        for headers in [Headers::Zh, Headers::En] {
            same_as_rust_xlsxwriter(&tables, headers).unwrap();
            same_as_rust_xlsxwriter(&tables[..1], headers).unwrap();
            same_as_rust_xlsxwriter(&[], headers).unwrap();
        }
    }

    #[test]
    fn a_table_without_indicators_or_numbers() {
        let mut t = sample_tables()[0].clone();
        t.indicators.clear();
        t.notes.clear();
        t.budget = Default::default();
        t.year = None;
        same_as_rust_xlsxwriter(&[t], Headers::Zh).unwrap();
    }

    #[test]
    fn decimals_and_whitespace() {
        let mut t = sample_tables()[0].clone();
        let d = |s: &str| Some(s.parse::<Decimal>().unwrap());
        t.budget.total = d("0.80");
        t.budget.fiscal = d("12345678901234567890.5");
        t.budget.other = d("-0.000000000000000000000000001");
        t.title = Some(" 前后有空格\t".into());
        t.unit_name = Some("\n".into());
        same_as_rust_xlsxwriter(&[t], Headers::Zh).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn any_text_is_escaped_as_rust_xlsxwriter_does(
            texts in proptest::collection::vec(
                "[a-zA-F0-9 _x&<>\"'\t\n\r\u{0}\u{1}\u{b}\u{1f}\u{7f}\u{fffd}\u{fffe}\u{ffff}中≥]{0,14}",
                6,
            ),
            number in "-?[0-9]{1,20}(\\.[0-9]{1,12})?",
        ) {
            let mut t = sample_tables()[0].clone();
            t.title = Some(texts[0].clone());
            t.project_name = Some(texts[1].clone());
            t.fund_use = Some(texts[2].clone());
            t.budget.total = number.parse().ok();
            if let Some(i) = t.indicators.first_mut() {
                i.level3 = Some(texts[3].clone());
                i.remark = Some(texts[4].clone());
            }
            if let Some(n) = t.notes.first_mut() {
                n.raw = texts[5].clone();
            }
            prop_assert_eq!(same_as_rust_xlsxwriter(&[t], Headers::Zh), Ok(()));
        }
    }
}
