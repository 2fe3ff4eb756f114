//! What a copy changed against its origin: headline, paragraphs added,
//! removed, edited and moved, boilerplate added and removed, and the
//! technique spans present in one and not the other.
//!
//! Paragraphs are aligned in two passes: equal paragraphs (same words,
//! ignoring case and punctuation) first, then the remaining ones pair up as
//! *edited* when their word bigrams overlap by at least [`EDITED`], best
//! pairs first.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use unspin_document::{layers, Document, Span};

use crate::text::{normalized, paragraphs, Paragraph, ParagraphKind};

/// Bigram Jaccard similarity above which two unmatched paragraphs are one
/// paragraph edited.
pub const EDITED: f64 = 0.5;
/// At most this many unmatched paragraphs a side are compared pairwise.
const MAX_UNMATCHED: usize = 400;

/// One row of the side-by-side alignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Index into the origin's paragraphs, if the row has one.
    pub origin: Option<usize>,
    /// Index into the copy's paragraphs, if the row has one.
    pub copy: Option<usize>,
    /// What the row shows.
    pub status: RowStatus,
    /// Bigram similarity of an edited pair (1 for same, 0 otherwise).
    pub similarity: f64,
}

/// What one aligned row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// The two headlines.
    Headline,
    /// The same paragraph in both.
    Same,
    /// The same paragraph, edited.
    Edited,
    /// Only in the copy.
    Added,
    /// Only in the origin.
    Removed,
}

/// The paragraph alignment of two articles.
#[derive(Debug, Clone)]
pub struct ParagraphAlignment {
    /// The origin's paragraphs.
    pub origin: Vec<Paragraph>,
    /// The copy's paragraphs.
    pub copy: Vec<Paragraph>,
    /// Rows in reading order (the copy's order, removed paragraphs where
    /// they stood in the origin).
    pub rows: Vec<Row>,
    /// Paragraphs the copy kept but moved (not in the longest run that
    /// keeps the origin's order).
    pub moved: usize,
}

/// Aligns the paragraphs of two texts.
pub fn align_paragraphs(
    origin_text: &str,
    origin_title: Option<&str>,
    copy_text: &str,
    copy_title: Option<&str>,
) -> ParagraphAlignment {
    let origin = paragraphs(origin_text, origin_title);
    let copy = paragraphs(copy_text, copy_title);
    let norm_o: Vec<String> = origin
        .iter()
        .map(|p| normalized(&origin_text[p.start..p.end]))
        .collect();
    let norm_c: Vec<String> = copy
        .iter()
        .map(|p| normalized(&copy_text[p.start..p.end]))
        .collect();
    let mut match_of_copy: Vec<Option<(usize, f64)>> = vec![None; copy.len()];
    let mut taken = vec![false; origin.len()];
    // Headlines pair with each other whatever they say.
    let head_o = origin
        .iter()
        .position(|p| p.kind == ParagraphKind::Headline);
    let head_c = copy.iter().position(|p| p.kind == ParagraphKind::Headline);
    if let (Some(o), Some(c)) = (head_o, head_c) {
        match_of_copy[c] = Some((o, if norm_o[o] == norm_c[c] { 1.0 } else { 0.0 }));
        taken[o] = true;
    }
    // Pass 1: equal paragraphs, first unused occurrence.
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, n) in norm_o.iter().enumerate().rev() {
        if !taken[i] && !n.is_empty() {
            by_text.entry(n.as_str()).or_default().push(i);
        }
    }
    for (c, n) in norm_c.iter().enumerate() {
        if match_of_copy[c].is_some() {
            continue;
        }
        if let Some(o) = by_text.get_mut(n.as_str()).and_then(Vec::pop) {
            match_of_copy[c] = Some((o, 1.0));
            taken[o] = true;
        }
    }
    // Pass 2: edited paragraphs, best bigram overlap first.
    let free_o: Vec<usize> = (0..origin.len()).filter(|&i| !taken[i]).collect();
    let free_c: Vec<usize> = (0..copy.len())
        .filter(|&i| match_of_copy[i].is_none())
        .collect();
    if !free_o.is_empty() && free_o.len() <= MAX_UNMATCHED && free_c.len() <= MAX_UNMATCHED {
        let grams_o: Vec<HashSet<u64>> = free_o.iter().map(|&i| bigrams(&norm_o[i])).collect();
        let grams_c: Vec<HashSet<u64>> = free_c.iter().map(|&i| bigrams(&norm_c[i])).collect();
        let mut pairs = Vec::new();
        for (ci, gc) in grams_c.iter().enumerate() {
            for (oi, go) in grams_o.iter().enumerate() {
                let sim = jaccard(go, gc);
                if sim >= EDITED {
                    pairs.push((sim, free_o[oi], free_c[ci]));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (sim, o, c) in pairs {
            if !taken[o] && match_of_copy[c].is_none() {
                taken[o] = true;
                match_of_copy[c] = Some((o, sim));
            }
        }
    }
    let moved = moved_count(&match_of_copy);
    let rows = reading_order(&origin, &copy, &match_of_copy, &taken);
    ParagraphAlignment {
        origin,
        copy,
        rows,
        moved,
    }
}

/// Rows in the copy's order, each removed origin paragraph placed before
/// the first copy row that follows it in the origin.
fn reading_order(
    origin: &[Paragraph],
    copy: &[Paragraph],
    match_of_copy: &[Option<(usize, f64)>],
    taken: &[bool],
) -> Vec<Row> {
    let mut rows = Vec::with_capacity(origin.len() + copy.len());
    let mut next_removed = 0;
    let push_removed = |rows: &mut Vec<Row>, next: &mut usize, upto: usize| {
        while *next < upto.min(origin.len()) {
            if !taken[*next] {
                rows.push(Row {
                    origin: Some(*next),
                    copy: None,
                    status: RowStatus::Removed,
                    similarity: 0.0,
                });
            }
            *next += 1;
        }
    };
    for (c, m) in match_of_copy.iter().enumerate() {
        match *m {
            Some((o, sim)) => {
                if o >= next_removed {
                    push_removed(&mut rows, &mut next_removed, o);
                }
                let status = if copy[c].kind == ParagraphKind::Headline
                    && origin[o].kind == ParagraphKind::Headline
                {
                    RowStatus::Headline
                } else if sim >= 1.0 {
                    RowStatus::Same
                } else {
                    RowStatus::Edited
                };
                rows.push(Row {
                    origin: Some(o),
                    copy: Some(c),
                    status,
                    similarity: sim,
                });
            }
            None => rows.push(Row {
                origin: None,
                copy: Some(c),
                status: RowStatus::Added,
                similarity: 0.0,
            }),
        }
    }
    push_removed(&mut rows, &mut next_removed, origin.len());
    rows
}

/// Matched paragraphs outside the longest increasing run of origin indices.
fn moved_count(match_of_copy: &[Option<(usize, f64)>]) -> usize {
    let seq: Vec<usize> = match_of_copy.iter().flatten().map(|(o, _)| *o).collect();
    let mut tails: Vec<usize> = Vec::new();
    for &x in &seq {
        let pos = tails.partition_point(|&t| t < x);
        if pos == tails.len() {
            tails.push(x);
        } else {
            tails[pos] = x;
        }
    }
    seq.len() - tails.len()
}

fn bigrams(normalized: &str) -> HashSet<u64> {
    let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() == 1 {
        return [xxhash_rust::xxh3::xxh3_64(words[0].as_bytes())].into();
    }
    words
        .windows(2)
        .map(|w| xxhash_rust::xxh3::xxh3_64(format!("{} {}", w[0], w[1]).as_bytes()))
        .collect()
}

fn jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared = a.intersection(b).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// A headline that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadlineChange {
    /// The origin's headline.
    pub origin: Option<String>,
    /// The copy's headline.
    pub copy: Option<String>,
}

/// A paragraph the copy edited.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EditedParagraph {
    /// The origin's wording.
    pub origin: String,
    /// The copy's wording.
    pub copy: String,
    /// Word-bigram Jaccard similarity of the two.
    pub similarity: f64,
}

/// A technique span found in one article and not the other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechniqueChange {
    /// PTC technique name.
    pub technique: String,
    /// The span's text.
    pub text: String,
    /// Where it is: `headline`, `body` or `boilerplate`.
    #[serde(rename = "where")]
    pub location: ParagraphKind,
}

/// Everything a copy changed against its origin.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    /// The headline, when it changed.
    pub headline: Option<HeadlineChange>,
    /// Body paragraphs only in the copy.
    pub paragraphs_added: Vec<String>,
    /// Body paragraphs only in the origin.
    pub paragraphs_removed: Vec<String>,
    /// Paragraphs in both, worded differently.
    pub paragraphs_edited: Vec<EditedParagraph>,
    /// Paragraphs kept but moved.
    pub paragraphs_moved: usize,
    /// Boilerplate lines only in the copy (header, footer, credits, notes).
    pub boilerplate_added: Vec<String>,
    /// Boilerplate lines only in the origin.
    pub boilerplate_removed: Vec<String>,
    /// Technique spans in the copy's changed paragraphs (headline, edited,
    /// added) and not in the origin's counterpart. Paragraphs kept word for
    /// word are not compared: a span difference there comes from the model
    /// reading another context, not from the copy.
    pub techniques_added: Vec<TechniqueChange>,
    /// Technique spans in the origin's changed paragraphs (headline, edited,
    /// removed) and not in the copy's counterpart.
    pub techniques_dropped: Vec<TechniqueChange>,
}

impl Changes {
    /// Whether the copy is the origin word for word (headline included).
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// What `copy` changed against `origin`. Technique changes need both
/// documents' `technique` layers (empty layers give none).
pub fn changes(origin: &Document, copy: &Document) -> Changes {
    let al = align_paragraphs(
        origin.text(),
        origin.metadata.title.as_deref(),
        copy.text(),
        copy.metadata.title.as_deref(),
    );
    changes_from(origin, copy, &al)
}

/// [`changes`] from an alignment already made.
pub fn changes_from(origin: &Document, copy: &Document, al: &ParagraphAlignment) -> Changes {
    let ot = origin.text();
    let ct = copy.text();
    let text_o = |i: usize| ot[al.origin[i].start..al.origin[i].end].to_string();
    let text_c = |i: usize| ct[al.copy[i].start..al.copy[i].end].to_string();
    let mut out = Changes {
        paragraphs_moved: al.moved,
        ..Changes::default()
    };
    let head_o = origin.metadata.title.clone().or_else(|| {
        al.origin
            .iter()
            .position(|p| p.kind == ParagraphKind::Headline)
            .map(text_o)
    });
    let head_c = copy.metadata.title.clone().or_else(|| {
        al.copy
            .iter()
            .position(|p| p.kind == ParagraphKind::Headline)
            .map(text_c)
    });
    if normalized(head_o.as_deref().unwrap_or("")) != normalized(head_c.as_deref().unwrap_or("")) {
        out.headline = Some(HeadlineChange {
            origin: head_o,
            copy: head_c,
        });
    }
    for row in &al.rows {
        match (row.status, row.origin, row.copy) {
            (RowStatus::Edited, Some(o), Some(c)) => {
                out.paragraphs_edited.push(EditedParagraph {
                    origin: text_o(o),
                    copy: text_c(c),
                    similarity: row.similarity,
                });
            }
            (RowStatus::Added, _, Some(c)) => match al.copy[c].kind {
                ParagraphKind::Body => out.paragraphs_added.push(text_c(c)),
                ParagraphKind::Boilerplate => out.boilerplate_added.push(text_c(c)),
                ParagraphKind::Headline => {}
            },
            (RowStatus::Removed, Some(o), _) => match al.origin[o].kind {
                ParagraphKind::Body => out.paragraphs_removed.push(text_o(o)),
                ParagraphKind::Boilerplate => out.boilerplate_removed.push(text_o(o)),
                ParagraphKind::Headline => {}
            },
            _ => {}
        }
    }
    let spans_o = spans_by_paragraph(origin, &al.origin);
    let spans_c = spans_by_paragraph(copy, &al.copy);
    for row in &al.rows {
        if row.status == RowStatus::Same {
            // The same words: a difference in spans here would be the
            // model reading another context, not something the copy did.
            continue;
        }
        let os: &[&Span] = row.origin.map_or(&[], |i| &spans_o[i]);
        let cs: &[&Span] = row.copy.map_or(&[], |i| &spans_c[i]);
        let kind_o = row
            .origin
            .map_or(ParagraphKind::Body, |i| al.origin[i].kind);
        let kind_c = row.copy.map_or(ParagraphKind::Body, |i| al.copy[i].kind);
        out.techniques_added
            .extend(technique_difference(copy, cs, origin, os, kind_c));
        out.techniques_dropped
            .extend(technique_difference(origin, os, copy, cs, kind_o));
    }
    out
}

/// The technique spans of `doc` grouped by the paragraph their first byte
/// falls in (spans outside every paragraph are left out).
fn spans_by_paragraph<'d>(doc: &'d Document, paras: &[Paragraph]) -> Vec<Vec<&'d Span>> {
    let mut out: Vec<Vec<&Span>> = vec![Vec::new(); paras.len()];
    for span in doc.layer(layers::TECHNIQUE) {
        let at = paras.partition_point(|p| p.end <= span.start());
        if at < paras.len() && paras[at].start <= span.start() {
            out[at].push(span);
        }
    }
    out
}

/// The spans of `mine` (in `doc`) whose (technique, words) pair is not
/// among `theirs` (in `other`), as changes located in a `location` paragraph.
fn technique_difference(
    doc: &Document,
    mine: &[&Span],
    other: &Document,
    theirs: &[&Span],
    location: ParagraphKind,
) -> Vec<TechniqueChange> {
    let mut left: HashMap<(&str, String), usize> = HashMap::new();
    for span in theirs {
        *left
            .entry((span.label.as_str(), normalized(other.span_text(span))))
            .or_default() += 1;
    }
    let mut out = Vec::new();
    for span in mine {
        let key = (span.label.as_str(), normalized(doc.span_text(span)));
        match left.get_mut(&key) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(TechniqueChange {
                technique: span.label.clone(),
                text: doc.span_text(span).to_string(),
                location,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "Ceasefire Collapses\n\nBy Jane Doe\n\n\
        The ceasefire agreed last week collapsed on Monday after new strikes hit the city.\n\n\
        Officials on both sides blamed each other for the violence in a series of statements.\n\n\
        Aid agencies said they could not reach the people who needed help most.\n";

    fn doc(text: &str, title: &str) -> Document {
        let mut d = Document::new("d", text);
        d.metadata.title = Some(title.into());
        d
    }

    #[test]
    fn a_republished_copy_shows_headline_edit_trim_and_footer() {
        let copy_text = "Ceasefire Sabotage Triggers Offensive\n\nBy Jane Doe\n\n\
            The ceasefire agreed last week collapsed on Monday after new US strikes hit the city.\n\n\
            Officials on both sides blamed each other for the violence in a series of statements.\n\n\
            This article was originally published on Example News.\n";
        let origin = doc(ORIGIN, "Ceasefire Collapses");
        let mut copy = doc(copy_text, "Ceasefire Sabotage Triggers Offensive");
        let at = copy_text.find("Sabotage").unwrap();
        copy.add_span(
            layers::TECHNIQUE,
            Span::new(at, at + 8, "Loaded_Language").unwrap(),
        )
        .unwrap();
        let ch = changes(&origin, &copy);
        let head = ch.headline.clone().unwrap();
        assert_eq!(head.origin.as_deref(), Some("Ceasefire Collapses"));
        assert_eq!(ch.paragraphs_edited.len(), 1, "{ch:#?}");
        assert!(ch.paragraphs_edited[0].copy.contains("US strikes"));
        assert_eq!(
            ch.paragraphs_removed,
            vec!["Aid agencies said they could not reach the people who needed help most."]
        );
        assert_eq!(ch.boilerplate_added.len(), 1);
        assert!(ch.paragraphs_added.is_empty());
        assert_eq!(ch.techniques_added.len(), 1);
        assert_eq!(ch.techniques_added[0].text, "Sabotage");
        assert_eq!(ch.techniques_added[0].location, ParagraphKind::Headline);
        assert!(ch.techniques_dropped.is_empty());
    }

    #[test]
    fn spans_in_unchanged_paragraphs_are_not_compared() {
        let origin = doc(ORIGIN, "Ceasefire Collapses");
        let mut copy = doc(ORIGIN, "Ceasefire Collapses");
        // A model that reads the copy's context differently marks "blamed"
        // in a paragraph the copy kept word for word: not a change.
        let at = ORIGIN.find("blamed").unwrap();
        copy.add_span(
            layers::TECHNIQUE,
            Span::new(at, at + 6, "Loaded_Language").unwrap(),
        )
        .unwrap();
        assert!(changes(&origin, &copy).is_empty());
        // In an edited paragraph it is one.
        let edited = ORIGIN.replace("each other", "the other side");
        let mut copy = doc(&edited, "Ceasefire Collapses");
        let at = edited.find("blamed").unwrap();
        copy.add_span(
            layers::TECHNIQUE,
            Span::new(at, at + 6, "Loaded_Language").unwrap(),
        )
        .unwrap();
        let ch = changes(&origin, &copy);
        assert_eq!(ch.paragraphs_edited.len(), 1);
        assert_eq!(ch.techniques_added.len(), 1);
        assert_eq!(ch.techniques_added[0].location, ParagraphKind::Body);
    }

    #[test]
    fn identical_articles_change_nothing_and_moves_are_counted() {
        let origin = doc(ORIGIN, "Ceasefire Collapses");
        assert!(changes(&origin, &origin).is_empty());
        let lines: Vec<&str> = ORIGIN.split("\n\n").collect();
        let swapped = [lines[0], lines[1], lines[3], lines[2], lines[4]].join("\n\n");
        let al = align_paragraphs(
            ORIGIN,
            Some("Ceasefire Collapses"),
            &swapped,
            Some("Ceasefire Collapses"),
        );
        assert_eq!(al.moved, 1);
        assert!(al
            .rows
            .iter()
            .all(|r| matches!(r.status, RowStatus::Same | RowStatus::Headline)));
    }
}
