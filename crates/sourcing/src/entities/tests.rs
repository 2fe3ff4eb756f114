//! Unit tests of the module.

use super::*;
use crate::EntityKind;
use unspin_document::Document;

fn ents(text: &str) -> Vec<(String, EntityKind)> {
    find_entities(&Document::new("t", text))
        .into_iter()
        .map(|e| (text[e.range].to_string(), e.kind))
        .collect()
}

fn has(list: &[(String, EntityKind)], name: &str, kind: EntityKind) -> bool {
    list.iter().any(|(n, k)| n == name && *k == kind)
}

#[test]
fn titles_initials_and_particles() {
    let e =
        ents("We heard from Colonel W. Patrick Lang and Syrian President Bashar al Assad today.");
    assert!(
        has(&e, "Colonel W. Patrick Lang", EntityKind::Person),
        "{e:?}"
    );
    assert!(
        has(&e, "President Bashar al Assad", EntityKind::Person),
        "{e:?}"
    );
    assert!(!e.iter().any(|(n, _)| n == "Syrian"), "{e:?}");
}

#[test]
fn sentence_initial_common_words_are_not_entities() {
    let e = ents(
        "The war goes on. However, nobody cares. Bingo. This is it. Naturally, Moscow was angry.",
    );
    let names: Vec<&str> = e.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Moscow"], "{e:?}");
    assert!(has(&e, "Moscow", EntityKind::Place));
}

#[test]
fn possessive_and_footnotes_are_dropped() {
    let e =
        ents("It was Obama's plan, as Armed Forces Journal\u{2074} said, and Reuters’s report.");
    assert!(has(&e, "Obama", EntityKind::Person), "{e:?}");
    assert!(
        has(&e, "Armed Forces Journal", EntityKind::NewsOutlet),
        "{e:?}"
    );
    assert!(has(&e, "Reuters", EntityKind::NewsOutlet), "{e:?}");
}

#[test]
fn gazetteers_and_suffixes() {
    let e = ents("A report in the Washington Post cited the Pentagon, the Heritage Foundation, the Springfield Daily Herald and the Ministry of Defence in Aleppo.");
    assert!(has(&e, "Washington Post", EntityKind::NewsOutlet), "{e:?}");
    assert!(has(&e, "Pentagon", EntityKind::Government), "{e:?}");
    assert!(
        has(&e, "Heritage Foundation", EntityKind::ThinkTank),
        "{e:?}"
    );
    assert!(
        has(&e, "Springfield Daily Herald", EntityKind::NewsOutlet),
        "{e:?}"
    );
    assert!(
        has(&e, "Ministry of Defence", EntityKind::Government),
        "{e:?}"
    );
    assert!(has(&e, "Aleppo", EntityKind::Place), "{e:?}");
}

#[test]
fn names_with_o_apostrophe_and_hyphens() {
    let e = ents("He quoted analyst Michael O’ Hanlon and Michael E. O’Hanlon on al-Nusra and Jean-Luc Picard.");
    assert!(has(&e, "Michael O’ Hanlon", EntityKind::Person), "{e:?}");
    assert!(has(&e, "Michael E. O’Hanlon", EntityKind::Person), "{e:?}");
    assert!(has(&e, "al-Nusra", EntityKind::Organisation), "{e:?}");
    assert!(
        e.iter()
            .any(|(n, k)| n == "Jean-Luc Picard" && *k == EntityKind::Person),
        "{e:?}"
    );
}

#[test]
fn known_last_names_become_people() {
    let e = ents("Samantha Power spoke. Power dispelled any doubt, and later Power left.");
    assert_eq!(
        e.iter()
            .filter(|(n, k)| n == "Power" && *k == EntityKind::Person)
            .count(),
        2,
        "{e:?}"
    );
}

#[test]
fn sorted_and_non_overlapping() {
    let text = "The New York Times and The Guardian quoted Sen. Jane Roe of the Democratic Party in Washington, D.C. on Monday.";
    let found = find_entities(&Document::new("t", text));
    for w in found.windows(2) {
        assert!(w[0].range.end <= w[1].range.start);
    }
    let e = ents(text);
    assert!(
        has(&e, "The New York Times", EntityKind::NewsOutlet),
        "{e:?}"
    );
    assert!(has(&e, "The Guardian", EntityKind::NewsOutlet), "{e:?}");
    assert!(has(&e, "Sen. Jane Roe", EntityKind::Person), "{e:?}");
    assert!(
        has(&e, "Democratic Party", EntityKind::Organisation),
        "{e:?}"
    );
    let spans = entity_spans(&found);
    assert_eq!(spans.len(), found.len());
    assert_eq!(spans[0].provenance.as_deref(), Some(PROVENANCE));
}

#[test]
fn sample_article_key_entities() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/syria-ceasefire-opinion.md"
    );
    let source = std::fs::read_to_string(path).expect("sample article");
    // Enough of the Markdown for the recogniser: strip link syntax.
    let text = source.replace("](#)", "").replace('[', "");
    let e = ents(&text);
    for (name, kind) in [
        ("Mike Whitney", EntityKind::Person),
        ("Samantha Power", EntityKind::Person),
        ("Colonel W. Patrick Lang", EntityKind::Person),
        ("President Bashar al Assad", EntityKind::Person),
        ("John Bolton", EntityKind::Person),
        ("Christina Lin", EntityKind::Person),
        ("Michael O’ Hanlon", EntityKind::Person),
        ("Michael E. O’Hanlon", EntityKind::Person),
        ("Ash Carter", EntityKind::Person),
        ("Mr. Assad", EntityKind::Person),
        ("CounterPunch", EntityKind::NewsOutlet),
        ("Global Research", EntityKind::NewsOutlet),
        ("New York Times", EntityKind::NewsOutlet),
        ("NYT", EntityKind::NewsOutlet),
        ("Times of Israel", EntityKind::NewsOutlet),
        ("Sic Semper Tyrannis", EntityKind::NewsOutlet),
        ("Pentagon", EntityKind::Government),
        ("United Nations", EntityKind::Government),
        ("Brookings Institute", EntityKind::ThinkTank),
        ("Aleppo", EntityKind::Place),
        ("Moscow", EntityKind::Place),
    ] {
        assert!(has(&e, name, kind), "{name} ({kind:?}) missing: {e:?}");
    }
    for bad in [
        "The",
        "However",
        "This",
        "Bingo",
        "Okay",
        "Why",
        "Naturally",
        "Syrian",
    ] {
        assert!(!e.iter().any(|(n, _)| n == bad), "{bad} is an entity");
    }
}
