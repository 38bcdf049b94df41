//! Micro-benchmarks of the hot path, to catch regressions between full
//! benchmark runs (`cargo bench`): the Word reader, the text-dump reader and
//! the normaliser on the shipped samples.

use jixiao::limits::Limits;
use jixiao::normalize::normalize;
use jixiao::read::read;

fn main() {
    divan::main();
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[divan::bench(args = ["word-seed-merged.docx", "word-messy-continued.docx", "word-comparators-split-columns.docx"])]
fn read_word(bencher: divan::Bencher, name: &str) {
    let bytes = sample(name);
    let limits = Limits::default();
    bencher.bench(|| read(divan::black_box(&bytes), &limits).unwrap());
}

#[divan::bench]
fn read_text_dump(bencher: divan::Bencher) {
    let bytes = sample("seed-tianjin-wuqing.txt");
    let limits = Limits::default();
    bencher.bench(|| read(divan::black_box(&bytes), &limits).unwrap());
}

#[divan::bench(args = ["word-seed-merged.docx", "seed-tianjin-wuqing.txt"])]
fn normalise(bencher: divan::Bencher, name: &str) {
    let doc = read(&sample(name), &Limits::default()).unwrap();
    bencher.bench(|| normalize(divan::black_box(&doc.blocks), "f", "docx"));
}

/// Our .xlsx reader against calamine's on the same workbook (both give
/// every sheet's cells; ours also formats numbers and lays out merges).
#[divan::bench(args = ["sheet-stacked-forms.xlsx", "sheet-flat-export.xlsx"])]
fn read_xlsx_jixiao(bencher: divan::Bencher, name: &str) {
    let bytes = sample(name);
    let limits = Limits::default();
    bencher.bench(|| read(divan::black_box(&bytes), &limits).unwrap());
}

#[divan::bench(args = ["sheet-stacked-forms.xlsx", "sheet-flat-export.xlsx"])]
fn read_xlsx_calamine(bencher: divan::Bencher, name: &str) {
    use calamine::Reader;
    let bytes = sample(name);
    bencher.bench(|| {
        let mut wb =
            calamine::Xlsx::new(std::io::Cursor::new(divan::black_box(&bytes[..]))).unwrap();
        let mut cells = 0;
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).unwrap();
            let merges = wb.merge_cells_by_sheet_name(&name).map_or(0, |m| m.len());
            cells += range.used_cells().count() + merges;
        }
        cells
    });
}

/// The Word 97-2003 reader on the LibreOffice-made .doc twins of the
/// samples, to compare with `read_word` on the same content.
#[divan::bench(args = ["word-seed-merged.doc", "word-messy-continued.doc", "word-comparators-split-columns.doc"])]
fn read_word_97(bencher: divan::Bencher, name: &str) {
    let bytes = sample(name);
    let limits = Limits::default();
    bencher.bench(|| read(divan::black_box(&bytes), &limits).unwrap());
}
