//! End-to-end browser test of the corpus dashboard (`unspin serve --corpus`):
//! builds a fixture corpus with the real binary (`unspin corpus add`), starts
//! `unspin serve --corpus` on a free loopback port and runs
//! `node tests/browser/corpus.mjs URL` (headless Debian Chromium driven by
//! `playwright-core`), which compares what every view draws with the JSON
//! API's answers.
//!
//! The fixture: the first 40 articles of `../shared/data/unlabeled-news`
//! (skipped visibly when absent, as every test using `../shared`) as JSON
//! Lines with four outlets, five months and six authors assigned in turn,
//! one near-copy of the first article by a fifth outlet (two paragraphs
//! edited, one with loaded language added), and one article whose title,
//! outlet and author hold markup (`<img src=x onerror=…>`), which must stay
//! text everywhere.
//!
//! Like `tests/browser.rs`, the test is **skipped** (prints `SKIP: …` and
//! passes) only when the browser tooling is missing: no Chromium at
//! `/usr/bin/chromium` (or `$CHROMIUM`), no `node`, or no
//! `tests/browser/node_modules` (`npm ci --prefix tests/browser`);
//! `UNSPIN_REQUIRE_BROWSER=1` makes that a failure. Screenshots land in
//! `target/browser-artifacts/corpus-*.png`.

mod browser_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use browser_support::{artifacts, chromium_or_skip, run_script, start_server};

/// The outlets the fixture's articles are given in turn.
const OUTLETS: [&str; 4] = [
    "Daily Planet",
    "Morning Wire",
    "The Courier",
    "Evening Post",
];
/// How many real articles the fixture holds (besides the copy and the hostile one).
const ARTICLES: usize = 40;
// The hostile article: the script checks these strings stay text.
const HOSTILE_TITLE: &str = "<img src=x onerror=alert(1)> Shocking <b>news</b>";
const HOSTILE_OUTLET: &str = "<img src=x onerror=alert(2)> Gazette";
const HOSTILE_AUTHOR: &str = "<img src=x onerror=alert(5)> Mallory";
const HOSTILE_TEXT: &str = "Shocking news\n\nThese corrupt traitors <img src=x onerror=alert(3)> \
will destroy our great nation, the minister said on Monday. <script>alert(4)</script>\n\n\
Everyone knows the truth. Everyone knows it.";

/// The fixture as JSON Lines (see the module comment).
fn fixture_jsonl(news: &Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(news)
        .expect("the unlabeled-news folder is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(
        files.len() >= ARTICLES,
        "{} articles in {}",
        files.len(),
        news.display()
    );
    let mut lines = Vec::new();
    let mut first_text = String::new();
    for (i, path) in files.iter().take(ARTICLES).enumerate() {
        let text = std::fs::read_to_string(path).expect("an article");
        if i == 0 {
            first_text = text.clone();
        }
        let id = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        lines.push(serde_json::json!({
            "id": id, "text": text, "site_name": OUTLETS[i % OUTLETS.len()],
            "published": format!("2019-{:02}-{:02}", 1 + i % 5, 10 + i % 15),
            "authors": [format!("Writer {}", i % 6)],
        }));
    }
    // A near-copy of the first article: two paragraphs edited, loaded language added.
    let mut paragraphs: Vec<String> = first_text.split("\n\n").map(String::from).collect();
    assert!(paragraphs.len() > 4, "the first article has paragraphs");
    paragraphs[2].push_str(" This sentence was added by the copying outlet.");
    paragraphs[3].push_str(
        " The corrupt, disgraceful traitors in Washington will destroy our great nation.",
    );
    lines.push(serde_json::json!({
        "id": "copy-a", "text": paragraphs.join("\n\n"), "site_name": "Copycat Daily",
        "published": "2019-01-20", "authors": ["Writer 9"],
    }));
    lines.push(serde_json::json!({
        "id": "hostile", "text": HOSTILE_TEXT, "title": HOSTILE_TITLE,
        "site_name": HOSTILE_OUTLET, "authors": [HOSTILE_AUTHOR], "published": "2019-03-03",
    }));
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn corpus_dashboard_end_to_end_in_headless_chromium() {
    let Some(chromium) = chromium_or_skip("corpus dashboard browser test") else {
        return;
    };
    let Some(news) = unspin_testkit::shared_dir("data/unlabeled-news") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let input = dir.path().join("fixture.jsonl");
    std::fs::write(&input, fixture_jsonl(&news)).expect("the fixture is written");
    let db = dir.path().join("news.db");
    let add = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .args(["corpus", "add", "--quiet"])
        .arg(&db)
        .arg(&input)
        .env_remove("RUST_LOG")
        .output()
        .expect("unspin corpus add runs");
    assert!(
        add.status.success(),
        "corpus add failed:\n{}",
        String::from_utf8_lossy(&add.stderr)
    );

    let server_args = [
        "--tier".as_ref(),
        "fast".as_ref(),
        "--corpus".as_ref(),
        db.as_os_str(),
    ];
    let (_server, url) = start_server::<&std::ffi::OsStr>(&server_args);
    let report = run_script("corpus.mjs", &url, &chromium);
    let artifacts = artifacts();
    for shot in [
        "corpus-overview.png",
        "corpus-timeline.png",
        "corpus-overview-phone.png",
    ] {
        assert!(
            artifacts.join(shot).is_file(),
            "no screenshot {shot}\n{report}"
        );
    }
}
