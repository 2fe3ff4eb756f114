//! The WARC reader: web archives as written by Common Crawl and other
//! crawlers (`.warc`, and `.warc.gz` with one gzip member per record).
//!
//! # Crates
//!
//! - Record headers are parsed by the `warc` crate's parser
//!   (`warc::parser::headers`, the nom grammar of the WARC/1.0 and 1.1
//!   header block, used by the crate's own readers), and named with its
//!   [`WarcHeader`] type.
//! - The framing around it is ours, because the crate's readers either borrow
//!   the reader for each record (no owning iterator) or buffer headers and
//!   bodies without a bound; here a header block is at most
//!   [`MAX_HEADER_BYTES`], a body at most
//!   [`ReadOptions::max_bytes`](crate::ReadOptions::max_bytes) (larger ones
//!   are skipped without being held in memory), so memory stays bounded
//!   whatever the input.
//! - Gzip is `flate2`'s `MultiGzDecoder` (the most used deflate crate, with a
//!   pure-Rust backend), which reads the concatenated members of a
//!   Common Crawl file as one stream.
//!
//! # What becomes a document
//!
//! `response` records holding an HTTP response with status 2xx and an HTML
//! content type (`text/html`, `application/xhtml+xml`; chunked transfer and
//! gzip/deflate content encodings are undone), and `resource` records with
//! an HTML content type, are read by the HTML reader. `conversion` records
//! of `text/plain` (Common Crawl's WET files) are read as plain text. All
//! other records (`warcinfo`, `request`, `metadata`, images, redirects…) are
//! skipped. The document id is the record id (without `<urn:uuid:` and
//! `>`), `metadata.url` the `WARC-Target-URI`.
//!
//! A record that cannot be read is one error item and the next record is read;
//! damage that loses the record boundaries (corrupt or truncated gzip, a
//! malformed header block, a file that ends inside a record) is a last error
//! item. A file without any readable record fails with
//! [`WarcErrorKind::NoDocuments`], which counts what was skipped.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::PathBuf;

use unspin_document::Document;
use warc::WarcHeader;

use crate::detect::read_html_bytes;
use crate::{decode_text, read_text, IngestOptions, ReadError, ReadOptions};

/// The largest header block of one record, in bytes.
pub const MAX_HEADER_BYTES: usize = 256 * 1024;

/// Why a WARC file, or one of its records, could not be read.
///
/// The message names the file and, when the error is about one record, the
/// record's number (1-based) and target URI, e.g.
/// `"crawl.warc.gz": record 3 (https://example.org/a): no HTML body`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub struct WarcError {
    /// The input (a path, or `<stdin>`).
    pub path: PathBuf,
    /// 1-based number of the record, when the error is about one record.
    pub record: Option<u64>,
    /// The record's `WARC-Target-URI`, when known.
    pub uri: Option<String>,
    /// What is wrong.
    pub kind: WarcErrorKind,
}

impl fmt::Display for WarcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\": ", self.path.display())?;
        if let Some(n) = self.record {
            write!(f, "record {n}")?;
            if let Some(uri) = &self.uri {
                write!(f, " ({uri})")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.kind)
    }
}

/// What is wrong with a WARC file or record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarcErrorKind {
    /// The gzip stream is truncated or corrupt; nothing after it can be read.
    #[error("truncated or corrupt gzip data ({0}); the rest of the file is skipped")]
    Gzip(io::Error),
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(io::Error),
    /// The input does not start with a WARC record.
    #[error("not a WARC file (it does not start with \"WARC/\")")]
    NotWarc,
    /// A header block that does not parse; the rest of the file is skipped.
    #[error("malformed WARC record header{0}; the rest of the file is skipped")]
    Header(String),
    /// The file ends inside a record.
    #[error("the file ends inside this record (truncated WARC file)")]
    Truncated,
    /// A record body over the size limit; it was skipped.
    #[error("record body of {size} bytes is over the limit of {limit} bytes; skipped")]
    TooLarge {
        /// The record's Content-Length.
        size: u64,
        /// The limit ([`ReadOptions::max_bytes`]).
        limit: u64,
    },
    /// An HTML record whose content could not be decoded.
    #[error("cannot decode the HTTP payload ({0})")]
    Payload(String),
    /// The HTML or text reader failed on the record's content.
    #[error("{0}")]
    Content(Box<ReadError>),
    /// No record gave a document.
    #[error("no HTML response records to read ({0})")]
    NoDocuments(SkipCounts),
}

/// What a WARC file held besides documents: skipped records by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkipCounts(pub BTreeMap<String, u64>);

impl fmt::Display for SkipCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return write!(f, "no records");
        }
        let total: u64 = self.0.values().sum();
        write!(
            f,
            "{total} record{} skipped: ",
            if total == 1 { "" } else { "s" }
        )?;
        for (i, (why, n)) in self.0.iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{n} {why}")?;
        }
        Ok(())
    }
}

/// Documents from a WARC stream, one record at a time; see the
/// [module documentation](self).
///
/// ```
/// use unspin_readers::{IngestOptions, WarcDocuments};
///
/// let warc = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n";
/// let items: Vec<_> = WarcDocuments::new("x.warc", &warc[..], false, IngestOptions::default()).collect();
/// let err = items[0].as_ref().unwrap_err().to_string();
/// assert_eq!(err, "\"x.warc\": no HTML response records to read (1 record skipped: 1 warcinfo)");
/// ```
pub struct WarcDocuments<R> {
    name: PathBuf,
    reader: R,
    gzip: bool,
    options: IngestOptions,
    record: u64,
    produced: u64,
    errors: u64,
    skipped: SkipCounts,
    done: bool,
}

/// One parsed record header.
struct Header {
    warc_type: String,
    uri: Option<String>,
    id: Option<String>,
    content_type: Option<String>,
    length: u64,
}

enum Outcome {
    Document(Box<Document>),
    Skip(String),
}

impl<R: BufRead> WarcDocuments<R> {
    /// Reads the (already decompressed) WARC stream `reader`; `gzip` says
    /// whether it came through a gzip decoder (for error messages); `name` is
    /// used in ids and errors.
    pub fn new(
        name: impl Into<PathBuf>,
        reader: R,
        gzip: bool,
        options: IngestOptions,
    ) -> WarcDocuments<R> {
        WarcDocuments {
            name: name.into(),
            reader,
            gzip,
            options,
            record: 0,
            produced: 0,
            errors: 0,
            skipped: SkipCounts::default(),
            done: false,
        }
    }

    /// Records skipped so far, by reason.
    pub fn skipped(&self) -> &SkipCounts {
        &self.skipped
    }

    fn error(&self, record: bool, uri: Option<String>, kind: WarcErrorKind) -> ReadError {
        ReadError::Warc(WarcError {
            path: self.name.clone(),
            record: record.then_some(self.record),
            uri,
            kind,
        })
    }

    fn io_kind(&self, e: io::Error) -> WarcErrorKind {
        io_kind(self.gzip, e)
    }

    /// The next header block, or `None` at a clean end.
    fn header_block(&mut self) -> Result<Option<Vec<u8>>, WarcErrorKind> {
        let mut buf = Vec::new();
        loop {
            let room = (MAX_HEADER_BYTES + 1).saturating_sub(buf.len()) as u64;
            let n = (&mut self.reader)
                .take(room)
                .read_until(b'\n', &mut buf)
                .map_err(|e| self.io_kind(e))?;
            if n == 0 {
                return if buf.iter().all(u8::is_ascii_whitespace) {
                    Ok(None)
                } else {
                    Err(WarcErrorKind::Truncated)
                };
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                // Blank lines between records.
                buf.clear();
                continue;
            }
            if !buf.starts_with(b"WARC/") {
                return Err(if self.record <= 1 {
                    WarcErrorKind::NotWarc
                } else {
                    WarcErrorKind::Header(String::new())
                });
            }
            if buf.ends_with(b"\r\n\r\n") || buf.ends_with(b"\n\n") || buf.ends_with(b"\n\r\n") {
                return Ok(Some(buf));
            }
            if buf.len() > MAX_HEADER_BYTES {
                return Err(WarcErrorKind::Header(format!(
                    " (over {MAX_HEADER_BYTES} bytes)"
                )));
            }
        }
    }

    fn parse_header(block: &[u8]) -> Result<Header, WarcErrorKind> {
        let (_, (_version, fields, _)) = warc::parser::headers(block).map_err(|_| {
            WarcErrorKind::Header(" (it does not follow the WARC header grammar)".to_string())
        })?;
        let mut h = Header {
            warc_type: String::new(),
            uri: None,
            id: None,
            content_type: None,
            length: 0,
        };
        let mut length = None;
        for (name, value) in fields {
            let value = String::from_utf8_lossy(value).trim().to_string();
            match WarcHeader::from(name) {
                WarcHeader::WarcType => h.warc_type = value.to_ascii_lowercase(),
                WarcHeader::TargetURI => h.uri = Some(value.trim_matches(['<', '>']).to_string()),
                WarcHeader::RecordID => h.id = Some(value),
                WarcHeader::ContentType => h.content_type = Some(value),
                WarcHeader::ContentLength => {
                    length = Some(value.parse::<u64>().map_err(|_| {
                        WarcErrorKind::Header(format!(" (Content-Length {value:?})"))
                    })?)
                }
                _ => {}
            }
        }
        h.length =
            length.ok_or_else(|| WarcErrorKind::Header(" (no Content-Length)".to_string()))?;
        Ok(h)
    }

    /// Reads a body of `len` bytes, or skips it when over `limit`
    /// (`Ok(None)`), then the blank lines that end the record.
    fn body(&mut self, len: u64, limit: u64) -> Result<Option<Vec<u8>>, WarcErrorKind> {
        let body = if len > limit {
            let skipped = io::copy(&mut (&mut self.reader).take(len), &mut io::sink())
                .map_err(|e| self.io_kind(e))?;
            if skipped < len {
                return Err(WarcErrorKind::Truncated);
            }
            None
        } else {
            let mut body = Vec::with_capacity(len.min(1 << 20) as usize);
            (&mut self.reader)
                .take(len)
                .read_to_end(&mut body)
                .map_err(|e| self.io_kind(e))?;
            if (body.len() as u64) < len {
                return Err(WarcErrorKind::Truncated);
            }
            Some(body)
        };
        // The record ends with CRLF CRLF; be lenient about how many.
        for _ in 0..4 {
            let gzip = self.gzip;
            let next = self.reader.fill_buf().map_err(|e| io_kind(gzip, e))?;
            match next.first() {
                Some(b'\r' | b'\n') => self.reader.consume(1),
                _ => break,
            }
        }
        Ok(body)
    }

    fn to_document(&self, h: &Header, body: Vec<u8>) -> Result<Outcome, WarcErrorKind> {
        let id =
            h.id.as_deref()
                .map(|i| {
                    i.trim_matches(['<', '>'])
                        .trim_start_matches("urn:uuid:")
                        .to_string()
                })
                .unwrap_or_else(|| format!("{}#{}", self.name.display(), self.record));
        let warc_ct = h.content_type.as_deref().unwrap_or("").to_ascii_lowercase();
        let mut doc = match h.warc_type.as_str() {
            "response" if warc_ct.starts_with("application/http") || warc_ct.is_empty() => {
                let Some(http) = HttpResponse::parse(&body) else {
                    return Ok(Outcome::Skip("responses without HTTP headers".into()));
                };
                if !(200..300).contains(&http.status) {
                    return Ok(Outcome::Skip(
                        format!("HTTP {} responses", http.status / 100 * 100).replace("00 ", "xx "),
                    ));
                }
                if !is_html(http.header("content-type")) {
                    return Ok(Outcome::Skip("non-HTML responses".into()));
                }
                let payload = http
                    .payload(self.options.read.max_bytes)
                    .map_err(WarcErrorKind::Payload)?;
                let charset = http.header("content-type").and_then(charset_of);
                self.html(&id, &payload, h.uri.as_deref(), charset)?
            }
            "resource" | "response" if is_html(Some(&warc_ct)) => {
                self.html(&id, &body, h.uri.as_deref(), charset_of(&warc_ct))?
            }
            "conversion" if warc_ct.starts_with("text/plain") || warc_ct.is_empty() => {
                let text = decode_text(
                    &self.name,
                    &body,
                    &ReadOptions {
                        lossy_utf8: true,
                        ..self.options.read.clone()
                    },
                )
                .map_err(|e| WarcErrorKind::Content(Box::new(e)))?;
                read_text(id, text)
            }
            "" => return Ok(Outcome::Skip("records without WARC-Type".into())),
            other => return Ok(Outcome::Skip(other.to_string())),
        };
        if doc.metadata.url.is_none() {
            doc.metadata.url = h.uri.clone();
        } else if h.uri.is_some()
            && doc.metadata.canonical_url.is_none()
            && doc.metadata.url != h.uri
        {
            doc.metadata.canonical_url = doc.metadata.url.take();
            doc.metadata.url = h.uri.clone();
        }
        Ok(Outcome::Document(Box::new(doc)))
    }

    fn html(
        &self,
        id: &str,
        bytes: &[u8],
        uri: Option<&str>,
        charset: Option<&str>,
    ) -> Result<Document, WarcErrorKind> {
        let mut options = self.options.html.clone();
        if let Some(uri) = uri {
            options = options.with_url(uri);
        }
        if let Some(charset) = charset {
            options = options.with_charset(charset);
        }
        read_html_bytes(id, bytes, &options).map_err(|e| WarcErrorKind::Content(Box::new(e)))
    }
}

impl<R: BufRead> Iterator for WarcDocuments<R> {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            self.record += 1;
            let block = match self.header_block() {
                Ok(Some(block)) => block,
                Ok(None) => {
                    self.done = true;
                    if self.produced == 0 && self.errors == 0 {
                        return Some(Err(self.error(
                            false,
                            None,
                            WarcErrorKind::NoDocuments(self.skipped.clone()),
                        )));
                    }
                    return None;
                }
                Err(kind) => {
                    self.done = true;
                    let record = !matches!(kind, WarcErrorKind::NotWarc);
                    return Some(Err(self.error(record, None, kind)));
                }
            };
            let header = match Self::parse_header(&block) {
                Ok(h) => h,
                Err(kind) => {
                    self.done = true;
                    return Some(Err(self.error(true, None, kind)));
                }
            };
            let limit = self.options.read.max_bytes;
            let body = match self.body(header.length, limit) {
                Ok(body) => body,
                Err(kind) => {
                    self.done = true;
                    return Some(Err(self.error(true, header.uri, kind)));
                }
            };
            let Some(body) = body else {
                // Only worth an error when it could have been an article.
                if matches!(
                    header.warc_type.as_str(),
                    "response" | "resource" | "conversion"
                ) {
                    self.errors += 1;
                    let kind = WarcErrorKind::TooLarge {
                        size: header.length,
                        limit,
                    };
                    return Some(Err(self.error(true, header.uri, kind)));
                }
                *self.skipped.0.entry(header.warc_type.clone()).or_default() += 1;
                continue;
            };
            match self.to_document(&header, body) {
                Ok(Outcome::Document(doc)) => {
                    self.produced += 1;
                    return Some(Ok(*doc));
                }
                Ok(Outcome::Skip(why)) => *self.skipped.0.entry(why).or_default() += 1,
                Err(kind) => {
                    self.errors += 1;
                    return Some(Err(self.error(true, header.uri, kind)));
                }
            }
        }
        None
    }
}

fn io_kind(gzip: bool, e: io::Error) -> WarcErrorKind {
    if gzip
        && matches!(
            e.kind(),
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
        )
    {
        WarcErrorKind::Gzip(e)
    } else {
        WarcErrorKind::Io(e)
    }
}

/// The `charset=` parameter of a Content-Type.
fn charset_of(content_type: &str) -> Option<&str> {
    content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|v| !v.is_empty())
}

fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let ct = ct.trim().to_ascii_lowercase();
        ct.starts_with("text/html") || ct.starts_with("application/xhtml+xml")
    })
}

/// An HTTP response inside a `response` record.
struct HttpResponse<'a> {
    status: u16,
    headers: Vec<(String, String)>,
    body: &'a [u8],
}

impl<'a> HttpResponse<'a> {
    fn parse(bytes: &'a [u8]) -> Option<HttpResponse<'a>> {
        if !bytes.starts_with(b"HTTP/") {
            return None;
        }
        let head_len = bytes.len().min(MAX_HEADER_BYTES);
        let (end, sep) = memchr_find(&bytes[..head_len], b"\r\n\r\n")
            .map(|i| (i, 4))
            .or_else(|| memchr_find(&bytes[..head_len], b"\n\n").map(|i| (i, 2)))?;
        let head = String::from_utf8_lossy(&bytes[..end]);
        let mut lines = head.lines();
        let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Some(HttpResponse {
            status,
            headers,
            body: &bytes[end + sep..],
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The payload with transfer and content encodings undone.
    fn payload(&self, limit: u64) -> Result<Vec<u8>, String> {
        let chunked = self
            .header("transfer-encoding")
            .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
        let raw = if chunked {
            dechunk(self.body).unwrap_or_else(|| self.body.to_vec())
        } else {
            self.body.to_vec()
        };
        let encoding = self
            .header("content-encoding")
            .unwrap_or("identity")
            .trim()
            .to_ascii_lowercase();
        let mut out = Vec::new();
        let cap = limit.saturating_add(1);
        let result = match encoding.as_str() {
            "" | "identity" | "none" => return Ok(raw),
            "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&raw[..])
                .take(cap)
                .read_to_end(&mut out),
            "deflate" => {
                let zlib = flate2::read::ZlibDecoder::new(&raw[..])
                    .take(cap)
                    .read_to_end(&mut out);
                if zlib.is_err() {
                    out.clear();
                    flate2::read::DeflateDecoder::new(&raw[..])
                        .take(cap)
                        .read_to_end(&mut out)
                } else {
                    zlib
                }
            }
            other => return Err(format!("unsupported Content-Encoding {other:?}")),
        };
        result.map_err(|e| format!("{encoding}: {e}"))?;
        if out.len() as u64 > limit {
            return Err(format!(
                "decompressed payload over the limit of {limit} bytes"
            ));
        }
        Ok(out)
    }
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Undoes chunked transfer encoding; `None` when the body is not chunked.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = memchr_find(body, b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..eol]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size..)?;
        body = body.strip_prefix(b"\r\n").unwrap_or(body);
    }
}

#[cfg(test)]
mod tests {
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
}
