//! What an article given from Python is, and how it becomes a
//! [`Document`]: through the same readers as the command line.

use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use unspin_document::Document;
use unspin_fetch::{FetchError, FetchOptions, Fetcher};
use unspin_readers::{
    decode_text, read_html, read_markdown_bytes, read_text, HtmlOptions, IngestOptions,
    InputFormat, ReadOptions, DEFAULT_MAX_BYTES,
};

use crate::errors::{chain, Failure};

/// The id of a document when none is given (as the HTTP API's).
pub const DEFAULT_ID: &str = "document";

/// How an article's string is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain text, as `unspin analyze --input text` reads it.
    Text,
    /// Markdown (scraped pages too), as `--input markdown`.
    Markdown,
    /// An HTML page, as `--input html`.
    Html,
    /// A URL to fetch, as `unspin analyze URL`.
    Url,
}

impl Kind {
    /// The keyword argument (and dict key, and Arrow column) it comes from.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Markdown => "markdown",
            Kind::Html => "html",
            Kind::Url => "url",
        }
    }
}

/// One article to read: its kind, its string, and its id (`None`: the
/// reader's, i.e. [`DEFAULT_ID`], or the page's for a URL).
#[derive(Debug, Clone)]
pub struct Request {
    /// How to read it.
    pub kind: Kind,
    /// The text, Markdown, HTML or URL.
    pub value: String,
    /// The document id.
    pub id: Option<String>,
}

impl Request {
    /// The request of the keyword arguments `text`, `html`, `markdown`,
    /// `url` (exactly one given) and `id`.
    ///
    /// # Errors
    /// [`Failure::Type`] when none or several are given.
    pub fn from_args(
        text: Option<String>,
        html: Option<String>,
        markdown: Option<String>,
        url: Option<String>,
        id: Option<String>,
    ) -> Result<Request, Failure> {
        let given: Vec<(Kind, String)> = [
            (Kind::Text, text),
            (Kind::Html, html),
            (Kind::Markdown, markdown),
            (Kind::Url, url),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        match given.as_slice() {
            [(kind, value)] => Ok(Request {
                kind: *kind,
                value: value.clone(),
                id,
            }),
            [] => Err(Failure::Type(
                "missing the article: give text, html=, markdown= or url=".into(),
            )),
            _ => Err(Failure::Type(format!(
                "give one article, not several ({})",
                given
                    .iter()
                    .map(|(k, _)| k.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The request of keyword arguments given as Python strings.
    ///
    /// # Errors
    /// As [`Request::from_args`], and [`Failure::Input`] for a string that
    /// is not valid Unicode.
    pub fn from_py(
        text: Option<Bound<'_, PyString>>,
        html: Option<Bound<'_, PyString>>,
        markdown: Option<Bound<'_, PyString>>,
        url: Option<Bound<'_, PyString>>,
        id: Option<Bound<'_, PyString>>,
    ) -> Result<Request, Failure> {
        let owned = |s: Option<Bound<'_, PyString>>| s.as_ref().map(to_string).transpose();
        Request::from_args(
            owned(text)?,
            owned(html)?,
            owned(markdown)?,
            owned(url)?,
            owned(id)?,
        )
    }

    /// An item of `analyze_many`: a `str` (plain text) or a mapping with one
    /// of `text`, `markdown`, `html`, `url` and optionally `id` (a string or
    /// an integer).
    ///
    /// # Errors
    /// [`Failure::Type`] for anything else.
    pub fn from_item(item: &Bound<'_, PyAny>) -> Result<Request, Failure> {
        if let Ok(s) = item.cast::<PyString>() {
            return Ok(Request {
                kind: Kind::Text,
                value: to_string(s)?,
                id: None,
            });
        }
        let Ok(dict) = item.cast::<PyDict>() else {
            return Err(Failure::Type(format!(
                "an item must be a str or a dict with \"text\", \"markdown\", \"html\" or \"url\", not {}",
                type_name(item)
            )));
        };
        let field = |key: &str| -> Result<Option<String>, Failure> {
            match dict.get_item(key) {
                Ok(Some(v)) if v.is_none() => Ok(None),
                Ok(Some(v)) => match v.cast::<PyString>() {
                    Ok(s) => to_string(s).map(Some),
                    Err(_) => Err(Failure::Type(format!(
                        "item field {key:?} must be a str, not {}",
                        type_name(&v)
                    ))),
                },
                Ok(None) => Ok(None),
                Err(e) => Err(Failure::Type(e.to_string())),
            }
        };
        let id = match dict.get_item("id") {
            Ok(Some(v)) if v.is_none() => None,
            Ok(Some(v)) => Some(match v.cast::<PyString>() {
                Ok(s) => to_string(s)?,
                Err(_) => match v.extract::<i64>() {
                    Ok(n) => n.to_string(),
                    Err(_) => {
                        return Err(Failure::Type(format!(
                            "item field \"id\" must be a str or an int, not {}",
                            type_name(&v)
                        )))
                    }
                },
            }),
            _ => None,
        };
        Request::from_args(
            field("text")?,
            field("html")?,
            field("markdown")?,
            field("url")?,
            id,
        )
    }

    /// Reads the article into a document, as the command line reads a
    /// file (or URL) of the same kind.
    ///
    /// # Errors
    /// [`Failure::Input`] when it cannot be read or fetched, or has no text.
    pub fn read(&self) -> Result<Document, Failure> {
        read_one(self.kind, &self.value, self.id.as_deref())
    }
}

/// Reads `value` as `kind` into a document with `id` ([`DEFAULT_ID`] when
/// `None`, except for URLs, whose document keeps the page's id).
///
/// # Errors
/// As [`Request::read`].
pub fn read_one(kind: Kind, value: &str, id: Option<&str>) -> Result<Document, Failure> {
    let input = |e: unspin_readers::ReadError| Failure::Input(chain(&e));
    let origin = format!("<{}>", kind.name());
    if kind != Kind::Url && value.len() as u64 > DEFAULT_MAX_BYTES {
        return Err(Failure::Input(format!(
            "\"{origin}\": the input is {} bytes, over the limit of {DEFAULT_MAX_BYTES} bytes",
            value.len()
        )));
    }
    let doc_id = id.unwrap_or(DEFAULT_ID);
    let options = ReadOptions::default();
    let doc = match kind {
        Kind::Text => read_text(
            doc_id,
            decode_text(&origin, value.as_bytes(), &options).map_err(input)?,
        ),
        Kind::Markdown => {
            read_markdown_bytes(doc_id, &origin, value.as_bytes(), &options).map_err(input)?
        }
        Kind::Html => {
            read_html(doc_id, value.as_bytes(), &HtmlOptions::default()).map_err(input)?
        }
        Kind::Url => {
            let fetch = |e: FetchError| Failure::Input(chain(&e));
            let page = fetcher().map_err(fetch)?.fetch(value).map_err(fetch)?;
            let mut doc = page
                .into_document(InputFormat::Auto, &IngestOptions::default())
                .map_err(input)?;
            if let Some(id) = id {
                doc.id = id.to_string();
            }
            doc
        }
    };
    if doc.text().trim().is_empty() {
        return Err(Failure::Input(format!(
            "\"{origin}\": the article has no text to analyse"
        )));
    }
    Ok(doc)
}

/// The process's one fetcher (default options: unspin's User-Agent,
/// robots.txt honoured, one request a second per host), shared by every
/// call so that its rate limit and robots.txt cache hold across them.
fn fetcher() -> Result<&'static Fetcher, FetchError> {
    static FETCHER: OnceLock<Result<Fetcher, FetchError>> = OnceLock::new();
    match FETCHER.get_or_init(|| Fetcher::new(FetchOptions::default())) {
        Ok(f) => Ok(f),
        Err(e) => Err(e.clone()),
    }
}

/// A Python `str` as a Rust `String`.
///
/// # Errors
/// [`Failure::Input`] for a string that is not valid Unicode (lone
/// surrogates).
pub fn to_string(s: &Bound<'_, PyString>) -> Result<String, Failure> {
    s.to_cow()
        .map(|c| c.into_owned())
        .map_err(|e| Failure::Input(format!("the text is not valid Unicode: {e}")))
}

/// The name of an object's type, for messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}
