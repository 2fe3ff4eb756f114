//! Format detection and dispatch: one entry point that turns a path or a
//! stream into [`Document`]s, whatever the format.
//!
//! # Formats and how `auto` tells them apart
//!
//! | [`InputFormat`] | reader | documents |
//! |---|---|---|
//! | `text` | [`read_text`](crate::read_text) | one |
//! | `ptc` | [`read_ptc_article`](crate::read_ptc_article) | one |
//! | `markdown` | [`read_markdown`](crate::read_markdown) | one |
//! | `html` | [`read_html`](crate::read_html) | one |
//! | `warc` | [`WarcDocuments`] (`.warc`, `.warc.gz`) | one per HTML record |
//! | `jsonl` | [`JsonlDocuments`] | one per line |
//!
//! [`InputFormat::Auto`] decides with [`detect_format`], in this order:
//! gzip data is looked into (only WARC and JSON Lines may be compressed); a
//! stream starting with `WARC/` is WARC; then the file name
//! (`.warc`, `.warc.gz`, `.jsonl`/`.ndjson`, `.html`/`.htm`/`.xhtml`,
//! `.md`/`.markdown`, `article<digits>.txt` for PTC, `.txt`/`.text`); then the
//! content (an HTML doctype or `<html>`/`<body>`/`<p>`-like tags, a first line
//! that is a JSON object, Markdown links or headings); plain text otherwise.
//!
//! # Streaming and limits
//!
//! [`open_path`] and [`open_reader`] return [`Documents`], an iterator of
//! `Result<Document, ReadError>`: a WARC or JSON Lines input is read one
//! record or line at a time with bounded memory, and a bad record or line is
//! one error item among the documents. Single-document formats are read
//! whole, up to [`ReadOptions::max_bytes`] (a larger file fails with
//! [`ReadError::TooLarge`] before anything is read); for WARC and JSON Lines
//! that limit applies to each record or line instead.
//!
//! ```
//! use unspin_readers::{open_reader, IngestOptions, InputFormat};
//!
//! let input = "{\"id\": \"a\", \"html\": \"<html><body><p>Hello from a page that has a paragraph.</p></body></html>\"}\n";
//! let mut docs = open_reader("<stdin>", input.as_bytes(), InputFormat::Auto, &IngestOptions::default())?;
//! assert_eq!(docs.format(), InputFormat::Jsonl);
//! let doc = docs.next().unwrap()?;
//! assert!(doc.text().contains("Hello from a page"));
//! # Ok::<(), unspin_readers::ReadError>(())
//! ```

use std::fmt;
use std::fs;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;
use std::str::FromStr;

use unspin_document::Document;

use crate::{
    decode_text, read_html, read_markdown_bytes, read_ptc_article, read_text, HtmlOptions,
    JsonlDocuments, ReadError, ReadOptions, WarcDocuments,
};

/// How many leading bytes [`InputFormat::Auto`] looks at.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// The input formats; see the [module documentation](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum InputFormat {
    /// Decide from the content and the file name.
    #[default]
    Auto,
    /// Plain UTF-8 text, kept byte for byte.
    Text,
    /// A PTC article (`article<ID>.txt`), kept byte for byte, BOM included.
    Ptc,
    /// Markdown or scraped Markdown-like text.
    Markdown,
    /// An HTML page.
    Html,
    /// A WARC web archive, plain or gzip-compressed.
    Warc,
    /// JSON Lines, one article object per line.
    Jsonl,
}

impl InputFormat {
    /// Every format, in the order of their names in messages.
    pub const ALL: [InputFormat; 7] = [
        InputFormat::Auto,
        InputFormat::Text,
        InputFormat::Ptc,
        InputFormat::Markdown,
        InputFormat::Html,
        InputFormat::Warc,
        InputFormat::Jsonl,
    ];

    /// The format's name, as accepted by [`FromStr`].
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Text => "text",
            InputFormat::Ptc => "ptc",
            InputFormat::Markdown => "markdown",
            InputFormat::Html => "html",
            InputFormat::Warc => "warc",
            InputFormat::Jsonl => "jsonl",
        }
    }

    /// True for formats that hold many documents (WARC, JSON Lines).
    pub fn is_multi(self) -> bool {
        matches!(self, InputFormat::Warc | InputFormat::Jsonl)
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown format name; the message lists the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown input format {0:?} (expected one of auto, text, ptc, markdown, html, warc, jsonl)"
)]
pub struct UnknownFormat(pub String);

impl FromStr for InputFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<InputFormat, UnknownFormat> {
        let lower = s.trim().to_ascii_lowercase();
        let alias = match lower.as_str() {
            "md" => "markdown",
            "txt" => "text",
            "htm" => "html",
            "ndjson" | "json-lines" => "jsonl",
            other => other,
        };
        InputFormat::ALL
            .into_iter()
            .find(|f| f.name() == alias)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// How inputs are read.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct IngestOptions {
    /// Decoding and the size limit (per document, or per WARC record and
    /// JSON Lines line).
    pub read: ReadOptions,
    /// Options for the HTML reader (its `url` is set per record for WARC).
    pub html: HtmlOptions,
}

impl IngestOptions {
    /// Options with the given [`ReadOptions`].
    pub fn with_read(read: ReadOptions) -> IngestOptions {
        IngestOptions {
            read,
            html: HtmlOptions::default(),
        }
    }
}

/// Tells the format of an input from its first bytes (decompressed, when it
/// was gzip) and its name; never returns [`InputFormat::Auto`].
pub fn detect_format(name: Option<&Path>, head: &[u8]) -> InputFormat {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let body = &head[start..];
    if body.starts_with(b"WARC/") {
        return InputFormat::Warc;
    }
    if let Some(name) = name.and_then(|n| n.file_name()).and_then(|n| n.to_str()) {
        let lower = name.to_ascii_lowercase();
        let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
        let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "warc" => return InputFormat::Warc,
            "jsonl" | "ndjson" => return InputFormat::Jsonl,
            "html" | "htm" | "xhtml" => return InputFormat::Html,
            "md" | "markdown" | "mdown" | "mkd" => return InputFormat::Markdown,
            _ => {}
        }
        let ptc = lower
            .strip_prefix("article")
            .and_then(|rest| rest.strip_suffix(".txt"))
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
        if ptc {
            return InputFormat::Ptc;
        }
        if matches!(ext, "txt" | "text") {
            return InputFormat::Text;
        }
    }
    let lower: Vec<u8> = body.iter().take(2048).map(u8::to_ascii_lowercase).collect();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    if lower.starts_with(b"<!doctype html")
        || lower.starts_with(b"<html")
        || (lower.starts_with(b"<")
            && (has(b"<body") || has(b"<head") || has(b"<p>") || has(b"<div")))
    {
        return InputFormat::Html;
    }
    let first_line = body.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first_line = first_line.trim_ascii();
    if first_line.starts_with(b"{")
        && first_line.ends_with(b"}")
        && serde_json::from_slice::<serde_json::Value>(first_line).is_ok()
    {
        return InputFormat::Jsonl;
    }
    let markdown_lines = body
        .split(|&b| b == b'\n')
        .filter(|l| {
            let l = l.trim_ascii_start();
            l.starts_with(b"# ")
                || l.starts_with(b"## ")
                || l.starts_with(b"> ")
                || l.windows(2).any(|w| w == b"](")
        })
        .count();
    if markdown_lines > 0 {
        return InputFormat::Markdown;
    }
    InputFormat::Text
}

/// The documents of one input, read as they are asked for.
pub struct Documents {
    format: InputFormat,
    inner: Inner,
}

enum Inner {
    One(Option<Box<Result<Document, ReadError>>>),
    Warc(Box<WarcDocuments<Box<dyn BufRead + Send>>>),
    Jsonl(Box<JsonlDocuments<Box<dyn BufRead + Send>>>),
}

impl Documents {
    /// The format the input was read as (never [`InputFormat::Auto`]).
    pub fn format(&self) -> InputFormat {
        self.format
    }

    fn one(format: InputFormat, result: Result<Document, ReadError>) -> Documents {
        Documents {
            format,
            inner: Inner::One(Some(Box::new(result))),
        }
    }
}

impl fmt::Debug for Documents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Documents")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl Iterator for Documents {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::One(one) => one.take().map(|b| *b),
            Inner::Warc(w) => w.next(),
            Inner::Jsonl(j) => j.next(),
        }
    }
}

/// Opens the file at `path` and reads it as `format`
/// ([`InputFormat::Auto`]: detected).
///
/// # Errors
/// Only for failures before the first document: a missing file, a
/// directory, an unreadable or undecodable gzip stream, gzip data that is not
/// WARC or JSON Lines. Everything else (including a single-document file
/// that is too large, binary or not UTF-8) comes as an item of the iterator.
pub fn open_path(
    path: impl AsRef<Path>,
    format: InputFormat,
    options: &IngestOptions,
) -> Result<Documents, ReadError> {
    let path = path.as_ref();
    let meta = fs::metadata(path).map_err(|e| ReadError::io(path, e))?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    let file = fs::File::open(path).map_err(|e| ReadError::io(path, e))?;
    open_stream(
        path,
        Some(meta.len()),
        true,
        Box::new(file),
        format,
        options,
    )
}

/// Reads a stream (standard input, a socket…) as `format`; `name` (such as
/// `<stdin>`) stands for it in errors and ids.
///
/// # Errors
/// As [`open_path`].
pub fn open_reader(
    name: &str,
    reader: impl Read + Send + 'static,
    format: InputFormat,
    options: &IngestOptions,
) -> Result<Documents, ReadError> {
    open_stream(
        Path::new(name),
        None,
        false,
        Box::new(reader),
        format,
        options,
    )
}

/// Reads every document of the file at `path` (see [`open_path`]).
///
/// # Errors
/// The first error, whether about the whole file or one of its records.
pub fn read_any(
    path: impl AsRef<Path>,
    format: InputFormat,
    options: &IngestOptions,
) -> Result<Vec<Document>, ReadError> {
    open_path(path, format, options)?.collect()
}

/// Reads up to [`SNIFF_BYTES`] from `reader` and gives back the bytes and a
/// reader that still yields everything.
///
/// A read error after some bytes (a gzip stream cut short) is kept for the
/// reader to report after those bytes, so that what came before is read.
fn sniff(mut reader: Box<dyn Read + Send>) -> io::Result<(Vec<u8>, Box<dyn Read + Send>)> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    if let Err(e) = (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
    {
        if head.is_empty() {
            return Err(e);
        }
        let again = Cursor::new(head.clone()).chain(FailOnce(Some(e)));
        return Ok((head, Box::new(again)));
    }
    let again = Cursor::new(head.clone()).chain(reader);
    Ok((head, Box::new(again)))
}

/// A reader that fails once with a stored error, then reads as empty.
struct FailOnce(Option<io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

fn open_stream(
    name: &Path,
    size: Option<u64>,
    is_file: bool,
    reader: Box<dyn Read + Send>,
    format: InputFormat,
    options: &IngestOptions,
) -> Result<Documents, ReadError> {
    let io_err = |e: io::Error| ReadError::io(name, e);
    let (head, reader) = sniff(reader).map_err(io_err)?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    // A .warc.gz is read member by member (see warc/members.rs); only the head is inflated here.
    let warc_gz = format == InputFormat::Warc || name.to_string_lossy().ends_with(".warc.gz");
    let head = match gzip.then(|| crate::warc::gunzip_head(&head, SNIFF_BYTES)) {
        None => head,
        Some(Ok(plain)) => plain,
        Some(Err(_)) if warc_gz => Vec::new(),
        Some(Err(e)) => Err(ReadError::UnsupportedFormat {
            path: name.to_path_buf(),
            reason: format!("truncated or corrupt gzip data ({e})"),
        })?,
    };
    let format = match format {
        InputFormat::Auto => detect_format(is_file.then_some(name), &head),
        f => f,
    };
    if gzip && !format.is_multi() {
        return Err(ReadError::UnsupportedFormat {
            path: name.to_path_buf(),
            reason: format!(
                "gzip-compressed {format} is not read (only WARC and JSON Lines may be compressed); decompress it first"
            ),
        });
    }
    let reader: Box<dyn Read + Send> = match gzip && format != InputFormat::Warc {
        true => Box::new(flate2::read::MultiGzDecoder::new(reader)),
        false => reader,
    };
    let buffered =
        || -> Box<dyn BufRead + Send> { Box::new(BufReader::with_capacity(256 * 1024, reader)) };
    match format {
        InputFormat::Warc => {
            let warc = match gzip {
                true => WarcDocuments::gzip_members(name, buffered(), options.clone()),
                false => WarcDocuments::new(name, buffered(), false, options.clone()),
            };
            return Ok(Documents {
                format,
                inner: Inner::Warc(Box::new(warc)),
            });
        }
        InputFormat::Jsonl => {
            let jsonl = JsonlDocuments::new(name, buffered(), options.clone());
            return Ok(Documents {
                format,
                inner: Inner::Jsonl(Box::new(jsonl)),
            });
        }
        _ => {}
    }
    if format == InputFormat::Ptc && is_file {
        return Ok(Documents::one(format, read_ptc_article(name)));
    }
    let limit = options.read.max_bytes;
    let too_large = |size: u64| ReadError::TooLarge {
        path: name.to_path_buf(),
        size,
        limit,
    };
    if let Some(size) = size.filter(|&s| s > limit) {
        return Ok(Documents::one(format, Err(too_large(size))));
    }
    let mut bytes = Vec::new();
    if let Err(e) = buffered()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        return Ok(Documents::one(format, Err(io_err(e))));
    }
    if bytes.len() as u64 > limit {
        return Ok(Documents::one(
            format,
            Err(too_large(size.unwrap_or(0).max(bytes.len() as u64))),
        ));
    }
    let id = if is_file {
        name.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        "stdin".to_string()
    };
    let result = read_one(&id, name, &bytes, format, options).map(|mut doc| {
        if is_file && doc.metadata.url.is_none() {
            doc.metadata.url = Some(name.display().to_string());
        }
        doc
    });
    Ok(Documents::one(format, result))
}

/// Reads one single-document input held in memory.
fn read_one(
    id: &str,
    name: &Path,
    bytes: &[u8],
    format: InputFormat,
    options: &IngestOptions,
) -> Result<Document, ReadError> {
    match format {
        InputFormat::Markdown => read_markdown_bytes(id, name, bytes, &options.read),
        InputFormat::Html => read_html_bytes(id, bytes, &options.html),
        InputFormat::Ptc => {
            let ptc = ReadOptions {
                keep_bom: true,
                lossy_utf8: false,
                ..options.read.clone()
            };
            Ok(Document::new(id, decode_text(name, bytes, &ptc)?))
        }
        _ => Ok(read_text(id, decode_text(name, bytes, &options.read)?)),
    }
}

/// The HTML reader behind every format that carries HTML (files, WARC
/// records, JSON Lines `html` fields).
pub(crate) fn read_html_bytes(
    id: &str,
    bytes: &[u8],
    options: &HtmlOptions,
) -> Result<Document, ReadError> {
    read_html(id, bytes, options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn detection_by_content_and_name() {
        let d = |name: Option<&str>, head: &[u8]| detect_format(name.map(Path::new), head);
        assert_eq!(d(None, b"\r\nWARC/1.0\r\n"), InputFormat::Warc);
        assert_eq!(d(Some("a.warc.gz"), b""), InputFormat::Warc);
        assert_eq!(d(Some("x/article123.txt"), b"Title"), InputFormat::Ptc);
        assert_eq!(d(Some("notes.txt"), b"# Heading"), InputFormat::Text);
        assert_eq!(d(Some("a.MD"), b"Title"), InputFormat::Markdown);
        assert_eq!(d(None, b"<!DOCTYPE html><html>"), InputFormat::Html);
        assert_eq!(d(None, b"  <div><p>hi</p></div>"), InputFormat::Html);
        assert_eq!(
            d(None, b"{\"id\":1,\"text\":\"x\"}\n{\"id\":2"),
            InputFormat::Jsonl
        );
        assert_eq!(d(None, b"Title\n\nBy [A B](#)\n"), InputFormat::Markdown);
        assert_eq!(d(None, b"Just text.\n"), InputFormat::Text);
        assert_eq!(d(Some("data.bin"), b"\x00\x01\x02"), InputFormat::Text);
        assert_eq!("MD".parse::<InputFormat>(), Ok(InputFormat::Markdown));
        assert!("pdf"
            .parse::<InputFormat>()
            .unwrap_err()
            .to_string()
            .contains("expected one of auto"));
    }

    #[test]
    fn gzip_that_is_not_warc_is_refused_and_truncated_gzip_is_reported(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"plain text, compressed")?;
        let bytes = gz.finish()?;
        let err = open_reader(
            "<stdin>",
            Cursor::new(bytes.clone()),
            InputFormat::Auto,
            &IngestOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("decompress it first"), "{err}");
        let err = open_reader(
            "<stdin>",
            Cursor::new(bytes[..bytes.len() / 2].to_vec()),
            InputFormat::Auto,
            &IngestOptions::default(),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("truncated or corrupt gzip") || msg.contains("decompress it first"),
            "{msg}"
        );
        Ok(())
    }

    #[test]
    fn single_documents_respect_the_limit() {
        let options = IngestOptions::with_read(ReadOptions {
            max_bytes: 5,
            ..ReadOptions::default()
        });
        let mut docs = open_reader(
            "<stdin>",
            Cursor::new(b"0123456789".to_vec()),
            InputFormat::Text,
            &options,
        )
        .unwrap();
        let err = docs.next().unwrap().unwrap_err();
        assert!(
            err.to_string().contains("over the limit of 5 bytes"),
            "{err}"
        );
        assert!(docs.next().is_none());
    }
}
