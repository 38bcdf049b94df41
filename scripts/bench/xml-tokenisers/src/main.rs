//! The tokenisers a Word reader could use on `word/document.xml`, each doing
//! the same small job: count elements, tell apart the tags a reader acts on
//! (`p`, `r`, `t`, `tc`, `tr`, `tbl`) by local name, and add up the text
//! bytes inside `w:t`. The parts are inflated first and held in memory;
//! only tokenising is timed (process CPU time, best of ROUNDS).
//!
//!     xml-tokenisers MODE DIR...      # MODE: none events into skip scan scan-memchr
//!
//! - `none`: only inflate the parts (subtract its instructions);
//! - `events`: quick-xml `Reader::from_reader(&[u8])` + `read_event()`,
//!   borrowed events (what jixiao used; quick-xml checks each event's
//!   bytes are UTF-8);
//! - `into`: the same reader through `read_event_into(&mut Vec<u8>)`, the
//!   buffered API (events copied into the buffer, checked the same way);
//! - `skip`: `events`, with the subtrees a reader never looks into
//!   (`rPr`, `pPr`, `sectPr`, `tblPr`, `tblGrid`, `drawing`) passed over
//!   by `read_to_end` (which still reads them event by event, and escapes
//!   the element budget);
//! - `scan`: the part checked as UTF-8 once, then the byte scanner of
//!   src/read/docx.rs (no events built);
//! - `scan-memchr`: the same with tag ends found by quick-xml's
//!   `parser::ElementParser` (memchr3) instead of a byte loop.
//!
//! Every mode prints the same counts, or the comparison is void.

use quick_xml::events::Event;
use quick_xml::parser::{ElementParser, Parser};
use std::io::Read;

#[derive(Default, PartialEq, Debug, Clone, Copy)]
struct Counts {
    elements: u64,
    acted: u64,
    text: u64,
}

fn local(b: &[u8]) -> &[u8] {
    if b.len() > 2 && b[1] == b':' {
        return &b[2..];
    }
    match b.iter().position(|&c| c == b':') {
        Some(i) => &b[i + 1..],
        None => b,
    }
}

#[inline(always)]
fn acted(name: &[u8]) -> (bool, bool) {
    let l = local(name);
    let acts = matches!(l, b"p" | b"r" | b"t" | b"tc" | b"tr" | b"tbl");
    (acts, l == b"t")
}

/// One event counted; `false` at the end of the part (or an error).
#[inline(always)]
fn count(c: &mut Counts, in_t: &mut bool, event: quick_xml::Result<Event>) -> bool {
    match event {
        Ok(Event::Start(e)) => {
            c.elements += 1;
            let (a, t) = acted(e.name().0.as_bytes());
            c.acted += a as u64;
            *in_t = t;
        }
        Ok(Event::Empty(e)) => {
            c.elements += 1;
            c.acted += acted(e.name().0.as_bytes()).0 as u64;
        }
        Ok(Event::End(_)) => *in_t = false,
        Ok(Event::Text(t)) if *in_t => c.text += t.len() as u64,
        Ok(Event::Eof) | Err(_) => return false,
        _ => {}
    }
    true
}

fn events(xml: &[u8]) -> Counts {
    let (mut c, mut in_t) = (Counts::default(), false);
    let mut r = quick_xml::Reader::from_reader(xml);
    r.config_mut().check_end_names = false;
    while count(&mut c, &mut in_t, r.read_event()) {}
    c
}

fn into(xml: &[u8]) -> Counts {
    let (mut c, mut in_t) = (Counts::default(), false);
    let mut r = quick_xml::Reader::from_reader(std::io::BufReader::new(xml));
    r.config_mut().check_end_names = false;
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        if !count(&mut c, &mut in_t, r.read_event_into(&mut buf)) {
            break;
        }
    }
    c
}

fn skip(xml: &[u8]) -> Counts {
    let (mut c, mut in_t) = (Counts::default(), false);
    let mut r = quick_xml::Reader::from_reader(xml);
    r.config_mut().check_end_names = false;
    loop {
        let event = r.read_event();
        if let Ok(Event::Start(e)) = &event {
            if matches!(
                local(e.name().0.as_bytes()),
                b"rPr" | b"pPr" | b"sectPr" | b"tblPr" | b"tblGrid" | b"drawing"
            ) {
                // Counted as one element: read_to_end does not say how
                // many it passed over.
                c.elements += 1;
                if r.read_to_end(e.name()).is_err() {
                    break;
                }
                continue;
            }
        }
        if !count(&mut c, &mut in_t, event) {
            break;
        }
    }
    c
}

/// src/read/docx.rs's `tag_end`, copied: the scanner is private to jixiao,
/// and this crate measures the same loop without jixiao's handlers.
#[inline(always)]
fn tag_end(b: &[u8]) -> Option<usize> {
    let mut quote = 0u8;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'>' if quote == 0 => return Some(i),
            b'"' | b'\'' if quote == 0 => quote = c,
            _ if c == quote => quote = 0,
            _ => {}
        }
    }
    None
}

fn tag_end_memchr(b: &[u8]) -> Option<usize> {
    ElementParser::Outside.feed(b)
}

fn scan(xml: &[u8], end: fn(&[u8]) -> Option<usize>) -> Counts {
    let mut c = Counts::default();
    let Ok(s) = std::str::from_utf8(xml) else {
        return c;
    };
    let b = s.as_bytes();
    let mut in_t = false;
    let mut i = 0;
    while let Some(k) = b[i..].iter().position(|&c| c == b'<' || c == b'&') {
        if in_t {
            c.text += s[i..i + k].len() as u64;
        }
        i += k;
        if b[i] == b'&' {
            match b[i + 1..]
                .iter()
                .position(|&c| matches!(c, b';' | b'&' | b'<'))
            {
                Some(n) => i += n + 2,
                None => break,
            }
            continue;
        }
        match b.get(i + 1) {
            Some(b'/') => {
                let Some(n) = end(&b[i..]) else { break };
                in_t = false;
                i += n + 1;
            }
            Some(b'?') => {
                match (2..b.len() - i).find(|&n| b[i + n] == b'>' && b[i + n - 1] == b'?') {
                    Some(n) => i += n + 1,
                    None => break,
                }
            }
            Some(b'!') | None => break,
            Some(_) => {
                let Some(n) = end(&b[i..]) else { break };
                let empty = n >= 2 && b[i + n - 1] == b'/';
                let content = &b[i + 1..i + n - usize::from(empty)];
                let name = &content[..quick_xml::utils::name_len(content)];
                c.elements += 1;
                let (a, t) = acted(name);
                c.acted += a as u64;
                in_t = t && !empty;
                i += n + 1;
            }
        }
    }
    c
}

fn cpu_seconds() -> f64 {
    // user + system time of this process, from /proc/self/stat (ticks).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).cloned().unwrap_or_default();
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut parts = Vec::new();
    for dir in &args[2..] {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("dir")
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        for p in paths {
            let bytes = std::fs::read(&p).expect("file");
            let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
                continue;
            };
            let Ok(mut f) = zip.by_name("word/document.xml") else {
                continue;
            };
            let mut xml = Vec::new();
            if f.read_to_end(&mut xml).is_ok() {
                parts.push(xml);
            }
        }
    }
    let f: fn(&[u8]) -> Counts = match mode.as_str() {
        "none" => |_| Counts::default(),
        "events" => events,
        "into" => into,
        "skip" => skip,
        "scan" => |x| scan(x, tag_end),
        "scan-memchr" => |x| scan(x, tag_end_memchr),
        _ => panic!("mode: none events into skip scan scan-memchr"),
    };
    let mut best = f64::MAX;
    let mut total = Counts::default();
    for _ in 0..rounds {
        let start = cpu_seconds();
        total = Counts::default();
        for p in &parts {
            let c = f(p);
            total.elements += c.elements;
            total.acted += c.acted;
            total.text += c.text;
        }
        best = best.min(cpu_seconds() - start);
    }
    let bytes: usize = parts.iter().map(Vec::len).sum();
    println!(
        "{mode}: {} parts, {:.1} MB, {:?}, best of {rounds}: {best:.2} CPU s",
        parts.len(),
        bytes as f64 / 1e6,
        total
    );
}
