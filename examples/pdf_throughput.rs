//! Pages per CPU-second of the PDF reader on the sample PDFs, and of a bare
//! page-content parse with the same dependency (lopdf: load the document,
//! inflate and tokenise every page's content stream, nothing else), for
//! docs/performance.md:
//!
//!     cargo run --release --example pdf_throughput [ROUNDS]
use std::time::Duration;

fn cpu() -> Duration {
    // User + system time of this process.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| Duration::new(v.tv_sec as u64, v.tv_usec as u32 * 1000);
    t(u.ru_utime) + t(u.ru_stime)
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir("tests/data/pdf")
        .expect("run from the repository root")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            (n.starts_with("word-") || n.starts_with("print-")) && n.ends_with(".pdf")
        })
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read(&p).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    let limits = jixiao::limits::Limits::default();
    let pages: usize = files
        .iter()
        .map(|(_, b)| lopdf::Document::load_mem(b).map_or(0, |d| d.get_pages().len()))
        .sum();
    let start = cpu();
    for _ in 0..rounds {
        for (name, b) in &files {
            jixiao::read::read(b, &limits).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    let reader = (cpu() - start).as_secs_f64();
    let start = cpu();
    let mut ops = 0usize;
    for _ in 0..rounds {
        for (_, b) in &files {
            let doc = lopdf::Document::load_mem(b).expect("a sample PDF");
            for (_, id) in doc.get_pages() {
                let content = doc.get_page_content(id).unwrap_or_default();
                ops += lopdf::content::Content::decode(&content).map_or(0, |c| c.operations.len());
            }
        }
    }
    let bare = (cpu() - start).as_secs_f64();
    let n = (pages * rounds) as f64;
    println!(
        "{} files, {pages} pages, {rounds} rounds ({ops} operators parsed)",
        files.len()
    );
    println!("reader: {:.3} s CPU, {:.0} pages/CPU-s", reader, n / reader);
    println!("bare parse: {:.3} s CPU, {:.0} pages/CPU-s", bare, n / bare);
    println!(
        "reader / bare: {:.0} % of the bare parse's rate",
        100.0 * bare / reader
    );
}
