//! The crate's error types: one [`ReadError`] for everything that reads a
//! path, and a [`LabelError`] that pins a bad PTC label to its line.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use unspin_document::DocumentError;

/// Why a file, a directory or a labels file could not be read.
///
/// Every message quotes the path it is about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Nothing exists at the path.
    #[error("\"{}\": no such file or directory", .path.display())]
    NotFound {
        /// The missing path.
        path: PathBuf,
    },
    /// A directory was given where a file was expected.
    #[error("\"{}\": is a directory, expected a file", .path.display())]
    IsDirectory {
        /// The directory.
        path: PathBuf,
    },
    /// A file was given where a directory was expected.
    #[error("\"{}\": is not a directory", .path.display())]
    NotADirectory {
        /// The path that is not a directory.
        path: PathBuf,
    },
    /// The file has no content, or only whitespace.
    #[error("\"{}\": {}", .path.display(), if *.whitespace_only { "contains only whitespace" } else { "is empty" })]
    Empty {
        /// The empty file.
        path: PathBuf,
        /// True when the file has bytes, but all of them are whitespace.
        whitespace_only: bool,
    },
    /// The file looks like binary data, not text.
    #[error("\"{}\": looks like binary data, not text ({evidence})", .path.display())]
    Binary {
        /// The binary file.
        path: PathBuf,
        /// What gave it away.
        evidence: BinaryEvidence,
    },
    /// The file is text in an encoding other than UTF-8 that is recognised
    /// by its byte-order mark.
    #[error("\"{}\": {encoding} text (byte-order mark) is not supported; convert it to UTF-8", .path.display())]
    UnsupportedEncoding {
        /// The file.
        path: PathBuf,
        /// The encoding's name, e.g. `UTF-16LE`.
        encoding: &'static str,
    },
    /// The file is not valid UTF-8 (and lossy decoding was not asked for).
    #[error(
        "\"{}\": invalid UTF-8 at byte offset {offset} (line {line}); \
         read it with lossy_utf8 to replace bad bytes with U+FFFD",
        .path.display()
    )]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// Byte offset of the first invalid byte, counted from the start of
        /// the file (a byte-order mark included).
        offset: usize,
        /// 1-based line of that byte.
        line: usize,
    },
    /// The file is larger than [`ReadOptions::max_bytes`](crate::ReadOptions::max_bytes).
    #[error("\"{}\": {size} bytes is over the limit of {limit} bytes", .path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes (at least `limit + 1` when the size was not known
        /// in advance).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// A file name that does not name a PTC article.
    #[error("\"{}\": not a PTC article file name (expected articleID.txt)", .path.display())]
    BadArticleName {
        /// The file.
        path: PathBuf,
    },
    /// A directory with no PTC articles, neither in it nor in an `articles/`
    /// folder inside it.
    #[error("\"{}\": no PTC articles (article*.txt) in it or in its articles/ folder", .dir.display())]
    NoArticles {
        /// The directory.
        dir: PathBuf,
    },
    /// A PTC labels file has a bad line, or a label does not fit its article.
    #[error(transparent)]
    Labels(#[from] LabelError),
    /// A WARC file, or one of its records, that could not be read.
    #[error(transparent)]
    Warc(#[from] crate::WarcError),
    /// A JSON Lines line that could not be read.
    #[error(transparent)]
    Jsonl(#[from] crate::JsonlError),
    /// Input in a format that unspin does not read (e.g. gzip data that is
    /// not a WARC file), or a format that does not fit the input.
    #[error("\"{}\": {reason}", .path.display())]
    UnsupportedFormat {
        /// The input.
        path: PathBuf,
        /// What was found, and what would work.
        reason: String,
    },
    /// An HTML page with no article text: no body, no text in it, or only
    /// boilerplate.
    #[error("{id:?}: no article text in the HTML page: {reason}")]
    NoArticleText {
        /// The document id given to the reader.
        id: String,
        /// What was missing, e.g. `the page's <body> has no text`.
        reason: &'static str,
    },
    /// Any other I/O failure (permissions, a vanished file, …).
    #[error("\"{}\": {error}", .path.display())]
    Io {
        /// The path being read.
        path: PathBuf,
        /// The underlying error (its text is part of this message).
        error: io::Error,
    },
}

impl ReadError {
    /// The path the error is about.
    pub fn path(&self) -> Option<&Path> {
        match self {
            ReadError::NotFound { path }
            | ReadError::IsDirectory { path }
            | ReadError::NotADirectory { path }
            | ReadError::Empty { path, .. }
            | ReadError::Binary { path, .. }
            | ReadError::UnsupportedEncoding { path, .. }
            | ReadError::InvalidUtf8 { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::BadArticleName { path }
            | ReadError::Io { path, .. } => Some(path),
            ReadError::UnsupportedFormat { path, .. } => Some(path),
            ReadError::Warc(e) => Some(&e.path),
            ReadError::Jsonl(e) => Some(&e.path),
            ReadError::NoArticles { dir } => Some(dir),
            ReadError::Labels(e) => e.path.as_deref(),
            ReadError::NoArticleText { .. } => None,
        }
    }

    /// Maps an I/O error on `path` to [`ReadError::NotFound`] or [`ReadError::Io`].
    pub(crate) fn io(path: &Path, error: io::Error) -> ReadError {
        if error.kind() == io::ErrorKind::NotFound {
            ReadError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            ReadError::Io {
                path: path.to_path_buf(),
                error,
            }
        }
    }
}

/// What made [`ReadError::Binary`] decide that a file is not text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BinaryEvidence {
    /// A NUL byte, which text files do not contain.
    NulByte {
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// Too many control characters (other than tab, newline, carriage return
    /// and form feed) in the first bytes.
    ControlChars {
        /// How many control bytes were found.
        count: usize,
        /// How many bytes were examined.
        sampled: usize,
    },
}

impl fmt::Display for BinaryEvidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BinaryEvidence::NulByte { offset } => write!(f, "NUL byte at offset {offset}"),
            BinaryEvidence::ControlChars { count, sampled } => {
                write!(f, "{count} control characters in the first {sampled} bytes")
            }
        }
    }
}

/// A PTC label line that could not be parsed, or a label that does not fit
/// the document it was attached to.
///
/// The message names the file (when known) and the 1-based line, and quotes
/// the line, e.g.
/// `"article1.labels": line 3: start 50 is after end 40: "1\tSlogans\t50\t40"`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LabelError {
    /// The labels file, when the labels were read from one.
    pub path: Option<PathBuf>,
    /// 1-based line number (0 when the error concerns no single line).
    pub line: usize,
    /// The offending line (cut after 200 characters; empty when the error
    /// concerns no single line).
    pub content: String,
    /// What is wrong with it.
    pub kind: LabelErrorKind,
}

impl LabelError {
    pub(crate) fn new(
        path: Option<&Path>,
        line: usize,
        content: &str,
        kind: LabelErrorKind,
    ) -> LabelError {
        const MAX: usize = 200;
        let content = match content.char_indices().nth(MAX) {
            Some((cut, _)) => format!("{}…", &content[..cut]),
            None => content.to_string(),
        };
        LabelError {
            path: path.map(Path::to_path_buf),
            line,
            content,
            kind,
        }
    }
}

impl fmt::Display for LabelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "\"{}\": ", path.display())?;
        }
        if self.line > 0 {
            write!(f, "line {}: ", self.line)?;
        }
        write!(f, "{}", self.kind)?;
        if !self.content.is_empty() {
            write!(f, ": {:?}", self.content)?;
        }
        Ok(())
    }
}

impl std::error::Error for LabelError {}

/// What is wrong with a PTC label line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LabelErrorKind {
    /// Not 4 (`id technique start end`) or 3 (`id start end`) fields.
    #[error(
        "expected 4 tab-separated fields (id, technique, start, end) \
         or 3 (id, start, end), found {found}"
    )]
    FieldCount {
        /// The number of fields found.
        found: usize,
    },
    /// A required field is empty.
    #[error("the {field} field is empty")]
    EmptyField {
        /// Which field (`id` or `technique`).
        field: &'static str,
    },
    /// An offset that is not a non-negative integer.
    #[error("offset {value:?} is not a non-negative integer")]
    BadOffset {
        /// The field's text.
        value: String,
    },
    /// `start > end`.
    #[error("start {start} is after end {end}")]
    Reversed {
        /// Start code point offset.
        start: usize,
        /// End code point offset.
        end: usize,
    },
    /// An offset past the end of the article.
    #[error("offset {offset} is beyond the article's {len_chars} code points")]
    BeyondText {
        /// The offending code point offset.
        offset: usize,
        /// The article's length in code points.
        len_chars: usize,
    },
    /// The document refused a span (cannot happen for offsets converted
    /// through the document's own index; kept so that no error is lost).
    #[error("the document refused a gold span: {0}")]
    Document(DocumentError),
    /// A brat standoff line that does not parse.
    #[error("malformed brat annotation: {reason}")]
    Brat {
        /// What is wrong with the line.
        reason: String,
    },
    /// The label names another article than the document it is attached to.
    #[error("label is for article {found:?}, but the document is {expected:?}")]
    WrongArticle {
        /// The document's id.
        expected: String,
        /// The id in the label.
        found: String,
    },
}
