//! jixiao's own .xlsx, in both layouts, read back by jixiao gives the same
//! records for every sample — but for where they came from (source,
//! locators) and the notes, which describe the original file's quirks.

use jixiao::convert::convert_bytes;
use jixiao::limits::Limits;
use jixiao::model::Table;
use jixiao::write::xlsx::Layout;
use jixiao::write::{Format, Options, Output};

fn samples() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("samples")
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| [".txt", ".docx", ".xlsx"].iter().any(|e| p.ends_with(e)))
        .collect();
    v.sort();
    v
}

fn comparable(t: &Table) -> serde_json::Value {
    let mut v = serde_json::to_value(t).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("source");
    o.remove("notes");
    // What could not be filled describes the original file, like its notes.
    o.remove("incomplete");
    for i in o["indicators"].as_array_mut().unwrap() {
        i.as_object_mut().unwrap().remove("locator");
    }
    v
}

fn xlsx(tables: &[Table], layout: Layout) -> Vec<u8> {
    let opts = Options {
        format: Format::Xlsx,
        layout,
        ..Options::json()
    };
    let mut out = Output::begin(Vec::new(), opts).unwrap();
    for t in tables {
        out.table(t).unwrap();
    }
    out.finish(&[]).unwrap()
}

#[test]
fn both_xlsx_layouts_read_back_to_the_same_records() {
    let limits = Limits::default();
    let mut original = Vec::new();
    for s in samples() {
        let n = convert_bytes(&std::fs::read(&s).unwrap(), &s, &limits).unwrap();
        original.extend(n.tables);
    }
    assert!(original.len() >= 20, "{} tables", original.len());
    for layout in [Layout::Flat, Layout::Form] {
        let bytes = xlsx(&original, layout);
        let back = convert_bytes(&bytes, "back.xlsx", &limits).unwrap().tables;
        assert_eq!(back.len(), original.len(), "{layout:?}");
        for (a, b) in original.iter().zip(&back) {
            assert_eq!(
                comparable(a),
                comparable(b),
                "{layout:?}: {} table {}",
                a.source.file,
                a.source.table
            );
            assert_eq!(b.source.format, "xlsx");
        }
    }
}
