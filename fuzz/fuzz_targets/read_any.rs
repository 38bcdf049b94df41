//! Any bytes through format detection, every reader and the normaliser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = jixiao::limits::Limits {
        max_file_bytes: 1 << 20,
        max_entry_bytes: 8 << 20,
        max_total_bytes: 16 << 20,
        // See doc.rs: a legal million-cell grid is a timeout under ASan.
        max_cells: 100_000,
        ..Default::default()
    };
    let _ = jixiao::convert::convert_bytes(data, "fuzz", &limits);
});
