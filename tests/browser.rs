//! End-to-end browser test of `unspin serve`: starts the real binary on a
//! free loopback port and runs `node tests/browser/e2e.mjs URL`, which drives
//! headless Chromium (Debian's `chromium` package) with `playwright-core`.
//!
//! The test is **skipped** — it prints `SKIP: …` with the reason and passes —
//! only when the browser tooling is missing: no Chromium at
//! `/usr/bin/chromium` (or `$CHROMIUM`), no `node`, or no
//! `tests/browser/node_modules` (run `npm ci --prefix tests/browser`). Set
//! `UNSPIN_REQUIRE_BROWSER=1` to make a missing tool a failure instead.
//!
//! The script also checks the warning banner (JSON 1.2 `warnings`): a German
//! text shows "Not analysed" and no "no techniques found" claim, "Analyse as
//! English anyway" re-posts it with `force_language: "en"` and shows a
//! result with a `technique` layer, a short English line shows "Read with
//! care", the English sample shows no banner.
//!
//! With `--workers 1` and another client's long neural analysis holding the
//! worker, the page shows the fast tier's preliminary result first (and
//! says so, with the request's place in the queue), then the neural one.
//!
//! Screenshots land in `target/browser-artifacts/` (`report.png`,
//! `popover.png`, `report-phone.png`, `popover-phone.png`,
//! `warning-not-analysed.png`, `warning-read-with-care.png`,
//! `warning-phone.png`, `preliminary.png`, `final.png`).

mod browser_support;

use browser_support::{artifacts, chromium_or_skip, run_script, start_server};

#[test]
fn web_page_end_to_end_in_headless_chromium() {
    let Some(chromium) = chromium_or_skip("browser end-to-end test") else {
        return;
    };
    // One worker per tier, so that one long analysis makes the neural tier
    // busy (the queue checks).
    let (_server, url) = start_server(&["--workers", "1"]);
    let report = run_script("e2e.mjs", &url, &chromium);
    for shot in ["report.png", "warning-not-analysed.png"] {
        assert!(
            artifacts().join(shot).is_file(),
            "no screenshot {shot}\n{report}"
        );
    }
    assert!(
        report.contains("ok - a German text shows the warning banner"),
        "the warning checks did not run\n{report}"
    );
    assert!(
        report.contains("ok - then the neural result replaces it"),
        "the queue checks did not run\n{report}"
    );
}
