//! Article HTML shipped inside a script: client-rendered pages (React,
//! Next.js, Vue) often send an empty `<body>` and the article as a JSON
//! string in an inline script (`"contentHtml":"\u003cp\u003e…"`), rendered
//! only when the script runs; some blog templates put the post's markup in
//! a `<script type="text/template">` (with a `<noscript>` copy). When the
//! page's own text yields no article, the longest such markup that holds
//! paragraphs is parsed as HTML and its article chosen the usual way.

use memchr::{memchr, memchr2};
use scraper::{Html, Node};

use super::{extract, select};

/// A JSON string literal is looked at only when its raw form is at least
/// this long (bytes): an article, not a label or a teaser.
const MIN_LITERAL: usize = 1000;

/// The article text (paragraphs one per line) of the longest HTML string
/// with at least two paragraphs in the page's inline scripts, if any.
pub(crate) fn script_body(html: &Html) -> Option<String> {
    let markup = script_html(html)?;
    let fragment = Html::parse_fragment(&markup);
    let root = fragment
        .tree
        .root()
        .children()
        .find(|n| n.value().is_element())?;
    let walk = extract::walk(root, true);
    let keep = select::select(root, &walk);
    let text = keep
        .iter()
        .filter_map(|&i| walk.blocks.get(i))
        .map(|b| b.text.trim())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    (!text.is_empty()).then_some(text)
}

/// The longest markup with two or more `<p>` tags among the decoded JSON
/// string literals of inline scripts (not JSON-LD, which the metadata
/// reads), the bodies of template scripts (`type="text/template"`,
/// `text/html`) and `<noscript>` elements.
fn script_html(html: &Html) -> Option<String> {
    let mut best: Option<String> = None;
    for node in html.tree.root().descendants() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let kind = el.attr("type").map(|t| t.trim().to_ascii_lowercase());
        let markup_inside = match el.name() {
            "noscript" => true,
            "script" => kind
                .as_deref()
                .is_some_and(|t| t.contains("template") || t == "text/html"),
            _ => continue,
        };
        if kind.as_deref() == Some("application/ld+json") {
            continue;
        }
        for child in node.children() {
            let Some(src) = child.value().as_text() else {
                continue;
            };
            if markup_inside {
                let longer = best.as_ref().is_none_or(|b| b.len() < src.len());
                if longer && src.len() >= MIN_LITERAL && paragraph_tags(src) >= 2 {
                    best = Some(src.to_string());
                }
                continue;
            }
            for literal in string_literals(src) {
                if best.as_ref().is_some_and(|b| b.len() >= literal.len()) {
                    continue;
                }
                let Ok(decoded) = serde_json::from_str::<String>(literal) else {
                    continue;
                };
                if paragraph_tags(&decoded) >= 2 {
                    best = Some(decoded);
                }
            }
        }
    }
    best
}

/// Double-quoted literals of at least [`MIN_LITERAL`] bytes in script
/// source, quotes included, escapes left as they are.
fn string_literals(src: &str) -> impl Iterator<Item = &str> {
    let bytes = src.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || loop {
        let open = pos + memchr(b'"', bytes.get(pos..)?)?;
        let mut i = open + 1;
        // Find the closing quote, skipping escaped characters.
        let close = loop {
            let next = i + memchr2(b'"', b'\\', bytes.get(i..)?)?;
            if bytes.get(next) == Some(&b'\\') {
                i = next + 2;
            } else {
                break next;
            }
        };
        pos = close + 1;
        if close + 1 - open >= MIN_LITERAL {
            if let Some(lit) = src.get(open..=close) {
                return Some(lit);
            }
        }
    })
}

/// How many `<p>` / `<p …>` opening tags the markup holds.
fn paragraph_tags(markup: &str) -> usize {
    memchr::memmem::find_iter(markup.as_bytes(), b"<p")
        .filter(|&i| matches!(markup.as_bytes().get(i + 2), Some(b'>' | b' ')))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(script: &str) -> Html {
        Html::parse_document(&format!(
            "<html><body><div id=\"app\"></div><script>{script}</script></body></html>"
        ))
    }

    #[test]
    fn article_html_in_a_script_is_read() {
        let para = "The council voted on Tuesday to close the old bridge, after inspectors found \
                    corrosion in two of its steel beams and said repairs would take a year.";
        let markup = format!(
            "<div class=\"caption\"><p>Photo credit</p></div><p class=\"editor-p\"><strong>{para}</strong> More.</p>{}",
            format!("<p>{para}</p>").repeat(8)
        );
        let literal = serde_json::to_string(&markup).unwrap_or_default();
        // The way a JSON serialiser escapes markup in a script.
        let literal = literal.replace('<', "\\u003c").replace('>', "\\u003e");
        let html = page(&format!(
            "window.__DATA__ = {{\"title\":\"Bridge\",\"contentHtml\":{literal},\"n\":1}};"
        ));
        let text = script_body(&html).unwrap_or_default();
        assert!(text.starts_with(&format!("{para} More.")), "{text}");
        assert_eq!(text.lines().filter(|l| *l == para).count(), 8, "{text}");
    }

    #[test]
    fn a_post_in_a_template_script_is_read() {
        let para = "The council voted on Tuesday to close the old bridge, after inspectors found \
                    corrosion in two of its steel beams and said repairs would take a year.";
        let post = format!("<p>{para}</p>").repeat(8);
        let html = Html::parse_document(&format!(
            "<html><body><div class=\"post-body\"><script type='text/template'>{post}</script>\
             <noscript>{post}</noscript></div><div>Archive 2020</div></body></html>"
        ));
        let text = script_body(&html).unwrap_or_default();
        assert_eq!(text.lines().filter(|l| *l == para).count(), 8, "{text}");
    }

    #[test]
    fn short_or_paragraphless_strings_are_ignored() {
        let long_plain = "word ".repeat(400);
        let html = page(&format!(
            "var a = \"<p>short</p><p>two</p>\"; var b = \"{long_plain}\"; var c = \"unterminated"
        ));
        assert_eq!(script_body(&html), None);
    }

    #[test]
    fn literals_skip_escaped_quotes() {
        let inner = format!("a \\\"quoted\\\" {}", "x".repeat(MIN_LITERAL));
        let src = format!("f(\"{inner}\", \"b\")");
        let lits: Vec<&str> = string_literals(&src).collect();
        assert_eq!(lits, [format!("\"{inner}\"").as_str()]);
    }
}
