//! Attribution annotations in brat standoff format (PolNeAR), and a reader
//! for a folder of annotated articles.
//!
//! ```text
//! T1<TAB>Source 110 112<TAB>we
//! T2<TAB>Cue 113 119<TAB>mocked
//! T3<TAB>Content 120 150;152 170<TAB>the presidential ambitions ...
//! T4<TAB>Attribution 113 119<TAB>mocked
//! E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1
//! ```
//!
//! Offsets are Unicode code points, end exclusive; a span may be
//! discontinuous (`;`-separated pieces). Only `E` lines whose trigger is
//! `Attribution` or `Attribution-no-source` become attributions; `#` notes and
//! `Discuss`/`Discard` flags are ignored; a surface text that contains a raw
//! newline spills onto stray continuation lines, which are skipped.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use unspin_document::Document;

use crate::input::read_bytes;
use crate::{decode_text, LabelError, LabelErrorKind, ReadError, ReadOptions};

/// One gold attribution: who (source) says (cue) what (content), each a list
/// of code-point ranges (empty when the role is absent).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BratAttribution {
    /// The `E` id (`E1`).
    pub id: String,
    /// The speaker pieces.
    pub source: Vec<Range<usize>>,
    /// The cue pieces.
    pub cue: Vec<Range<usize>>,
    /// The content pieces (a second content, `Content2`, is appended).
    pub content: Vec<Range<usize>>,
}

/// An article with its gold attributions.
#[derive(Debug, Clone)]
pub struct AttributionArticle {
    /// The article, read as plain text (id = file stem).
    pub document: Document,
    /// Its attributions, in code points.
    pub attributions: Vec<BratAttribution>,
    /// The annotation file used.
    pub annotation: PathBuf,
}

/// The roles of one attribution as piece slices: `(source, cue, content)`.
pub type RolePieces<'a> = (&'a [Range<usize>], &'a [Range<usize>], &'a [Range<usize>]);

impl AttributionArticle {
    /// Every attribution's `(source, cue, content)` pieces, in code points.
    pub fn role_pieces(&self) -> impl Iterator<Item = RolePieces<'_>> {
        self.attributions
            .iter()
            .map(|g| (&g.source[..], &g.cue[..], &g.content[..]))
    }
}

fn bad(path: Option<&Path>, line_no: usize, line: &str, reason: impl Into<String>) -> LabelError {
    LabelError::new(
        path,
        line_no,
        line,
        LabelErrorKind::Brat {
            reason: reason.into(),
        },
    )
}

fn parse_offsets(field: &str) -> Option<Vec<Range<usize>>> {
    let mut out = Vec::new();
    for piece in field.split(';') {
        let mut it = piece.split_whitespace();
        let start: usize = it.next()?.parse().ok()?;
        let end: usize = it.next()?.parse().ok()?;
        if it.next().is_some() || end < start {
            return None;
        }
        out.push(start..end);
    }
    Some(out)
}

/// Parses the attributions of one `.ann` file. `path` only labels errors.
///
/// # Errors
/// A [`LabelError`] with the line number for a `T` line with bad offsets or
/// an `E` line that names an unknown `T` id.
pub fn parse_brat_attributions(
    text: &str,
    path: Option<&Path>,
) -> Result<Vec<BratAttribution>, LabelError> {
    let mut spans: HashMap<&str, (&str, Vec<Range<usize>>)> = HashMap::new();
    let mut events: Vec<(usize, &str)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim_end_matches('\r');
        if line.starts_with('T') {
            let mut fields = line.splitn(3, '\t');
            let id = fields.next().unwrap_or_default();
            let Some(annotation) = fields.next() else {
                // A stray continuation of a surface text that starts with T.
                continue;
            };
            let (label, offsets) = annotation
                .split_once(' ')
                .ok_or_else(|| bad(path, line_no, line, "a T line needs `Label start end`"))?;
            let ranges = parse_offsets(offsets)
                .ok_or_else(|| bad(path, line_no, line, format!("bad offsets {offsets:?}")))?;
            spans.insert(id, (label, ranges));
        } else if line.starts_with('E') && line.contains('\t') {
            events.push((line_no, line));
        }
        // `#` notes, `A`/`R` lines and stray continuation lines are ignored.
    }
    let mut out = Vec::new();
    for (line_no, line) in events {
        let (id, args) = line.split_once('\t').unwrap_or((line, ""));
        let mut attribution = BratAttribution {
            id: id.to_string(),
            ..BratAttribution::default()
        };
        let mut is_attribution = false;
        for arg in args.split_whitespace() {
            let Some((role, target)) = arg.split_once(':') else {
                return Err(bad(
                    path,
                    line_no,
                    line,
                    format!("argument {arg:?} is not Role:Id"),
                ));
            };
            let (label, ranges) = spans.get(target).ok_or_else(|| {
                bad(
                    path,
                    line_no,
                    line,
                    format!("{role} names unknown span {target:?}"),
                )
            })?;
            let role = role.trim_end_matches(|c: char| c.is_ascii_digit());
            match role {
                "Attribution" | "Attribution-no-source" => is_attribution = true,
                "Source" => attribution.source.extend(ranges.iter().cloned()),
                "Cue" => attribution.cue.extend(ranges.iter().cloned()),
                "Content" => attribution.content.extend(ranges.iter().cloned()),
                _ => {}
            }
            let _ = label;
        }
        if is_attribution && !attribution.content.is_empty() {
            for roles in [
                &mut attribution.source,
                &mut attribution.cue,
                &mut attribution.content,
            ] {
                roles.sort_by_key(|r| (r.start, r.end));
            }
            out.push(attribution);
        }
    }
    out.sort_by_key(|a| a.content.first().map(|r| r.start));
    Ok(out)
}

/// Reads and parses one `.ann` file (an empty file has no attributions).
///
/// # Errors
/// [`ReadError`] for an unreadable file, [`ReadError::Labels`] for bad lines.
pub fn read_brat_attributions(path: impl AsRef<Path>) -> Result<Vec<BratAttribution>, ReadError> {
    let path = path.as_ref();
    let options = ReadOptions::default();
    let bytes = read_bytes(path, options.max_bytes)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        // An article without attributions has an empty annotation file.
        return Ok(Vec::new());
    }
    let text = decode_text(path, &bytes, &options)?;
    Ok(parse_brat_attributions(&text, Some(path))?)
}

/// Reads a PolNeAR-layout folder: `DIR/text/NAME.txt` with
/// `DIR/attributions/NAME_ANNOTATOR.ann`. Where several annotators annotated
/// an article, the first annotation file in name order is used. Articles are
/// returned in file-name order; the text is kept exactly as in the file (a
/// byte-order mark included), so code-point offsets index it.
///
/// # Errors
/// The first unreadable file, an article without an annotation file, or an
/// offset beyond its article.
pub fn read_attribution_corpus(
    dir: impl AsRef<Path>,
) -> Result<Vec<AttributionArticle>, ReadError> {
    let dir = dir.as_ref();
    let text_dir = dir.join("text");
    let ann_dir = dir.join("attributions");
    let list = |d: &Path| -> Result<Vec<PathBuf>, ReadError> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(d)
            .map_err(|e| ReadError::io(d, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        v.sort();
        Ok(v)
    };
    let anns = list(&ann_dir)?;
    let options = ReadOptions {
        keep_bom: true,
        ..ReadOptions::default()
    };
    let mut out = Vec::new();
    for path in list(&text_dir)? {
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = format!("{stem}_");
        let annotation = anns
            .iter()
            .find(|a| {
                a.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".ann"))
            })
            .cloned()
            .ok_or_else(|| ReadError::NotFound {
                path: ann_dir.join(format!("{stem}_*.ann")),
            })?;
        let bytes = read_bytes(&path, options.max_bytes)?;
        let text = decode_text(&path, &bytes, &options)?;
        let len = text.chars().count();
        let attributions = read_brat_attributions(&annotation)?;
        for a in &attributions {
            for r in a.source.iter().chain(&a.cue).chain(&a.content) {
                if r.end > len {
                    return Err(LabelError::new(
                        Some(&annotation),
                        0,
                        "",
                        LabelErrorKind::BeyondText {
                            offset: r.end,
                            len_chars: len,
                        },
                    )
                    .into());
                }
            }
        }
        let mut document = Document::new(stem, text);
        document.metadata.url = Some(path.display().to_string());
        out.push(AttributionArticle {
            document,
            attributions,
            annotation,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_roles_discontinuous_pieces_and_skips_noise() {
        let ann = "T1\tSource 0 2\twe\nT2\tCue 3 9\tmocked\nT3\tContent 10 14;16 20\tabcd efgh\n\
                   continuation line\nT4\tAttribution 3 9\tmocked\n#1\tAnnotatorNotes T3\tnote\n\
                   E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n\
                   T5\tCue 30 33\tsay\nT6\tContent 34 40\tsomething\nT7\tAttribution-no-source 30 33\tsay\n\
                   E2\tAttribution-no-source:T7 Content:T6 Cue:T5\n\
                   T8\tDiscuss 1 2\tx\nE3\tDiscuss:T8\n";
        let got = parse_brat_attributions(ann, None).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].source, vec![0..2]);
        assert_eq!(got[0].cue, vec![3..9]);
        assert_eq!(got[0].content, vec![10..14, 16..20]);
        assert!(got[1].source.is_empty());
        assert_eq!(got[1].content, vec![34..40]);
    }

    #[test]
    fn unknown_ids_and_bad_offsets_name_the_line() {
        let err = parse_brat_attributions("T1\tCue 3 x\tsaid\n", None).unwrap_err();
        assert_eq!(err.line, 1);
        let err = parse_brat_attributions("T1\tCue 3 4\ts\nE1\tAttribution:T9 Cue:T1\n", None)
            .unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().contains("T9"), "{err}");
    }
}
