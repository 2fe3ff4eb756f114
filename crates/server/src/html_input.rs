//! HTML input for `POST /api/analyze` (`{"html": …}`).
//!
//! **Stop-gap.** The real HTML reader (boilerplate removal, metadata, an
//! alignment back to the source) belongs in `unspin-readers` and is being
//! written there. Until it lands, [`read_html_input`] is the one place the
//! server turns HTML into a [`Document`]: swap its body for the reader's
//! function and nothing else in the server changes.
//!
//! What it does now is deliberately crude and safe: it parses the page with
//! `scraper` (html5ever, the same parser browsers specify), keeps the text of
//! `<article>` (else `<main>`, else `<body>`), drops everything that is not
//! article text (`script`, `style`, `template`, `svg`, forms, navigation, …),
//! turns block elements into paragraph breaks and collapses whitespace. No
//! markup survives: attributes (`onerror=`, `href="javascript:…"`) are never
//! read, and entities are decoded into plain characters.

use scraper::{ElementRef, Html, Node, Selector};
use unspin_document::Document;

/// The deepest element nesting [`check_html_depth`] lets through, as in
/// Chromium's HTML parser (512). HTML parsers spend time proportional to
/// the nesting depth on every tag, so a page of 2 MB of nested `<div>`s
/// would keep a worker busy for minutes.
pub const MAX_HTML_DEPTH: usize = 512;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose end tag may be left out (the parser closes them), so
/// that they do not nest when written without one.
const OPTIONAL_END: &[&str] = &[
    "body", "caption", "colgroup", "dd", "dt", "head", "html", "li", "optgroup", "option", "p",
    "rb", "rp", "rt", "rtc", "tbody", "td", "tfoot", "th", "thead", "tr",
];

/// Elements whose content is raw text (a `<` inside is not a tag).
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Checks, by a linear scan of the tags, that `html` does not nest
/// elements deeper than [`MAX_HTML_DEPTH`]. The estimate never counts
/// void elements or elements with optional end tags, skips comments and
/// raw-text content, and so errs on the side of letting real pages
/// through.
///
/// # Errors
/// The estimated depth, when it is over the limit.
pub fn check_html_depth(html: &str) -> Result<(), usize> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(offset) = memchr_lt(&bytes[i..]) {
        i += offset + 1;
        let rest = &html[i..];
        if rest.starts_with("!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name: String = rest[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || !rest[name_start..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let Some(tag_end) = rest.find('>').map(|e| e + 1) else {
            break; // an unterminated tag: nothing after it is a tag
        };
        let self_closing = rest[..tag_end].ends_with("/>");
        i += tag_end;
        let n = name.as_str();
        if VOID.contains(&n) || OPTIONAL_END.contains(&n) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if RAW_TEXT.contains(&n) {
            i = find_end_tag(bytes, i, n.as_bytes());
            continue;
        }
        if !self_closing {
            depth += 1;
            if depth > MAX_HTML_DEPTH {
                return Err(depth);
            }
        }
    }
    Ok(())
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

/// The offset of the first `</name` (ASCII case-insensitive) at or after
/// `from`, or the end of `bytes`.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(offset) = memchr_lt(&bytes[i..]) {
        let at = i + offset;
        let after = &bytes[at + 1..];
        if after.first() == Some(&b'/')
            && after.len() > name.len()
            && after[1..=name.len()].eq_ignore_ascii_case(name)
        {
            return at;
        }
        i = at + 1;
    }
    bytes.len()
}

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "head", "nav", "form", "button", "select", "textarea", "input", "audio", "video",
];

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Makes a [`Document`] with id `id` from an HTML page or fragment.
///
/// The text is the page's article text, paragraphs separated by blank
/// lines; the headline (the first `<h1>`, else `<title>`) is its first line
/// when the article text does not already start with it, so that
/// [`unspin_readers::read_text`] takes it as the title.
///
/// ```
/// let doc = unspin_server::read_html_input(
///     "x",
///     "<title>T</title><h1>Big &amp; bold</h1><p>One <b>two</b>.<script>alert(1)</script></p>",
/// );
/// assert_eq!(doc.text(), "Big & bold\n\nOne two.");
/// assert_eq!(doc.metadata.title.as_deref(), Some("Big & bold"));
/// ```
pub fn read_html_input(id: &str, html: &str) -> Document {
    let page = Html::parse_document(html);
    let root = first(&page, "article")
        .or_else(|| first(&page, "main"))
        .or_else(|| first(&page, "body"))
        .unwrap_or_else(|| page.root_element());
    let mut out = Collector::default();
    out.walk(root);
    let mut paragraphs = out.finish();
    let headline = first(&page, "h1")
        .or_else(|| first(&page, "title"))
        .map(|e| collapse(&e.text().collect::<String>()))
        .filter(|h| !h.is_empty());
    if let Some(h) = headline {
        if paragraphs.first() != Some(&h) {
            paragraphs.insert(0, h);
        }
    }
    unspin_readers::read_text(id, paragraphs.join("\n\n"))
}

fn first<'a>(page: &'a Html, tag: &str) -> Option<ElementRef<'a>> {
    let selector = Selector::parse(tag).ok()?;
    page.select(&selector).next()
}

/// Collapses runs of whitespace into one space and trims.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Accumulates paragraphs while walking the tree.
#[derive(Default)]
struct Collector {
    paragraphs: Vec<String>,
    current: String,
}

impl Collector {
    fn walk(&mut self, element: ElementRef<'_>) {
        // An explicit stack: hostile input may nest elements very deeply.
        let mut stack = vec![(element.id(), false)];
        let tree = element.tree();
        while let Some((id, closing)) = stack.pop() {
            let Some(node) = tree.get(id) else { continue };
            match node.value() {
                Node::Text(text) => self.current.push_str(text),
                Node::Element(e) => {
                    let name = e.name();
                    let block = BLOCKS.contains(&name);
                    if closing {
                        if block {
                            self.break_paragraph();
                        }
                        continue;
                    }
                    if SKIPPED.contains(&name) {
                        continue;
                    }
                    if block {
                        self.break_paragraph();
                    }
                    stack.push((id, true));
                    let children: Vec<_> = node.children().map(|c| (c.id(), false)).collect();
                    stack.extend(children.into_iter().rev());
                }
                Node::Document | Node::Fragment => {
                    let children: Vec<_> = node.children().map(|c| (c.id(), false)).collect();
                    stack.extend(children.into_iter().rev());
                }
                _ => {}
            }
        }
        self.break_paragraph();
    }

    fn break_paragraph(&mut self) {
        let p = collapse(&self.current);
        if !p.is_empty() {
            self.paragraphs.push(p);
        }
        self.current.clear();
    }

    fn finish(self) -> Vec<String> {
        self.paragraphs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_markup_leaves_only_text() {
        let html = r#"<html><head><title>Hi</title><script>steal()</script></head>
            <body><h1>Headline <img src=x onerror="alert(1)"></h1>
            <p>Click <a href="javascript:alert(2)">here</a> &lt;script&gt;</p>
            <style>p{}</style><iframe src="https://example.com"></iframe></body></html>"#;
        let doc = read_html_input("h", html);
        assert_eq!(doc.text(), "Headline\n\nClick here <script>");
        assert!(!doc.text().contains("alert"));
        assert!(!doc.text().contains("steal"));
    }

    #[test]
    fn prefers_article_and_keeps_paragraphs() {
        let html = "<body><nav>Menu</nav><div>Ad</div><article><h1>T</h1><p>a\n  b</p>\
            <ul><li>one</li><li>two</li></ul></article></body>";
        let doc = read_html_input("a", html);
        assert_eq!(doc.text(), "T\n\na b\n\none\n\ntwo");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = |n: usize| format!("{}text{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(check_html_depth(&deep(100_000)), Err(MAX_HTML_DEPTH + 1));
        let ok = deep(MAX_HTML_DEPTH);
        assert_eq!(check_html_depth(&ok), Ok(()));
        assert_eq!(read_html_input("d", &ok).text(), "text");
    }

    #[test]
    fn depth_estimate_lets_real_pages_through() {
        // Unclosed paragraphs and list items, void elements, comments and
        // scripts full of `<` do not count.
        let page = format!(
            "<!doctype html><html><head><script>if (a<b && c<d) {{}}</script></head><body>{}{}{}</body></html>",
            "<p>para<br><img src=x>".repeat(2000),
            "<ul><li>a<li>b</ul>".repeat(2000),
            "<!-- <div><div> -->".repeat(2000),
        );
        assert_eq!(check_html_depth(&page), Ok(()));
        assert_eq!(check_html_depth("<div/><div/>"), Ok(()));
        assert_eq!(check_html_depth("a < b <3 <<>> </>"), Ok(()));
    }

    #[test]
    fn empty_and_garbage() {
        assert_eq!(read_html_input("e", "").text(), "");
        assert_eq!(read_html_input("e", "<<<>>>&&&").text(), "<<<>>>&&&");
    }
}
