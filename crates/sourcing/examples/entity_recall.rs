//! How many PolNeAR speakers that are written as names does the rule-based
//! entity recogniser find? A recall measure for `entities::find_entities`
//! (PolNeAR has no entity annotations, so precision is not measured here).
//!
//! `cargo run --release -p unspin-sourcing --example entity_recall -- ../shared/data/quotes/polnear/data/dev`
use unspin_document::Document;
use unspin_pipeline::Stage;

fn main() {
    let dir = std::env::args().nth(1).expect("a PolNeAR split folder");
    let corpus = unspin_readers::read_attribution_corpus(&dir).expect("PolNeAR reads");
    let (mut names, mut found, mut person_or_org) = (0usize, 0usize, 0usize);
    for a in corpus {
        let mut doc: Document = a.document;
        unspin_segment::SentenceStage
            .process(&mut doc)
            .expect("sentences");
        let entities = unspin_sourcing::entities::find_entities(&doc);
        let idx = doc.char_index();
        for g in &a.attributions {
            let Some(r) = g.source.first() else { continue };
            let (Some(s), Some(e)) = (idx.to_byte(r.start), idx.to_byte(r.end)) else {
                continue;
            };
            let text = &doc.text()[s..e];
            // A name: every word capitalised (titles included), not a pronoun.
            let words: Vec<&str> = text.split_whitespace().collect();
            let is_name = !words.is_empty()
                && words.len() <= 5
                && words
                    .iter()
                    .all(|w| w.chars().next().is_some_and(char::is_uppercase))
                && !["He", "She", "They", "It", "We", "I", "You", "The"].contains(&words[0]);
            if !is_name {
                continue;
            }
            names += 1;
            if let Some(ent) = entities
                .iter()
                .find(|x| x.range.start < e && s < x.range.end)
            {
                found += 1;
                if !matches!(ent.kind, unspin_sourcing::EntityKind::Place) {
                    person_or_org += 1;
                }
            }
        }
    }
    println!(
        "speakers written as names: {names}; overlapped by an entity: {found} ({:.1} %); \
         by a person/organisation/outlet/government entity: {person_or_org} ({:.1} %)",
        100.0 * found as f64 / names.max(1) as f64,
        100.0 * person_or_org as f64 / names.max(1) as f64
    );
}
