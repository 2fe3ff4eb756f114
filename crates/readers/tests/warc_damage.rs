//! Damaged WARC archives: the reader resynchronises at the next record
//! (next gzip member, next `WARC/1.` line), reports the skipped byte range,
//! and keeps every intact record.

use std::io::{Cursor, Write};

use proptest::prelude::*;
use unspin_readers::{open_reader, IngestOptions, InputFormat, WarcDocuments};

/// A Common Crawl style `response` record holding a small HTML article.
fn record(i: usize) -> Vec<u8> {
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1><p>The council met on Tuesday to discuss bridge number {i}. Officials said the repairs would take several weeks and cost more than expected.</p><p>Residents asked for a public hearing before any decision on bridge {i}.</p></article></body></html>"
    );
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:rec-{i}>\r\nWARC-Target-URI: https://x.example/{i}\r\nWARC-Date: 2020-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    r.extend_from_slice(http.as_bytes());
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).expect("in memory");
    gz.finish().expect("in memory")
}

/// `n` records, each its own gzip member; also the offset where each
/// member starts (and, last, the length).
fn members(n: usize) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::new();
    let mut starts = Vec::new();
    for i in 1..=n {
        starts.push(out.len());
        out.extend(gzip(&record(i)));
    }
    starts.push(out.len());
    (out, starts)
}

/// Reads `bytes` as a `.warc.gz`: the record numbers of the documents, and
/// the error messages.
fn read_gz(bytes: &[u8]) -> (Vec<usize>, Vec<String>) {
    split(WarcDocuments::gzip_members(
        "t.warc.gz",
        bytes,
        IngestOptions::default(),
    ))
}

fn split(
    items: impl Iterator<Item = Result<unspin_document::Document, unspin_readers::ReadError>>,
) -> (Vec<usize>, Vec<String>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for item in items.take(1000) {
        match item {
            Ok(d) => docs.push(
                d.id.trim_start_matches("rec-")
                    .parse()
                    .expect("ids are rec-N"),
            ),
            Err(e) => errors.push(e.to_string()),
        }
    }
    (docs, errors)
}

/// The texts of the documents read from a `.warc.gz`.
fn texts(bytes: &[u8]) -> Vec<String> {
    WarcDocuments::gzip_members("t.warc.gz", bytes, IngestOptions::default())
        .flatten()
        .map(|d| d.text().to_string())
        .collect()
}

/// `12345` as `12,345`, as the messages write offsets.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn range(start: usize, end: usize) -> String {
    format!("bytes {}–{} skipped", thousands(start), thousands(end - 1))
}

#[test]
fn a_corrupt_member_in_the_middle_costs_only_its_record() {
    let (mut bytes, starts) = members(10);
    let (a, b) = (starts[4], starts[5]);
    let mid = (a + b) / 2;
    for byte in &mut bytes[mid..mid + 8] {
        *byte ^= 0xa5;
    }
    let (docs, errors) = read_gz(&bytes);
    assert_eq!(docs, [1, 2, 3, 4, 6, 7, 8, 9, 10], "{errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("truncated or corrupt gzip data")
            && errors[0].contains(&range(a, b))
            && errors[0].ends_with("reading resumes at the next gzip member"),
        "{errors:?} (member 5 is bytes {a}..{b})"
    );
    // The same through format detection, as the CLI opens files.
    let opened = open_reader(
        "t.warc.gz",
        Cursor::new(bytes),
        InputFormat::Auto,
        &IngestOptions::default(),
    )
    .expect("a .warc.gz opens");
    let (docs, errors) = split(opened);
    assert_eq!((docs.len(), errors.len()), (9, 1), "{errors:?}");
}

#[test]
fn a_member_truncated_at_the_end_keeps_the_earlier_records() {
    let (bytes, starts) = members(4);
    let cut = &bytes[..bytes.len() - 20];
    let (docs, errors) = read_gz(cut);
    assert_eq!(docs, [1, 2, 3], "{errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("truncated or corrupt gzip data")
            && errors[0].contains(&range(starts[3], cut.len()))
            && errors[0].ends_with("the file ends there"),
        "{errors:?}"
    );
    // Cut inside the first member's gzip header, opened by name as the CLI does.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let tiny = dir.path().join("tiny.warc.gz");
    std::fs::write(&tiny, &bytes[..6]).expect("written");
    let opened = unspin_readers::open_path(&tiny, InputFormat::Auto, &IngestOptions::default())
        .expect("a .warc.gz opens");
    let (docs, errors) = split(opened);
    assert!(docs.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("truncated or corrupt gzip data"),
        "{errors:?}"
    );
}

#[test]
fn garbage_between_members_is_skipped_and_reported() {
    let (bytes, starts) = members(5);
    let garbage = b"junk between members \x1f\x8b\x08\x00 not a member either, and more junk";
    let at = starts[3];
    let mut damaged = bytes[..at].to_vec();
    damaged.extend_from_slice(garbage);
    damaged.extend_from_slice(&bytes[at..]);
    let (docs, errors) = read_gz(&damaged);
    assert_eq!(docs, [1, 2, 3, 4, 5], "{errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(&range(at, at + garbage.len())),
        "{errors:?}"
    );
}

#[test]
fn a_malformed_header_in_a_plain_warc_costs_only_its_record() {
    for bad in ["Content-Length: many", "WARC-Type response"] {
        let mut bytes = Vec::new();
        let mut third = 0..0;
        for i in 1..=5 {
            let mut r = record(i);
            if i == 3 {
                let text = String::from_utf8(r).expect("ASCII");
                let line = if bad.starts_with("Content") {
                    text.lines().find(|l| l.starts_with("Content-Length"))
                } else {
                    text.lines().find(|l| l.starts_with("WARC-Type"))
                }
                .expect("the line is there")
                .to_string();
                r = text.replacen(&line, bad, 1).into_bytes();
                third = bytes.len()..bytes.len() + r.len();
            }
            bytes.extend(r);
        }
        let (docs, errors) = split(WarcDocuments::new(
            "t.warc",
            &bytes[..],
            false,
            IngestOptions::default(),
        ));
        assert_eq!(docs, [1, 2, 4, 5], "{bad}: {errors:?}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("record 3: malformed WARC record header")
                && errors[0].contains(&range(third.start, third.end))
                && errors[0].ends_with("reading resumes at the next record"),
            "{bad}: {errors:?} (record 3 is {third:?})"
        );
    }
}

#[test]
fn a_whole_file_gzip_stream_still_reads() {
    let plain: Vec<u8> = (1..=6).flat_map(record).collect();
    let bytes = gzip(&plain);
    let (docs, errors) = read_gz(&bytes);
    assert_eq!(docs, [1, 2, 3, 4, 5, 6], "{errors:?}");
    assert!(errors.is_empty(), "{errors:?}");
    let opened = open_reader(
        "<stdin>",
        Cursor::new(bytes),
        InputFormat::Auto,
        &IngestOptions::default(),
    )
    .expect("detected as WARC");
    assert_eq!(split(opened).0.len(), 6);
}

#[test]
fn gzip_that_is_not_warc_is_said_to_be_so_without_reading_forever() {
    let text = gzip(&b"Just some plain text, compressed.\n".repeat(1000));
    let (docs, errors) = read_gz(&text);
    assert!(docs.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("not a WARC file"), "{errors:?}");
    // A gzip header, then 9 MiB of noise: the scan stops after its bound.
    let mut noise = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    noise.extend((0..9 << 20).map(|_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 24) as u8
    }));
    let (docs, errors) = read_gz(&noise);
    assert!(docs.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("not a WARC file"), "{errors:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_single_byte_corruption_keeps_the_untouched_records(
        at in any::<prop::sample::Index>(),
        value in any::<u8>(),
    ) {
        let (mut bytes, starts) = members(4);
        let i = at.index(bytes.len());
        prop_assume!(bytes[i] != value);
        bytes[i] = value;
        let damaged = starts.windows(2).position(|w| (w[0]..w[1]).contains(&i));
        let clean = texts(&members(4).0);
        let (docs, errors) = read_gz(&bytes);
        for r in 1..=4 {
            if damaged != Some(r - 1) {
                prop_assert!(docs.contains(&r), "record {} lost: byte {} set to {}: {:?} {:?}", r, i, value, docs, errors);
            }
        }
        // A record read from the damaged member is never an altered one.
        prop_assert!(texts(&bytes).iter().all(|t| clean.contains(t)));
    }
}
