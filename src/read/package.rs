//! Zip packages (OOXML, ODF) opened under the safety limits: entry count,
//! declared and actual inflated size, compression ratio and the running total
//! are all checked before or while inflating, never after.

use crate::error::{Error, Result};
use crate::limits::Limits;
use flate2::{Decompress, FlushDecompress, Status};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use zip::{CompressionMethod, ZipArchive};

pub struct Package<'a> {
    bytes: &'a [u8],
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry names normalised (lower case, `/`, no leading `/`) → index;
    /// some producers write `xl\worksheets\…` or odd cases. Built only
    /// for packages of more than [`INDEXED_FROM`] entries: a Word file's
    /// dozen are compared in place, allocating nothing.
    names: Option<HashMap<String, usize>>,
    limits: Limits,
    inflated: u64,
}

const INDEXED_FROM: usize = 64;

fn normalise_name(name: &str) -> String {
    name.trim_start_matches(['/', '\\'])
        .replace('\\', "/")
        .to_lowercase()
}

/// Whether an ASCII entry name normalises to `target` (or to a name
/// starting with it), as [`normalise_name`] would, without allocating.
fn ascii_name_is(raw: &[u8], target: &[u8], prefix: bool) -> bool {
    let start = raw
        .iter()
        .position(|&b| b != b'/' && b != b'\\')
        .unwrap_or(raw.len());
    let name = &raw[start..];
    let name = match prefix {
        true if name.len() >= target.len() => &name[..target.len()],
        false if name.len() == target.len() => name,
        _ => return false,
    };
    name.iter().zip(target).all(|(&a, &b)| {
        let a = if a == b'\\' {
            b'/'
        } else {
            a.to_ascii_lowercase()
        };
        a == b
    })
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Package<'a>> {
        let zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| Error::corrupt(format!("not a readable zip archive: {e}")))?;
        if zip.len() > limits.max_entries {
            return Err(Limits::exceeded("max_entries", limits.max_entries as u64));
        }
        // Declared sizes and ratios are checked for every entry up front
        // (from the central directory), so a bomb is refused whatever part a
        // reader would have asked for.
        for i in 0..zip.len() {
            let Ok(entry) = zip.by_index_data(i) else {
                continue;
            };
            let (size, packed) = (entry.size(), entry.compressed_size().max(1));
            if size > limits.max_entry_bytes {
                return Err(Limits::exceeded("max_entry_bytes", limits.max_entry_bytes));
            }
            if size > (1 << 20) && size / packed > limits.max_ratio {
                return Err(Limits::exceeded("max_ratio", limits.max_ratio));
            }
        }
        let names = (zip.len() > INDEXED_FROM).then(|| {
            let mut names = HashMap::with_capacity(zip.len());
            for i in 0..zip.len() {
                if let Some(Ok(name)) = zip.name_for_index(i) {
                    // The first of duplicate names wins (seen in the corpus).
                    names.entry(normalise_name(&name)).or_insert(i);
                }
            }
            names
        });
        Ok(Package {
            bytes,
            zip,
            names,
            limits: *limits,
            inflated: 0,
        })
    }

    /// Whether entry `i`'s normalised name is `target` (or starts with it).
    fn entry_is(&self, i: usize, raw: &[u8], target: &str, prefix: bool) -> bool {
        if raw.is_ascii() {
            return ascii_name_is(raw, target.as_bytes(), prefix);
        }
        match self.zip.name_for_index(i) {
            Some(Ok(name)) => {
                let name = normalise_name(&name);
                if prefix {
                    name.starts_with(target)
                } else {
                    name == target
                }
            }
            _ => false,
        }
    }

    /// The first entry whose normalised name is `name`'s.
    fn index(&self, name: &str) -> Option<usize> {
        let target = normalise_name(name);
        match &self.names {
            Some(names) => names.get(&target).copied(),
            None => self
                .zip
                .file_names_raw()
                .enumerate()
                .find(|(i, raw)| self.entry_is(*i, raw, &target, false))
                .map(|(i, _)| i),
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    /// Whether any entry name starts with `prefix` (normalised).
    pub fn has_prefix(&self, prefix: &str) -> bool {
        let p = normalise_name(prefix);
        match &self.names {
            Some(names) => names.keys().any(|k| k.starts_with(&p)),
            None => self
                .zip
                .file_names_raw()
                .enumerate()
                .any(|(i, raw)| self.entry_is(i, raw, &p, true)),
        }
    }

    /// Inflates one entry, or `Ok(None)` when there is no such entry.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let Some(index) = self.index(name) else {
            return Ok(None);
        };
        let limits = self.limits;
        let file = self
            .zip
            .by_index_raw(index)
            .map_err(|e| zip_error(name, e))?;
        let declared = file.size();
        if declared > limits.max_entry_bytes {
            return Err(Limits::exceeded("max_entry_bytes", limits.max_entry_bytes));
        }
        let compressed = file.compressed_size().max(1);
        // Small entries may legitimately compress very well (a run of spaces).
        if declared > (1 << 20) && declared / compressed > limits.max_ratio {
            return Err(Limits::exceeded("max_ratio", limits.max_ratio));
        }
        let room = (limits.max_total_bytes - self.inflated.min(limits.max_total_bytes))
            .min(limits.max_entry_bytes);
        let capacity = declared.min(room) as usize;
        // Stored and deflated entries (all that OOXML and ODF write) are
        // inflated straight from the archive's bytes; anything else, and
        // encrypted entries, go through zip's reader for its errors.
        let direct = match (file.encrypted(), file.compression(), file.data_start()) {
            (
                false,
                method @ (CompressionMethod::Stored | CompressionMethod::Deflated),
                Some(at),
            ) => {
                let at = usize::try_from(at)
                    .unwrap_or(usize::MAX)
                    .min(self.bytes.len());
                let packed = &self.bytes[at..];
                let len = usize::try_from(file.compressed_size()).unwrap_or(usize::MAX);
                Some((method, &packed[..packed.len().min(len)], file.crc32()))
            }
            _ => None,
        };
        drop(file);
        let buf = match direct {
            Some((method, packed, crc)) => {
                let buf = match method {
                    CompressionMethod::Stored => {
                        packed[..packed.len().min((room as usize).saturating_add(1))].to_vec()
                    }
                    _ => inflate(packed, capacity, room)
                        .map_err(|e| Error::corrupt(format!("entry {name}: {e}")))?,
                };
                // Past the room the entry is refused below, as zip's reader
                // would have stopped there without a checksum.
                if buf.len() as u64 <= room && crc32fast::hash(&buf) != crc {
                    return Err(Error::corrupt(format!("entry {name}: Invalid checksum")));
                }
                buf
            }
            None => {
                let mut file = self.zip.by_index(index).map_err(|e| zip_error(name, e))?;
                let mut buf = Vec::with_capacity(capacity);
                (&mut file)
                    .take(room + 1)
                    .read_to_end(&mut buf)
                    .map_err(|e| Error::corrupt(format!("entry {name}: {e}")))?;
                buf
            }
        };
        if buf.len() as u64 > room {
            return Err(if room == limits.max_entry_bytes {
                Limits::exceeded("max_entry_bytes", limits.max_entry_bytes)
            } else {
                Limits::exceeded("max_total_bytes", limits.max_total_bytes)
            });
        }
        if buf.len() as u64 > (1 << 20) && buf.len() as u64 / compressed > limits.max_ratio {
            return Err(Limits::exceeded("max_ratio", limits.max_ratio));
        }
        self.inflated += buf.len() as u64;
        Ok(Some(buf))
    }
}

thread_local! {
    /// One inflater per thread, reset for each entry (its state and window
    /// are allocated once, not per part).
    static INFLATER: RefCell<Decompress> = RefCell::new(Decompress::new(false));
}

/// Inflates a raw deflate stream in as few calls as its declared size
/// allows, stopping once more than `room` bytes came out. Like zip's
/// reader, a stream that ends early gives what it held (the checksum then
/// tells); a corrupt one is an error.
fn inflate(
    packed: &[u8],
    capacity: usize,
    room: u64,
) -> std::result::Result<Vec<u8>, &'static str> {
    const CORRUPT: &str = "corrupt deflate stream";
    let mut out = Vec::with_capacity(capacity);
    INFLATER.with(|cell| {
        let mut guard = cell.try_borrow_mut();
        let mut fresh;
        let z: &mut Decompress = match guard.as_deref_mut() {
            Ok(z) => {
                z.reset(false);
                z
            }
            // Re-entered (it never is): a fresh inflater.
            Err(_) => {
                fresh = Decompress::new(false);
                &mut fresh
            }
        };
        loop {
            if out.len() == out.capacity() {
                if out.len() as u64 > room {
                    return Ok(());
                }
                let more = out.len().max(32 << 10);
                let left = (room.saturating_add(1) - out.len() as u64).min(more as u64) as usize;
                out.reserve_exact(left);
            }
            let (before_in, before_out) = (z.total_in(), z.total_out());
            let used = usize::try_from(before_in)
                .unwrap_or(usize::MAX)
                .min(packed.len());
            match z.decompress_vec(&packed[used..], &mut out, FlushDecompress::Finish) {
                Ok(Status::StreamEnd) => return Ok(()),
                Ok(_) if z.total_in() == before_in && z.total_out() == before_out => {
                    if out.len() < out.capacity() {
                        // The input is spent: what came out is all there is.
                        return Ok(());
                    }
                }
                Ok(_) => {}
                Err(_) => return Err(CORRUPT),
            }
        }
    })?;
    Ok(out)
}

fn zip_error(name: &str, e: zip::result::ZipError) -> Error {
    match e {
        zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => Error::encrypted(),
        other => Error::corrupt(format!("entry {name}: {other}")),
    }
}

/// Decodes an XML part as UTF-8 (validated once, not copied), dropping a
/// BOM (Word Online writes them); UTF-16 parts are transcoded.
pub fn xml_text(mut bytes: Vec<u8>, part: &str) -> Result<String> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (s, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        if bad {
            return Err(Error::corrupt(format!("{part} is not valid text")));
        }
        return Ok(s.into_owned());
    }
    String::from_utf8(bytes).map_err(|_| Error::corrupt(format!("{part} is not valid UTF-8")))
}

/// An XML part as bytes for a reader that lets quick-xml check UTF-8 as it
/// reads (it validates every event), so the part is not validated twice: a
/// UTF-8 BOM is dropped, UTF-16 parts are transcoded.
pub fn xml_bytes(mut bytes: Vec<u8>, part: &str) -> Result<Vec<u8>> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        return Ok(bytes);
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (s, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        if bad {
            return Err(Error::corrupt(format!("{part} is not valid text")));
        }
        return Ok(s.into_owned().into_bytes());
    }
    Ok(bytes)
}

/// Finds the main part of an OOXML package through `_rels/.rels`
/// (Word Online names it `word/document2.xml`), else `fallback`.
pub fn main_part(pkg: &mut Package, fallback: &str) -> Result<Option<String>> {
    // The usual name needs no look-up (the relationships are parsed only
    // when it is missing, as in Word Online's document2.xml).
    if pkg.has(fallback) {
        return Ok(Some(fallback.to_string()));
    }
    if let Some(rels) = pkg.read("_rels/.rels")? {
        // A junk .rels (seen in the corpus) is ignored, not fatal.
        if let Ok(text) = xml_text(rels, "_rels/.rels") {
            let mut reader = quick_xml::Reader::from_str(&text);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Empty(e))
                    | Ok(quick_xml::events::Event::Start(e))
                        if e.local_name().as_ref() == "Relationship" =>
                    {
                        let mut ty = String::new();
                        let mut target = String::new();
                        for a in e.attributes().flatten() {
                            match a.key.local_name().as_ref() {
                                "Type" => ty = a.value.to_string(),
                                "Target" => target = a.value.to_string(),
                                _ => {}
                            }
                        }
                        if ty.ends_with("/officeDocument") && pkg.has(&target) {
                            return Ok(Some(normalise_name(&target)));
                        }
                    }
                    Ok(quick_xml::events::Event::Eof) | Err(_) => break,
                    _ => {}
                }
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body, method) in parts {
            let opts = zip::write::SimpleFileOptions::default().compression_method(*method);
            w.start_file(*name, opts).unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// Where an entry's CRC sits in its local header, and the data starts.
    fn local_crc_and_data(zip: &[u8], name: &str) -> (usize, usize) {
        let at = zip
            .windows(name.len())
            .position(|w| w == name.as_bytes())
            .unwrap()
            - 30;
        let extra = u16::from_le_bytes([zip[at + 28], zip[at + 29]]) as usize;
        (at + 14, at + 30 + name.len() + extra)
    }

    #[test]
    fn names_are_matched_as_normalised_without_the_index() {
        for raw in [
            "word/document.xml",
            "/Word\\Document.XML",
            "\\\\WORD/document.xml",
        ] {
            assert!(
                ascii_name_is(raw.as_bytes(), b"word/document.xml", false),
                "{raw}"
            );
            assert_eq!(normalise_name(raw), "word/document.xml");
            assert!(ascii_name_is(raw.as_bytes(), b"word/", true), "{raw}");
        }
        assert!(!ascii_name_is(
            b"word/document.xmlx",
            b"word/document.xml",
            false
        ));
        assert!(!ascii_name_is(b"wor", b"word/", true));
        // Small packages are searched in place, large ones through the map:
        // both give the first entry of the same normalised name.
        for n in [3, INDEXED_FROM + 5] {
            let mut parts: Vec<(String, Vec<u8>)> = (0..n)
                .map(|i| (format!("pad/{i}.xml"), b"x".to_vec()))
                .collect();
            parts.push(("Word\\Document.xml".into(), b"first".to_vec()));
            parts.push(("word/document.xml".into(), b"second".to_vec()));
            let parts: Vec<_> = parts
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice(), CompressionMethod::Deflated))
                .collect();
            let bytes = zip_of(&parts);
            let mut pkg = Package::open(&bytes, &Limits::default()).unwrap();
            assert!(pkg.has("WORD/document.xml") && pkg.has_prefix("word/"));
            assert!(!pkg.has("word/document.xm") && !pkg.has_prefix("xl/"));
            assert_eq!(pkg.read("word/document.xml").unwrap().unwrap(), b"first");
            assert_eq!(pkg.read("nothing").unwrap(), None);
        }
    }

    #[test]
    fn stored_and_deflated_entries_are_read_and_checked() {
        let body: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        for method in [CompressionMethod::Stored, CompressionMethod::Deflated] {
            let bytes = zip_of(&[("a.xml", &body, method), ("b.xml", b"", method)]);
            let mut pkg = Package::open(&bytes, &Limits::default()).unwrap();
            assert_eq!(pkg.read("a.xml").unwrap().unwrap(), body);
            assert_eq!(pkg.read("b.xml").unwrap().unwrap(), b"");
            // A flipped checksum is refused, as zip's reader refuses it.
            let (crc, _) = local_crc_and_data(&bytes, "a.xml");
            let mut bad = bytes.clone();
            let cd = bad.len() - 22 - 2 * 46 - "a.xml".len() - "b.xml".len();
            for at in [crc, cd + 16] {
                bad[at] ^= 1;
            }
            let mut pkg = Package::open(&bad, &Limits::default()).unwrap();
            let e = pkg.read("a.xml").unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::Corrupt);
            assert!(e.to_string().contains("Invalid checksum"), "{e}");
        }
    }

    #[test]
    fn corrupt_truncated_and_oversized_streams_are_errors() {
        let body = "<w:t>绩效目标</w:t>".repeat(5000);
        let bytes = zip_of(&[("a.xml", body.as_bytes(), CompressionMethod::Deflated)]);
        let (_, data) = local_crc_and_data(&bytes, "a.xml");
        // Garbage in the stream.
        let mut bad = bytes.clone();
        bad[data..data + 8].copy_from_slice(&[0xff; 8]);
        let e = Package::open(&bad, &Limits::default())
            .unwrap()
            .read("a.xml")
            .unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Corrupt);
        // A stream cut short: what it held fails the checksum.
        let packed = bytes.len() - data;
        let short = inflate(&bytes[data..data + packed / 3], 10, 1 << 20).unwrap();
        assert!(short.len() < body.len());
        // No more than the room, whatever the stream holds.
        let limits = Limits {
            max_entry_bytes: 1000,
            ..Limits::default()
        };
        let Err(e) = Package::open(&bytes, &limits) else {
            panic!("a declared size past the limit opened")
        };
        assert_eq!(e.kind, crate::error::ErrorKind::TooLarge);
        let out = inflate(&bytes[data..], 10, 1000).unwrap();
        assert_eq!(out.len(), 1001);
    }
}
