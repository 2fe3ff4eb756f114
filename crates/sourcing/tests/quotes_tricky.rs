//! Hand-written tricky cases for quotation marks and speakers.

use proptest::prelude::*;
use unspin_document::{Document, Span};
use unspin_sourcing::entities::find_entities;
use unspin_sourcing::quotes::{quotation_spans, reconcile, rule_attributions};
use unspin_sourcing::{Attribution, QuoteKind, SourceKind};

fn attrs(doc: &Document) -> Vec<Attribution> {
    let e = find_entities(doc);
    let rules = rule_attributions(doc, &e);
    reconcile(doc, Vec::new(), rules, &e)
}

fn plain(text: &str) -> Vec<(String, Option<String>, QuoteKind)> {
    let doc = Document::new("t", text);
    attrs(&doc)
        .into_iter()
        .map(|a| (text[a.content].to_string(), a.speaker, a.kind))
        .collect()
}

#[test]
fn quotes_inside_quotes() {
    let t = "\u{201c}They told us \u{2018}go home\u{2019} and \"stay there,\" I think,\u{201d} said Maria Lopez.";
    let q = quotation_spans(t);
    let depths: Vec<(u8, &str)> = q.iter().map(|p| (p.depth, &t[p.inner.clone()])).collect();
    assert_eq!(depths[0].0, 1);
    assert!(depths.contains(&(2, "go home")), "{depths:?}");
    assert!(depths.contains(&(2, "stay there,")), "{depths:?}");
    let a = plain(t);
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].1.as_deref(), Some("Maria Lopez"));
    assert_eq!(a[0].2, QuoteKind::Direct);
}

#[test]
fn scare_quotes_are_not_speech() {
    let t = "The \u{201c}moderate\u{201d} rebels and so-called \"experts on the region\" left. \u{201c}We won,\u{201d} said John Smith.";
    let q = quotation_spans(t);
    assert!(q[0].scare && q[1].scare, "{q:?}");
    assert!(!q[2].scare);
    let a = plain(t);
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].0, "We won,");
}

#[test]
fn speaker_after_the_quote() {
    for (t, who) in [
        (
            "\u{201c}The deal is dead,\u{201d} Senator Jane Roe said on Tuesday.",
            "Senator Jane Roe",
        ),
        (
            "\u{201c}The deal is dead,\u{201d} said Jane Roe.",
            "Jane Roe",
        ),
        (
            "\"The deal is dead,\" a senior official told reporters.",
            "a senior official",
        ),
    ] {
        let a = plain(t);
        assert_eq!(a.len(), 1, "{t}: {a:?}");
        assert_eq!(a[0].0, "The deal is dead,", "{t}");
        assert_eq!(a[0].1.as_deref(), Some(who), "{t}");
    }
    let doc = Document::new("t", "\"No comment,\" sources said.");
    assert_eq!(attrs(&doc)[0].speaker_kind, Some(SourceKind::Anonymous));
}

#[test]
fn pronoun_speakers_resolve_to_the_last_named_person() {
    let t = "Colonel W. Patrick Lang has long watched the region. The Pentagon disagrees.\n\n\u{201c}This is an excellent plan,\u{201d} he said. \u{201c}We will see,\u{201d} she said.";
    let a = plain(t);
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(a[0].1.as_deref(), Some("Colonel W. Patrick Lang"));
    // No woman is named: the last named person is still the answer a
    // rule-based resolver gives.
    assert_eq!(a[1].1.as_deref(), Some("Colonel W. Patrick Lang"));
    let t = "The Washington Post ran the story. It said that the talks had failed badly.";
    let a = plain(t);
    assert_eq!(a[0].1.as_deref(), Some("The Washington Post"), "{a:?}");
}

#[test]
fn quotes_spanning_paragraphs() {
    let t = "John Smith said: \u{201c}The first paragraph goes on.\n\n\u{201c}The second one too.\n\n\u{201c}And it ends here.\u{201d}\n\nThe author moves on.";
    let q = quotation_spans(t);
    assert_eq!(q.len(), 1, "{q:?}");
    let inner = &t[q[0].inner.clone()];
    assert!(
        inner.starts_with("The first") && inner.ends_with("ends here."),
        "{inner}"
    );
    let a = plain(t);
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0].1.as_deref(), Some("John Smith"));
}

#[test]
fn unbalanced_marks_do_not_swallow_the_article() {
    let t = "He opened a quote \u{201c}and never closed it.\n\nA stray \" mark, and \u{201d} another.\n\n\u{201c}Later words,\u{201d} said Jane Roe. \"More,\" said John Smith.";
    let q = quotation_spans(t);
    let first = &q[0];
    assert_eq!(first.close, None);
    assert_eq!(&t[first.inner.clone()], "and never closed it.");
    let a = plain(t);
    let who: Vec<Option<&str>> = a.iter().map(|x| x.1.as_deref()).collect();
    assert_eq!(who, [Some("Jane Roe"), Some("John Smith")], "{a:?}");
}

#[test]
fn apostrophes_versus_single_quotes() {
    let t = "It\u{2019}s Obama\u{2019}s war, the Kurds\u{2019} land, rock\u{2019}n\u{2019}roll of the \u{2019}90s and '80s, O\u{2019}Hanlon's view. She called it \u{2018}a mess\u{2019} and 'a farce'.";
    let q = quotation_spans(t);
    let inner: Vec<&str> = q.iter().map(|p| &t[p.inner.clone()]).collect();
    assert_eq!(inner, ["a mess", "a farce"], "{q:?}");
}

#[test]
fn interrupted_quote_and_block_quote_with_citation() {
    let t = "Mary Jones spoke. \u{201c}We tried,\u{201d} she said, \u{201c}but it failed.\u{201d}\n\nHere is more from the Wall Street Journal:\n\nThe talks collapsed after the strike.\n\n(\u{201c}Talks Collapse\u{201d}, Wall Street Journal)";
    let mut doc = Document::new("t", t);
    let b = t.find("The talks collapsed").unwrap();
    let e = b + "The talks collapsed after the strike.".len();
    doc.add_span("blockquote", Span::new(b, e, "blockquote").unwrap())
        .unwrap();
    let a = attrs(&doc);
    assert_eq!(a.len(), 2, "{a:?}");
    assert!(t[a[0].content.clone()].ends_with("but it failed."));
    assert_eq!(a[0].speaker.as_deref(), Some("Mary Jones"));
    assert_eq!(a[1].kind, QuoteKind::Block);
    assert_eq!(a[1].speaker.as_deref(), Some("Wall Street Journal"));
    assert_eq!(a[1].speaker_kind, Some(SourceKind::NewsOutlet));
    assert_eq!(a[1].medium.as_deref(), Some("Wall Street Journal"));
}

#[test]
fn a_block_quotes_citation_title_is_not_a_quotation() {
    // The sample article's pattern: a block quote, then its citation line
    // with the cited piece's quoted title (here with a speech verb in it).
    let t = "As the Post put it:\n\nThe talks collapsed after the strike.\n\n(\"Flash! Post says the war may be \"winnable.\"\", Sic Semper Tyrannis)\n\nSo, Washington wants to control the east.";
    let mut doc = Document::new("t", t);
    let b = t.find("The talks collapsed").unwrap();
    let e = b + "The talks collapsed after the strike.".len();
    doc.add_span("blockquote", Span::new(b, e, "blockquote").unwrap())
        .unwrap();
    let ents = find_entities(&doc);
    let rules = rule_attributions(&doc, &ents);
    let title = t.find("Flash!").unwrap();
    let winnable = t.find("the war may").unwrap();
    let control = t.find("to control").unwrap();
    let wants = t.find("wants").unwrap();
    let tagged = vec![
        // The tagger's reading of the title: cue "says", content after it.
        Attribution {
            cue: Some(winnable - 5..winnable - 1),
            ..Attribution::new(winnable..winnable + 28, 0.9, "attribution-tagger")
        },
        // The title again, as a content of its own.
        Attribution::new(title - 1..winnable + 28, 0.9, "attribution-tagger"),
        // A real attribution in the next paragraph.
        Attribution {
            cue: Some(wants..wants + 5),
            source: Some(wants - 11..wants - 1),
            ..Attribution::new(control..t.len() - 1, 0.9, "attribution-tagger")
        },
    ];
    let merged = reconcile(&doc, tagged, rules, &ents);
    let got: Vec<(&str, QuoteKind)> = merged
        .iter()
        .map(|a| (&t[a.content.clone()], a.kind))
        .collect();
    assert_eq!(
        got,
        [
            ("The talks collapsed after the strike.", QuoteKind::Block),
            ("to control the east", QuoteKind::Indirect),
        ],
        "{merged:?}"
    );
    // The citation still names the block quote's source.
    assert_eq!(merged[0].speaker.as_deref(), Some("Sic Semper Tyrannis"));
}

fn check(text: &str) {
    let ok = |r: &std::ops::Range<usize>| {
        r.start <= r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    for q in quotation_spans(text) {
        assert!(ok(&q.inner), "{q:?}");
        assert!(text.is_char_boundary(q.open) && q.open < text.len());
        if let Some(c) = q.close {
            assert!(text.is_char_boundary(c) && c < text.len() && c >= q.inner.end);
        }
        assert!(q.depth >= 1);
    }
    let doc = Document::new("p", text);
    for a in attrs(&doc) {
        assert!(ok(&a.content));
        assert!(a.source.as_ref().is_none_or(ok));
        assert!(a.cue.as_ref().is_none_or(ok));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn never_panics_and_stays_in_bounds(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("\"".to_string()), Just("\u{201c}".to_string()), Just("\u{201d}".to_string()),
                Just("\u{2018}".to_string()), Just("\u{2019}".to_string()), Just("'".to_string()),
                Just(" said ".to_string()), Just(" he ".to_string()), Just("John Smith".to_string()),
                Just(", ".to_string()), Just(". ".to_string()), Just("\n\n".to_string()),
                Just("according to Reuters".to_string()), Just("\u{e9}\u{4e16}".to_string()),
                Just(" that ".to_string()), Just(":".to_string()),
                "[a-zA-Z ]{0,8}",
            ],
            0..40,
        )
    ) {
        check(&parts.concat());
    }
}
