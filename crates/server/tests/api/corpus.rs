//! The corpus API (`unspin serve --corpus`) on a small fixture corpus: five
//! articles of four outlets (one hostile name, one article without outlet or
//! date), hand-placed technique spans, real quotes and sources from the fast
//! analysis, and one copy pair linked as `corpus add` links them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use unspin_corpus::{ArticleRecord, Corpus, Mode, Provenance};
use unspin_server::CorpusDb;

use super::*;

const STORY: &str =
    "The ceasefire agreed in Geneva last week collapsed on Monday after air strikes hit \
the eastern districts of the city, killing dozens of people.\n\n\
Officials on both sides blamed each other for the violence in a series of statements issued late \
in the evening, and each promised a firm answer.\n\n\
\"We will never surrender to these criminals,\" said John Smith, the foreign minister.\n\n\
Aid agencies said their convoys had been waiting at the checkpoints for three days and could not \
reach the families who needed help the most.\n\n\
Diplomats said a new round of talks was unlikely before the end of the month, as neither \
government was willing to make the first move.\n";

const OTHER: &str = "The city council approved a new budget on Tuesday that raises spending on \
schools and public transport while cutting the cost of administration.\n\n\
The mayor said the plan would be paid for by a small increase in property taxes and by selling \
two office buildings that have stood empty for years.\n";

const HOSTILE_OUTLET: &str = "<script>alert(1)</script> News";
const HOSTILE_TEXT: &str = "<script>alert('x')</script> The senators are traitors, critics said \
on Friday, and the vote was a disgrace.\n";

/// (id, text, outlet, date, technique spans as (phrase, label)).
type Fixture = (
    &'static str,
    String,
    Option<&'static str>,
    Option<&'static str>,
    Vec<(&'static str, &'static str)>,
);

fn fixture() -> Vec<Fixture> {
    vec![
        (
            "wire1",
            STORY.to_string(),
            Some("Wire"),
            Some("2016-01-10"),
            vec![
                ("collapsed", "Loaded_Language"),
                ("killing dozens", "Loaded_Language"),
                ("these criminals", "Name_Calling,Labeling"),
            ],
        ),
        (
            "wire2",
            OTHER.to_string(),
            Some("Wire"),
            Some("2016-02-03"),
            vec![("stood empty for years", "Loaded_Language")],
        ),
        (
            "mirror",
            // A copy with one paragraph edited.
            format!(
                "Geneva Truce In Ruins\n\nBy Staff\n\n{}",
                STORY.replace(
                    "Diplomats said",
                    "Western diplomats in Geneva told reporters"
                )
            ),
            Some("Mirror"),
            Some("2016-01-12"),
            vec![("Geneva Truce In Ruins", "Slogans")],
        ),
        (
            "hostile",
            HOSTILE_TEXT.to_string(),
            Some(HOSTILE_OUTLET),
            Some("2016-02-20"),
            vec![
                ("traitors", "Name_Calling,Labeling"),
                ("disgrace", "Loaded_Language"),
            ],
        ),
        (
            "nowhere",
            "A short note without a date.\n".to_string(),
            None,
            None,
            vec![],
        ),
    ]
}

/// Builds the fixture corpus in `dir` and returns its path.
fn build(dir: &Path) -> PathBuf {
    let path = dir.join("news.db");
    let analyzer = Analyzer::new(&AnalysisOptions {
        tier: Some(Tier::Fast),
        ..AnalysisOptions::default()
    })
    .expect("the fast tier loads");
    let mut records = Vec::new();
    for (id, text, outlet, date, spans) in fixture() {
        let mut doc = Document::new(id, text.as_str());
        doc.metadata.site_name = outlet.map(str::to_string);
        doc.metadata.published = date.map(str::to_string);
        doc.metadata.title = Some(if id == "hostile" {
            "<b onmouseover=alert(1)>Hostile</b>".to_string()
        } else {
            format!("Story {id}")
        });
        analyzer.analyze(&mut doc).expect("analysis");
        let spans: Vec<Span> = spans
            .iter()
            .map(|(phrase, label)| {
                let start = text.find(phrase).expect("phrase in text");
                Span::new(start, start + phrase.len(), *label).expect("span")
            })
            .collect();
        doc.set_layer(layers::TECHNIQUE, spans).expect("layer");
        let provenance = Provenance {
            source: format!("{id}.txt"),
            tier: "fast".into(),
            model: "test".into(),
            sourcing: true,
        };
        records.push(ArticleRecord::new(&doc, provenance).expect("record"));
    }
    let mut corpus =
        Corpus::open(&path, Mode::Create, Duration::from_secs(5)).expect("corpus created");
    corpus.insert(&records).expect("insert");
    let report = corpus.link_copies(&mut |_, _| {}).expect("link");
    assert_eq!(
        report.copies, 1,
        "the Mirror article copies the first Wire one"
    );
    path
}

fn corpus_router(path: &Path) -> Router {
    let db = CorpusDb::open(path).expect("a corpus");
    fast_app(Limits::default()).with_corpus(db).router()
}

async fn ok_json(router: &Router, path: &str) -> Value {
    let reply = get(router, path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    reply.json()
}

fn sql_i64(path: &Path, sql: &str) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open");
    conn.query_row(sql, [], |r| r.get(0)).expect("query")
}

#[tokio::test]
async fn every_endpoint_answers_with_the_corpus_numbers_and_writes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = build(dir.path());
    let watcher = rusqlite::Connection::open(&path)?;
    let version = |c: &rusqlite::Connection| -> i64 {
        c.query_row("PRAGMA data_version", [], |r| r.get(0))
            .unwrap_or(-1)
    };
    let version_before = version(&watcher);
    let mtime_before = std::fs::metadata(&path)?.modified()?;
    let router = corpus_router(&path);

    // Overview.
    let o = ok_json(&router, "/api/corpus/overview").await;
    assert_eq!(o["articles"], 5);
    assert_eq!(o["outlets"], 3, "Wire, Mirror, the hostile name: {o}");
    assert_eq!(o["technique_spans"], 7);
    assert_eq!(o["first_published"], "2016-01-10");
    assert_eq!(o["last_published"], "2016-02-20");
    assert_eq!(o["path"], "news.db");
    let mix = o["techniques"].as_array().cloned().unwrap_or_default();
    assert_eq!(mix.len(), 14, "every technique, found or not");
    let loaded = mix
        .iter()
        .find(|t| t["technique"] == "Loaded_Language")
        .cloned();
    let loaded = loaded.unwrap_or_default();
    assert_eq!(
        (loaded["spans"].as_u64(), loaded["articles"].as_u64()),
        (Some(4), Some(3))
    );
    let words = sql_i64(&path, "SELECT sum(words) FROM articles");
    let rate = loaded["spans_per_1k_words"]["value"]
        .as_f64()
        .unwrap_or(-1.0);
    assert!((rate - 4000.0 / words as f64).abs() < 1e-9, "{rate}");

    // Outlets: the stats report, sorted and paginated.
    let list = ok_json(&router, "/api/corpus/outlets").await;
    assert_eq!(list["total"], 4, "three outlets and (unknown): {list}");
    assert_eq!(list["items"][0]["group"], "Wire");
    assert_eq!(list["items"][0]["articles"], 2);
    assert_eq!(list["items"][0]["spans"], 4);
    let mirror_copy = ok_json(&router, "/api/corpus/outlets?sort=copies&per_page=1").await;
    assert_eq!(mirror_copy["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(mirror_copy["items"][0]["group"], "Mirror");
    assert_eq!(mirror_copy["items"][0]["copied_from"][0]["outlet"], "Wire");
    let by_name = ok_json(
        &router,
        "/api/corpus/outlets?sort=outlet&order=asc&page=2&per_page=3",
    )
    .await;
    assert_eq!(by_name["total"], 4);
    assert_eq!(by_name["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(by_name["items"][0]["group"], "Wire");
    let names = ok_json(&router, "/api/corpus/outlets?sort=outlet&order=asc").await;
    let first = names["items"][0]["group"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(first, "(unknown)");
    assert_eq!(
        names["items"][1]["group"], HOSTILE_OUTLET,
        "markup stays a plain string"
    );
    let rate_sorted = ok_json(&router, "/api/corpus/outlets?sort=Name_Calling%2CLabeling").await;
    assert_eq!(rate_sorted["items"][0]["group"], HOSTILE_OUTLET);
    let filtered = ok_json(&router, "/api/corpus/outlets?since=2016-02&min_articles=1").await;
    assert_eq!(
        filtered["total"], 2,
        "Wire's February article and the hostile outlet"
    );

    // One outlet's page.
    let wire = ok_json(&router, "/api/corpus/outlets/wire").await;
    assert_eq!(wire["outlet"], "Wire");
    assert_eq!(wire["stats"]["articles"], 2);
    let profile = wire["profile"].as_array().cloned().unwrap_or_default();
    let ll = profile
        .iter()
        .find(|p| p["technique"] == "Loaded_Language")
        .cloned()
        .unwrap_or_default();
    assert_eq!(ll["outlet"]["spans"], 3);
    assert_eq!(ll["corpus"]["spans"], 4);
    assert!(ll["outlet"]["spans_per_1k_words"]["low"].is_number());
    let speakers = sql_i64(
        &path,
        "SELECT count(DISTINCT speaker) FROM quotes JOIN articles ON articles.id = article_id \
         WHERE outlet = 'Wire' AND speaker IS NOT NULL AND speaker <> ''",
    );
    assert_eq!(
        wire["speakers"].as_array().map(Vec::len),
        Some(speakers as usize)
    );
    let sources = sql_i64(
        &path,
        "SELECT count(DISTINCT name) FROM sources JOIN articles ON articles.id = article_id \
         WHERE outlet = 'Wire' AND name <> ''",
    );
    assert_eq!(
        wire["sources"].as_array().map(Vec::len),
        Some(sources as usize)
    );
    assert_eq!(wire["copies"][0]["origin"], 1);
    assert_eq!(wire["copies"][0]["members"][1]["id"], 3);
    let hostile = ok_json(
        &router,
        "/api/corpus/outlets/%3Cscript%3Ealert(1)%3C%2Fscript%3E%20News",
    )
    .await;
    assert_eq!(hostile["outlet"], HOSTILE_OUTLET);
    let unknown = ok_json(&router, "/api/corpus/outlets/(unknown)").await;
    assert_eq!(unknown["stats"]["articles"], 1);

    // Timeline: per month, per technique or outlet.
    let t = ok_json(&router, "/api/corpus/timeline?technique=Loaded_Language").await;
    let points = t["series"][0]["points"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let months: Vec<&str> = points.iter().filter_map(|p| p["month"].as_str()).collect();
    assert_eq!(months, ["(unknown)", "2016-01", "2016-02"].to_vec());
    assert_eq!(points[1]["spans"], 2);
    assert!(points[1]["low"].as_f64() <= points[1]["value"].as_f64());
    let raw = ok_json(
        &router,
        "/api/corpus/timeline?outlet=Wire&outlet=Mirror&normalise=false",
    )
    .await;
    assert_eq!(raw["series"].as_array().map(Vec::len), Some(2));
    assert_eq!(raw["series"][0]["outlet"], "Wire");
    let wire_points = raw["series"][0]["points"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(wire_points.len(), 2);
    assert_eq!(wire_points[0]["value"], 3.0);
    assert!(wire_points[0]["low"].is_null());

    // Spans: filters, FTS, pagination, code point offsets.
    let s = ok_json(
        &router,
        "/api/corpus/spans?technique=Loaded_Language&per_page=2",
    )
    .await;
    assert_eq!(s["total"], 4);
    assert_eq!(s["items"].as_array().map(Vec::len), Some(2));
    let page2 = ok_json(
        &router,
        "/api/corpus/spans?technique=Loaded_Language&per_page=2&page=2",
    )
    .await;
    assert_eq!(page2["items"].as_array().map(Vec::len), Some(2));
    assert_ne!(page2["items"][0], s["items"][0]);
    let q = ok_json(&router, "/api/corpus/spans?q=traitors").await;
    assert_eq!(q["total"], 1);
    let hit = &q["items"][0];
    assert_eq!(hit["outlet"], HOSTILE_OUTLET);
    let chars: Vec<char> = HOSTILE_TEXT.chars().collect();
    let (a, b) = (
        hit["start"].as_u64().unwrap_or(0) as usize,
        hit["end"].as_u64().unwrap_or(0) as usize,
    );
    assert_eq!(chars[a..b].iter().collect::<String>(), "traitors");
    let by_outlet = ok_json(&router, "/api/corpus/spans?outlet=mirror").await;
    assert_eq!(by_outlet["total"], 1);

    // Search.
    let found = ok_json(&router, "/api/corpus/search?q=ceasefire").await;
    assert_eq!(found["total"], 2);
    assert!(found["items"][0]["snippet"]["text"]
        .as_str()
        .unwrap_or_default()
        .contains("ceasefire"));
    let script = ok_json(&router, "/api/corpus/search?q=%22alert%22").await;
    assert_eq!(script["total"], 1);
    assert_eq!(
        script["items"][0]["title"],
        "<b onmouseover=alert(1)>Hostile</b>"
    );

    // Articles, copies, comparison.
    let article = ok_json(&router, "/api/corpus/articles/4").await;
    assert_eq!(article["corpus_id"], 4);
    assert_eq!(article["text"], HOSTILE_TEXT);
    assert_eq!(article["metadata"]["site_name"], HOSTILE_OUTLET);
    check_offsets(&article);
    let copies = ok_json(&router, "/api/corpus/copies").await;
    assert_eq!(copies["total"], 1);
    assert_eq!(copies["items"][0]["origin"], 1);
    assert!(copies["items"][0]["members"][1]["changes"].is_null());
    let similarity = copies["items"][0]["members"][1]["similarity"]
        .as_f64()
        .unwrap_or(2.0);
    assert!(similarity > 0.5 && similarity < 1.0, "{similarity}");
    let above = format!(
        "/api/corpus/copies?min_similarity={}",
        (similarity + 1.0) / 2.0
    );
    assert_eq!(ok_json(&router, &above).await["total"], 0);
    let cmp = ok_json(&router, "/api/corpus/compare?origin=1&copy=3").await;
    assert_eq!(cmp["relation"], "copy");
    assert_eq!(
        (cmp["origin"]["id"].as_i64(), cmp["copy"]["id"].as_i64()),
        (Some(1), Some(3))
    );
    assert!(cmp["rows"].as_array().is_some_and(|r| !r.is_empty()));

    // Export: the CLI's export code, as a download.
    let csv = get(
        &router,
        "/api/corpus/export?table=spans&format=csv&outlet=Wire",
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"spans.csv\""
    );
    assert_eq!(
        csv.text().lines().count(),
        1 + 4,
        "header and Wire's four spans"
    );
    let jsonl = get(
        &router,
        "/api/corpus/export?table=articles&format=jsonl&since=2016-02",
    )
    .await;
    assert_eq!(jsonl.text().lines().count(), 2);
    let parquet = get(&router, "/api/corpus/export?table=quotes&format=parquet").await;
    assert_eq!(parquet.status, StatusCode::OK);
    assert!(parquet.body.starts_with(b"PAR1"));

    // Nothing was written.
    assert_eq!(
        version(&watcher),
        version_before,
        "PRAGMA data_version changed"
    );
    assert_eq!(std::fs::metadata(&path)?.modified()?, mtime_before);
    Ok(())
}

#[tokio::test]
async fn bad_parameters_are_400_and_unknown_ids_404() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = build(dir.path());
    let router = corpus_router(&path);
    for (url, name) in [
        ("/api/corpus/outlets?per_page=501", "per_page"),
        ("/api/corpus/outlets?page=0", "page"),
        ("/api/corpus/outlets?sort=colour", "sort"),
        ("/api/corpus/outlets?order=up", "order"),
        ("/api/corpus/outlets?since=2015-02-29", "since"),
        ("/api/corpus/outlets?bogus=1", "bogus"),
        ("/api/corpus/timeline?technique=Name_Calling", "technique"),
        ("/api/corpus/timeline?normalise=maybe", "normalise"),
        ("/api/corpus/spans?per_page=x", "per_page"),
        ("/api/corpus/spans?page=1000&per_page=500", "page"),
        ("/api/corpus/search?in=tweets", "in"),
        ("/api/corpus/copies?min_similarity=2", "min_similarity"),
        ("/api/corpus/compare?origin=1", "copy"),
        ("/api/corpus/compare?origin=x&copy=1", "origin"),
        ("/api/corpus/articles/abc", "id"),
        ("/api/corpus/export?table=users", "table"),
        ("/api/corpus/export?format=xml", "format"),
    ] {
        let message = get(&router, url)
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_request");
        assert!(message.contains(&format!("\"{name}\"")), "{url}: {message}");
    }
    let message = get(&router, "/api/corpus/search?q=AND")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_request");
    assert!(message.contains("invalid query"), "{message}");
    for url in [
        "/api/corpus/articles/99",
        "/api/corpus/outlets/Nowhere%20Times",
        "/api/corpus/compare?origin=1&copy=99",
    ] {
        get(&router, url)
            .await
            .expect_error(StatusCode::NOT_FOUND, "not_found");
    }
    // Without --corpus there is no corpus API.
    get(&router_without_corpus(), "/api/corpus/overview")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    Ok(())
}

fn router_without_corpus() -> Router {
    router()
}

#[test]
fn a_file_that_is_not_a_corpus_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "not a database at all, just some words in a file\n".repeat(100),
    )?;
    let err = CorpusDb::open(&text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("not an unspin corpus"), "{err}");
    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other)?;
    conn.execute("CREATE TABLE t (x)", [])?;
    drop(conn);
    let err = CorpusDb::open(&other)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("not an unspin corpus"), "{err}");
    let err = CorpusDb::open(&dir.path().join("missing.db"))
        .err()
        .map(|e| e.to_string());
    assert!(err.unwrap_or_default().contains("does not exist"));
    Ok(())
}

/// `export` with `technique`: the spans table keeps the spans of those
/// techniques (the rows `/api/corpus/spans` counts for the same filters);
/// another table keeps the rows of the articles having such a span.
#[tokio::test]
async fn export_filters_by_technique() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = build(dir.path());
    let router = corpus_router(&path);
    let rows = |reply: Reply| reply.text().lines().filter(|l| !l.is_empty()).count();
    for filters in [
        "technique=Loaded_Language",
        "technique=Loaded_Language&outlet=Wire",
        "technique=Loaded_Language&technique=Slogans",
        "technique=Name_Calling%2CLabeling&since=2016-02",
    ] {
        let listed = ok_json(&router, &format!("/api/corpus/spans?{filters}")).await;
        let url = format!("/api/corpus/export?table=spans&format=jsonl&{filters}");
        let exported = get(&router, &url).await;
        assert_eq!(exported.status, StatusCode::OK, "{url}");
        let wanted: Vec<String> = filters
            .split('&')
            .filter_map(|kv| kv.strip_prefix("technique="))
            .map(|t| t.replace("%2C", ","))
            .collect();
        for line in exported.text().lines() {
            let row: Value = serde_json::from_str(line)?;
            assert!(
                wanted.iter().any(|t| row["technique"] == t.as_str()),
                "{filters}: {line}"
            );
        }
        assert_eq!(
            Some(rows(exported) as u64),
            listed["total"].as_u64(),
            "{filters}"
        );
    }
    // Articles with a Name calling span: the first Wire story and the hostile one.
    let articles = get(
        &router,
        "/api/corpus/export?table=articles&format=jsonl&technique=Name_Calling%2CLabeling",
    )
    .await;
    assert_eq!(rows(articles), 2);
    let message = get(
        &router,
        "/api/corpus/export?table=spans&technique=Name_Calling",
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "invalid_request");
    assert!(message.contains("\"technique\""), "{message}");
    Ok(())
}

/// The dashboard (`/corpus`) is served with a corpus only, under the page's
/// strict policy, and its scripts never turn data into markup nor load
/// anything from elsewhere.
#[tokio::test]
async fn the_dashboard_is_served_with_a_corpus_only() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = build(dir.path());
    let router = corpus_router(&path);
    for (p, kind) in [
        ("/corpus", "text/html"),
        ("/corpus.js", "text/javascript"),
        ("/corpus-copies.js", "text/javascript"),
        ("/corpus.css", "text/css"),
        ("/charts.js", "text/javascript"),
    ] {
        let reply = get(&router, p).await;
        assert_eq!(reply.status, StatusCode::OK, "{p}");
        assert!(reply.header(header::CONTENT_TYPE).starts_with(kind), "{p}");
        let csp = reply.header(header::CONTENT_SECURITY_POLICY);
        assert!(csp.contains("script-src 'self'"), "{p}: {csp}");
        assert!(csp.contains("connect-src 'self'"), "{p}: {csp}");
    }
    let page = get(&router, "/corpus?view=outlets&sort=articles")
        .await
        .text();
    assert!(page.contains("<script src=\"/corpus.js\" defer></script>"));
    for p in [
        "/corpus",
        "/corpus.js",
        "/corpus-copies.js",
        "/corpus.css",
        "/charts.js",
    ] {
        get(&router_without_corpus(), p)
            .await
            .expect_error(StatusCode::NOT_FOUND, "not_found");
    }
    for (name, script) in [
        ("corpus.js", unspin_server::CORPUS_JS),
        ("corpus-copies.js", unspin_server::CORPUS_COPIES_JS),
        ("charts.js", unspin_server::CHARTS_JS),
    ] {
        let code: String = script
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for forbidden in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "DOMParser",
            "createContextualFragment",
        ] {
            assert!(!code.contains(forbidden), "{name} uses {forbidden}");
        }
    }
    for asset in [
        unspin_server::CORPUS_HTML,
        unspin_server::CORPUS_CSS,
        unspin_server::CORPUS_JS,
        unspin_server::CORPUS_COPIES_JS,
        // The SVG namespace is a name, not a request.
        &unspin_server::CHARTS_JS.replace("'http://www.w3.org/2000/svg'", "NS"),
    ] {
        for e in ["http://", "https://", "//cdn", "@import"] {
            assert!(!asset.contains(e), "a dashboard asset refers to {e}");
        }
    }
    Ok(())
}

/// What the server computes once per version of the file (statistics
/// inputs, copy clusters, outlets' speakers, the overview) is recomputed
/// when another process writes the file, and when the file is replaced.
#[tokio::test]
async fn cached_answers_follow_writes_and_a_replaced_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = build(dir.path());
    let router = corpus_router(&path);
    let articles = |v: &Value| v["articles"].as_u64().unwrap_or(0);
    let wire_articles = |v: &Value| {
        v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|g| g["group"] == "Wire")
            .map_or(0, |g| g["articles"].as_u64().unwrap_or(0))
    };
    assert_eq!(articles(&ok_json(&router, "/api/corpus/overview").await), 5);
    assert_eq!(
        wire_articles(&ok_json(&router, "/api/corpus/outlets").await),
        2
    );
    let page = ok_json(&router, "/api/corpus/outlets/Wire").await;
    assert_eq!(page["stats"]["articles"], 2);
    let before = ok_json(&router, "/api/corpus/timeline?outlet=Wire").await;

    // Another process adds a Wire article (quoting a new speaker) while the
    // server runs.
    let mut doc = Document::new(
        "late",
        "\"The talks will resume,\" said Maria Lopez, the mediator, on Monday.\n",
    );
    doc.metadata.site_name = Some("Wire".into());
    doc.metadata.published = Some("2016-03-01".into());
    Analyzer::new(&AnalysisOptions {
        tier: Some(Tier::Fast),
        ..AnalysisOptions::default()
    })?
    .analyze(&mut doc)?;
    let record = ArticleRecord::new(
        &doc,
        Provenance {
            source: "late.txt".into(),
            tier: "fast".into(),
            model: "test".into(),
            sourcing: true,
        },
    )?;
    let mut writer = Corpus::open(&path, Mode::Create, Duration::from_secs(5))?;
    assert_eq!(writer.insert(&[record])?.added, 1);
    drop(writer);

    assert_eq!(articles(&ok_json(&router, "/api/corpus/overview").await), 6);
    assert_eq!(
        wire_articles(&ok_json(&router, "/api/corpus/outlets").await),
        3
    );
    let page = ok_json(&router, "/api/corpus/outlets/Wire").await;
    assert_eq!(page["stats"]["articles"], 3);
    let speakers = ok_json(&router, "/api/corpus/outlets/Wire").await["speakers"].clone();
    let quoted = sql_i64(
        &path,
        "SELECT count(*) FROM quotes q JOIN articles a ON a.id = q.article_id
         WHERE a.outlet = 'Wire' AND q.speaker IS NOT NULL AND q.speaker <> ''",
    );
    let listed: u64 = speakers
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(listed as i64, quoted, "{speakers}");
    let after = ok_json(&router, "/api/corpus/timeline?outlet=Wire").await;
    assert_ne!(before["series"], after["series"], "March is drawn now");

    // The file replaced by another corpus (a new inode): its numbers.
    let other = tempfile::tempdir()?;
    let replacement = build(other.path());
    std::fs::rename(&replacement, &path)?;
    for suffix in ["-wal", "-shm"] {
        let mut from = replacement.clone().into_os_string();
        from.push(suffix);
        let mut to = path.clone().into_os_string();
        to.push(suffix);
        if std::path::Path::new(&from).exists() {
            std::fs::rename(&from, &to)?;
        } else {
            let _ = std::fs::remove_file(&to);
        }
    }
    assert_eq!(articles(&ok_json(&router, "/api/corpus/overview").await), 5);
    assert_eq!(
        wire_articles(&ok_json(&router, "/api/corpus/outlets").await),
        2
    );
    Ok(())
}
