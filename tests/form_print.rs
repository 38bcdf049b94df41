//! The printable form's set-up, read from the .xlsx itself (LibreOffice's
//! rendering is checked by scripts/check-form-print.sh): A4, one page wide,
//! orientation by width, print titles, row heights for wrapped text, the title
//! on its own merged row, the header fields as label | value with known ones
//! first and never a paragraph as a label.

use jixiao::convert::convert_bytes;
use jixiao::limits::Limits;
use jixiao::model::{Note, Table};
use jixiao::write::xlsx::{workbook, Layout};
use jixiao::write::Headers;
use std::io::Read;

fn table(sample: &str) -> Table {
    let path = format!("{}/samples/{sample}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    convert_bytes(&bytes, sample, &Limits::default())
        .unwrap()
        .tables
        .remove(0)
}

fn part(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The attribute `attr` of the `<row>` element numbered `r` (1-based).
fn row_attr(sheet: &str, r: usize, attr: &str) -> Option<String> {
    let tag = format!("<row r=\"{r}\"");
    let start = sheet.find(&tag)?;
    let end = start + sheet[start..].find('>')?;
    let el = &sheet[start..end];
    let a = format!(" {attr}=\"");
    let at = el.find(&a)? + a.len();
    Some(el[at..at + el[at..].find('"')?].to_string())
}

#[test]
fn a_narrow_form_prints_portrait_one_page_wide_with_titles() {
    let mut t = table("seed-tianjin-wuqing.txt");
    t.goals = vec!["很长的绩效目标".repeat(20)];
    let x = workbook(&[t], Headers::Zh, Layout::Form).unwrap();
    let sheet = part(&x, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{sheet}");
    assert!(
        sheet.contains("<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"portrait\""),
        "{sheet}"
    );
    assert!(sheet.contains("<printOptions horizontalCentered=\"1\"/>"));
    assert!(sheet.contains("<oddFooter>&amp;L&amp;A&amp;R第 &amp;P 页</oddFooter>"));
    // The title alone on row 1, merged over the whole width.
    assert!(sheet.contains("<mergeCell ref=\"A1:G1\"/>"), "{sheet}");
    // The grid's header row repeats on every page.
    let book = part(&x, "xl/workbook.xml");
    assert!(book.contains("_xlnm.Print_Titles"), "{book}");
    // Goals (row 6, 140 characters over columns C..G, 90 units) take several
    // lines; a one-line row keeps the default height.
    let goals: f64 = row_attr(&sheet, 6, "ht").unwrap().parse().unwrap();
    assert!(goals >= 15.0 * 3.0, "goals row {goals} pt");
    assert_eq!(
        row_attr(&sheet, 3, "ht").as_deref(),
        Some("18.75"),
        "{sheet}"
    );
}

#[test]
fn a_wide_form_prints_landscape() {
    let t = table("sheet-self-evaluation.xlsx");
    let x = workbook(&[t], Headers::Zh, Layout::Form).unwrap();
    let sheet = part(&x, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\""),
        "{sheet}"
    );
}

#[test]
fn header_fields_known_first_and_no_paragraph_as_a_label() {
    let mut t = table("seed-tianjin-wuqing.txt");
    let paragraph =
        "本项目由区财政统筹安排资金用于检察业务信息化系统运行维护，确保系统全年稳定运行";
    t.extra.insert("考评口径", "按季度".into());
    t.extra.insert(paragraph, "见附件".into());
    t.extra.insert("主管部门", "天津市人民检察院".into());
    t.notes.push(Note {
        field: "extra.考评口径".into(),
        raw: "考评口径".into(),
        normalized: None,
        rule: "unknown label".into(),
    });
    let x = workbook(&[t], Headers::Zh, Layout::Form).unwrap();
    // The sheet's text is inline, in row order.
    let sheet = part(&x, "xl/worksheets/sheet1.xml");
    let pos = |s: &str| {
        sheet
            .find(&format!("<t>{s}</t>"))
            .unwrap_or_else(|| panic!("{s} missing"))
    };
    // Known 主管部门 before the unknown 考评口径; the paragraph is one
    // full-width line after both, never a label of its own.
    assert!(pos("主管部门") < pos("考评口径"));
    assert!(pos("考评口径") < pos(&format!("{paragraph}：见附件")));
    assert!(!sheet.contains(&format!("<t>{paragraph}</t>")));
    assert!(sheet.contains("<mergeCell ref=\"A9:G9\"/>"), "{sheet}");
}

#[test]
fn the_flat_workbook_prints_landscape_one_page_wide_with_wrapped_text() {
    let tables = vec![
        table("seed-tianjin-wuqing.txt"),
        table("sheet-self-evaluation.xlsx"),
    ];
    let x = workbook(&tables, Headers::Zh, Layout::Flat).unwrap();
    for n in 1..=3 {
        let sheet = part(&x, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(sheet.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{sheet}");
        assert!(
            sheet
                .contains("<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\""),
            "sheet {n}"
        );
    }
    let book = part(&x, "xl/workbook.xml");
    for name in ["指标", "项目", "说明"] {
        assert!(
            book.contains(&format!("{name}!$1:$1</definedName>")),
            "{name}'s header row repeats: {book}"
        );
    }
    // Text wraps at the top of its cell; 来源文件 keeps the full path (the
    // 33 columns are the schema's), in a column wide enough to read it.
    let styles = part(&x, "xl/styles.xml");
    assert!(
        styles.contains("<alignment vertical=\"top\" wrapText=\"1\"/>"),
        "{styles}"
    );
    let sheet = part(&x, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(">seed-tianjin-wuqing.txt<"), "{sheet}");
    assert!(
        sheet.contains("<col min=\"1\" max=\"1\" width=\""),
        "{sheet}"
    );
}

#[test]
fn a_long_level_name_over_its_run_keeps_the_rows_one_line() {
    // Every indicator under one 一级 and one long 二级 that needs two lines
    // in its column: merged down the run, it shares the rows, which stay at
    // one line each (they were all drawn double height).
    let mut t = table("seed-tianjin-wuqing.txt");
    for ind in &mut t.indicators {
        ind.level1 = Some("产出指标".into());
        ind.level2 = Some("服务对象满意度指标名称较长".into());
        ind.level3 = Some("短".into());
        ind.description = None;
        ind.target = None;
    }
    let n = t.indicators.len();
    assert!(n >= 3, "{n}");
    let x = workbook(&[t], Headers::Zh, Layout::Form).unwrap();
    let sheet = part(&x, "xl/worksheets/sheet1.xml");
    let rows: Vec<String> = (1..200)
        .filter_map(|r| row_attr(&sheet, r, "ht").map(|h| format!("{r}:{h}")))
        .collect();
    let one_line = rows.iter().filter(|r| r.ends_with(":18.75")).count();
    assert!(
        one_line >= n,
        "the {n} indicator rows are one line each: {rows:?}"
    );
}
