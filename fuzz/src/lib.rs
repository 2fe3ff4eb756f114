//! Fuzz target bodies for the unspin readers, the whole analysis and the
//! HTTP API, shared by the libFuzzer targets (`fuzz_targets/`) and the stable
//! `smoke` loop.
//!
//! Each reader body feeds arbitrary bytes to a reader and checks what it
//! returns: no panic (the fuzzer's own oracle), every span inside the text on
//! character boundaries, and every alignment piece inside both the text and
//! the source. The `analyze` body runs the whole pipeline of `unspin analyze
//! --tier fast` (sentences, the fast technique tier, sourcing) on what the
//! readers make of the bytes and writes the result in every output format.
//! The `http` body sends the bytes, as one HTTP request, to the router of
//! `unspin serve` in-process and checks the status and the error shape.
//! A violated invariant panics, which the fuzzer reports as a crash; an
//! input that once did belongs in `fuzz/regressions/<target>/`, which the
//! tests replay (`cargo test --manifest-path fuzz/Cargo.toml
//! --no-default-features --features http --lib`).
#![deny(missing_docs)]

use std::sync::OnceLock;

use unspin_analysis::{render, AnalysisOptions, Analyzer, OutputFormat, Tier};
use unspin_document::Document;
use unspin_readers::{
    read_html, read_markdown, read_markdown_bytes, read_text, HtmlOptions, IngestOptions,
    ReadOptions, WarcDocuments,
};

/// The size limit the targets read with (small, so that the limit paths run).
const LIMIT: u64 = 64 * 1024;

/// Checks the invariants of a document read from `source` (`exact`: the
/// alignment's pieces must copy the source byte for byte).
///
/// # Panics
/// When an invariant does not hold.
pub fn check(doc: &Document, source: Option<&[u8]>, exact: bool) {
    let text = doc.text();
    for (name, spans) in doc.layers() {
        for s in spans {
            assert!(s.start() <= s.end(), "{name}: reversed span");
            assert!(
                text.get(s.start()..s.end()).is_some(),
                "{name}: span {}..{} outside the text",
                s.start(),
                s.end()
            );
        }
    }
    if let (Some(alignment), Some(source)) = (&doc.alignment, source) {
        let mut last_end = 0;
        for p in alignment.pieces() {
            assert!(p.text_start >= last_end, "pieces out of order");
            last_end = p.text_start + p.len;
            let t = text
                .as_bytes()
                .get(p.text_start..p.text_start + p.len)
                .expect("piece inside the text");
            if exact {
                let s = source
                    .get(p.source_start..p.source_start + p.len)
                    .expect("piece inside the source");
                assert_eq!(t, s, "piece {p:?} does not copy the source");
            }
        }
    }
}

/// The Markdown target: `read_markdown` on valid UTF-8 (exact alignment),
/// `read_markdown_bytes` (strict and lossy) on anything.
pub fn markdown(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data) {
        let doc = read_markdown("fuzz", s);
        check(&doc, Some(data), true);
    }
    for lossy in [false, true] {
        let options = ReadOptions {
            lossy_utf8: lossy,
            max_bytes: LIMIT,
            ..ReadOptions::default()
        };
        if let Ok(doc) = read_markdown_bytes("fuzz", "<fuzz>", data, &options) {
            check(&doc, Some(data), !lossy);
        }
    }
}

/// The HTML target: `read_html` on anything (its alignment indexes the
/// decoded source, so only the bounds are checked).
pub fn html(data: &[u8]) {
    if let Ok(doc) = read_html("fuzz", data, &HtmlOptions::default()) {
        check(&doc, None, false);
    }
}

/// The WARC target: the bytes as a WARC stream, and (when they are gzip) as
/// a compressed one; at most 64 records.
pub fn warc(data: &[u8]) {
    let options = IngestOptions::with_read(ReadOptions {
        max_bytes: LIMIT,
        ..ReadOptions::default()
    });
    for doc in WarcDocuments::new("<fuzz>", data, false, options.clone())
        .take(64)
        .flatten()
    {
        check(&doc, None, false);
    }
    if data.starts_with(&[0x1f, 0x8b]) {
        // Member by member, as `.warc.gz` files are read (damage skipped to
        // the next member).
        for doc in WarcDocuments::gzip_members("<fuzz>", data, options)
            .take(64)
            .flatten()
        {
            check(&doc, None, false);
        }
    }
}

/// The largest input the `analyze` target analyses (longer ones are cut):
/// enough for several paragraphs, quotes and lists, small enough to try many.
const ANALYZE_LIMIT: usize = 16 * 1024;

/// The fast tier with sourcing, loaded once per process.
fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| {
        let options = AnalysisOptions {
            tier: Some(Tier::Fast),
            sourcing: true,
            // Every stage runs on every input: without it, most mutated
            // inputs would be judged garbled or not English and skip the
            // technique and sourcing stages (the judging still runs).
            force_english: true,
            ..AnalysisOptions::default()
        };
        Analyzer::new(&options).expect("the embedded fast tier loads")
    })
}

/// The whole-analysis target: the bytes (at most 16 KiB, invalid UTF-8
/// replaced) read as Markdown and as plain text, each analysed as by
/// `unspin analyze --tier fast` and written in every output format. The
/// analysis must not fail, must not change the text, and every span of every
/// layer must lie inside the text on character boundaries.
pub fn analyze(data: &[u8]) {
    let data = &data[..data.len().min(ANALYZE_LIMIT)];
    let text = String::from_utf8_lossy(data);
    let analyzer = analyzer();
    for mut doc in [
        read_markdown("fuzz", &text),
        read_text("fuzz", text.as_ref()),
    ] {
        let before = doc.text().to_string();
        if let Err(e) = analyzer.analyze(&mut doc) {
            panic!("the analysis failed: {e:?}");
        }
        assert_eq!(doc.text(), before, "a stage changed the text");
        check(&doc, None, false);
        for format in OutputFormat::ALL {
            if let Err(e) = render(&doc, format) {
                panic!("cannot write {format}: {e:?}");
            }
        }
    }
}

#[cfg(feature = "http")]
mod http;
#[cfg(feature = "http")]
pub use http::{http, http_status};

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Inputs the fuzzers found, replayed: each must hold the invariants.
    #[test]
    fn regressions() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
        for target in ["html", "markdown", "warc", "analyze", "http"] {
            let Ok(entries) = std::fs::read_dir(dir.join(target)) else {
                continue;
            };
            for entry in entries.flatten() {
                let data = std::fs::read(entry.path()).expect("a regression input");
                match target {
                    "html" => super::html(&data),
                    "markdown" => super::markdown(&data),
                    "warc" => super::warc(&data),
                    "analyze" => super::analyze(&data),
                    #[cfg(feature = "http")]
                    "http" => super::http(&data),
                    _ => eprintln!("skipped {}: no http feature", entry.path().display()),
                }
            }
        }
    }
}
