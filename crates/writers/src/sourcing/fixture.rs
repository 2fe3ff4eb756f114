//! A small document with every sourcing layer, for the writers' tests.

use unspin_document::{attrs, layers, Document, Span};

/// Curly quotes and an accented word before the spans, so that code
/// points and bytes differ.
pub(crate) const TEXT: &str = "Caf\u{e9} talks. \u{201c}The ceasefire is dead,\u{201d} \
    Colonel W. Patrick Lang said, according to the New York Times. Reportedly 62 soldiers \
    were killed, a senior official said.";

fn at(needle: &str, nth: usize, label: &str) -> Span {
    let start = TEXT
        .match_indices(needle)
        .nth(nth)
        .map(|(i, _)| i)
        .expect("needle in text");
    Span::new(start, start + needle.len(), label).unwrap()
}

/// [`TEXT`] with the layers the sourcing stage writes.
pub(crate) fn document() -> Document {
    let mut doc = Document::new("evidence", TEXT);
    let q1 = at("The ceasefire is dead,", 0, "direct")
        .with_score(0.9)
        .with_provenance("blockquote-rule")
        .with(attrs::ID, "q1".into())
        .with(attrs::SPEAKER, "Colonel W. Patrick Lang".into())
        .with(attrs::SPEAKER_KIND, "person".into())
        .with(attrs::CUE, "said".into())
        .with(attrs::MEDIUM, "New York Times".into());
    let q2 = at("62 soldiers were killed", 0, "indirect")
        .with_score(0.7)
        .with(attrs::ID, "q2".into())
        .with(attrs::SPEAKER, "a senior official".into())
        .with(attrs::SPEAKER_KIND, "anonymous".into())
        .with(attrs::CUE, "said".into());
    doc.set_layer(layers::QUOTE, vec![q1, q2]).unwrap();
    doc.set_layer(
        layers::SPEAKER,
        vec![
            at("Colonel W. Patrick Lang", 0, "person")
                .with(attrs::QUOTE_ID, "q1".into())
                .with(attrs::NAME, "Colonel W. Patrick Lang".into()),
            at("a senior official", 0, "anonymous")
                .with(attrs::QUOTE_ID, "q2".into())
                .with(attrs::NAME, "a senior official".into()),
        ],
    )
    .unwrap();
    doc.set_layer(
        layers::CUE,
        vec![
            at("said", 0, "cue").with(attrs::QUOTE_ID, "q1".into()),
            at("said", 1, "cue").with(attrs::QUOTE_ID, "q2".into()),
        ],
    )
    .unwrap();
    let source = |needle: &str, kind: &str, name: &str, role: &str| {
        at(needle, 0, kind)
            .with_provenance("source-rules")
            .with(attrs::NAME, name.into())
            .with(attrs::ROLE, role.into())
    };
    doc.set_layer(
        layers::SOURCE,
        vec![
            source(
                "Colonel W. Patrick Lang",
                "person",
                "Colonel W. Patrick Lang",
                "quoted",
            ),
            source(
                "the New York Times",
                "news_outlet",
                "New York Times",
                "cited",
            ),
            source("New York Times", "news_outlet", "New York Times", "linked").with(
                attrs::URL,
                "https://www.nytimes.com/2016/09/27/syria.html".into(),
            ),
            source(
                "a senior official",
                "anonymous",
                "a senior official",
                "quoted",
            ),
        ],
    )
    .unwrap();
    doc.set_layer(
        layers::HEDGE,
        vec![at("Reportedly", 0, "hedge")
            .with_provenance("hedges-lexicon")
            .with(attrs::MARKER, "reportedly".into())
            .with(attrs::CLAIM_ID, "c2".into())],
    )
    .unwrap();
    doc.set_layer(
        layers::CLAIM,
        vec![
            at(
                "\u{201c}The ceasefire is dead,\u{201d} Colonel W. Patrick Lang said, according to the New York Times.",
                0,
                "claim",
            )
            .with_score(0.4)
            .with(attrs::ID, "c1".into())
            .with(attrs::CERTAINTY, "plain".into())
            .with(attrs::QUANTITIES, serde_json::json!([]))
            .with(attrs::QUOTED, false),
            at(
                "Reportedly 62 soldiers were killed, a senior official said.",
                0,
                "claim",
            )
            .with_score(0.85)
            .with(attrs::ID, "c2".into())
            .with(attrs::CERTAINTY, "hedged".into())
            .with(
                attrs::QUANTITIES,
                serde_json::json!([{"text": "62 soldiers", "value": 62.0, "unit": "soldiers"}]),
            )
            .with(attrs::QUOTED, false),
        ],
    )
    .unwrap();
    doc
}
