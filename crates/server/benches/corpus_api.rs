//! The corpus API at scale: `cargo bench -p unspin-server --bench corpus_api`.
//!
//! Builds a corpus of 100,000 generated articles (`unspin_testkit::generate`
//! over `../shared/data/unlabeled-news`: 40 outlets of very different sizes,
//! 500 authors, dates over 2015–2020), analysed with the fast tier and
//! stored as `corpus add` stores them, then calls every endpoint of the
//! corpus API (`/api/corpus/…`) in-process through the axum router, one
//! request at a time, with a realistic mix of parameters (first pages,
//! filters by outlet, technique and date, search queries, a big and a small
//! outlet's page, timelines with several outlets, copies, a comparison,
//! small exports), and prints p50 / p95 / max per endpoint, flagging any
//! p95 of 300 ms or more, and the slowest first call of any of its URLs
//! (`first ms`: what no cache of answers helps). The first request of the
//! run is listed apart: it waits for the server's per-corpus cache.
//!
//! Copies: the generated corpus holds `n / 400` near-copies of each of 400
//! articles. Comparing all of them (`corpus add` without `--no-copies`) is
//! quadratic in the copies of one story, so only the first
//! `UNSPIN_API_BENCH_LINKED` articles (default 4,000: ten editions of each
//! story, 400 clusters) are compared and linked; the rest are stored with
//! their signatures but not compared, as after `corpus add --no-copies`. The
//! time of that linking is printed.
//!
//! Environment:
//! - `UNSPIN_API_BENCH_DB=PATH`: the corpus file; built there when it does not
//!   exist, reused as it is when it does (so reruns take seconds).
//!   Without it the corpus is built in a temporary folder and deleted.
//! - `UNSPIN_API_BENCH_ARTICLES` (default 100000), `UNSPIN_API_BENCH_LINKED`
//!   (default 4000), `UNSPIN_API_BENCH_REQUESTS` (requests per endpoint,
//!   default 20).
//!
//! Not a test: nothing here asserts a time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;
use unspin_analysis::{AnalysisOptions, Analyzer, Tier};
use unspin_corpus::{ArticleRecord, Corpus, Mode, Provenance};
use unspin_readers::{open_path, IngestOptions, InputFormat};
use unspin_server::{App, CorpusDb, Limits};

/// The goal: every endpoint's p95 under this.
const GOAL: Duration = Duration::from_millis(300);

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn main() {
    let n = env_usize("UNSPIN_API_BENCH_ARTICLES", 100_000);
    let linked = env_usize("UNSPIN_API_BENCH_LINKED", 4_000).min(n);
    let requests = env_usize("UNSPIN_API_BENCH_REQUESTS", 20).max(1);
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let db = match std::env::var_os("UNSPIN_API_BENCH_DB") {
        Some(p) => PathBuf::from(p),
        None => tmp.path().join("api-bench.db"),
    };
    if db.exists() {
        println!("corpus api bench: reusing {}", db.display());
    } else {
        let Some(news) = unspin_testkit::shared_dir("data/unlabeled-news") else {
            return;
        };
        build(&news, n, linked, &db, tmp.path());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(measure(&db, requests));
}

/// Generates `n` articles, analyses them (fast tier, sourcing on, all
/// cores) and stores them in a new corpus at `db`; links copies among the
/// first `linked`.
fn build(news: &Path, n: usize, linked: usize, db: &Path, tmp: &Path) {
    let input = tmp.join("corpus.jsonl");
    let started = Instant::now();
    let bytes = unspin_testkit::generate(news, n, &input).expect("the generated corpus");
    println!(
        "corpus api bench: generated {n} articles ({:.0} MB) in {:.1} s",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let analyzer = Analyzer::new(&AnalysisOptions {
        tier: Some(Tier::Fast),
        ..AnalysisOptions::default()
    })
    .expect("the fast tier loads");
    let provenance = Provenance {
        source: String::new(),
        tier: analyzer.tier().to_string(),
        model: analyzer.provenance().to_string(),
        sourcing: true,
    };
    let mut corpus = Corpus::open(db, Mode::Create, Duration::from_secs(30)).expect("new corpus");
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get());
    let docs = open_path(&input, InputFormat::Auto, &IngestOptions::default()).expect("input");
    let mut docs = docs.map(|d| d.expect("a generated article reads"));
    let (mut stored, mut link_secs) = (0usize, None);
    let started = Instant::now();
    loop {
        // Up to the linking point first, then in batches of 2,000.
        let want = if stored < linked {
            linked - stored
        } else {
            2000
        };
        let batch: Vec<_> = docs.by_ref().take(want.min(2000)).collect();
        if batch.is_empty() {
            break;
        }
        let per = batch.len().div_ceil(threads);
        let records: Vec<ArticleRecord> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .chunks(per)
                .map(|chunk| {
                    let (analyzer, provenance) = (&analyzer, &provenance);
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|doc| {
                                let mut doc = doc.clone();
                                analyzer.analyze(&mut doc).expect("analysis");
                                let p = Provenance {
                                    source: format!("corpus.jsonl#{}", doc.id),
                                    ..provenance.clone()
                                };
                                ArticleRecord::new(&doc, p).expect("a record")
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("an analysis thread"))
                .collect()
        });
        stored += corpus.insert(&records).expect("insert").added;
        if stored == linked && link_secs.is_none() {
            let t = Instant::now();
            let report = corpus.link_copies(&mut |_, _| {}).expect("linking copies");
            let secs = t.elapsed().as_secs_f64();
            println!(
                "  linking copies among the first {linked} articles: {:.1} s ({:.0} articles/s), \
                 {} candidate pairs, {} copy links",
                secs,
                linked as f64 / secs.max(1e-9),
                report.candidate_pairs,
                report.copies
            );
            link_secs = Some(secs);
        }
        if stored % 10_000 < 2000 {
            eprintln!(
                "  {stored} stored, {:.0} articles/s",
                stored as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "  analysed and stored {stored} articles in {:.1} s (fast tier, {threads} threads)",
        started.elapsed().as_secs_f64()
    );
}

/// One endpoint's requests.
struct Endpoint {
    name: &'static str,
    urls: Vec<String>,
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

async fn call(router: &Router, url: &str) -> (StatusCode, Vec<u8>, Duration) {
    let started = Instant::now();
    let request = Request::get(url).body(Body::empty()).expect("a request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (status, body.to_vec(), started.elapsed())
}

async fn json(router: &Router, url: &str) -> Value {
    let (status, body, _) = call(router, url).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{url}: {}",
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).expect("JSON")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The value at quantile `q` (nearest rank) of sorted `v`.
fn quantile(v: &[Duration], q: f64) -> Duration {
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

async fn measure(db: &Path, requests: usize) {
    // What the server computes once per version of the file.
    let corpus = Corpus::open(db, Mode::ReadOnly, Duration::from_secs(5)).expect("a corpus");
    let t = Instant::now();
    let snapshot = corpus.stats_snapshot().expect("a statistics snapshot");
    let snapshot_time = t.elapsed();
    let t = Instant::now();
    corpus.outlet_names().expect("outlets' names");
    println!(
        "corpus api bench: per-version cache of the server: statistics snapshot of {} articles \
         {:.0} ms, outlets' speakers and sources {:.0} ms",
        snapshot.articles(),
        ms(snapshot_time),
        ms(t.elapsed())
    );
    drop((snapshot, corpus));
    let opened = Instant::now();
    let corpus = CorpusDb::open(db).expect("a corpus");
    let router = App::fast(Limits::default())
        .expect("the fast tier loads")
        .with_corpus(corpus)
        .router();
    let (_, _, first) = call(&router, "/api/corpus/overview").await;
    let overview = json(&router, "/api/corpus/overview").await;
    println!(
        "corpus api bench: {} articles, {} outlets; router built in {:.0} ms (the fast tier \
         loaded), first request (overview) {:.0} ms",
        overview["articles"],
        overview["outlets"],
        ms(opened.elapsed() - first),
        ms(first)
    );
    let ids: Vec<i64> = (1..=20).map(|k| k * 4999 % 100_000 + 1).collect();
    let max_id = overview["articles"].as_i64().unwrap_or(1).max(1);
    let copies = json(&router, "/api/corpus/copies?per_page=20").await;
    let mut pairs = Vec::new();
    for c in copies["items"].as_array().into_iter().flatten() {
        let origin = c["origin"].as_i64().unwrap_or(0);
        if let Some(copy) = c["members"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["role"] == "copy")
        {
            pairs.push((origin, copy["id"].as_i64().unwrap_or(0)));
        }
    }
    // The biggest, the smallest and a middle-sized outlet.
    let by_size = json(&router, "/api/corpus/outlets?sort=articles&per_page=500").await;
    let names: Vec<String> = by_size["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["group"].as_str().map(str::to_string))
        .collect();
    let name = |k: usize| {
        enc(names
            .get(k.min(names.len().saturating_sub(1)))
            .map_or("", |s| s))
    };
    let (big, mid, small) = (
        name(0),
        name(names.len() / 4),
        name(names.len().saturating_sub(1)),
    );
    // Wait until the server's cache is complete (its outlets' speakers and
    // sources are counted in the background): the page of an outlet that
    // is not measured below.
    let t = Instant::now();
    json(&router, &format!("/api/corpus/outlets/{}", name(1))).await;
    println!(
        "corpus api bench: cache complete {:.0} ms later\n",
        ms(t.elapsed())
    );
    let ll = enc("Loaded_Language");
    let nc = enc("Name_Calling,Labeling");
    let (o1, o2, o3) = (enc("Outlet 1"), enc("Outlet 3"), enc("Outlet 20"));
    let week_ok = call(&router, "/api/corpus/timeline?by=week").await.0 == StatusCode::OK;
    let mut timeline = vec![
        "/api/corpus/timeline".to_string(),
        format!("/api/corpus/timeline?outlet={big}&outlet={o3}&outlet={small}"),
        format!("/api/corpus/timeline?technique={ll}&technique=Doubt"),
        format!("/api/corpus/timeline?outlet={o1}&outlet={o2}&technique={ll}&normalise=false"),
        format!("/api/corpus/timeline?outlet={big}&since=2016-01&until=2017-12"),
    ];
    if week_ok {
        timeline.push(format!(
            "/api/corpus/timeline?by=week&outlet={big}&outlet={o2}&outlet={small}"
        ));
        timeline.push("/api/corpus/timeline?by=week&since=2016-01&until=2016-12".into());
    }
    let endpoints = vec![
        Endpoint {
            name: "overview",
            urls: vec!["/api/corpus/overview".into()],
        },
        Endpoint {
            name: "outlets",
            urls: vec![
                "/api/corpus/outlets".into(),
                "/api/corpus/outlets?sort=spans_per_1k_words".into(),
                format!("/api/corpus/outlets?technique={ll}&sort={ll}"),
                "/api/corpus/outlets?since=2016-01&until=2016-12".into(),
                "/api/corpus/outlets?sort=outlet&order=asc&page=2&per_page=10".into(),
                "/api/corpus/outlets?sort=copy_share".into(),
            ],
        },
        Endpoint {
            name: "outlets/{outlet}",
            urls: vec![
                format!("/api/corpus/outlets/{big}"),
                format!("/api/corpus/outlets/{small}"),
                format!("/api/corpus/outlets/{mid}"),
            ],
        },
        Endpoint {
            name: if week_ok {
                "timeline (month, week)"
            } else {
                "timeline (month)"
            },
            urls: timeline,
        },
        Endpoint {
            name: "spans",
            urls: vec![
                "/api/corpus/spans".into(),
                format!("/api/corpus/spans?technique={ll}"),
                format!("/api/corpus/spans?technique=Doubt&outlet={mid}"),
                "/api/corpus/spans?q=Russia".into(),
                format!("/api/corpus/spans?technique={nc}&since=2016-01&until=2016-03"),
                "/api/corpus/spans?page=10".into(),
            ],
        },
        Endpoint {
            name: "search",
            urls: vec![
                "/api/corpus/search?q=Assad".into(),
                format!("/api/corpus/search?q={}", enc("\"White House\" AND Russia")),
                format!("/api/corpus/search?q=Trump&technique={nc}"),
                "/api/corpus/search?speaker=Obama".into(),
                "/api/corpus/search?q=Putin&in=quotes".into(),
                format!("/api/corpus/search?q=Syria&outlet={o1}&since=2017-01"),
            ],
        },
        Endpoint {
            name: "articles/{id}",
            urls: ids
                .iter()
                .map(|id| format!("/api/corpus/articles/{}", (id - 1) % max_id + 1))
                .collect(),
        },
        Endpoint {
            name: "copies",
            urls: vec![
                "/api/corpus/copies".into(),
                "/api/corpus/copies?page=3&per_page=20".into(),
                "/api/corpus/copies?min_similarity=0.9".into(),
            ],
        },
        Endpoint {
            name: "compare",
            urls: pairs
                .iter()
                .map(|(a, b)| format!("/api/corpus/compare?origin={a}&copy={b}"))
                .collect(),
        },
        Endpoint {
            name: "export (filtered)",
            urls: vec![
                format!("/api/corpus/export?table=articles&outlet={small}&since=2016-01&until=2016-06"),
                format!("/api/corpus/export?table=spans&format=jsonl&outlet={small}&since=2016-01&until=2016-03"),
                format!("/api/corpus/export?table=quotes&format=parquet&outlet={mid}&since=2017-05&until=2017-05"),
            ],
        },
    ];
    println!(
        "\n{:<24} {:>8} {:>9} {:>9} {:>9} {:>9}",
        "endpoint", "requests", "p50 ms", "p95 ms", "max ms", "first ms"
    );
    let mut over = Vec::new();
    for e in &endpoints {
        if e.urls.is_empty() {
            println!("{:<24} (nothing to ask: no copies linked)", e.name);
            continue;
        }
        let mut times = Vec::with_capacity(requests);
        // The slowest first call of a URL: what a cache could not help.
        let mut first = Duration::ZERO;
        for k in 0..requests {
            let url = &e.urls[k % e.urls.len()];
            let (status, body, t) = call(&router, url).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "{url}: {}",
                String::from_utf8_lossy(&body)
            );
            if k < e.urls.len() {
                first = first.max(t);
            }
            times.push(t);
        }
        let mut slowest: Vec<(Duration, &String)> = times
            .iter()
            .enumerate()
            .map(|(k, t)| (*t, &e.urls[k % e.urls.len()]))
            .collect();
        slowest.sort();
        times.sort();
        let p95 = quantile(&times, 0.95);
        let flag = if p95 >= GOAL {
            "  <-- p95 ≥ 300 ms"
        } else {
            ""
        };
        println!(
            "{:<24} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>9.1}{flag}",
            e.name,
            times.len(),
            ms(quantile(&times, 0.5)),
            ms(p95),
            ms(times[times.len() - 1]),
            ms(first),
        );
        if std::env::var_os("UNSPIN_API_BENCH_VERBOSE").is_some() {
            for (t, url) in slowest.iter().rev().take(3) {
                println!("      {:>9.1} ms  {url}", ms(*t));
            }
        }
        if p95 >= GOAL {
            over.push(e.name);
        }
    }
    if over.is_empty() {
        println!("\nevery endpoint's p95 is under {} ms", GOAL.as_millis());
    } else {
        println!(
            "\np95 of {} ms or more: {}",
            GOAL.as_millis(),
            over.join(", ")
        );
    }
}
