//! Arbitrary XML as SpreadsheetML 2003 and as ODS content.xml.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|xml: &str| {
    let limits = jixiao::limits::Limits::default();
    for blocks in [jixiao::read::xml2003::read(xml, &limits), jixiao::read::ods::parse(xml, &limits)]
        .into_iter()
        .flatten()
    {
        let _ = jixiao::normalize::normalize(&blocks, "fuzz", "xml");
    }
});
