//! JSONL: one flat indicator per line, keyed by the English field names.

use super::{flat_rows, Sink, FIELDS};
use crate::model::{FileError, Table};
use serde_json::{Map, Value};
use std::io::{self, Write};

pub struct JsonlSink<W: Write> {
    out: W,
}

impl<W: Write> JsonlSink<W> {
    pub fn new(out: W) -> Self {
        JsonlSink { out }
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn table(&mut self, t: &Table) -> io::Result<()> {
        for row in flat_rows(t) {
            let mut m = Map::with_capacity(FIELDS.len());
            for ((_, key), v) in FIELDS.iter().zip(row) {
                let v = match (key, v) {
                    (_, None) => Value::Null,
                    (&"table" | &"seq" | &"year", Some(n)) => {
                        n.parse::<i64>().map_or(Value::String(n), Value::from)
                    }
                    (_, Some(s)) => Value::String(s),
                };
                m.insert(key.to_string(), v);
            }
            let mut line = serde_json::to_vec(&m).map_err(io::Error::other)?;
            line.push(b'\n');
            self.out.write_all(&line)?;
        }
        Ok(())
    }

    fn finish(&mut self, _errors: &[FileError]) -> io::Result<()> {
        self.out.flush()
    }
}
