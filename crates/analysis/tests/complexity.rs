//! Complexity suite (issue 19, "linear time everywhere"): for each family of
//! adversarial inputs, the reader (text, Markdown or HTML), the fast tier
//! with sourcing and the JSON writer must take at most 2.5 times as long on
//! an input twice as large.
//!
//! Only ratios measured in one run are compared, never absolute times: each
//! size is analysed once to warm up, then three times interleaved with the
//! other size, and the minimum of each is kept. The tests take a shared lock
//! so that they do not time each other. Sizes are small so that the whole
//! file runs in a few seconds in the test profile; the same families at
//! bigger sizes are a benchmark (`UNSPIN_COMPLEXITY_SCALE=8` multiplies `n`).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use unspin_analysis::{render, AnalysisOptions, Analyzer, OutputFormat, Tier};

/// Largest allowed `time(2n) / time(n)`: linear and n·log n steps (the
/// sorts) measure 1.8–2.3× at these small sizes, and a loaded machine adds
/// a little; n^1.5 gives 2.8× and quadratic 4×, which never pass.
const MAX_RATIO: f64 = 2.5;

/// Serialises the timed sections of the tests (they run on parallel threads).
static TIMING: Mutex<()> = Mutex::new(());

fn analyzer() -> Analyzer {
    Analyzer::new(&AnalysisOptions {
        tier: Some(Tier::Fast),
        // Every family runs every stage: without it, punctuation-only and
        // mixed-script texts would be judged garbled or not English and
        // skip the stages whose time this suite bounds.
        force_english: true,
        ..AnalysisOptions::default()
    })
    .expect("the fast tier loads")
}

/// How a family's input is read.
#[derive(Clone, Copy)]
enum Read {
    Text,
    Markdown,
    Html,
}

/// Reads, analyses and renders `input` once; the elapsed time.
fn run_once(analyzer: &Analyzer, input: &str, read: Read) -> Duration {
    let start = Instant::now();
    let mut doc = match read {
        // As `unspin analyze --input text` reads it (title, paragraphs).
        Read::Text => unspin_readers::read_text("complexity", input),
        Read::Markdown => unspin_readers::read_markdown("complexity", input),
        Read::Html => unspin_readers::read_html(
            "complexity",
            input.as_bytes(),
            &unspin_readers::HtmlOptions::default(),
        )
        .expect("the HTML has article text"),
    };
    analyzer.analyze(&mut doc).expect("analysis");
    let json = render(&doc, OutputFormat::Json).expect("render");
    std::hint::black_box(json);
    start.elapsed()
}

fn scale() -> usize {
    std::env::var("UNSPIN_COMPLEXITY_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1)
}

/// Asserts that the family built by `build` grows at most linearly between
/// `n` and `2n`, analysed as plain text.
fn assert_linear(family: &str, n: usize, build: impl Fn(usize) -> String) {
    assert_linear_read(family, n, Read::Text, build)
}

/// [`assert_linear`] with the input read as `read` says.
fn assert_linear_read(family: &str, n: usize, read: Read, build: impl Fn(usize) -> String) {
    let n = n * scale();
    let analyzer = analyzer();
    let small = build(n);
    let large = build(2 * n);
    let _guard = TIMING.lock().unwrap_or_else(|e| e.into_inner());
    run_once(&analyzer, &small, read);
    run_once(&analyzer, &large, read);
    // The fastest of 3 interleaved runs each; on a busy machine a burst of
    // other work can still slow one size down, so up to 4 more rounds are
    // taken (keeping the fastest times) before a ratio above the bound
    // counts. Quadratic growth (4x) does not pass by chance.
    let mut t_small = Duration::MAX;
    let mut t_large = Duration::MAX;
    let mut ratio = f64::INFINITY;
    for _round in 0..5 {
        for _ in 0..3 {
            t_small = t_small.min(run_once(&analyzer, &small, read));
            t_large = t_large.min(run_once(&analyzer, &large, read));
        }
        ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-9);
        if ratio <= MAX_RATIO {
            break;
        }
    }
    eprintln!(
        "{family}: n = {n} ({} bytes) {:?}, 2n ({} bytes) {:?}, ratio {ratio:.2}",
        small.len(),
        t_small,
        large.len(),
        t_large
    );
    assert!(
        ratio <= MAX_RATIO,
        "{family}: time grows {ratio:.2}x from n = {n} to 2n (at most {MAX_RATIO}x allowed): \
         {t_small:?} -> {t_large:?}"
    );
}

#[test]
fn repeated_short_lines() {
    assert_linear("repeated short lines", 800, |n| {
        format!("{}\n", "Lies! Lies! Lies! ".repeat(3)).repeat(n)
    });
}

#[test]
fn one_long_line_without_spaces() {
    assert_linear("one long line without spaces", 40_000, |n| {
        "Unspinwithoutspaces".repeat(n / 4)
    });
}

#[test]
fn many_one_word_paragraphs() {
    assert_linear("one-word paragraphs", 6_000, |n| "Lies\n\n".repeat(n));
}

#[test]
fn balanced_quotation_marks() {
    assert_linear("balanced quotes", 600, |n| {
        "\"Lies,\" he said. \u{201c}Lies!\u{201d} she said, \"all lies.\" ".repeat(n)
    });
}

#[test]
fn unbalanced_quotation_marks() {
    assert_linear("unbalanced quotes", 1_000, |n| {
        "\u{201c}Lies, \"he said \u{201c}lies ".repeat(n)
    });
}

#[test]
fn many_links() {
    assert_linear("Markdown links", 1_000, |n| {
        (0..n)
            .map(|i| format!("[x](http://example.com/a/{i}) "))
            .collect()
    });
}

#[test]
fn only_punctuation() {
    assert_linear("only punctuation", 4_000, |n| {
        "!?.,;:-\"'()[]\u{201c}\u{201d}…".repeat(n / 2)
    });
}

#[test]
fn mixed_scripts_and_rtl_marks() {
    assert_linear("mixed scripts and RTL marks", 600, |n| {
        "Lies \u{202b}\u{643}\u{630}\u{628}\u{202c} \u{200f}\u{5e9}\u{5e7}\u{5e8} \
         \u{41b}\u{436}\u{438} \u{8c0e}\u{8a00}. "
            .repeat(n)
    });
}

#[test]
fn markdown_links_through_the_reader() {
    assert_linear_read("Markdown links, read", 1_000, Read::Markdown, |n| {
        (0..n)
            .map(|i| format!("[Lies](http://example.com/a/{i}) "))
            .collect()
    });
}

#[test]
fn html_links() {
    assert_linear_read("HTML links", 1_000, Read::Html, |n| {
        let links: String = (0..n)
            .map(|i| {
                format!(
                    "The minister lied again, the senator said, and <a href=\"/a/{i}\">the \
                     report</a> shows it. "
                )
            })
            .collect();
        format!("<html><body><article><p>{links}</p></article></body></html>")
    });
}

#[test]
fn html_table() {
    assert_linear_read("HTML table", 600, Read::Html, |n| {
        let rows: String = (0..n)
            .map(|i| format!("<tr><td>{i}</td><td>Lies</td><td>12.5</td><td>he said</td></tr>"))
            .collect();
        format!(
            "<html><body><article><p>The figures, the minister said, were lies.</p>\
             <table>{rows}</table></article></body></html>"
        )
    });
}

#[test]
fn markdown_table() {
    assert_linear_read("Markdown table", 300, Read::Markdown, |n| {
        let rows: String = (0..n)
            .map(|i| format!("| {i} | Lies | 12.5 | he said |\n"))
            .collect();
        format!("The figures were lies.\n\n| a | b | c | d |\n|---|---|---|---|\n{rows}")
    });
}

#[test]
fn deeply_nested_html_lists() {
    // Never closed: each item opens a list one level deeper.
    assert_linear_read("nested HTML lists", 300, Read::Html, |n| {
        format!(
            "<html><body><article><p>Lies, he said.</p>{}</article></body></html>",
            "<ul><li>Lies, he said. ".repeat(n)
        )
    });
}

#[test]
fn deeply_nested_markdown_quotes_and_lists() {
    // Depth grows with n; each line is a fixed size, so the input is linear.
    assert_linear_read("nested Markdown lists", 800, Read::Markdown, |n| {
        (0..n)
            .map(|i| format!("{}- Lies, he said.\n", "> ".repeat(i % 40)))
            .collect()
    });
}
