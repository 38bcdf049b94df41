//! The floor for benchmarks: the least work any converter of these files
//! must do, written as lean as we know how, on one thread, with nothing
//! normalised or written:
//!
//! - a zip package: the parts jixiao reads, looked up by name in the zip's
//!   own index (no walk over the entries, no names allocated), inflated and
//!   tokenised with quick-xml's bytes API (no UTF-8 validation, no
//!   unescaping, no attribute parsing);
//! - any other file: read, and its lines counted.
//!
//! It is built with jixiao's own release profile (see Cargo.toml), so the
//! ratio jixiao / floor measures jixiao's code, not compiler settings.
//!
//!     cargo run --release --example floor -- DIR

use std::io::Read;
use std::time::Instant;

/// Parts jixiao reads from a Word package and from a workbook (the
/// workbook's sheets follow as `xl/worksheets/sheetN.xml`).
const WORD_PARTS: &[&str] = &["word/document.xml"];
const WORKBOOK_PARTS: &[&str] = &[
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
];

fn tokenise(xml: &[u8]) -> u64 {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut events = 0u64;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(_) => events += 1,
        }
    }
    events
}

type Zip<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

/// Inflates and tokenises one part; `None` when the package has no such part.
fn part(zip: &mut Zip, name: &str, buf: &mut Vec<u8>) -> Option<u64> {
    let index = zip.index_for_name_raw(name.as_bytes())?;
    let mut entry = zip.by_index(index).ok()?;
    buf.clear();
    entry.read_to_end(buf).ok()?;
    drop(entry);
    Some(tokenise(buf))
}

fn package(bytes: &[u8], buf: &mut Vec<u8>) -> u64 {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return 0;
    };
    let mut events = 0;
    if let Some(n) = part(&mut zip, WORD_PARTS[0], buf) {
        return n;
    }
    for name in WORKBOOK_PARTS {
        events += part(&mut zip, name, buf).unwrap_or(0);
    }
    let mut name = String::with_capacity(32);
    for sheet in 1.. {
        use std::fmt::Write;
        name.clear();
        let _ = write!(name, "xl/worksheets/sheet{sheet}.xml");
        match part(&mut zip, &name, buf) {
            Some(n) => events += n,
            None => break,
        }
    }
    events
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: floor DIR");
        std::process::exit(2);
    };
    let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let started = Instant::now();
    let mut events = 0u64;
    let mut buf = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        if bytes.starts_with(b"PK") {
            events += package(&bytes, &mut buf);
        } else {
            events += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{{\"files\": {}, \"seconds\": {secs:.3}, \"files_per_s\": {:.0}, \"events\": {events}}}",
        files.len(),
        files.len() as f64 / secs
    );
}
