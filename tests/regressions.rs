//! Hostile inputs that once broke (or could break) a reader, kept as tests.
//! Each is built here rather than shipped, so the test says what it is.

use jixiao::convert::convert_bytes;
use jixiao::error::ErrorKind;
use jixiao::limits::Limits;
use std::io::Write;

fn zip(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn workbook(sheet: &str, shared: &str) -> Vec<u8> {
    zip(&[
        (
            "xl/workbook.xml",
            r#"<workbook><sheets><sheet name="S" r:id="rId1" xmlns:r="r"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", shared),
    ])
}

/// Found by the corpus test: `A0` made a cell reference underflow (an
/// eagerly evaluated `then_some(row - 1)`).
#[test]
fn row_zero_cell_reference_is_ignored_not_a_panic() {
    let sheet = r#"<worksheet><sheetData><row r="1"><c r="A0" t="inlineStr"><is><t>x</t></is></c><c r="@1"><v>1</v></c></row></sheetData></worksheet>"#;
    let e = convert_bytes(&workbook(sheet, "<sst/>"), "f", &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoTables);
}

/// poi's poc-shared-strings.xlsx in small: one long shared string used by
/// every cell must stop at max_text_bytes, before the copies are made.
#[test]
fn one_shared_string_in_every_cell_is_too_large() {
    let big = "x".repeat(10_000);
    let cells: String = (1..=500)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    let sheet = format!("<worksheet><sheetData>{cells}</sheetData></worksheet>");
    let shared = format!("<sst><si><t>{big}</t></si></sst>");
    let limits = Limits {
        max_text_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = convert_bytes(&workbook(&sheet, &shared), "f", &limits).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge);
    assert!(e.message.contains("max_text_bytes"), "{}", e.message);
}

/// calamine issue #693 in our own reader: cells at A1 and XFD1048576.
#[test]
fn a_sheet_spanning_the_whole_grid_is_too_large_not_an_abort() {
    let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>b</t></is></c></row></sheetData></worksheet>"#;
    let e = convert_bytes(&workbook(sheet, "<sst/>"), "f", &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge);
}

#[test]
fn deeply_nested_html_tables_are_too_large() {
    let page = format!("<html>{}</html>", "<table><tr><td>".repeat(5000));
    let e = convert_bytes(page.as_bytes(), "f", &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge);
}

#[test]
fn huge_ods_repeats_cost_nothing() {
    let content = r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="999999999"><table:table-cell table:number-columns-repeated="999999999"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999999999"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let ods = zip(&[
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", content),
    ]);
    // Any answer is fine as long as it comes at once, bounded.
    let r = convert_bytes(&ods, "f", &Limits::default());
    assert!(
        matches!(&r, Err(e) if matches!(e.kind, ErrorKind::NoTables | ErrorKind::TooLarge)),
        "{r:?}"
    );
}

#[test]
fn spreadsheetml_with_absurd_indices_is_bounded() {
    let xml = r#"<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table><Row ss:Index="4294967295"><Cell ss:Index="4294967295" ss:MergeAcross="4294967295" ss:MergeDown="4294967295"><Data>x</Data></Cell></Row></Table></Worksheet></Workbook>"#;
    let r = convert_bytes(xml.as_bytes(), "f", &Limits::default());
    assert!(
        matches!(&r, Err(e) if matches!(e.kind, ErrorKind::NoTables | ErrorKind::TooLarge)),
        "{r:?}"
    );
}

/// A heading repeated on every page above a table continued under a
/// repeated header is one table; a different heading starts another.
#[test]
fn a_heading_repeated_per_page_continues_the_table() {
    let grid = |rows: &str| {
        format!("<table><tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>{rows}</table>")
    };
    let page = format!(
        "<html><p>1.甲项目绩效目标表</p><table><tr><td>项目名称</td><td>甲项目</td></tr></table>{}\
         <p>1.甲项目绩效目标表</p>{}\
         <p>2.乙项目绩效目标表</p><table><tr><td>项目名称</td><td>乙项目</td></tr></table>{}</html>",
        grid("<tr><td>产出指标</td><td>数量指标</td><td>a</td><td>1个</td></tr>"),
        grid("<tr><td>效益指标</td><td>社会效益指标</td><td>b</td><td>提升</td></tr>"),
        grid("<tr><td>产出指标</td><td>数量指标</td><td>c</td><td>2个</td></tr>"),
    );
    let n = convert_bytes(page.as_bytes(), "f", &Limits::default()).unwrap();
    let summary: Vec<(Option<String>, usize)> = n
        .tables
        .iter()
        .map(|t| (t.project_name.clone(), t.indicators.len()))
        .collect();
    assert_eq!(
        summary,
        vec![(Some("甲项目".into()), 2), (Some("乙项目".into()), 1)]
    );
}

#[test]
fn a_project_code_glued_to_the_name_still_gives_the_year() {
    let page = "<html><table><tr><td>项目名称</td><td>51011723T000007943391-2023年某项目-2023区级</td></tr>\
        <tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>\
        <tr><td>产出指标</td><td>数量指标</td><td>a</td><td>1个</td></tr></table></html>";
    let n = convert_bytes(page.as_bytes(), "f", &Limits::default()).unwrap();
    assert_eq!(
        (n.tables[0].year, n.tables[0].fund_level.as_deref()),
        (Some(2023), Some("区级"))
    );
}

/// A 部门整体 table: the unit from 部门（单位）名称, the task list (a small
/// table merged under 年度主要任务) into extra item by item, kind department.
#[test]
fn department_tables_keep_their_task_list() {
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/department.html"
    ))
    .unwrap();
    let n = convert_bytes(page.as_bytes(), "f", &Limits::default()).unwrap();
    let t = &n.tables[0];
    assert_eq!(t.kind, jixiao::model::TableKind::Department);
    assert_eq!(t.unit_name.as_deref(), Some("某市统计局"));
    assert_eq!(t.indicators.len(), 2);
    assert!(t.notes.is_empty(), "{:?}", t.notes);
    let extra: Vec<(&str, &str)> = t
        .extra
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert!(
        extra.contains(&("年度主要任务/统计调查/主要内容", "开展经济普查")),
        "{extra:?}"
    );
    assert!(
        extra.contains(&("年度主要任务/数据发布/预算金额（万元）", "50")),
        "{extra:?}"
    );
}

/// Merged regions count against the same budget as cells: a spanned cell
/// repeated down and across cannot make millions of merges.
#[test]
fn repeated_spans_are_bounded_like_cells() {
    let content = r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="S"><table:table-row table:number-rows-repeated="999999"><table:table-cell><text:p>x</text:p></table:table-cell><table:table-cell table:number-columns-spanned="2" table:number-columns-repeated="999999"></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let ods = zip(&[
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", content),
    ]);
    let limits = Limits {
        max_cells: 10_000,
        ..Limits::default()
    };
    let e = convert_bytes(&ods, "f", &limits).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge);
    assert!(e.message.contains("max_cells"), "{}", e.message);
}
