//! The plain text reader.

use std::ops::Range;
use std::path::Path;

use unspin_document::{layers, Document, Span};

use crate::{read_text_file_with, ReadError, ReadOptions};

/// The longest first line, in characters, that [`read_text`] takes for a title.
pub const MAX_TITLE_CHARS: usize = 150;

/// Makes a [`Document`] from plain text; the text is kept whole and unchanged
/// (line endings included), so offsets into it are offsets into the input.
///
/// The first non-empty line becomes `metadata.title`, and a
/// [`layers::TITLE`] span covers it, when it looks like a title:
/// - once trimmed, it has 1 to [`MAX_TITLE_CHARS`] characters, at least one of
///   them alphanumeric;
/// - it does not end (ignoring closing quotes and brackets) with `.`, `,`,
///   `;`, `:` or `…` — headlines do not end a sentence, though they may end
///   with `?` or `!`;
/// - some non-empty text follows it (a one-line text is not its own title).
///
/// ```
/// let doc = unspin_readers::read_text("a1", "Big news today\n\nIt happened.\n");
/// assert_eq!(doc.metadata.title.as_deref(), Some("Big news today"));
/// let doc = unspin_readers::read_text("a2", "It happened.\nThen more.\n");
/// assert_eq!(doc.metadata.title, None);
/// ```
pub fn read_text(id: impl Into<String>, text: impl Into<String>) -> Document {
    let mut doc = Document::new(id, text);
    if let Some(range) = guess_title(doc.text()) {
        set_title(&mut doc, range);
    }
    doc
}

/// Reads a plain text file into a [`Document`] as [`read_text`] does: the id
/// is the file stem, `metadata.url` the path.
///
/// # Errors
/// As [`read_text_file_with`](crate::read_text_file_with).
pub fn read_text_path(
    path: impl AsRef<Path>,
    options: &ReadOptions,
) -> Result<Document, ReadError> {
    let path = path.as_ref();
    let text = read_text_file_with(path, options)?;
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut doc = read_text(id, text);
    doc.metadata.url = Some(path.display().to_string());
    Ok(doc)
}

/// Sets `metadata.title` to the text in `range` and adds a title span over it.
pub(crate) fn set_title(doc: &mut Document, range: Range<usize>) {
    let Some(title) = doc.text().get(range.clone()) else {
        return;
    };
    let title = title.to_string();
    if let Ok(span) = Span::new(range.start, range.end, layers::TITLE) {
        // The range comes from the text itself, so this cannot fail; if it
        // did, the document would just lack the span.
        let _ = doc.add_span(layers::TITLE, span);
    }
    doc.metadata.title = Some(title);
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// The byte range of `line` (starting at byte `at` of its text) without
/// surrounding whitespace or byte-order marks; `None` when nothing is left.
pub(crate) fn trimmed_range(line: &str, at: usize) -> Option<Range<usize>> {
    let lead = line.len() - line.trim_start_matches(is_blank).len();
    let trimmed = line.trim_matches(is_blank);
    (!trimmed.is_empty()).then(|| at + lead..at + lead + trimmed.len())
}

/// Byte ranges of each line's trimmed content, skipping blank lines.
fn content_lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    text.split('\n').filter_map(move |line| {
        let range = trimmed_range(line, at);
        at += line.len() + 1;
        range
    })
}

fn guess_title(text: &str) -> Option<Range<usize>> {
    let mut lines = content_lines(text);
    let first = lines.next()?;
    lines.next()?;
    let line = &text[first.clone()];
    if line.chars().count() > MAX_TITLE_CHARS || !line.chars().any(char::is_alphanumeric) {
        return None;
    }
    let last = line
        .trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}', ')', ']', '\u{bb}'])
        .chars()
        .last();
    if matches!(last, Some('.' | ',' | ';' | ':' | '\u{2026}')) {
        return None;
    }
    Some(first)
}

#[cfg(test)]
mod tests {
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    use super::*;

    fn title(text: &str) -> Option<String> {
        read_text("t", text).metadata.title
    }

    #[test]
    fn title_rule() -> TestResult {
        assert_eq!(
            title("\n\n  US bloggers banned  \r\n\nBody.\n").as_deref(),
            Some("US bloggers banned")
        );
        assert_eq!(
            title("Is this the end?\nBody").as_deref(),
            Some("Is this the end?")
        );
        assert_eq!(
            title("\u{201c}We will win!\u{201d}\nBody").as_deref(),
            Some("\u{201c}We will win!\u{201d}")
        );
        assert_eq!(title("A full sentence.\nBody"), None);
        assert_eq!(title("He said \u{201c}no.\u{201d}\nBody"), None);
        assert_eq!(title("Wait for it\u{2026}\nBody"), None);
        assert_eq!(title("Only one line"), None);
        assert_eq!(title("*** ---\nBody"), None);
        assert_eq!(title(&format!("{}\nBody", "word ".repeat(40))), None);
        assert_eq!(title(""), None);
        Ok(())
    }

    #[test]
    fn text_is_kept_and_the_title_span_slices_to_the_title() -> TestResult {
        let text = "\u{feff}  Caf\u{e9} \u{201c}news\u{201d}\r\n\r\nFirst sentence.\r\n";
        let doc = read_text("x", text);
        assert_eq!(doc.text(), text);
        let span = &doc.layer(layers::TITLE)[0];
        assert_eq!(doc.span_text(span), "Caf\u{e9} \u{201c}news\u{201d}");
        assert_eq!(doc.metadata.title.as_deref(), Some(doc.span_text(span)));
        Ok(())
    }

    #[test]
    fn read_text_path_sets_id_and_url() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("my-article.txt");
        std::fs::write(&path, "Headline\n\nBody text.\n")?;
        let doc = read_text_path(&path, &ReadOptions::default())?;
        assert_eq!(doc.id, "my-article");
        assert_eq!(doc.metadata.url, Some(path.display().to_string()));
        assert_eq!(doc.metadata.title.as_deref(), Some("Headline"));
        Ok(())
    }
}
