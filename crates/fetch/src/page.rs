//! [`FetchedPage`]: what a fetch gave, and how it becomes a [`Document`].

use std::path::Path;
use std::time::SystemTime;

use unspin_document::Document;
use unspin_readers::{
    decode_text, detect_format, read_html, read_markdown_bytes, read_text, IngestOptions,
    InputFormat, ReadError,
};
use url::Url;

/// A page fetched over HTTP(S), its body decoded to UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchedPage {
    /// The URL as the caller gave it.
    pub requested_url: String,
    /// The URL the page was finally read from, after redirects (without
    /// its `#fragment`). This is the article's URL.
    pub final_url: String,
    /// Every URL that answered with a redirect, in order: the requested
    /// URL first (normalised), `final_url` not included. Empty when there
    /// was no redirect.
    pub redirects: Vec<String>,
    /// The final HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header, when there was one.
    pub content_type: Option<String>,
    /// The encoding the body was decoded from (a WHATWG name such as
    /// `UTF-8` or `windows-1252`): the HTTP charset, else a byte-order
    /// mark, else UTF-8 when the bytes are valid UTF-8, else the page's
    /// `<meta charset>`, else windows-1252 (as
    /// [`decode_html`](unspin_readers::decode_html)).
    pub encoding: &'static str,
    /// The body, decoded.
    pub body: String,
    /// When the answer was read.
    pub fetched_at: SystemTime,
}

impl FetchedPage {
    /// The format the page will be read as: `format` unless it is
    /// [`InputFormat::Auto`]; else HTML for HTML content types, Markdown
    /// for `text/markdown`, and otherwise what the URL's file name and the
    /// body tell (as for a file).
    pub fn format(&self, format: InputFormat) -> InputFormat {
        if format != InputFormat::Auto {
            return format;
        }
        let mime = self
            .content_type
            .as_deref()
            .map(mime_of)
            .unwrap_or_default();
        match mime.as_str() {
            "text/html" | "application/xhtml+xml" => InputFormat::Html,
            "text/markdown" | "text/x-markdown" => InputFormat::Markdown,
            _ => {
                let name = last_segment(&self.final_url);
                let head = self.body.as_bytes();
                let head = head.get(..unspin_readers::SNIFF_BYTES).unwrap_or(head);
                detect_format(name.as_deref().map(Path::new), head)
            }
        }
    }

    /// Reads the page into a [`Document`] with the readers, as a file of
    /// the same format would be read (see [`FetchedPage::format`]);
    /// `metadata.url` is [`FetchedPage::final_url`], which is also the base
    /// of relative links, and the id is the URL's last path segment without
    /// its extension (else the host).
    ///
    /// # Errors
    /// As the readers: an empty page, an HTML page without article text,
    /// text that is binary, …; WARC and JSON Lines (several documents) are
    /// not read from a fetched page. (The size limit is
    /// [`FetchOptions::max_bytes`](crate::FetchOptions::max_bytes), applied
    /// while fetching.)
    pub fn into_document(
        &self,
        format: InputFormat,
        options: &IngestOptions,
    ) -> Result<Document, ReadError> {
        let id = page_id(&self.final_url);
        let origin = Path::new(&self.final_url);
        // The size limit was applied while fetching (to the bytes as sent).
        let bytes = self.body.as_bytes();
        let format = self.format(format);
        let mut doc = match format {
            InputFormat::Html => {
                let html = options
                    .html
                    .clone()
                    .with_url(self.final_url.clone())
                    .with_charset("utf-8");
                read_html(&id, bytes, &html)?
            }
            InputFormat::Markdown => read_markdown_bytes(id, origin, bytes, &options.read)?,
            InputFormat::Warc | InputFormat::Jsonl => {
                return Err(ReadError::UnsupportedFormat {
                    path: origin.to_path_buf(),
                    reason: format!(
                        "{} holds several documents and is not read from a URL; download it and read the file",
                        format.name()
                    ),
                })
            }
            _ => read_text(id, decode_text(origin, bytes, &options.read)?),
        };
        doc.metadata.url = Some(self.final_url.clone());
        Ok(doc)
    }
}

/// True for content types read as text: `text/*`, XHTML, and `+xml` /
/// `+html` variants.
pub(crate) fn is_text_type(content_type: &str) -> bool {
    let mime = mime_of(content_type);
    mime.is_empty()
        || mime.starts_with("text/")
        || mime == "application/xhtml+xml"
        || mime.ends_with("+html")
}

/// The `charset=` parameter of a content type.
pub(crate) fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']))
            .filter(|v| !v.is_empty())
    })
}

fn mime_of(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The URL's last non-empty path segment, percent-decoding left alone.
fn last_segment(url: &str) -> Option<String> {
    let url = Url::parse(url).ok()?;
    url.path_segments()?
        .rev()
        .find(|s| !s.is_empty())
        .map(str::to_string)
}

/// A document id for a page: its file name without extension, else its host.
fn page_id(url: &str) -> String {
    if let Some(seg) = last_segment(url) {
        let stem = seg.rsplit_once('.').map_or(seg.as_str(), |(s, _)| s);
        if !stem.is_empty() {
            return stem.to_string();
        }
    }
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "page".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str, ct: Option<&str>, body: &str) -> FetchedPage {
        FetchedPage {
            requested_url: url.into(),
            final_url: url.into(),
            redirects: vec![],
            status: 200,
            content_type: ct.map(str::to_string),
            encoding: "UTF-8",
            body: body.into(),
            fetched_at: SystemTime::now(),
        }
    }

    #[test]
    fn content_types() {
        assert!(is_text_type("text/html; charset=utf-8"));
        assert!(is_text_type("application/xhtml+xml"));
        assert!(!is_text_type("image/png"));
        assert!(!is_text_type("application/pdf"));
        assert_eq!(
            charset_of("text/html; Charset=\"ISO-8859-1\""),
            Some("ISO-8859-1")
        );
        assert_eq!(charset_of("text/html"), None);
    }

    #[test]
    fn ids_and_formats() {
        assert_eq!(page_id("https://a.org/news/story.html"), "story");
        assert_eq!(page_id("https://a.org/news/2024/"), "2024");
        assert_eq!(page_id("https://a.org/"), "a.org");
        let md = page(
            "https://a.org/x.md",
            Some("text/plain"),
            "# Title\n\nText.\n",
        );
        assert_eq!(md.format(InputFormat::Auto), InputFormat::Markdown);
        let html = page("https://a.org/x", Some("text/html"), "hello");
        assert_eq!(html.format(InputFormat::Auto), InputFormat::Html);
        assert_eq!(html.format(InputFormat::Text), InputFormat::Text);
    }

    #[test]
    fn text_pages_keep_the_url() {
        let p = page(
            "https://a.org/notes.txt",
            Some("text/plain"),
            "A title\n\nSome text.\n",
        );
        let doc = p
            .into_document(InputFormat::Auto, &IngestOptions::default())
            .unwrap();
        assert_eq!(doc.id, "notes");
        assert_eq!(doc.metadata.url.as_deref(), Some("https://a.org/notes.txt"));
        let empty = page("https://a.org/e.txt", Some("text/plain"), "  ");
        assert!(empty
            .into_document(InputFormat::Auto, &IngestOptions::default())
            .is_err());
    }
}
