//! Word 97-2003 files (seeded with samples/*.doc): mutations land inside
//! the FIB, piece table, FKPs and TAPs far more often than through
//! read_any's mix of formats. Then the normaliser. Cells are capped lower
//! than the default: a legal million-cell grid takes 0.3 s in a release
//! build but over 10 s under ASan, which libFuzzer reports as a timeout.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let limits = jixiao::limits::Limits {
        max_cells: 100_000,
        ..Default::default()
    };
    if let Ok(doc) = jixiao::read::read(bytes, &limits) {
        let _ = jixiao::normalize::normalize(&doc.blocks, "fuzz", doc.format.as_str());
    }
});
