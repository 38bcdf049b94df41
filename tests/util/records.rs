//! A file's records as the JSON writer writes them, without the fields that
//! name the file (`source.file`, `source.format`): for the tests that
//! compare one file's records with its twin's in another format
//! (tests/doc.rs, tests/pdf.rs).

use jixiao::convert::convert_bytes;
use jixiao::limits::Limits;
use jixiao::write::{Options, Output};
use serde_json::Value;

/// Removes every `locator` (a twin names its tables and rows its own way).
pub fn drop_locators(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("locator");
            m.values_mut().for_each(drop_locators);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_locators),
        _ => {}
    }
}

/// A file's records as the JSON writer writes them, whole (tests/golden.rs).
pub fn json_of(file: &str) -> String {
    let bytes = std::fs::read(file).unwrap();
    let n =
        convert_bytes(&bytes, file, &Limits::default()).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut out = Output::begin(Vec::new(), Options::json()).unwrap();
    for t in &n.tables {
        out.table(t).unwrap();
    }
    String::from_utf8(out.finish(&[]).unwrap()).unwrap()
}

pub fn records(file: &str) -> Value {
    let mut v: Value = serde_json::from_str(&json_of(file)).unwrap();
    for t in v["tables"].as_array_mut().unwrap() {
        let src = t["source"].as_object_mut().unwrap();
        src.remove("file");
        src.remove("format");
    }
    v
}
