//! `Corpus::stats` on a small hand-made corpus, against numbers computed by
//! hand, and the sanity of its confidence intervals.

use std::time::Duration;

use unspin_corpus::{
    ArticleRecord, CiMethod, Corpus, Estimate, GroupBy, GroupStats, Mode, Provenance, StatsQuery,
    StatsReport, UNKNOWN,
};
use unspin_document::{layers, Document, Span, Warning, WarningCode};

/// One fixture article.
struct Fixture<'a> {
    outlet: Option<&'a str>,
    date: Option<&'a str>,
    authors: &'a [&'a str],
    words: usize,
    techniques: &'a [(&'a str, usize)],
    /// (quotation share, named, anonymous, check-worthy, hedged); `None`:
    /// analysed without the sourcing layers.
    sourcing: Option<(f64, i64, i64, i64, i64)>,
}

/// The record of a `words`-word article with one technique span per word
/// from the start, as `techniques` lists them.
fn record(id: usize, f: &Fixture<'_>) -> ArticleRecord {
    // Distinct texts, so that no two articles share a content hash.
    let text = (0..f.words)
        .map(|i| {
            if i == 0 {
                format!("a{id}")
            } else {
                "lorem".into()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut doc = Document::new(format!("a{id}"), text.clone());
    doc.metadata.site_name = f.outlet.map(str::to_string);
    doc.metadata.published = f.date.map(str::to_string);
    doc.metadata.authors = f.authors.iter().map(|a| a.to_string()).collect();
    let mut word = 1; // word 0 is the id
    for &(label, n) in f.techniques {
        for _ in 0..n {
            let start = text.match_indices("lorem").nth(word - 1).unwrap().0;
            doc.add_span(
                layers::TECHNIQUE,
                Span::new(start, start + 5, label).unwrap(),
            )
            .unwrap();
            word += 1;
        }
    }
    let mut r = ArticleRecord::new(&doc, Provenance::default()).unwrap();
    assert_eq!(r.fields.words, f.words as i64, "the fixture's word count");
    if let Some((share, named, anon, cw, hedged)) = f.sourcing {
        r.provenance.sourcing = true;
        r.fields.quotation_share = share;
        r.fields.named_sources = named;
        r.fields.anonymous_sources = anon;
        r.fields.check_worthy_claims = cw;
        r.fields.hedged_claims = hedged;
    }
    r
}

const LL: &str = "Loaded_Language";
const NC: &str = "Name_Calling,Labeling";
const DOUBT: &str = "Doubt";

/// Six articles: outlet A (a1, a2, a3), outlet B (b1, b2), one without an
/// outlet (c1).
fn fixture() -> (tempfile::TempDir, Corpus) {
    let articles = [
        // a1
        Fixture {
            outlet: Some("A"),
            date: Some("2016-01-10"),
            authors: &["Ann"],
            words: 100,
            techniques: &[(LL, 2), (NC, 1)],
            sourcing: Some((0.5, 2, 0, 2, 1)),
        },
        // a2
        Fixture {
            outlet: Some("A"),
            date: Some("2016-01-20T08:00:00Z"),
            authors: &["Ann", "Bob"],
            words: 200,
            techniques: &[(LL, 1)],
            sourcing: Some((0.2, 1, 1, 2, 0)),
        },
        // a3
        Fixture {
            outlet: Some("A"),
            date: Some("2016-02-05"),
            authors: &[],
            words: 100,
            techniques: &[],
            sourcing: Some((0.0, 0, 1, 0, 0)),
        },
        // b1
        Fixture {
            outlet: Some("B"),
            date: Some("2016-02-10"),
            authors: &["Bob"],
            words: 50,
            techniques: &[(DOUBT, 1), (LL, 1)],
            sourcing: None,
        },
        // b2
        Fixture {
            outlet: Some("B"),
            date: None,
            authors: &["Cy"],
            words: 50,
            techniques: &[],
            sourcing: Some((0.1, 1, 0, 1, 1)),
        },
        // c1
        Fixture {
            outlet: None,
            date: Some("2016-03-01"),
            authors: &[],
            words: 100,
            techniques: &[(NC, 3)],
            sourcing: Some((0.0, 0, 0, 0, 0)),
        },
    ];
    let records: Vec<ArticleRecord> = articles
        .iter()
        .enumerate()
        .map(|(i, f)| record(i, f))
        .collect();
    corpus_of(&records)
}

fn corpus_of(records: &[ArticleRecord]) -> (tempfile::TempDir, Corpus) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut corpus = Corpus::open(&path, Mode::Create, Duration::from_secs(5)).unwrap();
    assert_eq!(corpus.insert(records).unwrap().added, records.len());
    drop(corpus);
    let corpus = Corpus::open(&path, Mode::ReadOnly, Duration::from_secs(5)).unwrap();
    (dir, corpus)
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() < 1e-9
}

#[track_caller]
fn value(e: Option<Estimate>, want: f64) {
    let e = e.expect("an estimate");
    assert!(close(e.value, want), "value {} != {want}", e.value);
    assert!(e.low <= e.value && e.value <= e.high, "{e:?}");
}

fn group<'a>(r: &'a StatsReport, name: &str) -> &'a GroupStats {
    r.groups
        .iter()
        .find(|g| g.group == name)
        .unwrap_or_else(|| panic!("no group {name} in {:?}", names(r)))
}

fn names(r: &StatsReport) -> Vec<&str> {
    r.groups.iter().map(|g| g.group.as_str()).collect()
}

fn technique<'a>(g: &'a GroupStats, label: &str) -> &'a unspin_corpus::TechniqueStats {
    g.techniques.iter().find(|t| t.technique == label).unwrap()
}

/// Every estimate of the report holds its value inside its interval.
fn check_intervals(r: &StatsReport) {
    for g in &r.groups {
        let mut all = vec![
            g.spans_per_1k_words,
            g.quotation_share,
            g.named_source_share,
            g.hedged_claim_share,
        ];
        for t in &g.techniques {
            all.push(t.spans_per_1k_words);
            all.push(t.article_share);
        }
        for e in all.into_iter().flatten() {
            assert!(
                e.low <= e.value && e.value <= e.high && e.low >= 0.0,
                "{}: {e:?}",
                g.group
            );
        }
    }
}

fn stats(corpus: &Corpus, q: StatsQuery) -> StatsReport {
    let r = corpus.stats(&q).unwrap();
    check_intervals(&r);
    r
}

#[test]
fn by_outlet_matches_hand_counts() {
    let (_dir, corpus) = fixture();
    let r = stats(&corpus, StatsQuery::new(GroupBy::Outlet));
    assert_eq!((r.articles, r.words), (6, 600));
    assert_eq!(names(&r), ["A", "B", UNKNOWN]);
    assert_eq!(r.techniques.len(), 14);

    let a = group(&r, "A");
    assert_eq!((a.articles, a.words, a.spans), (3, 400, 4));
    value(a.spans_per_1k_words, 10.0);
    let ll = technique(a, LL);
    assert_eq!((ll.spans, ll.articles), (3, 2));
    value(ll.spans_per_1k_words, 7.5);
    value(ll.article_share, 2.0 / 3.0);
    value(technique(a, NC).spans_per_1k_words, 2.5);
    value(technique(a, NC).article_share, 1.0 / 3.0);
    value(technique(a, DOUBT).spans_per_1k_words, 0.0);
    assert_eq!(a.sourcing_articles, 3);
    // Word-weighted: (0.5·100 + 0.2·200 + 0·100) / 400.
    value(a.quotation_share, 0.225);
    assert_eq!((a.named_sources, a.anonymous_sources), (3, 2));
    value(a.named_source_share, 0.6);
    assert_eq!((a.check_worthy_claims, a.hedged_claims), (4, 1));
    value(a.hedged_claim_share, 0.25);
    assert_eq!(a.ci_method, CiMethod::Bootstrap);

    // b1 was analysed without sourcing: only b2 counts there.
    let b = group(&r, "B");
    assert_eq!((b.articles, b.words, b.spans), (2, 100, 2));
    value(b.spans_per_1k_words, 20.0);
    value(technique(b, DOUBT).spans_per_1k_words, 10.0);
    value(technique(b, DOUBT).article_share, 0.5);
    assert_eq!(b.sourcing_articles, 1);
    value(b.quotation_share, 0.1);
    value(b.named_source_share, 1.0);
    value(b.hedged_claim_share, 1.0);

    let u = group(&r, UNKNOWN);
    assert_eq!((u.articles, u.words, u.spans), (1, 100, 3));
    value(technique(u, NC).spans_per_1k_words, 30.0);
    value(u.quotation_share, 0.0);
    assert_eq!(u.named_source_share, None, "no sources, no share");
    assert_eq!(u.hedged_claim_share, None);
}

#[test]
fn by_month_and_author_match_hand_counts() {
    let (_dir, corpus) = fixture();
    let r = stats(&corpus, StatsQuery::new(GroupBy::Month));
    assert_eq!(names(&r), ["2016-01", "2016-02", UNKNOWN, "2016-03"]);
    let jan = group(&r, "2016-01");
    assert_eq!((jan.articles, jan.words, jan.spans), (2, 300, 4)); // a1: 3, a2: 1
    value(jan.spans_per_1k_words, 4000.0 / 300.0);
    let feb = group(&r, "2016-02");
    assert_eq!((feb.articles, feb.words, feb.spans), (2, 150, 2));
    value(feb.spans_per_1k_words, 2000.0 / 150.0);
    let undated = group(&r, UNKNOWN);
    assert_eq!((undated.articles, undated.words, undated.spans), (1, 50, 0));
    // No span at all is still an interval, not [0, 0].
    let rate = undated.spans_per_1k_words.unwrap();
    assert_eq!(rate.value, 0.0);
    assert!(rate.high > 50.0, "{rate:?}"); // 3.69 / 50 words · 1000
    assert_eq!(r.groups.iter().map(|g| g.articles).sum::<u64>(), r.articles);

    // a2 has two authors and counts for both; a3 and c1 have none.
    let r = stats(&corpus, StatsQuery::new(GroupBy::Author));
    assert_eq!(names(&r), [UNKNOWN, "Ann", "Bob", "Cy"]);
    let ann = group(&r, "Ann");
    assert_eq!((ann.articles, ann.words, ann.spans), (2, 300, 4));
    let bob = group(&r, "Bob");
    assert_eq!((bob.articles, bob.words, bob.spans), (2, 250, 3));
    value(bob.spans_per_1k_words, 12.0);
    value(technique(bob, LL).article_share, 1.0);
    let none = group(&r, UNKNOWN);
    assert_eq!((none.articles, none.words, none.spans), (2, 200, 3));
    assert_eq!(group(&r, "Cy").articles, 1);
}

#[test]
fn by_technique_gives_one_row_per_technique_found() {
    let (_dir, corpus) = fixture();
    let r = stats(&corpus, StatsQuery::new(GroupBy::Technique));
    // The 11 techniques found in no article are hidden by min_articles 1.
    assert_eq!(names(&r), [LL, NC, DOUBT]);
    assert_eq!(r.hidden_groups, 11);
    let ll = group(&r, LL);
    assert_eq!((ll.articles, ll.words, ll.spans), (6, 600, 4));
    value(ll.spans_per_1k_words, 4000.0 / 600.0);
    assert_eq!(technique(ll, LL).articles, 3);
    value(technique(ll, LL).article_share, 0.5);
    // Sourcing among the articles with Loaded_Language (a1, a2; b1 has none).
    assert_eq!(ll.sourcing_articles, 2);
    value(ll.quotation_share, 90.0 / 300.0);
    value(ll.named_source_share, 0.75);
    value(ll.hedged_claim_share, 0.25);
    let nc = group(&r, NC);
    assert_eq!((nc.spans, technique(nc, NC).articles), (4, 2));
    value(technique(nc, NC).article_share, 2.0 / 6.0);
    let doubt = group(&r, DOUBT);
    value(doubt.spans_per_1k_words, 1000.0 / 600.0);

    let all = stats(&corpus, StatsQuery::new(GroupBy::Technique).min_articles(0));
    assert_eq!(all.groups.len(), 14);
    assert_eq!(all.hidden_groups, 0);
}

#[test]
fn filters_select_articles_and_columns() {
    let (_dir, corpus) = fixture();
    let by = |q: StatsQuery| stats(&corpus, q);

    let r = by(StatsQuery::new(GroupBy::Outlet).outlet("a")); // ignoring case
    assert_eq!((r.articles, names(&r)), (3, vec!["A"]));
    let r = by(StatsQuery::new(GroupBy::Month).outlet(UNKNOWN).outlet("B"));
    assert_eq!(r.articles, 3);

    let r = by(StatsQuery::new(GroupBy::Outlet).since("2016-02").unwrap());
    assert_eq!((r.articles, r.undated_excluded), (3, 1)); // a3, b1, c1; b2 has no date
    let r = by(StatsQuery::new(GroupBy::Month).until("2016-01").unwrap());
    assert_eq!((r.articles, names(&r)), (2, vec!["2016-01"]));
    let r = by(StatsQuery::new(GroupBy::Outlet)
        .since("2016-01-15")
        .unwrap()
        .until("2016-02-05")
        .unwrap());
    assert_eq!((r.articles, r.words), (2, 300)); // a2, a3, both of A

    let r = by(StatsQuery::new(GroupBy::Outlet).technique(DOUBT).unwrap());
    assert_eq!(r.techniques, [DOUBT]);
    let a = group(&r, "A");
    assert_eq!(a.techniques.len(), 1);
    // Total spans still count every technique.
    assert_eq!(a.spans, 4);
    let share = a.techniques[0].article_share.unwrap();
    assert_eq!(share.value, 0.0);
    assert!(
        share.high > 0.5,
        "0 of 3 articles is not evidence of absence: {share:?}"
    );

    let r = by(StatsQuery::new(GroupBy::Outlet).min_articles(2));
    assert_eq!((names(&r), r.hidden_groups), (vec!["A", "B"], 1));
}

/// `n` articles of `outlet`, alternating three patterns of Loaded_Language.
fn pattern(outlet: &str, n: usize, first_id: usize) -> Vec<ArticleRecord> {
    let patterns: [&[(&str, usize)]; 3] = [&[(LL, 3)], &[], &[(LL, 1), (NC, 1)]];
    (0..n)
        .map(|i| {
            let f = Fixture {
                outlet: Some(outlet),
                date: Some("2020-05-01"),
                authors: &[],
                words: 40 + 20 * (i % 3),
                techniques: patterns[i % 3],
                sourcing: Some((
                    0.1 * (i % 3) as f64,
                    (i % 2) as i64,
                    1,
                    2,
                    (i % 3 == 0) as i64,
                )),
            };
            record(first_id + i, &f)
        })
        .collect()
}

#[test]
fn intervals_shrink_with_the_group_and_are_deterministic() {
    let mut records = pattern("small", 6, 0);
    records.extend(pattern("mid", 60, 100));
    records.extend(pattern("boot", 498, 1_000));
    records.extend(pattern("delta", 501, 2_000));
    let (_dir, corpus) = corpus_of(&records);
    let q = StatsQuery::new(GroupBy::Outlet);
    let r = stats(&corpus, q.clone());
    assert_eq!(names(&r), ["delta", "boot", "mid", "small"]);
    assert_eq!(
        r,
        corpus.stats(&q).unwrap(),
        "the same corpus gives the same intervals"
    );

    let rate = |g: &str| group(&r, g).spans_per_1k_words.unwrap();
    let ll_share = |g: &str| technique(group(&r, g), LL).article_share.unwrap();
    let named = |g: &str| group(&r, g).named_source_share.unwrap();
    let measures: [&dyn Fn(&str) -> Estimate; 3] = [&rate, &ll_share, &named];
    for f in measures {
        // Same pattern, same estimate (up to the pattern's remainder).
        assert!((f("small").value - f("boot").value).abs() < 0.1 * f("boot").value.max(0.01));
        assert!(
            f("small").width() > f("mid").width(),
            "{:?} {:?}",
            f("small"),
            f("mid")
        );
        assert!(f("mid").width() > 2.0 * f("boot").width());
    }
    assert_eq!(group(&r, "boot").ci_method, CiMethod::Bootstrap);
    assert_eq!(group(&r, "delta").ci_method, CiMethod::Analytical);
    // The bootstrap and the delta method agree where one takes over from the other.
    for f in measures {
        let (b, d) = (f("boot").width(), f("delta").width());
        assert!((b / d - 1.0).abs() < 0.25, "bootstrap {b} vs delta {d}");
    }
    // Spans cluster in articles: the interval is wider than a Poisson one
    // (√spans), which would treat every span as independent.
    let boot = group(&r, "boot");
    let poisson_width = 2.0 * 1.96 * (boot.spans as f64).sqrt() / boot.words as f64 * 1000.0;
    assert!(
        rate("boot").width() > poisson_width,
        "{:?} vs {poisson_width}",
        rate("boot")
    );
}

/// Times `stats --by outlet` and `--by month` on a generated corpus of
/// 100,000 articles (rows as large as real ones, FTS indexing switched
/// off to build it fast). Run by hand: `cargo test --release -p
/// unspin-corpus --test stats -- --ignored --nocapture`; prints, asserts
/// nothing about time. `UNSPIN_STATS_OUTLETS=200` spreads the articles
/// evenly over 200 outlets (every group bootstrapped) instead of a Zipf
/// spread over 50.
#[test]
#[ignore]
fn timing_on_100k_articles() {
    use std::time::Instant;
    let dir = tempfile::tempdir().unwrap();
    // UNSPIN_STATS_DB=FILE keeps the generated corpus there (to query it by hand).
    let path = std::env::var_os("UNSPIN_STATS_DB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("big.db"));
    let _ = std::fs::remove_file(&path);
    let even: Option<usize> = std::env::var("UNSPIN_STATS_OUTLETS")
        .ok()
        .and_then(|v| v.parse().ok());
    {
        let corpus = Corpus::open(&path, Mode::Create, Duration::from_secs(5)).unwrap();
        let c = corpus.connection();
        c.execute_batch("DROP TRIGGER articles_fts_insert; DROP TRIGGER spans_fts_insert; BEGIN;")
            .unwrap();
        let mut state = 0x1234_5678_u64;
        let mut rnd = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let weights: Vec<f64> = match even {
            Some(n) => vec![1.0; n],
            None => (1..=50).map(|k| 1.0 / k as f64).collect(),
        };
        let total: f64 = weights.iter().sum();
        let labels: Vec<&str> = unspin_taxonomy_labels();
        let blob = vec![7u8; 3000];
        for i in 0..100_000u64 {
            let mut u = (rnd() % 1_000_000) as f64 / 1e6 * total;
            let mut outlet = 0;
            while outlet + 1 < weights.len() && u > weights[outlet] {
                u -= weights[outlet];
                outlet += 1;
            }
            let words = 300 + rnd() % 1200;
            let text = "lorem ".repeat(words as usize);
            let month = 1 + i % 36;
            let date = format!("{}-{:02}-15", 2014 + (month - 1) / 12, 1 + (month - 1) % 12);
            let mut spans = 0;
            let mut techs = Vec::new();
            for l in &labels {
                if rnd() % 3 == 0 {
                    let n = 1 + rnd() % 4;
                    spans += n;
                    techs.push((l, n));
                }
            }
            c.execute(
                "INSERT INTO articles (id, content_hash, doc_id, source, authors, outlet,
                    published_date, words, technique_spans, quotes, quotation_share,
                    named_sources, anonymous_sources, claims, check_worthy_claims, hedged_claims,
                    sourcing, tier, model, analysed_at, added_at, text, document)
                 VALUES (?1, ?1, ?1, 's', '[]', ?2, ?3, ?4, ?5, 3, 0.2, 2, 1, 5, 3, 1, 1,
                    'fast', 'm', 't', 't', ?6, ?7)",
                rusqlite::params![
                    i as i64 + 1,
                    format!("Outlet {outlet}"),
                    date,
                    words as i64,
                    spans as i64,
                    text,
                    blob
                ],
            )
            .unwrap();
            for (l, n) in techs {
                c.execute(
                    "INSERT INTO article_techniques (article_id, technique, spans) VALUES (?1, ?2, ?3)",
                    rusqlite::params![i as i64 + 1, l, n as i64],
                )
                .unwrap();
            }
        }
        c.execute_batch("COMMIT;").unwrap();
    }
    let corpus = Corpus::open(&path, Mode::ReadOnly, Duration::from_secs(5)).unwrap();
    for by in [
        GroupBy::Outlet,
        GroupBy::Month,
        GroupBy::Author,
        GroupBy::Technique,
    ] {
        for round in 0..2 {
            let t = Instant::now();
            let r = corpus.stats(&StatsQuery::new(by)).unwrap();
            println!(
                "--by {by:?} (run {round}): {} groups, {} articles, {:.3} s",
                r.groups.len(),
                r.articles,
                t.elapsed().as_secs_f64()
            );
        }
    }
}

fn unspin_taxonomy_labels() -> Vec<&'static str> {
    vec![
        "Appeal_to_Authority",
        "Appeal_to_fear-prejudice",
        "Bandwagon,Reductio_ad_hitlerum",
        "Black-and-White_Fallacy",
        "Causal_Oversimplification",
        "Doubt",
        "Exaggeration,Minimisation",
        "Flag-Waving",
        "Loaded_Language",
        "Name_Calling,Labeling",
        "Repetition",
        "Slogans",
        "Thought-terminating_Cliches",
        "Whataboutism,Straw_Men,Red_Herring",
    ]
}

/// An article the analysis set aside: `code` (`language`, `garbled`) with
/// the technique and sourcing layers skipped, as `Analyzer::analyze` leaves
/// a German or garbled text.
fn set_aside(id: &str, text: &str, outlet: &str, code: WarningCode) -> ArticleRecord {
    let mut doc = Document::new(id, text);
    doc.metadata.site_name = Some(outlet.into());
    doc.metadata.published = Some("2016-01-15".into());
    doc.metadata.authors = vec!["Ann".into()];
    doc.warnings.push(Warning {
        code,
        message: "set aside".into(),
        skipped_layers: vec![layers::TECHNIQUE.into(), "quote".into()],
        language: (code == WarningCode::Language).then(|| "deu".into()),
    });
    let mut r = ArticleRecord::new(&doc, Provenance::default()).unwrap();
    r.provenance.sourcing = true;
    r
}

const GERMAN: &str = "Die Regierung hat am Montag einen neuen Plan vorgestellt, der nach Ansicht \
der Opposition nichts an der Lage der Familien ändern wird, die seit Monaten auf Hilfe warten.";

#[test]
fn articles_not_analysed_are_counted_apart_and_change_no_rate() {
    let (_dir, plain) = fixture();
    let before = plain.stats(&StatsQuery::new(GroupBy::Outlet)).unwrap();
    // The same six articles with three set aside: a German one in A, one
    // in an outlet of German articles only, a garbled one in B.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut corpus = Corpus::open(&path, Mode::Create, Duration::from_secs(5)).unwrap();
    let rows = plain.connection();
    let mut stmt = rows.prepare("SELECT id FROM articles ORDER BY id").unwrap();
    let ids: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids.len(), 6);
    drop(stmt);
    // Re-create the fixture's records in order, with the set-aside ones in
    // between (the bootstrap draws by position among analysed articles).
    let mut records = Vec::new();
    for id in ids {
        let a = plain.article(id).unwrap().unwrap();
        let mut r = ArticleRecord::new(&a.document, Provenance::default()).unwrap();
        let sourced: bool = plain
            .connection()
            .query_row("SELECT sourcing FROM articles WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap();
        let (share, named, anon, cw, hedged): (f64, i64, i64, i64, i64) = plain
            .connection()
            .query_row(
                "SELECT quotation_share, named_sources, anonymous_sources, check_worthy_claims,
                    hedged_claims FROM articles WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        r.provenance.sourcing = sourced;
        r.fields.quotation_share = share;
        r.fields.named_sources = named;
        r.fields.anonymous_sources = anon;
        r.fields.check_worthy_claims = cw;
        r.fields.hedged_claims = hedged;
        records.push(r);
        if id == 1 {
            records.push(set_aside("de1", GERMAN, "A", WarningCode::Language));
            records.push(set_aside(
                "de2",
                &format!("{GERMAN} Zweiter Artikel."),
                "Z",
                WarningCode::Language,
            ));
        }
        if id == 4 {
            records.push(set_aside(
                "g1",
                "| 12 | 34 | 56 | 78 | 90 | 12 | 34 | 56 | 78 |",
                "B",
                WarningCode::Garbled,
            ));
        }
    }
    corpus.insert(&records).unwrap();

    let r = stats(&corpus, StatsQuery::new(GroupBy::Outlet));
    // Hand counts: the six analysed articles as before, three apart.
    assert_eq!((r.articles, r.words), (6, 600));
    assert_eq!((r.not_analysed, r.other_language, r.garbled), (3, 2, 1));
    assert_eq!(names(&r), ["A", "B", UNKNOWN, "Z"]);
    for g in &before.groups {
        let mut after = group(&r, &g.group).clone();
        let apart = match g.group.as_str() {
            "A" => (1, 1, 0),
            "B" => (1, 0, 1),
            _ => (0, 0, 0),
        };
        assert_eq!(
            (after.not_analysed, after.other_language, after.garbled),
            apart,
            "{}",
            g.group
        );
        // Every number and interval is the one without them.
        (after.not_analysed, after.other_language, after.garbled) = (0, 0, 0);
        assert_eq!(&after, g, "{}", g.group);
    }
    let a = group(&r, "A");
    assert_eq!((a.articles, a.words, a.spans), (3, 400, 4));
    value(a.spans_per_1k_words, 10.0);
    value(technique(a, LL).article_share, 2.0 / 3.0);
    assert_eq!(a.sourcing_articles, 3);
    // A group of set-aside articles only: shown, with nothing to rate.
    let z = group(&r, "Z");
    assert_eq!(
        (z.articles, z.words, z.not_analysed, z.other_language),
        (0, 0, 1, 1)
    );
    assert_eq!(z.spans_per_1k_words, None);
    assert_eq!(technique(z, LL).article_share, None);
    assert_eq!(z.copy_share, None);
    // --min-articles 2 hides it (and the one-article groups).
    let r2 = stats(&corpus, StatsQuery::new(GroupBy::Outlet).min_articles(2));
    assert_eq!(names(&r2), ["A", "B"]);
    assert_eq!(r2.hidden_groups, 2);

    // By author and month: the German ones (by Ann, January) are apart.
    let by_author = stats(&corpus, StatsQuery::new(GroupBy::Author));
    let ann = group(&by_author, "Ann");
    assert_eq!(
        (
            ann.articles,
            ann.not_analysed,
            ann.other_language,
            ann.garbled
        ),
        (2, 3, 2, 1)
    );
    let by_month = stats(&corpus, StatsQuery::new(GroupBy::Month));
    let jan = group(&by_month, "2016-01");
    assert_eq!(
        (jan.articles, jan.words, jan.spans, jan.not_analysed),
        (2, 300, 4, 3)
    );
    value(jan.spans_per_1k_words, 4000.0 / 300.0);

    // By technique: rates over the six analysed articles.
    let q = StatsQuery::new(GroupBy::Technique).technique(LL).unwrap();
    let t = stats(&corpus, q.clone());
    let before_t = plain.stats(&q).unwrap();
    assert_eq!((t.articles, t.not_analysed), (6, 3));
    let mut row = t.groups[0].clone();
    assert_eq!(row.not_analysed, 3);
    (row.not_analysed, row.other_language, row.garbled) = (0, 0, 0);
    assert_eq!(row, before_t.groups[0]);

    // The snapshot gives the same reports.
    let snap = corpus.stats_snapshot().unwrap();
    for q in [
        StatsQuery::new(GroupBy::Outlet),
        StatsQuery::new(GroupBy::Author),
        StatsQuery::new(GroupBy::Outlet).min_articles(2),
        q,
    ] {
        assert_eq!(snap.stats(&q), corpus.stats(&q).unwrap());
    }

    // `corpus info` counts them by reason.
    let info = corpus.info().unwrap();
    let reasons: Vec<(&str, i64)> = info
        .not_analysed
        .iter()
        .map(|n| (n.reason.as_str(), n.articles))
        .collect();
    assert_eq!(reasons, [("language", 2), ("garbled", 1)]);
}
