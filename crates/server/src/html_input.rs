//! Guards the HTML input of `POST /api/analyze` (`{"html": …}`), which is
//! read by [`unspin_readers::read_html`] (main-content extraction, metadata,
//! structure layers).
//!
//! HTML parsers spend time proportional to the nesting depth on every tag,
//! so a body of nested `<div>`s grows the parse time with the square of its
//! size. [`check_html_depth`] refuses such pages with a linear scan before
//! anything parses them.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = |n: usize| format!("{}text{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(check_html_depth(&deep(100_000)), Err(MAX_HTML_DEPTH + 1));
        let ok = deep(MAX_HTML_DEPTH);
        assert_eq!(check_html_depth(&ok), Ok(()));
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
}
