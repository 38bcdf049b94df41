//! PDF files (seeded with tests/data/pdf/*.pdf: LibreOffice prints of the
//! Word samples and the form workbook, and the hand-made page-break,
//! touching, unruled, scan, glyph-only and encrypted cases). lopdf parses
//! the objects; src/read/pdf.rs walks the content streams, rebuilds grids
//! and stitches pages. Then the normaliser. Cells and operators are capped
//! lower than the defaults so that a legal but huge page is not a timeout.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let limits = jixiao::limits::Limits {
        max_cells: 100_000,
        max_pdf_operators: 200_000,
        ..Default::default()
    };
    if let Ok(doc) = jixiao::read::read(bytes, &limits) {
        let _ = jixiao::normalize::normalize(&doc.blocks, "fuzz", doc.format.as_str());
    }
});
