//! Sourcing on the sample article (`examples/syria-ceasefire-opinion.md`,
//! read with the Markdown reader): every block quote is attributed to the
//! right speaker, and the cited outlets are listed by `unspin_writers::cited_sources`.

use unspin_document::{layers, Document};
use unspin_readers::{read_markdown_path, ReadOptions};
use unspin_sourcing::entities::find_entities;
use unspin_sourcing::quotes::{attribution_spans, reconcile, rule_attributions};
use unspin_sourcing::sources::{find_sources, source_spans};
use unspin_sourcing::{Attribution, QuoteKind, SourceKind};
use unspin_testkit::workspace_root;
use unspin_writers::cited_sources;

fn sample() -> Document {
    let path = workspace_root().join("examples/syria-ceasefire-opinion.md");
    read_markdown_path(&path, &ReadOptions::default()).expect("the sample article reads")
}

fn attributions(doc: &Document) -> Vec<Attribution> {
    let entities = find_entities(doc);
    let rules = rule_attributions(doc, &entities);
    reconcile(doc, Vec::new(), rules, &entities)
}

#[test]
fn every_block_quote_has_its_speaker() {
    let doc = sample();
    let text = doc.text();
    let attrs = attributions(&doc);
    let blocks = doc.layer(layers::BLOCKQUOTE);
    assert_eq!(blocks.len(), 8);
    // (speaker, speaker kind, medium) per block quote, in order:
    // a commenter on Sic Semper Tyrannis (the epigraph), Colonel Lang (his
    // blog), Assad, the New York Times, the Saker's blog (named only in the
    // citation), the columnist Christina Lin (Times of Israel), former
    // ambassador John Bolton (New York Times) and the Brookings analyst
    // Michael O'Hanlon.
    let expected: [(&str, SourceKind, Option<&str>); 8] = [
        (
            "Vietnam Vet",
            SourceKind::Anonymous,
            Some("Sic Semper Tyrannis"),
        ),
        (
            "Colonel W. Patrick Lang",
            SourceKind::Person,
            Some("Sic Semper Tyrannis"),
        ),
        ("President Bashar al Assad", SourceKind::Person, None),
        ("NYT", SourceKind::NewsOutlet, Some("NYT")),
        (
            "The Vineyard of the Saker",
            SourceKind::Blog,
            Some("The Vineyard of the Saker"),
        ),
        ("Christina Lin", SourceKind::Person, Some("Times of Israel")),
        ("John Bolton", SourceKind::Person, Some("New York Times")),
        (
            "Michael O\u{2019} Hanlon",
            SourceKind::Person,
            Some("Brookings Institute"),
        ),
    ];
    for (block, (speaker, kind, medium)) in blocks.iter().zip(expected) {
        let a = attrs
            .iter()
            .find(|a| {
                a.kind == QuoteKind::Block
                    && a.content.start >= block.start()
                    && a.content.end <= block.end()
            })
            .unwrap_or_else(|| panic!("no attribution for block {:?}", doc.span_text(block)));
        assert_eq!(a.speaker.as_deref(), Some(speaker), "{a:?}");
        assert_eq!(a.speaker_kind, Some(kind), "{speaker}");
        assert_eq!(a.medium.as_deref(), medium, "{speaker}");
        assert_eq!(a.provenance, "quote-rules");
        // The speaker as written lies in the text.
        let src = a.source.clone().expect("a source range");
        assert!(text[src].contains(speaker.split_whitespace().last().unwrap_or("")));
    }
    // The cue phrases of the lead-ins.
    let cues: Vec<&str> = attrs
        .iter()
        .filter(|a| a.kind == QuoteKind::Block)
        .map(|a| a.cue.clone().map_or("", |c| &text[c]))
        .collect();
    assert_eq!(
        cues,
        [
            "\u{2014}",
            "Here's an excellent summary",
            "said",
            "Here's more from",
            "Here's a little background",
            "Here's more from",
            "said",
            "Here\u{2019}s a clip from"
        ]
    );
}

#[test]
fn running_text_attributions() {
    let doc = sample();
    let text = doc.text();
    let attrs = attributions(&doc);
    // "He's merely saying that– …": the pronoun is Assad.
    let he = attrs
        .iter()
        .find(|a| a.source.clone().is_some_and(|s| &text[s] == "He"))
        .expect("the pronoun speaker");
    assert_eq!(he.speaker.as_deref(), Some("Assad"));
    assert_eq!(he.kind, QuoteKind::Indirect);
    // "according to the New York Times deal would be "an extraordinary …"".
    let nyt = attrs
        .iter()
        .find(|a| a.speaker.as_deref() == Some("New York Times") && a.kind != QuoteKind::Block)
        .expect("according to the New York Times");
    assert_eq!(nyt.kind, QuoteKind::Mixed);
    assert!(text[nyt.content.clone()].contains("an extraordinary collaboration"));
    // Scare quotes are never attributed.
    for a in &attrs {
        let c = &text[a.content.clone()];
        assert!(
            c != "moderate" && c != "moderates" && c != "coordination",
            "{c}"
        );
    }
    let (quotes, speakers, cues) = attribution_spans(&doc, &attrs);
    assert_eq!(quotes.len(), attrs.len());
    assert_eq!(quotes[0].attrs["id"], "q1");
    assert!(speakers.iter().all(|s| s.attrs.contains_key("quote")));
    assert!(cues.iter().all(|c| c.label == "cue"));
}

#[test]
fn cited_sources_are_aggregated() {
    let doc = sample();
    let entities = find_entities(&doc);
    let attrs = attributions(&doc);
    let mentions = find_sources(&doc, &attrs, &entities);
    // De-duplicated from the `source` layer, as the writers do.
    let mut with_layer = doc.clone();
    with_layer
        .set_layer(layers::SOURCE, source_spans(&mentions))
        .expect("source spans");
    let sources = cited_sources(&with_layer);
    let find = |name: &str| sources.iter().find(|s| s.name == name);
    for (name, kind) in [
        ("Colonel W. Patrick Lang", SourceKind::Person),
        ("President Bashar al Assad", SourceKind::Person),
        ("John Bolton", SourceKind::Person),
        ("Christina Lin", SourceKind::Person),
        ("Michael E. O\u{2019}Hanlon", SourceKind::Person),
        ("New York Times", SourceKind::NewsOutlet),
        ("Times of Israel", SourceKind::NewsOutlet),
        ("Armed Forces Journal", SourceKind::NewsOutlet),
        ("Sic Semper Tyrannis", SourceKind::Blog),
        ("The Vineyard of the Saker", SourceKind::Blog),
        ("Brookings Institute", SourceKind::ThinkTank),
        ("Vietnam Vet", SourceKind::Anonymous),
    ] {
        let s = find(name).unwrap_or_else(|| panic!("{name} missing from {sources:#?}"));
        assert_eq!(s.kind, kind.name(), "{name}");
    }
    // "NYT" and the New York Times are one source; Assad's pronoun mention
    // joins his name; O'Hanlon's two spellings are one person.
    assert!(find("NYT").is_none());
    let nyt = find("New York Times").unwrap();
    assert!(nyt.mentions >= 4);
    assert_eq!(nyt.roles, ["quoted", "cited", "linked"]);
    assert_eq!(find("President Bashar al Assad").unwrap().mentions, 2);
    assert!(find("Michael O\u{2019} Hanlon").is_none());
    assert!(find("Brookings").is_none());
    // The publishing site and the original publisher appear only in the
    // header and footer (boilerplate): publication metadata, not sources.
    assert!(find("Global Research").is_none());
    assert!(find("CounterPunch").is_none());
    assert_eq!(
        doc.metadata.original_source.as_deref(),
        Some("CounterPunch")
    );
    let spans = source_spans(&mentions);
    assert_eq!(spans.len(), mentions.len());
    let boiler: Vec<_> = doc.layer(layers::BOILERPLATE).to_vec();
    for s in &spans {
        assert!(boiler.iter().all(|b| b.overlap(s) == 0));
    }
}
