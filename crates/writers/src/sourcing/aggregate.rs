//! The sources an article cites, de-duplicated, computed from its `source`
//! layer only (so a document read back from JSON gives the same list).
//!
//! Each `source` span is one mention: its label is the source kind, its
//! [`NAME`](attrs::NAME) attr the canonical name (the span text when absent),
//! [`ROLE`](attrs::ROLE) how it figures (`quoted`, `cited` when absent or
//! unknown, `linked`) and [`URL`](attrs::URL) the link. [`cited_sources`]
//! merges the mentions of one source: names are compared case-insensitively
//! without a leading "the" or a possessive, organisations also by their name
//! without a suffix ("Brookings Institute" → "brookings") and by their
//! initials ("New York Times" → "nyt"), and people by last name ("Lang",
//! "Patrick Lang", "Colonel W. Patrick Lang" → the longest), in order of
//! first mention.

use serde::{Deserialize, Serialize};
use unspin_document::{attrs, layers, Document};

/// One cited source, with all its mentions merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JsonSource {
    /// The canonical (longest) name.
    pub name: String,
    /// `person`, `news_outlet`, `blog`, `think_tank`, `government`,
    /// `organisation`, `document`, `anonymous` or `unknown`.
    pub kind: String,
    /// How many times it is mentioned.
    pub mentions: usize,
    /// `quoted`, `cited`, `linked`: each once, in that order.
    pub roles: Vec<String>,
    /// The URLs it is linked with.
    pub urls: Vec<String>,
}

/// A source kind, as the label of a `source` span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Person,
    NewsOutlet,
    Blog,
    ThinkTank,
    Government,
    Organisation,
    Document,
    Anonymous,
    Unknown,
}

impl Kind {
    const ALL: [Kind; 9] = [
        Kind::Person,
        Kind::NewsOutlet,
        Kind::Blog,
        Kind::ThinkTank,
        Kind::Government,
        Kind::Organisation,
        Kind::Document,
        Kind::Anonymous,
        Kind::Unknown,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::NewsOutlet => "news_outlet",
            Kind::Blog => "blog",
            Kind::ThinkTank => "think_tank",
            Kind::Government => "government",
            Kind::Organisation => "organisation",
            Kind::Document => "document",
            Kind::Anonymous => "anonymous",
            Kind::Unknown => "unknown",
        }
    }

    /// The kind a label names; an unknown label is [`Kind::Unknown`].
    fn of_label(label: &str) -> Kind {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == label)
            .unwrap_or(Kind::Unknown)
    }

    /// Which kind wins when two mentions of one source disagree.
    fn rank(self) -> u8 {
        match self {
            Kind::Unknown => 0,
            Kind::Anonymous => 1,
            Kind::NewsOutlet => 2,
            _ => 3,
        }
    }
}

/// How a source figures in an article, in the order roles are listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Quoted,
    Cited,
    Linked,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Quoted => "quoted",
            Role::Cited => "cited",
            Role::Linked => "linked",
        }
    }
}

/// One `source` span, read.
#[derive(Clone, Debug, PartialEq)]
struct Mention {
    start: usize,
    end: usize,
    name: String,
    kind: Kind,
    role: Role,
    url: Option<String>,
}

/// A source with its mentions merged so far.
struct Cited {
    name: String,
    kind: Kind,
    mentions: usize,
    roles: Vec<Role>,
    urls: Vec<String>,
}

/// The mentions of `doc`'s `source` layer.
fn mentions_from_layer(doc: &Document) -> Vec<Mention> {
    doc.layer(layers::SOURCE)
        .iter()
        .map(|span| Mention {
            start: span.start(),
            end: span.end(),
            name: span
                .get(attrs::NAME)
                .unwrap_or_else(|| doc.span_text(span).to_string()),
            kind: Kind::of_label(&span.label),
            role: match span.get_str(attrs::ROLE) {
                Some("quoted") => Role::Quoted,
                Some("linked") => Role::Linked,
                _ => Role::Cited,
            },
            url: span.get(attrs::URL),
        })
        .collect()
}

/// Lower-cased, trimmed, without a leading "the" or a trailing possessive.
fn normalise_name(name: &str) -> String {
    let mut s = name.trim().replace('\u{2019}', "'").to_lowercase();
    if let Some(rest) = s.strip_prefix("the ") {
        s = rest.to_string();
    }
    if let Some(rest) = s.strip_suffix("'s") {
        s = rest.to_string();
    }
    s.trim().to_string()
}

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
fn org_keys(name: &str, kind: Kind) -> Vec<String> {
    if matches!(kind, Kind::Person | Kind::Anonymous | Kind::Document) {
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

/// De-duplicates mentions into one source each, in order of first mention.
fn aggregate(mentions: &[Mention]) -> Vec<Cited> {
    let mut order: Vec<&Mention> = mentions.iter().collect();
    order.sort_by_key(|m| (m.start, m.end));
    let mut out: Vec<Cited> = Vec::new();
    let mut keys: Vec<Vec<String>> = Vec::new();
    // Each group's URLs as a set too: a source linked thousands of times
    // must not cost a scan of its URLs per link.
    let mut url_sets: Vec<std::collections::HashSet<String>> = Vec::new();
    for m in order {
        let key = normalise_name(&m.name);
        if key.is_empty() {
            continue;
        }
        let alias = org_keys(&m.name, m.kind);
        let person_like =
            m.kind == Kind::Person || (m.kind == Kind::Unknown && !m.name.contains(' '));
        let last = last_name(&m.name);
        let found = out.iter().enumerate().position(|(g, s)| {
            keys[g].contains(&key)
                || alias.iter().any(|k| keys[g].contains(k))
                || (person_like
                    && s.kind == Kind::Person
                    && !last.is_empty()
                    && last_name(&s.name) == last)
                || (m.kind == Kind::Person
                    && s.kind == Kind::Unknown
                    && !s.name.contains(' ')
                    && last_name(&s.name) == last)
        });
        match found {
            Some(g) => {
                let s = &mut out[g];
                s.mentions += 1;
                if m.name.chars().count() > s.name.chars().count()
                    && (m.kind == s.kind || m.kind == Kind::Person)
                {
                    s.name = m.name.clone();
                }
                if m.kind.rank() > s.kind.rank()
                    || (m.kind == Kind::Blog && s.kind == Kind::NewsOutlet)
                {
                    s.kind = m.kind;
                }
                if !s.roles.contains(&m.role) {
                    s.roles.push(m.role);
                    s.roles.sort();
                }
                if let Some(u) = &m.url {
                    if url_sets[g].insert(u.clone()) {
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
                out.push(Cited {
                    name: m.name.clone(),
                    kind: m.kind,
                    mentions: 1,
                    roles: vec![m.role],
                    urls: m.url.iter().cloned().collect(),
                });
                let mut ks = vec![key];
                ks.extend(alias);
                keys.push(ks);
                url_sets.push(m.url.iter().cloned().collect());
            }
        }
    }
    out
}

/// The sources `doc` cites, from its `source` layer, each once with its
/// mentions merged, in order of first mention (see the module documentation
/// for the merging rules).
///
/// ```
/// use unspin_document::{attrs, layers, Document, Span};
///
/// let text = "Lang said so. Colonel W. Patrick Lang agreed.";
/// let mut doc = Document::new("d", text);
/// for (start, end) in [(0, 4), (14, 37)] {
///     let span = Span::new(start, end, "person").unwrap()
///         .with(attrs::ROLE, "quoted".to_string());
///     doc.add_span(layers::SOURCE, span).unwrap();
/// }
/// let sources = unspin_writers::cited_sources(&doc);
/// assert_eq!(sources.len(), 1);
/// assert_eq!(sources[0].name, "Colonel W. Patrick Lang");
/// assert_eq!(sources[0].mentions, 2);
/// ```
pub fn cited_sources(doc: &Document) -> Vec<JsonSource> {
    aggregate(&mentions_from_layer(doc))
        .into_iter()
        .map(|c| JsonSource {
            name: c.name,
            kind: c.kind.name().to_string(),
            mentions: c.mentions,
            roles: c.roles.iter().map(|r| r.name().to_string()).collect(),
            urls: c.urls,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use unspin_document::Span;

    use super::*;

    /// A document whose text is the names, each a `source` span.
    fn document(mentions: &[(&str, &str, &str, Option<&str>)]) -> Document {
        let text = mentions.iter().map(|m| m.0).collect::<Vec<_>>().join(". ");
        let mut doc = Document::new("t", text);
        let mut start = 0;
        for (name, kind, role, url) in mentions {
            let mut span = Span::new(start, start + name.len(), *kind)
                .unwrap()
                .with(attrs::NAME, name.to_string())
                .with(attrs::ROLE, role.to_string());
            if let Some(url) = url {
                span = span.with(attrs::URL, url.to_string());
            }
            doc.add_span(layers::SOURCE, span).unwrap();
            start += name.len() + 2;
        }
        doc
    }

    #[test]
    fn merges_people_by_last_name_and_outlets_by_name() {
        let doc = document(&[
            ("Lang", "person", "quoted", None),
            ("Colonel W. Patrick Lang", "person", "quoted", None),
            ("Patrick Lang", "person", "cited", None),
            ("Bashar al Assad", "person", "quoted", None),
            ("Assad", "person", "quoted", None),
            ("the New York Times", "news_outlet", "cited", None),
            (
                "New York Times",
                "news_outlet",
                "linked",
                Some("https://www.nytimes.com/x"),
            ),
            ("The Times", "news_outlet", "cited", None),
        ]);
        let a = cited_sources(&doc);
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
        assert_eq!(a[0].kind, "person");
        assert_eq!(a[0].roles, ["quoted", "cited"]);
        assert_eq!(a[2].roles, ["cited", "linked"]);
        assert_eq!(a[2].urls, ["https://www.nytimes.com/x"]);
    }

    #[test]
    fn organisations_merge_by_initials_and_suffix() {
        let doc = document(&[
            ("Brookings Institute", "think_tank", "cited", None),
            ("Brookings", "think_tank", "cited", None),
            ("New York Times", "news_outlet", "cited", None),
            ("NYT", "news_outlet", "cited", None),
        ]);
        let got: Vec<(String, usize)> = cited_sources(&doc)
            .into_iter()
            .map(|s| (s.name, s.mentions))
            .collect();
        assert_eq!(
            got,
            [
                ("Brookings Institute".to_string(), 2),
                ("New York Times".to_string(), 2)
            ]
        );
    }

    #[test]
    fn reads_spans_without_attrs_and_unknown_labels() {
        let text = "Lang said so, and someone agreed.";
        let mut doc = Document::new("t", text);
        // No attrs: the text is the name, the role is `cited`.
        doc.add_span(layers::SOURCE, Span::new(0, 4, "person").unwrap())
            .unwrap();
        // An unknown label is an unknown kind.
        let s = text.find("someone").unwrap();
        doc.add_span(layers::SOURCE, Span::new(s, s + 7, "martian").unwrap())
            .unwrap();
        let mentions = mentions_from_layer(&doc);
        assert_eq!(mentions[0].name, "Lang");
        assert_eq!(mentions[0].role, Role::Cited);
        assert_eq!(mentions[1].kind, Kind::Unknown);
        let sources = cited_sources(&doc);
        assert_eq!(sources[1].kind, "unknown");
        assert_eq!(sources[0].roles, ["cited"]);
        assert!(cited_sources(&Document::new("e", "")).is_empty());
    }

    #[test]
    fn every_kind_reads_back_from_its_label() {
        for k in Kind::ALL {
            assert_eq!(Kind::of_label(k.name()), k);
        }
    }
}
