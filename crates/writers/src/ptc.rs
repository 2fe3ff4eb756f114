//! PTC / SemEval-2020 Task 11 tab-separated lines, in code points.

use std::fmt::Write as _;

use unspin_document::{layers, Document};

/// Why a document cannot be written as PTC lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PtcError {
    /// A field that would contain a tab or a line break and so break the format.
    #[error("the {field} {value:?} contains a tab or line break, which a tab-separated PTC line cannot hold")]
    Unrepresentable {
        /// `article id` or `technique`.
        field: &'static str,
        /// The offending value.
        value: String,
    },
}

/// The document's `technique` layer as PTC `.labels` / TC lines:
/// `id<TAB>technique<TAB>start<TAB>end`, one per span, each ending in `\n`.
///
/// Offsets are Unicode code points (end exclusive). Lines are sorted by
/// start, end and technique; empty spans are left out (the official format
/// requires `start < end`). An empty or missing layer gives an empty string.
///
/// # Errors
/// When the document id or a label contains a tab or line break.
///
/// ```
/// use unspin_document::{layers, Document, Span};
///
/// let mut doc = Document::new("111", "\u{2014} Shameful!");
/// doc.add_span(layers::TECHNIQUE, Span::new(4, 13, "Loaded_Language").unwrap()).unwrap();
/// assert_eq!(unspin_writers::to_ptc_labels(&doc).unwrap(), "111\tLoaded_Language\t2\t11\n");
/// ```
pub fn to_ptc_labels(doc: &Document) -> Result<String, PtcError> {
    check("article id", &doc.id)?;
    let index = doc.char_index();
    let mut rows = Vec::new();
    for span in doc
        .layer(layers::TECHNIQUE)
        .iter()
        .filter(|s| !s.is_empty())
    {
        check("technique", &span.label)?;
        rows.push((
            index.to_char(span.start()),
            index.to_char(span.end()),
            span.label.as_str(),
        ));
    }
    rows.sort_unstable();
    let mut out = String::new();
    for (start, end, label) in rows {
        let _ = writeln!(out, "{}\t{label}\t{start}\t{end}", doc.id);
    }
    Ok(out)
}

/// The document's `technique` layer as span-identification (SI) lines:
/// `id<TAB>start<TAB>end`, in code points, each ending in `\n`.
///
/// Techniques are dropped and spans that share at least one code point are
/// merged, since the official SI scorer rejects overlapping spans (unless
/// run with `-m`, which merges them the same way, so scores are unchanged).
/// Spans that only touch stay separate; empty spans are left out.
///
/// # Errors
/// When the document id contains a tab or line break.
///
/// ```
/// use unspin_document::{layers, Document, Span};
///
/// let mut doc = Document::new("111", "They lied and lied again.");
/// doc.add_span(layers::TECHNIQUE, Span::new(5, 9, "Repetition").unwrap()).unwrap();
/// doc.add_span(layers::TECHNIQUE, Span::new(0, 24, "Loaded_Language").unwrap()).unwrap();
/// assert_eq!(unspin_writers::to_ptc_si(&doc).unwrap(), "111\t0\t24\n");
/// ```
pub fn to_ptc_si(doc: &Document) -> Result<String, PtcError> {
    check("article id", &doc.id)?;
    let index = doc.char_index();
    let mut spans: Vec<(usize, usize)> = doc
        .layer(layers::TECHNIQUE)
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| (index.to_char(s.start()), index.to_char(s.end())))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut out = String::new();
    for (start, end) in merged {
        let _ = writeln!(out, "{}\t{start}\t{end}", doc.id);
    }
    Ok(out)
}

fn check(field: &'static str, value: &str) -> Result<(), PtcError> {
    if value.contains(['\t', '\n', '\r']) {
        return Err(PtcError::Unrepresentable {
            field,
            value: value.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use unspin_document::Span;
    use unspin_eval::{parse_si_lines, parse_tc_lines, LabeledSpan};

    use super::*;

    const TEXT: &str = "\u{201c}Fran\u{e7}ois is a puppet\u{201d} \u{2014} a na\u{ef}ve, \u{1f600} disastrous choice.";

    fn span(needle: &str, label: &str) -> Span {
        let start = TEXT.find(needle).unwrap();
        Span::new(start, start + needle.len(), label).unwrap()
    }

    fn doc() -> Document {
        let mut doc = Document::new("123", TEXT);
        let t = layers::TECHNIQUE;
        doc.add_span(t, span("disastrous choice", "Loaded_Language"))
            .unwrap();
        doc.add_span(t, span("puppet", "Name_Calling,Labeling"))
            .unwrap();
        doc.add_span(t, span("Fran\u{e7}ois is a puppet", "Loaded_Language"))
            .unwrap();
        doc.add_span(t, span("na\u{ef}ve", "Loaded_Language"))
            .unwrap();
        doc.add_span(t, Span::new(3, 3, "Doubt").unwrap()).unwrap();
        doc
    }

    fn slice(start: usize, end: usize) -> String {
        TEXT.chars().skip(start).take(end - start).collect()
    }

    #[test]
    fn labels_lines_are_code_points_and_slice_the_text() {
        let out = to_ptc_labels(&doc()).unwrap();
        let spans = parse_tc_lines(&out).unwrap();
        let got: Vec<(String, String)> = spans
            .iter()
            .map(|s| (s.technique.clone().unwrap(), slice(s.start, s.end)))
            .collect();
        let want = [
            ("Loaded_Language", "Fran\u{e7}ois is a puppet"),
            ("Name_Calling,Labeling", "puppet"),
            ("Loaded_Language", "na\u{ef}ve"),
            ("Loaded_Language", "disastrous choice"),
        ];
        assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
        assert_eq!(spans[0], LabeledSpan::tc("123", "Loaded_Language", 1, 21));
        assert!(out.ends_with('\n') && out.lines().count() == 4);
    }

    #[test]
    fn si_lines_merge_overlaps() {
        let spans = parse_si_lines(&to_ptc_si(&doc()).unwrap()).unwrap();
        let texts: Vec<String> = spans.iter().map(|s| slice(s.start, s.end)).collect();
        assert_eq!(
            texts,
            [
                "Fran\u{e7}ois is a puppet",
                "na\u{ef}ve",
                "disastrous choice"
            ]
        );
    }

    #[test]
    fn touching_spans_stay_apart_in_si() {
        let mut doc = Document::new("1", "abcdef");
        doc.add_span(layers::TECHNIQUE, Span::new(0, 3, "Doubt").unwrap())
            .unwrap();
        doc.add_span(layers::TECHNIQUE, Span::new(3, 6, "Doubt").unwrap())
            .unwrap();
        assert_eq!(to_ptc_si(&doc).unwrap(), "1\t0\t3\n1\t3\t6\n");
    }

    #[test]
    fn no_layer_gives_no_lines() {
        let doc = Document::new("1", "text");
        assert_eq!(
            (to_ptc_labels(&doc).unwrap(), to_ptc_si(&doc).unwrap()),
            (String::new(), String::new())
        );
    }

    #[test]
    fn tabs_and_newlines_in_fields_are_errors() {
        let mut doc = Document::new("a\tb", "text");
        assert!(matches!(
            to_ptc_si(&doc),
            Err(PtcError::Unrepresentable {
                field: "article id",
                ..
            })
        ));
        doc.id = "ok".into();
        doc.add_span(layers::TECHNIQUE, Span::new(0, 2, "Bad\nlabel").unwrap())
            .unwrap();
        assert!(matches!(
            to_ptc_labels(&doc),
            Err(PtcError::Unrepresentable {
                field: "technique",
                ..
            })
        ));
    }
}
