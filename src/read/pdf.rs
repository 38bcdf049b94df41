//! PDF: the ruled tables of a PDF printed from Word, WPS or Excel, rebuilt
//! from what each page draws. A table's ruling lines (strokes, and thin
//! filled rectangles) give the cell boundaries; a missing inner line is a
//! merge; each piece of positioned text lands in the cell it sits in, its
//! lines joined as the cell's paragraphs (a line broken by the cell's width
//! continues the paragraph). Text outside every table becomes paragraphs in
//! reading order. A table continued on the next page is stitched back into
//! one grid; two tables drawn touching each other are split where their
//! column boundaries change. The reader knows nothing of budgets.
//!
//! What it refuses, rather than guess: a PDF with no ruled table
//! (`no_tables`), a page that is only a picture (a scan: `unsupported`), a
//! font whose codes have no Unicode map (`unsupported`, naming the font),
//! encryption with a password (`encrypted`). A PDF encrypted with an empty
//! user password (an owner password only: "may not be edited", which is
//! how many disclosures are published) is decrypted and read.
//!
//! The objects come from lopdf (see docs/dependencies.md); the content
//! streams are inflated here under the limits and walked operator by
//! operator.

use crate::chars::is_cjk;
use crate::error::{Error, ErrorKind, Result};
use crate::grid::{Block, Grid, Locator, Pos, RowLocator, Slot, Span};
use crate::limits::Limits;
use lopdf::{Dictionary, Object, ObjectId, Stream};
use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

/// Reads a PDF's bytes into blocks.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Block>> {
    let doc = load(bytes, limits)?;
    let pages = read_pages(&doc, limits)?;
    assemble(pages, limits)
}

// ---------------------------------------------------------------------------
// Loading, under the limits

thread_local! {
    /// The load's object budget and inflation cap, for the object filter
    /// lopdf calls (a plain `fn`, so the state travels by thread).
    static LOAD: Cell<LoadBudget> = const { Cell::new(LoadBudget { objects: 0, inflated: 0, max_objects: 0, max_stream: 0, max_total: 0, over: None }) };
    /// The decryption of the load under way (an empty user password), and
    /// the encryption dictionary's own id (never encrypted).
    static DECRYPT: std::cell::RefCell<Option<(lopdf::EncryptionState, ObjectId)>> =
        const { std::cell::RefCell::new(None) };
    /// Objects of the object stream just inflated: lopdf passes them to the
    /// filter next, keeps what the filter returns for them (not the object
    /// it passed, as for the others), and they are never encrypted.
    static INSIDE: std::cell::RefCell<std::collections::HashSet<u32>> =
        std::cell::RefCell::new(std::collections::HashSet::new());
}

#[derive(Clone, Copy)]
struct LoadBudget {
    objects: u64,
    inflated: u64,
    max_objects: u64,
    max_stream: u64,
    max_total: u64,
    over: Option<&'static str>,
}

/// Objects in one PDF: each is at least a few bytes of the file, so this is
/// only reached by object streams; tied to the XML element limit's scale.
fn max_objects(limits: &Limits) -> u64 {
    limits.max_pdf_operators
}

/// Loads the objects under the limits. An encrypted PDF is loaded through
/// the same bounded path (lopdf's own encrypted path has no object filter,
/// so it would inflate object streams without a bound): its trailer's
/// `/Encrypt` key is renamed in a copy of the bytes so that lopdf loads it
/// as a plain file; a first load finds the encryption dictionary and checks
/// the empty user password; a second decrypts each object as it loads,
/// before any object stream is inflated. A real password is `encrypted`.
fn load(bytes: &[u8], limits: &Limits) -> Result<lopdf::Document> {
    if !has_encrypt_key(bytes) {
        return load_plain(bytes, limits);
    }
    let renamed = rename_encrypt(bytes);
    let first = load_plain(&renamed, limits);
    let state = match first {
        Ok(doc) => empty_password(doc).ok_or_else(Error::encrypted)?,
        Err(e) if e.kind == ErrorKind::TooLarge => return Err(e),
        Err(_) => return Err(Error::encrypted()),
    };
    DECRYPT.with(|d| *d.borrow_mut() = Some(state));
    let doc = load_plain(&renamed, limits);
    DECRYPT.with(|d| d.borrow_mut().take());
    INSIDE.with(|i| i.borrow_mut().clear());
    doc
}

/// The name the trailer's `/Encrypt` key is given in [`load`]'s copy: as
/// long, so no offset moves.
const RENAMED: &[u8; 8] = b"/Encrypx";

/// `bytes` with every `/Encrypt` key (followed by a delimiter, so not
/// `/EncryptMetadata`) renamed [`RENAMED`].
fn rename_encrypt(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i + 9 <= out.len() {
        if is_encrypt_key(&out[i..i + 9]) {
            out[i..i + 8].copy_from_slice(RENAMED);
            i += 9;
        } else {
            i += 1;
        }
    }
    out
}

/// The decryption of `doc` (loaded with its `/Encrypt` renamed) if its
/// user password is empty.
fn empty_password(mut doc: lopdf::Document) -> Option<(lopdf::EncryptionState, ObjectId)> {
    let encrypt = doc.trailer.get(&RENAMED[1..]).ok()?.clone();
    let id = encrypt.as_reference().ok()?;
    doc.trailer.set("Encrypt", encrypt);
    // 40-bit RC4 (V 1) may carry `/Length 40`, which lopdf 0.38 refuses
    // (it allows the key only for V 2 to 5); 40 is V 1's only length.
    if let Ok(dict) = doc.get_object_mut(id).and_then(Object::as_dict_mut) {
        if dict
            .get(b"V")
            .and_then(Object::as_i64)
            .is_ok_and(|v| v == 1)
        {
            dict.remove(b"Length");
        }
    }
    // lopdf's key derivation is third-party code on hostile numbers.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        doc.authenticate_user_password("").ok()?;
        lopdf::EncryptionState::decode(&doc, "").ok()
    }))
    .ok()
    .flatten()
    .map(|state| (state, id))
}

fn load_plain(bytes: &[u8], limits: &Limits) -> Result<lopdf::Document> {
    check_xref_streams(bytes, limits)?;
    LOAD.with(|l| {
        l.set(LoadBudget {
            objects: 0,
            inflated: 0,
            max_objects: max_objects(limits),
            max_stream: limits.max_entry_bytes,
            max_total: limits.max_total_bytes,
            over: None,
        })
    });
    let reader = lopdf::Reader {
        buffer: bytes,
        document: lopdf::Document::new(),
        encryption_state: None,
        raw_objects: Default::default(),
    };
    // lopdf is a third-party parser of hostile bytes: a panic in it is a
    // damaged file, not a crash (fuzz/fuzz_targets/pdf.rs runs it).
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        reader.read(Some(filter_object as Filter))
    }));
    let over = LOAD.with(|l| l.get().over);
    if let Some(name) = over {
        let value = match name {
            "max_entry_bytes" => limits.max_entry_bytes,
            "max_total_bytes" => limits.max_total_bytes,
            _ => max_objects(limits),
        };
        return Err(Limits::exceeded(name, value));
    }
    let doc = match loaded {
        Ok(Ok(doc)) => doc,
        Ok(Err(lopdf::Error::Decryption(_)))
        | Ok(Err(lopdf::Error::UnsupportedSecurityHandler(_))) => return Err(Error::encrypted()),
        // A damaged file that says it is encrypted is reported as such.
        _ if has_encrypt_key(bytes) => return Err(Error::encrypted()),
        Ok(Err(e)) => return Err(Error::corrupt(format!("PDF: {e}"))),
        Err(_) => return Err(Error::corrupt("PDF structure")),
    };
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(Error::encrypted());
    }
    Ok(doc)
}

/// Whether a trailer (or cross-reference stream) names an `/Encrypt`
/// dictionary: the key, followed by a delimiter.
fn has_encrypt_key(bytes: &[u8]) -> bool {
    bytes.windows(9).any(is_encrypt_key)
}

fn is_encrypt_key(w: &[u8]) -> bool {
    w.starts_with(b"/Encrypt")
        && (matches!(w[8], b' ' | b'\r' | b'\n' | b'\t' | b'<' | b'/') || w[8].is_ascii_digit())
}

/// Called by lopdf on every object it loads: counts them, and inflates
/// object streams here under the caps (lopdf would inflate them unbounded).
fn filter_object(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    let mut budget = LOAD.with(|l| l.get());
    budget.objects += 1;
    if budget.over.is_some() {
        return None;
    }
    if budget.objects > budget.max_objects {
        budget.over = Some("max_pdf_operators");
        LOAD.with(|l| l.set(budget));
        return None;
    }
    let mut keep = true;
    let inner = INSIDE.with(|i| i.borrow_mut().remove(&id.0));
    DECRYPT.with(|d| {
        let d = d.borrow();
        let Some((state, encrypt)) = d.as_ref() else {
            return;
        };
        if id == *encrypt || inner {
            return;
        }
        if lopdf::encryption::decrypt_object(state, id, object).is_err() {
            keep = false;
        }
    });
    if let Object::Stream(stream) = object {
        if stream.dict.has_type(b"ObjStm") {
            let cap = budget
                .max_stream
                .min(budget.max_total.saturating_sub(budget.inflated));
            match plain_content(stream, cap) {
                Ok(data) => {
                    budget.inflated += data.len() as u64;
                    note_inside(stream, &data);
                    stream.dict.remove(b"Filter");
                    stream.dict.remove(b"DecodeParms");
                    stream.set_content(data);
                }
                Err(Inflate::TooLarge) => {
                    budget.over = Some(if cap < budget.max_stream {
                        "max_total_bytes"
                    } else {
                        "max_entry_bytes"
                    });
                    keep = false;
                }
                Err(Inflate::Damaged) => keep = false,
            }
        }
    }
    LOAD.with(|l| l.set(budget));
    // lopdf keeps `object` itself and only looks at whether this is `None`,
    // except for an object stream's objects, where it keeps what is
    // returned (they were all `Null` before: a PDF with object streams lost
    // its page tree and fonts and read as `no_tables`).
    keep.then(|| (id, if inner { object.clone() } else { Object::Null }))
}

/// Records the objects an object stream holds (its header: pairs of object
/// number and offset, up to `/First`), which come to the filter next.
fn note_inside(stream: &Stream, data: &[u8]) {
    let first = stream
        .dict
        .get(b"First")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|f| usize::try_from(f).ok())
        .map_or(0, |f| f.min(data.len()));
    let header = String::from_utf8_lossy(&data[..first]);
    INSIDE.with(|i| {
        let mut i = i.borrow_mut();
        i.clear();
        i.extend(
            header
                .split_whitespace()
                .step_by(2)
                .filter_map(|n| n.parse::<u32>().ok()),
        );
    });
}

type Filter = fn(ObjectId, &mut Object) -> Option<(ObjectId, Object)>;

enum Inflate {
    TooLarge,
    Damaged,
}

/// A stream's decoded bytes, at most `cap` of them, filter by filter.
/// Flate (the filter every office suite writes) is inflated here through a
/// bounded reader, and only when it fits is a predictor undone by lopdf
/// (which never lengthens it); LZW and ASCII85 go to lopdf only when their
/// worst case (4,096 bytes a code, 1 a byte) fits. lopdf would inflate
/// any of them unbounded (a predictor stream of 300 KB made 300 MB).
fn plain_content(stream: &Stream, cap: u64) -> std::result::Result<Vec<u8>, Inflate> {
    use std::io::Read;
    // No /Filter: the bytes as they are (lopdf's `filters()` is an error
    // then, which once made every uncompressed content stream look damaged:
    // such a PDF read as blank pages).
    let filters: Vec<Vec<u8>> = if stream.dict.has(b"Filter") {
        let f = stream.filters().map_err(|_| Inflate::Damaged)?;
        f.into_iter().map(<[u8]>::to_vec).collect()
    } else {
        Vec::new()
    };
    // Each filter's parameters: one dictionary, or an array of them.
    let params = |k: usize| -> Option<&Dictionary> {
        match stream.dict.get(b"DecodeParms").ok()? {
            Object::Dictionary(d) => Some(d),
            Object::Array(a) => a.get(k)?.as_dict().ok(),
            _ => None,
        }
    };
    let mut data = std::borrow::Cow::Borrowed(stream.content.as_slice());
    for (k, f) in filters.iter().enumerate() {
        let p = params(k);
        let step = |name: &[u8]| {
            let mut dict = Dictionary::new();
            dict.set("Filter", Object::Name(name.to_vec()));
            if let Some(p) = p {
                dict.set("DecodeParms", Object::Dictionary(p.clone()));
            }
            Stream::new(dict, data.to_vec())
                .decompressed_content()
                .map_err(|_| Inflate::Damaged)
        };
        let out = match f.as_slice() {
            b"FlateDecode" | b"Fl" => {
                let mut out = Vec::new();
                let mut dec = flate2::read::ZlibDecoder::new(data.as_ref());
                let read = (&mut dec).take(cap + 1).read_to_end(&mut out);
                if out.len() as u64 > cap {
                    return Err(Inflate::TooLarge);
                }
                match read {
                    Ok(_) => {}
                    // A truncated stream still gives what it inflated so
                    // far, as readers of damaged PDFs do.
                    Err(_) if !out.is_empty() => {}
                    Err(_) => return Err(Inflate::Damaged),
                }
                let predictor = p
                    .and_then(|p| p.get(b"Predictor").ok())
                    .and_then(|p| p.as_i64().ok())
                    .unwrap_or(1);
                if predictor > 1 {
                    step(b"FlateDecode")?
                } else {
                    out
                }
            }
            b"LZWDecode" | b"LZW" | b"ASCII85Decode" | b"A85" => {
                let worst = if f.starts_with(b"LZW") { 4096 } else { 1 };
                if (data.len() as u64).saturating_mul(worst) > cap {
                    return Err(Inflate::TooLarge);
                }
                let full: &[u8] = if f.starts_with(b"LZW") {
                    b"LZWDecode"
                } else {
                    b"ASCII85Decode"
                };
                step(full)?
            }
            _ => return Err(Inflate::Damaged),
        };
        if out.len() as u64 > cap {
            return Err(Inflate::TooLarge);
        }
        data = std::borrow::Cow::Owned(out);
    }
    if data.len() as u64 > cap {
        return Err(Inflate::TooLarge);
    }
    Ok(data.into_owned())
}

/// lopdf inflates a cross-reference stream while it reads the trailers,
/// before any object filter runs, and without a bound. Every stream lopdf
/// could take for one — an object at a `startxref`, `/Prev` or `/XRefStm`
/// offset found anywhere in the file (a superset of the chain lopdf
/// follows) — is parsed here first by lopdf's own object parser and
/// decoded under the caps; together they count against `max_total_bytes`.
fn check_xref_streams(bytes: &[u8], limits: &Limits) -> Result<()> {
    // lopdf reads from the first `%PDF-`: offsets count from there.
    let start = bytes.windows(5).position(|w| w == b"%PDF-").unwrap_or(0);
    let buf = &bytes[start..];
    let mut offsets: Vec<usize> = Vec::new();
    for key in [&b"startxref"[..], b"/Prev", b"/XRefStm"] {
        let mut at = 0;
        while let Some(k) = find_bytes(&buf[at..], key) {
            at += k + key.len();
            let digits = buf[at..]
                .iter()
                .skip_while(|c| c.is_ascii_whitespace())
                .take_while(|c| c.is_ascii_digit())
                .take(20)
                .map(|c| (c - b'0') as u64)
                .fold(0u64, |n, d| n.saturating_mul(10).saturating_add(d));
            if let Ok(o) = usize::try_from(digits) {
                if o < buf.len() {
                    offsets.push(o);
                }
            }
        }
    }
    offsets.sort_unstable();
    offsets.dedup();
    let mut total = 0u64;
    for o in offsets {
        crate::limits::checkpoint()?;
        let Some(id) = object_header(&buf[o..]) else {
            continue;
        };
        let Ok(offset) = u32::try_from(o) else {
            continue;
        };
        let mut reader = lopdf::Reader {
            buffer: buf,
            document: lopdf::Document::new(),
            encryption_state: None,
            raw_objects: Default::default(),
        };
        reader.document.reference_table.insert(
            id.0,
            lopdf::xref::XrefEntry::Normal {
                offset,
                generation: id.1,
            },
        );
        let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            reader.get_object(id, &mut std::collections::HashSet::new())
        }));
        let Ok(Ok(Object::Stream(stream))) = parsed else {
            continue;
        };
        total += stream.content.len() as u64;
        let cap = limits
            .max_entry_bytes
            .min(limits.max_total_bytes.saturating_sub(total));
        match plain_content(&stream, cap) {
            Ok(data) => total += data.len() as u64,
            Err(Inflate::TooLarge) => return Err(too_large_stream(cap, limits)),
            Err(Inflate::Damaged) => {}
        }
        if total > limits.max_total_bytes {
            return Err(Limits::exceeded("max_total_bytes", limits.max_total_bytes));
        }
    }
    Ok(())
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `N G obj` at the start of `b` (after white space and comments, as
/// lopdf's parser skips them): the object's id.
fn object_header(b: &[u8]) -> Option<ObjectId> {
    let mut i = 0;
    let space = |i: &mut usize| loop {
        match b.get(*i) {
            Some(c) if b" \t\n\r\0\x0C".contains(c) => *i += 1,
            Some(b'%') => {
                while b.get(*i).is_some_and(|c| !b"\r\n".contains(c)) {
                    *i += 1;
                }
            }
            _ => return,
        }
    };
    let number = |i: &mut usize| -> Option<u64> {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) && *i - from < 12 {
            *i += 1;
        }
        std::str::from_utf8(&b[from..*i]).ok()?.parse().ok()
    };
    space(&mut i);
    let n = u32::try_from(number(&mut i)?).ok()?;
    space(&mut i);
    let g = u16::try_from(number(&mut i)?).ok()?;
    space(&mut i);
    b[i..].starts_with(b"obj").then_some((n, g))
}

// ---------------------------------------------------------------------------
// Pages: what each draws

/// A horizontal or vertical line segment, in points, y growing downwards.
#[derive(Debug, Clone, Copy)]
struct Seg {
    /// y of a horizontal segment, x of a vertical one.
    at: f64,
    /// Its extent along the other axis, `a <= b`.
    a: f64,
    b: f64,
}

/// One run of text drawn by one text-showing operator.
#[derive(Debug, Clone)]
struct Piece {
    x0: f64,
    x1: f64,
    /// The baseline, y growing downwards.
    y: f64,
    /// The font size as drawn (points).
    size: f64,
    text: String,
}

#[derive(Default)]
struct Page {
    h: Vec<Seg>,
    v: Vec<Seg>,
    text: Vec<Piece>,
    images: usize,
    /// The page's height (MediaBox), points.
    height: f64,
    /// Characters drawn advancing right, up, left and down on the page.
    directions: [u64; 4],
    /// Text kept from the page, with a per-run overhead.
    text_bytes: u64,
}

fn read_pages(doc: &lopdf::Document, limits: &Limits) -> Result<Vec<Page>> {
    let ids: Vec<ObjectId> = doc
        .page_iter()
        .take(limits.max_pdf_pages as usize + 1)
        .collect();
    if ids.len() as u64 > limits.max_pdf_pages {
        return Err(Limits::exceeded("max_pdf_pages", limits.max_pdf_pages));
    }
    let mut fonts = FontCache::default();
    let mut inflated = 0u64;
    let mut pages = Vec::with_capacity(ids.len());
    for id in ids {
        crate::limits::checkpoint()?;
        let mut page = Page::default();
        let Ok(dict) = doc.get_dictionary(id) else {
            pages.push(page);
            continue;
        };
        let resources = inherited(doc, dict, b"Resources").and_then(|r| r.as_dict().ok());
        let corner = |k: usize| {
            inherited(doc, dict, b"MediaBox")
                .and_then(|b| b.as_array().ok())
                .and_then(|b| num(deref(doc, b.get(k)?)?))
        };
        let (width, height) = match (corner(0), corner(1), corner(2), corner(3)) {
            (Some(x0), Some(y0), Some(x1), Some(y1)) => ((x1 - x0).abs(), (y1 - y0).abs()),
            _ => (595.0, 842.0),
        };
        page.height = height;
        let mut content = Vec::new();
        for sid in doc.get_page_contents(id) {
            let Ok(stream) = doc.get_object(sid).and_then(Object::as_stream) else {
                continue;
            };
            let cap = limits
                .max_entry_bytes
                .min(limits.max_total_bytes.saturating_sub(inflated));
            match plain_content(stream, cap) {
                Ok(data) => {
                    inflated += data.len() as u64;
                    content.extend_from_slice(&data);
                    content.push(b'\n');
                }
                Err(Inflate::TooLarge) => return Err(too_large_stream(cap, limits)),
                Err(Inflate::Damaged) => {}
            }
        }
        let mut walk = |page: &mut Page, ctm: Matrix| {
            Walker {
                doc,
                limits,
                fonts: &mut fonts,
                page,
                operators: 0,
                inflated: &mut inflated,
            }
            .run(&content, resources, ctm, 0)
        };
        walk(&mut page, IDENTITY)?;
        // Text drawn sideways or upside down (a page whose content is
        // turned, shown upright by /Rotate or not): the page is walked
        // again turned so that most of its text runs left to right, which
        // is what the grid and line rules expect. /Rotate alone turns
        // only how a viewer shows the page, not its content.
        let q = (0..4)
            .max_by_key(|&q| (page.directions[q], q == 0))
            .unwrap_or(0);
        if q != 0 {
            let (w, h) = (width, height);
            let turn: Matrix = match q {
                1 => [0.0, -1.0, 1.0, 0.0, 0.0, w],
                2 => [-1.0, 0.0, 0.0, -1.0, w, h],
                _ => [0.0, 1.0, -1.0, 0.0, h, 0.0],
            };
            page = Page {
                height: if q == 2 { h } else { w },
                ..Page::default()
            };
            walk(&mut page, turn)?;
        }
        pages.push(page);
    }
    Ok(pages)
}

fn too_large_stream(cap: u64, limits: &Limits) -> Error {
    if cap < limits.max_entry_bytes {
        Limits::exceeded("max_total_bytes", limits.max_total_bytes)
    } else {
        Limits::exceeded("max_entry_bytes", limits.max_entry_bytes)
    }
}

/// A page attribute, looked up the page tree (Resources and MediaBox are
/// inherited).
fn inherited<'a>(
    doc: &'a lopdf::Document,
    mut dict: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Object> {
    for _ in 0..64 {
        if let Ok(obj) = dict.get(key) {
            return deref(doc, obj);
        }
        dict = deref(doc, dict.get(b"Parent").ok()?)?.as_dict().ok()?;
    }
    None
}

/// Entry `name` of a resource category (`/Font`, `/XObject`), as written
/// (a reference stays one).
fn resource<'a>(
    doc: &'a lopdf::Document,
    resources: Option<&'a Dictionary>,
    category: &[u8],
    name: &[u8],
) -> Option<&'a Object> {
    deref(doc, resources?.get(category).ok()?)?
        .as_dict()
        .ok()?
        .get(name)
        .ok()
}

fn deref<'a>(doc: &'a lopdf::Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

fn num(obj: &Object) -> Option<f64> {
    match obj {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: first `m`, then `n`.
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Form XObjects drawn inside each other, at most this deep.
const MAX_FORM_DEPTH: u32 = 12;
/// Subpaths kept of one path before it is painted (a path never painted
/// would otherwise grow with every operator).
const MAX_SUBPATHS: usize = 100_000;
/// A filled rectangle this thin (points) is a ruling line.
const THIN: f64 = 2.5;

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_space: f64,
    word_space: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

struct Walker<'a, 'd> {
    doc: &'d lopdf::Document,
    limits: &'a Limits,
    fonts: &'a mut FontCache,
    page: &'a mut Page,
    operators: u64,
    inflated: &'a mut u64,
}

impl<'d> Walker<'_, 'd> {
    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'d Dictionary>,
        ctm: Matrix,
        depth: u32,
    ) -> Result<()> {
        let ops = match lopdf::content::Content::decode(content) {
            Ok(c) => c.operations,
            Err(_) => return Ok(()),
        };
        self.operators += ops.len() as u64;
        if self.operators > self.limits.max_pdf_operators {
            return Err(Limits::exceeded(
                "max_pdf_operators",
                self.limits.max_pdf_operators,
            ));
        }
        let mut gs = State {
            ctm,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut stack: Vec<State> = Vec::new();
        // The path under construction: subpaths of points, and rectangles.
        let mut path: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for (k, op) in ops.iter().enumerate() {
            if k & 0xFFF == 0xFFF {
                crate::limits::checkpoint()?;
            }
            let o = &op.operands;
            let n = |i: usize| o.get(i).and_then(num).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" => gs.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &gs.ctm),
                "m" if path.len() < MAX_SUBPATHS => path.push(vec![apply(&gs.ctm, n(0), n(1))]),
                "l" => {
                    let p = apply(&gs.ctm, n(0), n(1));
                    match path.last_mut() {
                        Some(sub) if sub.len() < 4096 => sub.push(p),
                        Some(_) => {}
                        None => path.push(vec![p]),
                    }
                }
                "c" | "v" | "y" if path.len() < MAX_SUBPATHS => {
                    // Curves are never ruling lines: end the subpath there.
                    let k = o.len().saturating_sub(2);
                    path.push(vec![apply(&gs.ctm, n(k), n(k + 1))]);
                }
                "h" => {
                    if let Some(sub) = path.last_mut() {
                        if let Some(&first) = sub.first() {
                            if sub.len() > 1 {
                                sub.push(first);
                            }
                        }
                    }
                }
                "re" if path.len() < MAX_SUBPATHS => {
                    let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                    let pts = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)];
                    path.push(pts.iter().map(|&(a, b)| apply(&gs.ctm, a, b)).collect());
                }
                "S" | "s" => {
                    self.stroke(&path);
                    path.clear();
                }
                "f" | "F" | "f*" => {
                    self.fill(&path);
                    path.clear();
                }
                "B" | "B*" | "b" | "b*" => {
                    self.stroke(&path);
                    path.clear();
                }
                "n" => path.clear(),
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    gs.font = match o.first().and_then(|f| f.as_name().ok()) {
                        Some(name) => self.font(resources, name)?,
                        None => None,
                    };
                    gs.size = n(1);
                }
                "Tc" => gs.char_space = n(0),
                "Tw" => gs.word_space = n(0),
                "Tz" => gs.scale = n(0) / 100.0,
                "TL" => gs.leading = n(0),
                "Ts" => gs.rise = n(0),
                "Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    gs.leading = -n(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = o.first() {
                        self.show(
                            &gs,
                            &mut tm,
                            &[Object::String(s.clone(), lopdf::StringFormat::Literal)],
                        )?;
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = o.first() {
                        self.show(&gs, &mut tm, items)?;
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        gs.word_space = n(0);
                        gs.char_space = n(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(s @ Object::String(..)) = o.last() {
                        self.show(&gs, &mut tm, std::slice::from_ref(s))?;
                    }
                }
                "BI" | "ID" => self.page.images += 1,
                "Do" => {
                    if let Some(name) = o.first().and_then(|f| f.as_name().ok()) {
                        self.draw_object(resources, name, &gs.ctm, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// `Do`: an image is counted (a page of nothing else is a scan); a form
    /// is walked like the page, under the same operator budget.
    fn draw_object(
        &mut self,
        resources: Option<&'d Dictionary>,
        name: &[u8],
        ctm: &Matrix,
        depth: u32,
    ) -> Result<()> {
        let doc = self.doc;
        let Some(stream) = resource(doc, resources, b"XObject", name)
            .and_then(|x| deref(doc, x))
            .and_then(|x| x.as_stream().ok())
        else {
            return Ok(());
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.page.images += 1,
            Ok(b"Form") if depth < MAX_FORM_DEPTH => {
                let cap = self
                    .limits
                    .max_entry_bytes
                    .min(self.limits.max_total_bytes.saturating_sub(*self.inflated));
                let data = match plain_content(stream, cap) {
                    Ok(d) => d,
                    Err(Inflate::TooLarge) => return Err(too_large_stream(cap, self.limits)),
                    Err(Inflate::Damaged) => return Ok(()),
                };
                *self.inflated += data.len() as u64;
                let matrix = match stream.dict.get(b"Matrix").and_then(Object::as_array) {
                    Ok(a) if a.len() == 6 => {
                        let v: Vec<f64> = a.iter().map(|x| num(x).unwrap_or(0.0)).collect();
                        [v[0], v[1], v[2], v[3], v[4], v[5]]
                    }
                    _ => IDENTITY,
                };
                let own = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|r| deref(doc, r))
                    .and_then(|r| r.as_dict().ok());
                self.run(&data, own.or(resources), mul(&matrix, ctm), depth + 1)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn font(&mut self, resources: Option<&'d Dictionary>, name: &[u8]) -> Result<Option<Rc<Font>>> {
        let doc = self.doc;
        let Some(obj) = resource(doc, resources, b"Font", name) else {
            return Ok(None);
        };
        let key = match obj {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        if let Some(f) = key.and_then(|k| self.fonts.by_id.get(&k)) {
            return Ok(Some(f.clone()));
        }
        let Some(dict) = deref(doc, obj).and_then(|o| o.as_dict().ok()) else {
            return Ok(None);
        };
        let font = Rc::new(Font::load(doc, dict, name, self.limits, self.inflated)?);
        if let Some(k) = key {
            if self.fonts.by_id.len() < 4096 {
                self.fonts.by_id.insert(k, font.clone());
            }
        }
        Ok(Some(font))
    }

    /// Text shown with the current font from the current text matrix; the
    /// matrix advances past it.
    fn show(&mut self, gs: &State, tm: &mut Matrix, items: &[Object]) -> Result<()> {
        let Some(font) = gs.font.clone() else {
            return Ok(());
        };
        let start = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, gs.rise], &mul(tm, &gs.ctm));
        let mut text = String::new();
        for item in items {
            match item {
                Object::String(bytes, _) => {
                    for (code, len) in font.codes(bytes) {
                        if !font.push_unicode(code, &mut text) {
                            return Err(font.unmapped());
                        }
                        let w = font.width(code) / 1000.0;
                        let spacing = if len == 1 && code == 32 {
                            gs.word_space
                        } else {
                            0.0
                        };
                        let tx = (w * gs.size + gs.char_space + spacing) * gs.scale;
                        *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                    }
                }
                other => {
                    if let Some(adj) = num(other) {
                        let tx = -adj / 1000.0 * gs.size * gs.scale;
                        *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                    }
                }
            }
        }
        let end = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, gs.rise], &mul(tm, &gs.ctm));
        if text.trim().is_empty() {
            return Ok(());
        }
        // Which way the text advances on the page (right, up, left, down).
        let q = if start[0].abs() >= start[1].abs() {
            if start[0] >= 0.0 {
                0
            } else {
                2
            }
        } else if start[1] > 0.0 {
            1
        } else {
            3
        };
        self.page.directions[q] += text.chars().count() as u64;
        let (x0, y0) = apply(&start, 0.0, 0.0);
        let (x1, _) = apply(&end, 0.0, 0.0);
        // The drawn size: the text space's unit height on the page.
        let (_, top) = apply(&start, 0.0, gs.size);
        let size = (top - y0).abs().max(1.0);
        self.page.text_bytes += text.len() as u64 + 64;
        if self.page.text_bytes > self.limits.max_text_bytes {
            return Err(Limits::exceeded(
                "max_text_bytes",
                self.limits.max_text_bytes,
            ));
        }
        if self.page.text.len() as u64 >= self.limits.max_pdf_operators {
            return Err(Limits::exceeded(
                "max_pdf_operators",
                self.limits.max_pdf_operators,
            ));
        }
        self.page.text.push(Piece {
            x0: x0.min(x1),
            x1: x0.max(x1),
            y: -y0,
            size,
            text,
        });
        Ok(())
    }

    fn stroke(&mut self, path: &[Vec<(f64, f64)>]) {
        for sub in path {
            for w in sub.windows(2) {
                self.segment(w[0], w[1]);
            }
        }
    }

    /// A filled path: a thin axis-aligned rectangle is a ruling line along
    /// its long side; any other fill (shading, glyph outlines) is not.
    fn fill(&mut self, path: &[Vec<(f64, f64)>]) {
        for sub in path {
            let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for &(x, y) in sub {
                x0 = x0.min(x);
                x1 = x1.max(x);
                y0 = y0.min(y);
                y1 = y1.max(y);
            }
            let axis_aligned = sub
                .windows(2)
                .all(|w| (w[0].0 - w[1].0).abs() < 0.01 || (w[0].1 - w[1].1).abs() < 0.01);
            if sub.len() < 4 || !axis_aligned {
                continue;
            }
            let (w, h) = (x1 - x0, y1 - y0);
            if h <= THIN && w > h {
                let y = (y0 + y1) / 2.0;
                self.segment((x0, y), (x1, y));
            } else if w <= THIN && h > w {
                let x = (x0 + x1) / 2.0;
                self.segment((x, y0), (x, y1));
            }
        }
    }

    fn segment(&mut self, p: (f64, f64), q: (f64, f64)) {
        let (dx, dy) = ((p.0 - q.0).abs(), (p.1 - q.1).abs());
        if !(p.0.is_finite() && p.1.is_finite() && q.0.is_finite() && q.1.is_finite()) {
            return;
        }
        // Page space has y upwards; segments are kept with y downwards.
        if dy < 0.5 && dx > 0.5 {
            self.page.h.push(Seg {
                at: -(p.1 + q.1) / 2.0,
                a: p.0.min(q.0),
                b: p.0.max(q.0),
            });
        } else if dx < 0.5 && dy > 0.5 {
            self.page.v.push(Seg {
                at: (p.0 + q.0) / 2.0,
                a: (-p.1).min(-q.1),
                b: (-p.1).max(-q.1),
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Fonts: codes to Unicode

#[derive(Default)]
struct FontCache {
    by_id: HashMap<ObjectId, Rc<Font>>,
}

struct Font {
    name: String,
    /// Code lengths in bytes, from the font's encoding (simple fonts: 1).
    two_byte: bool,
    map: Map,
    widths: HashMap<u32, f64>,
    default_width: f64,
}

enum Map {
    /// A ToUnicode CMap (or a simple font's standard encoding), code → text.
    Table(HashMap<u32, String>),
    /// A predefined UCS-2 / UTF-16 CMap: the codes are Unicode.
    Ucs2,
    /// No way to Unicode: text drawn with the font is an error.
    None,
}

impl Font {
    fn load(
        doc: &lopdf::Document,
        dict: &Dictionary,
        resource: &[u8],
        limits: &Limits,
        inflated: &mut u64,
    ) -> Result<Font> {
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok();
        // A Type3 font draws each code with a procedure of its own: its
        // glyph names are the procedures' names and its codes follow no
        // standard encoding, so without a ToUnicode map its text is glyphs
        // only (mapping the codes through Latin-1, as for other simple
        // fonts, gave garbled text). It has no BaseFont: named by /Name or
        // by its resource name.
        let type3 = subtype == Some(b"Type3");
        let name = dict
            .get(b"BaseFont")
            .or_else(|_| dict.get(b"Name"))
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(resource).into_owned());
        let name = if type3 {
            format!("{name} (Type3)")
        } else {
            name
        };
        let composite = subtype == Some(b"Type0");
        let encoding = dict.get(b"Encoding").ok().and_then(|e| deref(doc, e));
        let encoding_name = encoding.and_then(|e| e.as_name().ok()).unwrap_or(b"");
        let mut map = Map::None;
        if let Some(stream) = dict
            .get(b"ToUnicode")
            .ok()
            .and_then(|t| deref(doc, t))
            .and_then(|t| t.as_stream().ok())
        {
            let cap = limits
                .max_entry_bytes
                .min(limits.max_total_bytes.saturating_sub(*inflated));
            match plain_content(stream, cap) {
                Ok(data) => {
                    *inflated += data.len() as u64;
                    let table = parse_cmap(&data);
                    if !table.is_empty() {
                        map = Map::Table(table);
                    }
                }
                Err(Inflate::TooLarge) => return Err(too_large_stream(cap, limits)),
                Err(Inflate::Damaged) => {}
            }
        }
        let mut widths = HashMap::new();
        let mut default_width = 1000.0;
        if composite {
            if matches!(map, Map::None) {
                let e = String::from_utf8_lossy(encoding_name);
                if e.starts_with("Uni") && (e.contains("UCS2") || e.contains("UTF16")) {
                    map = Map::Ucs2;
                }
            }
            let descendant = dict
                .get(b"DescendantFonts")
                .ok()
                .and_then(|d| deref(doc, d))
                .and_then(|d| d.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|d| deref(doc, d))
                .and_then(|d| d.as_dict().ok());
            if let Some(cid) = descendant {
                default_width = cid.get(b"DW").ok().and_then(num).unwrap_or(1000.0);
                if let Some(w) = cid
                    .get(b"W")
                    .ok()
                    .and_then(|w| deref(doc, w))
                    .and_then(|w| w.as_array().ok())
                {
                    cid_widths(doc, w, &mut widths);
                }
            }
        } else {
            if matches!(map, Map::None) && !type3 {
                map = simple_encoding(doc, encoding);
            }
            default_width = dict
                .get(b"FontDescriptor")
                .ok()
                .and_then(|d| deref(doc, d))
                .and_then(|d| d.as_dict().ok())
                .and_then(|d| d.get(b"MissingWidth").ok())
                .and_then(num)
                .unwrap_or(0.0);
            let first = dict.get(b"FirstChar").ok().and_then(num).unwrap_or(0.0);
            if let Some(w) = dict
                .get(b"Widths")
                .ok()
                .and_then(|w| deref(doc, w))
                .and_then(|w| w.as_array().ok())
            {
                // Type3 widths are in glyph space: its FontMatrix makes
                // them text space (others are in thousandths).
                let scale = if type3 {
                    dict.get(b"FontMatrix")
                        .ok()
                        .and_then(|m| deref(doc, m))
                        .and_then(|m| m.as_array().ok())
                        .and_then(|m| m.first())
                        .and_then(num)
                        .filter(|s| s.is_finite() && *s != 0.0)
                        .map_or(1.0, |s| s * 1000.0)
                } else {
                    1.0
                };
                for (i, v) in w.iter().take(256).enumerate() {
                    if let Some(v) = deref(doc, v).and_then(num) {
                        widths.insert(first as u32 + i as u32, v * scale);
                    }
                }
            }
        }
        Ok(Font {
            name,
            two_byte: composite,
            map,
            widths,
            default_width,
        })
    }

    /// The codes in a shown string with their byte lengths.
    fn codes<'b>(&self, bytes: &'b [u8]) -> impl Iterator<Item = (u32, u8)> + 'b {
        let two = self.two_byte;
        let step = if two { 2 } else { 1 };
        bytes.chunks(step).map(move |c| match c {
            [a, b] => (u32::from(*a) << 8 | u32::from(*b), 2),
            [a] => (u32::from(*a), 1),
            _ => (0, 1),
        })
    }

    /// Appends the text of one code; `false` when the font cannot say.
    fn push_unicode(&self, code: u32, out: &mut String) -> bool {
        match &self.map {
            Map::Table(t) => match t.get(&code) {
                Some(s) => {
                    out.push_str(s);
                    true
                }
                None => false,
            },
            Map::Ucs2 => match char::from_u32(code) {
                Some(c) => {
                    out.push(c);
                    true
                }
                None => false,
            },
            Map::None => false,
        }
    }

    fn width(&self, code: u32) -> f64 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }

    fn unmapped(&self) -> Error {
        Error::new(
            ErrorKind::Unsupported,
            format!(
                "PDF 中的字体 {0} 没有 Unicode 对照表，无法可靠取出文字：请使用原始 Word/Excel 文件，\
                 或在导出 PDF 时选择嵌入字体 (the PDF's font {0} has no Unicode map, so its text \
                 cannot be read reliably: use the original Word or Excel file)",
                self.name
            ),
        )
    }
}

/// A simple font without ToUnicode: its named base encoding (WinAnsi and
/// the standard ones agree on ASCII) and `/Differences` glyph names that
/// name a character. A glyph name that names none leaves the code out.
fn simple_encoding(doc: &lopdf::Document, encoding: Option<&Object>) -> Map {
    let mut table: HashMap<u32, String> = (0x20u32..0x7f)
        .filter_map(|c| char::from_u32(c).map(|ch| (c, ch.to_string())))
        .collect();
    // WinAnsi agrees with Latin-1 from 0xA0 up.
    for c in 0xa0u32..=0xff {
        if let Some(ch) = char::from_u32(c) {
            table.insert(c, ch.to_string());
        }
    }
    if let Some(diffs) = encoding
        .and_then(|e| e.as_dict().ok())
        .and_then(|d| d.get(b"Differences").ok())
        .and_then(|d| deref(doc, d))
        .and_then(|d| d.as_array().ok())
    {
        let mut code = 0u32;
        for item in diffs.iter().take(1024) {
            match item {
                Object::Integer(i) => code = (*i).clamp(0, 255) as u32,
                Object::Name(n) => {
                    match glyph_char(n) {
                        Some(c) => table.insert(code, c.to_string()),
                        None => table.remove(&code),
                    };
                    code = (code + 1).min(255);
                }
                _ => {}
            }
        }
    }
    Map::Table(table)
}

/// The character a glyph name names (`space`, `A`, `uni4E00`, `u1F600`),
/// for the common names; `None` for a name that names none (`g37`).
fn glyph_char(name: &[u8]) -> Option<char> {
    let name = std::str::from_utf8(name).ok()?;
    let named = match name {
        "space" => ' ',
        "exclam" => '!',
        "quotedbl" => '"',
        "numbersign" => '#',
        "dollar" => '$',
        "percent" => '%',
        "ampersand" => '&',
        "quotesingle" => '\'',
        "parenleft" => '(',
        "parenright" => ')',
        "asterisk" => '*',
        "plus" => '+',
        "comma" => ',',
        "hyphen" | "minus" => '-',
        "period" => '.',
        "slash" => '/',
        "zero" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        "colon" => ':',
        "semicolon" => ';',
        "less" => '<',
        "equal" => '=',
        "greater" => '>',
        "question" => '?',
        "at" => '@',
        "bracketleft" => '[',
        "backslash" => '\\',
        "bracketright" => ']',
        "underscore" => '_',
        "braceleft" => '{',
        "bar" => '|',
        "braceright" => '}',
        _ => {
            let mut chars = name.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                if c.is_ascii_alphabetic() {
                    return Some(c);
                }
            }
            let hex = name
                .strip_prefix("uni")
                .filter(|h| h.len() == 4)
                .or_else(|| {
                    name.strip_prefix('u')
                        .filter(|h| (4..=6).contains(&h.len()))
                })?;
            return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
        }
    };
    Some(named)
}

/// A CID font's `/W`: `c [w1 w2 …]` and `c_first c_last w`, at most 65,536
/// widths.
fn cid_widths(doc: &lopdf::Document, w: &[Object], out: &mut HashMap<u32, f64>) {
    let mut i = 0;
    while i < w.len() && out.len() < 65_536 {
        let Some(first) = deref(doc, &w[i]).and_then(num) else {
            return;
        };
        let first = first.clamp(0.0, 65_535.0) as u32;
        match w.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, v) in list.iter().take(65_536).enumerate() {
                    if let Some(v) = num(v) {
                        out.insert(first + k as u32, v);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let last = num(last).unwrap_or(0.0).clamp(0.0, 65_535.0) as u32;
                let v = w.get(i + 2).and_then(num).unwrap_or(1000.0);
                for c in first..=last.min(first + 65_535) {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => return,
        }
    }
}

/// Entries read from one ToUnicode CMap, at most.
const MAX_CMAP_ENTRIES: usize = 1 << 17;

/// A ToUnicode CMap's `bfchar` and `bfrange` entries: code → text.
fn parse_cmap(data: &[u8]) -> HashMap<u32, String> {
    #[derive(PartialEq)]
    enum Section {
        None,
        Char,
        Range,
    }
    let mut map = HashMap::new();
    let mut section = Section::None;
    let mut pending: Vec<Vec<u8>> = Vec::new();
    let mut array: Option<Vec<Vec<u8>>> = None;
    let mut i = 0;
    while i < data.len() && map.len() < MAX_CMAP_ENTRIES {
        let c = data[i];
        match c {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let end = data[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(data.len(), |e| i + e);
                let hex = hex_bytes(&data[i + 1..end]);
                i = end + 1;
                match array.as_mut() {
                    Some(a) => a.push(hex),
                    None => pending.push(hex),
                }
                if section == Section::Char && pending.len() == 2 {
                    let dst = utf16(&pending[1]);
                    map.insert(code_of(&pending[0]), dst);
                    pending.clear();
                }
                if section == Section::Range && pending.len() == 3 {
                    let (lo, hi) = (code_of(&pending[0]), code_of(&pending[1]));
                    let mut units: Vec<u16> = pending[2]
                        .chunks(2)
                        .map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]))
                        .collect();
                    for code in lo..=hi.min(lo + MAX_CMAP_ENTRIES as u32) {
                        map.insert(code, String::from_utf16_lossy(&units));
                        if let Some(last) = units.last_mut() {
                            *last = last.wrapping_add(1);
                        }
                    }
                    pending.clear();
                }
                continue;
            }
            b'[' => {
                array = Some(Vec::new());
                i += 1;
            }
            b']' => {
                if let Some(a) = array.take() {
                    if section == Section::Range && pending.len() == 2 {
                        let lo = code_of(&pending[0]);
                        for (k, dst) in a.iter().enumerate().take(MAX_CMAP_ENTRIES) {
                            map.insert(lo + k as u32, utf16(dst));
                        }
                    }
                }
                pending.clear();
                i += 1;
            }
            b'(' => {
                // Strings never hold entries here; skip, nesting counted.
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < data.len() && data[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                section = match &data[start..i] {
                    b"beginbfchar" => Section::Char,
                    b"beginbfrange" => Section::Range,
                    b"endbfchar" | b"endbfrange" => Section::None,
                    _ => section,
                };
                pending.clear();
                array = None;
            }
            _ => i += 1,
        }
    }
    map
}

fn hex_bytes(hex: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = hex
        .iter()
        .filter_map(|&c| (c as char).to_digit(16).map(|d| d as u8))
        .collect();
    digits
        .chunks(2)
        .map(|p| p[0] << 4 | p.get(1).copied().unwrap_or(0))
        .collect()
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |c, &b| c << 8 | u32::from(b))
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|p| u16::from_be_bytes([p[0], p.get(1).copied().unwrap_or(0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

// ---------------------------------------------------------------------------
// Tables: ruling lines to cells

/// Lines closer than this (points) are one line: double borders, and the
/// half-widths of strokes meeting at a corner.
const TOL: f64 = 1.5;

/// Collinear segments merged: those on one line (within [`TOL`]) that
/// overlap or touch become one.
fn merge(mut segs: Vec<Seg>) -> Vec<Seg> {
    segs.sort_by(|p, q| p.at.total_cmp(&q.at));
    let mut out: Vec<Seg> = Vec::with_capacity(segs.len());
    let mut i = 0;
    while i < segs.len() {
        let base = segs[i].at;
        let mut j = i;
        while j < segs.len() && segs[j].at - base <= TOL {
            j += 1;
        }
        let line = &mut segs[i..j];
        let at = line.iter().map(|s| s.at).sum::<f64>() / line.len() as f64;
        line.sort_by(|p, q| p.a.total_cmp(&q.a));
        let mut cur: Option<Seg> = None;
        for s in line.iter() {
            match cur.as_mut() {
                Some(c) if s.a <= c.b + TOL => c.b = c.b.max(s.b),
                _ => {
                    if let Some(c) = cur.take() {
                        out.push(c);
                    }
                    cur = Some(Seg { at, a: s.a, b: s.b });
                }
            }
        }
        out.extend(cur);
        i = j;
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        parent[a.max(b)] = a.min(b);
    }
}

/// Positions of lines clustered within [`TOL`], sorted.
fn positions(mut at: Vec<f64>) -> Vec<f64> {
    at.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    let mut group: Vec<f64> = Vec::new();
    for x in at {
        if group.first().is_some_and(|&g| x - g > TOL) {
            out.push(group.iter().sum::<f64>() / group.len() as f64);
            group.clear();
        }
        group.push(x);
    }
    if !group.is_empty() {
        out.push(group.iter().sum::<f64>() / group.len() as f64);
    }
    out
}

/// A table cell in page coordinates: rows `r0..r1` of its table, columns
/// between the boundaries `x0` and `x1`.
#[derive(Debug, Clone)]
struct TCell {
    r0: u32,
    r1: u32,
    x0: f64,
    x1: f64,
    text: String,
}

#[derive(Debug, Clone)]
struct Table {
    /// Column boundaries, sorted.
    xs: Vec<f64>,
    /// Row boundaries on the table's last page (y downwards).
    ys: Vec<f64>,
    rows: u32,
    cells: Vec<TCell>,
    first_page: usize,
    last_page: usize,
    /// 1-based, among the tables starting on `first_page`.
    number: usize,
    row_locators: Vec<RowLocator>,
}

/// The tables a page's ruling lines draw: connected lines, split where two
/// touching tables' column boundaries change.
fn tables_of(h: Vec<Seg>, v: Vec<Seg>, limits: &Limits) -> Result<Vec<Table>> {
    let (h, v) = (merge(h), merge(v));
    if (h.len() as u64).saturating_mul(v.len() as u64) > limits.max_pdf_operators.max(1 << 20) {
        return Err(Limits::exceeded(
            "max_pdf_operators",
            limits.max_pdf_operators,
        ));
    }
    let mut parent: Vec<usize> = (0..h.len() + v.len()).collect();
    for (i, hs) in h.iter().enumerate() {
        for (j, vs) in v.iter().enumerate() {
            if vs.at >= hs.a - TOL
                && vs.at <= hs.b + TOL
                && hs.at >= vs.a - TOL
                && hs.at <= vs.b + TOL
            {
                union(&mut parent, i, h.len() + j);
            }
        }
    }
    let mut groups: HashMap<usize, (Vec<Seg>, Vec<Seg>)> = HashMap::new();
    for (i, s) in h.iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().0.push(*s);
    }
    for (j, s) in v.iter().enumerate() {
        let root = find(&mut parent, h.len() + j);
        groups.entry(root).or_default().1.push(*s);
    }
    let mut tables = Vec::new();
    for (_, (gh, gv)) in groups {
        if gh.len() < 2 || gv.len() < 2 {
            continue;
        }
        let ys = positions(gh.iter().map(|s| s.at).collect());
        if ys.len() < 2 {
            continue;
        }
        for (r_start, r_end) in touching_split(&ys, &gh, &gv) {
            if let Some(t) = table_in_band(&ys[r_start..=r_end], &gh, &gv) {
                tables.push(t);
            }
        }
    }
    tables.sort_by(|p, q| p.ys[0].total_cmp(&q.ys[0]));
    Ok(tables)
}

fn covers(s: &Seg, at: f64, mid: f64) -> bool {
    (s.at - at).abs() <= TOL && s.a <= mid && mid <= s.b
}

/// The column boundaries present in row band `ys[r]..ys[r+1]`.
fn band_columns(ys: &[f64], r: usize, v: &[Seg]) -> Vec<f64> {
    let mid = (ys[r] + ys[r + 1]) / 2.0;
    positions(
        v.iter()
            .filter(|s| s.a <= mid && mid <= s.b)
            .map(|s| s.at)
            .collect(),
    )
}

fn subset(a: &[f64], b: &[f64]) -> bool {
    a.iter().all(|x| b.iter().any(|y| (x - y).abs() <= TOL))
}

/// Rows of one set of touching lines past which it is not split.
const MAX_SPLIT_ROWS: usize = 400;

/// Row ranges (inclusive boundary indices) of the tables drawn touching in
/// one connected set of lines. A new table starts at a full-width line
/// where the outer edges move, or where the column boundaries of the rows
/// above (together) and those below, both of the next row and of all the
/// rest, are not one a subset of the other; each side keeps at least two
/// rows (a table's odd first row is a header, not a table).
fn touching_split(ys: &[f64], h: &[Seg], v: &[Seg]) -> Vec<(usize, usize)> {
    let rows = ys.len() - 1;
    // The unions below are quadratic in the rows: a set of lines with more
    // rows than any real page holds is kept whole.
    if rows > MAX_SPLIT_ROWS {
        return vec![(0, rows)];
    }
    let bands: Vec<Vec<f64>> = (0..rows).map(|r| band_columns(ys, r, v)).collect();
    let union_of =
        |rs: std::ops::Range<usize>| positions(rs.flat_map(|r| bands[r].clone()).collect());
    let unrelated = |a: &[f64], b: &[f64]| !subset(a, b) && !subset(b, a);
    let mut out = Vec::new();
    let mut start = 0;
    for k in start + 2..rows.saturating_sub(1) {
        if k < start + 2 {
            continue;
        }
        let above = union_of(start..k);
        let below = union_of(k..rows);
        let (Some(a0), Some(a1), Some(b0), Some(b1)) =
            (above.first(), above.last(), below.first(), below.last())
        else {
            continue;
        };
        let full = h.iter().any(|s| {
            (s.at - ys[k]).abs() <= TOL && s.a <= a0.max(*b0) + TOL && s.b >= a1.min(*b1) - TOL
        });
        let edges_move = (a0 - b0).abs() > TOL || (a1 - b1).abs() > TOL;
        if full && (edges_move || (unrelated(&above, &bands[k]) && unrelated(&above, &below))) {
            out.push((start, k));
            start = k;
        }
    }
    out.push((start, rows));
    out
}

/// The cells between row boundaries `ys`: regions of row × column slots not
/// separated by a line, each a cell with its spans.
fn table_in_band(ys: &[f64], h: &[Seg], v: &[Seg]) -> Option<Table> {
    let rows = ys.len() - 1;
    let xs = positions((0..rows).flat_map(|r| band_columns(ys, r, v)).collect());
    if xs.len() < 2 || rows == 0 {
        return None;
    }
    let cols = xs.len() - 1;
    let idx = |r: usize, c: usize| r * cols + c;
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        let ymid = (ys[r] + ys[r + 1]) / 2.0;
        for c in 0..cols {
            let xmid = (xs[c] + xs[c + 1]) / 2.0;
            if c + 1 < cols && !v.iter().any(|s| covers(s, xs[c + 1], ymid)) {
                union(&mut parent, idx(r, c), idx(r, c + 1));
            }
            if r + 1 < rows && !h.iter().any(|s| covers(s, ys[r + 1], xmid)) {
                union(&mut parent, idx(r, c), idx(r + 1, c));
            }
        }
    }
    // Each region's bounding box; a region that is not a rectangle (lines
    // drawn oddly) falls back to one cell per slot.
    let mut bbox: HashMap<usize, (usize, usize, usize, usize)> = HashMap::new();
    for r in 0..rows {
        for c in 0..cols {
            let root = find(&mut parent, idx(r, c));
            let b = bbox.entry(root).or_insert((r, c, r, c));
            b.0 = b.0.min(r);
            b.1 = b.1.min(c);
            b.2 = b.2.max(r);
            b.3 = b.3.max(c);
        }
    }
    let mut taken = vec![false; rows * cols];
    let mut cells = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            if taken[idx(r, c)] {
                continue;
            }
            let root = find(&mut parent, idx(r, c));
            let (r0, c0, r1, c1) = bbox[&root];
            let whole = r0 == r
                && c0 == c
                && (r0..=r1).all(|rr| {
                    (c0..=c1)
                        .all(|cc| !taken[idx(rr, cc)] && find(&mut parent, idx(rr, cc)) == root)
                });
            let (r1, c1) = if whole { (r1, c1) } else { (r, c) };
            for rr in r..=r1 {
                for cc in c..=c1 {
                    taken[idx(rr, cc)] = true;
                }
            }
            cells.push(TCell {
                r0: r as u32,
                r1: r1 as u32 + 1,
                x0: xs[c],
                x1: xs[c1 + 1],
                text: String::new(),
            });
        }
    }
    Some(Table {
        xs,
        ys: ys.to_vec(),
        rows: rows as u32,
        cells,
        first_page: 0,
        last_page: 0,
        number: 0,
        row_locators: Vec::new(),
    })
}

// ---------------------------------------------------------------------------
// Text: pieces to lines, lines to cells and paragraphs

/// A line of text: pieces on one baseline, left to right.
struct Line {
    x1: f64,
    y: f64,
    size: f64,
    text: String,
}

/// Pieces grouped into lines, top to bottom; within a line a space where
/// the gap between two pieces is a word space (not between two CJK
/// characters, where it is only spacing).
fn lines_of(mut pieces: Vec<Piece>) -> Vec<Line> {
    pieces.sort_by(|p, q| p.y.total_cmp(&q.y).then(p.x0.total_cmp(&q.x0)));
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    for p in pieces {
        match lines.last_mut() {
            Some(line) if (p.y - line[0].y).abs() <= 0.4 * line[0].size.min(p.size) => line.push(p),
            _ => lines.push(vec![p]),
        }
    }
    lines
        .into_iter()
        .map(|mut line| {
            line.sort_by(|p, q| p.x0.total_cmp(&q.x0));
            let mut text = String::new();
            let mut end: Option<f64> = None;
            for p in &line {
                if let Some(e) = end {
                    let gap = p.x0 - e;
                    let (before, after) = (text.chars().next_back(), p.text.chars().next());
                    let joins_cjk = before.is_some_and(is_cjk) && after.is_some_and(is_cjk);
                    // Office suites put about a quarter em between Chinese
                    // and Latin text where the file has no space.
                    let mixed =
                        before.is_some_and(|c| c.is_ascii()) != after.is_some_and(|c| c.is_ascii());
                    let word_gap = if mixed { 0.45 } else { 0.3 } * p.size;
                    if gap > word_gap
                        && !joins_cjk
                        && !text.ends_with(' ')
                        && !p.text.starts_with(' ')
                    {
                        text.push(' ');
                    }
                }
                text.push_str(&p.text);
                end = Some(end.map_or(p.x1, |e: f64| e.max(p.x1)));
            }
            Line {
                x1: line.iter().map(|p| p.x1).fold(f64::MIN, f64::max),
                y: line[0].y,
                size: line.iter().map(|p| p.size).fold(0.0, f64::max),
                text,
            }
        })
        .collect()
}

/// Right padding (points) assumed inside a cell when telling a line broken
/// by the cell's width from a paragraph's end.
const CELL_PADDING: f64 = 6.0;

/// A cell's lines as its text: a line that ends where the next line's
/// first word would not have fitted continues the paragraph; otherwise the
/// next line is the next paragraph, after `\n` (as the Word readers join a
/// cell's paragraphs).
fn cell_text(lines: &[Line], right: f64) -> String {
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.text.trim();
        if i > 0 {
            let prev = &lines[i - 1];
            let first = first_unit_width(t, line.size);
            let wrapped = prev.x1 + first > right - CELL_PADDING;
            if !wrapped {
                text.push('\n');
            } else if text
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            {
                text.push(' ');
            }
        }
        text.push_str(t);
    }
    text
}

/// The width of a line's first word (one CJK character, or the Latin
/// letters up to a space), estimated from the font size.
fn first_unit_width(t: &str, size: f64) -> f64 {
    match t.chars().next() {
        Some(c) if is_cjk(c) || !c.is_ascii() => size,
        Some(_) => {
            t.chars()
                .take_while(|c| !c.is_whitespace() && c.is_ascii())
                .count() as f64
                * size
                * 0.5
        }
        None => 0.0,
    }
}

/// Where a piece of text sits, for placing it: inside its first glyph,
/// halfway up the letters.
fn anchor_point(p: &Piece) -> (f64, f64) {
    (
        p.x0 + (0.5 * p.size).min((p.x1 - p.x0) / 2.0),
        p.y - 0.3 * p.size,
    )
}

fn slot_index(bounds: &[f64], at: f64) -> Option<usize> {
    if bounds.len() < 2 || at < bounds[0] || at > bounds[bounds.len() - 1] {
        return None;
    }
    let k = bounds.partition_point(|&b| b <= at);
    Some(k.saturating_sub(1).min(bounds.len() - 2))
}

// ---------------------------------------------------------------------------
// The document: pages to blocks

/// An item with its top (for reading order) and, for a line, its text
/// with digits folded and its baseline (to find page furniture).
type Placed = (f64, Item, Option<(String, f64)>);

/// What a page shows, in reading order.
enum Item {
    Table(Table),
    /// A line of text outside every table, with the page it is on.
    Line(String),
}

fn assemble(pages: Vec<Page>, limits: &Limits) -> Result<Vec<Block>> {
    let mut per_page: Vec<Vec<Placed>> = Vec::new();
    let heights: Vec<f64> = pages.iter().map(|p| p.height).collect();
    let mut scans = Vec::new();
    let mut text_bytes = 0u64;
    let mut table_count = 0u64;
    for (p, page) in pages.into_iter().enumerate() {
        if page.text.is_empty() && page.images > 0 {
            scans.push(p + 1);
        }
        for piece in &page.text {
            text_bytes += piece.text.len() as u64 + 16;
        }
        if text_bytes > limits.max_text_bytes {
            return Err(Limits::exceeded("max_text_bytes", limits.max_text_bytes));
        }
        let mut tables = tables_of(page.h, page.v, limits)?;
        for _ in &tables {
            limits.count_table(&mut table_count)?;
        }
        let mut in_cells: Vec<Vec<Vec<Piece>>> = tables
            .iter()
            .map(|t| vec![Vec::new(); t.cells.len()])
            .collect();
        // Slot → cell, per table, for placing text.
        let maps: Vec<Vec<usize>> = tables.iter().map(slot_map).collect();
        let mut free = Vec::new();
        for piece in page.text {
            let (x, y) = anchor_point(&piece);
            let hit = tables.iter().enumerate().find_map(|(t, table)| {
                let r = slot_index(&table.ys, y)?;
                let c = slot_index(&table.xs, x)?;
                Some((t, maps[t][r * (table.xs.len() - 1) + c]))
            });
            match hit {
                Some((t, cell)) => in_cells[t][cell].push(piece),
                None => free.push(piece),
            }
        }
        for (table, pieces) in tables.iter_mut().zip(in_cells) {
            for (cell, pieces) in table.cells.iter_mut().zip(pieces) {
                cell.text = cell_text(&lines_of(pieces), cell.x1);
            }
        }
        let mut items: Vec<Placed> = Vec::new();
        let mut number = 0;
        for mut t in tables {
            number += 1;
            t.first_page = p;
            t.last_page = p;
            t.number = number;
            let page = u32::try_from(p + 1).unwrap_or(u32::MAX);
            t.row_locators = (1..=t.rows)
                .map(|row| RowLocator::PageRow { page, row })
                .collect();
            items.push((t.ys[0], Item::Table(t), None));
        }
        for line in lines_of(free) {
            let key = furniture_key(&line.text);
            items.push((
                line.y - line.size,
                Item::Line(line.text),
                Some((key, line.y)),
            ));
        }
        items.sort_by(|a, b| a.0.total_cmp(&b.0));
        per_page.push(items);
    }
    let furniture = furniture(&per_page);
    let mut out: Vec<Item> = Vec::new();
    // Where the last page's last table sits in `out`, with the page's
    // height, while only page furniture follows it.
    let mut open: Option<(usize, f64)> = None;
    for (p, (items, furniture)) in per_page.into_iter().zip(furniture).enumerate() {
        let height = heights[p];
        let mut items = items.into_iter().zip(furniture).peekable();
        // The page's head: furniture, then perhaps the continuation.
        let mut head: Vec<(Item, Furniture)> = Vec::new();
        while let Some(((_, Item::Line(_), _), Furniture::PageNumber | Furniture::Repeated)) =
            items.peek()
        {
            if let Some(((_, item, _), f)) = items.next() {
                head.push((item, f));
            }
        }
        let continues = match (open, items.peek()) {
            (Some((at, prev_height)), Some(((_, Item::Table(next), _), _))) => match &out[at] {
                Item::Table(prev) => {
                    prev.last_page + 1 == p
                        && prev.ys.last().is_some_and(|&b| b >= -0.25 * prev_height)
                        && same_columns(&prev.xs, &next.xs)
                }
                Item::Line(_) => false,
            },
            _ => false,
        };
        if continues {
            if let (Some((at, _)), Some(((_, Item::Table(next), _), _))) = (open, items.next()) {
                // The furniture between the two parts is dropped.
                out.truncate(at + 1);
                if let Some(Item::Table(prev)) = out.last_mut() {
                    stitch(prev, next);
                }
            }
        } else {
            out.extend(
                head.into_iter()
                    .filter(|(_, f)| *f != Furniture::PageNumber)
                    .map(|(item, _)| item),
            );
        }
        open = None;
        for ((_, item, _), furniture) in items {
            match (&item, furniture) {
                (Item::Table(_), _) => open = Some((out.len(), height)),
                (_, Furniture::PageNumber) => continue,
                (_, Furniture::Repeated) => {}
                (_, Furniture::No) => open = None,
            }
            out.push(item);
        }
        if continues && open.is_none() && matches!(out.last(), Some(Item::Table(_))) {
            open = Some((out.len() - 1, height));
        }
    }
    let mut blocks = Vec::with_capacity(out.len());
    let mut slots = 0u64;
    for item in out {
        match item {
            Item::Line(text) => blocks.push(Block::Paragraph(text)),
            Item::Table(t) => {
                let grid = to_grid(t, limits)?;
                slots += u64::from(grid.rows()) * u64::from(grid.cols());
                if slots > limits.max_cells {
                    return Err(Limits::exceeded("max_cells", limits.max_cells));
                }
                blocks.push(Block::Table(grid));
            }
        }
    }
    if !blocks.iter().any(|b| matches!(b, Block::Table(_))) {
        return Err(match scans.as_slice() {
            [] => Error::new(
                ErrorKind::NoTables,
                "PDF 中没有带框线的表格（jixiao 只能从有表格线的 PDF 还原表格）：请使用原始 Word/Excel 文件 \
                 (the PDF has no ruled table: jixiao rebuilds tables from their ruling lines; \
                 use the original Word or Excel file)",
            ),
            pages => Error::new(
                ErrorKind::Unsupported,
                format!(
                    "PDF 第 {0} 页是扫描图像，没有可读取的文字：请先用 OCR 软件识别（jixiao 不做 OCR），\
                     或使用原始 Word/Excel 文件 (page {0} of the PDF is a scanned image with no text: \
                     run OCR on it outside jixiao, or use the original Word or Excel file)",
                    page_list(pages)
                ),
            ),
        });
    }
    Ok(blocks)
}

fn page_list(pages: &[usize]) -> String {
    let mut s: Vec<String> = pages.iter().take(5).map(usize::to_string).collect();
    if pages.len() > 5 {
        s.push("…".into());
    }
    s.join(", ")
}

/// A line's text with its digits folded, so that `Page 1` and `Page 2`
/// are the same page furniture.
fn furniture_key(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// Page furniture: a line first or last on its page that reads like a
/// page number (`第 3 页`, `Page 3`, `- 3 -`, `3/12`), or whose text (digits
/// folded) recurs at the same height first or last on another page.
/// Furniture between the two parts of a table continued on the next page
/// is dropped; elsewhere it stays a paragraph.
fn furniture(pages: &[Vec<Placed>]) -> Vec<Vec<Furniture>> {
    let ends = |items: &Vec<Placed>| -> Vec<(String, f64)> {
        let mut v = Vec::new();
        for i in [0, items.len().saturating_sub(1)] {
            if let Some((_, _, Some((key, y)))) = items.get(i) {
                v.push((key.clone(), *y));
            }
        }
        v
    };
    let all: Vec<Vec<(String, f64)>> = pages.iter().map(ends).collect();
    pages
        .iter()
        .enumerate()
        .map(|(p, items)| {
            let last = items.len().saturating_sub(1);
            items
                .iter()
                .enumerate()
                .map(|(i, (_, _, key))| {
                    let Some((key, y)) = key else {
                        return Furniture::No;
                    };
                    let repeated = all.iter().enumerate().any(|(q, e)| {
                        q != p && e.iter().any(|(k, yy)| k == key && (yy - y).abs() <= 2.0)
                    });
                    match (i == 0 || i == last, page_number_like(key), repeated) {
                        (true, true, _) => Furniture::PageNumber,
                        (true, false, true) => Furniture::Repeated,
                        _ => Furniture::No,
                    }
                })
                .collect()
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Furniture {
    No,
    /// Dropped wherever it is: the Word readers never see a footer.
    PageNumber,
    /// Dropped between the parts of a continued table, kept elsewhere (a
    /// title repeated on every form reads the same).
    Repeated,
}

/// A page number line, its digits folded to `#`.
fn page_number_like(key: &str) -> bool {
    let t: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    t.contains('#')
        && (t.contains("#页")
            || t.to_lowercase().starts_with("page#")
            || t.chars()
                .all(|c| matches!(c, '#' | '-' | '/' | '—' | '第' | '页' | '共')))
}

fn same_columns(a: &[f64], b: &[f64]) -> bool {
    let (Some(a0), Some(a1), Some(b0), Some(b1)) = (a.first(), a.last(), b.first(), b.last())
    else {
        return false;
    };
    (a0 - b0).abs() <= TOL && (a1 - b1).abs() <= TOL && (subset(a, b) || subset(b, a))
}

/// `next` (the table at the top of the following page) appended to `prev`:
/// a header row repeating `prev`'s first rows exactly is dropped, and a
/// cell merged down across the break continues its span.
fn stitch(prev: &mut Table, mut next: Table) {
    let header = (1..next.rows.min(prev.rows + 1))
        .rev()
        .find(|&k| same_rows(prev, &next, k))
        .unwrap_or(0);
    if header > 0 {
        next.cells.retain(|c| c.r0 >= header);
        for c in &mut next.cells {
            c.r0 -= header;
            c.r1 -= header;
        }
        next.rows -= header;
        next.row_locators.drain(..header as usize);
    }
    let base = prev.rows;
    let mut rest = Vec::with_capacity(next.cells.len());
    for c in next.cells {
        let above = (c.r0 == 0)
            .then(|| {
                prev.cells.iter_mut().find(|t| {
                    t.r1 == base && (t.x0 - c.x0).abs() <= TOL && (t.x1 - c.x1).abs() <= TOL
                })
            })
            .flatten();
        match above {
            Some(t)
                if (t.text.is_empty() || c.text.is_empty())
                    && (t.r1 - t.r0 > 1 || c.r1 - c.r0 > 1) =>
            {
                t.r1 = base + c.r1;
                if t.text.is_empty() {
                    t.text = c.text;
                }
            }
            _ => rest.push(TCell {
                r0: c.r0 + base,
                r1: c.r1 + base,
                ..c
            }),
        }
    }
    prev.cells.extend(rest);
    prev.rows += next.rows;
    prev.row_locators.extend(next.row_locators);
    prev.xs = positions(prev.xs.iter().chain(&next.xs).copied().collect());
    prev.ys = next.ys;
    prev.last_page = next.last_page;
}

/// A cell's rows, edges and text, for comparing header rows.
type CellKey = (u32, u32, f64, f64, String);

/// Whether the first `k` rows of `b` repeat those of `a`: the same cells,
/// spans and text.
fn same_rows(a: &Table, b: &Table, k: u32) -> bool {
    let head = |t: &Table| -> Option<Vec<CellKey>> {
        let mut v = Vec::new();
        for c in t.cells.iter().filter(|c| c.r0 < k) {
            if c.r1 > k {
                return None;
            }
            v.push((c.r0, c.r1, c.x0, c.x1, c.text.clone()));
        }
        v.sort_by(|p, q| p.0.cmp(&q.0).then(p.2.total_cmp(&q.2)));
        Some(v)
    };
    match (head(a), head(b)) {
        (Some(x), Some(y)) => {
            x.len() == y.len()
                && x.iter().zip(&y).all(|(p, q)| {
                    p.0 == q.0
                        && p.1 == q.1
                        && (p.2 - q.2).abs() <= TOL
                        && (p.3 - q.3).abs() <= TOL
                        && p.4 == q.4
                })
        }
        _ => false,
    }
}

/// Slot (row-major) → index of the cell covering it.
fn slot_map(t: &Table) -> Vec<usize> {
    let cols = t.xs.len() - 1;
    let mut map = vec![0; t.rows as usize * cols];
    for (i, c) in t.cells.iter().enumerate() {
        let (c0, c1) = (col_of(&t.xs, c.x0), col_of(&t.xs, c.x1));
        for r in c.r0..c.r1 {
            for col in c0..c1 {
                if let Some(m) = map.get_mut(r as usize * cols + col) {
                    *m = i;
                }
            }
        }
    }
    map
}

fn col_of(xs: &[f64], x: f64) -> usize {
    xs.iter()
        .enumerate()
        .min_by(|(_, p), (_, q)| (*p - x).abs().total_cmp(&(*q - x).abs()))
        .map_or(0, |(i, _)| i)
}

fn to_grid(t: Table, limits: &Limits) -> Result<Grid> {
    let cols = t.xs.len() - 1;
    let rows = t.rows as usize;
    if (rows as u64).saturating_mul(cols as u64) > limits.max_cells {
        return Err(Limits::exceeded("max_cells", limits.max_cells));
    }
    let mut slots: Vec<Vec<Slot>> = vec![vec![Slot::Empty; cols]; rows];
    let mut cells = t.cells;
    cells.sort_by(|p, q| p.r0.cmp(&q.r0).then(p.x0.total_cmp(&q.x0)));
    for c in cells {
        let (c0, c1) = (
            col_of(&t.xs, c.x0),
            col_of(&t.xs, c.x1).max(col_of(&t.xs, c.x0) + 1),
        );
        let (r0, r1) = (c.r0 as usize, (c.r1 as usize).min(rows));
        if r0 >= r1 || c1 > cols || !matches!(slots[r0][c0], Slot::Empty) {
            continue;
        }
        let anchor = Pos {
            row: r0 as u32,
            col: c0 as u32,
        };
        for row in slots.iter_mut().take(r1).skip(r0) {
            for slot in row.iter_mut().take(c1).skip(c0) {
                if matches!(slot, Slot::Empty) {
                    *slot = Slot::Covered { anchor };
                }
            }
        }
        slots[r0][c0] = Slot::Anchor {
            text: c.text,
            span: Span {
                rows: (r1 - r0) as u32,
                cols: (c1 - c0) as u32,
            },
        };
    }
    let n = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let locator = Locator::Pages {
        first: n(t.first_page + 1),
        last: n(t.last_page + 1),
        table: n(t.number),
    };
    let mut grid = Grid::from_rows(slots, locator);
    grid.row_locators = Some(t.row_locators);
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_cmaps_give_chars_ranges_and_arrays() {
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            1 begincodespacerange <0000> <FFFF> endcodespacerange
            2 beginbfchar <0003> <0020> <0004><4E00> endbfchar
            2 beginbfrange <0010> <0012> <6307> <0020> <0021> [<9879> <D840DC00>] endbfrange
            endcmap end end";
        let map = parse_cmap(cmap);
        assert_eq!(map[&3], " ");
        assert_eq!(map[&4], "一");
        assert_eq!(map[&0x10], "指");
        assert_eq!(
            map[&0x11],
            "指"
                .chars()
                .map(|c| char::from_u32(c as u32 + 1).unwrap())
                .collect::<String>()
        );
        assert_eq!(map[&0x20], "项");
        assert_eq!(map[&0x21], "\u{20000}");
        assert_eq!(map.len(), 7);
        // Damaged input ends the parse, never panics.
        assert!(parse_cmap(b"beginbfrange <00").is_empty());
    }

    #[test]
    fn glyph_names_and_page_numbers() {
        assert_eq!(glyph_char(b"uni4E00"), Some('一'));
        assert_eq!(glyph_char(b"percent"), Some('%'));
        assert_eq!(glyph_char(b"g37"), None);
        for line in [
            "第 3 页",
            "- 12 -",
            "Page 2",
            "3/12",
            "共 2 页 第 1 页",
            "表1-项目第 1页",
        ] {
            assert!(page_number_like(&furniture_key(line)), "{line}");
        }
        for line in ["2024年度项目绩效目标表", "单位：万元", "第一部分"] {
            assert!(!page_number_like(&furniture_key(line)), "{line}");
        }
    }

    fn line(x1: f64, y: f64, text: &str) -> Line {
        Line {
            x1,
            y,
            size: 12.0,
            text: text.into(),
        }
    }

    #[test]
    fn a_line_broken_by_the_cell_continues_its_paragraph() {
        // Cell right edge 200: a line ending at 190 left no room for one
        // more character; one ending at 120 ended its paragraph.
        let wrapped = [line(190.0, 10.0, "产出指标产出"), line(150.0, 25.0, "指标")];
        assert_eq!(cell_text(&wrapped, 200.0), "产出指标产出指标");
        let two = [line(120.0, 10.0, "1.目标一"), line(120.0, 25.0, "2.目标二")];
        assert_eq!(cell_text(&two, 200.0), "1.目标一\n2.目标二");
        let latin = [line(195.0, 10.0, "total"), line(150.0, 25.0, "cost")];
        assert_eq!(cell_text(&latin, 200.0), "total cost");
    }
}
