//! CSV: one row per indicator, the 32 columns of [`super::FIELDS`]. UTF-8
//! with a BOM by default (so Excel opens Chinese text), or GBK.

use super::{flat_rows, Headers, Sink, FIELDS};
use crate::model::{FileError, Table};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Gbk,
}

pub struct CsvSink<W: Write> {
    out: W,
    encoding: Encoding,
    buf: csv::Writer<Vec<u8>>,
}

impl<W: Write> CsvSink<W> {
    pub fn new(mut out: W, headers: Headers, bom: bool, encoding: Encoding) -> io::Result<Self> {
        if bom && encoding == Encoding::Utf8 {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut sink = CsvSink {
            out,
            encoding,
            buf: csv::Writer::from_writer(Vec::new()),
        };
        let names: Vec<&str> = FIELDS
            .iter()
            .map(|(zh, en)| if headers == Headers::Zh { *zh } else { *en })
            .collect();
        sink.buf.write_record(&names).map_err(io::Error::other)?;
        sink.drain()?;
        Ok(sink)
    }

    fn drain(&mut self) -> io::Result<()> {
        let full = std::mem::replace(&mut self.buf, csv::Writer::from_writer(Vec::new()));
        let bytes = full
            .into_inner()
            .map_err(|e| io::Error::other(e.to_string()))?;
        match self.encoding {
            Encoding::Utf8 => self.out.write_all(&bytes),
            Encoding::Gbk => {
                let text = String::from_utf8_lossy(&bytes);
                // GB18030 encodes every Unicode character, unlike plain GBK,
                // and reads as GBK for the characters GBK has.
                let (enc, _, _) = encoding_rs::GB18030.encode(&text);
                self.out.write_all(&enc)
            }
        }
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn table(&mut self, t: &Table) -> io::Result<()> {
        for row in flat_rows(t) {
            self.buf
                .write_record(row.iter().map(|v| v.as_deref().unwrap_or("")))
                .map_err(io::Error::other)?;
        }
        self.drain()
    }

    fn finish(&mut self, _errors: &[FileError]) -> io::Result<()> {
        self.drain()?;
        self.out.flush()
    }
}
