//! Nesting depth, bounded before parsing.
//!
//! The HTML5 tree builder checks "is an element in scope" by walking the
//! stack of open elements, so a page that never closes its elements
//! (`<ul><li>` × 10,000) costs time quadratic in its depth (measured: twice
//! the depth, four times the time). Browsers bound the depth (Chromium at
//! 512); so does this reader: start tags beyond [`MAX_DEPTH`] open elements,
//! and the end tags met while that deep, are blanked out with spaces before
//! parsing. Their text is kept (it joins the enclosing element) and byte
//! offsets do not move, so the alignment to the input stays exact.
//!
//! The depth is an estimate from the tags alone, without a tree: void
//! elements (`<br>`), elements whose end tag is optional (`<p>`, `<li>`,
//! `<td>`), comments and the content of raw-text elements (`<script>`)
//! do not count. A real page stays far below the bound.

use std::borrow::Cow;

/// The most open elements kept; deeper start tags are blanked.
pub const MAX_DEPTH: usize = 512;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

const OPTIONAL_END: &[&str] = &[
    "body", "caption", "colgroup", "dd", "dt", "head", "html", "li", "optgroup", "option", "p",
    "rb", "rp", "rt", "rtc", "tbody", "td", "tfoot", "th", "thead", "tr",
];

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

/// `html` with the start tags nested deeper than `max` (and the end tags
/// met while that deep) replaced by spaces of the same length; borrowed
/// when nothing is that deep. One pass, linear in the input.
pub fn cap_depth(html: &str, max: usize) -> Cow<'_, str> {
    let mut blank: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    scan(html, |tag| match tag {
        Tag::Open(range) => {
            depth += 1;
            if depth > max {
                blank.push(range);
            }
        }
        Tag::Close(range) => {
            if depth > max {
                blank.push(range);
            }
            depth = depth.saturating_sub(1);
        }
    });
    if blank.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut bytes = html.as_bytes().to_vec();
    for (start, end) in blank {
        bytes[start..end].fill(b' ');
    }
    // Each blanked range runs from an ASCII `<` to an ASCII `>`, so whole
    // characters were replaced and the bytes stay UTF-8.
    Cow::Owned(
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// The deepest nesting of `html` (the estimate [`cap_depth`] uses) when it
/// is over `max`: `Err(depth)` as soon as `max` is passed.
///
/// # Errors
/// The depth reached, `max + 1`, when the page nests deeper than `max`.
pub fn check_depth(html: &str, max: usize) -> Result<(), usize> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    scan(html, |tag| match tag {
        Tag::Open(_) => {
            depth += 1;
            deepest = deepest.max(depth);
        }
        Tag::Close(_) => depth = depth.saturating_sub(1),
    });
    if deepest > max {
        Err(max + 1)
    } else {
        Ok(())
    }
}

/// A tag that changes the depth, with its byte range (`<` to `>`).
enum Tag {
    Open((usize, usize)),
    Close((usize, usize)),
}

/// Calls `on_tag` for each start tag that opens an element (not void, not
/// with an optional end, not self-closed) and each such end tag, in order.
fn scan(html: &str, mut on_tag: impl FnMut(Tag)) {
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = find_lt(&bytes[i..]) {
        let start = i + offset;
        i = start + 1;
        let rest = &html[i..];
        if rest.starts_with("!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        if !rest[name_start..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name: String = rest[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(16)
            .map(|c| c.to_ascii_lowercase())
            .collect();
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
            on_tag(Tag::Close((start, i)));
            continue;
        }
        if RAW_TEXT.contains(&n) {
            i = find_end_tag(bytes, i, n.as_bytes());
            continue;
        }
        if !self_closing {
            on_tag(Tag::Open((start, i)));
        }
    }
}

fn find_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

/// Where the end tag `</name` starts at or after `from` (the input's end
/// when there is none).
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(offset) = find_lt(&bytes[i..]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(n: usize) -> String {
        format!("{}text{}", "<div>".repeat(n), "</div>".repeat(n))
    }

    #[test]
    fn deep_nesting_is_found_before_parsing() {
        assert_eq!(check_depth(&deep(100_000), MAX_DEPTH), Err(MAX_DEPTH + 1));
        assert_eq!(check_depth(&deep(MAX_DEPTH), MAX_DEPTH), Ok(()));
    }

    #[test]
    fn deep_tags_are_blanked_keeping_text_and_offsets() {
        let html = format!("<p>a{}é{}</p>", "<ul><li>x".repeat(5), "</ul>".repeat(5));
        let capped = cap_depth(&html, 3);
        assert_eq!(capped.len(), html.len());
        assert!(matches!(capped, Cow::Owned(_)));
        assert_eq!(capped.matches("<ul>").count(), 3);
        assert_eq!(capped.matches("</ul>").count(), 3);
        assert_eq!(capped.matches('x').count(), 5);
        assert!(capped.contains('é'));
        assert!(matches!(cap_depth(&deep(3), 3), Cow::Borrowed(_)));
    }

    #[test]
    fn real_pages_are_not_touched() {
        let page = format!(
            "<!doctype html><html><head><script>if (a<b && c<d) {{}}</script></head><body>{}{}{}</body></html>",
            "<p>para<br><img src=x>".repeat(2000),
            "<ul><li>a<li>b</ul>".repeat(2000),
            "<!-- <div><div> -->".repeat(2000),
        );
        assert!(matches!(cap_depth(&page, MAX_DEPTH), Cow::Borrowed(_)));
        assert_eq!(check_depth("<div/><div/>", 1), Ok(()));
        assert_eq!(check_depth("a < b <3 <<>> </>", 0), Ok(()));
    }
}
