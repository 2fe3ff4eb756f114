//! A large generated news corpus for benchmarks: the 400 unlabelled news
//! articles of `../shared/data/unlabeled-news`, repeated with a variant line
//! and given made-up outlets, authors and dates.
//!
//! [`generate`] writes it as JSON Lines (one article a line, the fields
//! `unspin corpus add` reads from JSON Lines: `id`, `text`, `url`,
//! `site_name`, `authors`, `published`). The output depends only on the
//! input folder and the article count, so two runs give the same file:
//!
//! - article `i` is base article `i % 400` (in file-name order) with the line
//!   `Edition {i / 400} of this report, from desk {i % 97}.` appended, so
//!   each base article has `n / 400` near-copies;
//! - its outlet is `Outlet {outlet_of(i)}`, with sizes falling roughly as
//!   1/k: a few large outlets, many small ones (39 in practice: the draw
//!   stays below [`OUTLETS`] − 1);
//! - its author is one of 500 (`Writer {i % 500}`), its date a day of
//!   2015–2020.
//!
//! ```no_run
//! let news = unspin_testkit::shared_dir("data/unlabeled-news").unwrap();
//! let out = std::env::temp_dir().join("corpus.jsonl");
//! let bytes = unspin_testkit::generate(&news, 100_000, &out).unwrap();
//! assert!(bytes > 0);
//! ```

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The number of made-up outlets of a generated corpus.
pub const OUTLETS: usize = 40;

/// Writes `n` generated articles from the `.txt` files of `news` to `out` as
/// JSON Lines, and returns the bytes of article text written (see the
/// module docs for what the articles are).
///
/// # Errors
/// When `news` cannot be listed or holds no readable `.txt` file, or `out`
/// cannot be written.
pub fn generate(news: &Path, n: usize, out: &Path) -> io::Result<usize> {
    let mut files: Vec<PathBuf> = fs::read_dir(news)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| fs::read_to_string(p).ok())
        .collect();
    if texts.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no readable .txt article in {}", news.display()),
        ));
    }
    let mut w = BufWriter::new(fs::File::create(out)?);
    let mut bytes = 0;
    for i in 0..n {
        let base = &texts[i % texts.len()];
        let variant = i / texts.len();
        let outlet = outlet_of(i);
        let day = (i * 37 + variant * 11) % 2190;
        let (year, rest) = (2015 + day / 365, day % 365);
        let (month, dom) = (1 + rest / 31 % 12, 1 + rest % 28);
        let text = format!(
            "{base}\n\nEdition {variant} of this report, from desk {}.",
            i % 97
        );
        bytes += text.len();
        let line = serde_json::json!({
            "id": format!("a{i}"),
            "text": text,
            "url": format!("https://outlet{outlet}.example/{year}/{i}"),
            "site_name": format!("Outlet {outlet}"),
            "authors": [format!("Writer {}", i % 500)],
            "published": format!("{year}-{month:02}-{dom:02}"),
        });
        writeln!(w, "{line}")?;
    }
    w.flush()?;
    Ok(bytes)
}

/// The outlet number (`0..OUTLETS`) of generated article `i`: sizes follow
/// roughly 1/k, so `Outlet 0` is the largest.
pub fn outlet_of(i: usize) -> usize {
    let u = ((i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 11) as f64 / (1u64 << 53) as f64;
    ((OUTLETS as f64).powf(u) as usize).min(OUTLETS) - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_articles_are_deterministic_and_spread_over_outlets() {
        let Some(news) = crate::shared_dir("data/unlabeled-news") else {
            return;
        };
        let dir = std::env::temp_dir().join(format!("unspin-generate-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let (a, b) = (dir.join("a.jsonl"), dir.join("b.jsonl"));
        let bytes = generate(&news, 2000, &a).unwrap();
        generate(&news, 2000, &b).unwrap();
        let text = fs::read_to_string(&a).unwrap();
        assert_eq!(text, fs::read_to_string(&b).unwrap(), "deterministic");
        let mut sizes = [0usize; OUTLETS];
        let mut total = 0;
        for (i, line) in text.lines().enumerate() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(v["id"], format!("a{i}"));
            assert_eq!(v["site_name"], format!("Outlet {}", outlet_of(i)));
            total += v["text"].as_str().unwrap().len();
            sizes[outlet_of(i)] += 1;
        }
        assert_eq!((text.lines().count(), total), (2000, bytes));
        assert!(sizes[0] > 10 * sizes[30].max(1), "1/k sizes: {sizes:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
