//! Word 97-2003: every Word sample's .doc twin (made by LibreOffice with
//! samples/make-doc-samples.sh) gives exactly the records of its .docx,
//! compared in full as JSON except `source.file` and `source.format` (and
//! locators where the .docx has two tables with no paragraph between them:
//! a .doc cannot hold that, so LibreOffice writes one table, and reads it
//! back as one; the records are the same, their row numbers differ). The
//! .docx side is converted at test time, so the check holds whatever the
//! normaliser's goldens are. Also: a .wps of the Word 97 family, the
//! Word 97+ files of the corpus, and the .odt twins (OpenDocument text).

use crate::util::records as common;

use common::{drop_locators, records};
use jixiao::error::ErrorKind;
use jixiao::limits::Limits;
use std::path::Path;

/// Samples whose .docx puts tables back to back (see the module note).
const BACK_TO_BACK_TABLES: [&str; 2] = [
    "samples/word-comparators-split-columns.doc",
    "samples/word-messy-continued.doc",
];

fn format_of(file: &str) -> String {
    let bytes = std::fs::read(file).unwrap();
    jixiao::read::read(&bytes, &Limits::default())
        .unwrap()
        .format
        .as_str()
        .to_string()
}

#[test]
fn every_word_sample_as_doc_gives_the_same_records() {
    let mut docs: Vec<String> = std::fs::read_dir("samples")
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().replace('\\', "/"))
        .filter(|p| p.ends_with(".doc"))
        .collect();
    docs.sort();
    let docx_count = std::fs::read_dir("samples")
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "docx")
        })
        .count();
    assert_eq!(
        docs.len(),
        docx_count,
        "every .docx sample needs its .doc twin"
    );
    let mut failed = Vec::new();
    for doc in &docs {
        assert_eq!(format_of(doc), "doc");
        let docx = format!("{doc}x");
        let (mut a, mut b) = (records(doc), records(&docx));
        if BACK_TO_BACK_TABLES.contains(&doc.as_str()) {
            drop_locators(&mut a);
            drop_locators(&mut b);
        }
        if a != b {
            std::fs::write(
                format!("{doc}.got.json"),
                serde_json::to_string_pretty(&a).unwrap(),
            )
            .unwrap();
            failed.push(format!("{doc} differs from {docx} (see {doc}.got.json)"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn a_wps_of_the_word_97_family_reads_like_its_doc() {
    let wps = "samples/word-seed-merged.wps";
    assert_eq!(format_of(wps), "doc");
    assert_eq!(records(wps), records("samples/word-seed-merged.doc"));
}

const CORPUS: &str = "../shared/corpus/doc";

fn outcome(name: &str) -> Result<usize, ErrorKind> {
    let bytes = std::fs::read(Path::new(CORPUS).join(name)).unwrap();
    jixiao::read::read(&bytes, &Limits::default())
        .map(|d| d.blocks.len())
        .map_err(|e| e.kind)
}

#[test]
fn corpus_word_files_read_or_name_their_version() {
    if !Path::new(CORPUS).exists() {
        eprintln!("{CORPUS} not present: skipped");
        return;
    }
    // Word 6/95 stays unsupported, with the version in the message.
    let bytes = std::fs::read(Path::new(CORPUS).join("poi__Word95.doc")).unwrap();
    let e = jixiao::read::read(&bytes, &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("Word 6.0/95"), "{}", e.message);
    assert_eq!(outcome("poi__word2.doc"), Err(ErrorKind::Unsupported));
    for name in [
        "poi__simple-table.doc",
        "poi__table-merges.doc",
        "poi__innertable.doc",
        "poi__MarkAuthorsTable.doc",
        "poi__rasp.doc",
    ] {
        assert!(
            outcome(name).is_ok_and(|n| n > 0),
            "{name}: {:?}",
            outcome(name)
        );
    }
}

#[test]
fn damaged_doc_files_give_errors_not_panics() {
    for name in [
        "samples/word-seed-merged.doc",
        "samples/word-central-template.doc",
    ] {
        let good = std::fs::read(name).unwrap();
        // Past the container header and directory, into the streams.
        for at in (512..good.len()).step_by(61) {
            for value in [0x00, 0xFF, 0x7F] {
                let mut bad = good.clone();
                bad[at] = value;
                let _ = jixiao::read::read(&bad, &Limits::default());
            }
        }
        for len in (0..good.len()).step_by(509) {
            assert!(jixiao::read::read(&good[..len], &Limits::default()).is_err());
        }
    }
}

fn rendered(name: &str) -> String {
    let bytes = std::fs::read(Path::new(CORPUS).join(name)).unwrap();
    let doc = jixiao::read::read(&bytes, &Limits::default()).unwrap();
    doc.blocks
        .iter()
        .map(|b| match b {
            jixiao::grid::Block::Paragraph(p) => format!("¶ {p}\n"),
            jixiao::grid::Block::Table(g) => format!("▦ {}\n{}", g.locator, g.render()),
        })
        .collect()
}

/// Files saved by Word itself ("Microsoft Word-Dokument" in their summary):
/// the grids are what LibreOffice 7.4 reads from them too (checked by
/// converting them to .docx with soffice and inspecting that).
#[test]
fn word_saved_files_give_their_merges_and_nested_tables() {
    if !Path::new(CORPUS).exists() {
        return;
    }
    assert_eq!(
        rendered("poi__table-merges.doc"),
        "▦ table 1
     row 1 | A [1×3] | ^(1,1) | ^(1,1) | B [1×2] | ^(1,4) |
     row 2 | C | D | E [1×2] | ^(2,3) | F |
     row 3 |  | G | H [1×2] | ^(3,3) | I\u{23ce}J |
     row 4 | K [1×5] | ^(4,1) | ^(4,1) | ^(4,1) | ^(4,1) |
"
    );
    assert_eq!(
        rendered("poi__innertable.doc"),
        "▦ table 1
     row 1 | A | B | C |
     row 2 | D | E\u{23ce}F | G |
     row 3 | H | I | J |
▦ table 2
     row 1 | 1 | 2 |
     row 2 | 3 | 4 |
"
    );
}

/// `poi__47950_*.doc` pad their FAT past the end of the file with
/// end-of-chain marks, which the `cfb` crate refuses; those entries are
/// read as free (src/read/ole.rs). The same padding written into a sample
/// gives the sample's records unchanged.
#[test]
fn a_fat_padded_with_end_of_chain_marks_is_read() {
    let good = std::fs::read("samples/word-seed-merged.doc").unwrap();
    assert!(jixiao::read::ole::fat_tail_freed(&good).is_none());
    let mut padded = good.clone();
    let sectors = good.len().div_ceil(512) - 1;
    let fat = 512 * (1 + u32::from_le_bytes(good[76..80].try_into().unwrap()) as usize);
    for entry in sectors..128 {
        padded[fat + 4 * entry..fat + 4 * entry + 4].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    }
    assert!(cfb::CompoundFile::open(std::io::Cursor::new(&padded[..])).is_err());
    assert_eq!(
        jixiao::read::ole::fat_tail_freed(&padded).as_deref(),
        Some(&good[..])
    );
    let limits = Limits::default();
    let read = |b: &[u8]| format!("{:?}", jixiao::read::read(b, &limits).map(|d| d.blocks));
    assert_eq!(read(&padded), read(&good));
    if !Path::new(CORPUS).exists() {
        return;
    }
    // Stream names in lower and in upper case (`1table`, `WORDDOCUMENT`).
    for name in ["poi__47950_lower.doc", "poi__47950_upper.doc"] {
        assert_eq!(
            rendered(name),
            "¶ This is a sample Word document\n",
            "{name}"
        );
    }
}

/// The samples of one extension, sorted.
fn samples_ending(ext: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("samples")
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().replace('\\', "/"))
        .filter(|p| p.ends_with(&format!(".{ext}")))
        .collect();
    v.sort();
    v
}

/// OpenDocument text: every Word sample's .odt twin (made by LibreOffice
/// Writer with samples/make-odt-samples.sh) gives exactly the records of its
/// .docx, compared in full as JSON except `source.file` and `source.format`
/// (and, as for .doc, locators where the .docx puts tables back to back:
/// LibreOffice joins them into one table).
#[test]
fn every_word_sample_as_odt_gives_the_same_records() {
    let odts = samples_ending("odt");
    assert_eq!(
        odts.len(),
        samples_ending("docx").len(),
        "one .odt per .docx: run samples/make-odt-samples.sh"
    );
    let mut failed = Vec::new();
    for odt in &odts {
        assert_eq!(format_of(odt), "odt", "{odt}");
        let docx = odt.replace(".odt", ".docx");
        let (mut want, mut got) = (records(&docx), records(odt));
        // Back-to-back tables: one table in the twin, as for .doc.
        if BACK_TO_BACK_TABLES.contains(&odt.replace(".odt", ".doc").as_str()) {
            drop_locators(&mut want);
            drop_locators(&mut got);
        }
        assert!(!want["tables"].as_array().unwrap().is_empty(), "{docx}");
        if want != got {
            let w = serde_json::to_string_pretty(&want).unwrap();
            let g = serde_json::to_string_pretty(&got).unwrap();
            let line = w
                .lines()
                .zip(g.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failed.push(format!(
                "{odt}: first difference at line {line}:\n  docx: {}\n  odt:  {}",
                w.lines().nth(line).unwrap_or(""),
                g.lines().nth(line).unwrap_or("")
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn an_odt_named_docx_is_read_as_what_it_is() {
    let bytes = std::fs::read("samples/word-seed-merged.odt").unwrap();
    let n = jixiao::convert::convert_bytes(&bytes, "表.docx", &Limits::default()).unwrap();
    assert_eq!(n.tables[0].source.format, "odt");
}
