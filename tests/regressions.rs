//! Hostile inputs that once broke (or could break) a reader, kept as tests.
//! Each is built here rather than shipped, so the test says what it is.

use crate::hostile::{gen, guard};

use jixiao::convert::{convert_bytes, convert_guarded};
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

// ---- Issue 10: work bounded by the input ---------------------------------
// Sizes are those of the issue's reports; each hung (or aborted) on main.

/// Converts `bytes` on its own thread under the hang guard.
fn convert_within_guard(
    what: &str,
    bytes: Vec<u8>,
    limits: Limits,
) -> jixiao::error::Result<jixiao::normalize::Normalized> {
    guard::guarded(what, move || convert_guarded(&bytes, "f", &limits))
}

/// `Extra::insert` named `?`, `? (2)`, … by scanning every key so far.
#[test]
fn a_row_10000_columns_wider_than_its_header_is_linear() {
    for (what, bytes) in [
        ("docx", gen::wide_row_docx(10_000)),
        ("ods", gen::wide_row_ods(10_000)),
    ] {
        let n = convert_within_guard(what, bytes, Limits::default()).unwrap();
        let extra = &n.tables[0].indicators[0].extra.0;
        assert_eq!(extra.len(), 10_000, "{what}");
        assert_eq!(extra[0].0, "?");
        assert_eq!(extra[9_999].0, "? (10000)", "{what}");
    }
}

#[test]
fn extra_keys_are_named_as_before() {
    let mut e = jixiao::model::Extra::default();
    for k in ["a", "a", "a (2)", "a", "b"] {
        e.insert(k, String::new());
    }
    let keys: Vec<&str> = e.0.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["a", "a (2)", "a (2) (2)", "a (3)", "b"]);
    // Edited behind the index's back: it is rebuilt, not trusted.
    e.0.retain(|(k, _)| k != "a (3)");
    e.insert("a", String::new());
    assert_eq!(e.0.last().unwrap().0, "a (3)");
}

/// The overlap check scanned each merge's area in full.
#[test]
fn merges_overlapping_at_one_corner_are_linear() {
    for (what, bytes) in [
        ("xlsx", gen::corner_merges_xlsx(35_000)),
        ("spreadsheetml", gen::corner_merges_xml2003(35_000)),
    ] {
        let len = bytes.len();
        let r = convert_within_guard(what, bytes, Limits::default());
        assert!(
            matches!(&r, Err(e) if e.kind == ErrorKind::NoTables),
            "{what} ({len} bytes): {r:?}"
        );
    }
}

#[test]
fn the_first_of_overlapping_merges_still_wins() {
    let sheet = r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="4"><c r="D4" t="inlineStr"><is><t>b</t></is></c></row></sheetData><mergeCells><mergeCell ref="C3:D4"/><mergeCell ref="A1:C3"/><mergeCell ref="A1:B2"/></mergeCells></worksheet>"#;
    let book = gen::xlsx(&[sheet.to_string()]);
    let mut pkg = jixiao::read::package::Package::open(&book, &Limits::default()).unwrap();
    let blocks = jixiao::read::xlsx::read(&mut pkg, &Limits::default()).unwrap();
    let jixiao::grid::Block::Table(g) = &blocks[0] else {
        panic!()
    };
    // C3:D4 came first; A1:C3 overlaps it at C3 and is dropped; A1:B2 stands.
    let span = |r, c| match g.slot(r, c) {
        jixiao::grid::Slot::Anchor { span, .. } => Some((span.rows, span.cols)),
        _ => None,
    };
    assert_eq!(span(2, 2), Some((2, 2)));
    assert_eq!(span(0, 0), Some((2, 2)));
    assert_eq!(span(2, 0), Some((1, 1)));
}

/// Each blank line rescanned the rest of the row (700 KB took 45 s).
#[test]
fn a_blank_line_after_every_cell_is_linear() {
    let r = convert_within_guard("txt", gen::blank_per_cell_txt(100_000), Limits::default());
    assert!(
        matches!(&r, Err(e) if e.kind == ErrorKind::NoTables),
        "{r:?}"
    );
}

/// Each `<script>` lowercased the rest of the page (1.8 MB took 30 s).
#[test]
fn many_scripts_are_linear() {
    let n = convert_within_guard("html", gen::scripts_html(150_000), Limits::default()).unwrap();
    assert_eq!(n.tables[0].indicators.len(), 1);
}

#[test]
fn script_end_tags_are_found_in_any_case() {
    let page = "<html><SCRIPT>x</ScRiPt><p>段落</p><table><tr><td>a</td></tr></table></html>";
    let blocks = jixiao::read::html::read(page, &Limits::default()).unwrap();
    assert_eq!(blocks[0], jixiao::grid::Block::Paragraph("段落".into()));
}

/// gridBefore = 4294967295: the width was clamped, the allocation was not.
#[test]
fn grid_before_of_four_billion_is_too_large_not_18_gb() {
    // A row of no cells: the clamped width (16,384) passed the check.
    for grid in ["gridBefore", "gridAfter"] {
        let row = format!(r#"<w:tr><w:trPr><w:{grid} w:val="4294967295"/></w:trPr></w:tr>"#);
        let bytes = gen::docx(&format!("<w:tbl>{row}</w:tbl>"));
        let e = convert_within_guard(grid, bytes, Limits::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
    }
}

/// rowspan × colspan areas were not counted (19 KB → 2 GB).
#[test]
fn span_areas_count_against_max_cells() {
    let e = convert_within_guard("html", gen::spans_html(400), Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
    assert!(e.message.contains("max_cells"), "{}", e.message);
    // Also across tables: each alone fits, together they do not.
    let one = "<table><tr><td colspan=1000>x</td></tr><tr><td>y</td></tr></table>";
    let page = format!("<html>{}</html>", one.repeat(30));
    let limits = Limits {
        max_cells: 50_000,
        ..Limits::default()
    };
    let e = convert_within_guard("html", page.into_bytes(), limits).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
}

/// A text file of short lines only took ~70× its size (100 MB → 6.9 GB):
/// lines are charged against max_text_bytes before they are kept.
#[test]
fn short_lines_count_against_max_text_bytes() {
    let e = convert_within_guard("txt", gen::short_lines_txt(2_000_000), Limits::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
    assert!(e.message.contains("max_text_bytes"), "{}", e.message);
}

/// Paragraphs of a .docx count as well (a run of `<w:p/>`).
#[test]
fn docx_paragraphs_count_against_max_text_bytes() {
    let limits = Limits {
        max_text_bytes: 100_000,
        ..Limits::default()
    };
    let e = convert_within_guard("docx", gen::docx(&"<w:p/>".repeat(10_000)), limits).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
}

/// Padding: one wide row over many narrow ones, many far-apart sheets,
/// many full-width gridBefore rows: each grid and all of them together
/// are bounded by max_cells before the slots exist.
#[test]
fn padded_areas_count_against_max_cells() {
    let limits = Limits {
        max_cells: 500_000,
        ..Limits::default()
    };
    for (what, bytes) in [
        ("txt", gen::wide_over_narrow_txt(10_000)),
        ("xlsx", gen::far_cells_xlsx(1_000)),
        ("docx", gen::grid_before_docx(100)),
    ] {
        let e = convert_within_guard(what, bytes, limits).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLarge, "{what}: {e}");
        assert!(e.message.contains("max_cells"), "{what}: {}", e.message);
    }
}

/// A percent format on Decimal::MAX overflowed `× 100` (a caught panic in
/// convert, exit 101 in inspect).
#[test]
fn a_percent_of_the_largest_decimal_is_shown_not_a_panic() {
    use jixiao::read::xlsx::{builtin_format, show_number};
    let big = "79228162514264337593543950335";
    assert_eq!(
        show_number(big, &builtin_format(9), false),
        format!("{big}00%")
    );
    assert_eq!(
        show_number(big, &builtin_format(10), false),
        format!("{big}00.00%")
    );
    assert_eq!(
        show_number(
            "-792281625142643375935439503.35",
            &builtin_format(10),
            false
        ),
        "-79228162514264337593543950335.00%"
    );
    let styles =
        r#"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="10"/></cellXfs></styleSheet>"#;
    let sheet = format!(
        r#"<worksheet><sheetData><row r="1"><c r="A1" s="1"><v>{big}</v></c></row></sheetData></worksheet>"#
    );
    let book = gen::xlsx_with(&[sheet], &[("xl/styles.xml", styles.as_bytes())]);
    let doc = jixiao::read::read(&book, &Limits::default()).unwrap();
    let jixiao::grid::Block::Table(g) = &doc.blocks[0] else {
        panic!()
    };
    assert_eq!(g.text_at(0, 0), Some(format!("{big}00.00%").as_str()));
}

/// `inspect` reads through the same containment as `convert`: the file
/// whose number once panicked is shown, exit 0 (it died with exit 101).
#[test]
fn inspect_shows_the_percent_of_the_largest_decimal() {
    let big = "79228162514264337593543950335";
    let styles =
        r#"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="9"/></cellXfs></styleSheet>"#;
    let sheet = format!(
        r#"<worksheet><sheetData><row r="1"><c r="A1" s="1"><v>{big}</v></c></row></sheetData></worksheet>"#
    );
    let book = gen::xlsx_with(&[sheet], &[("xl/styles.xml", styles.as_bytes())]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xlsx");
    std::fs::write(&path, book).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("inspect")
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains(&format!("{big}00%")), "{stdout}");
}

/// .xls: calamine lays every sheet out densely inside `Xls::new`, sized
/// from the cells' positions and reserved from DIMENSIONS. Two numbers at
/// A1 and (65535, 65535) asked for 4.3e9 cells (137 GB: an abort that no
/// panic guard catches); DIMENSIONS with 2^32-1 rows reserved 1.1e12.
#[test]
fn xls_dense_ranges_are_bounded_before_calamine_allocates() {
    let near = gen::xls(&[[gen::biff_number(0, 0, 1.0), gen::biff_number(3, 3, 2.0)].concat()]);
    let e = convert_guarded(&near, "near.xls", &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoTables, "the control reads: {e}");

    let far = gen::xls(&[[
        gen::biff_number(0, 0, 1.0),
        gen::biff_number(65535, 65535, 2.0),
    ]
    .concat()]);
    let e = convert_guarded(&far, "far.xls", &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
    assert!(e.message.contains("max_cells"), "{e}");

    for dims in [
        gen::biff_dimensions(0, u32::MAX, 0, 256),
        // rows 100..1: calamine's `end - start + 1` wraps to 2^32 - 100.
        gen::biff_dimensions(100, 1, 0, 1),
    ] {
        let declared = gen::xls(&[[dims, gen::biff_number(0, 0, 1.0)].concat()]);
        let e = convert_guarded(&declared, "dims.xls", &Limits::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
    }

    // Each sheet within the limit, all of them together past it.
    let e =
        convert_guarded(&gen::far_cells_xls(3_000), "many.xls", &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge, "{e}");
    let e = convert_guarded(&gen::far_cells_xls(1_000), "one.xls", &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoTables, "{e}");
}

/// Fuzzing (read_any, 2026-12-02): a damaged .xls whose merged region is
/// given last corner first (calamine passes rwFirst > rwLast through)
/// indexed past the merge-occupancy tree, a panic. It is the same rectangle.
#[test]
fn a_merge_given_last_corner_first_is_the_same_rectangle_not_a_panic() {
    use jixiao::read::xlsx::{CellBudget, Sheet};
    let limits = Limits::default();
    let grid = |region: (u32, u32, u32, u32)| {
        let mut budget = CellBudget::new(&limits);
        let mut sheet = Sheet::default();
        for r in 0..3 {
            for c in 0..3 {
                sheet.push(&mut budget, r, c, format!("{r}{c}")).unwrap();
            }
        }
        sheet.merge(&mut budget, region).unwrap();
        sheet.into_grid("S", &mut budget).unwrap().unwrap().render()
    };
    let straight = grid((1, 0, 5, 1));
    assert!(straight.contains("10 [5×2]"), "{straight}");
    for reversed in [(5, 1, 1, 0), (5, 0, 1, 1), (1, 1, 5, 0)] {
        assert_eq!(grid(reversed), straight, "{reversed:?}");
    }
}
