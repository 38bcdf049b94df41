//! The form layout's workbook (`--layout form`: one printable 绩效目标表 per
//! sheet) written by jixiao itself, one sheet at a time: a table's sheet is
//! laid out in memory ([`Sheet`], the cells of one table), its XML appended
//! to one anonymous temporary file, and the sheet dropped. What stays in
//! memory while tables arrive is per sheet only its name, its length in the
//! file and its repeated row, so peak memory is flat in the number of files
//! (rust_xlsxwriter held every form sheet, and a shared string table of all
//! their text, until the workbook was saved: 1.5 GB at 4,000 files).
//!
//! The XML is what rust_xlsxwriter wrote for the same calls, except that
//! text is written inline (`t="inlineStr"`, as the flat layout) rather
//! than through a shared string table, which would grow with the files.

use super::cell::{
    escape_into, excel_width, num_fmts, push_u32, utc_now, CORE_START, ROOT_RELS, THEME,
};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};

/// Excel's limits on rows and columns.
const ROW_MAX: u32 = 1_048_576;
const COL_MAX: u16 = 16_384;

/// The fixed cell styles of a form sheet; number formats follow from 4, in
/// the order first used (`FormBook::number`).
pub(super) const TITLE: u32 = 1;
pub(super) const CELL: u32 = 2;
pub(super) const LABEL: u32 = 3;

enum Value {
    Text(String),
    Number(f64),
    Blank,
}

/// One table's form sheet, laid out before it is written.
pub(super) struct Sheet {
    name: String,
    widths: Vec<f64>,
    landscape: bool,
    cells: BTreeMap<(u32, u16), (Value, u32)>,
    merges: Vec<(u32, u16, u32, u16)>,
    /// Row heights in whole pixels (as rust_xlsxwriter stores them).
    heights: BTreeMap<u32, u32>,
    repeat: Option<u32>,
}

fn limit() -> io::Error {
    io::Error::other(rust_xlsxwriter::XlsxError::RowColumnLimitError.to_string())
}

impl Sheet {
    pub(super) fn new(name: String, widths: Vec<f64>, landscape: bool) -> io::Result<Sheet> {
        if widths.len() > COL_MAX as usize {
            return Err(limit());
        }
        Ok(Sheet {
            name,
            widths,
            landscape,
            cells: BTreeMap::new(),
            merges: Vec::new(),
            heights: BTreeMap::new(),
            repeat: None,
        })
    }

    fn put(&mut self, r: u32, c: u16, v: Value, xf: u32) -> io::Result<()> {
        if r >= ROW_MAX || c >= COL_MAX {
            return Err(limit());
        }
        self.cells.insert((r, c), (v, xf));
        Ok(())
    }

    /// A text cell; an empty text is a blank cell in the style.
    pub(super) fn string(&mut self, r: u32, c: u16, text: &str, xf: u32) -> io::Result<()> {
        let v = if text.is_empty() {
            Value::Blank
        } else {
            Value::Text(text.to_string())
        };
        self.put(r, c, v, xf)
    }

    pub(super) fn number(&mut self, r: u32, c: u16, n: f64, xf: u32) -> io::Result<()> {
        self.put(r, c, Value::Number(n), xf)
    }

    pub(super) fn blank(&mut self, r: u32, c: u16, xf: u32) -> io::Result<()> {
        self.put(r, c, Value::Blank, xf)
    }

    /// `text` over `r0..=r1` × `c0..=c1`: the text in the first cell, the
    /// others blank in the same style (so their borders print).
    pub(super) fn merge(
        &mut self,
        (r0, c0): (u32, u16),
        (r1, c1): (u32, u16),
        text: &str,
        xf: u32,
    ) -> io::Result<()> {
        for r in r0..=r1 {
            for c in c0..=c1 {
                if (r, c) != (r0, c0) {
                    self.blank(r, c, xf)?;
                }
            }
        }
        self.string(r0, c0, text, xf)?;
        self.merges.push((r0, c0, r1, c1));
        Ok(())
    }

    /// Row `r`'s height in points, kept in whole pixels as Excel does.
    pub(super) fn row_height(&mut self, r: u32, points: f64) {
        self.heights.insert(r, (points * 4.0 / 3.0).round() as u32);
    }

    /// Row `r` is printed again at the top of every page.
    pub(super) fn repeat_row(&mut self, r: u32) {
        self.repeat = Some(r);
    }

    /// The sheet's XML.
    fn xml(&self, first: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(4096 + self.cells.len() * 48);
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr><dimension ref=\"A1");
        let last_row = self.cells.keys().map(|k| k.0).max().unwrap_or(0);
        let last_col = self.cells.keys().map(|k| k.1).max().unwrap_or(0);
        if last_row > 0 || last_col > 0 {
            out.push(b':');
            column_name(&mut out, last_col);
            push_u32(&mut out, last_row + 1);
        }
        out.extend_from_slice(b"\"/><sheetViews><sheetView ");
        if first {
            out.extend_from_slice(b"tabSelected=\"1\" ");
        }
        out.extend_from_slice(
            b"workbookViewId=\"0\"/></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>",
        );
        if !self.widths.is_empty() {
            out.extend_from_slice(b"<cols>");
            // Adjacent columns of one width share a <col> (as rust_xlsxwriter).
            let mut c = 0;
            while c < self.widths.len() {
                let mut end = c;
                while end + 1 < self.widths.len() && self.widths[end + 1] == self.widths[c] {
                    end += 1;
                }
                let _ = write!(
                    out,
                    "<col min=\"{}\" max=\"{}\" width=\"{}\" customWidth=\"1\"/>",
                    c + 1,
                    end + 1,
                    excel_width(self.widths[c])
                );
                c = end + 1;
            }
            out.extend_from_slice(b"</cols>");
        }
        out.extend_from_slice(b"<sheetData>");
        let mut cells = self.cells.iter().peekable();
        let mut heights = self.heights.iter().peekable();
        loop {
            // The next row holding a cell or a height.
            let r = match (cells.peek(), heights.peek()) {
                (Some(((a, _), _)), Some((b, _))) => (*a).min(**b),
                (Some(((a, _), _)), None) => *a,
                (None, Some((b, _))) => **b,
                (None, None) => break,
            };
            out.extend_from_slice(b"<row r=\"");
            push_u32(&mut out, r + 1);
            out.push(b'"');
            if let Some((_, px)) = heights.next_if(|(b, _)| **b == r) {
                // 20 pixels is the default (15 pt).
                if *px != 20 {
                    let _ = write!(out, " ht=\"{}\" customHeight=\"1\"", f64::from(*px) * 0.75);
                }
            }
            out.push(b'>');
            while let Some(((_, c), (v, xf))) = cells.next_if(|((a, _), _)| *a == r) {
                out.extend_from_slice(b"<c r=\"");
                column_name(&mut out, *c);
                push_u32(&mut out, r + 1);
                out.push(b'"');
                if *xf > 0 {
                    out.extend_from_slice(b" s=\"");
                    push_u32(&mut out, *xf);
                    out.push(b'"');
                }
                match v {
                    Value::Blank => out.extend_from_slice(b"/>"),
                    Value::Number(n) => {
                        let _ = write!(out, "><v>{n}</v></c>");
                    }
                    Value::Text(t) => {
                        out.extend_from_slice(b" t=\"inlineStr\"><is><t");
                        let ws = |c: char| matches!(c, '\t' | '\n' | ' ');
                        if t.starts_with(ws) || t.ends_with(ws) {
                            out.extend_from_slice(b" xml:space=\"preserve\"");
                        }
                        out.push(b'>');
                        escape_into(&mut out, t);
                        out.extend_from_slice(b"</t></is></c>");
                    }
                }
            }
            out.extend_from_slice(b"</row>");
        }
        out.extend_from_slice(b"</sheetData>");
        if !self.merges.is_empty() {
            let _ = write!(out, "<mergeCells count=\"{}\">", self.merges.len());
            for (r0, c0, r1, c1) in &self.merges {
                out.extend_from_slice(b"<mergeCell ref=\"");
                column_name(&mut out, *c0);
                push_u32(&mut out, r0 + 1);
                out.push(b':');
                column_name(&mut out, *c1);
                push_u32(&mut out, r1 + 1);
                out.extend_from_slice(b"\"/>");
            }
            out.extend_from_slice(b"</mergeCells>");
        }
        let _ = write!(
            out,
            "<printOptions horizontalCentered=\"1\"/><pageMargins left=\"0.5\" right=\"0.5\" top=\"0.6\" bottom=\"0.7\" header=\"0.3\" footer=\"0.3\"/><pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"{}\" horizontalDpi=\"200\" verticalDpi=\"200\"/><headerFooter><oddFooter>&amp;L&amp;A&amp;R第 &amp;P 页</oddFooter></headerFooter></worksheet>",
            if self.landscape { "landscape" } else { "portrait" }
        );
        out
    }
}

/// Excel's column letters for column `c` (0-based): A … Z, AA … XFD.
fn column_name(out: &mut Vec<u8>, c: u16) {
    let mut n = u32::from(c) + 1;
    let mut buf = [0u8; 3];
    let mut i = buf.len();
    while n > 0 && i > 0 {
        i -= 1;
        buf[i] = b'A' + ((n - 1) % 26) as u8;
        n = (n - 1) / 26;
    }
    out.extend_from_slice(&buf[i..]);
}

/// What a written sheet leaves behind: its name, its bytes in the
/// temporary file, its repeated row.
struct Written {
    name: String,
    len: u64,
    repeat: Option<u32>,
}

/// The form workbook being written.
pub(super) struct FormBook {
    body: BufWriter<File>,
    sheets: Vec<Written>,
    /// Number formats by scale, in the order first used: cell style 4 + i.
    scales: Vec<usize>,
}

impl FormBook {
    pub(super) fn new() -> io::Result<FormBook> {
        Ok(FormBook {
            body: BufWriter::with_capacity(64 * 1024, tempfile::tempfile()?),
            sheets: Vec::new(),
            scales: Vec::new(),
        })
    }

    /// The cell style of a bordered number with `scale` decimals.
    pub(super) fn number(&mut self, scale: usize) -> u32 {
        let i = match self.scales.iter().position(|s| *s == scale) {
            Some(i) => i,
            None => {
                self.scales.push(scale);
                self.scales.len() - 1
            }
        };
        4 + i as u32
    }

    /// Writes `sheet` out to the temporary file and lets it go.
    pub(super) fn add(&mut self, sheet: Sheet) -> io::Result<()> {
        let xml = sheet.xml(self.sheets.is_empty());
        self.body.write_all(&xml)?;
        self.sheets.push(Written {
            name: sheet.name,
            len: xml.len() as u64,
            repeat: sheet.repeat,
        });
        Ok(())
    }

    /// Zips the workbook into `out` as it goes.
    pub(super) fn finish<W: Write + Send>(mut self, out: W) -> io::Result<()> {
        if self.sheets.is_empty() {
            let empty = Sheet::new("绩效目标表".into(), Vec::new(), false)?;
            self.add(empty)?;
        }
        let zerr = |e: zip::result::ZipError| io::Error::other(e.to_string());
        let mut zip = zip::ZipWriter::new_stream(out);
        let options = super::cell::zip_options();
        let part = |zip: &mut zip::ZipWriter<_>, name: &str, text: &[u8]| -> io::Result<()> {
            zip.start_file(name, options).map_err(zerr)?;
            zip.write_all(text)
        };
        let n = self.sheets.len();
        let mut types = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/><Override PartName=\"/xl/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
        for i in 1..=n {
            types += &format!("<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>");
        }
        types += "</Types>";
        part(&mut zip, "[Content_Types].xml", types.as_bytes())?;
        part(&mut zip, "_rels/.rels", ROOT_RELS.as_bytes())?;
        let mut rels = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
        for i in 1..=n {
            rels += &format!("<Relationship Id=\"rId{i}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>");
        }
        rels += &format!("<Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/><Relationship Id=\"rId{}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>", n + 1, n + 2);
        part(&mut zip, "xl/_rels/workbook.xml.rels", rels.as_bytes())?;
        part(&mut zip, "xl/theme/theme1.xml", THEME.as_bytes())?;
        part(&mut zip, "xl/styles.xml", styles(&self.scales).as_bytes())?;
        part(&mut zip, "xl/workbook.xml", &self.workbook_xml())?;
        self.body.flush()?;
        let mut file = std::mem::replace(&mut self.body, BufWriter::new(tempfile::tempfile()?))
            .into_inner()
            .map_err(|e| e.into_error())?;
        file.rewind()?;
        let mut file = io::BufReader::with_capacity(64 * 1024, file);
        for (i, s) in self.sheets.iter().enumerate() {
            zip.start_file(format!("xl/worksheets/sheet{}.xml", i + 1), options)
                .map_err(zerr)?;
            let copied = io::copy(&mut (&mut file).take(s.len), &mut zip)?;
            if copied != s.len {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "form sheet cut short in its temporary file",
                ));
            }
        }
        let now = utc_now();
        part(
            &mut zip,
            "docProps/core.xml",
            format!("{CORE_START}<dcterms:created xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:modified></cp:coreProperties>").as_bytes(),
        )?;
        part(&mut zip, "docProps/app.xml", &self.app_xml())?;
        zip.finish().map_err(zerr)?;
        Ok(())
    }

    fn workbook_xml(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><fileVersion appName=\"xl\" lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/><workbookPr defaultThemeVersion=\"124226\"/><bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets>");
        for (i, s) in self.sheets.iter().enumerate() {
            out.extend_from_slice(b"<sheet name=\"");
            escape_attr(&mut out, &s.name);
            let _ = write!(out, "\" sheetId=\"{}\" r:id=\"rId{}\"/>", i + 1, i + 1);
        }
        out.extend_from_slice(b"</sheets>");
        let titles = self.print_titles();
        if !titles.is_empty() {
            out.extend_from_slice(b"<definedNames>");
            for (name, i, r) in titles {
                let _ = write!(
                    out,
                    "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">"
                );
                escape_attr(&mut out, &name);
                let _ = write!(out, "!${}:${}</definedName>", r + 1, r + 1);
            }
            out.extend_from_slice(b"</definedNames>");
        }
        out.extend_from_slice(b"<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
        out
    }

    /// Each sheet's repeated row as (quoted name, sheet index, row), sorted
    /// by name as rust_xlsxwriter (and Excel) list defined names.
    fn print_titles(&self) -> Vec<(String, usize, u32)> {
        let mut titles: Vec<(String, usize, u32)> = self
            .sheets
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((quoted(&s.name), i, s.repeat?)))
            .collect();
        titles.sort();
        titles
    }

    fn app_xml(&self) -> Vec<u8> {
        let titles = self.print_titles();
        let mut out = Vec::new();
        let _ = write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size=\"{}\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>{}</vt:i4></vt:variant>",
            if titles.is_empty() { 2 } else { 4 },
            self.sheets.len()
        );
        if !titles.is_empty() {
            let _ = write!(
                out,
                "<vt:variant><vt:lpstr>Named Ranges</vt:lpstr></vt:variant><vt:variant><vt:i4>{}</vt:i4></vt:variant>",
                titles.len()
            );
        }
        let _ = write!(
            out,
            "</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"{}\" baseType=\"lpstr\">",
            self.sheets.len() + titles.len()
        );
        for s in &self.sheets {
            out.extend_from_slice(b"<vt:lpstr>");
            escape_attr(&mut out, &s.name);
            out.extend_from_slice(b"</vt:lpstr>");
        }
        for (name, _, _) in titles {
            out.extend_from_slice(b"<vt:lpstr>");
            escape_attr(&mut out, &name);
            out.extend_from_slice(b"!Print_Titles</vt:lpstr>");
        }
        out.extend_from_slice(b"</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>");
        out
    }
}

/// A sheet name as a formula names it: in quotes, a quote doubled.
fn quoted(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

/// Text in an attribute or a plain element: `& < > "` escaped.
fn escape_attr(out: &mut Vec<u8>, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '"' => out.extend_from_slice(b"&quot;"),
            _ => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

fn styles(scales: &[usize]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
    s += &num_fmts(scales);
    s += "<fonts count=\"3\"><font><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font><font><b/><sz val=\"14\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font><font><b/><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font></fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills><borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right><top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>";
    s += &format!("<cellXfs count=\"{}\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyAlignment=\"1\"><alignment horizontal=\"center\" vertical=\"center\" wrapText=\"1\"/></xf><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyBorder=\"1\" applyAlignment=\"1\"><alignment vertical=\"center\" wrapText=\"1\"/></xf><xf numFmtId=\"0\" fontId=\"2\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyBorder=\"1\" applyAlignment=\"1\"><alignment horizontal=\"center\" vertical=\"center\" wrapText=\"1\"/></xf>", 4 + scales.len());
    for i in 0..scales.len() {
        s += &format!("<xf numFmtId=\"{}\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyNumberFormat=\"1\" applyBorder=\"1\" applyAlignment=\"1\"><alignment vertical=\"center\" wrapText=\"1\"/></xf>", 164 + i);
    }
    s += "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles><dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>";
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_run_past_z() {
        let name = |c| {
            let mut v = Vec::new();
            column_name(&mut v, c);
            String::from_utf8(v).unwrap()
        };
        assert_eq!(name(0), "A");
        assert_eq!(name(25), "Z");
        assert_eq!(name(26), "AA");
        assert_eq!(name(701), "ZZ");
        assert_eq!(name(702), "AAA");
        assert_eq!(name(COL_MAX - 1), "XFD");
    }
}
