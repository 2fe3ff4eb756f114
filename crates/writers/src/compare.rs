//! What `unspin compare ORIGINAL COPY` writes: how two articles relate and
//! what the copy changed, as JSON or as a side-by-side HTML page.
//!
//! [`Comparison::new`] runs the copy detector of `unspin-copies` on two
//! analysed documents: the body alignment (copy, partial or unrelated;
//! similarity and containment both ways), the paragraph alignment and the
//! [`Changes`]. [`Comparison::to_json`] and [`Comparison::to_html`] write it.
//! Edited paragraphs are shown with their word-level differences, from
//! [`word_diff`] (a longest common subsequence over words).

use std::ops::Range;

use serde::Serialize;
use unspin_copies::diff::changes_from;
use unspin_copies::{
    align, align_paragraphs, Alignment, Body, Changes, Paragraph, ParagraphAlignment,
    ParagraphKind, Relation, Row, RowStatus,
};
use unspin_document::{layers, Document, Span};

use crate::html::{class_of, is_web_url, meta_items, name_of, segments, shorten, styles, Style};
use crate::{summarize, HtmlError, JsonError};

mod words;

pub use words::{word_diff, WordDiff, WORD_DIFF_MAX_CELLS};

const TEMPLATE_NAME: &str = "compare.html";
const TEMPLATE: &str = include_str!("../templates/compare.html");
/// Technique changes named in the one-line summary (the rest are counted).
const SUMMARY_TECHNIQUES: usize = 3;
/// Longest technique text quoted in the summary, in characters.
const SUMMARY_QUOTE_CHARS: usize = 40;

/// Two analysed articles compared: the original (`origin`) and the copy.
#[derive(Debug)]
pub struct Comparison<'a> {
    origin: Side<'a>,
    copy: Side<'a>,
    alignment: Alignment,
    paragraphs: ParagraphAlignment,
    changes: Changes,
}

/// One article of a comparison and where it was read from.
#[derive(Debug, Clone, Copy)]
struct Side<'a> {
    doc: &'a Document,
    path: &'a str,
}

impl<'a> Comparison<'a> {
    /// Compares `origin` (read from `origin_path`) with `copy` (read from
    /// `copy_path`). Technique changes come from the documents' `technique`
    /// layers (none when the documents were not analysed).
    pub fn new(
        origin: &'a Document,
        origin_path: &'a str,
        copy: &'a Document,
        copy_path: &'a str,
    ) -> Comparison<'a> {
        let (ot, otitle) = (origin.text(), origin.metadata.title.as_deref());
        let (ct, ctitle) = (copy.text(), copy.metadata.title.as_deref());
        let alignment = align(&Body::new(ot, otitle), &Body::new(ct, ctitle));
        let paragraphs = align_paragraphs(ot, otitle, ct, ctitle);
        let changes = changes_from(origin, copy, &paragraphs);
        Comparison {
            origin: Side {
                doc: origin,
                path: origin_path,
            },
            copy: Side {
                doc: copy,
                path: copy_path,
            },
            alignment,
            paragraphs,
            changes,
        }
    }

    /// What the copy is to the original.
    pub fn relation(&self) -> Relation {
        self.alignment.relation
    }

    /// The body alignment (`a` is the original, `b` the copy).
    pub fn alignment(&self) -> &Alignment {
        &self.alignment
    }

    /// The paragraph alignment.
    pub fn paragraphs(&self) -> &ParagraphAlignment {
        &self.paragraphs
    }

    /// What the copy changed.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// One line saying how the two relate and what changed, e.g. `copy:
    /// headline changed, 2 paragraphs edited, 1 removed, footer added;
    /// techniques added: Loaded_Language 'Sabotage'`.
    pub fn summary(&self) -> String {
        let al = &self.alignment;
        let percent = |x: f64| format!("{:.0}%", x * 100.0);
        match al.relation {
            Relation::Unrelated => format!(
                "unrelated: {} of the original's text is in the copy, {} of the copy's in the \
                 original; longest shared passage {} words",
                percent(al.a_in_b),
                percent(al.b_in_a),
                al.longest_passage_words
            ),
            Relation::Partial => format!(
                "partial re-use: {} of the original's text is in the copy, {} of the copy's in \
                 the original; longest shared passage {} words",
                percent(al.a_in_b),
                percent(al.b_in_a),
                al.longest_passage_words
            ),
            Relation::Copy => {
                let (text, techniques) = self.change_phrases();
                let mut groups = Vec::new();
                if !text.is_empty() {
                    groups.push(text.join(", "));
                }
                groups.extend(techniques);
                if groups.is_empty() {
                    "copy: word for word the same".to_string()
                } else {
                    format!("copy: {}", groups.join("; "))
                }
            }
        }
    }

    /// The comparison as pretty-printed JSON:
    ///
    /// ```text
    /// {"origin": {"path", "title", "outlet", "published", "original_source", "url", "words"},
    ///  "copy": {…}, "relation": "copy"|"partial"|"unrelated", "similarity",
    ///  "origin_in_copy", "copy_in_origin", "longest_passage_words", "summary",
    ///  "changes": {"headline", "paragraphs_added", …, "techniques_dropped"},
    ///  "rows": [{"status", "kind", "origin", "copy", "similarity"}, …]}
    /// ```
    ///
    /// Rows are the aligned paragraphs in reading order, each with the text
    /// of its original and copy paragraph (`null` on the side that lacks it).
    ///
    /// # Errors
    /// Only if serialisation fails, which these types do not allow in practice.
    pub fn to_json(&self) -> Result<String, JsonError> {
        let al = &self.alignment;
        let wire = JsonComparison {
            origin: JsonSide::of(self.origin),
            copy: JsonSide::of(self.copy),
            relation: al.relation,
            similarity: round4(al.similarity),
            origin_in_copy: round4(al.a_in_b),
            copy_in_origin: round4(al.b_in_a),
            longest_passage_words: al.longest_passage_words,
            summary: self.summary(),
            changes: &self.changes,
            rows: self
                .paragraphs
                .rows
                .iter()
                .map(|r| JsonRow {
                    status: r.status,
                    kind: self.kind_of(r),
                    origin: r.origin.map(|i| self.origin_text(i)),
                    copy: r.copy.map(|i| self.copy_text(i)),
                    similarity: round4(r.similarity),
                })
                .collect(),
        };
        Ok(serde_json::to_string_pretty(&wire)?)
    }

    /// The comparison as one standalone HTML page (inline CSS, no scripts):
    /// both articles' headers, the verdict and summary line, then one table
    /// row per aligned paragraph with the original on the left and the copy
    /// on the right. Words an edited paragraph changed are marked `<del>`
    /// (original) and `<ins>` (copy); a paragraph only one side has leaves
    /// the other cell shaded; technique spans are highlighted in both
    /// columns in their taxonomy colours, the technique in the tooltip.
    /// Every piece of text is escaped.
    ///
    /// # Errors
    /// Only if the built-in template fails to render, which the tests rule out.
    pub fn to_html(&self) -> Result<String, HtmlError> {
        crate::html::render(TEMPLATE_NAME, TEMPLATE, self.page(), true)
    }

    fn origin_text(&self, i: usize) -> &'a str {
        paragraph_text(self.origin.doc, &self.paragraphs.origin[i])
    }

    fn copy_text(&self, i: usize) -> &'a str {
        paragraph_text(self.copy.doc, &self.paragraphs.copy[i])
    }

    /// The kind of a row's paragraphs: the copy's, else the original's.
    fn kind_of(&self, row: &Row) -> ParagraphKind {
        match (row.copy, row.origin) {
            (Some(c), _) => self.paragraphs.copy[c].kind,
            (None, Some(o)) => self.paragraphs.origin[o].kind,
            (None, None) => ParagraphKind::Body,
        }
    }

    /// The summary's phrases for a copy: what the text changed (headline,
    /// paragraphs, boilerplate by place), and the technique changes.
    fn change_phrases(&self) -> (Vec<String>, Vec<String>) {
        let ch = &self.changes;
        let mut parts = Vec::new();
        if ch.headline.is_some() {
            parts.push("headline changed".to_string());
        }
        let counts = [
            (ch.paragraphs_edited.len(), "edited"),
            (ch.paragraphs_added.len(), "added"),
            (ch.paragraphs_removed.len(), "removed"),
            (ch.paragraphs_moved, "moved"),
        ];
        for (n, what) in counts.into_iter().filter(|(n, _)| *n > 0) {
            if parts.iter().any(|p| p.contains("paragraph")) {
                parts.push(format!("{n} {what}"));
            } else {
                let noun = if n == 1 { "paragraph" } else { "paragraphs" };
                parts.push(format!("{n} {noun} {what}"));
            }
        }
        parts.extend(self.boilerplate_phrases());
        let mut techniques = Vec::new();
        for (list, verb) in [
            (&ch.techniques_added, "added"),
            (&ch.techniques_dropped, "dropped"),
        ] {
            if list.is_empty() {
                continue;
            }
            let mut named: Vec<String> = list
                .iter()
                .take(SUMMARY_TECHNIQUES)
                .map(|t| {
                    format!(
                        "{} '{}'",
                        t.technique,
                        shorten(&t.text, SUMMARY_QUOTE_CHARS)
                    )
                })
                .collect();
            if list.len() > SUMMARY_TECHNIQUES {
                named.push(format!("{} more", list.len() - SUMMARY_TECHNIQUES));
            }
            techniques.push(format!("techniques {verb}: {}", named.join(", ")));
        }
        (parts, techniques)
    }

    /// "header changed", "footer added", "note removed": boilerplate rows
    /// only one side has, by where they stand (before the first body row,
    /// after the last, or between).
    fn boilerplate_phrases(&self) -> Vec<String> {
        let rows = &self.paragraphs.rows;
        let body = |r: &Row| self.kind_of(r) == ParagraphKind::Body;
        let first = rows.iter().position(body).unwrap_or(rows.len());
        let last = rows.iter().rposition(body).unwrap_or(0);
        // (added, removed) per place: header, note, footer.
        let mut places = [(false, false); 3];
        for (i, r) in rows.iter().enumerate() {
            if self.kind_of(r) != ParagraphKind::Boilerplate {
                continue;
            }
            let place = if i < first {
                0
            } else if i > last {
                2
            } else {
                1
            };
            match r.status {
                RowStatus::Added => places[place].0 = true,
                RowStatus::Removed => places[place].1 = true,
                _ => {}
            }
        }
        ["header", "note", "footer"]
            .iter()
            .zip(places)
            .filter_map(|(name, flags)| match flags {
                (true, true) => Some(format!("{name} changed")),
                (true, false) => Some(format!("{name} added")),
                (false, true) => Some(format!("{name} removed")),
                (false, false) => None,
            })
            .collect()
    }

    /// Everything the template shows.
    fn page(&self) -> Page<'a> {
        let al = &self.alignment;
        let percent = |x: f64| format!("{:.1}%", x * 100.0);
        let count = |s: RowStatus| {
            self.paragraphs
                .rows
                .iter()
                .filter(|r| r.status == s)
                .count()
        };
        let facts = vec![
            ("Similarity".to_string(), percent(al.similarity)),
            ("Original found in the copy".to_string(), percent(al.a_in_b)),
            ("Copy found in the original".to_string(), percent(al.b_in_a)),
            (
                "Longest shared passage".to_string(),
                format!("{} words", al.longest_passage_words),
            ),
            (
                "Rows (paragraphs and lines)".to_string(),
                format!(
                    "{} same, {} edited, {} added, {} removed, {} moved",
                    count(RowStatus::Same),
                    count(RowStatus::Edited),
                    count(RowStatus::Added),
                    count(RowStatus::Removed),
                    self.changes.paragraphs_moved
                ),
            ),
        ];
        let origin_spans = technique_spans(self.origin.doc);
        let copy_spans = technique_spans(self.copy.doc);
        let rows = self
            .paragraphs
            .rows
            .iter()
            .map(|r| {
                let o = r.origin.map(|i| &self.paragraphs.origin[i]);
                let c = r.copy.map(|i| &self.paragraphs.copy[i]);
                let diff = match (o, c) {
                    (Some(o), Some(c)) => word_diff(
                        paragraph_text(self.origin.doc, o),
                        paragraph_text(self.copy.doc, c),
                    ),
                    _ => WordDiff::default(),
                };
                RowView {
                    status: status_name(r.status),
                    kind: kind_name(self.kind_of(r)),
                    similarity: (r.status == RowStatus::Edited)
                        .then(|| format!("{:.0}%", r.similarity * 100.0)),
                    origin: o.map(|p| pieces(self.origin.doc, &origin_spans, p, &diff.removed)),
                    copy: c.map(|p| pieces(self.copy.doc, &copy_spans, p, &diff.added)),
                }
            })
            .collect();
        let technique_rows = |list: &[unspin_copies::diff::TechniqueChange]| {
            list.iter()
                .map(|t| TechniqueRow {
                    class: class_of(&t.technique),
                    name: name_of(&t.technique).to_string(),
                    label: t.technique.clone(),
                    text: t.text.clone(),
                    location: kind_name(t.location),
                })
                .collect()
        };
        Page {
            origin: SideView::of(self.origin),
            copy: SideView::of(self.copy),
            relation: al.relation.as_str(),
            summary: {
                let line = self.summary();
                line.split_once(": ")
                    .map_or(line.clone(), |(_, rest)| rest.to_string())
            },
            facts,
            styles: styles(),
            rows,
            added: technique_rows(&self.changes.techniques_added),
            dropped: technique_rows(&self.changes.techniques_dropped),
        }
    }
}

/// The text of one paragraph of `doc`.
fn paragraph_text<'a>(doc: &'a Document, p: &Paragraph) -> &'a str {
    doc.text().get(p.start..p.end).unwrap_or_default()
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn status_name(s: RowStatus) -> &'static str {
    match s {
        RowStatus::Headline => "headline",
        RowStatus::Same => "same",
        RowStatus::Edited => "edited",
        RowStatus::Added => "added",
        RowStatus::Removed => "removed",
    }
}

fn kind_name(k: ParagraphKind) -> &'static str {
    match k {
        ParagraphKind::Headline => "headline",
        ParagraphKind::Boilerplate => "boilerplate",
        ParagraphKind::Body => "body",
    }
}

/// The JSON of a comparison (see [`Comparison::to_json`]).
#[derive(Serialize)]
struct JsonComparison<'a> {
    origin: JsonSide<'a>,
    copy: JsonSide<'a>,
    relation: Relation,
    similarity: f64,
    origin_in_copy: f64,
    copy_in_origin: f64,
    longest_passage_words: usize,
    summary: String,
    changes: &'a Changes,
    rows: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonSide<'a> {
    path: &'a str,
    title: Option<&'a str>,
    outlet: Option<&'a str>,
    published: Option<&'a str>,
    original_source: Option<&'a str>,
    url: Option<&'a str>,
    words: usize,
}

impl<'a> JsonSide<'a> {
    fn of(side: Side<'a>) -> JsonSide<'a> {
        let m = &side.doc.metadata;
        JsonSide {
            path: side.path,
            title: m.title.as_deref(),
            outlet: m.site_name.as_deref(),
            published: m.published.as_deref(),
            original_source: m.original_source.as_deref(),
            url: m.url.as_deref(),
            words: summarize(side.doc).words,
        }
    }
}

#[derive(Serialize)]
struct JsonRow<'a> {
    status: RowStatus,
    kind: ParagraphKind,
    origin: Option<&'a str>,
    copy: Option<&'a str>,
    similarity: f64,
}

/// What the HTML template shows.
#[derive(Serialize)]
struct Page<'a> {
    origin: SideView<'a>,
    copy: SideView<'a>,
    relation: &'static str,
    /// The summary line without its leading relation.
    summary: String,
    /// (what, value) figures.
    facts: Vec<(String, String)>,
    styles: Vec<Style>,
    rows: Vec<RowView<'a>>,
    /// Technique spans only in the copy.
    added: Vec<TechniqueRow>,
    /// Technique spans only in the original.
    dropped: Vec<TechniqueRow>,
}

#[derive(Serialize)]
struct SideView<'a> {
    title: &'a str,
    path: &'a str,
    /// Byline, date, outlet, original source.
    meta: Vec<String>,
    url: Option<&'a str>,
    url_is_link: bool,
}

impl<'a> SideView<'a> {
    fn of(side: Side<'a>) -> SideView<'a> {
        let m = &side.doc.metadata;
        let mut meta = Vec::new();
        if !m.authors.is_empty() {
            meta.push(format!("By {}", m.authors.join(", ")));
        }
        meta.extend(meta_items(m));
        let url = m.url.as_deref().filter(|u| *u != side.path);
        SideView {
            title: m
                .title
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .unwrap_or(&side.doc.id),
            path: side.path,
            meta,
            url,
            url_is_link: url.is_some_and(is_web_url),
        }
    }
}

/// One aligned row: the original's paragraph and the copy's, as pieces.
#[derive(Serialize)]
struct RowView<'a> {
    status: &'static str,
    kind: &'static str,
    /// The similarity of an edited pair, as a percentage.
    similarity: Option<String>,
    origin: Option<Vec<Piece<'a>>>,
    copy: Option<Vec<Piece<'a>>>,
}

/// A piece of a paragraph with one highlight and one diff state throughout.
#[derive(Serialize)]
struct Piece<'a> {
    text: &'a str,
    /// The technique colour class, when a span covers the piece.
    class: Option<String>,
    tooltip: String,
    /// Whether the word diff marks the piece (deleted on the original's
    /// side, inserted on the copy's).
    changed: bool,
}

#[derive(Serialize)]
struct TechniqueRow {
    class: String,
    name: String,
    label: String,
    text: String,
    location: &'static str,
}

fn technique_spans(doc: &Document) -> Vec<&Span> {
    doc.layer(layers::TECHNIQUE)
        .iter()
        .filter(|s| !s.is_empty())
        .collect()
}

/// The paragraph `p` of `doc` cut at every technique span boundary (as the
/// report cuts it) and at every boundary of the `changed` byte ranges
/// (relative to the paragraph's start).
fn pieces<'a>(
    doc: &'a Document,
    spans: &[&Span],
    p: &Paragraph,
    changed: &[Range<usize>],
) -> Vec<Piece<'a>> {
    let text = doc.text();
    let changed: Vec<Range<usize>> = changed
        .iter()
        .map(|r| p.start + r.start..p.start + r.end)
        .collect();
    let mut out = Vec::new();
    let mut pos = p.start;
    for seg in segments(text, (p.start, p.end), spans, &[]) {
        let end = pos + seg.text.len();
        let mut cuts = vec![pos, end];
        for r in &changed {
            cuts.extend([r.start, r.end].into_iter().filter(|&b| b > pos && b < end));
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            out.push(Piece {
                text: text.get(w[0]..w[1]).unwrap_or_default(),
                class: seg.class.clone(),
                tooltip: seg.tooltip.clone(),
                changed: changed.iter().any(|r| r.start <= w[0] && w[1] <= r.end),
            });
        }
        pos = end;
    }
    out
}

#[cfg(test)]
mod tests;
