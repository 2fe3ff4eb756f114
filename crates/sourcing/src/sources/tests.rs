//! Unit tests of the module.

use super::*;
use crate::entities::find_entities;
use crate::quotes::{reconcile, rule_attributions};
use crate::sources::hosts::host_source;
use crate::sources::hosts::url_host;
use crate::SourceKind;
use unspin_document::{Document, Span};

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
fn every_known_host_line_parses() {
    let data = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/sources/known_hosts.tsv"
    ));
    let lines = crate::text::lexicon::entries(data).len();
    assert_eq!(crate::sources::hosts::KNOWN_HOSTS.len(), lines);
    assert!(lines > 20);
}
