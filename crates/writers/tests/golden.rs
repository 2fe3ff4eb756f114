//! The writers on a whole analysed article: the sample article
//! (`examples/syria-ceasefire-opinion.md`) as `unspin analyze --tier fast
//! --format json` wrote it, read back.
//!
//! Reading ignores the derived `summary` and `sourcing` objects and writing
//! recomputes them from the layers, so these tests check that the summaries,
//! the source aggregation and the HTML report still give, byte for byte,
//! what they gave when the files were recorded.
//!
//! The JSON file is the CLI's output read and written once with
//! `to_json_line`: `from_json` parses the long decimals of float attributes
//! (`span_score`) to within one unit in the last place, so the first read
//! may change their last digit; after that, reading and writing is exact.
//! The HTML file is the CLI's `--format html` output (the writer's page and
//! the CLI's final line break).

use unspin_writers::{from_json, to_html, to_json_line};

const JSON: &str = include_str!("data/syria-ceasefire-opinion.fast.json");
const HTML: &str = include_str!("data/syria-ceasefire-opinion.fast.html");

#[test]
fn json_is_written_back_byte_for_byte() {
    let doc = from_json(JSON).unwrap();
    let written = to_json_line(&doc).unwrap() + "\n";
    // Not assert_eq: the strings are 200 kB long.
    assert!(written == JSON, "the JSON written for the sample differs");
}

#[test]
fn html_report_is_unchanged() {
    let doc = from_json(JSON).unwrap();
    let html = to_html(&doc).unwrap() + "\n";
    assert!(html == HTML, "the HTML report of the sample differs");
}
