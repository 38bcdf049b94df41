//! PDF: every Word sample printed to PDF by LibreOffice (and the form
//! workbook of all samples, `--layout form`, printed by LibreOffice Calc)
//! gives the records of its source, compared in full as JSON except
//! `source.file`, `source.format` and locators (a PDF names pages, not
//! Word tables). The PDFs are made by tests/data/pdf/make-pdf-samples.sh; the
//! sources are converted at test time, so the check holds whatever the
//! normaliser's goldens are. The hand-made cases (tests/data/pdf, written
//! by tests/data/pdf/make-pdf-cases.py) pin page breaks, touching tables
//! and the refusals: no ruling lines, a scan, a font without a Unicode
//! map, encryption.

use crate::util::records as common;

use jixiao::error::ErrorKind;
use jixiao::grid::Block;
use jixiao::limits::Limits;
use serde_json::Value;

/// The PDFs and the scripts that made them.
const DATA: &str = "tests/data/pdf";

/// Drops the notes that record only a line break removed from a cell
/// (`raw` is `normalized` with `\n` in it). A paragraph that ends exactly
/// where the cell's width would have broken the line looks, on the page,
/// like one paragraph wrapped: the PDF reads it as one (the Word file in
/// word-messy-continued has `服务对象满意度⏎指标`); the fields agree.
fn drop_line_break_notes(v: &mut Value) {
    match v {
        Value::Array(a) => {
            a.retain(|n| {
                let (Some(raw), Some(norm)) = (n["raw"].as_str(), n["normalized"].as_str()) else {
                    return true;
                };
                !(raw.contains('\n') && raw.replace('\n', "") == norm)
            });
            a.iter_mut().for_each(drop_line_break_notes);
        }
        Value::Object(m) => m.values_mut().for_each(drop_line_break_notes),
        _ => {}
    }
}

/// A file's records as JSON, without the fields that name the file or
/// where its tables sit.
fn records(file: &str) -> Value {
    let mut v = common::records(file);
    common::drop_locators(&mut v);
    v
}

fn read(file: &str) -> jixiao::error::Result<jixiao::read::Document> {
    jixiao::read::read(&std::fs::read(file).unwrap(), &Limits::default())
}

/// Blocks in the notation `jixiao inspect` prints.
fn rendered(file: &str) -> String {
    read(file)
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => format!("¶ {p}\n"),
            Block::Table(g) => format!("▦ {}\n{}", g.locator, g.render()),
        })
        .collect()
}

fn differs(pdf: &str, got: &Value, want: &Value) -> Option<String> {
    if got == want {
        return None;
    }
    std::fs::write(
        format!("{pdf}.got.json"),
        serde_json::to_string_pretty(got).unwrap(),
    )
    .unwrap();
    std::fs::write(
        format!("{pdf}.want.json"),
        serde_json::to_string_pretty(want).unwrap(),
    )
    .unwrap();
    Some(format!(
        "{pdf} differs from its source (see {pdf}.got.json / .want.json)"
    ))
}

#[test]
fn every_word_sample_as_pdf_gives_the_same_records() {
    let mut pdfs: Vec<String> = std::fs::read_dir(DATA)
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().replace('\\', "/"))
        .filter(|p| p.starts_with("tests/data/pdf/word-") && p.ends_with(".pdf"))
        .collect();
    pdfs.sort();
    let docx = std::fs::read_dir("samples")
        .unwrap()
        .filter(|e| {
            let p = e.as_ref().unwrap().path();
            p.extension().is_some_and(|x| x == "docx")
        })
        .count();
    assert_eq!(pdfs.len(), docx, "every .docx sample needs its .pdf twin");
    let mut failed = Vec::new();
    for pdf in &pdfs {
        assert_eq!(read(pdf).unwrap().format.as_str(), "pdf");
        let source = pdf.replace(".pdf", ".docx").replace(DATA, "samples");
        let (mut got, mut want) = (records(pdf), records(&source));
        drop_line_break_notes(&mut got);
        drop_line_break_notes(&mut want);
        failed.extend(differs(pdf, &got, &want));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The form workbook (tests/data/pdf/print-form.xlsx, every Word and xlsx
/// sample's tables as printed forms, one sheet each) printed to PDF by
/// LibreOffice Calc reads back to the workbook's own records.
#[test]
fn the_printed_form_workbook_gives_the_records_of_the_workbook() {
    let pdf = "tests/data/pdf/print-form.pdf";
    let got = records(pdf);
    assert_eq!(got["tables"].as_array().unwrap().len(), 12);
    if let Some(m) = differs(pdf, &got, &records("tests/data/pdf/print-form.xlsx")) {
        panic!("{m}");
    }
}

/// A PDF whose streams are not compressed (no `/Filter`: some generators
/// write them so, and `qpdf --stream-data=uncompress`) reads as the
/// compressed one. Before, lopdf's `filters()`, an error when `/Filter` is
/// missing, made every such content stream look damaged: blank pages,
/// `no_tables`.
#[test]
fn an_uncompressed_pdf_reads_as_the_compressed_one() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["word-seed-merged", "split-table"] {
        let pdf = format!("{DATA}/{name}.pdf");
        let mut doc = lopdf::Document::load(&pdf).unwrap();
        doc.decompress();
        let plain = dir.path().join(format!("{name}.pdf"));
        doc.save(&plain).unwrap();
        let bytes = std::fs::read(&plain).unwrap();
        assert!(
            !bytes.windows(12).any(|w| w == b"/FlateDecode"),
            "{name} still compressed"
        );
        assert_eq!(records(plain.to_str().unwrap()), records(&pdf), "{name}");
    }
}

/// Object streams (PDF 1.5: many objects compressed in one stream, as
/// Acrobat and qpdf write them) are read. Before, lopdf kept what the
/// object filter returned for the objects inside them, which was `Null`:
/// the page tree and fonts were lost and the file read as `no_tables`.
#[test]
fn object_streams_are_read() {
    let pdf = format!("{DATA}/objstm.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.windows(7).any(|w| w == b"/ObjStm"));
    assert_eq!(records(&pdf), records(&format!("{DATA}/split-table.pdf")));
}

/// A PDF encrypted with an owner password only (the empty user password:
/// anyone may open it; published disclosures are often so) is decrypted
/// and read, with each standard algorithm (RC4 40 and 128 bits, AES 128
/// and 256, object streams decrypted before they are inflated); a real user
/// password is `encrypted`. Made by tests/data/pdf/make-qpdf-cases.sh.
/// Before, every encrypted PDF was `encrypted`.
#[test]
fn an_owner_password_only_is_decrypted_and_read() {
    for (pdf, source) in [
        ("encrypted-owner-rc4-40", "split-table"),
        ("encrypted-owner-rc4-128", "split-table"),
        ("encrypted-owner-aes-128", "split-table"),
        ("encrypted-owner-aes-256-objstm", "word-seed-merged"),
    ] {
        let (pdf, source) = (format!("{DATA}/{pdf}.pdf"), format!("{DATA}/{source}.pdf"));
        assert!(std::fs::read(&pdf)
            .unwrap()
            .windows(9)
            .any(|w| w == b"/Encrypt "));
        assert_eq!(records(&pdf), records(&source), "{pdf}");
    }
    let e = error("tests/data/pdf/encrypted-user-password.pdf");
    assert_eq!(e.kind, ErrorKind::Encrypted, "{e}");
}

/// zlib of `n` zero bytes after `head`.
fn deflated(head: &[u8], n: usize) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(head).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..n >> 20 {
        z.write_all(&zeros).unwrap();
    }
    z.finish().unwrap()
}

/// A one-page PDF whose cross-reference is a stream (`xref`: its dict
/// entries besides /Type, /Size, /W, /Root, /Length; `xref_data`: its raw
/// data) and whose page's content stream is `content` (raw, with `dict`).
fn pdf_with_streams(
    content_dict: &str,
    content: &[u8],
    xref: &str,
    xref_data: impl Fn(&[u32]) -> Vec<u8>,
) -> Vec<u8> {
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut at = Vec::new();
    let objects: [Vec<u8>; 4] = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_vec(),
        [
            format!("<< {content_dict} /Length {} >>\nstream\n", content.len()).as_bytes(),
            content,
            b"\nendstream",
        ]
        .concat(),
    ];
    for (i, o) in objects.iter().enumerate() {
        at.push(out.len() as u32);
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    at.push(out.len() as u32);
    let data = xref_data(&at);
    out.extend_from_slice(
        format!(
            "5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 1] /Root 1 0 R {xref} /Length {} >>\nstream\n",
            data.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&data);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{}\n%%EOF\n", at[4]).as_bytes());
    out
}

/// The cross-reference entries of [`pdf_with_streams`]' five objects.
fn xref_entries(at: &[u32]) -> Vec<u8> {
    let mut e = vec![0u8, 0, 0, 0, 0, 255];
    for o in at {
        e.push(1);
        e.extend_from_slice(&o.to_be_bytes());
        e.push(0);
    }
    e
}

/// Decompression bombs where lopdf would inflate without a bound: a
/// cross-reference stream (inflated by lopdf while it reads the trailer,
/// before any object filter) and a content stream with a predictor (handed
/// to lopdf whole) each hit `--limit max_entry_bytes`, and reading never
/// holds much more than the limit. Before: the 64 MB cross-reference stream
/// was inflated and the file read (`no_tables`); the predictor stream was
/// inflated whole (a 64 MB peak) before its size was checked.
#[test]
fn stream_bombs_hit_the_limit() {
    let limits = Limits {
        max_entry_bytes: 4 << 20,
        ..Limits::default()
    };
    let plain = b"0 0 m 100 0 l S".to_vec();
    let ok = pdf_with_streams("", &plain, "/Filter /FlateDecode", |at| {
        deflated(&xref_entries(at), 0)
    });
    assert_eq!(
        jixiao::read::read(&ok, &limits).unwrap_err().kind,
        ErrorKind::NoTables,
        "the well-formed file reads"
    );
    let xref_bomb = pdf_with_streams("", &plain, "/Filter /FlateDecode", |at| {
        deflated(&xref_entries(at), 64 << 20)
    });
    let predictor_bomb = pdf_with_streams(
        "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>",
        &deflated(b"", 64 << 20),
        "/Filter /FlateDecode",
        |at| deflated(&xref_entries(at), 0),
    );
    for (what, pdf) in [("xref stream", xref_bomb), ("predictor", predictor_bomb)] {
        let start = crate::hostile::heap::live();
        crate::hostile::heap::reset();
        let e = jixiao::read::read(&pdf, &limits).unwrap_err();
        let peak = crate::hostile::heap::peak_since(start);
        assert_eq!(e.kind, ErrorKind::TooLarge, "{what}: {e}");
        assert!(e.message.contains("max_entry_bytes"), "{what}: {e}");
        assert!(peak < 24 << 20, "{what}: {peak} bytes held");
    }
}

/// Turned pages read as the page they were turned from: a LibreOffice PDF
/// given `/Rotate 90` (a viewer shows it sideways; its content is as it
/// was), and pages whose content is drawn turned by 90°, 180° and 270°
/// (`qpdf --flatten-rotation`), shown upright again by `/Rotate` or left
/// sideways. The reader turns a page so that most of its text runs left
/// to right. Made by tests/data/pdf/make-qpdf-cases.sh. Before, the
/// turned contents gave `no_tables` (90°, 270°) or two broken tables (180°).
#[test]
fn turned_pages_read_as_upright() {
    for (pdf, source) in [
        ("rotate-90-word-seed-merged", "word-seed-merged"),
        (
            "turned-270-shown-upright-word-seed-merged",
            "word-seed-merged",
        ),
        ("turned-90-split-table", "split-table"),
        ("turned-180-shown-upright-split-table", "split-table"),
    ] {
        let (pdf, source) = (format!("{DATA}/{pdf}.pdf"), format!("{DATA}/{source}.pdf"));
        assert_eq!(records(&pdf), records(&source), "{pdf}");
    }
}

/// A one-page PDF showing `shown` (a PDF string) with a Type3 font whose
/// encoding names glyphs for codes 1-3 only; `to_unicode` maps them.
fn type3_pdf(shown: &str, to_unicode: bool) -> Vec<u8> {
    let content = format!("BT /T3 12 Tf 100 700 Td {shown} Tj ET");
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap \
                1 begincodespacerange <00> <FF> endcodespacerange \
                3 beginbfchar <01> <7EE9> <02> <6548> <03> <76EE> endbfchar \
                endcmap CMapName currentdict /CMap defineresource pop end end";
    let unicode = if to_unicode { "/ToUnicode 6 0 R" } else { "" };
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842] >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /T3 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        format!(
            "<< /Type /Font /Subtype /Type3 /Name /Stamps /FontBBox [0 0 1000 1000] \
             /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /g1 7 0 R /g2 7 0 R /g3 7 0 R >> \
             /Encoding << /Type /Encoding /Differences [1 /g1 /g2 /g3] >> /FirstChar 1 \
             /LastChar 3 /Widths [1000 1000 1000] /Resources << >> {unicode} >>"
        ),
        format!("<< /Length {} >>\nstream\n{cmap}\nendstream", cmap.len()),
        "<< /Length 30 >>\nstream\n1000 0 0 0 1000 1000 d1 0 0 m\nendstream".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut at = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        at.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", at.len() + 1).as_bytes());
    for o in &at {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            at.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Text from a Type3 font without a ToUnicode map is the glyph-only error,
/// naming the font, never text: its codes follow no standard encoding (here
/// 'A'-'C' are shown, which the font has no procedures for, and its glyphs
/// are named g1-g3). With a ToUnicode map the text is read (the page
/// holds no ruled table: `no_tables`, no font error). Before, the
/// codes went through Latin-1 as for other simple fonts: "ABC" read as
/// text (`no_tables`, no error).
#[test]
fn a_type3_font_without_unicode_map_is_glyphs_only() {
    let e = jixiao::read::read(&type3_pdf("(ABC)", false), &Limits::default())
        .map(|d| d.blocks)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "{e}");
    assert!(e.message.contains("Stamps (Type3)"), "{}", e.message);
    assert!(e.message.contains("no Unicode map"), "{}", e.message);
    // Mapped, the text is read: the page has no ruled table, and that is
    // all that is said.
    let e = jixiao::read::read(&type3_pdf("<010203>", true), &Limits::default())
        .map(|d| d.blocks)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoTables, "{e}");
}

#[test]
fn a_table_over_two_pages_is_one_grid_with_its_merge_continued() {
    assert_eq!(
        rendered("tests/data/pdf/split-table.pdf"),
        "¶ 说明：本表跨页。
¶ 项目支出绩效目标表
▦ pages 1-2 table 1
  page 1 row 1 | 一级指标 | 二级指标 | 三级指标 | 指标值 |
  page 1 row 2 | 产出指标 [5×1] | 数量指标 | 培训人次 | ≥500人次 |
  page 1 row 3 | ^(2,1) | 质量指标 | 合格率 | ≥95% |
  page 1 row 4 | ^(2,1) | 时效指标 | 完成时间 | 2024年12月 |
  page 2 row 2 | ^(2,1) | 成本指标 [2×1] | 人均成本 | ≤200元 |
  page 2 row 3 | ^(2,1) | ^(5,2) | 总成本 | ≤10万元 |
  page 2 row 4 | 效益指标 | 社会效益指标 | 满意度 | ≥90% |
"
    );
    let doc = read("tests/data/pdf/split-table.pdf").unwrap();
    let Block::Table(g) = &doc.blocks[2] else {
        panic!("not a table")
    };
    // The page numbers in the footers are gone, as a Word reader never sees
    // them.
    assert_eq!(doc.blocks.len(), 3);
    // Rows are named where a clerk finds them: page 2's repeated header is
    // its row 1, so the first continued row is page 2 row 2.
    assert_eq!(g.row_locator(3), "page 1 row 4");
    assert_eq!(g.row_locator(4), "page 2 row 2");
}

#[test]
fn touching_tables_split_where_their_columns_change() {
    assert_eq!(
        rendered("tests/data/pdf/touching.pdf"),
        "▦ page 1 table 1
  page 1 row 1 | 项目名称 | 甲项目 | 主管部门 | 某局 |
  page 1 row 2 | 资金 | 100 | 其中 | 80 |
  page 1 row 3 | 年度目标 | 完成 |  [2×2] | ^(3,3) |
  page 1 row 4 | 备注 | 无 | ^(3,3) | ^(3,3) |
▦ page 1 table 2
  page 1 row 1 | 指标 | 数值 |
  page 1 row 2 | 合格率 | ≥95% |
"
    );
}

fn error(file: &str) -> jixiao::error::Error {
    read(file).map(|d| d.blocks).unwrap_err()
}

#[test]
fn the_limits_of_a_pdf_are_said_plainly() {
    let e = error("tests/data/pdf/unruled.pdf");
    assert_eq!(e.kind, ErrorKind::NoTables);
    assert!(
        e.message.starts_with("PDF 中没有带框线的表格"),
        "{}",
        e.message
    );
    assert!(e.message.contains("no ruled table"), "{}", e.message);

    let e = error("tests/data/pdf/scan.pdf");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("第 1 页是扫描图像"), "{}", e.message);
    assert!(e.message.contains("OCR"), "{}", e.message);

    let e = error("tests/data/pdf/glyph-only.pdf");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("GlyphOnlySans"), "{}", e.message);
    assert!(e.message.contains("no Unicode map"), "{}", e.message);

    assert_eq!(
        error("tests/data/pdf/encrypted.pdf").kind,
        ErrorKind::Encrypted
    );
}

#[test]
fn pdf_sizes_are_bounded() {
    let bytes = std::fs::read("tests/data/pdf/split-table.pdf").unwrap();
    let limits = Limits {
        max_pdf_pages: 1,
        ..Limits::default()
    };
    let e = jixiao::read::read(&bytes, &limits).unwrap_err();
    assert_eq!(e.kind, ErrorKind::TooLarge);
    assert!(e.message.contains("max_pdf_pages=1"), "{}", e.message);
    let limits = Limits {
        max_pdf_operators: 50,
        ..Limits::default()
    };
    let e = jixiao::read::read(&bytes, &limits).unwrap_err();
    assert!(e.message.contains("max_pdf_operators=50"), "{}", e.message);
    let limits = Limits {
        max_entry_bytes: 100,
        ..Limits::default()
    };
    let e = jixiao::read::read(&bytes, &limits).unwrap_err();
    assert!(e.message.contains("max_entry_bytes=100"), "{}", e.message);
}

#[test]
fn damaged_pdfs_give_errors_not_panics() {
    for name in [
        "tests/data/pdf/word-seed-merged.pdf",
        "tests/data/pdf/split-table.pdf",
    ] {
        let good = std::fs::read(name).unwrap();
        for at in (0..good.len()).step_by(good.len() / 100 + 1) {
            for value in [0x00, 0xFF, b'0', b' '] {
                let mut bad = good.clone();
                bad[at] = value;
                let _ = jixiao::read::read(&bad, &Limits::default());
            }
        }
        for len in (0..good.len()).step_by(good.len() / 50 + 1) {
            let _ = jixiao::read::read(&good[..len], &Limits::default());
        }
    }
}
