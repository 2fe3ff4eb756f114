//! The attribution prediction line format (`unspin predict --task
//! attribution`, read by `unspin eval attribution`):
//!
//! ```text
//! id<TAB>source_start<TAB>source_end<TAB>cue_start<TAB>cue_end<TAB>content_start<TAB>content_end
//! ```
//!
//! Unicode code points, end exclusive; both fields of a role are empty when
//! it is absent (the content never is).

use std::fmt::Write as _;
use std::ops::Range;

use crate::AttributionSpans;

/// A malformed attribution prediction line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct AttributionLineError {
    /// 1-based line number in the parsed text.
    pub line: usize,
    /// What is wrong with it.
    pub kind: AttributionLineErrorKind,
}

/// What is wrong with a malformed attribution prediction line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttributionLineErrorKind {
    /// Not seven tab-separated fields.
    #[error("expected 7 tab-separated fields, found {0}")]
    FieldCount(usize),
    /// An offset that is not a number.
    #[error("offset {0:?} is not a number")]
    NotANumber(String),
    /// A start after its end.
    #[error("start {start} is after end {end}")]
    Reversed {
        /// The start.
        start: usize,
        /// The end.
        end: usize,
    },
    /// The content fields are empty.
    #[error("the content fields are empty")]
    NoContent,
}

/// Appends the line of one attribution of article `id` to `out`.
pub fn write_attribution_line(
    out: &mut String,
    id: &str,
    source: Option<Range<usize>>,
    cue: Option<Range<usize>>,
    content: Range<usize>,
) {
    let field = |r: Option<Range<usize>>| match r {
        Some(r) => (r.start.to_string(), r.end.to_string()),
        None => (String::new(), String::new()),
    };
    let (ss, se) = field(source);
    let (cs, ce) = field(cue);
    let _ = writeln!(
        out,
        "{id}\t{ss}\t{se}\t{cs}\t{ce}\t{}\t{}",
        content.start, content.end
    );
}

#[allow(clippy::single_range_in_vec_init)] // one piece, in the scorer's list-of-pieces form
fn parse_range(a: &str, b: &str) -> Result<Vec<Range<usize>>, AttributionLineErrorKind> {
    match (a.trim(), b.trim()) {
        ("", "") => Ok(Vec::new()),
        (a, b) => {
            let number = |s: &str| {
                s.parse::<usize>()
                    .map_err(|_| AttributionLineErrorKind::NotANumber(s.to_string()))
            };
            let (start, end) = (number(a)?, number(b)?);
            if start > end {
                return Err(AttributionLineErrorKind::Reversed { start, end });
            }
            Ok(vec![start..end])
        }
    }
}

/// Parses attribution prediction lines (see the module doc); blank lines are
/// skipped.
///
/// # Errors
/// The first malformed line, with its 1-based number.
pub fn parse_attribution_lines(text: &str) -> Result<Vec<AttributionSpans>, AttributionLineError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let err = |kind| AttributionLineError { line: i + 1, kind };
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 7 {
            return Err(err(AttributionLineErrorKind::FieldCount(f.len())));
        }
        let content = parse_range(f[5], f[6]).map_err(err)?;
        if content.is_empty() {
            return Err(err(AttributionLineErrorKind::NoContent));
        }
        out.push(AttributionSpans {
            article_id: f[0].to_string(),
            source: parse_range(f[1], f[2]).map_err(err)?,
            cue: parse_range(f[3], f[4]).map_err(err)?,
            content,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prediction_lines_round_trip_with_empty_fields() {
        let mut text = String::new();
        write_attribution_line(&mut text, "a", Some(0..2), Some(3..7), 8..20);
        write_attribution_line(&mut text, "b", None, Some(1..3), 4..9);
        assert_eq!(text, "a\t0\t2\t3\t7\t8\t20\nb\t\t\t1\t3\t4\t9\n");
        let spans = parse_attribution_lines(&text).unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].source, vec![0..2]);
        assert!(spans[1].source.is_empty());
        assert_eq!(spans[1].content, vec![4..9]);
        let e = |t: &str| parse_attribution_lines(t).unwrap_err().to_string();
        assert_eq!(
            e("a\t0\t2\n"),
            "line 1: expected 7 tab-separated fields, found 3"
        );
        assert!(e("a\t\t\t\t\t\t\n").contains("content"));
        assert!(e("\na\t5\t2\t\t\t1\t2\n").starts_with("line 2: start 5 is after end 2"));
        assert!(e("a\tx\t2\t\t\t1\t2\n").contains("\"x\" is not a number"));
    }
}
