//! Unit tests of the module.

use super::*;
use crate::claims::lexicon::Toks;
use crate::claims::quantities::scan;
use crate::hedges::find_markers;
use crate::hedges::CertaintyMarker;
use crate::{Attribution, Document, Entity};
use proptest::prelude::*;
use unspin_document::{layers as doc_layers, Span};

fn q(text: &str) -> Vec<(String, f64, Option<String>)> {
    quantities(text)
        .into_iter()
        .map(|q| {
            assert_eq!(&text[q.range.clone()], q.text);
            (q.text, q.value, q.unit)
        })
        .collect()
}

fn one(text: &str) -> (String, f64, Option<String>) {
    let v = q(text);
    assert_eq!(v.len(), 1, "{text}: {v:?}");
    v.into_iter().next().unwrap()
}

#[test]
fn plain_and_grouped_numbers() {
    assert_eq!(one("killing 62 Syrian regulars"), ("62".into(), 62.0, None));
    assert_eq!(
        one("a force with 3,000 men has"),
        ("3,000 men".into(), 3000.0, Some("men".into()))
    );
    assert_eq!(
        one("at al-Safir about 12 km. SE of"),
        ("about 12 km".into(), 12.0, Some("km".into()))
    );
    assert_eq!(one("12-km"), ("12-km".into(), 12.0, Some("km".into())));
}

#[test]
fn multipliers_and_qualifiers() {
    let (text, v, unit) = one("displaced over 7 million civilians.");
    assert!(text.starts_with("over 7 million"));
    assert_eq!(v, 7e6);
    assert_eq!(unit.as_deref(), Some("civilians"));
    assert_eq!(one("1.5 billion").1, 1.5e9);
    assert_eq!(
        one("it costs $2.3 billion."),
        ("$2.3 billion".into(), 2.3e9, Some("USD".into()))
    );
    assert_eq!(one("$2.3bn").1, 2.3e9);
    assert_eq!(one("more than 40 people").0, "more than 40 people");
    assert_eq!(one("a hundred").1, 100.0);
    assert_eq!(one("two dozen").1, 24.0);
}

#[test]
fn percentages_and_currencies() {
    for t in ["50%", "50 percent", "50 per cent"] {
        let (_, v, unit) = one(t);
        assert_eq!((v, unit.as_deref()), (50.0, Some("%")), "{t}");
    }
    assert_eq!(one("\u{a3}5 million").2.as_deref(), Some("GBP"));
    assert_eq!(one("5 million dollars").2.as_deref(), Some("USD"));
}

#[test]
fn number_words() {
    assert_eq!(
        one("in the five year-long war"),
        ("five year".into(), 5.0, Some("year".into()))
    );
    assert_eq!(one("twenty-five soldiers").1, 25.0);
    assert_eq!(one("Twenty five soldiers").1, 25.0);
    assert!((one("two-thirds of them").1 - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(one("one million").1, 1e6);
    // "one" and "a" alone, vague amounts: no quantity.
    assert!(q("for one thing, a man; hundreds of them; several hundred").is_empty());
}

#[test]
fn dates_are_not_quantities() {
    assert!(q("Global Research, September 28, 2016").is_empty());
    assert!(q("CounterPunch 27 September 2016").is_empty());
    assert!(q("the 2012 Defense Intelligence Agency report").is_empty());
    assert!(q("It happened in 2016 and again in 2017.").is_empty());
    assert_eq!(one("He sent 2000 troops").1, 2000.0);
    assert!(scan(&Toks::new("posted on September 24:")).1 > 0);
    assert!(scan(&Toks::new("It rained last week.")).1 > 0);
    assert_eq!(scan(&Toks::new("It rained a lot.")).1, 0);
}

#[test]
fn names_ratios_and_ordinals_are_skipped() {
    assert!(q("R+6 and F-16 jets on 9/11 at 3:30, the 5th, the 1990s").is_empty());
}

proptest! {
    #[test]
    fn never_panics_and_ranges_are_char_boundaries(s in "\\PC{0,80}") {
        for q in quantities(&s) {
            prop_assert!(q.range.start <= q.range.end && q.range.end <= s.len());
            prop_assert!(s.is_char_boundary(q.range.start) && s.is_char_boundary(q.range.end));
            prop_assert_eq!(&s[q.range.clone()], q.text.as_str());
        }
    }

    #[test]
    fn numeric_noise_never_panics(s in "[0-9$%.,:/ a-z\\-]{0,40}") {
        for q in quantities(&s) {
            prop_assert!(s.is_char_boundary(q.range.start) && s.is_char_boundary(q.range.end));
        }
    }
}

fn claims_of(text: &str) -> (Document, Vec<CertaintyMarker>, Vec<Claim>) {
    let doc = Document::new("t", text);
    let markers = find_markers(&doc);
    let claims = find_claims(&doc, &markers, &[], &[]);
    (doc, markers, claims)
}

fn score(claims: &[Claim], text: &str, needle: &str) -> f32 {
    claims
        .iter()
        .find(|c| text[c.range.clone()].contains(needle))
        .unwrap_or_else(|| panic!("no claim with {needle}"))
        .score
}

#[test]
fn facts_outrank_opinions() {
    let text = "US warplanes targeted an SAA outpost killing 62 Syrian regulars. \
                This is an excellent plan. History forgotten. Why? \
                I think the deal is a terrible idea.";
    let (_, _, claims) = claims_of(text);
    assert_eq!(claims.len(), 5);
    assert!(score(&claims, text, "62") >= CHECK_WORTHY);
    for s in ["excellent", "History", "Why", "I think"] {
        assert!(score(&claims, text, s) < CHECK_WORTHY, "{s}");
    }
}

#[test]
fn certainty_markers_and_spans() {
    let text = "Reportedly, 3,000 men were moved. Of course, the Pentagon knew it.";
    let (_, markers, claims) = claims_of(text);
    assert_eq!(claims[0].certainty, ClaimCertainty::Hedged);
    assert_eq!(claims[1].certainty, ClaimCertainty::Boosted);
    assert_eq!(claims[0].markers, [0]);
    assert_eq!(claims[1].markers, [1]);
    let spans = claim_spans(&claims);
    assert_eq!(spans[1].attrs["id"], "c2");
    assert_eq!(spans[0].attrs["certainty"], "hedged");
    assert_eq!(spans[0].attrs["quantities"][0]["value"], 3000.0);
    assert_eq!(spans[0].attrs["quantities"][0]["unit"], "men");
    assert_eq!(spans[0].attrs["quoted"], false);
    assert_eq!(spans[0].provenance.as_deref(), Some("claims-rules"));
    let ms = marker_spans(&markers, &claims);
    assert_eq!(ms[0].label, "hedge");
    assert_eq!(ms[0].attrs["claim"], "c1");
    assert_eq!(ms[1].label, "booster");
    assert_eq!(ms[1].attrs["marker"], "of course");
    assert_eq!(ms[1].attrs["claim"], "c2");
    assert_eq!(ms[1].provenance.as_deref(), Some("hedges-lexicon"));
    // Marker outside every claim has no claim attr.
    let none = marker_spans(&markers, &[]);
    assert!(!none[0].attrs.contains_key("claim"));
}

#[test]
fn quoted_sentences_and_entities() {
    let text = "He said: Damascus shelled 40 villages. Rain fell.";
    let doc = Document::new("t", text);
    let start = text.find("Damascus").unwrap();
    let att = Attribution {
        content: start..text.find(" Rain").unwrap(),
        cue: Some(3..7),
        source: Some(0..2),
        kind: crate::QuoteKind::Indirect,
        speaker: None,
        speaker_kind: None,
        medium: None,
        score: 1.0,
        provenance: "test",
    };
    let ent = Entity {
        range: start..start + 8,
        kind: crate::EntityKind::Place,
        score: 1.0,
    };
    let claims = find_claims(&doc, &[], &[att], &[ent]);
    // The segmenter keeps "He said: Damascus ..." as one sentence.
    let c = &claims[0];
    assert!(c.quoted);
    assert!(c.score >= CHECK_WORTHY);
    assert!(!claims[1].quoted);
}

#[test]
fn skips_boilerplate_and_title() {
    let text = "Big Title Here\n\nThe army killed 40 men.\n\nCopyright 2016 by 4 people.";
    let mut doc = Document::new("t", text);
    doc.add_span(doc_layers::TITLE, Span::new(0, 14, "title").unwrap())
        .unwrap();
    let f = text.find("Copyright").unwrap();
    doc.add_span(
        doc_layers::BOILERPLATE,
        Span::new(f, text.len(), "footer").unwrap(),
    )
    .unwrap();
    let claims = find_claims(&doc, &[], &[], &[]);
    assert_eq!(claims.len(), 1);
    assert_eq!(&text[claims[0].range.clone()], "The army killed 40 men.");
}
