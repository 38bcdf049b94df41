//! Writes one pathological input of issue 10 at size `n`, for
//! scripts/bench/scaling.sh: `hostile FAMILY N OUT` (or `hostile --list`).

#[path = "../tests/hostile/gen.rs"]
mod gen;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--list") {
        for f in gen::FAMILIES {
            println!("{}\t{}\t{}", f.name, f.ext, f.what);
        }
        return;
    }
    let [name, n, out] = args.as_slice() else {
        eprintln!("usage: hostile FAMILY N OUT | hostile --list");
        std::process::exit(2);
    };
    let Some(family) = gen::FAMILIES.iter().find(|f| f.name == name) else {
        eprintln!("no family {name:?} (see --list)");
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("N must be a whole number, got {n:?}");
        std::process::exit(2);
    };
    if let Err(e) = std::fs::write(out, (family.make)(n)) {
        eprintln!("{out}: {e}");
        std::process::exit(1);
    }
}
