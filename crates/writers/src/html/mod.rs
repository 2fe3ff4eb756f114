//! The standalone HTML report.
//!
//! The document is first turned into plain data (paragraphs of segments, a
//! legend), then rendered by a minijinja template with HTML auto-escaping, so
//! every piece of article text, metadata, label and explanation is escaped in
//! one place. The page has inline CSS only: no scripts, fonts or images.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use unspin_document::{attrs, layers, Document, Metadata, Span};
use unspin_taxonomy::{by_label, FALLBACK_COLOR, TECHNIQUES};

use crate::sourcing::{self, JsonSourcing};
use crate::summary::summarize;

const TEMPLATE_NAME: &str = "report.html";
const TEMPLATE: &str = include_str!("../../templates/report.html");
/// CSS class of labels that are not in the taxonomy.
const UNKNOWN_CLASS: &str = "tx";
/// How many check-worthy claims the evidence trail lists.
const TOP_CLAIMS: usize = 10;
/// Longest quote text shown in the quotes list, in characters.
const QUOTE_CHARS: usize = 400;

/// The HTML report could not be rendered (a bug in the template, not in the
/// input: every input renders).
#[derive(Debug, thiserror::Error)]
#[error("could not render the HTML report: {0}")]
pub struct HtmlError(#[source] pub(crate) minijinja::Error);

/// Renders `doc` as one standalone HTML page.
///
/// The page shows the metadata header (title, authors, date, site, original
/// source, URL), a one-line summary, the article text with paragraph breaks
/// preserved and the `technique` layer highlighted in each technique's
/// taxonomy colour, and a legend with each technique's name, colour, count
/// and definition.
///
/// When the document has the sourcing layers ([`layers::SOURCING`]),
/// an "Evidence trail" section follows the technique legend: the sourcing
/// summary (named and anonymous sources, the share of the text that is
/// quotation, sources by kind, check-worthy claims hedged, boosted and
/// unhedged), a table of the cited sources (name, kind, roles, mentions,
/// links), the quotes (speaker, cue, quoted text, kind, medium) and the
/// most check-worthy claims (score, certainty, numbers, with their hedges
/// and boosters marked). Quoted passages are also underlined (dotted) in the
/// article, their speaker in the tooltip.
///
/// Overlapping spans are handled by cutting the text at every span
/// boundary: each piece is coloured after the innermost span covering it
/// (the shortest; the higher score on a tie), is underlined when more than
/// one span covers it, and lists every covering span (technique name, score
/// and explanation) in its `title` tooltip.
///
/// # Errors
/// Only if the built-in template fails to render, which the tests rule out.
///
/// ```
/// use unspin_document::{layers, Document, Span};
///
/// let mut doc = Document::new("d", "This <b>shameful</b> plan.");
/// doc.add_span(layers::TECHNIQUE, Span::new(8, 16, "Loaded_Language").unwrap()).unwrap();
/// let html = unspin_writers::to_html(&doc).unwrap();
/// assert!(html.contains("This &lt;b&gt;<mark class=\"t8\""));
/// ```
pub fn to_html(doc: &Document) -> Result<String, HtmlError> {
    render(TEMPLATE_NAME, TEMPLATE, Report::new(doc), true)
}

/// Renders the built-in template `source` (called `name`) with `context`,
/// with HTML auto-escaping forced on; `strict` makes any use of an
/// undefined value an error (else it is empty).
pub(crate) fn render(
    name: &'static str,
    source: &'static str,
    context: impl Serialize,
    strict: bool,
) -> Result<String, HtmlError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(if strict {
        UndefinedBehavior::Strict
    } else {
        UndefinedBehavior::Chainable
    });
    env.add_template(name, source).map_err(HtmlError)?;
    let template = env.get_template(name).map_err(HtmlError)?;
    template.render(context).map_err(HtmlError)
}

/// Everything the template shows, as plain data.
#[derive(Serialize)]
struct Report<'a> {
    title: &'a str,
    language: Option<&'a str>,
    byline: Option<String>,
    meta: Vec<String>,
    url: Option<&'a str>,
    url_is_link: bool,
    summary_line: String,
    /// The document's warnings (messages), shown as a banner above the text.
    warnings: Vec<&'a str>,
    /// Whether the techniques were not looked for (a warning skipped them).
    not_analysed: bool,
    paragraphs: Vec<Vec<Segment<'a>>>,
    styles: Vec<Style>,
    found: Vec<LegendEntry>,
    absent: Vec<LegendEntry>,
    /// The evidence trail, when the document has the sourcing layers.
    evidence: Option<Evidence<'a>>,
}

/// A piece of text covered by the same set of spans throughout.
#[derive(Serialize)]
pub(crate) struct Segment<'a> {
    pub(crate) text: &'a str,
    /// CSS classes (colour class, plus `multi` when spans overlap here);
    /// `None` when no span covers the piece.
    pub(crate) class: Option<String>,
    /// One line per covering span: technique name, score, explanation.
    pub(crate) tooltip: String,
    /// The tooltip of the quote covering the piece (kind, speaker, cue);
    /// `None` outside quotes.
    pub(crate) quote: Option<String>,
}

/// The "Evidence trail" section.
#[derive(Serialize)]
struct Evidence<'a> {
    /// Summary figures: (what, value).
    stats: Vec<(String, String)>,
    sources: Vec<SourceRow>,
    quotes: Vec<QuoteRow>,
    /// The most check-worthy claims, best first.
    claims: Vec<ClaimRow<'a>>,
    /// All check-worthy claims.
    claims_total: usize,
}

#[derive(Serialize)]
struct SourceRow {
    name: String,
    kind: String,
    roles: String,
    mentions: usize,
    links: Vec<Link>,
}

#[derive(Serialize)]
struct Link {
    url: String,
    /// Only http(s) URLs become links.
    is_link: bool,
}

#[derive(Serialize)]
struct QuoteRow {
    speaker: String,
    cue: Option<String>,
    text: String,
    kind: String,
    medium: Option<String>,
}

#[derive(Serialize)]
struct ClaimRow<'a> {
    score: String,
    certainty: String,
    quantities: Vec<String>,
    /// The sentence cut at its markers.
    pieces: Vec<ClaimPiece<'a>>,
}

#[derive(Serialize)]
struct ClaimPiece<'a> {
    text: &'a str,
    /// `hedge` or `booster` when the piece is a marker.
    marker: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Style {
    class: String,
    color: &'static str,
}

#[derive(Serialize)]
struct LegendEntry {
    class: String,
    label: String,
    name: String,
    count: usize,
    definition: Option<&'static str>,
}

impl<'a> Report<'a> {
    fn new(doc: &'a Document) -> Report<'a> {
        let m = &doc.metadata;
        let title = m
            .title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&doc.id);
        let byline = (!m.authors.is_empty()).then(|| format!("By {}", m.authors.join(", ")));
        let meta = meta_items(m);
        let url = m.url.as_deref();
        let url_is_link = url.is_some_and(is_web_url);

        let summary = summarize(doc);
        let not_analysed = doc
            .warnings
            .iter()
            .any(|w| w.skipped_layers.iter().any(|l| l == layers::TECHNIQUE));
        let summary_line = match summary.technique_spans {
            _ if not_analysed => format!(
                "{} words, not analysed for techniques (see the warning above).",
                summary.words
            ),
            0 => format!("No technique spans in {} words.", summary.words),
            n => format!(
                "{n} technique span{} in {} words ({:.1} per 1,000 words).",
                if n == 1 { "" } else { "s" },
                summary.words,
                summary.spans_per_1000_words
            ),
        };

        let spans: Vec<&Span> = doc
            .layer(layers::TECHNIQUE)
            .iter()
            .filter(|s| !s.is_empty())
            .collect();
        let quotes: Vec<&Span> = doc
            .layer(layers::QUOTE)
            .iter()
            .filter(|s| !s.is_empty())
            .collect();
        let paragraphs = paragraphs(doc.text())
            .into_iter()
            .map(|range| segments(doc.text(), range, &spans, &quotes))
            .collect();

        let (found, absent) = legend(&summary.techniques);
        Report {
            title,
            language: m.language.as_deref(),
            byline,
            meta,
            url,
            url_is_link,
            summary_line,
            warnings: doc.warnings.iter().map(|w| w.message.as_str()).collect(),
            not_analysed,
            paragraphs,
            styles: styles(),
            found,
            absent,
            evidence: evidence(doc),
        }
    }
}

/// The header's metadata items: date, site, original source.
pub(crate) fn meta_items(m: &Metadata) -> Vec<String> {
    let mut meta = Vec::new();
    meta.extend(m.published.clone());
    meta.extend(m.site_name.clone());
    meta.extend(
        m.original_source
            .as_ref()
            .map(|s| format!("Originally published by {s}")),
    );
    meta
}

/// A source or quote kind label for people: `news_outlet` → "news outlet".
fn kind_name(label: &str) -> String {
    label.replace('_', " ")
}

/// A source kind counted: "1 person", "3 people", "2 anonymous".
fn sources_of_kind(label: &str, n: usize) -> String {
    let name = kind_name(label);
    if n == 1 {
        return format!("1 {name}");
    }
    let plural = match label {
        "person" => "people".to_string(),
        "government" => "government bodies".to_string(),
        "anonymous" | "unknown" => name,
        _ => format!("{name}s"),
    };
    format!("{n} {plural}")
}

/// `counts` as "3 direct, 1 block", largest first, each item written by
/// `item(label, count)`.
fn count_list(counts: &BTreeMap<String, usize>, item: impl Fn(&str, usize) -> String) -> String {
    let mut v: Vec<(&String, &usize)> = counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .map(|(k, n)| item(k, **n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A cue worth showing: one with a letter (not a lone dash).
fn shown_cue(cue: Option<&str>) -> Option<&str> {
    cue.map(str::trim)
        .filter(|c| c.chars().any(char::is_alphanumeric))
}

/// At most `max` characters of `text`, with "…" when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

fn evidence(doc: &Document) -> Option<Evidence<'_>> {
    let JsonSourcing {
        summary: s,
        sources,
        quotes,
        claims: _,
    } = sourcing::build(doc, &doc.char_index())?;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut stats = vec![
        (
            "Sources".to_string(),
            format!(
                "{} named, {} anonymous",
                s.named_sources, s.anonymous_sources
            ),
        ),
        (
            "Quotation".to_string(),
            format!(
                "{:.1}% of the text, in {}{}",
                s.quotation_share * 100.0,
                plural(s.quotes, "quote", "quotes"),
                if s.quotes_by_kind.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({})",
                        count_list(&s.quotes_by_kind, |k, n| format!("{n} {}", kind_name(k)))
                    )
                }
            ),
        ),
    ];
    if !s.sources_by_kind.is_empty() {
        stats.push((
            "Sources by kind".to_string(),
            count_list(&s.sources_by_kind, sources_of_kind),
        ));
    }
    stats.push((
        "Check-worthy claims".to_string(),
        format!(
            "{} of {} scored: {} hedged, {} boosted, {} unhedged",
            s.check_worthy_claims,
            plural(s.claims, "sentence", "sentences"),
            s.hedged_claims,
            s.boosted_claims,
            s.unhedged_claims
        ),
    ));
    let sources = sources
        .into_iter()
        .map(|c| SourceRow {
            name: c.name,
            kind: kind_name(&c.kind),
            roles: c.roles.join(", "),
            mentions: c.mentions,
            links: c
                .urls
                .into_iter()
                .map(|url| Link {
                    is_link: is_web_url(&url),
                    url,
                })
                .collect(),
        })
        .collect();
    let quotes = quotes
        .into_iter()
        .map(|q| QuoteRow {
            speaker: q.speaker.unwrap_or_else(|| "Unknown speaker".to_string()),
            cue: shown_cue(q.cue.as_deref()).map(str::to_string),
            text: shorten(&q.text, QUOTE_CHARS),
            kind: kind_name(&q.kind),
            medium: q.medium,
        })
        .collect();
    let mut claims = sourcing::check_worthy_claims(doc);
    let claims_total = claims.len();
    // Best first; on a tie, in text order (the sort is stable).
    claims.sort_by(|a, b| b.span.score.total_cmp(&a.span.score));
    let claims = claims
        .into_iter()
        .take(TOP_CLAIMS)
        .map(|c| ClaimRow {
            score: format!("{:.2}", c.span.score),
            certainty: c
                .span
                .get_str(attrs::CERTAINTY)
                .unwrap_or("plain")
                .to_string(),
            quantities: sourcing::quantities(c.span)
                .iter()
                .filter_map(|q| q.get("text").and_then(|t| t.as_str()).map(str::to_string))
                .collect(),
            pieces: claim_pieces(doc.text(), c.span, &c.markers),
        })
        .collect();
    Some(Evidence {
        stats,
        sources,
        quotes,
        claims,
        claims_total,
    })
}

/// The claim's sentence cut at its markers (which lie inside it; an
/// overlapping marker is skipped).
fn claim_pieces<'a>(text: &'a str, claim: &Span, markers: &[&Span]) -> Vec<ClaimPiece<'a>> {
    let mut markers: Vec<&Span> = markers.to_vec();
    markers.sort_by_key(|m| (m.start(), m.end()));
    let mut out = Vec::new();
    let mut pos = claim.start();
    for m in markers {
        if m.start() < pos || m.end() > claim.end() || m.is_empty() {
            continue;
        }
        if m.start() > pos {
            out.push(ClaimPiece {
                text: text.get(pos..m.start()).unwrap_or_default(),
                marker: None,
            });
        }
        out.push(ClaimPiece {
            text: text.get(m.start()..m.end()).unwrap_or_default(),
            marker: Some(m.label.clone()),
        });
        pos = m.end();
    }
    if pos < claim.end() {
        out.push(ClaimPiece {
            text: text.get(pos..claim.end()).unwrap_or_default(),
            marker: None,
        });
    }
    out
}

fn quote_tooltip(q: &Span) -> String {
    let mut line = format!("Quote ({})", kind_name(&q.label));
    if let Some(speaker) = q.get_str(attrs::SPEAKER) {
        line.push_str(": ");
        line.push_str(speaker);
        if let Some(cue) = shown_cue(q.get_str(attrs::CUE)) {
            line.push_str(" \u{2014} ");
            line.push_str(cue);
        }
    }
    if let Some(medium) = q.get_str(attrs::MEDIUM) {
        line.push_str(" (in ");
        line.push_str(medium);
        line.push(')');
    }
    line
}

/// Only http(s) URLs become links; anything else (`javascript:`, a path) is
/// shown as text.
pub(crate) fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The CSS colour class of every taxonomy technique, and of unknown labels.
pub(crate) fn styles() -> Vec<Style> {
    let mut styles: Vec<Style> = TECHNIQUES
        .iter()
        .enumerate()
        .map(|(i, t)| Style {
            class: format!("t{i}"),
            color: t.color,
        })
        .collect();
    styles.push(Style {
        class: UNKNOWN_CLASS.to_string(),
        color: FALLBACK_COLOR,
    });
    styles
}

pub(crate) fn class_of(label: &str) -> String {
    match TECHNIQUES.iter().position(|t| t.label == label) {
        Some(i) => format!("t{i}"),
        None => UNKNOWN_CLASS.to_string(),
    }
}

pub(crate) fn name_of(label: &str) -> &str {
    by_label(label).map_or(label, |t| t.name)
}

/// Techniques that occur (most frequent first, then taxonomy order; labels
/// outside the taxonomy last), and taxonomy techniques that do not.
fn legend(counts: &BTreeMap<String, usize>) -> (Vec<LegendEntry>, Vec<LegendEntry>) {
    let rank = |label: &str| {
        TECHNIQUES
            .iter()
            .position(|t| t.label == label)
            .unwrap_or(TECHNIQUES.len())
    };
    let mut found: Vec<LegendEntry> = counts
        .iter()
        .map(|(label, &count)| LegendEntry {
            class: class_of(label),
            label: label.clone(),
            name: name_of(label).to_string(),
            count,
            definition: by_label(label).map(|t| t.definition),
        })
        .collect();
    found.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(rank(&a.label).cmp(&rank(&b.label)))
            .then(a.label.cmp(&b.label))
    });
    let absent = TECHNIQUES
        .iter()
        .enumerate()
        .filter(|(_, t)| !counts.contains_key(t.label))
        .map(|(i, t)| LegendEntry {
            class: format!("t{i}"),
            label: t.label.to_string(),
            name: t.name.to_string(),
            count: 0,
            definition: Some(t.definition),
        })
        .collect();
    (found, absent)
}

/// Byte ranges of the paragraphs: runs of non-blank lines, separated by
/// blank (whitespace-only) lines. Line breaks inside a paragraph are kept
/// (the template shows them with `white-space: pre-wrap`).
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            out.extend(current.take());
        } else {
            let content_end = pos + line.trim_end_matches(['\n', '\r']).len();
            match current.as_mut() {
                Some(p) => p.1 = content_end,
                None => current = Some((pos, content_end)),
            }
        }
        pos += line.len();
    }
    out.extend(current);
    out
}

/// Cuts the paragraph `start..end` at every technique span and quote
/// boundary inside it.
pub(crate) fn segments<'a>(
    text: &'a str,
    (start, end): (usize, usize),
    spans: &[&Span],
    quotes: &[&Span],
) -> Vec<Segment<'a>> {
    let here: Vec<&Span> = spans
        .iter()
        .copied()
        .filter(|s| s.start() < end && s.end() > start)
        .collect();
    let quotes_here: Vec<&Span> = quotes
        .iter()
        .copied()
        .filter(|s| s.start() < end && s.end() > start)
        .collect();
    let mut cuts = vec![start, end];
    for s in here.iter().chain(&quotes_here) {
        cuts.extend(
            [s.start(), s.end()]
                .into_iter()
                .filter(|&b| b > start && b < end),
        );
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let piece = text.get(a..b).unwrap_or_default();
            // The innermost quote covering the piece.
            let quote = quotes_here
                .iter()
                .filter(|q| q.start() <= a && q.end() >= b)
                .min_by_key(|q| q.len())
                .map(|q| quote_tooltip(q));
            let mut covering: Vec<&Span> = here
                .iter()
                .copied()
                .filter(|s| s.start() <= a && s.end() >= b)
                .collect();
            // Innermost first; on a tie the higher score, then the label.
            covering.sort_by(|x, y| {
                x.len()
                    .cmp(&y.len())
                    .then(y.score.total_cmp(&x.score))
                    .then(x.label.cmp(&y.label))
            });
            let Some(top) = covering.first() else {
                return Segment {
                    text: piece,
                    class: None,
                    tooltip: String::new(),
                    quote,
                };
            };
            let mut class = class_of(&top.label);
            if covering.len() > 1 {
                class.push_str(" multi");
            }
            let tooltip = covering
                .iter()
                .map(|s| tooltip_line(s))
                .collect::<Vec<_>>()
                .join("\n");
            Segment {
                text: piece,
                class: Some(class),
                tooltip,
                quote,
            }
        })
        .collect()
}

fn tooltip_line(span: &Span) -> String {
    let mut line = format!("{} ({:.2})", name_of(&span.label), span.score);
    if let Some(explanation) = span.get_str(attrs::EXPLANATION) {
        line.push_str(": ");
        line.push_str(explanation);
    }
    line
}

#[cfg(test)]
mod tests;
