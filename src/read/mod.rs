//! Readers: bytes in, [`Block`]s out. The format is detected from the
//! content, never from the file name (exports often lie about it). A closed
//! set of formats is one enum and one `match`, here.

pub mod doc;
pub mod docx;
pub mod html;
pub mod ods;
pub mod odt;
pub mod ole;
pub mod package;
pub mod pdf;
pub mod text;
pub mod xls;
pub mod xlsx;
pub mod xml;
pub mod xml2003;

use crate::error::{Error, ErrorKind, Result};
use crate::grid::Block;
use crate::limits::Limits;
use package::Package;
use std::io::Read;

/// Formats jixiao recognises, whether or not it can read them yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Txt,
    Xlsx,
    Xls,
    Ods,
    Odt,
    Doc,
    Html,
    SpreadsheetMl,
    Rtf,
    Pdf,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Txt => "txt",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Odt => "odt",
            Format::Doc => "doc",
            Format::Html => "html",
            Format::SpreadsheetMl => "xml",
            Format::Rtf => "rtf",
            Format::Pdf => "pdf",
        }
    }
}

/// One input file as read: its detected format and its body.
#[derive(Debug, Clone)]
pub struct Document {
    pub format: Format,
    pub blocks: Vec<Block>,
}

const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads a file's bytes into a document, whatever its extension says.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(Limits::exceeded("max_file_bytes", limits.max_file_bytes));
    }
    if bytes.is_empty() {
        return Err(Error::new(
            ErrorKind::Unreadable,
            "文件是空的 (the file is empty: export it again)",
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return read_zip(bytes, limits);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return read_cfb(bytes, limits);
    }
    let head = &bytes[..bytes.len().min(2048)];
    // Raw BIFF2-4 worksheets (BOF record, no OLE2 container) and Word 2.0.
    if matches!(head, [0x09, 0x00 | 0x02 | 0x04, _, 0x00, ..]) {
        return Err(unsupported(Format::Xls, OLD_EXCEL_ADVICE));
    }
    if head.starts_with(b"\xDB\xA5") {
        return Err(unsupported(Format::Doc, DOC_ADVICE));
    }
    if head.starts_with(b"{\\rtf") {
        return Err(unsupported(
            Format::Rtf,
            "请在 Word 中另存为 .docx (save it as .docx in Word)",
        ));
    }
    // A PDF's header may follow a few bytes of junk (the spec allows 1024).
    if head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Ok(Document {
            format: Format::Pdf,
            blocks: pdf::read(bytes, limits)?,
        });
    }
    if !text::looks_like_text(bytes) {
        return Err(Error::new(
            ErrorKind::Unreadable,
            "不是可识别的办公文档或文本 (not an office document or text file jixiao recognises)",
        ));
    }
    let decoded = text::decode(bytes)?;
    // The first 2,048 characters, ASCII letters lowered: what the markers
    // below (all ASCII) are looked for in. Lowering other letters too, as
    // `to_lowercase` did, can give no further match: only the Kelvin sign
    // (to `k`) and `İ` (to `i` + U+0307) lower to ASCII, and no marker has
    // a `k` or an `i` that a U+0307 could follow.
    let head_end = decoded
        .char_indices()
        .nth(2048)
        .map_or(decoded.len(), |(i, _)| i);
    let mut lower_head = decoded[..head_end].to_string();
    lower_head.make_ascii_lowercase();
    if lower_head.contains("progid=\"excel.sheet\"")
        || lower_head.contains("urn:schemas-microsoft-com:office:spreadsheet")
    {
        return Ok(Document {
            format: Format::SpreadsheetMl,
            blocks: xml2003::read(decoded.trim_start_matches('\u{feff}'), limits)?,
        });
    }
    if html::is_html(&lower_head) {
        let page = html::decode(bytes)?;
        return Ok(Document {
            format: Format::Html,
            blocks: html::read(&page, limits)?,
        });
    }
    let blocks = text::read(&decoded, limits)?;
    Ok(Document {
        format: Format::Txt,
        blocks,
    })
}

/// A grid from ragged rows, its padded area (rows × widest row) checked
/// against `max_cells` before it is allocated: one wide row over many
/// narrow ones is cheap to write and costly to pad.
pub(crate) fn grid_within(
    rows: Vec<Vec<crate::grid::Slot>>,
    locator: crate::grid::Locator,
    limits: &Limits,
) -> Result<crate::grid::Grid> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0) as u64;
    if (rows.len() as u64).saturating_mul(width) > limits.max_cells {
        return Err(Limits::exceeded("max_cells", limits.max_cells));
    }
    Ok(crate::grid::Grid::from_rows(rows, locator))
}

/// Advice for the Excel 2-4 worksheets jixiao does not read.
const OLD_EXCEL_ADVICE: &str =
    "请在 Excel 或 WPS 中另存为 .xlsx (an Excel 2-4 worksheet: save it as .xlsx)";

fn unsupported(format: Format, what_to_do: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!(
            "不支持 {} 格式：{what_to_do} ({} files are not supported)",
            format.as_str(),
            format.as_str()
        ),
    )
}

fn read_zip(bytes: &[u8], limits: &Limits) -> Result<Document> {
    let mut pkg = Package::open(bytes, limits)?;
    if pkg.has("mimetype") || pkg.has("meta-inf/manifest.xml") {
        let format = odf_kind(&mut pkg)?;
        let blocks = match format {
            Format::Odt => odt::read(&mut pkg, limits)?,
            _ => ods::read(&mut pkg, limits)?,
        };
        return Ok(Document { format, blocks });
    }
    if pkg.has_prefix("xl/") {
        let blocks = xlsx::read(&mut pkg, limits)?;
        return Ok(Document {
            format: Format::Xlsx,
            blocks,
        });
    }
    if pkg.has_prefix("word/") || pkg.has("_rels/.rels") {
        let blocks = docx::read(&mut pkg, limits)?;
        return Ok(Document {
            format: Format::Docx,
            blocks,
        });
    }
    Err(Error::new(
        ErrorKind::Unreadable,
        "是压缩包但不是 Word 文档 (a zip archive, but not a Word document)",
    ))
}

/// An OpenDocument package: a spreadsheet or a text document (templates
/// too), or the error to report. Without a `mimetype` entry the manifest's
/// media type decides; without either, a spreadsheet.
fn odf_kind(pkg: &mut Package) -> std::result::Result<Format, Error> {
    let manifest = pkg
        .read("META-INF/manifest.xml")
        .ok()
        .flatten()
        .unwrap_or_default();
    if manifest.windows(15).any(|w| w == b"encryption-data") {
        return Err(Error::encrypted());
    }
    let mimetype = pkg.read("mimetype").ok().flatten().unwrap_or_default();
    let named = |what: &str| {
        let m = mimetype.trim_ascii();
        let root = format!("\"application/vnd.oasis.opendocument.{what}\"");
        m.ends_with(what.as_bytes())
            || m.ends_with(format!("{what}-template").as_bytes())
            || (m.is_empty() && manifest.windows(root.len()).any(|w| w == root.as_bytes()))
    };
    if named("text") && pkg.has("content.xml") {
        Ok(Format::Odt)
    } else if named("spreadsheet")
        || (mimetype.is_empty() && pkg.has("content.xml") && !pkg.has_prefix("word/"))
    {
        Ok(Format::Ods)
    } else {
        Err(Error::new(
            ErrorKind::Unsupported,
            "不支持这种 OpenDocument 文件（不是文字文档或电子表格）：请另存为 .odt、.ods 或 .docx \
             (an OpenDocument file that is neither a text document nor a spreadsheet: save it as .odt, .ods or .docx)",
        ))
    }
}

/// OLE2 containers: a BIFF workbook or a Word binary document is read;
/// anything else (encrypted files, damaged containers) is the error `cfb_problem` names.
fn read_cfb(bytes: &[u8], limits: &Limits) -> Result<Document> {
    // A FAT padded past the file's end with marks `cfb` refuses (issue 12).
    if let Some(fixed) = ole::fat_tail_freed(bytes) {
        return read_cfb_as_is(&fixed, limits);
    }
    read_cfb_as_is(bytes, limits)
}

fn read_cfb_as_is(bytes: &[u8], limits: &Limits) -> Result<Document> {
    if let Some(e) = cfb_problem(bytes) {
        return Err(e);
    }
    if doc::is_word(bytes) {
        return Ok(Document {
            format: Format::Doc,
            blocks: doc::read(bytes, limits)?,
        });
    }
    Ok(Document {
        format: Format::Xls,
        blocks: xls::read(bytes, limits)?,
    })
}

/// Why an OLE2 container is not a readable workbook, or `None` when it is.
fn cfb_problem(bytes: &[u8]) -> Option<Error> {
    let Ok(mut cfb) = cfb::CompoundFile::open(std::io::Cursor::new(bytes)) else {
        // The container is damaged, but its directory names still say what
        // it was meant to be.
        return Some(if utf16_name_in(bytes, "EncryptedPackage") {
            Error::encrypted()
        } else if utf16_name_in(bytes, "WordDocument") {
            unsupported(Format::Doc, DOC_ADVICE)
        } else if raw_biff_has_filepass(bytes) {
            Error::encrypted()
        } else {
            Error::corrupt("damaged OLE2 container")
        });
    };
    let names: Vec<String> = cfb.walk().map(|e| e.name().to_string()).collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("EncryptedPackage") {
        return Some(Error::encrypted());
    }
    if let Some(name) = names
        .iter()
        .find(|x| x.eq_ignore_ascii_case("WordDocument"))
        .cloned()
    {
        let mut fib = [0u8; 12];
        let encrypted = cfb
            .open_stream(&name)
            .ok()
            .and_then(|mut s| s.read_exact(&mut fib).ok())
            .map(|_| u16::from_le_bytes([fib[10], fib[11]]) & 0x0100 != 0)
            .unwrap_or(false);
        if encrypted {
            return Some(Error::encrypted());
        }
        // Word 97-2003 (and WPS of that family): read by `doc`.
        return None;
    }
    if let Some(name) = names
        .iter()
        .find(|x| x.eq_ignore_ascii_case("Workbook") || x.eq_ignore_ascii_case("Book"))
        .cloned()
    {
        if cfb
            .open_stream(&name)
            .map(biff_has_filepass)
            .unwrap_or(false)
        {
            return Some(Error::encrypted());
        }
        return None;
    }
    // Microsoft Works word processor files are also named .wps.
    if has("CONTENTS") && has("SPELLING") {
        return Some(Error::new(
            ErrorKind::Unsupported,
            "不支持 Microsoft Works 文字处理文档 (.wps)：请在 WPS 或 Word 中另存为 .docx \
             (a Microsoft Works .wps document: save it as .docx in WPS or Word)",
        ));
    }
    Some(Error::new(
        ErrorKind::Unreadable,
        "OLE2 文件但不是 Word 或 Excel 文档 (an OLE2 file that is neither Word nor Excel)",
    ))
}

/// For Word files jixiao cannot read: Word 2.0 and damaged containers
/// (Word 6/95 is named by `doc`).
const DOC_ADVICE: &str =
    "早期或损坏的 Word 文档，请在 Word 或 WPS 中另存为 .docx (an early or damaged Word document: save it as .docx in Word or WPS)";

/// Whether an OLE2 directory entry name appears in the file (UTF-16LE,
/// any ASCII case).
fn utf16_name_in(bytes: &[u8], name: &str) -> bool {
    let want: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes
        .windows(want.len())
        .any(|w| w.eq_ignore_ascii_case(&want))
}

/// For a damaged container: finds the workbook's BOF record in the raw
/// bytes and scans the records after it for FILEPASS.
fn raw_biff_has_filepass(bytes: &[u8]) -> bool {
    [&b"\x09\x08\x10\x00"[..], &b"\x09\x08\x08\x00"[..]]
        .iter()
        .any(|bof| {
            bytes
                .windows(4)
                .position(|w| w == *bof)
                .is_some_and(|at| biff_has_filepass(&bytes[at..]))
        })
}

/// Scans the workbook globals for a FILEPASS record (0x002F) before the
/// first EOF record; reads at most a few hundred records.
fn biff_has_filepass(mut stream: impl Read) -> bool {
    let mut header = [0u8; 4];
    let mut body = Vec::new();
    for _ in 0..512 {
        if stream.read_exact(&mut header).is_err() {
            return false;
        }
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = u16::from_le_bytes([header[2], header[3]]) as u64;
        match kind {
            0x002F => return true,
            0x000A => return false,
            _ => {}
        }
        body.clear();
        if (&mut stream).take(len).read_to_end(&mut body).is_err() {
            return false;
        }
    }
    false
}
