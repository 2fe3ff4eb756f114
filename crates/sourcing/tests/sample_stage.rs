//! The whole sourcing stage (trained tagger + rules) on the sample article,
//! read as `unspin analyze` reads it: the layers a user sees.

use unspin_document::layers;
use unspin_document::{layers as doc_layers, Document};
use unspin_pipeline::Stage;
use unspin_readers::{read_markdown_path, ReadOptions};
use unspin_segment::SentenceStage;
use unspin_sourcing::SourcingStage;
use unspin_testkit::workspace_root;
use unspin_writers::summarize_sourcing as summarize;

fn analysed() -> Document {
    let path = workspace_root().join("examples/syria-ceasefire-opinion.md");
    let mut doc = read_markdown_path(&path, &ReadOptions::default()).expect("the sample reads");
    SentenceStage.process(&mut doc).expect("sentences");
    SourcingStage::shipped()
        .process(&mut doc)
        .expect("the sourcing stage runs");
    doc
}

fn attr<'a>(span: &'a unspin_document::Span, key: &str) -> Option<&'a str> {
    span.attrs.get(key).and_then(|v| v.as_str())
}

#[test]
fn every_block_quote_is_a_quote_with_its_speaker() {
    let doc = analysed();
    let quotes = doc.layer(layers::QUOTE);
    let speakers = [
        "Vietnam Vet",
        "Colonel W. Patrick Lang",
        "President Bashar al Assad",
        "NYT",
        "The Vineyard of the Saker",
        "Christina Lin",
        "John Bolton",
        "Michael O\u{2019} Hanlon",
    ];
    let blocks = doc.layer(doc_layers::BLOCKQUOTE);
    assert_eq!(blocks.len(), speakers.len());
    for (block, speaker) in blocks.iter().zip(speakers) {
        let q = quotes
            .iter()
            .find(|q| q.label == "block" && q.start() >= block.start() && q.end() <= block.end())
            .unwrap_or_else(|| panic!("no quote in block {:?}", doc.span_text(block)));
        assert_eq!(attr(q, "speaker"), Some(speaker), "{q:?}");
        // Its speaker span is in the speaker layer, linked by the quote id.
        let id = attr(q, "id").expect("quote id");
        assert!(
            doc.layer(layers::SPEAKER)
                .iter()
                .any(|s| attr(s, "quote") == Some(id)),
            "speaker span for {id}"
        );
    }
}

#[test]
fn cited_outlets_and_people_are_listed_as_sources() {
    let doc = analysed();
    let names: Vec<&str> = doc
        .layer(layers::SOURCE)
        .iter()
        .filter_map(|s| attr(s, "name"))
        .collect();
    for expected in [
        "New York Times",
        "Times of Israel",
        "Brookings Institute",
        "Sic Semper Tyrannis",
        "John Bolton",
    ] {
        assert!(
            names.iter().any(|n| n.contains(expected)),
            "{expected} not among {names:?}"
        );
    }
    // No source is taken from the site's header or footer.
    let boilerplate = doc.layer(doc_layers::BOILERPLATE);
    for s in doc.layer(layers::SOURCE) {
        assert!(
            !boilerplate
                .iter()
                .any(|b| b.start() <= s.start() && s.end() <= b.end()),
            "source in boilerplate: {:?}",
            doc.span_text(s)
        );
    }
}

#[test]
fn summary_counts_sources_quotes_and_hedged_claims() {
    let doc = analysed();
    let summary = summarize(&doc);
    assert!(summary.quotes >= 8, "{summary:?}");
    assert!(summary.named_sources >= 8, "{summary:?}");
    assert!(summary.anonymous_sources >= 1, "{summary:?}");
    // Block quotes make up a large share of this article.
    assert!(
        summary.quotation_share > 0.25 && summary.quotation_share < 0.9,
        "{summary:?}"
    );
    assert!(summary.check_worthy_claims >= 5, "{summary:?}");
    assert!(summary.hedged_claims >= 1, "{summary:?}");
    // The sentence with "unconfirmed report" is a hedged claim with its numbers.
    let text = doc.text();
    let claim = doc
        .layer(layers::CLAIM)
        .iter()
        .find(|c| text[c.start()..c.end()].contains("3,000 men"))
        .expect("the SOHR sentence is a claim");
    assert_eq!(attr(claim, "certainty"), Some("hedged"));
    let values: Vec<f64> = claim.attrs["quantities"]
        .as_array()
        .expect("quantities")
        .iter()
        .filter_map(|q| q["value"].as_f64())
        .collect();
    assert!(values.contains(&3000.0), "{values:?}");
}
