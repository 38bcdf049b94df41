//! Arbitrary HTML through the tolerant table scanner and the normaliser.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|page: &str| {
    if let Ok(blocks) = jixiao::read::html::read(page, &jixiao::limits::Limits::default()) {
        let _ = jixiao::normalize::normalize(&blocks, "fuzz", "html");
    }
});
