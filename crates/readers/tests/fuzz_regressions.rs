//! Inputs on which a fuzzer once made a reader panic (`.ci/fuzz.sh`). Each
//! file in `tests/data/fuzz-regressions/` is read by the reader its name
//! starts with; reading may fail, but must not panic, and what it returns
//! must keep its invariants (spans and alignment inside the text).

use std::path::Path;

use unspin_document::Document;
use unspin_readers::{read_html, read_markdown_bytes, HtmlOptions};

fn check(doc: &Document) {
    let len = doc.text().len();
    for spans in doc.layers().values() {
        for s in spans {
            assert!(
                s.end() <= len
                    && doc.text().is_char_boundary(s.start())
                    && doc.text().is_char_boundary(s.end())
            );
        }
    }
    if let Some(a) = &doc.alignment {
        for p in a.pieces() {
            assert!(p.text_start + p.len <= len);
        }
    }
}

#[test]
fn fuzz_regressions_do_not_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("the regression folder exists") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let bytes = std::fs::read(&path).expect("a regression input reads");
        if name.starts_with("html") {
            if let Ok(doc) = read_html("fuzz", &bytes, &HtmlOptions::default()) {
                check(&doc);
            }
        } else if name.starts_with("markdown") {
            if let Ok(doc) = read_markdown_bytes("fuzz", &path, &bytes, &Default::default()) {
                check(&doc);
            }
        } else {
            continue;
        }
        seen += 1;
    }
    assert!(seen > 0, "no regression inputs in {}", dir.display());
}
