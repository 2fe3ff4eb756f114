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
//! - Gzip is `flate2` (the most used deflate crate, with a pure-Rust
//!   backend): [`WarcDocuments::gzip_members`] inflates one member at a time
//!   with its `bufread::GzDecoder` (`members.rs`), so that the records after
//!   a damaged member are still read.
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
//! # Damage
//!
//! A record that cannot be read is one error item and the next record is
//! read. Damage that loses the record boundaries is one error item naming
//! the skipped byte range, and reading resumes at the next record:
//! - in a `.warc.gz`, a member that does not inflate (corrupt, truncated,
//!   wrong checksum) or bytes between members that are not gzip: the reader
//!   scans on from just after the damaged member's first byte for the next
//!   gzip header whose data inflates to a record starting with `WARC/1.`; the
//!   range is in compressed bytes. A record is only given out once its
//!   member's checksum has been verified, so a corrupt member never yields a
//!   silently altered document.
//! - in a plain `.warc`, a malformed header block or a line where a record
//!   should start: the reader resumes at the next line starting with
//!   `WARC/1.`.
//!
//! Offsets in messages are 0-based, both ends included. A plain file that
//! does not start with a record, or a gzip one whose first member inflates
//! to something else, is [`WarcErrorKind::NotWarc`]; when damage comes
//! before any record, the scan gives up after [`MAX_SCAN_BYTES`]. A file
//! without any readable record fails with [`WarcErrorKind::NoDocuments`],
//! which counts what was skipped.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::PathBuf;

use unspin_document::Document;
use warc::WarcHeader;

use crate::detect::read_html_bytes;
use crate::{decode_text, read_text, IngestOptions, ReadError, ReadOptions};

mod http;
mod members;

use http::{charset_of, is_html, HttpResponse};
pub(crate) use members::gunzip_head;
use members::{Found, Members, Tape};

/// The largest header block of one record, in bytes.
pub const MAX_HEADER_BYTES: usize = 256 * 1024;

/// How far the reader scans for a record after damage that came before
/// any record was read, before it calls the input not a WARC file.
pub const MAX_SCAN_BYTES: u64 = 8 * 1024 * 1024;

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

/// The bytes skipped after damage, and where reading went on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Skipped {
    /// First skipped byte (0-based offset in the file as stored).
    pub start: u64,
    /// Offset just after the last skipped byte.
    pub end: u64,
    /// Whether the offsets count compressed bytes (a `.warc.gz`).
    pub compressed: bool,
    /// Where reading went on.
    pub then: Resumed,
}

/// Where reading went on after damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resumed {
    /// At the next record.
    NextRecord,
    /// Nowhere: the file ends.
    EndOfFile,
    /// Nowhere: the rest of the file is skipped (no record found in
    /// [`MAX_SCAN_BYTES`], or the damage cannot be passed).
    RestSkipped,
}

/// `12345` as `12,345`.
fn thousands(n: u64) -> String {
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

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = if self.compressed {
            "gzip member"
        } else {
            "record"
        };
        if self.then == Resumed::RestSkipped {
            return write!(
                f,
                "the rest of the file (from byte {}) is skipped",
                thousands(self.start)
            );
        }
        let last = self.end.saturating_sub(1).max(self.start);
        write!(
            f,
            "bytes {}–{} skipped, ",
            thousands(self.start),
            thousands(last)
        )?;
        match self.then {
            Resumed::NextRecord => write!(f, "reading resumes at the next {unit}"),
            _ => write!(f, "the file ends there"),
        }
    }
}

/// What is wrong with a WARC file or record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WarcErrorKind {
    /// Damaged gzip data: a member that does not inflate or whose checksum
    /// is wrong, a truncated member, or bytes between members that are not
    /// gzip.
    #[error("truncated or corrupt gzip data ({error}); {skipped}")]
    Gzip {
        /// What the decoder said.
        error: io::Error,
        /// The damaged range and where reading went on.
        skipped: Skipped,
    },
    /// Reading failed.
    #[error("cannot read: {0}")]
    Io(io::Error),
    /// The input does not start with a WARC record.
    #[error("not a WARC file (it does not start with \"WARC/\")")]
    NotWarc,
    /// No record was found in the first [`MAX_SCAN_BYTES`] of a damaged
    /// input.
    #[error("not a WARC file (no readable WARC record in its first {} bytes)", thousands(*.0))]
    NoRecord(u64),
    /// A header block that does not parse, or a line where a record should
    /// start.
    #[error("malformed WARC record header{detail}; {skipped}")]
    Header {
        /// What is wrong with it (may be empty).
        detail: String,
        /// The skipped range and where reading went on.
        skipped: Skipped,
    },
    /// The file ends inside a record.
    #[error("the file ends inside this record (truncated WARC file)")]
    Truncated,
    /// In a `.warc.gz`, the record's data ends before its Content-Length.
    #[error("the record ends before its Content-Length; {0}")]
    Incomplete(Skipped),
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

/// Where the records come from.
enum Source<R> {
    /// Uncompressed WARC (or decompressed outside; `gzip` then says so).
    Plain { tape: Tape<R>, gzip: bool },
    /// A `.warc.gz` read member by member.
    Members(Members<R>),
}

impl<R: Read> Source<R> {
    /// The next bytes without going past the end of the current gzip member.
    fn peek_here(&mut self) -> io::Result<&[u8]> {
        match self {
            Source::Plain { tape, .. } => tape.fill_buf(),
            Source::Members(m) => m.peek_here(),
        }
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain { tape, .. } => tape.read(out),
            Source::Members(m) => m.read(out),
        }
    }
}

impl<R: Read> BufRead for Source<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self {
            Source::Plain { tape, .. } => tape.fill_buf(),
            Source::Members(m) => m.fill_buf(),
        }
    }

    fn consume(&mut self, amt: usize) {
        match self {
            Source::Plain { tape, .. } => tape.consume(amt),
            Source::Members(m) => m.consume(amt),
        }
    }
}

/// Why a record's framing could not be read (before it becomes an error).
enum Fault {
    NotWarc,
    Header(String),
    Truncated,
    Io(io::Error),
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
    source: Source<R>,
    options: IngestOptions,
    record: u64,
    /// Records whose header parsed (for the scan limit).
    found: u64,
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
    /// Reads the uncompressed (or already decompressed) WARC stream
    /// `reader`; `gzip` says whether it came through a gzip decoder (for
    /// error messages: damaged gzip data then ends the file); `name` is used
    /// in ids and errors.
    pub fn new(
        name: impl Into<PathBuf>,
        reader: R,
        gzip: bool,
        options: IngestOptions,
    ) -> WarcDocuments<R> {
        let tape = Tape::new(reader);
        WarcDocuments::with_source(name.into(), Source::Plain { tape, gzip }, options)
    }

    /// Reads the gzip-compressed WARC stream `compressed` (a `.warc.gz`)
    /// member by member, resuming after a damaged member; see the
    /// [module documentation](self).
    pub fn gzip_members(
        name: impl Into<PathBuf>,
        compressed: R,
        options: IngestOptions,
    ) -> WarcDocuments<R> {
        let source = Source::Members(Members::new(compressed));
        WarcDocuments::with_source(name.into(), source, options)
    }

    fn with_source(name: PathBuf, source: Source<R>, options: IngestOptions) -> Self {
        WarcDocuments {
            name,
            source,
            options,
            record: 0,
            found: 0,
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

    /// The next header block, or `None` at a clean end.
    fn header_block(&mut self) -> Result<Option<Vec<u8>>, Fault> {
        let mut buf = Vec::new();
        loop {
            let room = (MAX_HEADER_BYTES + 1).saturating_sub(buf.len()) as u64;
            let n = (&mut self.source)
                .take(room)
                .read_until(b'\n', &mut buf)
                .map_err(Fault::Io)?;
            if n == 0 {
                return if buf.iter().all(u8::is_ascii_whitespace) {
                    Ok(None)
                } else {
                    Err(Fault::Truncated)
                };
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                // Blank lines between records.
                buf.clear();
                continue;
            }
            if !buf.starts_with(b"WARC/") {
                return Err(if self.record <= 1 && self.errors == 0 {
                    Fault::NotWarc
                } else {
                    Fault::Header(" (no record starts here)".to_string())
                });
            }
            if buf.ends_with(b"\r\n\r\n") || buf.ends_with(b"\n\n") || buf.ends_with(b"\n\r\n") {
                return Ok(Some(buf));
            }
            if buf.len() > MAX_HEADER_BYTES {
                return Err(Fault::Header(format!(" (over {MAX_HEADER_BYTES} bytes)")));
            }
        }
    }

    fn parse_header(block: &[u8]) -> Result<Header, Fault> {
        let (_, (_version, fields, _)) = warc::parser::headers(block).map_err(|_| {
            Fault::Header(" (it does not follow the WARC header grammar)".to_string())
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
                    length = Some(
                        value
                            .parse::<u64>()
                            .map_err(|_| Fault::Header(format!(" (Content-Length {value:?})")))?,
                    )
                }
                _ => {}
            }
        }
        h.length = length.ok_or_else(|| Fault::Header(" (no Content-Length)".to_string()))?;
        Ok(h)
    }

    /// Reads a body of `len` bytes, or skips it when over `limit`
    /// (`Ok(None)`), then the blank lines that end the record (and, in a
    /// `.warc.gz`, the end of its member with the checksum).
    fn body(&mut self, len: u64, limit: u64) -> Result<Option<Vec<u8>>, Fault> {
        let body = if len > limit {
            let skipped =
                io::copy(&mut (&mut self.source).take(len), &mut io::sink()).map_err(Fault::Io)?;
            if skipped < len {
                return Err(Fault::Truncated);
            }
            None
        } else {
            let mut body = Vec::with_capacity(len.min(1 << 20) as usize);
            (&mut self.source)
                .take(len)
                .read_to_end(&mut body)
                .map_err(Fault::Io)?;
            if (body.len() as u64) < len {
                return Err(Fault::Truncated);
            }
            Some(body)
        };
        // The record ends with CRLF CRLF; be lenient about how many.
        let mut eaten = 0;
        let members = self.is_members();
        loop {
            let next = self.source.peek_here().map_err(Fault::Io)?;
            match next.first() {
                Some(b'\r' | b'\n') if eaten < 4 || members => {
                    self.source.consume(1);
                    eaten += 1;
                }
                _ => break,
            }
        }
        // In a .warc.gz, what follows in the member must be another record,
        // or the member's end, whose checksum is verified before the record
        // is given out: a corrupt member never yields an altered document.
        if let Source::Members(m) = &mut self.source {
            m.confine = false;
            let next = m.peek_here_at_least(5).map_err(Fault::Io)?;
            if !next.is_empty() && !next.starts_with(b"WARC/") {
                return Err(Fault::Io(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the record is not followed by another one",
                )));
            }
        }
        Ok(body)
    }

    /// Turns a framing fault into an error item, and resynchronises at the
    /// next record when the source allows it.
    fn fault(&mut self, fault: Fault, uri: Option<String>, start: u64) -> ReadError {
        self.errors += 1;
        let start = match &self.source {
            Source::Members(m) => m.member_start(),
            Source::Plain { .. } => start,
        };
        let gzip_members = matches!(self.source, Source::Members(_));
        if matches!(fault, Fault::NotWarc) && !gzip_members {
            self.done = true;
            return self.error(false, None, WarcErrorKind::NotWarc);
        }
        let limit = (self.found == 0).then_some(MAX_SCAN_BYTES);
        let (skipped, compressed) = match &mut self.source {
            Source::Plain { tape, gzip } => {
                if !matches!(fault, Fault::Header(_)) {
                    self.done = true;
                    let kind = match fault {
                        Fault::Io(error) if *gzip && is_gzip_error(&error) => WarcErrorKind::Gzip {
                            error,
                            skipped: Skipped {
                                start,
                                end: start,
                                compressed: false,
                                then: Resumed::RestSkipped,
                            },
                        },
                        Fault::Io(e) => WarcErrorKind::Io(e),
                        _ => WarcErrorKind::Truncated,
                    };
                    return self.error(true, uri, kind);
                }
                tape.rewind(start + 1);
                let at = tape.find(8, limit, |w| w == b"\nWARC/1.");
                let found = match at {
                    Ok(Some(at)) => {
                        tape.consume(1);
                        Found::Member(at + 1)
                    }
                    Ok(None) if limit.is_some_and(|l| tape.offset() >= l) => {
                        Found::GaveUp(tape.offset())
                    }
                    Ok(None) => Found::End(tape.offset()),
                    Err(e) => {
                        self.done = true;
                        return self.error(true, uri, WarcErrorKind::Io(e));
                    }
                };
                (found, false)
            }
            Source::Members(m) => match m.resync(limit) {
                Ok(found) => (found, true),
                Err(e) => {
                    self.done = true;
                    return self.error(true, uri, WarcErrorKind::Io(e));
                }
            },
        };
        let (end, then) = match skipped {
            Found::Member(at) => (at, Resumed::NextRecord),
            Found::End(_) | Found::GaveUp(_) if matches!(fault, Fault::NotWarc) => {
                self.done = true;
                return self.error(false, None, WarcErrorKind::NotWarc);
            }
            Found::End(at) => {
                self.done = true;
                (at, Resumed::EndOfFile)
            }
            Found::GaveUp(at) => {
                self.done = true;
                if self.found == 0 && self.produced == 0 {
                    return self.error(false, None, WarcErrorKind::NoRecord(at));
                }
                (at, Resumed::RestSkipped)
            }
        };
        let skipped = Skipped {
            start,
            end,
            compressed,
            then,
        };
        let kind = match fault {
            Fault::Io(error) if compressed => WarcErrorKind::Gzip { error, skipped },
            Fault::Io(e) => WarcErrorKind::Io(e),
            Fault::Header(detail) => WarcErrorKind::Header { detail, skipped },
            Fault::NotWarc => WarcErrorKind::Header {
                detail: " (no record starts here)".to_string(),
                skipped,
            },
            Fault::Truncated => WarcErrorKind::Incomplete(skipped),
        };
        self.error(true, uri, kind)
    }

    fn is_members(&self) -> bool {
        matches!(self.source, Source::Members(_))
    }

    /// Where the next record starts (uncompressed offset), kept so that a
    /// damaged header can be scanned again from just after it.
    fn begin_record(&mut self) -> u64 {
        match &mut self.source {
            Source::Plain { tape, .. } => {
                let at = tape.offset();
                tape.set_mark(Some(at));
                at
            }
            Source::Members(m) => m.member_start(),
        }
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
            let fresh = matches!(&self.source, Source::Members(m) if m.between());
            let start = self.begin_record();
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
                Err(fault) => return Some(Err(self.fault(fault, None, start))),
            };
            let header = match Self::parse_header(&block) {
                Ok(h) => h,
                Err(fault) => return Some(Err(self.fault(fault, None, start))),
            };
            self.found += 1;
            if let Source::Members(m) = &mut self.source {
                // A record that started a member must end in it.
                m.confine = fresh;
            }
            let limit = self.options.read.max_bytes;
            let body = match self.body(header.length, limit) {
                Ok(body) => body,
                Err(fault) => return Some(Err(self.fault(fault, header.uri, start))),
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

fn is_gzip_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof
    )
}

#[cfg(test)]
mod tests;
