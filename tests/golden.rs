//! Every file in samples/ converted and compared in full with its golden
//! JSON in tests/golden/. After a deliberate change, re-bless with
//! `JIXIAO_BLESS=1 cargo test golden::` and review the diff by hand.

use crate::util::records::json_of as render;
use jixiao::convert::convert_bytes;
use jixiao::limits::Limits;
use std::path::Path;

#[test]
fn every_sample_matches_its_golden() {
    let mut samples: Vec<_> = std::fs::read_dir("samples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("txt" | "docx" | "xlsx" | "xls" | "ods" | "xml" | "html")
            )
        })
        .collect();
    samples.sort();
    assert!(
        samples.len() >= 2,
        "samples/ should hold the seed and the Word samples"
    );
    let bless = std::env::var_os("JIXIAO_BLESS").is_some();
    let mut failed = Vec::new();
    for s in &samples {
        let file = s.to_string_lossy().replace('\\', "/");
        let name = s.file_name().unwrap().to_string_lossy();
        let golden = Path::new("tests/golden").join(format!("{name}.json"));
        let got = render(&file);
        if bless {
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run JIXIAO_BLESS=1 cargo test golden::",
                golden.display()
            )
        });
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failed.push(format!(
                "{file}: differs from {} at line {}:\n  got:  {}\n  want: {}",
                golden.display(),
                line + 1,
                got.lines().nth(line).unwrap_or(""),
                want.lines().nth(line).unwrap_or("")
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The seed by its numbers, as counted by hand from the dump.
#[test]
fn seed_has_seven_tables_and_42_indicators() {
    let v: serde_json::Value =
        serde_json::from_str(&render("samples/seed-tianjin-wuqing.txt")).unwrap();
    let tables = v["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 7);
    let counts: Vec<usize> = tables
        .iter()
        .map(|t| t["indicators"].as_array().unwrap().len())
        .collect();
    assert_eq!(counts, vec![6; 7]);
    let budgets: Vec<&str> = tables
        .iter()
        .map(|t| t["budget"]["total"].as_str().unwrap())
        .collect();
    assert_eq!(
        budgets,
        ["0.80", "32.00", "3.47", "20.20", "50.40", "73.30", "15.00"]
    );
    let levels: Vec<&str> = tables
        .iter()
        .map(|t| t["fund_level"].as_str().unwrap())
        .collect();
    assert_eq!(
        levels,
        ["中央", "中央", "中央", "中央", "市级", "中央", "中央"]
    );
    // Nothing unplaced, nothing renamed in the seed.
    assert!(tables
        .iter()
        .all(|t| t["notes"].as_array().unwrap().is_empty()));
}

/// The Word rendering of the seed's tables 1 and 7 (samples/word-seed-merged.docx,
/// built with merged cells) gives the same records as the text dump, but
/// for where they came from.
#[test]
fn word_and_text_dump_of_the_same_tables_agree() {
    let strip = |mut t: serde_json::Value| {
        t.as_object_mut().unwrap().remove("source");
        for i in t["indicators"].as_array_mut().unwrap() {
            i.as_object_mut().unwrap().remove("locator");
        }
        t
    };
    let txt: serde_json::Value =
        serde_json::from_str(&render("samples/seed-tianjin-wuqing.txt")).unwrap();
    let docx: serde_json::Value =
        serde_json::from_str(&render("samples/word-seed-merged.docx")).unwrap();
    assert_eq!(
        strip(txt["tables"][0].clone()),
        strip(docx["tables"][0].clone())
    );
    assert_eq!(
        strip(txt["tables"][6].clone()),
        strip(docx["tables"][1].clone())
    );
}

/// The seed re-encoded as GBK, UTF-16LE with BOM, and with CRLF line ends
/// gives exactly the records of the UTF-8 original.
#[test]
fn seed_encodings_and_line_ends_agree() {
    let text = std::fs::read_to_string("samples/seed-tianjin-wuqing.txt").unwrap();
    let want = render_bytes(text.as_bytes());
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let crlf = text.replace('\n', "\r\n");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(crlf.as_bytes());
    for (name, bytes) in [("gbk", gbk.to_vec()), ("utf16", utf16), ("crlf+bom", bom)] {
        assert_eq!(render_bytes(&bytes), want, "{name}");
    }
}

fn render_bytes(bytes: &[u8]) -> String {
    let n = convert_bytes(bytes, "seed", &Limits::default()).unwrap();
    serde_json::to_string_pretty(&n.tables).unwrap()
}

/// The same workbook saved as .xlsx, .xls (BIFF8), .ods, SpreadsheetML and
/// HTML (the last two named .xls, as finance systems name them) gives the
/// same records, numbers shown alike.
#[test]
fn every_spreadsheet_format_agrees() {
    let tables = |f: &str| -> Vec<serde_json::Value> {
        let v: serde_json::Value = serde_json::from_str(&render(f)).unwrap();
        v["tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let mut t = t.clone();
                t.as_object_mut().unwrap().remove("source");
                for i in t["indicators"].as_array_mut().unwrap() {
                    i.as_object_mut().unwrap().remove("locator");
                }
                t
            })
            .collect()
    };
    for (a, b) in [
        (
            "samples/sheet-stacked-forms.xlsx",
            "samples/sheet-stacked-forms-spreadsheetml.xls",
        ),
        (
            "samples/sheet-flat-export.xlsx",
            "samples/sheet-flat-export-html.xls",
        ),
        (
            "samples/sheet-flat-export.xlsx",
            "samples/sheet-flat-export-biff8.xls",
        ),
        (
            "samples/sheet-self-evaluation.xlsx",
            "samples/sheet-self-evaluation.ods",
        ),
    ] {
        let (x, y) = (tables(a), tables(b));
        assert!(!x.is_empty());
        assert_eq!(x, y, "{b}");
    }
}
