//! Word 97-2003 (.doc, and WPS Writer's .wps of the same family) reader, on
//! the OLE2 container `cfb` opens: the FIB, the piece table (CLX) for the
//! text, paragraph properties (PAPX FKPs, huge PAPX in `Data`) for where
//! cells and rows end, and each row's table properties (TAP) for cell
//! boundaries and merges. Tables come out as the same [`Grid`]s the .docx
//! reader makes: cell boundaries on one column grid per table (like
//! `w:gridCol`), horizontal and vertical merges as spans, nested tables as
//! grids of their own after the table that holds them.
//!
//! Field instructions and tracked deletions are dropped; field results and
//! insertions are kept. Every offset and count read from the file is checked
//! against what the streams hold before it is used.

use crate::error::{Error, ErrorKind, Result};
use crate::grid::{Block, Grid, Locator, VMerge, WordGrid};
use crate::limits::Limits;
use std::io::{Cursor, Read};

/// Whether an OLE2 container holds a Word binary document.
pub fn is_word(bytes: &[u8]) -> bool {
    cfb::CompoundFile::open(Cursor::new(bytes))
        .map(|cfb| stream_name(&cfb, "WordDocument").is_some())
        .unwrap_or(false)
}

/// Reads the body of a Word 97-2003 document.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Block>> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| Error::corrupt(format!("damaged OLE2 container: {e}")))?;
    let word = read_stream(&mut cfb, "WordDocument", bytes.len())?
        .ok_or_else(|| Error::corrupt("no WordDocument stream"))?;
    let fib = Fib::parse(&word)?;
    let table_name = if fib.which_table { "1Table" } else { "0Table" };
    let table = read_stream(&mut cfb, table_name, bytes.len())?
        .ok_or_else(|| Error::corrupt(format!("the {table_name} stream is missing")))?;
    let data = read_stream(&mut cfb, "Data", bytes.len())?.unwrap_or_default();
    let doc = Doc {
        word: &word,
        table: &table,
        data: &data,
        limits,
    };
    doc.blocks(&fib)
}

fn stream_name<F>(cfb: &cfb::CompoundFile<F>, want: &str) -> Option<String> {
    // Stream names compare case-insensitively (some writers use `1TABLE`).
    cfb.read_root_storage()
        .find(|e| e.is_stream() && e.name().eq_ignore_ascii_case(want))
        .map(|e| e.name().to_string())
}

fn read_stream(
    cfb: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    want: &str,
    file_len: usize,
) -> Result<Option<Vec<u8>>> {
    let Some(name) = stream_name(cfb, want) else {
        return Ok(None);
    };
    let mut s = cfb
        .open_stream(&name)
        .map_err(|e| Error::corrupt(format!("cannot open the {name} stream: {e}")))?;
    let mut out = Vec::new();
    // A stream can never hold more than the file it is in.
    s.by_ref()
        .take(file_len as u64)
        .read_to_end(&mut out)
        .map_err(|e| Error::corrupt(format!("cannot read the {name} stream: {e}")))?;
    Ok(Some(out))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn i16_at(b: &[u8], at: usize) -> Option<i16> {
    u16_at(b, at).map(|v| v as i16)
}

fn short(what: &str) -> Error {
    Error::corrupt(format!("the Word document is cut short ({what})"))
}

fn unsupported(what: &str) -> Error {
    Error::new(
        ErrorKind::Unsupported,
        format!(
            "不支持 {what} 文档：请在 Word 或 WPS 中另存为 .docx \
             ({what} documents are not supported: save it as .docx in Word or WPS)"
        ),
    )
}

/// The parts of the File Information Block the reader needs.
struct Fib {
    which_table: bool,
    ccp_text: u32,
    clx: (u32, u32),
    papx: (u32, u32),
    chpx: (u32, u32),
}

impl Fib {
    fn parse(w: &[u8]) -> Result<Fib> {
        let ident = u16_at(w, 0).ok_or_else(|| short("FIB"))?;
        let nfib = u16_at(w, 2).ok_or_else(|| short("FIB"))?;
        if ident != 0xA5EC && ident != 0xA5DC {
            return Err(Error::corrupt(
                "the WordDocument stream does not start with a Word FIB",
            ));
        }
        if nfib < 193 {
            let version = match nfib {
                101..=105 => "Word 6.0/95",
                _ => "Word 2.0 或更早 (Word 2.0 or older)",
            };
            return Err(unsupported(&format!("{version} (nFib {nfib})")));
        }
        let flags = u16_at(w, 10).ok_or_else(|| short("FIB"))?;
        if flags & 0x0100 != 0 || flags & 0x8000 != 0 {
            return Err(Error::encrypted());
        }
        // FibBase (32 bytes), then csw u16 + fibRgW, cslw u16 + fibRgLw,
        // cbRgFcLcb u16 + fibRgFcLcb.
        let csw = usize::from(u16_at(w, 32).ok_or_else(|| short("FIB"))?);
        let lw = 34 + csw * 2;
        let cslw = usize::from(u16_at(w, lw).ok_or_else(|| short("FIB"))?);
        let lw_start = lw + 2;
        let ccp_text = if cslw > 3 {
            u32_at(w, lw_start + 12).ok_or_else(|| short("FIB"))?
        } else {
            0
        };
        let fc_at = lw_start + cslw * 4;
        let cb = usize::from(u16_at(w, fc_at).ok_or_else(|| short("FIB"))?);
        let pairs = fc_at + 2;
        let pair = |i: usize| -> Result<(u32, u32)> {
            if i >= cb {
                return Ok((0, 0));
            }
            let at = pairs + i * 8;
            Ok((
                u32_at(w, at).ok_or_else(|| short("FIB"))?,
                u32_at(w, at + 4).ok_or_else(|| short("FIB"))?,
            ))
        };
        Ok(Fib {
            which_table: flags & 0x0200 != 0,
            ccp_text,
            chpx: pair(12)?,
            papx: pair(13)?,
            clx: pair(33)?,
        })
    }
}

/// One piece of the piece table: characters `cp..cp_end` stored at `fc`.
struct Piece {
    cp: u32,
    cp_end: u32,
    /// Byte offset in the WordDocument stream.
    fc: u32,
    compressed: bool,
    prm: u16,
}

/// What a paragraph mark's properties say about tables.
#[derive(Default, Clone)]
struct Pap {
    in_table: bool,
    ttp: bool,
    itap: i32,
    inner_cell: bool,
    inner_ttp: bool,
    tap: Option<Tap>,
}

#[derive(Default, Clone, PartialEq)]
struct Tap {
    /// Cell boundaries in twips, one more than cells.
    centers: Vec<i16>,
    /// Per-cell flags from TC80: (first merged, merged, vert merge, vert restart).
    cells: Vec<TcFlags>,
}

#[derive(Default, Clone, Copy, PartialEq)]
struct TcFlags {
    first_merged: bool,
    merged: bool,
    vmerge: VMerge,
}

/// One run of a PAPX or CHPX FKP: bytes `fc..fc_end` share a grpprl.
struct Run<'a> {
    fc: u32,
    fc_end: u32,
    grpprl: &'a [u8],
}

struct Doc<'a> {
    word: &'a [u8],
    table: &'a [u8],
    data: &'a [u8],
    limits: &'a Limits,
}

/// Operand length of a sprm, given the bytes after its 2-byte opcode.
fn operand_len(sprm: u16, rest: &[u8]) -> Option<usize> {
    Some(match sprm >> 13 {
        0 | 1 => 1,
        2 | 4 | 5 => 2,
        3 => 4,
        7 => 3,
        _ => match sprm {
            // sprmTDefTable / sprmTDefTable10: a 2-byte size.
            0xD608 | 0xD606 => usize::from(u16_at(rest, 0)?) + 1,
            // sprmPChgTabs: 255 means the long form.
            0xC615 if *rest.first()? == 255 => {
                let del = usize::from(*rest.get(1)?);
                let add = usize::from(*rest.get(2 + del * 4)?);
                2 + del * 4 + 1 + add * 3
            }
            _ => usize::from(*rest.first()?) + 1,
        },
    })
}

/// Calls `f(sprm, operand)` for each sprm of a grpprl; stops at the first
/// one that runs past the end. Returns how many it visited.
fn each_sprm(mut g: &[u8], mut f: impl FnMut(u16, &[u8])) -> u64 {
    let mut visited = 0;
    while g.len() >= 2 {
        let sprm = u16::from_le_bytes([g[0], g[1]]);
        let rest = &g[2..];
        let Some(n) = operand_len(sprm, rest) else {
            break;
        };
        let Some(op) = rest.get(..n) else {
            break;
        };
        visited += 1;
        f(sprm, op);
        g = &rest[n..];
    }
    visited
}

impl<'a> Doc<'a> {
    fn pieces(&self, fib: &Fib) -> Result<(Vec<Piece>, Vec<&'a [u8]>)> {
        let (fc, lcb) = fib.clx;
        let clx = self
            .table
            .get(fc as usize..(fc as usize).saturating_add(lcb as usize))
            .ok_or_else(|| short("piece table"))?;
        let mut prcs = Vec::new();
        let mut at = 0usize;
        loop {
            match clx.get(at) {
                Some(1) => {
                    let n = i16_at(clx, at + 1).ok_or_else(|| short("piece table"))?;
                    let n = usize::try_from(n).map_err(|_| short("piece table"))?;
                    let g = clx
                        .get(at + 3..at + 3 + n)
                        .ok_or_else(|| short("piece table"))?;
                    prcs.push(g);
                    at += 3 + n;
                }
                Some(2) => break,
                _ => return Err(Error::corrupt("the Word piece table is damaged")),
            }
        }
        let lcb = u32_at(clx, at + 1).ok_or_else(|| short("piece table"))? as usize;
        let plc = clx
            .get(at + 5..(at + 5).saturating_add(lcb))
            .ok_or_else(|| short("piece table"))?;
        if plc.len() < 4 {
            return Err(short("piece table"));
        }
        // (n + 1) CPs of 4 bytes, n PCDs of 8: the count follows from the size.
        let n = (plc.len() - 4) / 12;
        let mut pieces = Vec::with_capacity(n);
        for i in 0..n {
            let cp = u32_at(plc, i * 4).ok_or_else(|| short("piece table"))?;
            let cp_end = u32_at(plc, i * 4 + 4).ok_or_else(|| short("piece table"))?;
            let pcd = (n + 1) * 4 + i * 8;
            let raw = u32_at(plc, pcd + 2).ok_or_else(|| short("piece table"))?;
            let prm = u16_at(plc, pcd + 6).ok_or_else(|| short("piece table"))?;
            let compressed = raw & 0x4000_0000 != 0;
            let fc = raw & 0x3FFF_FFFF;
            pieces.push(Piece {
                cp,
                cp_end: cp_end.max(cp),
                fc: if compressed { fc / 2 } else { fc },
                compressed,
                prm,
            });
        }
        Ok((pieces, prcs))
    }

    /// All runs of the FKPs a bin table (PlcBtePapx / PlcBteChpx) points at,
    /// in file order.
    fn runs(&self, (fc, lcb): (u32, u32), papx: bool) -> Result<Vec<Run<'a>>> {
        let word = self.word;
        let Some(plc) = self
            .table
            .get(fc as usize..(fc as usize).saturating_add(lcb as usize))
        else {
            return Err(short("formatting tables"));
        };
        if plc.len() < 4 {
            return Ok(Vec::new());
        }
        let n = (plc.len() - 4) / 8;
        // Each FKP is a 512-byte page of the stream: no more pages than that.
        if n > word.len() / 512 + 1 {
            return Err(Error::corrupt("the Word formatting table is damaged"));
        }
        let mut runs = Vec::new();
        for i in 0..n {
            let pn = u32_at(plc, (n + 1) * 4 + i * 4).ok_or_else(|| short("FKP"))? & 0x003F_FFFF;
            let start = pn as usize * 512;
            let Some(page) = word.get(start..start + 512) else {
                return Err(short("formatting page"));
            };
            let crun = usize::from(page[511]);
            for j in 0..crun {
                let (Some(fc), Some(fc_end)) = (u32_at(page, j * 4), u32_at(page, j * 4 + 4))
                else {
                    break;
                };
                let grpprl: &[u8] = if papx {
                    // BxPap: 13 bytes, the first the word offset of a PapxInFkp.
                    let off = usize::from(*page.get((crun + 1) * 4 + j * 13).unwrap_or(&0)) * 2;
                    papx_in_fkp(page, off)
                } else {
                    let off = usize::from(*page.get((crun + 1) * 4 + j).unwrap_or(&0)) * 2;
                    chpx_in_fkp(page, off)
                };
                runs.push(Run { fc, fc_end, grpprl });
            }
        }
        runs.sort_by_key(|r| r.fc);
        Ok(runs)
    }

    /// Applies a grpprl's table properties to `pap`; returns the sprms
    /// visited (a huge PAPX's included), the work it cost.
    fn pap(&self, grpprl: &[u8], pap: &mut Pap, depth: usize) -> u64 {
        let mut huge = 0;
        let visited = each_sprm(grpprl, |sprm, op| match sprm {
            0x2416 => pap.in_table = op.first().is_some_and(|&b| b != 0),
            0x2417 => pap.ttp = op.first().is_some_and(|&b| b != 0),
            0x244B => pap.inner_cell = op.first().is_some_and(|&b| b != 0),
            0x244C => pap.inner_ttp = op.first().is_some_and(|&b| b != 0),
            0x6649 => pap.itap = u32_at(op, 0).map_or(0, |v| v as i32),
            0x664A => {
                pap.itap = pap
                    .itap
                    .saturating_add(u32_at(op, 0).map_or(0, |v| v as i32))
            }
            0x6646 if depth == 0 => {
                // sprmPHugePapx: the rest of the properties live in `Data`.
                if let Some(at) = u32_at(op, 0) {
                    let at = at as usize;
                    if let Some(n) = u16_at(self.data, at) {
                        if let Some(g) = self.data.get(at + 2..at + 2 + usize::from(n)) {
                            huge += self.pap(g, pap, depth + 1);
                        }
                    }
                }
            }
            0xD608 => pap.tap = Some(def_table(op)),
            0xD62B => {
                // sprmTVertMerge: cb, itc, flags.
                if let (Some(tap), Some(&itc), Some(&flags)) =
                    (pap.tap.as_mut(), op.get(1), op.get(2))
                {
                    if let Some(tc) = tap.cells.get_mut(usize::from(itc)) {
                        tc.vmerge = match flags {
                            0 => VMerge::None,
                            3 => VMerge::Restart,
                            _ => VMerge::Continue,
                        };
                    }
                }
            }
            _ => {}
        });
        visited + huge
    }

    fn blocks(&self, fib: &Fib) -> Result<Vec<Block>> {
        let (pieces, prcs) = self.pieces(fib)?;
        let paps = self.runs(fib.papx, true)?;
        let deleted: Vec<(u32, u32)> = self
            .runs(fib.chpx, false)
            .unwrap_or_default()
            .into_iter()
            .filter(|r| {
                let mut del = false;
                each_sprm(r.grpprl, |sprm, op| {
                    if sprm == 0x0800 {
                        del = op.first().is_some_and(|&b| b != 0);
                    }
                });
                del
            })
            .map(|r| (r.fc, r.fc_end))
            .collect();
        let is_deleted = |fc: u32| {
            let i = deleted.partition_point(|r| r.0 <= fc);
            i > 0 && fc < deleted[i - 1].1
        };
        let mut b = Builder::new(self.limits);
        // A paragraph mark's properties depend only on its PAPX run and its
        // piece's prm: worked out once per pair. Sprms parsed (and the
        // properties kept) count against `max_xml_elements`, so marks
        // pointing at many runs that share one 64 KB huge PAPX cannot make
        // the work their product.
        let mut paps_of: std::collections::HashMap<(usize, u16), Pap> =
            std::collections::HashMap::new();
        let mut work = 0u64;
        let mut fields: Vec<bool> = Vec::new();
        let mut text_bytes = 0u64;
        for piece in &pieces {
            crate::limits::checkpoint()?;
            if piece.cp >= fib.ccp_text {
                break;
            }
            let end = piece.cp_end.min(fib.ccp_text);
            let count = (end - piece.cp) as usize;
            let width = if piece.compressed { 1 } else { 2 };
            let start = piece.fc as usize;
            let Some(raw) = self.word.get(start..start + count * width) else {
                return Err(short("text"));
            };
            text_bytes += raw.len() as u64;
            if text_bytes > self.limits.max_text_bytes {
                return Err(Limits::exceeded(
                    "max_text_bytes",
                    self.limits.max_text_bytes,
                ));
            }
            let mut units = raw.chunks_exact(width).enumerate().peekable();
            while let Some((k, unit)) = units.next() {
                let fc = piece.fc + (k * width) as u32;
                let mut c = if piece.compressed {
                    cp1252(unit[0])
                } else {
                    let u = u16::from_le_bytes([unit[0], unit[1]]);
                    if (0xD800..0xDC00).contains(&u) {
                        // A surrogate pair spans two units.
                        let low = units
                            .peek()
                            .map(|(_, n)| u16::from_le_bytes([n[0], n[1]]))
                            .filter(|l| (0xDC00..0xE000).contains(l));
                        if let Some(low) = low {
                            units.next();
                            let cp = 0x10000
                                + ((u32::from(u) - 0xD800) << 10)
                                + (u32::from(low) - 0xDC00);
                            char::from_u32(cp).unwrap_or('\u{FFFD}')
                        } else {
                            '\u{FFFD}'
                        }
                    } else {
                        char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}')
                    }
                };
                match c {
                    '\x13' => {
                        if fields.len() < 64 {
                            fields.push(false);
                        }
                        continue;
                    }
                    '\x14' => {
                        if let Some(f) = fields.last_mut() {
                            *f = true;
                        }
                        continue;
                    }
                    '\x15' => {
                        fields.pop();
                        continue;
                    }
                    _ => {}
                }
                if c != '\r' && c != '\x07' {
                    if fields.iter().any(|&in_result| !in_result) || is_deleted(fc) {
                        continue;
                    }
                    c = match c {
                        '\x0b' | '\x0c' => '\n',
                        '\x1e' => '-',
                        '\t' | '\u{a0}'.. => c,
                        ' '..='\u{7e}' => c,
                        _ => continue,
                    };
                    b.push_char(c);
                    continue;
                }
                // A paragraph mark: its properties say what it ends.
                let i = paps.partition_point(|r| r.fc <= fc);
                let run = (i > 0 && fc < paps[i - 1].fc_end).then(|| i - 1);
                let prm = if piece.prm & 1 != 0 { piece.prm } else { 0 };
                let key = (run.map_or(0, |r| r + 1), prm);
                let pap = match paps_of.entry(key) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        let mut pap = Pap::default();
                        if let Some(r) = run {
                            // GrpPrlAndIstd: a 2-byte style index, then sprms.
                            let g = paps[r].grpprl;
                            work += self.pap(g.get(2..).unwrap_or(&[]), &mut pap, 0);
                        }
                        if prm != 0 {
                            if let Some(g) = prcs.get(usize::from(prm >> 1)) {
                                work += self.pap(g, &mut pap, 0);
                            }
                        }
                        work += 16 + pap.tap.as_ref().map_or(0, |t| t.cells.len() as u64);
                        if work > self.limits.max_xml_elements {
                            return Err(Limits::exceeded(
                                "max_xml_elements",
                                self.limits.max_xml_elements,
                            ));
                        }
                        v.insert(pap)
                    }
                };
                b.paragraph_end(c == '\x07', pap)?;
            }
        }
        b.finish()
    }
}

/// A PapxInFkp at `off`: its GrpPrlAndIstd bytes (empty when out of range).
fn papx_in_fkp(page: &[u8], off: usize) -> &[u8] {
    if off == 0 {
        return &[];
    }
    let Some(&cb) = page.get(off) else {
        return &[];
    };
    let (from, len) = if cb == 0 {
        (off + 2, usize::from(*page.get(off + 1).unwrap_or(&0)) * 2)
    } else {
        (off + 1, usize::from(cb) * 2 - 1)
    };
    page.get(from..(from + len).min(511)).unwrap_or(&[])
}

/// A Chpx at `off`: its grpprl.
fn chpx_in_fkp(page: &[u8], off: usize) -> &[u8] {
    if off == 0 {
        return &[];
    }
    let Some(&cb) = page.get(off) else {
        return &[];
    };
    page.get(off + 1..(off + 1 + usize::from(cb)).min(511))
        .unwrap_or(&[])
}

/// sprmTDefTable's operand: cb, itcMac, rgdxaCenter, rgTc80.
fn def_table(op: &[u8]) -> Tap {
    let n = usize::from(*op.get(2).unwrap_or(&0)).min(63);
    let mut tap = Tap::default();
    for i in 0..=n {
        match i16_at(op, 3 + i * 2) {
            Some(x) => tap.centers.push(x),
            None => break,
        }
    }
    let tcs = 3 + (n + 1) * 2;
    for i in 0..n {
        let grf = u16_at(op, tcs + i * 20).unwrap_or(0);
        tap.cells.push(TcFlags {
            first_merged: grf & 0x0001 != 0,
            merged: grf & 0x0002 != 0,
            vmerge: match (grf & 0x0020 != 0, grf & 0x0040 != 0) {
                (_, true) => VMerge::Restart,
                (true, false) => VMerge::Continue,
                _ => VMerge::None,
            },
        });
    }
    tap
}

/// Windows-1252, as compressed pieces store text.
fn cp1252(b: u8) -> char {
    if b < 0x80 {
        return char::from(b);
    }
    let one = [b];
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&one);
    s.chars().next().unwrap_or('\u{FFFD}')
}

/// A table row as read: cells' paragraphs, then the row's properties.
struct RowCells {
    cells: Vec<Vec<String>>,
    tap: Option<Tap>,
}

struct TableBuilder {
    number: usize,
    rows: Vec<RowCells>,
    cells: Vec<Vec<String>>,
    cell: Vec<String>,
    nested: Vec<Grid>,
}

struct Builder<'l> {
    limits: &'l Limits,
    blocks: Vec<Block>,
    tables: Vec<TableBuilder>,
    table_count: usize,
    text: String,
    cells: u64,
    /// Paragraph bytes + `LINE_COST` per mark, as the .docx reader counts.
    held: u64,
    /// Tables opened, nested ones included, against `max_tables`.
    opened: u64,
}

impl<'l> Builder<'l> {
    fn new(limits: &'l Limits) -> Self {
        Builder {
            limits,
            blocks: Vec::new(),
            tables: Vec::new(),
            table_count: 0,
            text: String::new(),
            cells: 0,
            held: 0,
            opened: 0,
        }
    }

    fn push_char(&mut self, c: char) {
        self.text.push(c);
    }

    fn paragraph_end(&mut self, cell_mark: bool, pap: &Pap) -> Result<()> {
        let text = std::mem::take(&mut self.text);
        // Every mark costs, empty or not: pieces pointing at one run of
        // 64 KB of marks otherwise made tens of millions of paragraphs.
        self.held += text.len() as u64 + super::text::LINE_COST;
        if self.held > self.limits.max_text_bytes {
            return Err(Limits::exceeded(
                "max_text_bytes",
                self.limits.max_text_bytes,
            ));
        }
        let depth = if pap.in_table || pap.itap > 0 {
            usize::try_from(pap.itap).unwrap_or(1).max(1)
        } else {
            0
        };
        if depth > self.limits.max_xml_depth {
            return Err(Limits::exceeded(
                "max_xml_depth",
                self.limits.max_xml_depth as u64,
            ));
        }
        while self.tables.len() > depth {
            self.close_table()?;
        }
        if depth == 0 {
            if !text.trim().is_empty() {
                self.blocks.push(Block::Paragraph(text));
            }
            return Ok(());
        }
        while self.tables.len() < depth {
            self.limits.count_table(&mut self.opened)?;
            self.table_count += 1;
            self.tables.push(TableBuilder {
                number: self.table_count,
                rows: Vec::new(),
                cells: Vec::new(),
                cell: Vec::new(),
                nested: Vec::new(),
            });
        }
        let (row_end, cell_end) = if depth == 1 {
            (cell_mark && pap.ttp, cell_mark && !pap.ttp)
        } else {
            (pap.inner_ttp, pap.inner_cell && !pap.inner_ttp)
        };
        let Some(t) = self.tables.last_mut() else {
            return Ok(());
        };
        if row_end {
            let cells = std::mem::take(&mut t.cells);
            t.cell.clear();
            t.rows.push(RowCells {
                cells,
                tap: pap.tap.clone(),
            });
        } else {
            t.cell.push(text);
            if cell_end {
                // Counted as each cell ends, not when its row does: a row
                // that never ends held every cell mark of the file.
                self.cells += 1;
                if self.cells > self.limits.max_cells {
                    return Err(Limits::exceeded("max_cells", self.limits.max_cells));
                }
                let cell = std::mem::take(&mut t.cell);
                t.cells.push(cell);
            }
        }
        Ok(())
    }

    fn close_table(&mut self) -> Result<()> {
        let Some(mut t) = self.tables.pop() else {
            return Ok(());
        };
        if !t.cell.is_empty() {
            t.cells.push(std::mem::take(&mut t.cell));
        }
        if !t.cells.is_empty() {
            t.rows.push(RowCells {
                cells: std::mem::take(&mut t.cells),
                tap: None,
            });
        }
        let grid = build_grid(t.rows, Locator::table(t.number), self.limits)?;
        let parent = self.tables.last_mut().map(|p| &mut p.nested);
        crate::grid::place_table(parent, &mut self.blocks, grid, t.nested);
        Ok(())
    }

    fn finish(mut self) -> Result<Vec<Block>> {
        if !self.text.trim().is_empty() && self.tables.is_empty() {
            let text = std::mem::take(&mut self.text);
            self.blocks.push(Block::Paragraph(text));
        }
        while !self.tables.is_empty() {
            self.close_table()?;
        }
        Ok(self.blocks)
    }
}

/// One cell placed on the table's column grid.
struct Placed {
    text: String,
    col: usize,
    cols: usize,
    vmerge: VMerge,
}

/// Lays rows out on one column grid made of every row's cell boundaries,
/// the way Word's `w:tblGrid` does, then resolves merges into spans.
fn build_grid(rows: Vec<RowCells>, locator: Locator, limits: &Limits) -> Result<Grid> {
    const MAX_COLS: usize = 16_384;
    // Boundaries closer than this are one grid line (rounding in writers).
    const SNAP: i32 = 10;
    let mut lines: Vec<i32> = rows
        .iter()
        .filter_map(|r| r.tap.as_ref())
        .flat_map(|t| t.centers.iter().map(|&x| i32::from(x)))
        .collect();
    lines.sort_unstable();
    lines.dedup_by(|b, a| *b - *a < SNAP);
    let line_of = |x: i16| -> usize {
        let x = i32::from(x);
        let i = lines.partition_point(|&l| l + SNAP <= x);
        i.min(lines.len().saturating_sub(1))
    };
    let mut placed_rows: Vec<Vec<Placed>> = Vec::with_capacity(rows.len());
    let mut width = 0usize;
    for row in rows {
        let mut placed: Vec<Placed> = Vec::new();
        let tap = row.tap.unwrap_or_default();
        let mut next_col = 0usize;
        for (i, paragraphs) in row.cells.into_iter().enumerate() {
            let mut text = paragraphs.join("\n");
            text.truncate(text.trim_end_matches('\n').len());
            let flags = tap.cells.get(i).copied().unwrap_or_default();
            let (col, cols) = match (tap.centers.get(i), tap.centers.get(i + 1)) {
                (Some(&a), Some(&b)) if !lines.is_empty() => {
                    let (a, b) = (line_of(a), line_of(b));
                    (a.max(next_col), b.saturating_sub(a).max(1))
                }
                _ => (next_col, 1),
            };
            next_col = col + cols;
            if next_col > MAX_COLS {
                return Err(Limits::exceeded("max_cells", limits.max_cells));
            }
            // A horizontally merged cell joins the one before it.
            if flags.merged && !flags.first_merged {
                if let Some(prev) = placed.last_mut() {
                    prev.cols = next_col - prev.col;
                    continue;
                }
            }
            placed.push(Placed {
                text,
                col,
                cols,
                vmerge: flags.vmerge,
            });
        }
        width = width.max(next_col);
        placed_rows.push(placed);
    }
    let total = (placed_rows.len() as u64).saturating_mul(width as u64);
    if total > limits.max_cells {
        return Err(Limits::exceeded("max_cells", limits.max_cells));
    }
    let mut grid = WordGrid::new(placed_rows.len(), width as u32);
    for placed in placed_rows {
        for cell in placed {
            grid.skip_to(cell.col as u32);
            grid.push_cell(cell.cols as u32, cell.vmerge, cell.text);
        }
        grid.end_row();
    }
    Ok(grid.finish(locator))
}
