//! Generators of pathological inputs, one per family of issue 10, each at
//! any size `n`. Shared by tests/scaling.rs, tests/regressions.rs and
//! examples/hostile.rs (which writes them for scripts/bench/scaling.sh).
#![allow(dead_code)]

use std::io::Write;

/// A family: its name, a one-line description, and its generator.
pub struct Family {
    pub name: &'static str,
    pub what: &'static str,
    /// The file name's extension (the content decides the format anyway).
    pub ext: &'static str,
    pub make: fn(usize) -> Vec<u8>,
}

pub const FAMILIES: &[Family] = &[
    Family {
        name: "wide-row-docx",
        what: "a data row n columns wider than its header (extra keys ?, ? (2)…)",
        ext: "docx",
        make: wide_row_docx,
    },
    Family {
        name: "wide-row-ods",
        what: "the same from repeated ODS columns (n/1000 cells × 1000)",
        ext: "ods",
        make: wide_row_ods,
    },
    Family {
        name: "corner-merges-xlsx",
        what: "n large merges, each overlapping an earlier one at one corner",
        ext: "xlsx",
        make: corner_merges_xlsx,
    },
    Family {
        name: "corner-merges-xml2003",
        what: "the same in SpreadsheetML (MergeAcross/MergeDown)",
        ext: "xml",
        make: corner_merges_xml2003,
    },
    Family {
        name: "blank-per-cell-txt",
        what: "a text dump row of n cells, each followed by a blank line",
        ext: "txt",
        make: blank_per_cell_txt,
    },
    Family {
        name: "scripts-html",
        what: "n <script> elements before a table",
        ext: "html",
        make: scripts_html,
    },
    Family {
        name: "spans-html",
        what: "n cells of rowspan=1000 colspan=1000",
        ext: "html",
        make: spans_html,
    },
    Family {
        name: "short-lines-txt",
        what: "n lines of one character",
        ext: "txt",
        make: short_lines_txt,
    },
    Family {
        name: "wide-over-narrow-txt",
        what: "one row of n/10 cells over n one-cell rows (padded area)",
        ext: "txt",
        make: wide_over_narrow_txt,
    },
    Family {
        name: "far-cells-xlsx",
        what: "n/1000 sheets, each two cells 1000×1000 apart",
        ext: "xlsx",
        make: far_cells_xlsx,
    },
    Family {
        name: "grid-before-docx",
        what: "n rows each with gridBefore=16384 (padded area over tables)",
        ext: "docx",
        make: grid_before_docx,
    },
    Family {
        name: "far-cells-xls",
        what: "n/1000 .xls sheets, each two cells 1000×1000 apart (dense range)",
        ext: "xls",
        make: far_cells_xls,
    },
    Family {
        name: "marks-doc",
        what: "issue 21 #1: n pieces all pointing at one 64 KB run of in-table paragraph marks",
        ext: "doc",
        make: marks_doc,
    },
    Family {
        name: "cell-marks-doc",
        what: "issue 21 #1: the same with cell marks (\\x07) that never end a row",
        ext: "doc",
        make: cell_marks_doc,
    },
    Family {
        name: "project-key-docx",
        what: "issue 21 #8: a project name ending in `-2024` repeated n times (check, sqlite)",
        ext: "docx",
        make: project_key_docx,
    },
    Family {
        name: "indicators-diff",
        what: "issue 21 #9: one project of n indicators (diff against indicators-diff-new)",
        ext: "docx",
        make: indicators_diff_docx,
    },
    Family {
        name: "indicators-diff-new",
        what: "issue 21 #9: the same n indicators, each renamed by one character",
        ext: "docx",
        make: indicators_diff_new_docx,
    },
    Family {
        name: "tables-diff",
        what: "issue 21 #10: n tables, each its own project (diff against itself)",
        ext: "docx",
        make: tables_diff_docx,
    },
    Family {
        name: "same-named-form",
        what: "issue 21 #15: n tables of one project name (--to xlsx --layout form)",
        ext: "docx",
        make: same_named_docx,
    },
    Family {
        name: "calamine-mulrk-xls",
        what: "issue 21 #14: calamine 0.38 parse_mul_rk overflow (n ignored)",
        ext: "xls",
        make: |_| calamine_panic_xls("mulrk"),
    },
    Family {
        name: "calamine-name-xls",
        what: "issue 21 #14: calamine 0.38 parse_lbl `len - cce` (n ignored)",
        ext: "xls",
        make: |_| calamine_panic_xls("name"),
    },
    Family {
        name: "calamine-formula-xls",
        what: "issue 21 #14: calamine 0.38 parse_formula `2..2 + cce` (n ignored)",
        ext: "xls",
        make: |_| calamine_panic_xls("formula"),
    },
    Family {
        name: "nested-doc",
        what: "issue 21 #2: n pieces of 24 marks alternating table depth 256 and 0",
        ext: "doc",
        make: nested_doc,
    },
];

pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A .docx whose body is `body` (WordprocessingML inside `w:body`).
pub fn docx(body: &str) -> Vec<u8> {
    let doc = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", doc.as_bytes()),
    ])
}

pub fn docx_row(cells: &[&str]) -> String {
    let mut s = String::from("<w:tr>");
    for c in cells {
        s.push_str(&format!(
            "<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>"
        ));
    }
    s.push_str("</w:tr>");
    s
}

pub const HEADER: [&str; 4] = ["一级指标", "二级指标", "三级指标", "指标值"];
pub const DATA: [&str; 4] = ["产出指标", "数量指标", "完成数", "≥10"];

pub fn wide_row_docx(n: usize) -> Vec<u8> {
    let mut data: Vec<&str> = DATA.to_vec();
    data.extend(std::iter::repeat_n("v", n));
    docx(&format!(
        "<w:tbl>{}{}</w:tbl>",
        docx_row(&HEADER),
        docx_row(&data)
    ))
}

pub fn ods(content: &str) -> Vec<u8> {
    zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", content.as_bytes()),
    ])
}

fn ods_cell(text: &str, repeat: usize) -> String {
    format!(
        r#"<table:table-cell table:number-columns-repeated="{repeat}"><text:p>{text}</text:p></table:table-cell>"#
    )
}

pub fn wide_row_ods(n: usize) -> Vec<u8> {
    let header: String = HEADER.iter().map(|h| ods_cell(h, 1)).collect();
    let mut data: String = DATA.iter().map(|h| ods_cell(h, 1)).collect();
    for _ in 0..n.div_ceil(1000) {
        data.push_str(&ods_cell("v", 1000));
    }
    ods(&format!(
        r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row>{header}</table:table-row><table:table-row>{data}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    ))
}

/// An .xlsx of sheets given as worksheet XML.
pub fn xlsx(sheets: &[String]) -> Vec<u8> {
    xlsx_with(sheets, &[])
}

/// An .xlsx of sheets and further parts (`xl/styles.xml`).
pub fn xlsx_with(sheets: &[String], more: &[(&str, &[u8])]) -> Vec<u8> {
    let list: String = (1..=sheets.len())
        .map(|i| format!(r#"<sheet name="S{i}" r:id="rId{i}" xmlns:r="r"/>"#))
        .collect();
    let rels: String = (1..=sheets.len())
        .map(|i| {
            format!(
                r#"<Relationship Id="rId{i}" Type="x/worksheet" Target="worksheets/sheet{i}.xml"/>"#
            )
        })
        .collect();
    let workbook = format!("<workbook><sheets>{list}</sheets></workbook>");
    let rels = format!("<Relationships>{rels}</Relationships>");
    let names: Vec<String> = (1..=sheets.len())
        .map(|i| format!("xl/worksheets/sheet{i}.xml"))
        .collect();
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
    ];
    for (name, sheet) in names.iter().zip(sheets) {
        parts.push((name, sheet.as_bytes()));
    }
    parts.extend_from_slice(more);
    zip(&parts)
}

/// Side of the square sheet the corner-merge families fill.
pub const SIDE: u32 = 1000;

fn col_name(mut col: u32) -> String {
    let mut s = Vec::new();
    col += 1;
    while col > 0 {
        s.push(b'A' + ((col - 1) % 26) as u8);
        col = (col - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

pub fn corner_merges_xlsx(n: usize) -> Vec<u8> {
    let last = format!("{}{}", col_name(SIDE - 1), SIDE);
    let mut merges = format!(
        r#"<mergeCell ref="{}{}:{last}"/>"#,
        col_name(SIDE - 2),
        SIDE - 1
    );
    let big = format!(
        r#"<mergeCell ref="A1:{}{}"/>"#,
        col_name(SIDE - 2),
        SIDE - 1
    );
    for _ in 0..n {
        merges.push_str(&big);
    }
    xlsx(&[format!(
        r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="{SIDE}"><c r="{last}" t="inlineStr"><is><t>b</t></is></c></row></sheetData><mergeCells>{merges}</mergeCells></worksheet>"#
    )])
}

pub fn corner_merges_xml2003(n: usize) -> Vec<u8> {
    let s = SIDE;
    let mut rows = format!(
        r#"<Row ss:Index="{}"><Cell ss:Index="{}" ss:MergeAcross="1" ss:MergeDown="1"><Data ss:Type="String">b</Data></Cell></Row><Row ss:Index="1">"#,
        s - 1,
        s - 1
    );
    for _ in 0..n {
        rows.push_str(&format!(
            r#"<Cell ss:Index="1" ss:MergeAcross="{}" ss:MergeDown="{}"><Data ss:Type="String">a</Data></Cell>"#,
            s - 2,
            s - 2
        ));
    }
    rows.push_str("</Row>");
    format!(
        r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>{rows}</Table></Worksheet></Workbook>"#
    )
    .into_bytes()
}

pub fn blank_per_cell_txt(n: usize) -> Vec<u8> {
    let mut s = String::new();
    for _ in 0..n {
        s.push_str("\tv\n");
    }
    s.push('\n');
    for _ in 0..n {
        s.push_str("\tw\n\n");
    }
    s.into_bytes()
}

fn header_table_html() -> String {
    let row = |cells: &[&str]| -> String {
        let tds: String = cells.iter().map(|c| format!("<td>{c}</td>")).collect();
        format!("<tr>{tds}</tr>")
    };
    format!("<table>{}{}</table>", row(&HEADER), row(&DATA))
}

pub fn scripts_html(n: usize) -> Vec<u8> {
    let mut s = String::from("<html><body>");
    for _ in 0..n {
        s.push_str("<script>var a=1;</script><p>x</p>");
    }
    s.push_str(&header_table_html());
    s.push_str("</body></html>");
    s.into_bytes()
}

pub fn spans_html(n: usize) -> Vec<u8> {
    let mut s = String::from("<html><table>");
    for _ in 0..n {
        s.push_str("<tr><td rowspan=1000 colspan=1000>x</td></tr>");
    }
    s.push_str("</table></html>");
    s.into_bytes()
}

pub fn short_lines_txt(n: usize) -> Vec<u8> {
    "a\n".repeat(n).into_bytes()
}

pub fn wide_over_narrow_txt(n: usize) -> Vec<u8> {
    let mut s = "\tv\n".repeat(n / 10 + 1);
    s.push('\n');
    s.push_str(&"\tw\n\n".repeat(n));
    s.into_bytes()
}

pub fn far_cells_xlsx(n: usize) -> Vec<u8> {
    let sheet = format!(
        r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="{SIDE}"><c r="{}{SIDE}" t="inlineStr"><is><t>b</t></is></c></row></sheetData></worksheet>"#,
        col_name(SIDE - 1)
    );
    xlsx(&vec![sheet; n.div_ceil(1000)])
}

pub fn grid_before_docx(n: usize) -> Vec<u8> {
    let row = r#"<w:tr><w:trPr><w:gridBefore w:val="16383"/></w:trPr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"#;
    docx(&format!("<w:tbl>{}</w:tbl>", row.repeat(n)))
}

/// One BIFF record: type, length, body.
pub fn biff_record(kind: u16, body: &[u8]) -> Vec<u8> {
    let mut r = kind.to_le_bytes().to_vec();
    r.extend_from_slice(&(body.len() as u16).to_le_bytes());
    r.extend_from_slice(body);
    r
}

fn biff_bof(dt: u16) -> Vec<u8> {
    let mut b = vec![0x00, 0x06];
    b.extend_from_slice(&dt.to_le_bytes());
    b.extend_from_slice(&[0; 12]);
    biff_record(0x0809, &b)
}

/// A BIFF8 DIMENSIONS body: rows `first..last` (exclusive), columns likewise.
pub fn biff_dimensions(first_row: u32, last_row: u32, first_col: u16, last_col: u16) -> Vec<u8> {
    let mut b = first_row.to_le_bytes().to_vec();
    b.extend_from_slice(&last_row.to_le_bytes());
    b.extend_from_slice(&first_col.to_le_bytes());
    b.extend_from_slice(&last_col.to_le_bytes());
    b.extend_from_slice(&[0, 0]);
    biff_record(0x0200, &b)
}

/// A BIFF8 NUMBER record at (row, col).
pub fn biff_number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut b = row.to_le_bytes().to_vec();
    b.extend_from_slice(&col.to_le_bytes());
    b.extend_from_slice(&[0, 0]);
    b.extend_from_slice(&v.to_le_bytes());
    biff_record(0x0203, &b)
}

/// An Excel 97-2003 workbook (OLE2 holding a BIFF8 `Workbook` stream), one
/// sheet per entry of `sheets`, each the records between its BOF and EOF.
pub fn xls(sheets: &[Vec<u8>]) -> Vec<u8> {
    xls_with(&[], sheets)
}

/// [`xls`] with more records in the workbook globals (after BOF).
pub fn xls_with(globals: &[u8], sheets: &[Vec<u8>]) -> Vec<u8> {
    // Globals: BOF, one BOUNDSHEET per sheet (positions patched in), EOF.
    let bound = |pos: u32, k: usize| {
        let name = format!("S{k}");
        let mut b = pos.to_le_bytes().to_vec();
        b.extend_from_slice(&[0, 0, name.len() as u8, 0]);
        b.extend_from_slice(name.as_bytes());
        biff_record(0x0085, &b)
    };
    let globals_len = biff_bof(5).len()
        + globals.len()
        + (0..sheets.len()).map(|k| bound(0, k).len()).sum::<usize>()
        + biff_record(0x000A, &[]).len();
    let mut stream = biff_bof(5);
    stream.extend_from_slice(globals);
    let mut pos = globals_len;
    let mut bodies = Vec::new();
    for (k, records) in sheets.iter().enumerate() {
        stream.extend(bound(pos as u32, k));
        let mut sheet = biff_bof(0x10);
        sheet.extend_from_slice(records);
        sheet.extend(biff_record(0x000A, &[]));
        pos += sheet.len();
        bodies.push(sheet);
    }
    stream.extend(biff_record(0x000A, &[]));
    for b in bodies {
        stream.extend(b);
    }
    let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

/// n/1000 sheets of .xls, each two numbers 1000×1000 apart (calamine's
/// dense range); the used area is counted before calamine allocates it.
pub fn far_cells_xls(n: usize) -> Vec<u8> {
    let side = SIDE as u16 - 1;
    let sheet = [biff_number(0, 0, 1.0), biff_number(side, side, 2.0)].concat();
    xls(&vec![sheet; n.div_ceil(1000)])
}

/// sprmPFInTable = 1.
pub const IN_TABLE: [u8; 3] = [0x16, 0x24, 0x01];

/// sprmPItap = `depth`.
pub fn itap(depth: u32) -> Vec<u8> {
    let mut s = vec![0x49, 0x66];
    s.extend_from_slice(&depth.to_le_bytes());
    s
}

/// A minimal Word 97 document (OLE2: a `WordDocument` stream with a FIB,
/// and `1Table`): `text` stored once, compressed (one byte a character),
/// read `pieces` times over by a piece table whose pieces all point at it,
/// and paragraph properties given by `runs`, each `(bytes, sprms)` covering
/// the next `bytes` bytes of `text` (the runs laid end to end from its
/// start). Enough for jixiao's reader, not for Word.
pub fn word97(text: &[u8], pieces: usize, runs: &[(usize, Vec<u8>)]) -> Vec<u8> {
    const TEXT_AT: usize = 1024;
    // FIB: base (32 bytes), csw = 14 shorts, cslw = 22 longs (ccpText at
    // the 4th), cbRgFcLcb = 93 pairs (PlcfBteChpx 12, PlcfBtePapx 13, Clx 33).
    let mut w = vec![0u8; TEXT_AT];
    w[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    w[2..4].copy_from_slice(&193u16.to_le_bytes());
    w[10..12].copy_from_slice(&0x0200u16.to_le_bytes()); // fWhichTblStm: 1Table
    w[32..34].copy_from_slice(&14u16.to_le_bytes());
    let lw = 34 + 14 * 2;
    w[lw..lw + 2].copy_from_slice(&22u16.to_le_bytes());
    let ccp = (text.len() * pieces) as u32;
    w[lw + 2 + 12..lw + 2 + 16].copy_from_slice(&ccp.to_le_bytes());
    let fc_at = lw + 2 + 22 * 4;
    w[fc_at..fc_at + 2].copy_from_slice(&93u16.to_le_bytes());
    let pair = |w: &mut Vec<u8>, i: usize, fc: u32, lcb: u32| {
        let at = fc_at + 2 + i * 8;
        w[at..at + 4].copy_from_slice(&fc.to_le_bytes());
        w[at + 4..at + 8].copy_from_slice(&lcb.to_le_bytes());
    };
    w.extend_from_slice(text);
    w.resize(w.len().div_ceil(512) * 512, 0);
    // FKPs: up to 20 runs a page, each distinct grpprl stored once a page.
    let mut bte_fcs: Vec<u32> = Vec::new();
    let mut bte_pns: Vec<u32> = Vec::new();
    let mut fc = TEXT_AT;
    for chunk in runs.chunks(20) {
        let mut page = vec![0u8; 512];
        let crun = chunk.len();
        let mut papx_at = 4 * (crun + 1) + 13 * crun;
        let mut stored: Vec<(Vec<u8>, usize)> = Vec::new();
        bte_fcs.push(fc as u32);
        for (j, (len, sprms)) in chunk.iter().enumerate() {
            page[j * 4..j * 4 + 4].copy_from_slice(&(fc as u32).to_le_bytes());
            fc += len;
            let off = match stored.iter().find(|(g, _)| g == sprms) {
                Some((_, off)) => *off,
                None => {
                    papx_at += papx_at % 2;
                    let mut g = vec![0, 0]; // istd
                    g.extend_from_slice(sprms);
                    let cb = (g.len() + 2) / 2;
                    page[papx_at] = cb as u8;
                    page[papx_at + 1..papx_at + 1 + g.len()].copy_from_slice(&g);
                    let off = papx_at;
                    papx_at += 1 + cb * 2;
                    assert!(papx_at < 511, "too many distinct properties for one page");
                    stored.push((sprms.clone(), off));
                    off
                }
            };
            page[4 * (crun + 1) + 13 * j] = (off / 2) as u8;
        }
        page[crun * 4..crun * 4 + 4].copy_from_slice(&(fc as u32).to_le_bytes());
        page[511] = crun as u8;
        bte_pns.push((w.len() / 512) as u32);
        w.extend_from_slice(&page);
    }
    bte_fcs.push(fc as u32);
    // 1Table: the CLX (one Pcdt), then the PAPX bin table.
    let mut plc = Vec::new();
    for k in 0..=pieces {
        plc.extend_from_slice(&((k * text.len()) as u32).to_le_bytes());
    }
    for _ in 0..pieces {
        plc.extend_from_slice(&[0, 0]);
        plc.extend_from_slice(&(((TEXT_AT * 2) as u32) | 0x4000_0000).to_le_bytes());
        plc.extend_from_slice(&[0, 0]);
    }
    let mut table = vec![2u8];
    table.extend_from_slice(&(plc.len() as u32).to_le_bytes());
    table.extend_from_slice(&plc);
    let clx_len = table.len() as u32;
    let bte_at = table.len() as u32;
    for f in &bte_fcs {
        table.extend_from_slice(&f.to_le_bytes());
    }
    for pn in &bte_pns {
        table.extend_from_slice(&pn.to_le_bytes());
    }
    pair(&mut w, 33, 0, clx_len);
    pair(&mut w, 13, bte_at, table.len() as u32 - bte_at);
    let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("/WordDocument")
        .unwrap()
        .write_all(&w)
        .unwrap();
    cfb.create_stream("/1Table")
        .unwrap()
        .write_all(&table)
        .unwrap();
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

/// n pieces, each the same 64 KB of paragraph marks inside a table.
pub fn marks_doc(n: usize) -> Vec<u8> {
    word97(&[b'\r'; 65536], n, &[(65536, IN_TABLE.to_vec())])
}

/// n pieces, each the same 64 KB of cell marks inside a table.
pub fn cell_marks_doc(n: usize) -> Vec<u8> {
    word97(&[0x07; 65536], n, &[(65536, IN_TABLE.to_vec())])
}

/// n pieces of 24 paragraph marks, alternately at table depth 256 and 0.
pub fn nested_doc(n: usize) -> Vec<u8> {
    let deep = [IN_TABLE.to_vec(), itap(256)].concat();
    let runs: Vec<(usize, Vec<u8>)> = (0..24)
        .map(|i| (1, if i % 2 == 0 { deep.clone() } else { Vec::new() }))
        .collect();
    word97(&[b'\r'; 24], n, &runs)
}

/// One .docx table: 项目名称 `name`, the indicator header, then `rows`.
pub fn project_table(name: &str, rows: &[[String; 4]]) -> String {
    let mut t = String::from("<w:tbl>");
    t.push_str(&docx_row(&["项目名称", name, "", ""]));
    t.push_str(&docx_row(&HEADER));
    for r in rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        t.push_str(&docx_row(&cells));
    }
    t.push_str("</w:tbl>");
    t
}

fn indicator(i: usize, suffix: &str) -> [String; 4] {
    [
        "产出指标".into(),
        "数量指标".into(),
        format!("完成数{i}{suffix}"),
        format!("≥{i}"),
    ]
}

/// Issue 21 #8: a project name ending in `-2024` repeated n times.
pub fn project_key_docx(n: usize) -> Vec<u8> {
    let name = format!("项目{}", "-2024".repeat(n));
    docx(&project_table(&name, &[indicator(1, "")]))
}

/// Issue 21 #9 (old side): one project with n indicators.
pub fn indicators_diff_docx(n: usize) -> Vec<u8> {
    let rows: Vec<[String; 4]> = (0..n).map(|i| indicator(i, "")).collect();
    docx(&project_table("某项目", &rows))
}

/// Issue 21 #9 (new side): the same indicators, each renamed a little (an
/// edit distance of one), so every one goes through the fuzzy pass.
pub fn indicators_diff_new_docx(n: usize) -> Vec<u8> {
    let rows: Vec<[String; 4]> = (0..n).map(|i| indicator(i, "项")).collect();
    docx(&project_table("某项目", &rows))
}

/// Issue 21 #10 and #15: n tables, each its own project (`distinct`) or all
/// of one name (for the form's sheet names).
pub fn many_tables_docx(n: usize, distinct: bool) -> Vec<u8> {
    let mut body = String::new();
    for i in 0..n {
        let name = if distinct {
            format!("项目{i}")
        } else {
            "同名项目".to_string()
        };
        body.push_str(&project_table(&name, &[indicator(i, "")]));
        body.push_str("<w:p/>");
    }
    docx(&body)
}

pub fn tables_diff_docx(n: usize) -> Vec<u8> {
    many_tables_docx(n, true)
}

pub fn same_named_docx(n: usize) -> Vec<u8> {
    many_tables_docx(n, false)
}

/// calamine 0.38 panics (issue 21 #14), each the smallest workbook that
/// shows it: `mulrk` (MULRK, last column before first: `parse_mul_rk`
/// overflows), `name` (a NAME record whose formula is longer than the
/// record: `parse_lbl` slices `len - cce..`), `formula` (a FORMULA whose
/// cce passes the record's end: `parse_formula` slices `2..2 + cce`).
pub fn calamine_panic_xls(which: &str) -> Vec<u8> {
    let number = biff_number(0, 0, 1.0);
    match which {
        "mulrk" => {
            // row 0, first column 5, one (ixfe, rk), last column 1.
            let mut b = vec![0, 0, 5, 0];
            b.extend_from_slice(&[0, 0, 0, 0, 0xF0, 0x3F]);
            b.extend_from_slice(&[1, 0]);
            xls(&[[number, biff_record(0x00BD, &b)].concat()])
        }
        "name" => {
            // grbit, chKey, cch = 1, cce = 200, then 8 more header bytes,
            // and a one-letter name: no formula bytes at all.
            let mut b = vec![0, 0, 0, 1, 200, 0];
            b.extend_from_slice(&[0; 8]);
            b.extend_from_slice(&[0, b'A']);
            xls_with(&biff_record(0x0018, &b), &[number])
        }
        "formula" => {
            // row, col, ixfe, value (8), grbit, chn (4), cce = 100, no rgce.
            let mut b = vec![0, 0, 1, 0, 0, 0];
            b.extend_from_slice(&1.0f64.to_le_bytes());
            b.extend_from_slice(&[0; 6]);
            b.extend_from_slice(&100u16.to_le_bytes());
            b.push(0x1E);
            xls(&[[number, biff_record(0x0006, &b)].concat()])
        }
        other => panic!("no calamine case {other}"),
    }
}
