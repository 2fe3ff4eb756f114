//! The evidence trail: who and what an article cites.
//!
//! [`find_sources`] collects mentions of sources, each with a role:
//!
//! * **Quoted**: the speakers of attributions (resolved names; pronouns that
//!   could not be resolved are left out), and anonymous sources next to a
//!   speech cue ("officials said", "sources say", "according to a senior
//!   official", "from a commenter").
//! * **Cited**: the media attributions appeared in (a block quote's citation
//!   line), parenthetical citations `("Title", Author, Outlet)` / `(NYT)`,
//!   outlets and organisations after "according to", "reported by", "a
//!   report by / from", "writing in", "an article in / at", "an op-ed in",
//!   "told", or before "reported"; documents ("the UN report", "a 2015
//!   study", "the 2012 Defense Intelligence Agency report", "a leaked memo").
//! * **Linked**: links with a real URL (named after a known host, e.g.
//!   `nytimes.com` → New York Times, or a blog platform such as blogspot,
//!   wordpress, substack, medium, typepad → a blog; otherwise the host, kind
//!   unknown), and links without one (the scraped `#`) whose anchor is a
//!   named entity or the title of a citation (then named after the
//!   citation's outlet).
//!
//! Mentions inside the `boilerplate` layer (bylines, datelines, footers) are
//! ignored: the site that republished an article and its original publisher
//! are publication metadata (see `Metadata::site_name` /
//! `original_source`), not sources the article cites.
//!
//! [`aggregate`] de-duplicates the mentions per article: names are compared
//! case-insensitively without a leading "the" or a possessive, and people
//! are merged by last name ("Lang", "Patrick Lang", "Colonel W. Patrick
//! Lang" → the longest), in order of first mention.

use serde::{Serialize, Serializer};
use unspin_document::{layers as doc_layers, Document, Span};
use unspin_segment::{tokenize, TokenKind};

use crate::entities::{gazetteer_kind, is_known_blog, normalise_name};
use crate::quotes::quotation_spans;
use crate::{Attribution, ByteRange, Entity, EntityKind, SourceKind};

/// Provenance of source spans.
pub const PROVENANCE: &str = "source-rules";

/// How a source figures in an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceRole {
    /// It is quoted or its words are reported.
    Quoted,
    /// It is named as the origin of information (a medium, a report).
    Cited,
    /// It is linked to.
    Linked,
}

impl SourceRole {
    /// The snake_case name used in span attributes.
    pub fn name(self) -> &'static str {
        match self {
            SourceRole::Quoted => "quoted",
            SourceRole::Cited => "cited",
            SourceRole::Linked => "linked",
        }
    }
}

/// One mention of a source in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceMention {
    /// Where it is mentioned (the speaker as written, the outlet's name, the
    /// link's anchor).
    pub range: ByteRange,
    /// Its canonical name (a pronoun's resolved name, the outlet a link
    /// points to).
    pub name: String,
    /// What kind of source it is.
    pub kind: SourceKind,
    /// How it figures here.
    pub role: SourceRole,
    /// The link's URL, for linked mentions with a real URL.
    pub url: Option<String>,
}

/// A source of an article with all its mentions merged.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CitedSource {
    /// The canonical (longest) name.
    pub name: String,
    /// What kind of source it is.
    #[serde(serialize_with = "serialize_kind")]
    pub kind: SourceKind,
    /// How many times it is mentioned.
    pub mentions: usize,
    /// Its roles, each once, in the order quoted, cited, linked.
    pub roles: Vec<SourceRole>,
    /// The URLs it is linked with.
    pub urls: Vec<String>,
}

fn serialize_kind<S: Serializer>(kind: &SourceKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.name())
}

fn overlaps(a: &ByteRange, b: &ByteRange) -> bool {
    a.start < b.end && b.start < a.end
}

fn valid(text: &str, r: &ByteRange) -> bool {
    r.start < r.end
        && r.end <= text.len()
        && text.is_char_boundary(r.start)
        && text.is_char_boundary(r.end)
}

/// The kind of a named source: by entity, gazetteer or blog list.
fn kind_of_name(text: &str, entities: &[Entity], range: &ByteRange, name: &str) -> SourceKind {
    if is_known_blog(name) {
        return SourceKind::Blog;
    }
    if let Some(e) = entities
        .iter()
        .filter(|e| overlaps(&e.range, range))
        .max_by_key(|e| e.range.len())
    {
        if e.range.len() * 2 >= range.len() {
            return SourceKind::of_entity(e.kind, &text[e.range.clone()]);
        }
    }
    gazetteer_kind(name).map_or(SourceKind::Unknown, |k| SourceKind::of_entity(k, name))
}

const KNOWN_HOSTS: &[(&str, &str, SourceKind)] = &[
    ("nytimes.com", "New York Times", SourceKind::NewsOutlet),
    (
        "washingtonpost.com",
        "Washington Post",
        SourceKind::NewsOutlet,
    ),
    ("wsj.com", "Wall Street Journal", SourceKind::NewsOutlet),
    ("theguardian.com", "The Guardian", SourceKind::NewsOutlet),
    ("bbc.co.uk", "BBC", SourceKind::NewsOutlet),
    ("bbc.com", "BBC", SourceKind::NewsOutlet),
    ("cnn.com", "CNN", SourceKind::NewsOutlet),
    ("foxnews.com", "Fox News", SourceKind::NewsOutlet),
    ("reuters.com", "Reuters", SourceKind::NewsOutlet),
    ("apnews.com", "AP", SourceKind::NewsOutlet),
    ("afp.com", "AFP", SourceKind::NewsOutlet),
    ("aljazeera.com", "Al Jazeera", SourceKind::NewsOutlet),
    ("rt.com", "RT", SourceKind::NewsOutlet),
    ("sputniknews.com", "Sputnik", SourceKind::NewsOutlet),
    ("counterpunch.org", "CounterPunch", SourceKind::NewsOutlet),
    (
        "globalresearch.ca",
        "Global Research",
        SourceKind::NewsOutlet,
    ),
    (
        "timesofisrael.com",
        "Times of Israel",
        SourceKind::NewsOutlet,
    ),
    ("moonofalabama.org", "Moon of Alabama", SourceKind::Blog),
    (
        "turcopolier.typepad.com",
        "Sic Semper Tyrannis",
        SourceKind::Blog,
    ),
    ("thesaker.is", "The Vineyard of the Saker", SourceKind::Blog),
    ("zerohedge.com", "Zero Hedge", SourceKind::NewsOutlet),
    (
        "brookings.edu",
        "Brookings Institution",
        SourceKind::ThinkTank,
    ),
    ("rand.org", "RAND", SourceKind::ThinkTank),
    (
        "cfr.org",
        "Council on Foreign Relations",
        SourceKind::ThinkTank,
    ),
    (
        "atlanticcouncil.org",
        "Atlantic Council",
        SourceKind::ThinkTank,
    ),
    ("heritage.org", "Heritage Foundation", SourceKind::ThinkTank),
    ("un.org", "United Nations", SourceKind::Government),
    ("nato.int", "NATO", SourceKind::Government),
    ("whitehouse.gov", "White House", SourceKind::Government),
    ("state.gov", "State Department", SourceKind::Government),
    ("defense.gov", "Pentagon", SourceKind::Government),
];

const BLOG_PLATFORMS: &[&str] = &[
    "blogspot.com",
    "wordpress.com",
    "substack.com",
    "medium.com",
    "typepad.com",
    "tumblr.com",
    "livejournal.com",
    "blogger.com",
    "ghost.io",
];

/// The host of an absolute URL, without "www.".
fn url_host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let host = rest.split(['/', '?', '#', ':']).next()?.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty() && host.contains('.')).then_some(host)
}

/// A name and kind for a link's host.
fn host_source(host: &str) -> Option<(String, SourceKind)> {
    let suffix_of = |h: &str, d: &str| h == d || h.ends_with(&format!(".{d}"));
    for (d, name, kind) in KNOWN_HOSTS {
        if suffix_of(host, d) {
            return Some((name.to_string(), *kind));
        }
    }
    if BLOG_PLATFORMS.iter().any(|d| suffix_of(host, d)) {
        return Some((host.to_string(), SourceKind::Blog));
    }
    if host.ends_with(".gov") || host.ends_with(".mil") || host.contains(".gov.") {
        return Some((host.to_string(), SourceKind::Government));
    }
    if host.ends_with(".edu") || host.contains(".ac.") {
        return Some((host.to_string(), SourceKind::Organisation));
    }
    None
}

const DOC_NOUNS: &[&str] = &[
    "report",
    "study",
    "memo",
    "memorandum",
    "analysis",
    "survey",
    "document",
    "dossier",
    "cable",
    "assessment",
    "poll",
    "investigation",
    "transcript",
    "filing",
    "audit",
    "paper",
    "white",
    "estimate",
    "leak",
    "leaks",
    "emails",
    "letter",
    "resolution",
    "review",
];

const DOC_MODIFIERS: &[&str] = &[
    "leaked",
    "new",
    "recent",
    "secret",
    "classified",
    "internal",
    "unconfirmed",
    "confidential",
    "official",
    "annual",
    "latest",
    "published",
    "independent",
    "declassified",
    "unpublished",
    "landmark",
    "scathing",
    "damning",
    "government",
    "intelligence",
    "agreement",
    "joint",
    "peer-reviewed",
    "academic",
    "scientific",
    "parliamentary",
    "congressional",
    "senate",
    "un",
];

const ANON_HEADS: &[&str] = &[
    "official",
    "officials",
    "source",
    "sources",
    "commenter",
    "commenters",
    "observer",
    "observers",
    "analyst",
    "analysts",
    "diplomat",
    "diplomats",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "insider",
    "insiders",
    "aide",
    "aides",
    "expert",
    "experts",
];

const CITE_VERBS_AFTER: &[&str] = &[
    "reported",
    "reports",
    "revealed",
    "reveals",
    "published",
    "publishes",
    "disclosed",
    "broke",
    "obtained",
];

/// Finds the source mentions of `doc` given its attributions and entities,
/// sorted by position. Mentions inside the `boilerplate` layer are ignored.
pub fn find_sources(
    doc: &Document,
    attributions: &[Attribution],
    entities: &[Entity],
) -> Vec<SourceMention> {
    let text = doc.text();
    let boiler: Vec<ByteRange> = doc
        .layer(doc_layers::BOILERPLATE)
        .iter()
        .map(|s| s.start()..s.end())
        .collect();
    let in_boiler = |r: &ByteRange| boiler.iter().any(|b| overlaps(b, r));
    let mut out: Vec<SourceMention> = Vec::new();
    let push = |m: SourceMention, out: &mut Vec<SourceMention>| {
        if !valid(text, &m.range) || in_boiler(&m.range) || m.name.trim().is_empty() {
            return;
        }
        if out.iter().any(|o| o.range == m.range && o.role == m.role) {
            return;
        }
        out.push(m);
    };

    // 1. Speakers (quoted) and media (cited) of attributions.
    for a in attributions {
        if let Some(s) = a.source.as_ref().filter(|s| valid(text, s)) {
            let written = text[s.clone()].trim();
            let name = match &a.speaker {
                Some(n) => n.clone(),
                None if written.chars().next().is_some_and(char::is_uppercase)
                    && written.split_whitespace().count() > 1 =>
                {
                    written.to_string()
                }
                None => continue,
            };
            let kind = a
                .speaker_kind
                .unwrap_or_else(|| kind_of_name(text, entities, s, &name));
            push(
                SourceMention {
                    range: s.clone(),
                    name,
                    kind,
                    role: SourceRole::Quoted,
                    url: None,
                },
                &mut out,
            );
        }
        if let Some(m) = &a.medium {
            // Where the medium is written: right after the content (a
            // citation line), else in the lead-in before it.
            let after_end = floor(text, a.content.end + 600);
            let before_start = floor(text, a.content.start.saturating_sub(600));
            let found = text[a.content.end..after_end]
                .find(m.as_str())
                .map(|p| a.content.end + p)
                .or_else(|| {
                    text[before_start..a.content.start]
                        .rfind(m.as_str())
                        .map(|p| before_start + p)
                });
            if let Some(p) = found {
                let range = p..p + m.len();
                let kind = kind_of_name(text, entities, &range, m);
                push(
                    SourceMention {
                        range,
                        name: m.clone(),
                        kind,
                        role: SourceRole::Cited,
                        url: None,
                    },
                    &mut out,
                );
            }
        }
    }

    // 2. Parenthetical citations: ("Title", Author, Outlet), (NYT).
    let pairs = quotation_spans(text);
    let mut citation_titles: Vec<(ByteRange, String, SourceKind, ByteRange)> = Vec::new();
    for (open, _) in text.match_indices('(') {
        let line_end = text[open..].find('\n').map_or(text.len(), |p| open + p);
        let Some(close) = text[open..line_end].rfind(')').map(|p| open + p) else {
            continue;
        };
        // The matching parenthesis, not a later one.
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in text[open..=close].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else { continue };
        let inner = open + 1..end;
        if inner.is_empty() || inner.len() > 400 {
            continue;
        }
        let title = pairs
            .iter()
            .find(|p| p.open == inner.start && p.close.is_some() && p.outer(text).end < inner.end);
        let names_from = match title {
            Some(t) => t.outer(text).end,
            None => inner.start,
        };
        let rest = &text[names_from..inner.end];
        let rest_trim = rest.trim_start().trim_start_matches(',');
        let names_start = inner.end - rest_trim.len();
        let parts = split_commas(text, names_start..inner.end);
        if parts.is_empty() || (title.is_none() && parts.len() > 1) {
            continue;
        }
        // Without a title, only a lone well-known outlet closing a
        // paragraph or sentence counts: "(NYT)" — not "(SAA)" or a
        // publisher "(AK Press)".
        if title.is_none() {
            let p = &parts[0];
            let known = entities
                .iter()
                .any(|e| e.range == *p && e.kind == EntityKind::NewsOutlet && e.score >= 0.9);
            let after = text[end + 1..].trim_start_matches([' ', '.']);
            let closing =
                after.is_empty() || after.starts_with('\n') || text[end + 1..].starts_with('\n');
            if !known || !closing {
                continue;
            }
        }
        for (k, p) in parts.iter().enumerate() {
            let name = text[p.clone()].to_string();
            if name
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace())
            {
                continue;
            }
            let mut kind = kind_of_name(text, entities, p, &name);
            let last = k + 1 == parts.len();
            if kind == SourceKind::Unknown && !last {
                kind = SourceKind::Person; // an author before the outlet
            }
            push(
                SourceMention {
                    range: p.clone(),
                    name: name.clone(),
                    kind,
                    role: SourceRole::Cited,
                    url: None,
                },
                &mut out,
            );
            if last {
                if let Some(t) = title {
                    citation_titles.push((t.outer(text), name, kind, p.clone()));
                }
            }
        }
    }

    // 3. Outlets and organisations after citing phrases.
    let toks = tokenize(text);
    let lower: Vec<String> = toks
        .iter()
        .map(|t| text[t.range()].to_lowercase())
        .collect();
    let tok_at = |at: usize| toks.partition_point(|t| t.start < at);
    for e in entities {
        if matches!(e.kind, EntityKind::Person | EntityKind::Place) || e.score < 0.3 {
            continue;
        }
        let i = tok_at(e.range.start);
        let prev: Vec<&str> = (i.saturating_sub(4)..i)
            .map(|k| lower[k].as_str())
            .collect();
        let p = prev.join(" ");
        let p = p.strip_suffix(" the").unwrap_or(&p);
        let cited_before = p.ends_with("according to")
            || p.ends_with("reported by")
            || p.ends_with("report by")
            || p.ends_with("report from")
            || p.ends_with("reports from")
            || p.ends_with("study by")
            || p.ends_with("analysis by")
            || p.ends_with("writing in")
            || p.ends_with("wrote in")
            || p.ends_with("published in")
            || p.ends_with("published by")
            || p.ends_with("cited by")
            || p.ends_with("told")
            || p.ends_with("interview with")
            || p.ends_with("via")
            || [
                "article",
                "piece",
                "op-ed",
                "column",
                "editorial",
                "interview",
                "report",
                "study",
                "story",
                "post",
                "essay",
            ]
            .iter()
            .any(|n| p.ends_with(&format!("{n} in")) || p.ends_with(&format!("{n} at")));
        let j = tok_at(e.range.end);
        let cited_after = e.kind == EntityKind::NewsOutlet
            && lower
                .get(j)
                .is_some_and(|w| CITE_VERBS_AFTER.contains(&w.as_str()));
        if cited_before || cited_after {
            let name = text[e.range.clone()].to_string();
            push(
                SourceMention {
                    range: e.range.clone(),
                    kind: SourceKind::of_entity(e.kind, &name),
                    name,
                    role: SourceRole::Cited,
                    url: None,
                },
                &mut out,
            );
        }
    }

    // 4. Documents: "the UN report", "a 2015 study", "a leaked memo".
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokenKind::Word || !DOC_NOUNS.contains(&lower[i].as_str()) {
            continue;
        }
        // "white paper"
        let mut end_tok = i;
        if lower[i] == "white" {
            if lower.get(i + 1).is_some_and(|w| w == "paper") {
                end_tok = i + 1;
            } else {
                continue;
            }
        }
        let mut j = i;
        let mut modifiers = 0;
        let mut strong = false;
        while j > 0 && i - j < 7 {
            let w = lower[j - 1].as_str();
            let orig = &text[toks[j - 1].range()];
            if matches!(w, "a" | "an" | "the") {
                break;
            }
            let capital = orig.chars().next().is_some_and(char::is_uppercase);
            let year = orig.len() == 4 && orig.chars().all(|c| c.is_ascii_digit());
            if capital || year || DOC_MODIFIERS.contains(&w) || w == "-" {
                strong |= capital || year || DOC_MODIFIERS.contains(&w);
                modifiers += 1;
                j -= 1;
                continue;
            }
            break;
        }
        if j == 0
            || !matches!(lower[j - 1].as_str(), "a" | "an" | "the")
            || modifiers == 0
            || !strong
        {
            continue;
        }
        // The determiner must not be sentence-initial "The" of a headline-ish run.
        let range = toks[j - 1].start..strip_footnote(text, toks[end_tok].start, toks[end_tok].end);
        let name = text[range.clone()].to_string();
        push(
            SourceMention {
                range,
                name,
                kind: SourceKind::Document,
                role: SourceRole::Cited,
                url: None,
            },
            &mut out,
        );
    }

    // 5. Anonymous sources next to a speech cue.
    for (i, t) in toks.iter().enumerate() {
        if !ANON_HEADS.contains(&lower[i].as_str()) {
            continue;
        }
        let next: Vec<&str> = (i + 1..(i + 4).min(toks.len()))
            .map(|k| lower[k].as_str())
            .collect();
        let cue_after = next.iter().take(3).any(|w| {
            matches!(
                *w,
                "say"
                    | "said"
                    | "says"
                    | "told"
                    | "claim"
                    | "claimed"
                    | "claims"
                    | "believe"
                    | "believes"
                    | "warned"
                    | "insisted"
                    | "added"
                    | "noted"
                    | "suggested"
            )
        });
        let mut j = i;
        while j > 0 && i - j < 4 {
            let w = lower[j - 1].as_str();
            if toks[j - 1].kind == TokenKind::Punct {
                break;
            }
            if matches!(
                w,
                "a" | "an"
                    | "one"
                    | "two"
                    | "three"
                    | "several"
                    | "some"
                    | "many"
                    | "unnamed"
                    | "anonymous"
            ) {
                j -= 1;
                break;
            }
            if matches!(
                w,
                "the" | "this" | "that" | "these" | "those" | "his" | "her" | "their" | "its"
            ) {
                j = usize::MAX;
                break;
            }
            if matches!(
                w,
                "to" | "from" | "according" | "by" | "and" | "but" | "that" | "as"
            ) {
                break;
            }
            j -= 1;
        }
        if j == usize::MAX {
            continue; // definite: refers back to someone named
        }
        let before: Vec<&str> = (j.saturating_sub(2)..j)
            .map(|k| lower[k].as_str())
            .collect();
        let cue_before = before == ["according", "to"] || before.last() == Some(&"from");
        if !(cue_after || cue_before) {
            continue;
        }
        let range = toks[j].start..t.end;
        let name = text[range.clone()].to_string();
        push(
            SourceMention {
                range,
                name,
                kind: SourceKind::Anonymous,
                role: SourceRole::Quoted,
                url: None,
            },
            &mut out,
        );
    }

    // 6. Links.
    for l in doc.layer(doc_layers::LINK) {
        let range = l.start()..l.end();
        if !valid(text, &range) || in_boiler(&range) {
            continue;
        }
        let href = l.attrs.get("href").and_then(|h| h.as_str()).unwrap_or("");
        let host = url_host(href);
        let url = host.as_ref().map(|_| href.to_string());
        let anchor_entity = entities
            .iter()
            .filter(|e| overlaps(&e.range, &range) && e.score >= 0.5)
            .find(|e| e.range.len() * 2 >= range.len());
        let title_of = citation_titles
            .iter()
            .find(|(t, ..)| overlaps(t, &range) || (range.start >= t.start && range.end <= t.end));
        let (name, kind) = if let Some((n, k)) = host.as_deref().and_then(host_source) {
            (n, k)
        } else if let Some((_, n, k, _)) = title_of {
            (n.clone(), *k)
        } else if let Some(e) = anchor_entity {
            let n = text[e.range.clone()].to_string();
            let k = SourceKind::of_entity(e.kind, &n);
            (n, k)
        } else if let Some(h) = host {
            (h, SourceKind::Unknown)
        } else {
            continue; // no URL, no recognisable anchor
        };
        push(
            SourceMention {
                range,
                name,
                kind,
                role: SourceRole::Linked,
                url,
            },
            &mut out,
        );
    }

    out.sort_by_key(|m| (m.range.start, m.range.end, m.role));
    out
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn strip_footnote(text: &str, start: usize, end: usize) -> usize {
    let w = &text[start..end];
    let t = w.trim_end_matches(|c: char| !c.is_alphabetic());
    if t.is_empty() {
        end
    } else {
        start + t.len()
    }
}

fn split_commas(text: &str, range: ByteRange) -> Vec<ByteRange> {
    let mut out = Vec::new();
    let mut start = range.start;
    let push = |s: usize, e: usize, out: &mut Vec<ByteRange>| {
        let seg = &text[s..e];
        let lead = seg.len() - seg.trim_start().len();
        let t = seg.trim();
        if !t.is_empty() {
            out.push(s + lead..s + lead + t.len());
        }
    };
    for (i, c) in text[range.clone()].char_indices() {
        if c == ',' {
            push(start, range.start + i, &mut out);
            start = range.start + i + 1;
        }
    }
    push(start, range.end, &mut out);
    out
}

/// A person's last name for merging: lower-case, apostrophes folded ("O’
/// Hanlon" and "O’Hanlon" → "ohanlon").
fn last_name(name: &str) -> String {
    let n = normalise_name(name).replace(['\'', '.'], " ");
    let words: Vec<&str> = n.split_whitespace().collect();
    match words.as_slice() {
        [.., "o", last] => format!("o{last}"),
        [.., last] => last.to_string(),
        [] => String::new(),
    }
}

const ORG_SUFFIXES: &[&str] = &[
    "institute",
    "institution",
    "foundation",
    "center",
    "centre",
    "corporation",
    "endowment",
    "council",
    "group",
    "inc",
    "ltd",
    "news",
    "network",
];

/// Other keys an organisation is known by: without an organisation suffix
/// ("Brookings Institute" → "brookings") and its initials ("New York Times"
/// → "nyt"); an acronym name is its own key.
fn org_keys(name: &str, kind: SourceKind) -> Vec<String> {
    if matches!(
        kind,
        SourceKind::Person | SourceKind::Anonymous | SourceKind::Document
    ) {
        return Vec::new();
    }
    let key = normalise_name(name);
    let words: Vec<&str> = key.split_whitespace().collect();
    let mut out = Vec::new();
    if words.len() >= 2 && ORG_SUFFIXES.contains(words.last().unwrap_or(&"")) {
        out.push(words[..words.len() - 1].join(" "));
    }
    let significant: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !matches!(*w, "of" | "the" | "and" | "for" | "on" | "&"))
        .collect();
    if significant.len() >= 2 {
        let initials: String = significant
            .iter()
            .filter_map(|w| w.chars().next())
            .collect();
        out.push(format!("acronym:{initials}"));
    }
    let trimmed = name.trim();
    if words.len() == 1 && trimmed.chars().all(|c| c.is_uppercase() || c == '.') {
        out.push(format!("acronym:{}", key.replace('.', "")));
    }
    out
}

fn kind_rank(k: SourceKind) -> u8 {
    match k {
        SourceKind::Unknown => 0,
        SourceKind::Anonymous => 1,
        SourceKind::NewsOutlet => 2,
        _ => 3,
    }
}

/// De-duplicates mentions into one [`CitedSource`] per source, in order of
/// first mention (see the module documentation for the merging rules).
pub fn aggregate(mentions: &[SourceMention]) -> Vec<CitedSource> {
    let mut order: Vec<&SourceMention> = mentions.iter().collect();
    order.sort_by_key(|m| (m.range.start, m.range.end));
    let mut out: Vec<CitedSource> = Vec::new();
    let mut keys: Vec<Vec<String>> = Vec::new();
    for m in order {
        let key = normalise_name(&m.name);
        if key.is_empty() {
            continue;
        }
        let alias = org_keys(&m.name, m.kind);
        let person_like = m.kind == SourceKind::Person
            || (m.kind == SourceKind::Unknown && !m.name.contains(' '));
        let last = last_name(&m.name);
        let found = out.iter().enumerate().position(|(g, s)| {
            keys[g].contains(&key)
                || alias.iter().any(|k| keys[g].contains(k))
                || (person_like
                    && s.kind == SourceKind::Person
                    && !last.is_empty()
                    && last_name(&s.name) == last)
                || (m.kind == SourceKind::Person
                    && s.kind == SourceKind::Unknown
                    && !s.name.contains(' ')
                    && last_name(&s.name) == last)
        });
        match found {
            Some(g) => {
                let s = &mut out[g];
                s.mentions += 1;
                if m.name.chars().count() > s.name.chars().count()
                    && (m.kind == s.kind || m.kind == SourceKind::Person)
                {
                    s.name = m.name.clone();
                }
                if kind_rank(m.kind) > kind_rank(s.kind)
                    || (m.kind == SourceKind::Blog && s.kind == SourceKind::NewsOutlet)
                {
                    s.kind = m.kind;
                }
                if !s.roles.contains(&m.role) {
                    s.roles.push(m.role);
                    s.roles.sort();
                }
                if let Some(u) = &m.url {
                    if !s.urls.contains(u) {
                        s.urls.push(u.clone());
                    }
                }
                for k in std::iter::once(key).chain(alias) {
                    if !keys[g].contains(&k) {
                        keys[g].push(k);
                    }
                }
            }
            None => {
                out.push(CitedSource {
                    name: m.name.clone(),
                    kind: m.kind,
                    mentions: 1,
                    roles: vec![m.role],
                    urls: m.url.iter().cloned().collect(),
                });
                let mut ks = vec![key];
                ks.extend(alias);
                keys.push(ks);
            }
        }
    }
    out
}

/// The `source` layer spans for `mentions`: label = the kind's name, attrs
/// `name`, `role` and optional `url`, provenance `source-rules`.
pub fn source_spans(mentions: &[SourceMention]) -> Vec<Span> {
    mentions
        .iter()
        .filter_map(|m| {
            let mut s = Span::new(m.range.start, m.range.end, m.kind.name())
                .ok()?
                .with_provenance(PROVENANCE)
                .with_attr("name", m.name.clone())
                .with_attr("role", m.role.name());
            if let Some(u) = &m.url {
                s = s.with_attr("url", u.clone());
            }
            Some(s)
        })
        .collect()
}

/// Rebuilds the source mentions from a document's `source` layer (see
/// [`crate::layers::SOURCE`]), e.g. for a document read back from JSON: the
/// label gives the kind (an unknown label is [`SourceKind::Unknown`]), the
/// attrs `name` (the span text when absent), `role` (`cited` when absent or
/// unknown) and `url`. `aggregate(&mentions_from_layer(doc))` then gives the
/// same sources as aggregating the mentions the stage found.
pub fn mentions_from_layer(doc: &Document) -> Vec<SourceMention> {
    const KINDS: [SourceKind; 9] = [
        SourceKind::Person,
        SourceKind::NewsOutlet,
        SourceKind::Blog,
        SourceKind::ThinkTank,
        SourceKind::Government,
        SourceKind::Organisation,
        SourceKind::Document,
        SourceKind::Anonymous,
        SourceKind::Unknown,
    ];
    let attr = |span: &Span, key: &str| {
        span.attrs
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    doc.layer(crate::layers::SOURCE)
        .iter()
        .map(|span| SourceMention {
            range: span.start()..span.end(),
            name: attr(span, "name").unwrap_or_else(|| doc.span_text(span).to_string()),
            kind: KINDS
                .into_iter()
                .find(|k| k.name() == span.label)
                .unwrap_or(SourceKind::Unknown),
            role: match attr(span, "role").as_deref() {
                Some("quoted") => SourceRole::Quoted,
                Some("linked") => SourceRole::Linked,
                _ => SourceRole::Cited,
            },
            url: attr(span, "url"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::find_entities;
    use crate::quotes::{reconcile, rule_attributions};

    fn mention(name: &str, kind: SourceKind, role: SourceRole, at: usize) -> SourceMention {
        SourceMention {
            range: at..at + 1,
            name: name.into(),
            kind,
            role,
            url: None,
        }
    }

    #[test]
    fn aggregate_merges_people_by_last_name() {
        let m = vec![
            mention("Lang", SourceKind::Person, SourceRole::Quoted, 0),
            mention(
                "Colonel W. Patrick Lang",
                SourceKind::Person,
                SourceRole::Quoted,
                5,
            ),
            mention("Patrick Lang", SourceKind::Person, SourceRole::Cited, 9),
            mention(
                "Bashar al Assad",
                SourceKind::Person,
                SourceRole::Quoted,
                12,
            ),
            mention("Assad", SourceKind::Person, SourceRole::Quoted, 20),
            mention(
                "the New York Times",
                SourceKind::NewsOutlet,
                SourceRole::Cited,
                30,
            ),
            mention(
                "New York Times",
                SourceKind::NewsOutlet,
                SourceRole::Linked,
                40,
            ),
            mention("The Times", SourceKind::NewsOutlet, SourceRole::Cited, 50),
        ];
        let a = aggregate(&m);
        let got: Vec<(&str, usize)> = a.iter().map(|s| (s.name.as_str(), s.mentions)).collect();
        assert_eq!(
            got,
            [
                ("Colonel W. Patrick Lang", 3),
                ("Bashar al Assad", 2),
                ("the New York Times", 2),
                ("The Times", 1)
            ]
        );
        assert_eq!(a[0].roles, [SourceRole::Quoted, SourceRole::Cited]);
        assert_eq!(a[2].roles, [SourceRole::Cited, SourceRole::Linked]);
        let json = serde_json::to_value(&a[0]).unwrap();
        assert_eq!(json["kind"], "person");
        assert_eq!(json["roles"][0], "quoted");
    }

    #[test]
    fn hosts() {
        assert_eq!(
            url_host("https://www.moonofalabama.org/2016/09/x.html").as_deref(),
            Some("moonofalabama.org")
        );
        assert_eq!(
            host_source("moonofalabama.org").unwrap().1,
            SourceKind::Blog
        );
        assert_eq!(
            host_source("someone.blogspot.com").unwrap().1,
            SourceKind::Blog
        );
        assert_eq!(host_source("nytimes.com").unwrap().0, "New York Times");
        assert!(host_source("example.org").is_none());
        assert_eq!(url_host("#"), None);
    }

    #[test]
    fn finds_cited_documents_anonymous_and_links() {
        let text = "According to a senior official, the talks failed. A leaked memo and the 2015 UN report agree, the Washington Post reported. Writing in Foreign Affairs, she disagreed.";
        let mut doc = Document::new("t", text);
        let l = text.find("leaked memo").unwrap();
        doc.add_span(
            "link",
            Span::new(l, l + 11, "link")
                .unwrap()
                .with_attr("href", "https://example.org/memo"),
        )
        .unwrap();
        let e = find_entities(&doc);
        let rules = rule_attributions(&doc, &e);
        let attrs = reconcile(&doc, Vec::new(), rules, &e);
        let ms = find_sources(&doc, &attrs, &e);
        let got: Vec<(&str, SourceKind, SourceRole)> = ms
            .iter()
            .map(|m| (m.name.as_str(), m.kind, m.role))
            .collect();
        assert!(
            got.contains(&(
                "a senior official",
                SourceKind::Anonymous,
                SourceRole::Quoted
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&("A leaked memo", SourceKind::Document, SourceRole::Cited)),
            "{got:?}"
        );
        assert!(
            got.contains(&(
                "the 2015 UN report",
                SourceKind::Document,
                SourceRole::Cited
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&("Washington Post", SourceKind::NewsOutlet, SourceRole::Cited)),
            "{got:?}"
        );
        assert!(
            got.contains(&("Foreign Affairs", SourceKind::NewsOutlet, SourceRole::Cited)),
            "{got:?}"
        );
        assert!(
            got.contains(&("example.org", SourceKind::Unknown, SourceRole::Linked)),
            "{got:?}"
        );
        let spans = source_spans(&ms);
        assert_eq!(spans.len(), ms.len());
        assert!(spans.iter().any(|s| s.attrs.contains_key("url")));
    }

    #[test]
    fn mentions_round_trip_through_the_source_layer() {
        let text = "Lang said so, the New York Times reported, and a senior official agreed.";
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            start..start + needle.len()
        };
        let mut found = vec![
            SourceMention {
                range: at("Lang"),
                name: "Colonel W. Patrick Lang".into(),
                kind: SourceKind::Person,
                role: SourceRole::Quoted,
                url: None,
            },
            SourceMention {
                range: at("New York Times"),
                name: "New York Times".into(),
                kind: SourceKind::NewsOutlet,
                role: SourceRole::Linked,
                url: Some("https://www.nytimes.com/x".into()),
            },
            SourceMention {
                range: at("a senior official"),
                name: "a senior official".into(),
                kind: SourceKind::Anonymous,
                role: SourceRole::Cited,
                url: None,
            },
        ];
        let mut doc = Document::new("t", text);
        doc.set_layer(crate::layers::SOURCE, source_spans(&found))
            .unwrap();
        // A span written by someone else: no attrs, an unknown label.
        let r = at("agreed");
        doc.add_span(
            crate::layers::SOURCE,
            Span::new(r.start, r.end, "martian").unwrap(),
        )
        .unwrap();
        found.push(SourceMention {
            range: r,
            name: "agreed".into(),
            kind: SourceKind::Unknown,
            role: SourceRole::Cited,
            url: None,
        });
        assert_eq!(mentions_from_layer(&doc), found);
        assert_eq!(aggregate(&mentions_from_layer(&doc)), aggregate(&found));
        assert!(mentions_from_layer(&Document::new("e", "")).is_empty());
    }
}
