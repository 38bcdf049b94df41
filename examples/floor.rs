//! The floor for benchmarks: the least work any converter of these files
//! must do, written as lean as we know how, on one thread, with nothing
//! normalised or written:
//!
//! - a zip package: the parts jixiao reads, looked up by name in the zip's
//!   own index (no walk over the entries, no names allocated), inflated
//!   from the archive's bytes in one call into one reused inflater and
//!   buffer, their CRC checked, and tokenised with quick-xml's bytes API
//!   (no unescaping, no attribute parsing, no end-name checks; quick-xml
//!   still checks each event is UTF-8, which no API of it skips);
//! - any other file: read, and its lines counted.
//!
//! It is built with jixiao's own release profile (see Cargo.toml), so the
//! ratio jixiao / floor measures jixiao's code, not compiler settings.
//!
//!     cargo run --release --example floor -- DIR

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
    // No stack of open names compared at each end tag.
    reader.config_mut().check_end_names = false;
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

/// Inflates one entry straight from the archive's bytes into `buf` (one
/// call into the inflater, no intermediate reader, no zeroed buffer) and
/// checks its CRC, as every reader must; `None` on any failure.
fn inflate(
    zip: &mut Zip,
    bytes: &[u8],
    index: usize,
    inflater: &mut flate2::Decompress,
    buf: &mut Vec<u8>,
) -> Option<()> {
    let entry = zip.by_index_raw(index).ok()?;
    let start = usize::try_from(entry.data_start()?).ok()?;
    let packed = bytes.get(start..)?;
    let packed = &packed[..packed.len().min(entry.compressed_size() as usize)];
    let (size, crc, method) = (entry.size() as usize, entry.crc32(), entry.compression());
    drop(entry);
    buf.clear();
    match method {
        zip::CompressionMethod::Stored => buf.extend_from_slice(packed),
        zip::CompressionMethod::Deflated => {
            inflater.reset(false);
            buf.reserve(size);
            loop {
                let used = inflater.total_in() as usize;
                let status = inflater
                    .decompress_vec(&packed[used..], buf, flate2::FlushDecompress::Finish)
                    .ok()?;
                match status {
                    flate2::Status::StreamEnd => break,
                    _ if buf.len() == buf.capacity() => buf.reserve(buf.len().max(4096)),
                    _ => return None,
                }
            }
        }
        _ => return None,
    }
    (crc32fast::hash(buf) == crc).then_some(())
}

/// Inflates and tokenises one part; `None` when the package has no such part.
fn part(
    zip: &mut Zip,
    bytes: &[u8],
    name: &str,
    inflater: &mut flate2::Decompress,
    buf: &mut Vec<u8>,
) -> Option<u64> {
    let index = zip.index_for_name_raw(name.as_bytes())?;
    inflate(zip, bytes, index, inflater, buf)?;
    Some(tokenise(buf))
}

fn package(bytes: &[u8], inflater: &mut flate2::Decompress, buf: &mut Vec<u8>) -> u64 {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return 0;
    };
    let mut events = 0;
    if let Some(n) = part(&mut zip, bytes, WORD_PARTS[0], inflater, buf) {
        return n;
    }
    for name in WORKBOOK_PARTS {
        events += part(&mut zip, bytes, name, inflater, buf).unwrap_or(0);
    }
    let mut name = String::with_capacity(32);
    for sheet in 1.. {
        use std::fmt::Write;
        name.clear();
        let _ = write!(name, "xl/worksheets/sheet{sheet}.xml");
        match part(&mut zip, bytes, &name, inflater, buf) {
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
    let mut inflater = flate2::Decompress::new(false);
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        if bytes.starts_with(b"PK") {
            events += package(&bytes, &mut inflater, &mut buf);
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
