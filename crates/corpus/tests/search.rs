//! `Corpus::search` on a small hand-made corpus: FTS5 syntax (phrases,
//! AND/OR/NOT, prefixes, hyphenated words), technique, outlet, date and
//! speaker filters, limits, counts, snippets, offsets and query errors.

use std::time::Duration;

use unspin_corpus::{
    ArticleRecord, Corpus, CorpusError, HitKind, Mode, Provenance, SearchHit, SearchQuery,
};
use unspin_document::{attrs, layers, Document, Span};

const NAME_CALLING: &str = "Name_Calling,Labeling";

/// One fixture article: text, metadata, technique spans and quotes (each
/// given by its text, found in the article text).
struct Fixture {
    title: &'static str,
    outlet: Option<&'static str>,
    published: Option<&'static str>,
    text: &'static str,
    spans: &'static [(&'static str, &'static str)],
    quotes: &'static [(&'static str, &'static str)],
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        title: "Syria’s cease-fire collapses",
        outlet: Some("Global Research"),
        published: Some("2016-02-24T10:00:00Z"),
        text: "Syria’s cease-fire collapsed as the brutal Assad regime bombed Aleppo. \
               John Bolton said the war must end now.",
        spans: &[("brutal Assad regime", NAME_CALLING)],
        quotes: &[("the war must end now", "John Bolton")],
    },
    Fixture {
        title: "A truce is agreed",
        outlet: Some("Reuters"),
        published: Some("2017-05-01"),
        text: "Russia and the United States agreed a truce. \
               Lavrov said Washington was lying about Assad.",
        spans: &[("lying", "Loaded_Language")],
        quotes: &[("Washington was lying about Assad", "Sergei Lavrov")],
    },
    Fixture {
        title: "Fear in the north",
        outlet: Some("Reuters"),
        published: Some("2018-01-10"),
        text: "Aleppo residents fear another bombing campaign. Refugees fled toward Turkey.",
        spans: &[("fear another bombing campaign", "Appeal_to_fear-prejudice")],
        quotes: &[],
    },
    Fixture {
        title: "Enemies within",
        outlet: None,
        published: None,
        text: "Terrorists and traitors everywhere, warns Bolton. The corrupt elite lies.",
        spans: &[
            ("Terrorists and traitors", NAME_CALLING),
            ("corrupt elite", NAME_CALLING),
        ],
        quotes: &[],
    },
];

fn span_at(text: &str, needle: &str, label: &str) -> Span {
    let start = text.find(needle).expect("fixture span is in its text");
    Span::new(start, start + needle.len(), label).expect("start <= end")
}

fn document(i: usize, f: &Fixture) -> Document {
    let mut doc = Document::new(format!("a{i}"), f.text);
    doc.metadata.title = Some(f.title.into());
    doc.metadata.site_name = f.outlet.map(Into::into);
    doc.metadata.published = f.published.map(Into::into);
    for (needle, label) in f.spans {
        doc.add_span(layers::TECHNIQUE, span_at(f.text, needle, label))
            .expect("span fits");
    }
    for (n, (needle, speaker)) in f.quotes.iter().enumerate() {
        let span = span_at(f.text, needle, "direct")
            .with(attrs::ID, format!("q{}", n + 1))
            .with(attrs::SPEAKER, speaker.to_string());
        doc.add_span(layers::QUOTE, span).expect("quote fits");
    }
    doc
}

/// The fixture corpus in a temporary folder (ids 1 to 4 in fixture order).
fn corpus() -> (tempfile::TempDir, Corpus) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("news.db");
    let mut corpus = Corpus::open(&path, Mode::Create, Duration::from_secs(5)).expect("create");
    let records: Vec<ArticleRecord> = FIXTURES
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let provenance = Provenance {
                source: format!("fixture-{i}.txt"),
                tier: "fast".into(),
                model: "test".into(),
                sourcing: true,
            };
            ArticleRecord::new(&document(i, f), provenance).expect("record")
        })
        .collect();
    assert_eq!(
        corpus.insert(&records).expect("insert").added,
        FIXTURES.len()
    );
    drop(corpus);
    let corpus = Corpus::open(&path, Mode::ReadOnly, Duration::from_secs(5)).expect("reopen");
    (dir, corpus)
}

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: Some(text.into()),
        ..SearchQuery::default()
    }
}

fn search(c: &Corpus, q: &SearchQuery) -> Vec<SearchHit> {
    c.search(q).unwrap_or_else(|e| panic!("{q:?}: {e}")).hits
}

/// The article ids of the hits, sorted.
fn ids(hits: &[SearchHit]) -> Vec<i64> {
    let mut ids: Vec<i64> = hits.iter().map(|h| h.article_id).collect();
    ids.sort_unstable();
    ids
}

fn article_ids(c: &Corpus, text: &str) -> Vec<i64> {
    ids(&search(c, &query(text)))
}

#[test]
fn words_phrases_and_operators() {
    let (_dir, c) = corpus();
    assert_eq!(article_ids(&c, "assad"), [1, 2]);
    assert_eq!(article_ids(&c, "\"Assad regime\""), [1]);
    assert_eq!(article_ids(&c, "\"regime Assad\""), Vec::<i64>::new());
    assert_eq!(article_ids(&c, "Assad AND Aleppo"), [1]);
    assert_eq!(article_ids(&c, "Assad Aleppo"), [1]);
    assert_eq!(article_ids(&c, "Aleppo OR Lavrov"), [1, 2, 3]);
    assert_eq!(article_ids(&c, "Assad NOT Aleppo"), [2]);
    assert_eq!(article_ids(&c, "(Assad OR Turkey) NOT Lavrov"), [1, 3]);
    assert_eq!(article_ids(&c, "bomb*"), [1, 3]);
    assert_eq!(article_ids(&c, "NEAR(Bolton war, 3)"), [1]);
    assert_eq!(article_ids(&c, "title: truce"), [2]);
    // Hyphenated words and apostrophes are phrases, not FTS5 operators.
    assert_eq!(article_ids(&c, "cease-fire"), [1]);
    assert_eq!(article_ids(&c, "Syria's"), [1]);
    assert_eq!(article_ids(&c, "zanzibar"), Vec::<i64>::new());
}

#[test]
fn article_hits_carry_metadata_snippet_and_rank() {
    let (_dir, c) = corpus();
    let hits = search(&c, &query("Lavrov"));
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert_eq!(h.kind, HitKind::Article);
    assert_eq!(h.title.as_deref(), Some("A truce is agreed"));
    assert_eq!(h.outlet.as_deref(), Some("Reuters"));
    assert_eq!(h.published.as_deref(), Some("2017-05-01"));
    assert_eq!(h.source, "fixture-1.txt");
    assert_eq!((h.start, h.end, h.text.as_deref()), (None, None, None));
    assert!(
        h.snippet.marked("[", "]").contains("[Lavrov] said"),
        "{h:?}"
    );
    assert!(h.rank.is_some_and(f64::is_finite));

    // Best first: the article that says "Assad" most often ranks first.
    let hits = search(&c, &query("Assad OR Bolton"));
    assert!(hits.windows(2).all(|w| w[0].rank <= w[1].rank), "{hits:?}");
    assert_eq!(hits[0].article_id, 1);
}

#[test]
fn technique_spans() {
    let (_dir, c) = corpus();
    let by_technique = |text: Option<&str>, techniques: &[&str]| {
        search(
            &c,
            &SearchQuery {
                text: text.map(Into::into),
                techniques: techniques.iter().map(|t| t.to_string()).collect(),
                ..SearchQuery::default()
            },
        )
    };
    // "All Name_Calling,Labeling spans that mention Assad."
    let hits = by_technique(Some("Assad"), &[NAME_CALLING]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    let h = &hits[0];
    assert_eq!(h.kind, HitKind::Span);
    assert_eq!(h.technique.as_deref(), Some(NAME_CALLING));
    assert_eq!(h.text.as_deref(), Some("brutal Assad regime"));
    assert_eq!(h.snippet.marked("[", "]"), "brutal [Assad] regime");
    // Offsets are code points ("Syria’s" has a three-byte apostrophe before it).
    let chars: Vec<char> = FIXTURES[0].text.chars().collect();
    let (start, end) = (h.start.unwrap() as usize, h.end.unwrap() as usize);
    assert_eq!(
        chars[start..end].iter().collect::<String>(),
        "brutal Assad regime"
    );

    // No query: every span of the technique, in the order they were added.
    let all = by_technique(None, &[NAME_CALLING]);
    let texts: Vec<_> = all.iter().filter_map(|h| h.text.as_deref()).collect();
    assert_eq!(
        texts,
        [
            "brutal Assad regime",
            "Terrorists and traitors",
            "corrupt elite"
        ]
    );
    assert!(all
        .iter()
        .all(|h| h.rank.is_none() && h.snippet.marks.is_empty()));
    // Several techniques, with a prefix query.
    let hits = by_technique(
        Some("lying OR fear*"),
        &["Loaded_Language", "Appeal_to_fear-prejudice"],
    );
    assert_eq!(ids(&hits), [2, 3]);
    // Spans only match their own text: "Aleppo" is in article 1, not in its span.
    assert!(by_technique(Some("Aleppo"), &[NAME_CALLING]).is_empty());
    // An unknown label simply matches nothing (the CLI checks labels).
    assert!(by_technique(None, &["Name_Calling"]).is_empty());
    // Articles with at least one span of the technique.
    let articles = search(
        &c,
        &SearchQuery {
            kind: Some(HitKind::Article),
            techniques: vec![NAME_CALLING.into()],
            ..SearchQuery::default()
        },
    );
    assert_eq!(ids(&articles), [1, 4]);
    assert!(articles.iter().all(|h| h.kind == HitKind::Article));
}

#[test]
fn outlet_and_date_filters() {
    let (_dir, c) = corpus();
    let q = |outlets: &[&str], since: Option<&str>, until: Option<&str>| SearchQuery {
        text: Some("Assad OR Aleppo OR Bolton".into()),
        outlets: outlets.iter().map(|o| o.to_string()).collect(),
        since: since.map(Into::into),
        until: until.map(Into::into),
        ..SearchQuery::default()
    };
    assert_eq!(ids(&search(&c, &q(&[], None, None))), [1, 2, 3, 4]);
    assert_eq!(ids(&search(&c, &q(&["reuters"], None, None))), [2, 3]);
    assert_eq!(
        ids(&search(&c, &q(&["Reuters", "Global Research"], None, None))),
        [1, 2, 3]
    );
    assert_eq!(
        ids(&search(&c, &q(&["Nobody"], None, None))),
        Vec::<i64>::new()
    );
    assert_eq!(ids(&search(&c, &q(&[], Some("2017-01-01"), None))), [2, 3]);
    assert_eq!(ids(&search(&c, &q(&[], None, Some("2017-05-01")))), [1, 2]);
    assert_eq!(
        ids(&search(
            &c,
            &q(&["Reuters"], Some("2017-06-01"), Some("2018-12-31"))
        )),
        [3]
    );
    // Filters alone list their articles; spans of an outlet.
    let listed = SearchQuery {
        outlets: vec!["Reuters".into()],
        ..SearchQuery::default()
    };
    assert_eq!(ids(&search(&c, &listed)), [2, 3]);
    let spans = SearchQuery {
        kind: Some(HitKind::Span),
        ..listed
    };
    let texts: Vec<_> = search(&c, &spans)
        .into_iter()
        .filter_map(|h| h.text)
        .collect();
    assert_eq!(texts, ["lying", "fear another bombing campaign"]);
    let bad = SearchQuery {
        since: Some("24/02/2016".into()),
        ..query("Assad")
    };
    assert!(matches!(c.search(&bad), Err(CorpusError::Query(m)) if m.contains("YYYY-MM-DD")));
}

#[test]
fn quotes_by_speaker() {
    let (_dir, c) = corpus();
    let by_speaker = |speaker: &str, text: Option<&str>| {
        search(
            &c,
            &SearchQuery {
                text: text.map(Into::into),
                speaker: Some(speaker.into()),
                ..SearchQuery::default()
            },
        )
    };
    // "What did Bolton say?" Whole words, any case; not "warns Bolton" in article 4,
    // which has no resolved quote.
    let hits = by_speaker("bolton", None);
    assert_eq!(hits.len(), 1, "{hits:?}");
    let h = &hits[0];
    assert_eq!(h.kind, HitKind::Quote);
    assert_eq!(h.article_id, 1);
    assert_eq!(h.speaker.as_deref(), Some("John Bolton"));
    assert_eq!(h.text.as_deref(), Some("the war must end now"));
    let chars: Vec<char> = FIXTURES[0].text.chars().collect();
    let (start, end) = (h.start.unwrap() as usize, h.end.unwrap() as usize);
    assert_eq!(
        chars[start..end].iter().collect::<String>(),
        "the war must end now"
    );
    assert_eq!(by_speaker("John BOLTON", None).len(), 1);
    assert_eq!(by_speaker("bolt*", None).len(), 1);
    assert!(by_speaker("bolt", None).is_empty());
    assert!(by_speaker("John Lavrov", None).is_empty());
    assert_eq!(by_speaker("lavrov", None)[0].article_id, 2);
    // Speaker and query together.
    let hits = by_speaker("Bolton", Some("war"));
    assert_eq!(hits[0].snippet.marked("[", "]"), "the [war] must end now");
    assert!(by_speaker("Lavrov", Some("war")).is_empty());
    // A query over quotes matches their text (and speaker).
    let quotes = SearchQuery {
        kind: Some(HitKind::Quote),
        ..query("Washington")
    };
    assert_eq!(ids(&search(&c, &quotes)), [2]);
    // Articles that quote a speaker.
    let articles = SearchQuery {
        kind: Some(HitKind::Article),
        speaker: Some("Lavrov".into()),
        ..query("truce")
    };
    assert_eq!(ids(&search(&c, &articles)), [2]);
}

#[test]
fn limits_and_counts() {
    let (_dir, c) = corpus();
    let mut q = query("Assad OR Aleppo OR Bolton");
    assert_eq!(c.search_count(&q).unwrap(), 4);
    q.limit = 2;
    let r = c.search(&q).unwrap();
    assert_eq!((r.hits.len(), r.more), (2, true));
    q.limit = 4;
    let r = c.search(&q).unwrap();
    assert_eq!((r.hits.len(), r.more), (4, false));
    q.limit = 0;
    let r = c.search(&q).unwrap();
    assert_eq!((r.hits.len(), r.more), (4, false));
    assert_eq!(
        c.search_count(&q).unwrap(),
        4,
        "the count ignores the limit"
    );
    assert_eq!(c.search_count(&query("zanzibar")).unwrap(), 0);
    let r = c.search(&query("zanzibar")).unwrap();
    assert!(r.hits.is_empty() && !r.more);
    let spans = SearchQuery {
        techniques: vec![NAME_CALLING.into()],
        limit: 1,
        ..SearchQuery::default()
    };
    assert_eq!(c.search_count(&spans).unwrap(), 3);
    assert!(c.search(&spans).unwrap().more);
}

#[test]
fn malformed_queries_are_query_errors() {
    let (_dir, c) = corpus();
    for bad in [
        "AND",
        "\"Assad",
        "Assad NOT",
        "(Assad",
        "nosuchcolumn: Assad",
        "Assad OR",
    ] {
        for q in [
            query(bad),
            SearchQuery {
                kind: Some(HitKind::Span),
                ..query(bad)
            },
            SearchQuery {
                speaker: Some("Bolton".into()),
                ..query(bad)
            },
        ] {
            match c.search(&q) {
                Err(CorpusError::Query(m)) => {
                    assert!(m.contains("FTS5 query syntax"), "{bad}: {m}");
                    let e = CorpusError::Query(m).to_string();
                    assert!(e.starts_with("invalid query: "), "{e}");
                }
                other => panic!("{bad:?} gave {other:?}"),
            }
            assert!(
                matches!(c.search_count(&q), Err(CorpusError::Query(_))),
                "{bad}"
            );
        }
    }
    // Filters that do not fit what is searched.
    let both = SearchQuery {
        speaker: Some("Bolton".into()),
        techniques: vec![NAME_CALLING.into()],
        ..SearchQuery::default()
    };
    assert!(matches!(c.search(&both), Err(CorpusError::Query(_))));
    let speaker_in_spans = SearchQuery {
        kind: Some(HitKind::Span),
        speaker: Some("Bolton".into()),
        ..SearchQuery::default()
    };
    assert!(matches!(
        c.search(&speaker_in_spans),
        Err(CorpusError::Query(_))
    ));
    let empty_speaker = SearchQuery {
        speaker: Some(" * ".into()),
        ..SearchQuery::default()
    };
    assert!(matches!(
        c.search(&empty_speaker),
        Err(CorpusError::Query(_))
    ));
}
