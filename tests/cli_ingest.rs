//! Integration tests of ingestion through the binary: `unspin extract` and
//! `unspin analyze` on every input format and on bad input (truncated
//! `.warc.gz`, WARC without HTML, a 200 MB file against the size limit,
//! binary data, invalid UTF-8, HTML without a body, a JSON Lines line that is
//! not JSON). Each bad input must give a clear message naming it, no panic,
//! the rest of the batch processed, and exit status 1.

#[macro_use]
mod common;

use std::fs;
use std::io::Write;

use serde_json::Value;

use common::*;

const PAGE: &str = "<!doctype html><html><head><title>Bridge closed</title></head><body>\
<article><h1>Bridge closed</h1><p>The council closed the old bridge on Tuesday after engineers found \
cracks in two of its piers, a decision that angered shop owners.</p>\
<p>Residents can send their views to the council until the first of April.</p></article></body></html>";

/// One WARC record.
fn record(kind: &str, uri: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{kind}-{}>\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        uri.len(),
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http_html(html: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}", html.len())
        .into_bytes()
}

/// A Common Crawl style WARC: warcinfo, then request/response pairs.
fn crawl_records() -> Vec<Vec<u8>> {
    vec![
        record(
            "warcinfo",
            "",
            "application/warc-fields",
            b"software: test\r\n",
        ),
        record(
            "request",
            "https://a.example/1",
            "application/http; msgtype=request",
            b"GET /1 HTTP/1.1\r\n\r\n",
        ),
        record(
            "response",
            "https://a.example/1",
            "application/http; msgtype=response",
            &http_html(PAGE),
        ),
        record(
            "response",
            "https://a.example/logo.png",
            "application/http; msgtype=response",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n",
        ),
        record(
            "response",
            "https://a.example/2",
            "application/http; msgtype=response",
            &http_html(&PAGE.replace("Bridge closed", "Bridge reopened")),
        ),
    ]
}

/// The `footer` span of a document's `boilerplate` layer.
fn footer(doc: &Value) -> Option<&Value> {
    doc["layers"]["boilerplate"]
        .as_array()
        .and_then(|b| b.iter().find(|s| s["label"] == "footer"))
}

/// Gzips each record as its own member, as Common Crawl does.
fn gzip_members(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(r).expect("in memory");
        out.extend(gz.finish().expect("in memory"));
    }
    out
}

#[test]
fn extract_prints_the_sample_articles_structure() {
    let sample = sample();
    let run = unspin(&["extract", s(&sample)]);
    assert_exit!(run, 0);
    let lines = run.lines();
    assert_eq!(lines.len(), 1);
    let doc = &lines[0];
    assert_eq!(doc["path"], s(&sample));
    assert_eq!(doc["format"], "markdown");
    let m = &doc["metadata"];
    assert_eq!(
        m["title"],
        "Putin Ups the Ante: Syria Ceasefire Sabotage Triggers Major Offensive in Aleppo"
    );
    assert_eq!(m["authors"], serde_json::json!(["Mike Whitney"]));
    assert_eq!(m["published"], "2016-09-28");
    assert_eq!(m["site_name"], "Global Research");
    assert_eq!(m["original_source"], "CounterPunch");
    assert_eq!(
        doc["layers"]["blockquote"].as_array().map(Vec::len),
        Some(8)
    );
    let footer = footer(doc).expect("a footer span");
    assert!(
        footer["text"].as_str().is_some_and(
            |t| t.contains("comment on our Facebook page") || t.contains("Facebook page")
        )
    );
    assert!(!doc["text"].as_str().unwrap_or("").contains("](#)"));
}

#[test]
fn extract_alignment_maps_back_to_the_input() -> TestResult {
    let sample = sample();
    let source = fs::read(&sample)?;
    let run = unspin(&["extract", "--alignment", s(&sample)]);
    assert_exit!(run, 0);
    let doc = &run.lines()[0];
    let text = doc["text"].as_str().ok_or("text")?.as_bytes();
    let pieces = doc["alignment"].as_array().ok_or("alignment")?;
    assert!(pieces.len() > 50);
    for p in pieces {
        let [t, src, len] = [0, 1, 2].map(|i| p[i].as_u64().unwrap_or(u64::MAX) as usize);
        assert_eq!(&text[t..t + len], &source[src..src + len]);
    }
    Ok(())
}

#[test]
fn warc_gz_documents_are_streamed_and_non_html_records_skipped() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("crawl.warc.gz");
    fs::write(&path, gzip_members(&crawl_records()))?;
    let run = unspin(&["extract", s(&path)]);
    assert_exit!(run, 0);
    let lines = run.lines();
    assert_eq!(lines.len(), 2, "{}", run.show());
    assert_eq!(lines[0]["format"], "warc");
    assert_eq!(lines[0]["metadata"]["url"], "https://a.example/1");
    assert_eq!(lines[1]["metadata"]["url"], "https://a.example/2");
    assert!(lines[1]["text"]
        .as_str()
        .is_some_and(|t| t.contains("Bridge reopened")));
    // The same, uncompressed and read as --input warc from standard input.
    let plain: Vec<u8> = crawl_records().concat();
    let run = unspin_with(&["extract", "--input", "warc", "-"], Some(&plain));
    assert_exit!(run, 0);
    assert_eq!(run.lines().len(), 2);
    Ok(())
}

#[test]
fn truncated_warc_gz_is_reported_and_the_batch_goes_on() -> TestResult {
    let dir = tempfile::tempdir()?;
    let bytes = gzip_members(&crawl_records());
    let cut = dir.path().join("cut.warc.gz");
    fs::write(&cut, &bytes[..bytes.len() - 40])?;
    let good = dir.path().join("good.md");
    fs::write(&good, "A Title\n\nSome [text](https://x.example).\n")?;
    let run = unspin(&["extract", s(&cut), s(&good)]);
    run.assert_error(1, &format!("error: \"{}\"", cut.display()));
    run.assert_stderr_has("truncated or corrupt gzip data");
    let lines = run.lines();
    // The first page came before the damage; the Markdown file after it is read.
    assert_eq!(
        lines.first().map(|l| l["metadata"]["url"].clone()),
        Some(Value::from("https://a.example/1"))
    );
    assert_eq!(
        lines.last().map(|l| l["path"].clone()),
        Some(Value::from(s(&good)))
    );
    // Cut inside the gzip header of the very first member.
    let tiny = dir.path().join("tiny.warc.gz");
    fs::write(&tiny, &bytes[..6])?;
    unspin(&["extract", s(&tiny)]).assert_error(1, "truncated or corrupt gzip data");
    Ok(())
}

#[test]
fn warc_without_html_records_says_so() -> TestResult {
    let dir = tempfile::tempdir()?;
    let records = crawl_records();
    let path = dir.path().join("nohtml.warc");
    fs::write(
        &path,
        [records[0].clone(), records[1].clone(), records[3].clone()].concat(),
    )?;
    let run = unspin(&["extract", s(&path)]);
    run.assert_error(1, &format!(
        "error: \"{}\": no HTML response records to read (3 records skipped: 1 non-HTML responses, 1 request, 1 warcinfo)",
        path.display()
    ));
    assert!(run.stdout.is_empty());
    Ok(())
}

#[test]
fn a_200_mb_file_hits_the_size_limit_clearly() -> TestResult {
    let dir = tempfile::tempdir()?;
    let big = dir.path().join("big.txt");
    // Sparse where the file system allows: nothing is written.
    fs::File::create(&big)?.set_len(200_000_000)?;
    let good = dir.path().join("good.txt");
    fs::write(&good, "Headline\n\nA sentence.\n")?;
    let run = unspin(&["extract", s(&big), s(&good)]);
    run.assert_error(
        1,
        &format!(
            "error: \"{}\": 200000000 bytes is over the limit of 50000000 bytes",
            big.display()
        ),
    );
    assert_eq!(run.lines().len(), 1);
    // The limit is configurable.
    unspin(&["extract", "--max-bytes", "10", s(&good)])
        .assert_error(1, "over the limit of 10 bytes");
    assert_exit!(unspin(&["extract", "--max-bytes", "1k", s(&good)]), 0);
    assert_exit!(unspin(&["extract", "--max-bytes", "lots", s(&good)]), 2);
    // One unit convention for every size flag: k is 1000, KiB 1024.
    unspin(&["extract", "--max-bytes", "0.01k", s(&good)])
        .assert_error(1, "over the limit of 10 bytes");
    unspin(&["extract", "--max-bytes", "0.01KiB", s(&good)])
        .assert_error(1, "over the limit of 10 bytes");
    Ok(())
}

#[test]
fn binary_invalid_utf8_and_bodyless_html_are_reported() -> TestResult {
    let dir = tempfile::tempdir()?;
    let binary = dir.path().join("data.bin");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    fs::write(&binary, &bytes)?;
    let latin1 = dir.path().join("latin1.md");
    fs::write(&latin1, b"Title\n\nCaf\xe9 au lait.\n")?;
    let no_body = dir.path().join("empty.html");
    fs::write(&no_body, "<html><head><title>Nothing</title></head></html>")?;
    let good = dir.path().join("good.md");
    fs::write(&good, "Title\n\nBody text.\n")?;
    let run = unspin(&["extract", s(&binary), s(&latin1), s(&no_body), s(&good)]);
    assert_exit!(run, 1);
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 3, "{}", run.show());
    // Each bad file's message, in order.
    for found in [
        errors[0].contains(&format!("\"{}\"", binary.display()))
            && errors[0].contains("binary data"),
        errors[1].contains("invalid UTF-8 at byte offset 10 (line 3)"),
        errors[2].contains(&format!("\"{}\"", no_body.display())) || errors[2].contains("empty"),
    ] {
        assert!(found, "{}", run.show());
    }
    let lines = run.lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["path"], s(&good));
    // Lossy decoding reads the Latin-1 file.
    let run = unspin(&["extract", "--lossy-utf8", s(&latin1)]);
    assert_exit!(run, 0);
    assert!(run.lines()[0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("Caf\u{fffd} au lait.")));
    Ok(())
}

#[test]
fn jsonl_with_one_bad_line_reports_it_and_reads_the_rest() -> TestResult {
    let input = b"{\"id\":\"a\",\"text\":\"Headline one\\n\\nFirst body.\"}\n\
{\"id\":\"b\",\"text\":\"broken\n\
{\"id\":\"c\",\"html\":\"<html><body><p>A page from the feed with a paragraph of text.</p></body></html>\",\"url\":\"https://c.example/\"}\n";
    let run = unspin_with(&["extract", "-"], Some(input));
    run.assert_error(1, "error: \"<stdin>\": line 2: not valid JSON");
    let lines = run.lines();
    let ids: Vec<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
    assert_eq!(ids, ["a", "c"]);
    assert_eq!(lines[0]["format"], "jsonl");
    assert_eq!(lines[1]["metadata"]["url"], "https://c.example/");
    Ok(())
}

#[test]
fn unknown_input_format_is_a_usage_error() {
    let run = unspin(&["extract", "--input", "pdf", "x"]);
    run.assert_error(
        2,
        "expected one of auto, text, ptc, markdown, html, warc, jsonl",
    );
}

#[test]
fn directories_are_searched_for_every_format() -> TestResult {
    let dir = tempfile::tempdir()?;
    fs::create_dir_all(dir.path().join("sub"))?;
    fs::write(dir.path().join("a.md"), "Title\n\nText.\n")?;
    fs::write(dir.path().join("sub/b.html"), PAGE)?;
    fs::write(dir.path().join("sub/c.warc"), crawl_records().concat())?;
    fs::write(
        dir.path().join("sub/d.jsonl"),
        "{\"text\":\"one\"}\n{\"text\":\"two\"}\n",
    )?;
    fs::write(dir.path().join("notes.csv"), "ignored")?;
    let run = unspin(&["extract", s(dir.path())]);
    assert_exit!(run, 0);
    let formats: Vec<String> = run
        .lines()
        .iter()
        .map(|l| l["format"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        formats,
        ["markdown", "html", "warc", "warc", "jsonl", "jsonl"]
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// analyze: the same inputs through the whole pipeline (with a tiny model).

#[test]
fn analyze_streams_jsonl_and_warc_and_reports_bad_documents() -> TestResult {
    let (dir, model) = tempdir_with_tiny_model()?;
    let input = b"{\"id\":\"a\",\"text\":\"Headline one\\n\\nThe corrupt traitors lied.\"}\nnot json at all\n{\"id\":\"c\",\"text\":\"Headline two\\n\\nThe bus leaves at noon.\"}\n";
    let run = unspin_with(&["analyze", "--model", s(&model), "-"], Some(input));
    run.assert_error(1, "error: \"<stdin>\": line 2: not valid JSON");
    let ids: Vec<String> = run
        .lines()
        .iter()
        .map(|l| l["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(ids, ["a", "c"]);

    let warc = dir.path().join("crawl.warc.gz");
    fs::write(&warc, gzip_members(&crawl_records()))?;
    let sample = sample();
    let run = unspin_model("analyze", &model, &[s(&warc), s(&sample)]);
    assert_exit!(run, 0);
    let lines = run.lines();
    assert_eq!(lines.len(), 3, "{}", run.show());
    let last = &lines[2];
    assert_eq!(last["metadata"]["site_name"], "Global Research");
    // No technique span inside the footer.
    let footer = footer(last).ok_or("footer")?;
    let footer_start = footer["start"].as_u64().ok_or("start")?;
    let techniques = last["layers"]["technique"]
        .as_array()
        .ok_or("technique layer")?;
    assert!(techniques
        .iter()
        .all(|t| t["end"].as_u64().unwrap_or(0) <= footer_start));
    Ok(())
}
