//! The HTML reader on a sample of real pages from `../shared/data/extraction`
//! (skipped with a visible `SKIP` when the shared data is absent): every page
//! reads without error into sane text, the layers fit the text, and every
//! alignment piece maps to identical bytes of the decoded source.

use std::io::Read;
use std::path::{Path, PathBuf};

use unspin_document::{layers, Document};
use unspin_readers::{decode_html, read_html, HtmlOptions};
use unspin_testkit::TestResult;

fn gunzip(path: &Path) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path)?).read_to_end(&mut out)?;
    Ok(out)
}

/// Every `step`-th `*.gz` file under `dir` whose name passes `keep`, sorted.
fn sample(dir: &Path, step: usize, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "gz")
                && p.file_name().and_then(|n| n.to_str()).is_some_and(&keep)
            {
                files.push(p);
            }
        }
    }
    files.sort();
    files.into_iter().step_by(step.max(1)).collect()
}

fn check(doc: &Document, source: &str, path: &Path) {
    let text = doc.text();
    assert!(!text.trim().is_empty(), "{}: empty text", path.display());
    // Markup in the text only where the page shows escaped markup (code).
    let markup = text.contains("<script") || text.contains("</p>");
    assert!(
        !markup || source.contains("&lt;"),
        "{}: markup in the text",
        path.display()
    );
    assert!(
        !text.contains("\n\n\n"),
        "{}: more than one blank line",
        path.display()
    );
    for (name, spans) in doc.layers() {
        for s in spans {
            assert!(
                s.end() <= text.len(),
                "{}: {name} span past the text",
                path.display()
            );
        }
    }
    for link in doc.layer(layers::LINK) {
        assert!(
            link.attrs.contains_key("href"),
            "{}: link without href",
            path.display()
        );
    }
    let align = doc
        .alignment
        .as_ref()
        .expect("the HTML reader always aligns");
    assert!(
        !align.pieces().is_empty(),
        "{}: nothing aligned",
        path.display()
    );
    for p in align.pieces() {
        assert_eq!(
            text.get(p.text_start..p.text_start + p.len),
            source.get(p.source_start..p.source_start + p.len),
            "{}: piece {p:?}",
            path.display()
        );
    }
}

fn run(dir: &str, step: usize, keep: impl Fn(&str) -> bool, min_pages: usize) -> TestResult {
    let Some(root) = unspin_testkit::shared_dir(dir) else {
        return Ok(());
    };
    let files = sample(&root, step, keep);
    assert!(
        files.len() >= min_pages,
        "only {} pages under {}",
        files.len(),
        root.display()
    );
    let mut read = 0;
    for path in &files {
        let bytes = gunzip(path)?;
        let doc = read_html("page", &bytes, &HtmlOptions::default())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        check(&doc, &decode_html(&bytes, None).text, path);
        read += 1;
    }
    assert_eq!(read, files.len());
    Ok(())
}

#[test]
fn fundus_news_pages() -> TestResult {
    run(
        "data/extraction/fundus-parser-testdata/tests/resources/parser/test_data",
        8,
        |n| n.ends_with(".html.gz"),
        20,
    )
}

#[test]
fn readability_test_pages() -> TestResult {
    run(
        "data/extraction/mozilla-readability-test-pages/test/test-pages",
        4,
        |n| n == "source.html.gz",
        20,
    )
}

#[test]
fn trafilatura_eval_pages_with_legacy_charsets() -> TestResult {
    // Every 25th page, plus all pages that are not valid UTF-8.
    let Some(root) = unspin_testkit::shared_dir("data/extraction/trafilatura-eval/tests/eval")
    else {
        return Ok(());
    };
    let mut legacy = 0;
    for (i, path) in sample(&root, 1, |_| true).into_iter().enumerate() {
        let bytes = gunzip(&path)?;
        let utf8 = std::str::from_utf8(&bytes).is_ok();
        if utf8 && i % 25 != 0 {
            continue;
        }
        legacy += usize::from(!utf8);
        match read_html("page", &bytes, &HtmlOptions::default()) {
            Ok(doc) => check(&doc, &decode_html(&bytes, None).text, &path),
            // A page may legitimately have no text (a JavaScript shell), but
            // that must be the typed error, never a panic.
            Err(unspin_readers::ReadError::NoArticleText { .. }) => {}
            Err(e) => return Err(format!("{}: {e}", path.display()).into()),
        }
    }
    assert!(
        legacy >= 10,
        "expected legacy-charset pages, found {legacy}"
    );
    Ok(())
}
