//! Parsers for the tab-separated SemEval-2020 Task 11 annotation formats.

use crate::LabeledSpan;

/// A malformed line in an SI or TC annotation text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}: {text:?}")]
pub struct ParseError {
    /// 1-based line number in the parsed text.
    pub line: usize,
    /// The offending line, as it appeared (without its line terminator).
    pub text: String,
    /// What is wrong with it.
    pub kind: ParseErrorKind,
}

/// What is wrong with a malformed annotation line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The line does not have the number of tab-separated fields the format needs.
    #[error("expected {expected} tab-separated fields ({format}), found {found}")]
    FieldCount {
        /// Fields the format has.
        expected: usize,
        /// Fields found on the line.
        found: usize,
        /// The format's field names, e.g. `id, start, end`.
        format: &'static str,
    },
    /// An offset is not a non-negative decimal integer.
    #[error("{field} is not a non-negative integer: {value:?}")]
    NotANumber {
        /// `start` or `end`.
        field: &'static str,
        /// The field as written.
        value: String,
    },
    /// The start offset lies after the end offset.
    #[error("start {start} is after end {end}")]
    Reversed {
        /// The start offset.
        start: usize,
        /// The end offset.
        end: usize,
    },
    /// A required text field (article id or technique) is empty.
    #[error("{field} is empty")]
    EmptyField {
        /// `article id` or `technique`.
        field: &'static str,
    },
}

const SI_FORMAT: &str = "id, start, end";
const TC_FORMAT: &str = "id, technique, start, end";

/// Parses span-identification lines: `id<TAB>start<TAB>end`.
///
/// Offsets are code points, end exclusive. Blank lines are skipped;
/// trailing whitespace on a line (tabs included, as the official scorer
/// strips it), spaces around a field and a leading byte order mark are
/// ignored. `start == end` is accepted (an empty span); `start > end` is an
/// error.
///
/// # Errors
/// The first malformed line, with its 1-based number and its text.
///
/// ```
/// let spans = unspin_eval::parse_si_lines("111\t3\t10\n\n111\t20\t25\n").unwrap();
/// assert_eq!(spans.len(), 2);
/// assert_eq!((spans[1].start, spans[1].end), (20, 25));
/// assert!(spans[0].technique.is_none());
/// ```
pub fn parse_si_lines(input: &str) -> Result<Vec<LabeledSpan>, ParseError> {
    parse_lines(input, 3, SI_FORMAT, |f| {
        let article = non_empty(f[0], "article id")?;
        let (start, end) = offsets(f[1], f[2])?;
        Ok(LabeledSpan::si(article, start, end))
    })
}

/// Parses technique-classification lines, the format of PTC `.labels`
/// files: `id<TAB>technique<TAB>start<TAB>end`.
///
/// Same conventions as [`parse_si_lines`]. Technique labels are kept as
/// written (they are not checked against the taxonomy, so that scores can
/// be computed for any label set).
///
/// # Errors
/// The first malformed line, with its 1-based number and its text.
///
/// ```
/// let spans = unspin_eval::parse_tc_lines("111\tDoubt\t3\t10\n").unwrap();
/// assert_eq!(spans[0].technique.as_deref(), Some("Doubt"));
///
/// let err = unspin_eval::parse_tc_lines("111\tDoubt\t3\t10\n111\tDoubt\t3\n").unwrap_err();
/// assert_eq!(err.line, 2);
/// assert_eq!(err.text, "111\tDoubt\t3");
/// ```
pub fn parse_tc_lines(input: &str) -> Result<Vec<LabeledSpan>, ParseError> {
    parse_lines(input, 4, TC_FORMAT, |f| {
        let article = non_empty(f[0], "article id")?;
        let technique = non_empty(f[1], "technique")?;
        let (start, end) = offsets(f[2], f[3])?;
        Ok(LabeledSpan::tc(article, technique, start, end))
    })
}

fn parse_lines(
    input: &str,
    expected: usize,
    format: &'static str,
    build: impl Fn(&[&str]) -> Result<LabeledSpan, ParseErrorKind>,
) -> Result<Vec<LabeledSpan>, ParseError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut spans = Vec::new();
    for (i, raw) in input.lines().enumerate() {
        // Like the official scorer: trailing whitespace (tabs included) goes.
        let line = raw.trim_end();
        if line.trim_start().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let result = if fields.len() == expected {
            build(&fields)
        } else {
            Err(ParseErrorKind::FieldCount {
                expected,
                found: fields.len(),
                format,
            })
        };
        match result {
            Ok(span) => spans.push(span),
            Err(kind) => {
                return Err(ParseError {
                    line: i + 1,
                    text: raw.to_string(),
                    kind,
                })
            }
        }
    }
    Ok(spans)
}

fn non_empty<'a>(value: &'a str, field: &'static str) -> Result<&'a str, ParseErrorKind> {
    if value.is_empty() {
        Err(ParseErrorKind::EmptyField { field })
    } else {
        Ok(value)
    }
}

fn offsets(start: &str, end: &str) -> Result<(usize, usize), ParseErrorKind> {
    let number = |value: &str, field| {
        // `usize::from_str` accepts a leading '+'; the format does not.
        if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseErrorKind::NotANumber {
                field,
                value: value.to_string(),
            });
        }
        value
            .parse::<usize>()
            .map_err(|_| ParseErrorKind::NotANumber {
                field,
                value: value.to_string(),
            })
    };
    let (start, end) = (number(start, "start")?, number(end, "end")?);
    if start > end {
        return Err(ParseErrorKind::Reversed { start, end });
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_si_and_tc_lines_and_skips_blank_lines() {
        let si = parse_si_lines("\u{feff}1\t0\t5\r\n\n   \n2\t7\t7\n").unwrap();
        assert_eq!(si, [LabeledSpan::si("1", 0, 5), LabeledSpan::si("2", 7, 7)]);

        let tc = parse_tc_lines("1\tName_Calling,Labeling\t0\t5\n1\tDoubt\t3\t9\t\n").unwrap();
        assert_eq!(
            tc,
            [
                LabeledSpan::tc("1", "Name_Calling,Labeling", 0, 5),
                LabeledSpan::tc("1", "Doubt", 3, 9)
            ]
        );
        assert!(parse_tc_lines("").unwrap().is_empty());
    }

    #[test]
    fn wrong_field_count_reports_line_number_and_text() {
        let err = parse_si_lines("1\t0\t5\n\n1\t0\t5\t9\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert_eq!(err.text, "1\t0\t5\t9");
        assert_eq!(
            err.kind,
            ParseErrorKind::FieldCount {
                expected: 3,
                found: 4,
                format: SI_FORMAT
            }
        );
        assert_eq!(
            err.to_string(),
            "line 3: expected 3 tab-separated fields (id, start, end), found 4: \"1\\t0\\t5\\t9\""
        );

        // Space-separated instead of tab-separated.
        let err = parse_tc_lines("1 Doubt 0 5").unwrap_err();
        assert_eq!((err.line, err.text.as_str()), (1, "1 Doubt 0 5"));
        assert!(matches!(
            err.kind,
            ParseErrorKind::FieldCount {
                expected: 4,
                found: 1,
                ..
            }
        ));
    }

    #[test]
    fn non_numeric_offsets_are_errors() {
        for (input, field, value) in [
            ("1\tDoubt\tx\t5", "start", "x"),
            ("1\tDoubt\t0\t5.5", "end", "5.5"),
            ("1\tDoubt\t-1\t5", "start", "-1"),
            ("1\tDoubt\t+1\t5", "start", "+1"),
            ("1\tDoubt\t\t5", "start", ""),
            (
                "1\tDoubt\t0\t99999999999999999999999",
                "end",
                "99999999999999999999999",
            ),
        ] {
            let err = parse_tc_lines(&format!("1\tDoubt\t0\t1\n{input}")).unwrap_err();
            assert_eq!(err.line, 2, "{input}");
            assert_eq!(
                err.kind,
                ParseErrorKind::NotANumber {
                    field,
                    value: value.to_string()
                },
                "{input}"
            );
        }
    }

    #[test]
    fn reversed_and_empty_fields_are_errors() {
        let err = parse_si_lines("1\t9\t5").unwrap_err();
        assert_eq!(
            (err.line, err.kind),
            (1, ParseErrorKind::Reversed { start: 9, end: 5 })
        );
        let err = parse_tc_lines("1\t\t0\t5").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::EmptyField { field: "technique" });
        let err = parse_si_lines("x\t0\t1\n\t0\t5").unwrap_err();
        assert_eq!(
            (err.line, err.kind),
            (
                2,
                ParseErrorKind::EmptyField {
                    field: "article id"
                }
            )
        );
    }
}
