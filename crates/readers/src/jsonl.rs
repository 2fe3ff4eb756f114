//! The JSON Lines reader: one article per line, read as a stream.
//!
//! Each non-blank line is a JSON object with the article in one of
//! `"text"` (plain text, read as [`read_text`](crate::read_text) does),
//! `"markdown"` ([`read_markdown`](crate::read_markdown)) or `"html"` (the
//! HTML reader), and optionally `"id"` (a string or a number; default
//! `NAME:LINE`), `"url"`, `"title"`, `"authors"` (a list of strings or one
//! string), `"published"` (or `"date"`), `"site_name"` and `"language"`, which
//! override what the reader found. Other fields are ignored.
//!
//! [`JsonlDocuments`] reads one line at a time, never holding more than one
//! line (at most [`ReadOptions::max_bytes`](crate::ReadOptions::max_bytes)
//! long) in memory, so it composes with pipes of any length. A bad line is
//! one error item (with its line number, and the `id` when one could be
//! read); the following lines are still read.
//!
//! ```
//! use unspin_readers::{IngestOptions, JsonlDocuments};
//!
//! let input = "{\"id\": \"a\", \"text\": \"Title\\n\\nBody.\"}\nnot json\n{\"id\": 7, \"markdown\": \"*Hi* there\"}\n";
//! let docs: Vec<_> = JsonlDocuments::new("in.jsonl", input.as_bytes(), IngestOptions::default()).collect();
//! assert_eq!(docs.len(), 3);
//! assert_eq!(docs[0].as_ref().unwrap().metadata.title.as_deref(), Some("Title"));
//! assert!(docs[1].as_ref().unwrap_err().to_string().starts_with("\"in.jsonl\": line 2: not valid JSON"));
//! let third = docs[2].as_ref().unwrap();
//! assert_eq!((third.id.as_str(), third.text()), ("7", "Hi there"));
//! ```

use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::PathBuf;

use serde_json::{Map, Value};
use unspin_document::Document;

use crate::detect::read_html_bytes;
use crate::{read_markdown, read_text, IngestOptions, ReadError};

/// A JSON Lines line that could not be read.
///
/// The message names the input and the 1-based line, e.g.
/// `"batch.jsonl": line 3 (id "a7"): no "text", "markdown" or "html" field`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub struct JsonlError {
    /// The input (a path, or `<stdin>`).
    pub path: PathBuf,
    /// 1-based line number.
    pub line: usize,
    /// The line's `id`, when it could be read.
    pub id: Option<String>,
    /// What is wrong.
    pub kind: JsonlErrorKind,
}

impl fmt::Display for JsonlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\": line {}", self.path.display(), self.line)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id:?})")?;
        }
        write!(f, ": {}", self.kind)
    }
}

/// What is wrong with a JSON Lines line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsonlErrorKind {
    /// The line is not JSON.
    #[error("not valid JSON: {0}")]
    Json(serde_json::Error),
    /// The line is JSON, but not an object.
    #[error("expected a JSON object, found {found}")]
    NotObject {
        /// What was found (`an array`, `a string`, …).
        found: &'static str,
    },
    /// No article field.
    #[error("no \"text\", \"markdown\" or \"html\" field")]
    NoContent,
    /// A field of the wrong type.
    #[error("field \"{field}\" must be {expected}")]
    BadField {
        /// The field.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// The article field is empty or only whitespace.
    #[error("field \"{field}\" is empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// The line is longer than the size limit; it was skipped.
    #[error("line is over the limit of {limit} bytes")]
    TooLong {
        /// The limit in bytes.
        limit: u64,
    },
    /// The HTML reader could not read the `html` field.
    #[error("{0}")]
    Html(Box<ReadError>),
    /// Reading the input failed; no further line is read.
    #[error("cannot read: {0}")]
    Io(io::Error),
}

/// Documents from a JSON Lines stream, one line at a time; see the
/// [module documentation](self).
pub struct JsonlDocuments<R> {
    name: PathBuf,
    reader: R,
    options: IngestOptions,
    line: usize,
    done: bool,
    buf: Vec<u8>,
}

impl<R: BufRead> JsonlDocuments<R> {
    /// Reads `reader`; `name` (a path or `<stdin>`) is used in ids and errors.
    pub fn new(name: impl Into<PathBuf>, reader: R, options: IngestOptions) -> JsonlDocuments<R> {
        JsonlDocuments {
            name: name.into(),
            reader,
            options,
            line: 0,
            done: false,
            buf: Vec::new(),
        }
    }

    fn error(&self, id: Option<String>, kind: JsonlErrorKind) -> ReadError {
        ReadError::Jsonl(JsonlError {
            path: self.name.clone(),
            line: self.line,
            id,
            kind,
        })
    }

    /// Reads the next line into `buf`; `Ok(false)` at the end, `Err(limit)`
    /// when the line was too long (the rest of it is skipped).
    fn read_line(&mut self) -> io::Result<Result<bool, u64>> {
        self.buf.clear();
        let limit = self.options.read.max_bytes;
        let n = (&mut self.reader)
            .take(limit.saturating_add(1))
            .read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(Ok(false));
        }
        if self.buf.len() as u64 > limit && !self.buf.ends_with(b"\n") {
            // Skip the rest of the line without keeping it.
            loop {
                let chunk = self.reader.fill_buf()?;
                if chunk.is_empty() {
                    break;
                }
                match chunk.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        self.reader.consume(i + 1);
                        break;
                    }
                    None => {
                        let len = chunk.len();
                        self.reader.consume(len);
                    }
                }
            }
            return Ok(Err(limit));
        }
        Ok(Ok(true))
    }

    fn document(&self, value: Value) -> Result<Document, ReadError> {
        let obj = match value {
            Value::Object(obj) => obj,
            other => {
                return Err(self.error(
                    None,
                    JsonlErrorKind::NotObject {
                        found: kind_of(&other),
                    },
                ))
            }
        };
        let id = match obj.get("id") {
            None | Some(Value::Null) => format!("{}:{}", self.stem(), self.line),
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => {
                return Err(self.error(
                    None,
                    JsonlErrorKind::BadField {
                        field: "id",
                        expected: "a string or a number",
                    },
                ))
            }
        };
        let fail = |kind| self.error(Some(id.clone()), kind);
        let field = |name: &'static str| -> Result<Option<&str>, ReadError> {
            match obj.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(fail(JsonlErrorKind::BadField {
                    field: name,
                    expected: "a string",
                })),
            }
        };
        let nonblank = |name: &'static str, s: &str| -> Result<(), ReadError> {
            if s.trim().is_empty() {
                Err(fail(JsonlErrorKind::Empty { field: name }))
            } else {
                Ok(())
            }
        };
        let mut doc = if let Some(text) = field("text")? {
            nonblank("text", text)?;
            read_text(id.clone(), text)
        } else if let Some(md) = field("markdown")? {
            nonblank("markdown", md)?;
            read_markdown(id.clone(), md)
        } else if let Some(html) = field("html")? {
            nonblank("html", html)?;
            let mut options = self.options.html.clone();
            if let Some(url) = field("url")? {
                options = options.with_url(url);
            }
            read_html_bytes(&id, html.as_bytes(), &options)
                .map_err(|e| fail(JsonlErrorKind::Html(Box::new(e))))?
        } else {
            return Err(fail(JsonlErrorKind::NoContent));
        };
        apply_metadata(&mut doc, &obj, &fail)?;
        Ok(doc)
    }

    fn stem(&self) -> String {
        self.name
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "line".to_string())
    }
}

fn apply_metadata(
    doc: &mut Document,
    obj: &Map<String, Value>,
    fail: &dyn Fn(JsonlErrorKind) -> ReadError,
) -> Result<(), ReadError> {
    let string = |name: &'static str| -> Result<Option<String>, ReadError> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(fail(JsonlErrorKind::BadField {
                field: name,
                expected: "a string",
            })),
        }
    };
    let m = &mut doc.metadata;
    if let Some(v) = string("url")? {
        m.url = Some(v);
    }
    if let Some(v) = string("title")? {
        m.title = Some(v);
    }
    if let Some(v) = string("published")?.or(string("date")?) {
        m.published = Some(v);
    }
    if let Some(v) = string("site_name")? {
        m.site_name = Some(v);
    }
    if let Some(v) = string("language")? {
        m.language = Some(v);
    }
    match obj.get("authors") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => m.authors = vec![s.clone()],
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
            m.authors = a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
        }
        Some(_) => {
            return Err(fail(JsonlErrorKind::BadField {
                field: "authors",
                expected: "a string or a list of strings",
            }))
        }
    }
    Ok(())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<R: BufRead> Iterator for JsonlDocuments<R> {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let read = self.read_line();
            self.line += 1;
            match read {
                Err(e) => {
                    self.done = true;
                    return Some(Err(self.error(None, JsonlErrorKind::Io(e))));
                }
                Ok(Ok(false)) => self.done = true,
                Ok(Err(limit)) => {
                    return Some(Err(self.error(None, JsonlErrorKind::TooLong { limit })))
                }
                Ok(Ok(true)) => {
                    let line = self.buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&self.buf);
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let value = match serde_json::from_slice::<Value>(line) {
                        Ok(v) => v,
                        Err(e) => return Some(Err(self.error(None, JsonlErrorKind::Json(e)))),
                    };
                    return Some(self.document(value));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReadOptions;

    fn read(input: &str, max: u64) -> Vec<Result<Document, ReadError>> {
        let options = IngestOptions {
            read: ReadOptions {
                max_bytes: max,
                ..ReadOptions::default()
            },
            ..IngestOptions::default()
        };
        JsonlDocuments::new("t.jsonl", input.as_bytes(), options).collect()
    }

    #[test]
    fn bad_lines_are_reported_and_the_rest_read() {
        let input = "{\"id\":\"a\",\"text\":\"one\"}\n\n[1]\n{\"id\":\"b\"}\n{\"id\":\"c\",\"text\":\"   \"}\n{\"text\":\"two\",\"url\":\"http://x\",\"authors\":[\"A B\"]}";
        let out = read(input, 1000);
        let msgs: Vec<String> = out
            .iter()
            .map(|r| match r {
                Ok(d) => format!("ok {} {}", d.id, d.text()),
                Err(e) => e.to_string(),
            })
            .collect();
        assert_eq!(
            msgs,
            [
                "ok a one",
                "\"t.jsonl\": line 3: expected a JSON object, found an array",
                "\"t.jsonl\": line 4 (id \"b\"): no \"text\", \"markdown\" or \"html\" field",
                "\"t.jsonl\": line 5 (id \"c\"): field \"text\" is empty",
                "ok t:6 two",
            ]
        );
        let last = out[4].as_ref().unwrap();
        assert_eq!(last.metadata.url.as_deref(), Some("http://x"));
        assert_eq!(last.metadata.authors, ["A B"]);
    }

    #[test]
    fn long_lines_are_skipped_whole() {
        let long = format!(
            "{{\"text\":\"{}\"}}\n{{\"text\":\"short\"}}\n",
            "x".repeat(100)
        );
        let out = read(&long, 50);
        assert!(matches!(
            &out[0],
            Err(ReadError::Jsonl(JsonlError {
                line: 1,
                kind: JsonlErrorKind::TooLong { limit: 50 },
                ..
            }))
        ));
        assert_eq!(out[1].as_ref().unwrap().text(), "short");
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn invalid_utf8_is_a_line_error() {
        let mut bytes = b"{\"text\":\"caf\xe9\"}\n".to_vec();
        bytes.extend_from_slice(b"{\"text\":\"ok\"}\n");
        let out: Vec<_> =
            JsonlDocuments::new("b.jsonl", &bytes[..], IngestOptions::default()).collect();
        assert!(out[0]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("line 1: not valid JSON"));
        assert_eq!(out[1].as_ref().unwrap().text(), "ok");
    }
}
