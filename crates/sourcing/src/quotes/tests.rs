//! Unit tests of the module.

use crate::{Attribution, QuoteKind, SourceKind};
use unspin_document::Document;

use super::*;
use crate::entities::find_entities;

fn inner<'a>(text: &'a str, q: &QuotePair) -> &'a str {
    &text[q.inner.clone()]
}

#[test]
fn pairs_curly_and_straight() {
    let t = "He said \u{201c}we will win\u{201d} and \"they will lose\" today.";
    let q = quotation_spans(t);
    assert_eq!(q.len(), 2);
    assert_eq!(inner(t, &q[0]), "we will win");
    assert_eq!(inner(t, &q[1]), "they will lose");
    assert!(q.iter().all(|p| p.close.is_some() && p.depth == 1));
}

#[test]
fn apostrophes_are_not_quotes() {
    let t =
        "It\u{2019}s Obama\u{2019}s war since the \u{2019}90s, the Kurds\u{2019} land, don't 'em.";
    assert!(quotation_spans(t).is_empty(), "{:?}", quotation_spans(t));
}

#[test]
fn nested_single_quotes() {
    let t = "\u{201c}He called it \u{2018}a disaster\u{2019} and left,\u{201d} she said.";
    let q = quotation_spans(t);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].depth, 1);
    assert_eq!(q[1].depth, 2);
    assert_eq!(inner(t, &q[1]), "a disaster");
}

#[test]
fn scare_quotes() {
    let t =
        "The CIA-trained \u{201c}moderate\u{201d} rebels fled. \u{201c}We lost,\u{201d} he said.";
    let q = quotation_spans(t);
    assert!(q[0].scare);
    assert!(!q[1].scare);
}

#[test]
fn unclosed_quote_stops_at_paragraph() {
    let t = "He said \u{201c}this never ends.\n\nLater, \u{201c}it did,\u{201d} she said.";
    let q = quotation_spans(t);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].close, None);
    assert_eq!(inner(t, &q[0]), "this never ends.");
    assert_eq!(inner(t, &q[1]), "it did,");
}

#[test]
fn multi_paragraph_quote() {
    let t = "She said: \u{201c}First part.\n\n\u{201c}Second part.\u{201d} Done.";
    let q = quotation_spans(t);
    assert_eq!(q.len(), 1, "{q:?}");
    assert!(inner(t, &q[0]).starts_with("First part."));
    assert!(inner(t, &q[0]).ends_with("Second part."));
}

fn attrs(text: &str) -> Vec<(String, Option<String>, QuoteKind)> {
    let doc = Document::new("t", text);
    let e = find_entities(&doc);
    rule_attributions(&doc, &e)
        .into_iter()
        .map(|a| (text[a.content].to_string(), a.speaker, a.kind))
        .collect()
}

#[test]
fn direct_speaker_after_and_before() {
    let a = attrs("\u{201c}We will not retreat,\u{201d} said John Smith. Mary Jones told reporters: \u{201c}It is over.\u{201d}");
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(a[0].0, "We will not retreat,");
    assert_eq!(a[0].1.as_deref(), Some("John Smith"));
    assert_eq!(a[0].2, QuoteKind::Direct);
    assert_eq!(a[1].1.as_deref(), Some("Mary Jones"));
}

#[test]
fn interrupted_quote_is_one_attribution() {
    let a = attrs(
        "Senator Jane Roe spoke. \u{201c}We tried,\u{201d} she said, \u{201c}but failed.\u{201d}",
    );
    assert_eq!(a.len(), 1, "{a:?}");
    assert!(
        a[0].0.starts_with("We tried") && a[0].0.ends_with("but failed."),
        "{a:?}"
    );
    assert_eq!(a[0].1.as_deref(), Some("Senator Jane Roe"));
    assert_eq!(a[0].2, QuoteKind::Direct);
}

#[test]
fn indirect_patterns() {
    let a = attrs("According to Reuters, the talks collapsed on Monday. A senior official said that the plan was dead.");
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(a[0].0, "the talks collapsed on Monday");
    assert_eq!(a[0].1.as_deref(), Some("Reuters"));
    assert_eq!(a[0].2, QuoteKind::Indirect);
    assert_eq!(a[1].0, "the plan was dead");
    assert_eq!(a[1].1.as_deref(), Some("A senior official"));
}

#[test]
fn reconcile_merges_and_drops() {
    let text = "Officials met. \u{201c}We won,\u{201d} said John Smith. The \u{201c}moderate\u{201d} rebels fled. Critics said the deal was weak.";
    let doc = Document::new("t", text);
    let e = find_entities(&doc);
    let rules = rule_attributions(&doc, &e);
    let won = text.find("We won").unwrap();
    let moderate = text.find("moderate").unwrap();
    let weak = text.find("the deal").unwrap();
    let tagged = vec![
        Attribution::new(won..won + 6, 0.6, "attribution-tagger"),
        Attribution::new(moderate..moderate + 8, 0.6, "attribution-tagger"),
        Attribution {
            cue: Some(weak - 5..weak - 1),
            source: Some(weak - 13..weak - 6),
            ..Attribution::new(weak..text.len() - 1, 0.6, "attribution-tagger")
        },
    ];
    let merged = reconcile(&doc, tagged, rules, &e);
    let got: Vec<(&str, QuoteKind, Option<&str>, Option<SourceKind>)> = merged
        .iter()
        .map(|a| {
            (
                &text[a.content.clone()],
                a.kind,
                a.speaker.as_deref(),
                a.speaker_kind,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "We won", // the tagger's span, the rule's speaker,
                QuoteKind::Direct,
                Some("John Smith"),
                Some(SourceKind::Person)
            ),
            (
                "the deal was weak",
                QuoteKind::Indirect,
                Some("Critics"),
                Some(SourceKind::Anonymous)
            ),
        ]
    );
    let (q, s, c) = attribution_spans(&doc, &merged);
    assert_eq!(q.len(), 2);
    assert_eq!(q[0].attrs["id"], "q1");
    assert_eq!(q[0].label, "direct");
    assert_eq!(s[0].attrs["quote"], "q1");
    assert_eq!(s[0].label, "person");
    assert_eq!(c[0].label, "cue");
    assert_eq!(doc.span_text(&c[0]), "said");
}
