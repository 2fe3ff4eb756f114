//! The Propaganda Techniques Corpus (SemEval-2020 Task 11) article and label
//! readers.

use std::path::{Path, PathBuf};

use unspin_document::{layers, Document, Span};

use crate::input::read_bytes;
use crate::text::{set_title, trimmed_range};
use crate::{decode_text, LabelError, LabelErrorKind, ReadError, ReadOptions};

/// The provenance of spans added by [`attach_gold`].
pub const GOLD_PROVENANCE: &str = "gold";

/// The label given to spans from span-only (3-field, task SI) label lines.
pub const SPAN_ONLY_LABEL: &str = "propaganda";

/// The options PTC files are read with: no lossy decoding (offsets would
/// drift), the default size limit, and a leading byte-order mark kept, since
/// PTC offsets count it as one code point.
fn ptc_options() -> ReadOptions {
    ReadOptions {
        lossy_utf8: false,
        keep_bom: true,
        ..ReadOptions::default()
    }
}

/// The PTC id of an article file: the file name without its `article` prefix
/// and `.txt` extension (`article111111112.txt` → `111111112`).
///
/// Names without the prefix keep their whole stem (`foo.txt` → `foo`); `None`
/// when no id is left (`article.txt`, `.txt`).
pub fn ptc_article_id(path: impl AsRef<Path>) -> Option<String> {
    let name = path.as_ref().file_name()?.to_str()?;
    let stem = name.strip_suffix(".txt").unwrap_or(name);
    let id = stem.strip_prefix("article").unwrap_or(stem);
    (!id.is_empty() && !stem.is_empty()).then(|| id.to_string())
}

/// Reads one PTC article (`articleID.txt`: title line, blank line, body with
/// one sentence a line) into a [`Document`].
///
/// - `id` is the PTC id ([`ptc_article_id`]), the id SemEval output uses;
/// - the text is the file content exactly as it is — a leading byte-order
///   mark and every line ending included — because label offsets index the
///   whole file, title included;
/// - `metadata.title` is the first line (trimmed, without a byte-order mark),
///   also covered by a [`layers::TITLE`] span; `metadata.url` is the path.
///
/// # Errors
/// [`ReadError::BadArticleName`] when the file name yields no id, and the
/// errors of [`read_text_file`](crate::read_text_file) (invalid UTF-8 is
/// always an error here).
pub fn read_ptc_article(path: impl AsRef<Path>) -> Result<Document, ReadError> {
    let path = path.as_ref();
    let id = ptc_article_id(path).ok_or_else(|| ReadError::BadArticleName {
        path: path.to_path_buf(),
    })?;
    let options = ptc_options();
    let bytes = read_bytes(path, options.max_bytes)?;
    let text = decode_text(path, &bytes, &options)?;
    let mut doc = Document::new(id, text);
    let first_line = doc.text().split('\n').next().unwrap_or("");
    if let Some(range) = trimmed_range(first_line, 0) {
        set_title(&mut doc, range);
    }
    doc.metadata.url = Some(path.display().to_string());
    Ok(doc)
}

/// One PTC label: a technique over `[start_char, end_char)` of an article,
/// in **Unicode code points** (the PTC / Python convention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtcLabel {
    /// The article id (first field).
    pub article_id: String,
    /// The technique (e.g. `Loaded_Language`); `None` for span-only lines.
    pub technique: Option<String>,
    /// Start offset in code points (inclusive).
    pub start_char: usize,
    /// End offset in code points (exclusive).
    pub end_char: usize,
    /// 1-based line number in the labels text.
    pub line: usize,
}

impl PtcLabel {
    /// The label line as PTC writes it.
    pub fn to_line(&self) -> String {
        match &self.technique {
            Some(t) => format!(
                "{}\t{}\t{}\t{}",
                self.article_id, t, self.start_char, self.end_char
            ),
            None => format!(
                "{}\t{}\t{}",
                self.article_id, self.start_char, self.end_char
            ),
        }
    }
}

/// The labels of one `.labels` file, in file order (duplicates kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PtcLabels {
    /// The file the labels were read from, when there was one.
    pub source: Option<PathBuf>,
    /// The labels.
    pub labels: Vec<PtcLabel>,
}

/// Parses the text of a PTC labels file.
///
/// Each non-blank line is `id<TAB>technique<TAB>start<TAB>end` (task TC /
/// FLC) or `id<TAB>start<TAB>end` (task SI); offsets are code points, end
/// exclusive. Fields are trimmed; a line without tabs may separate its fields
/// by spaces. A trailing `\r` is ignored; blank lines are skipped; an empty
/// text gives no labels.
///
/// # Errors
/// A [`LabelError`] naming the 1-based line and quoting it, for a wrong
/// number of fields, an empty id or technique, an offset that is not a
/// non-negative integer, or `start > end`.
pub fn parse_ptc_labels(text: &str) -> Result<PtcLabels, LabelError> {
    parse_labels(text, None)
}

/// Reads and parses a PTC labels file; see [`parse_ptc_labels`]. An empty
/// file is valid and has no labels.
///
/// # Errors
/// The file errors of [`read_text_file`](crate::read_text_file) except
/// [`ReadError::Empty`], and [`ReadError::Labels`] naming the file.
pub fn read_ptc_labels(path: impl AsRef<Path>) -> Result<PtcLabels, ReadError> {
    let path = path.as_ref();
    let options = ptc_options();
    let bytes = read_bytes(path, options.max_bytes)?;
    let text = match decode_text(path, &bytes, &options) {
        Ok(text) => text,
        Err(ReadError::Empty { .. }) => String::new(),
        Err(e) => return Err(e),
    };
    Ok(parse_labels(&text, Some(path))?)
}

fn parse_labels(text: &str, path: Option<&Path>) -> Result<PtcLabels, LabelError> {
    let mut labels = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .is_empty()
        {
            continue;
        }
        // Tabs separate fields, so they are not trimmed: a leading tab is an
        // empty id.
        let content =
            line.trim_matches(|c: char| c != '\t' && (c.is_whitespace() || c == '\u{feff}'));
        let error = |kind| LabelError::new(path, i + 1, line, kind);
        let fields: Vec<&str> = if content.contains('\t') {
            content.split('\t').map(str::trim).collect()
        } else {
            content.split_whitespace().collect()
        };
        let (id, technique, start, end) = match fields[..] {
            [id, technique, start, end] => (id, Some(technique), start, end),
            [id, start, end] => (id, None, start, end),
            _ => {
                return Err(error(LabelErrorKind::FieldCount {
                    found: fields.len(),
                }))
            }
        };
        if id.is_empty() {
            return Err(error(LabelErrorKind::EmptyField { field: "id" }));
        }
        if technique == Some("") {
            return Err(error(LabelErrorKind::EmptyField { field: "technique" }));
        }
        let offset = |value: &str| {
            value.parse::<usize>().map_err(|_| {
                error(LabelErrorKind::BadOffset {
                    value: value.to_string(),
                })
            })
        };
        let (start_char, end_char) = (offset(start)?, offset(end)?);
        if start_char > end_char {
            return Err(error(LabelErrorKind::Reversed {
                start: start_char,
                end: end_char,
            }));
        }
        labels.push(PtcLabel {
            article_id: id.to_string(),
            technique: technique.map(str::to_string),
            start_char,
            end_char,
            line: i + 1,
        });
    }
    Ok(PtcLabels {
        source: path.map(Path::to_path_buf),
        labels,
    })
}

/// Adds gold labels to `doc`'s [`layers::TECHNIQUE`] layer: each label's code
/// point offsets are converted to byte offsets through the document's
/// [`CharIndex`](unspin_document::CharIndex); the span's label is the
/// technique ([`SPAN_ONLY_LABEL`] for span-only lines), its score 1.0 and its
/// provenance [`GOLD_PROVENANCE`].
///
/// The layer is created even when there are no labels (an article with no
/// techniques is still annotated), and its spans end up sorted by start,
/// longest first. Nothing is added unless every label fits.
///
/// # Errors
/// A [`LabelError`] (naming the labels file when known, and the line) when a
/// label is for another article than `doc.id`, or an offset lies beyond the
/// article's length in code points.
pub fn attach_gold(doc: &mut Document, labels: &PtcLabels) -> Result<(), LabelError> {
    let index = doc.char_index();
    let len_chars = index.len_chars();
    let mut spans = doc.layer(layers::TECHNIQUE).to_vec();
    spans.reserve(labels.labels.len());
    for label in &labels.labels {
        let error =
            |kind| LabelError::new(labels.source.as_deref(), label.line, &label.to_line(), kind);
        if label.article_id != doc.id {
            return Err(error(LabelErrorKind::WrongArticle {
                expected: doc.id.clone(),
                found: label.article_id.clone(),
            }));
        }
        let byte = |offset: usize| {
            index
                .to_byte(offset)
                .ok_or_else(|| error(LabelErrorKind::BeyondText { offset, len_chars }))
        };
        let (start, end) = (byte(label.start_char)?, byte(label.end_char)?);
        let name = label.technique.as_deref().unwrap_or(SPAN_ONLY_LABEL);
        let span = Span::new(start, end, name).map_err(|_| {
            error(LabelErrorKind::Reversed {
                start: label.start_char,
                end: label.end_char,
            })
        })?;
        spans.push(span.with_score(1.0).with_provenance(GOLD_PROVENANCE));
    }
    // Every offset came from the document's own index, so the spans fit.
    doc.set_layer(layers::TECHNIQUE, spans)
        .map_err(|e| LabelError::new(labels.source.as_deref(), 0, "", LabelErrorKind::Document(e)))
}

#[cfg(test)]
mod tests {
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    use super::*;

    const ARTICLE: &str = "\u{feff}A \u{201c}title\u{201d}\n\nThey are \u{201c}traitors\u{201d} \u{2014} all of them.\n";

    fn write(dir: &Path, name: &str, content: &str) -> std::io::Result<PathBuf> {
        let path = dir.join(name);
        std::fs::write(&path, content)?;
        Ok(path)
    }

    #[test]
    fn article_id_from_file_name() -> TestResult {
        assert_eq!(
            ptc_article_id("x/article111111112.txt").as_deref(),
            Some("111111112")
        );
        assert_eq!(ptc_article_id("foo.txt").as_deref(), Some("foo"));
        assert_eq!(ptc_article_id("article.txt"), None);
        assert_eq!(ptc_article_id(".txt"), None);
        assert_eq!(ptc_article_id("/"), None);
        Ok(())
    }

    #[test]
    fn reads_an_article_exactly_and_takes_the_first_line_as_title() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = write(dir.path(), "article42.txt", ARTICLE)?;
        let doc = read_ptc_article(&path)?;
        assert_eq!(doc.id, "42");
        assert_eq!(doc.text(), ARTICLE);
        assert_eq!(
            doc.metadata.title.as_deref(),
            Some("A \u{201c}title\u{201d}")
        );
        assert_eq!(
            doc.span_text(&doc.layer(layers::TITLE)[0]),
            "A \u{201c}title\u{201d}"
        );
        assert_eq!(doc.metadata.url, Some(path.display().to_string()));
        Ok(())
    }

    #[test]
    fn article_errors() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = write(dir.path(), "article.txt", "Title\n\nBody\n")?;
        assert!(matches!(
            read_ptc_article(&path),
            Err(ReadError::BadArticleName { .. })
        ));
        let path = write(dir.path(), "article7.txt", "")?;
        assert!(matches!(
            read_ptc_article(&path),
            Err(ReadError::Empty { .. })
        ));
        let path = dir.path().join("article8.txt");
        std::fs::write(&path, b"Title\n\n\x93bad\x94\n")?;
        assert!(matches!(
            read_ptc_article(&path),
            Err(ReadError::InvalidUtf8 {
                offset: 7,
                line: 3,
                ..
            })
        ));
        assert!(matches!(
            read_ptc_article(dir.path().join("article9.txt")),
            Err(ReadError::NotFound { .. })
        ));
        Ok(())
    }

    #[test]
    fn parses_tc_and_si_lines() -> TestResult {
        let labels = parse_ptc_labels("42\tLoaded_Language\t10\t20\r\n\n42 3 5\n  \n")?;
        assert_eq!(labels.source, None);
        assert_eq!(
            labels.labels,
            vec![
                PtcLabel {
                    article_id: "42".into(),
                    technique: Some("Loaded_Language".into()),
                    start_char: 10,
                    end_char: 20,
                    line: 1
                },
                PtcLabel {
                    article_id: "42".into(),
                    technique: None,
                    start_char: 3,
                    end_char: 5,
                    line: 3
                },
            ]
        );
        assert!(parse_ptc_labels("")?.labels.is_empty());
        Ok(())
    }

    #[test]
    fn label_errors_name_the_line_and_quote_it() -> TestResult {
        let cases: [(&str, LabelErrorKind); 6] = [
            (
                "42\tSlogans\t1\t2\n42\tSlogans",
                LabelErrorKind::FieldCount { found: 2 },
            ),
            (
                "42\tSlogans\t1\t2\n42\tSlogans\tone\t2",
                LabelErrorKind::BadOffset {
                    value: "one".into(),
                },
            ),
            (
                "42\tSlogans\t1\t2\n42\tSlogans\t1\t-2",
                LabelErrorKind::BadOffset { value: "-2".into() },
            ),
            (
                "42\tSlogans\t1\t2\n42\tSlogans\t50\t40",
                LabelErrorKind::Reversed { start: 50, end: 40 },
            ),
            (
                "42\tSlogans\t1\t2\n\tSlogans\t1\t2",
                LabelErrorKind::EmptyField { field: "id" },
            ),
            (
                "42\tSlogans\t1\t2\n42\t\t1\t2",
                LabelErrorKind::EmptyField { field: "technique" },
            ),
        ];
        for (text, kind) in cases {
            let err = parse_ptc_labels(text).unwrap_err();
            assert_eq!(err.line, 2, "{text:?}");
            assert_eq!(err.kind, kind, "{text:?}");
            let msg = err.to_string();
            assert!(msg.starts_with("line 2: "), "{msg}");
            assert!(
                msg.contains(&format!(
                    "{:?}",
                    text.split('\n').nth(1).unwrap_or_default()
                )),
                "{msg}"
            );
        }
        let err = parse_ptc_labels("a b c d e").unwrap_err();
        assert_eq!(err.kind, LabelErrorKind::FieldCount { found: 5 });
        Ok(())
    }

    #[test]
    fn read_labels_names_the_file() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = write(
            dir.path(),
            "article42.labels",
            "42\tSlogans\t1\t2\n42\tSlogans\tx\t2\n",
        )?;
        let err = read_ptc_labels(&path).unwrap_err();
        assert!(matches!(&err, ReadError::Labels(e) if e.line == 2));
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("\"{}\": line 2: ", path.display())),
            "{msg}"
        );
        assert_eq!(err.path(), Some(path.as_path()));
        let empty = write(dir.path(), "article43.labels", "")?;
        assert_eq!(read_ptc_labels(&empty)?.labels, vec![]);
        assert!(matches!(
            read_ptc_labels(dir.path()),
            Err(ReadError::IsDirectory { .. })
        ));
        Ok(())
    }

    #[test]
    fn attach_gold_converts_code_points_to_bytes() -> TestResult {
        let mut doc = Document::new("42", ARTICLE);
        // Python: ARTICLE[21:31] == '“traitors”' (the BOM counts as one code point).
        let labels = parse_ptc_labels("42\tName_Calling,Labeling\t21\t31\n42\t12\t16\n")?;
        attach_gold(&mut doc, &labels)?;
        let spans = doc.layer(layers::TECHNIQUE);
        assert_eq!(spans.len(), 2);
        assert_eq!(doc.span_text(&spans[0]), "They");
        assert_eq!(spans[0].label, SPAN_ONLY_LABEL);
        assert_eq!(doc.span_text(&spans[1]), "\u{201c}traitors\u{201d}");
        assert_eq!(spans[1].label, "Name_Calling,Labeling");
        assert_eq!(spans[1].score, 1.0);
        assert_eq!(spans[1].provenance.as_deref(), Some(GOLD_PROVENANCE));
        let python: String = ARTICLE.chars().skip(21).take(10).collect();
        assert_eq!(doc.span_text(&spans[1]), python);
        Ok(())
    }

    #[test]
    fn attach_gold_with_no_labels_creates_the_layer() -> TestResult {
        let mut doc = Document::new("42", ARTICLE);
        attach_gold(&mut doc, &PtcLabels::default())?;
        assert!(doc.has_layer(layers::TECHNIQUE));
        assert!(doc.layer(layers::TECHNIQUE).is_empty());
        Ok(())
    }

    #[test]
    fn attach_gold_errors_leave_the_document_unchanged() -> TestResult {
        let mut doc = Document::new("42", ARTICLE);
        let len = ARTICLE.chars().count();
        let text = format!("42\tSlogans\t0\t1\n42\tSlogans\t0\t{}\n", len + 1);
        let labels = PtcLabels {
            source: Some("a.labels".into()),
            ..parse_ptc_labels(&text)?
        };
        let err = attach_gold(&mut doc, &labels).unwrap_err();
        assert_eq!(
            err.kind,
            LabelErrorKind::BeyondText {
                offset: len + 1,
                len_chars: len
            }
        );
        assert_eq!(err.line, 2);
        assert!(
            err.to_string().starts_with("\"a.labels\": line 2: offset"),
            "{err}"
        );
        assert!(!doc.has_layer(layers::TECHNIQUE));
        // The end of the text itself is a valid end offset.
        let labels = parse_ptc_labels(&format!("42\tSlogans\t0\t{len}"))?;
        attach_gold(&mut doc, &labels)?;

        let mut doc = Document::new("43", ARTICLE);
        let labels = parse_ptc_labels("42\tSlogans\t0\t1\n")?;
        let err = attach_gold(&mut doc, &labels).unwrap_err();
        assert_eq!(
            err.kind,
            LabelErrorKind::WrongArticle {
                expected: "43".into(),
                found: "42".into()
            }
        );
        Ok(())
    }
}
