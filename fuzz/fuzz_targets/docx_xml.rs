//! Arbitrary bytes as WordprocessingML straight into the streaming parser (no zip),
//! then the normaliser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|xml: &[u8]| {
    let limits = jixiao::limits::Limits::default();
    if let Ok(blocks) = jixiao::read::docx::parse_document(xml, &limits) {
        let _ = jixiao::normalize::normalize(&blocks, "fuzz", "docx");
    }
});
