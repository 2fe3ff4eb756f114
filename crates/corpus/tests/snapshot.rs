//! `Corpus::stats_snapshot` and `Corpus::outlet_names` (what the server keeps
//! in memory) give exactly what `Corpus::stats`, `outlet_speakers` and
//! `outlet_sources` give, for every grouping and filter, on a corpus with
//! outlets differing only in case, no outlet, no date, several authors,
//! quotes, sources and copies.

use std::time::Duration;

use unspin_corpus::{ArticleRecord, Corpus, GroupBy, Mode, Provenance, StatsQuery, UNKNOWN};
use unspin_document::{layers, Document, Span};
use unspin_writers::{JsonQuote, JsonSource};

const STORY: &str =
    "The ceasefire agreed in Geneva last week collapsed on Monday after air strikes hit \
the eastern districts of the city, killing dozens of people.\n\n\
Officials on both sides blamed each other for the violence in a series of statements issued late \
in the evening, and each promised a firm answer.\n\n\
Aid agencies said their convoys had been waiting at the checkpoints for three days and could not \
reach the families who needed help the most.\n\n\
Diplomats said a new round of talks was unlikely before the end of the month, as neither \
government was willing to make the first move.\n";

/// Article `i`: outlet, date, authors and spans vary with `i`; every third
/// article repeats the story (copies); quotes and sources by outlet.
// `is_multiple_of` is newer than the workspace's rust-version (1.80).
#[allow(clippy::manual_is_multiple_of)]
fn record(i: usize) -> ArticleRecord {
    let outlets = [
        Some("Wire"),
        Some("WIRE"),
        Some("Mirror"),
        None,
        Some("Daily"),
    ];
    let text = if i % 3 == 0 {
        format!("{STORY}\nFiled as edition {i}.")
    } else {
        format!("Article {i} says the corrupt officials lied again about the budget and the plan.")
    };
    let mut doc = Document::new(format!("a{i}"), text.clone());
    doc.metadata.site_name = outlets[i % outlets.len()].map(str::to_string);
    doc.metadata.published = (i % 7 != 3).then(|| format!("2016-{:02}-1{}", 1 + i % 5, i % 9));
    doc.metadata.authors = (0..i % 3)
        .map(|k| format!("Writer {}", (i + k) % 4))
        .collect();
    let labels = ["Loaded_Language", "Doubt", "Name_Calling,Labeling"];
    let spans: Vec<Span> = text
        .match_indices(' ')
        .take(i % 5)
        .enumerate()
        .map(|(k, (at, _))| Span::new(0, at, labels[(i + k) % 3]).unwrap())
        .collect();
    doc.set_layer(layers::TECHNIQUE, spans).unwrap();
    let mut r = ArticleRecord::new(
        &doc,
        Provenance {
            source: format!("a{i}.txt"),
            sourcing: i % 4 != 0,
            ..Provenance::default()
        },
    )
    .unwrap();
    let speakers = ["Smith", "Jones", "Smith", ""];
    r.quotes = (0..i % 4)
        .map(|k| JsonQuote {
            id: format!("q{k}"),
            speaker: Some(speakers[(i + k) % 4].to_string()).filter(|_| k != 2),
            text: "words".into(),
            ..JsonQuote::default()
        })
        .collect();
    r.sources = (0..i % 3)
        .map(|k| JsonSource {
            name: ["Reuters", "officials", ""][(i + k) % 3].to_string(),
            kind: "organisation".into(),
            ..JsonSource::default()
        })
        .collect();
    r
}

#[test]
fn snapshot_and_outlet_names_answer_as_the_database_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut corpus = Corpus::open(
        &dir.path().join("c.db"),
        Mode::Create,
        Duration::from_secs(5),
    )
    .unwrap();
    let records: Vec<ArticleRecord> = (0..40).map(record).collect();
    corpus.insert(&records).unwrap();
    let linked = corpus.link_copies(&mut |_, _| {}).unwrap();
    assert!(
        linked.copies > 0,
        "the repeated story is linked: {linked:?}"
    );
    let snapshot = corpus.stats_snapshot().unwrap();
    assert_eq!(snapshot.articles(), 40);
    assert_eq!(
        snapshot.clusters().len(),
        corpus.copy_clusters(0.0, false).unwrap().len()
    );

    let mut queries = Vec::new();
    for by in [
        GroupBy::Outlet,
        GroupBy::Month,
        GroupBy::Author,
        GroupBy::Technique,
    ] {
        queries.push(StatsQuery::new(by));
        queries.push(StatsQuery::new(by).min_articles(0));
        queries.push(StatsQuery::new(by).technique("Doubt").unwrap());
        queries.push(StatsQuery::new(by).outlet("wire").outlet(UNKNOWN));
        queries.push(
            StatsQuery::new(by)
                .outlet("Mirror")
                .since("2016-02")
                .unwrap(),
        );
        queries.push(
            StatsQuery::new(by)
                .since("2016-02-11")
                .unwrap()
                .until("2016-04")
                .unwrap()
                .technique("Loaded_Language")
                .unwrap()
                .technique("Name_Calling,Labeling")
                .unwrap(),
        );
        queries.push(StatsQuery::new(by).outlet("Nobody"));
    }
    for q in &queries {
        let want = corpus.stats(q).unwrap();
        assert_eq!(snapshot.stats(q), want, "{q:?}");
    }
    let copies = snapshot.stats(&StatsQuery::new(GroupBy::Outlet));
    assert!(
        copies.groups.iter().any(|g| g.copies > 0),
        "the copies are counted"
    );

    let names = corpus.outlet_names().unwrap();
    for outlet in ["Wire", "wire", "Mirror", "Daily", UNKNOWN, "Nobody"] {
        for limit in [1, 20] {
            let speakers = corpus.outlet_speakers(outlet, limit).unwrap();
            assert_eq!(names.speakers(outlet, limit), speakers, "{outlet}");
            let sources = corpus.outlet_sources(outlet, limit).unwrap();
            assert_eq!(names.sources(outlet, limit), sources, "{outlet}");
        }
    }
    assert!(!names.speakers("wire", 20).is_empty(), "the fixture quotes");
}
