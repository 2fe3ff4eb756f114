//! Unit tests of the WARC framing.

use super::http::dechunk;
use super::*;

fn record(kind: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{kind}-1>\r\nWARC-Target-URI: https://x.example/{kind}\r\nWARC-Date: 2020-01-01T00:00:00Z\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn read(bytes: &[u8], max: u64) -> Vec<String> {
    let options = IngestOptions {
        read: ReadOptions {
            max_bytes: max,
            ..ReadOptions::default()
        },
        ..IngestOptions::default()
    };
    WarcDocuments::new("t.warc", bytes, false, options)
        .map(|r| match r {
            Ok(d) => format!("ok {} {}", d.id, d.metadata.url.unwrap_or_default()),
            Err(e) => e.to_string(),
        })
        .collect()
}

#[test]
fn non_html_records_are_skipped_and_counted() {
    let mut w = record("warcinfo", "application/warc-fields", b"software: x\r\n");
    w.extend(record(
        "request",
        "application/http; msgtype=request",
        b"GET / HTTP/1.1\r\n\r\n",
    ));
    w.extend(record(
        "response",
        "application/http; msgtype=response",
        b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
    ));
    w.extend(record(
        "response",
        "application/http; msgtype=response",
        b"HTTP/1.1 301 Moved\r\nLocation: /\r\n\r\n",
    ));
    assert_eq!(
        read(&w, 1000),
        ["\"t.warc\": no HTML response records to read (4 records skipped: 1 HTTP 3xx responses, 1 non-HTML responses, 1 request, 1 warcinfo)"]
    );
}

#[test]
fn text_conversions_become_documents_and_truncation_is_reported() {
    let mut w = record("conversion", "text/plain", b"A title\n\nSome text.");
    let cut = record("conversion", "text/plain", b"Another text that is cut");
    w.extend_from_slice(&cut[..cut.len() - 10]);
    assert_eq!(
        read(&w, 1000),
        [
            "ok conversion-1 https://x.example/conversion",
            "\"t.warc\": record 2 (https://x.example/conversion): the file ends inside this record (truncated WARC file)"
        ]
    );
}

#[test]
fn oversized_records_are_skipped_and_garbage_is_not_warc() {
    let mut w = record("conversion", "text/plain", &b"x".repeat(100));
    w.extend(record("conversion", "text/plain", b"small one"));
    let out = read(&w, 50);
    assert!(
        out[0].contains("record 1") && out[0].contains("over the limit of 50 bytes"),
        "{out:?}"
    );
    assert!(out[1].starts_with("ok "), "{out:?}");
    assert_eq!(
        read(b"hello\r\n\r\n", 50),
        ["\"t.warc\": not a WARC file (it does not start with \"WARC/\")"]
    );
    let bad = b"WARC/1.0\r\nContent-Length: 99999999999999999999999\r\n\r\n";
    assert!(
        read(bad, 50)[0].contains("malformed WARC record header"),
        "{:?}",
        read(bad, 50)
    );
}

#[test]
fn chunked_bodies_are_joined() {
    assert_eq!(
        dechunk(b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").as_deref(),
        Some(&b"abcde"[..])
    );
    assert_eq!(dechunk(b"zz\r\n"), None);
}
