//! The floor for benchmarks: the least work any converter must do — unzip
//! and tokenise each file's XML (zip + quick-xml), or read a text file — on
//! one thread, with nothing normalised or written.
//!
//!     cargo run --release --example floor -- DIR

use std::io::Read;
use std::time::Instant;

fn tokenise(xml: &[u8]) -> u64 {
    let Ok(text) = std::str::from_utf8(xml) else {
        return 0;
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut events = 0u64;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(_) => events += 1,
        }
    }
    events
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: floor DIR");
    let mut files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let started = Instant::now();
    let mut events = 0u64;
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        if bytes.starts_with(b"PK") {
            let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])) else {
                continue;
            };
            for i in 0..zip.len() {
                let Ok(mut entry) = zip.by_index(i) else {
                    continue;
                };
                let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
                let wanted = name == "word/document.xml"
                    || name == "xl/sharedStrings.xml"
                    || (name.starts_with("xl/worksheets/") && name.ends_with(".xml"));
                if wanted {
                    let mut xml = Vec::new();
                    if entry.read_to_end(&mut xml).is_ok() {
                        events += tokenise(&xml);
                    }
                }
            }
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
