//! Word (.docx/.docm/.dotx) reader: one streaming pass over the main document
//! part. Every `w:tbl` becomes a [`Grid`] with `w:gridSpan`,
//! `w:vMerge` and `w:gridBefore`/`w:gridAfter` resolved into spans; nested
//! tables become grids of their own, placed after the table that holds them;
//! paragraphs between tables are kept as context.
//!
//! Text comes from runs wherever they sit (hyperlinks, content controls,
//! field results, tracked insertions); tracked deletions and moved-from text,
//! field instructions, and the fallback copy of drawings are dropped.
//! Elements are matched by local name, so STRICT and odd prefixes work.
//!
//! The part is checked as UTF-8 once, as a whole, and read by a scanner of
//! its own ([`scan`]): the tags the reader acts on are told apart by their
//! local name's bytes, everything else is counted against the depth and
//! element limits and passed over, and no event is built. Markup the
//! scanner does not read (comments, CDATA, DOCTYPE, anything malformed) and
//! parts that are not UTF-8 go to quick-xml's event reader instead, from the
//! start, so they give the same blocks or errors as before. Names are
//! matched without a search for the prefix when it is the usual `w:`;
//! attribute values are borrowed; each cell's text is one String,
//! paragraphs appended as they end, their buffers reused.

use super::package::{main_part, xml_bytes, Package};
use super::xml::{entity, Budget};
use crate::error::{Error, Result};
use crate::grid::{Block, Grid, Locator, VMerge, WordGrid};
use crate::limits::Limits;
use quick_xml::events::{BytesRef, Event};

/// Reads the body of a Word package.
pub fn read(pkg: &mut Package, limits: &Limits) -> Result<Vec<Block>> {
    let part = main_part(pkg, "word/document.xml")?.ok_or_else(|| {
        Error::corrupt("the package has no main document part (word/document.xml)")
    })?;
    let bytes = pkg
        .read(&part)?
        .ok_or_else(|| Error::corrupt(format!("{part} is missing")))?;
    let xml = xml_bytes(bytes, &part)?;
    parse_document(&xml, limits)
}

/// One cell as read (also by the .odt reader, which lays its tables out
/// the same way).
#[derive(Default)]
pub(super) struct Cell {
    /// The cell's paragraphs joined by `\n`, as they end.
    pub text: String,
    pub paragraphs: u32,
    pub span: u32,
    pub vmerge: VMerge,
}

#[derive(Default)]
pub(super) struct Row {
    pub cells: Vec<Cell>,
    pub before: u32,
    pub after: u32,
}

struct TableBuilder {
    number: usize,
    rows: Vec<Row>,
    row: Option<Row>,
    cell: Option<Cell>,
    /// Finished tables nested in this one, emitted after it.
    nested: Vec<Grid>,
}

/// The elements the reader acts on, named once per event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Elem {
    P,
    R,
    T,
    Tbl,
    Tr,
    Tc,
    Tab,
    Br,
    NoBreakHyphen,
    GridSpan,
    VMerge,
    GridBefore,
    GridAfter,
    /// Whose whole content is dropped: deletions, moved-from text, field
    /// instructions, drawing fallbacks, and old properties (`*PrChange`,
    /// which would otherwise bring back old spans).
    Skip,
    Other,
}

/// The local part of a qualified name: after `w:` without a search (almost
/// every name), else after the first `:`.
fn local(name: &str) -> &[u8] {
    local_bytes(name.as_bytes())
}

fn local_bytes(b: &[u8]) -> &[u8] {
    if b.len() > 2 && b[1] == b':' {
        return &b[2..];
    }
    match b.iter().position(|&c| c == b':') {
        Some(i) => &b[i + 1..],
        None => b,
    }
}

#[inline(always)]
fn elem(name: &str) -> Elem {
    // By length first: most names (run and paragraph properties) are
    // rejected after one comparison of the length and at most three of the
    // bytes, instead of a walk down every alternative.
    let b = local(name);
    match b.len() {
        1 => match b[0] {
            b'p' => Elem::P,
            b'r' => Elem::R,
            b't' => Elem::T,
            _ => Elem::Other,
        },
        2 => match b {
            b"tr" => Elem::Tr,
            b"tc" => Elem::Tc,
            b"br" | b"cr" => Elem::Br,
            _ => Elem::Other,
        },
        3 => match b {
            b"tbl" => Elem::Tbl,
            b"tab" => Elem::Tab,
            b"del" => Elem::Skip,
            _ => Elem::Other,
        },
        4 => match b {
            b"ptab" => Elem::Tab,
            _ => Elem::Other,
        },
        6 => match b {
            b"vMerge" => Elem::VMerge,
            _ => Elem::Other,
        },
        7 => match b {
            b"delText" => Elem::Skip,
            _ => Elem::Other,
        },
        8 => match b {
            b"gridSpan" => Elem::GridSpan,
            b"moveFrom" | b"Fallback" => Elem::Skip,
            _ => Elem::Other,
        },
        9 => match b {
            b"gridAfter" => Elem::GridAfter,
            b"instrText" | b"pPrChange" | b"rPrChange" => Elem::Skip,
            _ => Elem::Other,
        },
        10 => match b {
            b"gridBefore" => Elem::GridBefore,
            b"tcPrChange" | b"trPrChange" => Elem::Skip,
            _ => Elem::Other,
        },
        11 => match b {
            b"tblPrChange" => Elem::Skip,
            _ => Elem::Other,
        },
        12 => match b {
            b"sectPrChange" => Elem::Skip,
            _ => Elem::Other,
        },
        13 => match b {
            b"noBreakHyphen" => Elem::NoBreakHyphen,
            b"tblPrExChange" | b"tblGridChange" => Elem::Skip,
            _ => Elem::Other,
        },
        _ => Elem::Other,
    }
}

/// The raw value of the first `val` attribute (any prefix), found in the
/// tag's bytes the way quick-xml's attribute iterator (checks off) finds
/// it, without building an attribute per key: `key = "value"` with XML
/// whitespace around `=`; a key without `=` or an unquoted value is passed
/// over; an unclosed quote ends the search.
fn val(attrs: &str) -> Option<&str> {
    attr_value(attrs, b"val")
}

fn attr_value<'a>(raw: &'a str, want: &[u8]) -> Option<&'a str> {
    let b = raw.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\r' | b'\n' | b'\t');
    let mut i = 0;
    loop {
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if i == b.len() {
            return None;
        }
        // The key's first byte is taken whatever it is (even `=`).
        let key_start = i;
        i += 1;
        while i < b.len() && b[i] != b'=' && !ws(b[i]) {
            i += 1;
        }
        let key = &b[key_start..i];
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if i == b.len() {
            return None;
        }
        if b[i] != b'=' {
            // A key alone: the next key starts here.
            continue;
        }
        i += 1;
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        let quote = *b.get(i)?;
        if quote != b'"' && quote != b'\'' {
            // Unquoted: passed over up to the next whitespace.
            while i < b.len() && !ws(b[i]) {
                i += 1;
            }
            if i == b.len() {
                return None;
            }
            continue;
        }
        let start = i + 1;
        let end = start + b[start..].iter().position(|&c| c == quote)?;
        if local_bytes(key) == want {
            // Both ends are ASCII quotes, so on character boundaries.
            return raw.get(start..end);
        }
        i = end + 1;
    }
}

fn num_val(attrs: &str) -> u32 {
    val(attrs).and_then(|v| v.trim().parse().ok()).unwrap_or(1)
}

struct Parser<'l> {
    limits: &'l Limits,
    blocks: Vec<Block>,
    /// Open paragraphs (a text box's paragraphs nest inside a run).
    paragraphs: Vec<String>,
    /// Emptied paragraph buffers, reused.
    spare: Vec<String>,
    tables: Vec<TableBuilder>,
    table_count: usize,
    in_text: bool,
    in_run: usize,
    cells: u64,
    /// Padded slots of the tables so far.
    slots: u64,
    /// Bytes of paragraph text kept so far, each paragraph charged
    /// [`super::text::LINE_COST`] too (a run of `<w:p/>` costs memory).
    text: u64,
    /// Tables opened, nested included, against `max_tables`.
    opened: u64,
}

#[cold]
fn xml_error(e: quick_xml::Error, at: u64) -> Error {
    match e {
        quick_xml::Error::Encoding(_) => {
            Error::corrupt(format!("the document is not valid UTF-8 (byte {at})"))
        }
        e => Error::corrupt(format!("XML error in the document at byte {at}: {e}")),
    }
}

/// Parses a WordprocessingML main part.
///
/// The part is checked as UTF-8 once, then scanned by [`scan`], which
/// dispatches on the few tags the reader acts on without building events.
/// Whatever the scanner does not handle itself (comments, CDATA, DOCTYPE,
/// invalid UTF-8, malformed markup) is read by quick-xml from the start
/// instead, so such parts give the same blocks or the same error as before.
pub fn parse_document(xml: &[u8], limits: &Limits) -> Result<Vec<Block>> {
    if let Ok(text) = std::str::from_utf8(xml) {
        match scan(text, limits) {
            Ok(blocks) => return Ok(blocks),
            Err(Stop::Error(e)) => return Err(e),
            Err(Stop::Elsewhere) => {}
        }
    }
    parse_with_quick_xml(xml, limits)
}

/// Why [`scan`] stopped: an error of the document (a limit), or markup it
/// leaves to quick-xml.
enum Stop {
    Error(Error),
    Elsewhere,
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Error(e)
    }
}

/// The events both readers of the part feed: the depth and element budget,
/// the skipped subtrees, and the [`Parser`].
struct Walk<'l> {
    p: Parser<'l>,
    budget: Budget<'l>,
    /// Depth at which a skipped element started; its content is ignored.
    skip_from: Option<usize>,
}

impl<'l> Walk<'l> {
    fn new(limits: &'l Limits) -> Self {
        Walk {
            p: Parser {
                limits,
                blocks: Vec::new(),
                paragraphs: Vec::new(),
                spare: Vec::new(),
                tables: Vec::new(),
                table_count: 0,
                in_text: false,
                in_run: 0,
                cells: 0,
                slots: 0,
                text: 0,
                opened: 0,
            },
            budget: Budget::new(limits),
            skip_from: None,
        }
    }

    /// A start tag (`name` as written, `attrs` what follows it).
    #[inline(always)]
    fn start(&mut self, name: &str, attrs: &str) -> Result<()> {
        self.budget.element(false)?;
        if self.skip_from.is_some() {
            return Ok(());
        }
        match elem(name) {
            // Most elements: nothing to do on either tag.
            Elem::Other => {}
            Elem::Skip => self.skip_from = Some(self.budget.depth),
            el => self.p.start(el, attrs)?,
        }
        Ok(())
    }

    /// A self-closing tag.
    #[inline(always)]
    fn empty(&mut self, name: &str, attrs: &str) -> Result<()> {
        self.budget.element(true)?;
        if self.skip_from.is_some() {
            return Ok(());
        }
        match elem(name) {
            Elem::Other => {}
            // <w:p/> and <w:tc/> are whole elements too.
            el @ (Elem::P | Elem::Tc | Elem::Tr | Elem::Tbl) => {
                self.p.start(el, attrs)?;
                self.p.end(el)?;
            }
            el => self.p.empty(el, attrs),
        }
        Ok(())
    }

    #[inline(always)]
    fn end(&mut self, name: &str) -> Result<()> {
        if self.skip_from == Some(self.budget.depth) {
            self.skip_from = None;
        } else if self.skip_from.is_none() {
            match elem(name) {
                Elem::Other => {}
                el => self.p.end(el)?,
            }
        }
        self.budget.close();
        Ok(())
    }

    fn wants_text(&self) -> bool {
        self.p.in_text && self.skip_from.is_none()
    }

    /// Character data as written (line ends not yet normalised).
    #[inline(always)]
    fn text(&mut self, t: &str) {
        if self.wants_text() {
            // Line ends need normalising only where there is a `\r`.
            if t.as_bytes().contains(&b'\r') {
                self.p
                    .push_text(&quick_xml::events::BytesText::from_escaped(t).xml10_content());
            } else {
                self.p.push_text(t);
            }
        }
    }

    /// An entity or character reference: only the predefined five and
    /// character references become text, nothing is ever expanded.
    fn reference(&mut self, r: &BytesRef) {
        if self.wants_text() {
            if let Some(c) = entity(r) {
                self.p.push_text(c.encode_utf8(&mut [0; 4]));
            }
        }
    }

    fn finish(mut self) -> Result<Vec<Block>> {
        if self.budget.depth != 0 {
            return Err(Error::corrupt(
                "the document XML ends before it is complete",
            ));
        }
        // Tables left open by a broken file still count.
        while !self.p.tables.is_empty() {
            self.p.end(Elem::Tbl)?;
        }
        Ok(self.p.blocks)
    }
}

/// The index of the `>` that closes the tag starting at `b[0]` (`<`),
/// outside quoted values, as quick-xml's `ElementParser` finds it: the
/// next `>` or quote, and from a quote to the same quote.
#[inline(always)]
fn tag_end(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        i += find(&b[i..], [b'>', b'"', b'\''])?;
        let quote = b[i];
        if quote == b'>' {
            return Some(i);
        }
        i += 1;
        i += find(&b[i..], [quote])? + 1;
    }
}

/// Where the first of the bytes `set` is in `b`. Most searches in a Word
/// part end within a few bytes (an attribute value, the space between two
/// tags), where a call to `memchr` cost ~60 instructions (three calls
/// deep) and a byte at a time ~16 a byte: the first [`SHORT`] bytes are
/// compared eight at a time in a register, inline (a byte equal to `c` is
/// a zero byte of the word XOR `c` repeated; the lowest such flag is
/// exact), and a longer search goes on with `memchr`'s vector compares.
#[inline(always)]
fn find<const N: usize>(b: &[u8], set: [u8; N]) -> Option<usize> {
    const LO: u64 = u64::from_le_bytes([0x01; 8]);
    const HI: u64 = u64::from_le_bytes([0x80; 8]);
    let mut at = 0;
    while at < SHORT {
        let Some(word) = b.get(at..at + 8) else {
            return b[at..].iter().position(|c| set.contains(c)).map(|k| at + k);
        };
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(word).unwrap_or_default());
        let mut hits = 0;
        for c in set {
            let x = w ^ (LO * u64::from(c));
            hits |= x.wrapping_sub(LO) & !x & HI;
        }
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let rest = &b[at..];
    let k = match set.as_slice() {
        [a] => memchr::memchr(*a, rest),
        [a, c] => memchr::memchr2(*a, *c, rest),
        [a, c, d] => memchr::memchr3(*a, *c, *d, rest),
        _ => rest.iter().position(|c| set.contains(c)),
    };
    k.map(|k| at + k)
}

/// How far [`find`] looks eight bytes at a time before it calls `memchr`.
const SHORT: usize = 32;

/// Reads a part that is valid UTF-8 with a scanner of its own, giving the
/// events quick-xml would give in the same order (the same text pieces,
/// split at references, and the same tag names and attributes), on the
/// markup a Word part is made of: tags, text, references, the XML
/// declaration and processing instructions. Anything else stops it with
/// [`Stop::Elsewhere`] before quick-xml could have reported an error:
/// `<!` (comments, CDATA, DOCTYPE), a BOM, an unclosed tag or reference,
/// an end tag with nothing open, a processing instruction `<?>`.
fn scan(s: &str, limits: &Limits) -> std::result::Result<Vec<Block>, Stop> {
    let b = s.as_bytes();
    if b.starts_with(b"\xEF\xBB\xBF") {
        return Err(Stop::Elsewhere);
    }
    let mut w = Walk::new(limits);
    let mut i = 0;
    loop {
        // Character data up to the next markup or reference: none at all
        // between most tags.
        let k = if b.get(i) == Some(&b'<') {
            0
        } else if let Some(k) = find(&b[i..], [b'<', b'&']) {
            k
        } else {
            w.text(&s[i..]);
            break;
        };
        if k > 0 {
            w.text(&s[i..i + k]);
            i += k;
        }
        if b[i] == b'&' {
            // A reference ends at `;` before any `&` or `<`.
            let rest = &b[i + 1..];
            match find(rest, [b';', b'&', b'<']) {
                Some(n) if rest[n] == b';' => {
                    w.reference(&BytesRef::new(&s[i + 1..i + 1 + n]));
                    i += n + 2;
                    continue;
                }
                _ => return Err(Stop::Elsewhere),
            }
        }
        match b.get(i + 1) {
            Some(b'/') => {
                let n = tag_end(&b[i..]).ok_or(Stop::Elsewhere)?;
                if w.budget.depth == 0 {
                    // An end tag with nothing open: quick-xml's error.
                    return Err(Stop::Elsewhere);
                }
                // Whitespace after the name trimmed (ASCII: byte by byte).
                let mut e = i + n;
                while e > i + 2 && matches!(b[e - 1], b' ' | b'\r' | b'\n' | b'\t') {
                    e -= 1;
                }
                let name = &s[i + 2..e];
                w.end(name)?;
                i += n + 1;
            }
            Some(b'?') => {
                // Up to `?>`; `<?>` is quick-xml's error.
                let n = (2..b.len() - i)
                    .find(|&n| b[i + n] == b'>' && b[i + n - 1] == b'?')
                    .ok_or(Stop::Elsewhere)?;
                if n < 3 {
                    return Err(Stop::Elsewhere);
                }
                i += n + 1;
            }
            Some(b'!') | None => return Err(Stop::Elsewhere),
            Some(_) => {
                let n = tag_end(&b[i..]).ok_or(Stop::Elsewhere)?;
                let empty = b[i + n - 1] == b'/' && n >= 2;
                let content = &s[i + 1..i + n - usize::from(empty)];
                let name_len = quick_xml::utils::name_len(content.as_bytes());
                let (name, attrs) = content.split_at(name_len);
                if empty {
                    w.empty(name, attrs)?;
                } else {
                    w.start(name, attrs)?;
                }
                i += n + 1;
            }
        }
    }
    Ok(w.finish()?)
}

/// The same part read by quick-xml's event reader (UTF-8 checked as it is
/// read): what [`scan`] leaves to it.
fn parse_with_quick_xml(xml: &[u8], limits: &Limits) -> Result<Vec<Block>> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut w = Walk::new(limits);
    loop {
        // Matched in place (an error is its own arm): a `?` on the result
        // moved every event through the stack three more times.
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(xml_error(e, reader.error_position())),
        };
        match event {
            Event::Start(e) => w.start(e.name().0, e.attributes_raw())?,
            Event::Empty(e) => w.empty(e.name().0, e.attributes_raw())?,
            Event::End(e) => w.end(e.name().0)?,
            Event::Text(t) => w.text(&t),
            Event::CData(t) if w.wants_text() => w.p.push_text(&t),
            Event::GeneralRef(r) => w.reference(&r),
            Event::Eof => break,
            _ => {}
        }
    }
    w.finish()
}

impl Parser<'_> {
    fn push_text(&mut self, s: &str) {
        if let Some(para) = self.paragraphs.last_mut() {
            para.push_str(s);
        }
    }

    // Inlined into the event loop: called for every paragraph, run and
    // cell tag, where a call's register saves cost as much as the work.
    #[inline(always)]
    fn start(&mut self, el: Elem, attrs: &str) -> Result<()> {
        match el {
            Elem::P => {
                let buf = self.spare.pop().unwrap_or_default();
                self.paragraphs.push(buf);
            }
            Elem::R => self.in_run += 1,
            Elem::T => self.in_text = self.in_run > 0 || !self.paragraphs.is_empty(),
            Elem::Tbl => self.start_table()?,
            Elem::Tr => {
                if let Some(t) = self.tables.last_mut() {
                    // Rows of a table are alike: room for as many cells as
                    // the last one had.
                    let cells = t.rows.last().map_or(4, |r| r.cells.len());
                    t.row = Some(Row {
                        cells: Vec::with_capacity(cells),
                        ..Row::default()
                    });
                }
            }
            Elem::Tc => {
                if let Some(t) = self.tables.last_mut() {
                    t.cell = Some(Cell {
                        span: 1,
                        ..Cell::default()
                    });
                }
            }
            _ => self.empty(el, attrs),
        }
        Ok(())
    }

    #[inline(never)]
    fn start_table(&mut self) -> Result<()> {
        self.limits.count_table(&mut self.opened)?;
        self.table_count += 1;
        self.tables.push(TableBuilder {
            number: self.table_count,
            rows: Vec::new(),
            row: None,
            cell: None,
            nested: Vec::new(),
        });
        Ok(())
    }

    /// Elements that matter whether written empty or not.
    fn empty(&mut self, el: Elem, attrs: &str) {
        match el {
            Elem::Tab if self.in_run > 0 => self.push_text("\t"),
            Elem::Br if self.in_run > 0 => self.push_text("\n"),
            Elem::NoBreakHyphen if self.in_run > 0 => self.push_text("-"),
            Elem::GridSpan => {
                if let Some(c) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    c.span = num_val(attrs).max(1);
                }
            }
            Elem::VMerge => {
                if let Some(c) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    c.vmerge = match val(attrs) {
                        Some("restart") => VMerge::Restart,
                        _ => VMerge::Continue,
                    };
                }
            }
            Elem::GridBefore | Elem::GridAfter => {
                if let Some(r) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    let n = val(attrs).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
                    if el == Elem::GridBefore {
                        r.before = n;
                    } else {
                        r.after = n;
                    }
                }
            }
            _ => {}
        }
    }

    #[inline(always)]
    fn end(&mut self, el: Elem) -> Result<()> {
        match el {
            Elem::P => {
                let Some(mut text) = self.paragraphs.pop() else {
                    return Ok(());
                };
                self.text += text.len() as u64 + super::text::LINE_COST;
                if self.text > self.limits.max_text_bytes {
                    return Err(Limits::exceeded(
                        "max_text_bytes",
                        self.limits.max_text_bytes,
                    ));
                }
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.paragraphs += 1;
                    if cell.paragraphs == 1 {
                        // A cell's first paragraph becomes its text as is.
                        cell.text = text;
                    } else {
                        cell.text.push('\n');
                        cell.text.push_str(&text);
                        text.clear();
                        self.spare.push(text);
                    }
                } else if !text.trim().is_empty() {
                    self.blocks.push(Block::Paragraph(text));
                } else {
                    text.clear();
                    self.spare.push(text);
                }
            }
            Elem::R => self.in_run = self.in_run.saturating_sub(1),
            Elem::T => self.in_text = false,
            Elem::Tc => {
                if let Some(t) = self.tables.last_mut() {
                    if let Some(cell) = t.cell.take() {
                        t.row.get_or_insert_with(Row::default).cells.push(cell);
                    }
                }
            }
            Elem::Tr => {
                if let Some(t) = self.tables.last_mut() {
                    if let Some(cell) = t.cell.take() {
                        t.row.get_or_insert_with(Row::default).cells.push(cell);
                    }
                    if let Some(row) = t.row.take() {
                        self.cells += row.cells.len() as u64;
                        if self.cells > self.limits.max_cells {
                            return Err(Limits::exceeded("max_cells", self.limits.max_cells));
                        }
                        t.rows.push(row);
                    }
                }
            }
            Elem::Tbl => self.end_table()?,
            _ => {}
        }
        Ok(())
    }

    /// A table's end: its grid laid out, and placed (nested grids after
    /// their parent). Out of line: once per table, not per element.
    #[inline(never)]
    fn end_table(&mut self) -> Result<()> {
        let Some(mut t) = self.tables.pop() else {
            return Ok(());
        };
        if let Some(row) = t.row.take() {
            t.rows.push(row);
        }
        let grid = build_grid(t.rows, Locator::table(t.number), self.limits)?;
        // Padded slots of all tables together, not only of each.
        self.slots += u64::from(grid.rows()) * u64::from(grid.cols());
        if self.slots > self.limits.max_cells {
            return Err(Limits::exceeded("max_cells", self.limits.max_cells));
        }
        let parent = self.tables.last_mut().map(|p| &mut p.nested);
        crate::grid::place_table(parent, &mut self.blocks, grid, t.nested);
        Ok(())
    }
}

/// Lays Word rows out on the column grid. All span arithmetic lives here.
pub(super) fn build_grid(rows: Vec<Row>, locator: Locator, limits: &Limits) -> Result<Grid> {
    const MAX_COLS: u32 = 16_384;
    // Every row's width first: the grid is then laid out once, padded as
    // it goes, with no per-row vectors.
    let mut total = 0u64;
    let mut cols = 0u32;
    for row in &rows {
        let width = row
            .cells
            .iter()
            .fold(row.before, |w, c| w.saturating_add(c.span))
            .saturating_add(row.after);
        total += u64::from(width);
        if width > MAX_COLS || total > limits.max_cells {
            return Err(Limits::exceeded("max_cells", limits.max_cells));
        }
        cols = cols.max(width);
    }
    // The padded area, checked before it is allocated: one wide row over
    // many narrow ones is cheap to write and costly to pad.
    if (rows.len() as u64).saturating_mul(u64::from(cols)) > limits.max_cells {
        return Err(Limits::exceeded("max_cells", limits.max_cells));
    }
    let mut grid = WordGrid::new(rows.len(), cols);
    for row in rows {
        grid.skip_to(row.before);
        for cell in row.cells {
            let mut text = cell.text;
            text.truncate(text.trim_end_matches('\n').len());
            grid.push_cell(cell.span, cell.vmerge, text);
        }
        grid.end_row();
    }
    Ok(grid.finish(locator))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_is_the_first_of_the_set() {
        use proptest::prelude::*;
        // Bytes drawn from a few values so that hits, repeats, bytes one
        // off the set's (borrows between lanes) and every length around
        // the eight-byte words and SHORT all occur.
        let byte = prop::sample::select(vec![
            b'<', b'>', b'"', b'\'', b'&', b';', 0, 1, 0x3d, 0x3f, 0x80, 0xff, b'a',
        ]);
        proptest!(|(b in prop::collection::vec(byte, 0..80), from in 0usize..80)| {
            let b = &b[from.min(b.len())..];
            let naive = |set: &[u8]| b.iter().position(|c| set.contains(c));
            prop_assert_eq!(find(b, [b'>']), naive(b">"));
            prop_assert_eq!(find(b, [b'<', b'&']), naive(b"<&"));
            prop_assert_eq!(find(b, [b'>', b'"', b'\'']), naive(b">\"'"));
            prop_assert_eq!(find(b, [0u8, 1, 0xff]), naive(&[0, 1, 0xff]));
        });
    }
    use crate::grid::{Slot, Span};

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn parse(body: &str) -> Vec<Block> {
        let xml = format!(r#"<w:document {W}><w:body>{body}</w:body></w:document>"#);
        parse_document(xml.as_bytes(), &Limits::default()).unwrap()
    }

    fn tc(props: &str, text: &str) -> String {
        format!(r#"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"#)
    }

    #[test]
    fn vmerge_and_gridspan_become_spans() {
        let body = format!(
            "<w:p><w:r><w:t>标题</w:t></w:r></w:p><w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr><w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}</w:tr></w:tbl>",
            tc(r#"<w:vMerge w:val="restart"/>"#, "产出指标"),
            tc(r#"<w:gridSpan w:val="2"/>"#, "数量"),
            tc("<w:vMerge/>", ""),
            tc("", "a"),
            tc("", "b"),
        );
        let blocks = parse(&body);
        assert_eq!(blocks[0], Block::Paragraph("标题".into()));
        let Block::Table(g) = &blocks[1] else {
            panic!()
        };
        assert_eq!((g.rows(), g.cols()), (3, 3));
        assert_eq!(
            g.slot(0, 0),
            &Slot::Anchor {
                text: "产出指标".into(),
                span: Span { rows: 2, cols: 1 }
            }
        );
        assert_eq!(g.text_at(1, 0), Some("产出指标"));
        assert_eq!(g.text_at(0, 2), Some("数量"));
        assert_eq!(g.slot(1, 2), &Slot::Empty);
        assert_eq!(g.slot(2, 0), &Slot::Empty);
        assert_eq!(g.text_at(2, 1), Some("b"));
    }

    #[test]
    fn tracked_changes_fields_and_breaks() {
        let body = r#"<w:p><w:ins><w:r><w:t>新</w:t></w:r></w:ins><w:del><w:r><w:delText>旧</w:delText></w:r></w:del><w:moveFrom><w:r><w:t>移走</w:t></w:r></w:moveFrom><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>A&amp;B&#x41;&foo;</w:t><w:tab/><w:br/><w:t>C</w:t></w:r><w:hyperlink><w:r><w:t>链接</w:t></w:r></w:hyperlink><w:sdt><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt></w:p><w:p><w:pPr><w:tabs><w:tab w:val="left"/></w:tabs></w:pPr></w:p>"#;
        assert_eq!(
            parse(body),
            vec![Block::Paragraph("新A&BA\t\nC链接控件".into())]
        );
    }

    #[test]
    fn nested_tables_follow_their_parent() {
        let body = r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl>"#;
        let blocks = parse(body);
        assert_eq!(blocks.len(), 2);
        let (Block::Table(outer), Block::Table(inner)) = (&blocks[0], &blocks[1]) else {
            panic!()
        };
        assert_eq!(outer.text_at(0, 0), Some("外"));
        assert_eq!(outer.locator, Locator::Table(1));
        assert_eq!(inner.text_at(0, 0), Some("内"));
        assert_eq!(inner.locator, Locator::Table(2));
    }

    #[test]
    fn deep_nesting_and_truncation_are_errors_not_crashes() {
        let deep = "<w:tbl><w:tr><w:tc>".repeat(200);
        let xml = format!(r#"<w:document {W}><w:body>{deep}</w:body></w:document>"#);
        let e = parse_document(xml.as_bytes(), &Limits::default()).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::TooLarge);
        let e = parse_document(
            format!("<w:document {W}><w:body><w:p>").as_bytes(),
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Corrupt);
        let mut bad = format!("<w:document {W}><w:body><w:p><w:r><w:t>").into_bytes();
        bad.extend_from_slice(b"\xff\xfe</w:t></w:r></w:p></w:body></w:document>");
        let e = parse_document(&bad, &Limits::default()).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Corrupt);
        assert!(e.to_string().contains("UTF-8"), "{e}");
    }

    /// The scanner gives what quick-xml's event reader gives — the same
    /// blocks or the same error — on any part it does not leave to quick-xml,
    /// for documents made of the pieces that matter: the tags the reader
    /// acts on, skipped subtrees, references good and bad, `\r`, quotes
    /// holding `>`, declarations, comments, CDATA, stray and unclosed tags,
    /// and under tight limits.
    #[test]
    fn the_scanner_reads_as_quick_xml_reads() {
        use proptest::prelude::*;
        // Word's structure (paragraphs, runs, tables, rows, cells, spans,
        // deletions) with text pieces inside, and now and then a piece of
        // what the scanner leaves to quick-xml (which then reads the whole
        // part) or what makes the part malformed.
        let text = prop::collection::vec(
            prop::sample::select(vec![
                "数量", "a", " ", "\r\n", "\r", "&amp;", "&#x41;", "&#20013;", "&foo;", ">", "\"",
            ]),
            0..4,
        )
        .prop_map(|t| t.concat());
        let run_piece = prop_oneof![
            text.clone().prop_map(|t| format!("<w:t>{t}</w:t>")),
            text.prop_map(|t| format!("<w:t xml:space=\"preserve\">{t}</w:t >")),
            prop::sample::select(vec![
                "<w:tab/>".to_string(),
                "<w:br/>".into(),
                "<w:delText>x</w:delText>".into(),
                "<w:rPr a=\"x>y\"><w:sz w:val=\"20\"/></w:rPr>".into(),
                "<?pi x?>".into(),
            ]),
        ];
        let para =
            prop::collection::vec(prop::collection::vec(run_piece, 0..4), 0..3).prop_map(|runs| {
                match runs.len() {
                    0 => "<w:p/>".to_string(),
                    _ => format!(
                        "<w:p>{}</w:p>",
                        runs.iter()
                            .map(|r| format!("<w:r>{}</w:r>", r.concat()))
                            .collect::<String>()
                    ),
                }
            });
        let cell_props = prop::sample::select(vec![
            "",
            "<w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr>",
            "<w:tcPr><w:vMerge w:val='restart'/></w:tcPr>",
            "<w:tcPr><w:vMerge/></w:tcPr>",
        ]);
        let cell = (cell_props, prop::collection::vec(para.clone(), 0..3))
            .prop_map(|(props, ps)| format!("<w:tc>{props}{}</w:tc>", ps.concat()));
        let row = (any::<bool>(), prop::collection::vec(cell, 0..4)).prop_map(|(before, cells)| {
            let before = if before {
                "<w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>"
            } else {
                ""
            };
            format!("<w:tr>{before}{}</w:tr>", cells.concat())
        });
        let table = prop::collection::vec(row, 0..4)
            .prop_map(|rows| format!("<w:tbl>{}</w:tbl>", rows.concat()));
        let block = prop_oneof![
            3 => para.clone(),
            3 => table,
            1 => para.prop_map(|p| format!("<w:del>{p}</w:del>")),
        ];
        let odd = prop::sample::select(vec![
            "",
            "",
            "",
            "",
            "",
            "",
            "&",
            "&bad",
            "<?>",
            "<!-- c -->",
            "<![CDATA[c<d]]>",
            "<",
            "<w:p",
            "</w:p>",
            "</w:tc>",
            "<w:p>",
            "<>",
            "</>",
            "< w:p>",
        ]);
        let limits = prop::sample::select(vec![(7usize, 80u64, 5u64), (256, 1 << 20, 1 << 20)]);
        proptest!(|(blocks in prop::collection::vec(block, 0..5), odd in odd, at in any::<prop::sample::Index>(), (depth, elements, cells) in limits)| {
            let mut body = blocks.concat();
            // The odd piece goes in at a character boundary.
            let mut cut = at.index(body.len() + 1);
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.insert_str(cut, odd);
            let xml = format!("<?xml version=\"1.0\"?><w:document {W}><w:body>{body}</w:body></w:document>");
            let limits = Limits {
                max_xml_depth: depth,
                max_xml_elements: elements,
                max_cells: cells,
                ..Limits::default()
            };
            let expected = parse_with_quick_xml(xml.as_bytes(), &limits)
                .map_err(|e| (e.kind, e.to_string()));
            match scan(&xml, &limits) {
                Ok(blocks) => prop_assert_eq!(Ok(blocks), expected, "{}", xml),
                Err(Stop::Error(e)) => {
                    prop_assert_eq!(Err((e.kind, e.to_string())), expected, "{}", xml)
                }
                Err(Stop::Elsewhere) => {}
            }
        });
    }

    /// Word's own markup never leaves the scanner: the samples are read by
    /// it, not by quick-xml.
    #[test]
    fn word_samples_are_scanned() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("docx") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let mut pkg = Package::open(&bytes, &Limits::default()).unwrap();
            let part = pkg.read("word/document.xml").unwrap().unwrap();
            let xml = xml_bytes(part, "word/document.xml").unwrap();
            let text = std::str::from_utf8(&xml).unwrap();
            assert!(
                matches!(scan(text, &Limits::default()), Ok(b) if !b.is_empty()),
                "{path:?}"
            );
            seen += 1;
        }
        assert!(seen >= 4);
    }

    /// The `val` scanner finds what quick-xml's attribute iterator (checks
    /// off, errors passed over) finds, on tags made of the pieces that
    /// matter: keys with and without prefixes, both quotes, whitespace
    /// around `=`, keys alone, unquoted and unclosed values.
    #[test]
    fn val_is_found_as_quick_xml_finds_it() {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            " ",
            "\t",
            "\n",
            "=",
            "\"",
            "'",
            "w:val",
            "val",
            "m:val",
            "valx",
            "x",
            "2",
            "restart",
            " w:val=\"3\"",
            " w:val='restart'",
            " a=\"b\"",
            "&amp;",
        ]);
        proptest!(|(pieces in prop::collection::vec(piece, 0..12))| {
            let tag = format!("w:gridSpan {}", pieces.concat());
            let e = quick_xml::events::BytesStart::from_content(tag.as_str(), "w:gridSpan".len());
            let expected = e
                .attributes()
                .with_checks(false)
                .flatten()
                .find(|a| local(a.key.0) == b"val")
                .map(|a| a.value.into_owned());
            prop_assert_eq!(val(e.attributes_raw()).map(str::to_string), expected, "{}", tag);
        });
    }
}
