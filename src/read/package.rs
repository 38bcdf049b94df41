//! Zip packages (OOXML, ODF) opened under the safety limits: entry count,
//! declared and actual inflated size, compression ratio and the running total
//! are all checked before or while inflating, never after.

use crate::error::{Error, Result};
use crate::limits::Limits;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use zip::ZipArchive;

pub struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry names normalised (lower case, `/`, no leading `/`) → index;
    /// some producers write `xl\worksheets\…` or odd cases.
    names: HashMap<String, usize>,
    limits: Limits,
    inflated: u64,
}

fn normalise_name(name: &str) -> String {
    name.trim_start_matches(['/', '\\'])
        .replace('\\', "/")
        .to_lowercase()
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Package<'a>> {
        let zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| Error::corrupt(format!("not a readable zip archive: {e}")))?;
        if zip.len() > limits.max_entries {
            return Err(Limits::exceeded("max_entries", limits.max_entries as u64));
        }
        let mut zip = zip;
        // Declared sizes and ratios are checked for every entry up front, so a
        // bomb is refused whatever part a reader would have asked for.
        for i in 0..zip.len() {
            let Ok(entry) = zip.by_index_raw(i) else {
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
        let mut names = HashMap::with_capacity(zip.len());
        for i in 0..zip.len() {
            if let Some(Ok(name)) = zip.name_for_index(i) {
                // The first of duplicate names wins (seen in the corpus).
                names.entry(normalise_name(&name)).or_insert(i);
            }
        }
        Ok(Package {
            zip,
            names,
            limits: *limits,
            inflated: 0,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(&normalise_name(name))
    }

    /// Whether any entry name starts with `prefix` (normalised).
    pub fn has_prefix(&self, prefix: &str) -> bool {
        let p = normalise_name(prefix);
        self.names.keys().any(|k| k.starts_with(&p))
    }

    /// Inflates one entry, or `Ok(None)` when there is no such entry.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let Some(&index) = self.names.get(&normalise_name(name)) else {
            return Ok(None);
        };
        let limits = self.limits;
        let mut file = self.zip.by_index(index).map_err(|e| zip_error(name, e))?;
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
        let mut buf = Vec::with_capacity(declared.min(room) as usize);
        (&mut file)
            .take(room + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::corrupt(format!("entry {name}: {e}")))?;
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
