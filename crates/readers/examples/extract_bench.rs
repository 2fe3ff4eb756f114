//! Extracts articles from HTML pages for the extraction benchmark
//! (`benches/extraction/bench.py`).
//!
//! Reads a manifest (one page per line: `id<TAB>path[<TAB>url]`) named on
//! the command line, runs [`read_html`] on each page and prints one JSON line
//! per page: the body text (the document text without its title line), the
//! metadata, and the seconds `read_html` took (file reading not included).
//!
//! ```text
//! cargo run --release -p unspin-readers --example extract_bench -- pages.tsv > out.jsonl
//! ```

use std::io::{BufWriter, Write};
use std::time::Instant;

use unspin_document::layers;
use unspin_readers::{read_html, HtmlOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = std::env::args()
        .nth(1)
        .ok_or("usage: extract_bench MANIFEST.tsv")?;
    let list = std::fs::read_to_string(&manifest)?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut total = 0.0;
    let mut pages = 0usize;
    for line in list.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.split('\t');
        let (Some(id), Some(path)) = (fields.next(), fields.next()) else {
            continue;
        };
        let url = fields.next().filter(|u| !u.is_empty());
        let bytes = std::fs::read(path)?;
        let mut options = HtmlOptions::default();
        options.url = url.map(str::to_string);
        let start = Instant::now();
        let result = read_html(id, &bytes, &options);
        let secs = start.elapsed().as_secs_f64();
        total += secs;
        pages += 1;
        let record = match result {
            Ok(doc) => {
                let body_start = doc
                    .layer(layers::TITLE)
                    .first()
                    .filter(|s| s.start() == 0)
                    .map_or(0, |s| s.end());
                let body = doc.text().get(body_start..).unwrap_or("").trim_start();
                let m = &doc.metadata;
                serde_json::json!({
                    "id": id, "text": body, "title": m.title, "authors": m.authors, "published": m.published,
                    "site_name": m.site_name, "language": m.language, "original_source": m.original_source,
                    "canonical_url": m.canonical_url, "secs": secs,
                })
            }
            Err(e) => {
                serde_json::json!({ "id": id, "text": "", "error": e.to_string(), "secs": secs })
            }
        };
        writeln!(out, "{record}")?;
    }
    out.flush()?;
    eprintln!(
        "{pages} pages in {total:.3} s of read_html ({:.1} pages/s)",
        pages as f64 / total.max(1e-9)
    );
    Ok(())
}
