//! Remembered matches: a bounded per-thread memo and the hash it (and the
//! lexicon) use.

use std::cell::RefCell;
use std::collections::HashMap;
use std::thread::LocalKey;

pub type MemoMap<V> = RefCell<HashMap<Box<str>, V, BuildFx>>;

/// Distinct texts a thread remembers per memo before it starts afresh. Small:
/// a table has some fifty labels, and a file built to make every text
/// collide in the hash costs at most this many comparisons per cell.
const MEMO_CAP: usize = 1024;

/// `f(text)`, computed once per distinct text and thread. The same labels
/// recur in every table and in every file (项目名称, 三级指标), and the
/// normaliser asks about one cell from several places (classification, the
/// header block, the grid's columns): the match is a pure function of the
/// text, so it is remembered instead of being redone.
pub fn memo<V: Clone>(
    memo: &'static LocalKey<MemoMap<V>>,
    text: &str,
    f: impl FnOnce(&str) -> V,
) -> V {
    memo.with(|m| {
        if let Some(v) = m.borrow().get(text) {
            return v.clone();
        }
        let v = f(text);
        let mut m = m.borrow_mut();
        if m.len() >= MEMO_CAP {
            m.clear();
        }
        m.insert(text.into(), v.clone());
        v
    })
}

/// A word-at-a-time multiply-rotate hash (FxHash's): the lexicon's keys and
/// the memo's labels are short strings looked up several times per cell;
/// SipHash's DoS resistance buys nothing here (the memo is bounded).
#[derive(Default, Clone, Copy)]
pub struct BuildFx;

pub struct FxHasher(u64);

impl std::hash::BuildHasher for BuildFx {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
