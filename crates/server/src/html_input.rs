//! Guards the HTML input of `POST /api/analyze` (`{"html": …}`), which is
//! read by [`unspin_readers::read_html`] (main-content extraction, metadata,
//! structure layers).
//!
//! HTML parsers spend time proportional to the nesting depth on every tag,
//! so a body of nested `<div>`s grows the parse time with the square of its
//! size. The reader itself blanks tags nested deeper than
//! [`MAX_HTML_DEPTH`] before parsing (so the CLI and the corpus stay
//! linear); the server goes further and refuses such a page with a clear
//! `400`, by the reader's own linear scan ([`check_html_depth`]), since a
//! page that deep is not an article a reader pasted.

/// The deepest element nesting [`check_html_depth`] lets through, as in
/// Chromium's HTML parser (512): the reader's
/// [`MAX_DEPTH`](unspin_readers::html_depth::MAX_DEPTH).
pub const MAX_HTML_DEPTH: usize = unspin_readers::html_depth::MAX_DEPTH;

/// Checks, by a linear scan of the tags, that `html` does not nest elements
/// deeper than [`MAX_HTML_DEPTH`].
///
/// # Errors
/// The depth reached (`MAX_HTML_DEPTH + 1`) when the page nests deeper.
pub fn check_html_depth(html: &str) -> Result<(), usize> {
    unspin_readers::html_depth::check_depth(html, MAX_HTML_DEPTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = |n: usize| format!("{}text{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(check_html_depth(&deep(100_000)), Err(MAX_HTML_DEPTH + 1));
        assert_eq!(check_html_depth(&deep(MAX_HTML_DEPTH)), Ok(()));
    }
}
