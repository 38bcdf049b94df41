//! Small pieces every XML reader shares: the depth and element budget,
//! entity handling (the predefined five and character references only:
//! nothing is ever expanded or fetched), and attribute look-ups by local name.

use crate::error::Result;
use crate::limits::Limits;
use quick_xml::events::{BytesRef, BytesStart};

/// Counts open elements and elements seen against the limits; quick-xml
/// does not bound either.
pub struct Budget<'l> {
    limits: &'l Limits,
    pub depth: usize,
    elements: u64,
}

impl<'l> Budget<'l> {
    pub fn new(limits: &'l Limits) -> Self {
        Budget {
            limits,
            depth: 0,
            elements: 0,
        }
    }

    /// A start tag (`empty`: a self-closing one, which opens nothing).
    pub fn element(&mut self, empty: bool) -> Result<()> {
        self.elements += 1;
        if self.elements & 0xFFF == 0 {
            crate::limits::checkpoint()?;
        }
        if !empty {
            self.depth += 1;
            if self.depth > self.limits.max_xml_depth {
                return Err(Limits::exceeded(
                    "max_xml_depth",
                    self.limits.max_xml_depth as u64,
                ));
            }
        }
        if self.elements > self.limits.max_xml_elements {
            return Err(Limits::exceeded(
                "max_xml_elements",
                self.limits.max_xml_elements,
            ));
        }
        Ok(())
    }

    /// An end tag.
    pub fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}

/// The character an entity reference stands for, if it is one of the
/// predefined five or a character reference; anything else is dropped.
pub fn entity(r: &BytesRef) -> Option<char> {
    match r.as_ref() {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => r.resolve_char_ref().ok().flatten(),
    }
}

/// An attribute's raw value, by local name (any prefix).
pub fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.to_string())
}

/// An attribute as a whole number.
pub fn num_attr(e: &BytesStart, name: &str) -> Option<u32> {
    attr(e, name).and_then(|v| v.trim().parse().ok())
}
