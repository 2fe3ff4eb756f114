//! Quotations that are whole blocks: the epigraph under the title, Markdown
//! `>` quotes, and paragraphs introduced by a lead-in sentence and closed by
//! a citation line.

use unspin_document::attrs;

use super::blocks::{Block, Kind};

/// How far after a lead-in (in paragraphs) a closing citation is looked for.
const MAX_QUOTE_PARAGRAPHS: usize = 10;
/// The longest citation, in bytes.
const MAX_CITATION: usize = 400;

#[derive(Debug)]
pub(super) struct Quote {
    pub(super) first: usize,
    pub(super) start: usize,
    pub(super) last: usize,
    pub(super) end: usize,
    pub(super) label: &'static str,
    pub(super) attrs: Vec<(&'static str, String)>,
}

const DASHES: &[&str] = &[" \u{2014} ", "\u{2014} ", " \u{2014}", " \u{2013} ", " -- "];

pub(super) fn epigraph(blocks: &[Block], body_start: usize, body_end: usize) -> Option<Quote> {
    if body_start + 1 >= body_end {
        return None;
    }
    let b = &blocks[body_start];
    if b.kind != Kind::Para || b.item.is_some() {
        return None;
    }
    let text = b.text.as_str();
    let (at, dash) = DASHES
        .iter()
        .filter_map(|d| text.rfind(d).map(|i| (i, *d)))
        .max_by_key(|(i, _)| *i)?;
    let tail = text[at + dash.len()..].trim();
    let head = text[..at].trim_end();
    let words = tail.split_whitespace().count();
    if tail.is_empty()
        || tail.len() > 120
        || words > 14
        || tail.ends_with(['.', ':'])
        || head.len() < 20
    {
        return None;
    }
    if !tail
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || !c.is_alphanumeric())
    {
        return None;
    }
    Some(Quote {
        first: body_start,
        start: 0,
        last: body_start,
        end: head.len(),
        label: "epigraph",
        attrs: vec![(attrs::ATTRIBUTION.name(), tail.to_string())],
    })
}

/// `>` quotes: one span per outermost quote.
pub(super) fn markdown_quotes(blocks: &[Block], body_end: usize) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::new();
    for (i, b) in blocks.iter().enumerate().take(body_end) {
        let Some(id) = b.quote else { continue };
        match out.last_mut() {
            Some(q) if blocks[q.last].quote == Some(id) => {
                q.last = i;
                q.end = b.text.len();
            }
            _ => out.push(Quote {
                first: i,
                start: 0,
                last: i,
                end: b.text.len(),
                label: "blockquote",
                attrs: vec![(attrs::CITATION_FROM.name(), "markdown".to_string())],
            }),
        }
    }
    out
}

const OPENING_QUOTES: &[char] = &['"', '\u{201c}', '\u{2018}', '\'', '\u{ab}'];
const CLOSING_QUOTES: &[char] = &['"', '\u{201d}', '\u{2019}', '\'', '\u{bb}'];

/// The parenthesis closing `text`: (byte offset of its `(`, inner text).
fn final_parenthesis(text: &str) -> Option<(usize, &str)> {
    let t = text.trim_end();
    if !t.ends_with(')') {
        return None;
    }
    let mut depth = 0i32;
    for (i, c) in t.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some((i, &t[i + 1..t.len() - 1]));
                }
            }
            _ => {}
        }
    }
    None
}

/// A citation closing paragraph `b`: (where it starts, its text, whether it
/// follows an inline quotation).
fn closing_citation(b: &Block) -> Option<(usize, String, bool)> {
    let (open, inner) = final_parenthesis(&b.text)?;
    let inner_t = inner.trim();
    if inner_t.is_empty() || inner.len() > MAX_CITATION {
        return None;
    }
    let before = b.text[..open].trim_end();
    let end = b.text.trim_end().len();
    let has_link = b.has_link_in(&(open..end));
    let quoted_title = inner_t.starts_with(OPENING_QUOTES) && inner_t.contains(',');
    let short_source = inner_t.split_whitespace().count() <= 4
        && inner_t.chars().next().is_some_and(char::is_uppercase)
        && (before.is_empty() || before.ends_with(['.', '!', '?', '\u{2026}']));
    if !(has_link || quoted_title || short_source) {
        return None;
    }
    let inline = before.ends_with(CLOSING_QUOTES);
    Some((open, inner_t.to_string(), inline))
}

const SPEECH_CUES: &[&str] = &[
    "said",
    "says",
    "say",
    "wrote",
    "writes",
    "write",
    "stated",
    "states",
    "told",
    "tells",
    "according",
    "explained",
    "explains",
    "noted",
    "notes",
    "added",
    "declared",
    "argued",
    "argues",
    "quote",
    "quoted",
    "excerpt",
    "reads",
    "read",
    "following",
    "posted",
    "here's",
    "here\u{2019}s",
    "here is",
    "from the",
    "from an",
    "from a",
    "clip",
    "put it",
    "summary",
    "remarked",
    "insisted",
    "announced",
];

pub(super) fn lead_in_quotes(blocks: &[Block], body_start: usize, body_end: usize) -> Vec<Quote> {
    let plain = |i: usize| {
        let b = &blocks[i];
        b.kind == Kind::Para && b.quote.is_none() && b.item.is_none()
    };
    let lead_in = |i: usize| plain(i) && blocks[i].text.trim_end().ends_with(':');
    let mut out = Vec::new();
    let mut i = body_start;
    while i + 1 < body_end {
        if !lead_in(i) || !plain(i + 1) || lead_in(i + 1) {
            i += 1;
            continue;
        }
        let mut found: Option<Quote> = None;
        for j in i + 1..body_end.min(i + 1 + MAX_QUOTE_PARAGRAPHS) {
            if !plain(j) || (j > i + 1 && lead_in(j)) {
                break;
            }
            let b = &blocks[j];
            if let Some((open, citation, inline)) = closing_citation(b) {
                if inline {
                    break;
                }
                let standalone = b.text[..open].trim().is_empty();
                if standalone && j == i + 1 {
                    break;
                }
                let (last, end) = if standalone {
                    (j - 1, blocks[j - 1].text.trim_end().len())
                } else {
                    (j, b.text[..open].trim_end().len())
                };
                found = Some(Quote {
                    first: i + 1,
                    start: 0,
                    last,
                    end,
                    label: "blockquote",
                    attrs: vec![
                        (attrs::CITATION.name(), citation),
                        (attrs::CITATION_FROM.name(), "lead-in".to_string()),
                    ],
                });
                break;
            }
        }
        if found.is_none() {
            let q = &blocks[i + 1].text;
            let lead = blocks[i].text.to_lowercase();
            let last_sentence = lead
                .rsplit(['.', '!', '?'])
                .find(|s| !s.trim().is_empty())
                .unwrap_or(&lead);
            let cue = SPEECH_CUES.iter().any(|c| {
                last_sentence.match_indices(c).any(|(k, _)| {
                    let before_ok = !last_sentence[..k].ends_with(char::is_alphanumeric);
                    let after_ok = !last_sentence[k + c.len()..].starts_with(char::is_alphanumeric);
                    before_ok && after_ok
                })
            });
            let opens =
                q.starts_with("...") || q.starts_with('\u{2026}') || q.starts_with(OPENING_QUOTES);
            if cue || opens {
                found = Some(Quote {
                    first: i + 1,
                    start: 0,
                    last: i + 1,
                    end: q.trim_end().len(),
                    label: "blockquote",
                    attrs: vec![(attrs::CITATION_FROM.name(), "lead-in".to_string())],
                });
            }
        }
        match found {
            Some(q) => {
                i = q.last + 1;
                out.push(q);
            }
            None => i += 1,
        }
    }
    out
}
