//! Word 97-2003 files (seeded with samples/*.doc): mutations land inside
//! the FIB, piece table, FKPs and TAPs far more often than through
//! read_any's mix of formats. Then the normaliser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let limits = jixiao::limits::Limits::default();
    if let Ok(doc) = jixiao::read::read(bytes, &limits) {
        let _ = jixiao::normalize::normalize(&doc.blocks, "fuzz", doc.format.as_str());
    }
});
