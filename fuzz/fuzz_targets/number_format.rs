//! The number formatter on any stored number and any format code: a
//! percent of 79228162514264337593543950335 once overflowed (issue 10).
#![no_main]
use jixiao::read::xlsx::{builtin_format, format_from_code, show_number};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    // `number\0format code`, or a number alone through every built-in format.
    match s.split_once('\0') {
        Some((number, code)) => {
            let fmt = format_from_code(code);
            let _ = show_number(number, &fmt, false);
            let _ = show_number(number, &fmt, true);
        }
        None => {
            for id in 0..60 {
                let _ = show_number(s, &builtin_format(id), false);
            }
        }
    }
});
