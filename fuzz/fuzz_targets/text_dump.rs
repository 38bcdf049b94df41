//! Arbitrary text dumps (after decoding) through the dump parser and the normaliser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = jixiao::read::text::decode(data) {
        if let Ok(blocks) = jixiao::read::text::read(&text, &jixiao::limits::Limits { max_cells: 100_000, ..Default::default() }) {
            let _ = jixiao::normalize::normalize(&blocks, "fuzz", "txt");
        }
    }
});
