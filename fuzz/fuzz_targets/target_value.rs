//! The target and amount parsers: never panic, keep the raw text, and a
//! quantitative value re-parses to the same number.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    if let Some(t) = jixiao::normalize::target::parse_target(s) {
        assert_eq!(t.raw, s.trim());
        if let Some(v) = t.value {
            assert_eq!(jixiao::normalize::target::parse_amount(&v.to_string()), Some(v));
        }
    }
    let _ = jixiao::normalize::target::parse_amount(s);
    let _ = jixiao::normalize::vocab::canonical(s, jixiao::normalize::vocab::Level::One);
});
