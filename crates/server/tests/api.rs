//! API tests: every endpoint through the real router (tower `oneshot`, no
//! network), including the error paths (400, 404, 405, 413, 415, 500, 503)
//! and the OpenAPI document's agreement with what the handlers do.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;
use unspin_analysis::{AnalysisOptions, Analyzer, Tier};
use unspin_document::{layers, Document, Span};
use unspin_pipeline::{Pipeline, Stage, StageError};
use unspin_server::{App, Limits};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A response, read whole.
struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {}: body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    /// Checks the status and that an error body has the documented shape.
    fn expect_error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(self.status, status, "body: {}", self.text());
        let body = self.json();
        assert_eq!(body["error"], code, "body: {body}");
        let message = body["message"].as_str().unwrap_or_default().to_string();
        assert!(!message.is_empty(), "an error has a message: {body}");
        assert_eq!(self.header(header::CONTENT_TYPE), "application/json");
        message
    }
}

async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body is readable")
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

async fn get(router: &Router, path: &str) -> Reply {
    send(
        router,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await
}

async fn post_json(router: &Router, body: impl Into<Body>) -> Reply {
    send(
        router,
        Request::post("/api/analyze")
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .expect("request"),
    )
    .await
}

async fn analyze(router: &Router, request: Value) -> Reply {
    post_json(router, request.to_string()).await
}

fn fast_app(limits: Limits) -> App {
    App::fast(limits).expect("the embedded fast model loads")
}

fn router() -> Router {
    fast_app(Limits::default()).router()
}

/// Checks that every span of every layer slices the text, counted in code
/// points, to its `text` — what the page does with `Array.from(text)`.
fn check_offsets(doc: &Value) {
    let chars: Vec<char> = doc["text"].as_str().unwrap_or_default().chars().collect();
    for (name, spans) in doc["layers"].as_object().into_iter().flatten() {
        for span in spans.as_array().into_iter().flatten() {
            let start = span["start"].as_u64().unwrap_or(u64::MAX) as usize;
            let end = span["end"].as_u64().unwrap_or(u64::MAX) as usize;
            assert!(start <= end && end <= chars.len(), "{name}: {span}");
            let sliced: String = chars[start..end].iter().collect();
            assert_eq!(sliced, span["text"].as_str().unwrap_or_default(), "{name}");
        }
    }
}

// ------------------------------------------------------------ GET endpoints

#[tokio::test]
async fn health_reports_status_model_and_limits() {
    let limits = Limits {
        max_body_bytes: 1234,
        timeout: Duration::from_millis(1500),
        max_concurrent: 3,
        workers: 2,
    };
    let reply = get(&fast_app(limits).router(), "/api/health").await;
    assert_eq!(reply.status, StatusCode::OK);
    let h = reply.json();
    assert_eq!(h["status"], "ok");
    assert_eq!(h["tiers"], serde_json::json!(["fast"]));
    assert!(h["model"].as_str().is_some_and(|m| m.starts_with("fast")));
    assert_eq!(
        h["stages"],
        serde_json::json!(["sentences", "techniques-fast", "sourcing"])
    );
    assert_eq!(h["limits"]["max_body_bytes"], 1234);
    assert_eq!(h["limits"]["timeout_s"], 1.5);
    assert_eq!(h["limits"]["max_concurrent"], 3);
    assert_eq!(h["limits"]["workers"], 2);
    assert_eq!(h["busy"], 0);
    assert_eq!(reply.header(header::CACHE_CONTROL), "no-store");
}

#[tokio::test]
async fn techniques_lists_the_taxonomy() {
    let reply = get(&router(), "/api/techniques").await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    let list = body["techniques"].as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 14);
    for t in &list {
        for field in ["label", "name", "definition", "example", "color"] {
            assert!(
                t[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} of {t}"
            );
        }
    }
    assert!(list.iter().any(|t| t["label"] == "Loaded_Language"));
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_with_a_strict_policy() {
    let router = router();
    for (path, kind) in [
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/app.css", "text/css"),
        ("/sample.txt", "text/plain"),
    ] {
        let reply = get(&router, path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(
            reply.header(header::CONTENT_TYPE).starts_with(kind),
            "{path}"
        );
        let csp = reply.header(header::CONTENT_SECURITY_POLICY);
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("connect-src 'self'"), "{path}: {csp}");
        assert_eq!(reply.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    }
    let page = get(&router, "/").await.text();
    assert!(page.contains("<script src=\"/app.js\" defer></script>"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no external resource"
    );
}

/// The page's script never turns data into markup.
#[test]
fn the_script_never_parses_markup() {
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
        let code: String = unspin_server::APP_JS
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!code.contains(forbidden), "app.js uses {forbidden}");
    }
    let external = ["http://", "https://", "//cdn", "@import"];
    for asset in [
        unspin_server::APP_JS,
        unspin_server::APP_CSS,
        unspin_server::INDEX_HTML,
    ] {
        for e in external {
            assert!(!asset.contains(e), "an asset refers to {e}");
        }
    }
}

#[tokio::test]
async fn unknown_paths_and_methods_are_json_errors() {
    let router = router();
    get(&router, "/api/nope")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    get(&router, "/api/analyze")
        .await
        .expect_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let reply = send(
        &router,
        Request::delete("/api/health")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    reply.expect_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

// ------------------------------------------------------------ POST /api/analyze

#[tokio::test]
async fn analyze_text_returns_the_wire_format() {
    let text =
        "Caf\u{e9} news \u{1f1eb}\u{1f1f7}\n\nThese corrupt traitors will destroy our great \
        nation! Everyone knows it. Everyone knows the shameful, disgraceful truth.";
    let reply = analyze(&router(), serde_json::json!({ "text": text, "id": "a1" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.header(header::CONTENT_TYPE), "application/json");
    let doc = reply.json();
    assert_eq!(doc["schema_version"], "1.1");
    assert_eq!(doc["id"], "a1");
    assert_eq!(doc["text"], text);
    assert_eq!(
        doc["metadata"]["title"],
        "Caf\u{e9} news \u{1f1eb}\u{1f1f7}"
    );
    let spans = doc["layers"]["technique"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!spans.is_empty(), "the fast model flags this text: {doc}");
    for s in &spans {
        assert!(unspin_taxonomy::by_label(s["label"].as_str().unwrap_or("")).is_some());
        assert!(s["explanation"].as_str().is_some_and(|e| !e.is_empty()));
    }
    assert!(!doc["layers"]["sentence"]
        .as_array()
        .is_none_or(Vec::is_empty));
    assert_eq!(doc["summary"]["technique_spans"], spans.len());
    check_offsets(&doc);
    // The wire format reads back.
    unspin_writers::from_json(&reply.text()).expect("from_json reads the response");
}

#[tokio::test]
async fn analyze_is_deterministic_and_matches_the_cli_pipeline() {
    let router = router();
    let request = serde_json::json!({ "text": unspin_server::SAMPLE_ARTICLE, "id": "sample" });
    let a = analyze(&router, request.clone()).await;
    let b = analyze(&router, request).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body, b.body);
    // The same as running the pipeline directly, as `unspin analyze` does.
    let options = AnalysisOptions {
        tier: Some(Tier::Fast),
        ..AnalysisOptions::default()
    };
    let analyzer = Analyzer::new(&options).expect("the fast tier loads");
    // The sample is scraped Markdown, read as `unspin analyze` reads `.md` files.
    let mut doc = unspin_readers::read_markdown("sample", unspin_server::SAMPLE_ARTICLE);
    analyzer.analyze(&mut doc).expect("analysis");
    assert_eq!(a.text(), unspin_writers::to_json_line(&doc).expect("json"));
}

/// Checks that every quote, claim and marker of the `sourcing` object slices
/// the text, in code points, to its `text`.
fn check_sourcing_offsets(doc: &Value) {
    let chars: Vec<char> = doc["text"].as_str().unwrap_or_default().chars().collect();
    let check = |item: &Value| {
        let start = item["start"].as_u64().unwrap_or(u64::MAX) as usize;
        let end = item["end"].as_u64().unwrap_or(u64::MAX) as usize;
        assert!(start <= end && end <= chars.len(), "{item}");
        let sliced: String = chars[start..end].iter().collect();
        assert_eq!(sliced, item["text"].as_str().unwrap_or_default());
    };
    let s = &doc["sourcing"];
    for q in s["quotes"].as_array().into_iter().flatten() {
        check(q);
    }
    for c in s["claims"].as_array().into_iter().flatten() {
        check(c);
        for m in c["markers"].as_array().into_iter().flatten() {
            check(m);
        }
    }
}

#[tokio::test]
async fn analyze_returns_the_evidence_trail() {
    let router = router();
    let reply = analyze(
        &router,
        serde_json::json!({ "text": unspin_server::SAMPLE_ARTICLE, "id": "sample" }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let doc = reply.json();
    let s = &doc["sourcing"];
    assert!(
        s.is_object(),
        "the JSON has a sourcing object: {}",
        doc["summary"]
    );
    let quotes = s["quotes"].as_array().cloned().unwrap_or_default();
    let lang = quotes
        .iter()
        .find(|q| q["speaker"] == "Colonel W. Patrick Lang")
        .unwrap_or_else(|| panic!("a quote by Colonel W. Patrick Lang: {}", s["quotes"]));
    assert!(lang["id"].as_str().is_some_and(|id| id.starts_with('q')));
    assert!(
        lang["text"].as_str().is_some_and(|t| t.len() > 20),
        "{lang}"
    );
    let sources = s["sources"].as_array().cloned().unwrap_or_default();
    let nyt = sources
        .iter()
        .find(|src| {
            src["name"]
                .as_str()
                .is_some_and(|n| n.to_lowercase().contains("new york times"))
        })
        .unwrap_or_else(|| panic!("a source named like the New York Times: {}", s["sources"]));
    assert_eq!(nyt["kind"], "news_outlet");
    assert!(nyt["mentions"].as_u64().is_some_and(|n| n >= 1));
    let summary = &s["summary"];
    assert_eq!(summary["quotes"].as_u64(), Some(quotes.len() as u64));
    assert!(summary["named_sources"].as_u64().is_some_and(|n| n >= 2));
    let share = summary["quotation_share"].as_f64().unwrap_or(-1.0);
    assert!((0.0..=1.0).contains(&share), "{share}");
    let claims = s["claims"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        summary["check_worthy_claims"].as_u64(),
        Some(claims.len() as u64)
    );
    assert!(claims.iter().all(|c| c["score"].as_f64() >= Some(0.5)));
    check_sourcing_offsets(&doc);
    // The sourcing layers are in the JSON too, and the document reads back.
    for layer in ["quote", "speaker", "cue", "source", "hedge", "claim"] {
        assert!(doc["layers"][layer].is_array(), "layer {layer}");
    }
    check_offsets(&doc);
    let back = unspin_writers::from_json(&reply.text()).expect("from_json reads the response");
    // (Through text, as f32 scores are written in their shortest form.)
    let again = serde_json::to_string(&unspin_writers::sourcing_of(&back)).expect("json");
    assert_eq!(
        serde_json::from_str::<Value>(&again).expect("json"),
        *s,
        "the sourcing object is what the layers give"
    );

    // `min_score` filters techniques only: the evidence trail stays.
    let filtered = analyze(
        &router,
        serde_json::json!({ "text": unspin_server::SAMPLE_ARTICLE, "id": "sample", "min_score": 1.0 }),
    )
    .await
    .json();
    assert_eq!(filtered["sourcing"], *s);

    // The HTML report has the evidence trail, escaped.
    let page = analyze(
        &router,
        serde_json::json!({ "text": unspin_server::SAMPLE_ARTICLE, "format": "html" }),
    )
    .await
    .text();
    assert!(page.contains("<h2>Evidence trail</h2>"));
    assert!(page.contains("<strong class=\"speaker\">Colonel W. Patrick Lang</strong>"));
}

#[tokio::test]
async fn analyze_html_keeps_text_only() {
    let html = "<html><head><title>T</title><script>alert(1)</script></head><body>\
        <h1>Traitors &amp; cowards</h1><p>These corrupt traitors <img src=x onerror=alert(2)> will \
        <a href=\"javascript:alert(3)\">destroy</a> our great nation!</p></body></html>";
    let reply = analyze(&router(), serde_json::json!({ "html": html })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let doc = reply.json();
    assert_eq!(
        doc["text"],
        "Traitors & cowards\n\nThese corrupt traitors will destroy our great nation!"
    );
    assert_eq!(doc["metadata"]["title"], "Traitors & cowards");
    assert_eq!(doc["id"], "document");
    check_offsets(&doc);
}

#[tokio::test]
async fn analyze_html_refuses_pathological_nesting() {
    let html = format!("{}x{}", "<div>".repeat(5000), "</div>".repeat(5000));
    let started = Instant::now();
    let reply = analyze(&router(), serde_json::json!({ "html": html })).await;
    let message = reply.expect_error(StatusCode::BAD_REQUEST, "invalid_request");
    assert!(message.contains("512 deep"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn analyze_formats_html_and_ptc() {
    let router = router();
    let text = "Title here\n\n<script>alert('x')</script> These corrupt traitors will destroy our great nation!";
    let reply = analyze(
        &router,
        serde_json::json!({ "text": text, "format": "html" }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header(header::CONTENT_TYPE),
        "text/html; charset=utf-8"
    );
    let csp = reply.header(header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.starts_with("default-src 'none'; style-src 'unsafe-inline'"),
        "{csp}"
    );
    let page = reply.text();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        page.contains("&lt;&#x2f;script&gt;"),
        "the script tag is escaped"
    );
    assert!(!page.contains("<script"), "no script element in the report");

    let reply = analyze(
        &router,
        serde_json::json!({ "text": text, "format": "ptc", "id": "7" }),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header(header::CONTENT_TYPE),
        "text/plain; charset=utf-8"
    );
    for line in reply.text().lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 4, "{line}");
        assert_eq!(fields[0], "7");
    }
}

#[tokio::test]
async fn min_score_filters_spans_and_the_summary() {
    let router = router();
    let text = unspin_server::SAMPLE_ARTICLE;
    let all = analyze(&router, serde_json::json!({ "text": text }))
        .await
        .json();
    let n = all["layers"]["technique"].as_array().map_or(0, Vec::len);
    assert!(n > 1);
    let none = analyze(
        &router,
        serde_json::json!({ "text": text, "min_score": 1.0 }),
    )
    .await
    .json();
    assert_eq!(none["layers"]["technique"], serde_json::json!([]));
    assert_eq!(none["summary"]["technique_spans"], 0);
    let scores: Vec<f64> = all["layers"]["technique"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["score"].as_f64())
        .collect();
    let mid = scores.iter().copied().fold(0.0, f64::max) / 2.0;
    let some = analyze(
        &router,
        serde_json::json!({ "text": text, "min_score": mid }),
    )
    .await
    .json();
    let kept = some["layers"]["technique"].as_array().map_or(0, Vec::len);
    assert_eq!(
        kept,
        scores.iter().filter(|&&s| s as f32 >= mid as f32).count()
    );
}

// ------------------------------------------------------------ 400

#[tokio::test]
async fn malformed_json_is_400_with_the_position() {
    let router = router();
    let message = post_json(&router, "{\"text\": \"unterminated")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_json");
    assert!(message.contains("line 1 column"), "{message}");
    post_json(&router, "")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_json");
    post_json(&router, "[1, 2]")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_json");
    post_json(&router, vec![0xff, 0xfe, b'{'])
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_json");
    let message = post_json(&router, r#"{"text": 5}"#)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_json");
    assert!(message.contains("invalid type"), "{message}");
    let message = post_json(&router, r#"{"txt": "typo"}"#)
        .await
        .expect_error(StatusCode::BAD_REQUEST, "invalid_json");
    assert!(message.contains("unknown field `txt`"), "{message}");
}

#[tokio::test]
async fn invalid_fields_are_400_with_the_valid_options() {
    let router = router();
    let message = analyze(
        &router,
        serde_json::json!({ "text": "a", "tier": "neural" }),
    )
    .await
    .expect_error(StatusCode::BAD_REQUEST, "unknown_tier");
    assert_eq!(message, "unknown tier \"neural\"; available tiers: fast");
    let message = analyze(&router, serde_json::json!({ "text": "a", "format": "xml" }))
        .await
        .expect_error(StatusCode::BAD_REQUEST, "unknown_format");
    assert!(message.contains("json, html, ptc"), "{message}");
    for bad in [
        serde_json::json!({}),
        serde_json::json!({ "text": "a", "html": "<p>a</p>" }),
        serde_json::json!({ "text": "   \n " }),
        serde_json::json!({ "html": "<script>only()</script>" }),
        serde_json::json!({ "text": "a", "min_score": 1.5 }),
        serde_json::json!({ "text": "a", "min_score": -0.1 }),
        serde_json::json!({ "text": "a", "id": "" }),
        serde_json::json!({ "text": "a", "id": "x".repeat(201) }),
        serde_json::json!({ "text": "a", "id": "a\nb" }),
    ] {
        analyze(&router, bad.clone())
            .await
            .expect_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let reply = analyze(&router, serde_json::json!({ "text": "a", "tier": "fast" })).await;
    assert_eq!(reply.status, StatusCode::OK);
}

// ------------------------------------------------------------ 413, 415

fn small_limit_router(max_body_bytes: usize) -> Router {
    fast_app(Limits {
        max_body_bytes,
        ..Limits::default()
    })
    .router()
}

#[tokio::test]
async fn oversize_bodies_are_413() {
    let router = small_limit_router(1024);
    let big = serde_json::json!({ "text": "word ".repeat(1000) }).to_string();
    // A declared length over the limit: refused before reading anything.
    let reply = send(
        &router,
        Request::post("/api/analyze")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_LENGTH, big.len())
            .body(Body::from(big.clone()))
            .expect("request"),
    )
    .await;
    let message = reply.expect_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(message.contains("1024 bytes"), "{message}");
    assert_eq!(reply.header(header::CONNECTION), "close");
    // No declared length (as with chunked encoding): refused once the limit is passed.
    post_json(&router, big)
        .await
        .expect_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    // Up to the limit is fine.
    let fits = serde_json::json!({ "text": "word ".repeat(190) }).to_string();
    assert!(fits.len() <= 1024);
    assert_eq!(post_json(&router, fits).await.status, StatusCode::OK);
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let router = router();
    let body = serde_json::json!({ "text": "a" }).to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = Request::post("/api/analyze");
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        let reply = send(
            &router,
            request.body(Body::from(body.clone())).expect("request"),
        )
        .await;
        let message =
            reply.expect_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
        assert!(message.contains("application/json"), "{message}");
    }
    for ok in ["application/json; charset=utf-8", "Application/JSON"] {
        let reply = send(
            &router,
            Request::post("/api/analyze")
                .header(header::CONTENT_TYPE, ok)
                .body(Body::from(body.clone()))
                .expect("request"),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{ok}");
    }
}

// ------------------------------------------------------------ 503, 500

/// A stage that blocks until told to go (or 10 s pass), then does nothing.
struct Gate {
    go: Mutex<mpsc::Receiver<()>>,
}

impl Stage for Gate {
    fn name(&self) -> &str {
        "gate"
    }
    fn assigns(&self) -> &[&str] {
        &[layers::TECHNIQUE]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        if let Ok(rx) = self.go.lock() {
            let _ = rx.recv_timeout(Duration::from_secs(10));
        }
        doc.set_layer(layers::TECHNIQUE, Vec::new())?;
        Ok(())
    }
}

/// A stage that sleeps.
struct Slow(Duration);

impl Stage for Slow {
    fn name(&self) -> &str {
        "slow"
    }
    fn assigns(&self) -> &[&str] {
        &[layers::TECHNIQUE]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        std::thread::sleep(self.0);
        let n = doc.text().len().min(1);
        doc.set_layer(layers::TECHNIQUE, vec![Span::new(0, n, "Doubt")?])?;
        Ok(())
    }
}

/// A stage that panics on the text "panic".
struct Panicky;

impl Stage for Panicky {
    fn name(&self) -> &str {
        "panicky"
    }
    fn assigns(&self) -> &[&str] {
        &[layers::TECHNIQUE]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        assert!(doc.text() != "panic", "a bug in a stage");
        doc.set_layer(layers::TECHNIQUE, Vec::new())?;
        Ok(())
    }
}

fn app_with(stage: Box<dyn Stage>, limits: Limits) -> App {
    let pipeline = Pipeline::new(vec![stage], &[]).expect("pipeline");
    App::new(
        Analyzer::from_pipeline(Tier::Fast, "test", pipeline),
        limits,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_is_503_at_once_and_recovers() -> TestResult {
    let (go, rx) = mpsc::channel();
    let app = app_with(
        Box::new(Gate { go: Mutex::new(rx) }),
        Limits {
            max_concurrent: 2,
            workers: 1,
            ..Limits::default()
        },
    );
    let router = app.router();
    let request = || serde_json::json!({ "text": "held" });
    // Two admitted: one running (blocked in the gate), one waiting for the worker.
    let first = tokio::spawn({
        let router = router.clone();
        async move { analyze(&router, request()).await }
    });
    let second = tokio::spawn({
        let router = router.clone();
        async move { analyze(&router, request()).await }
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    while get(&router, "/api/health").await.json()["busy"] != 2 {
        assert!(
            Instant::now() < deadline,
            "the two requests were not admitted"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The third is refused at once.
    let started = Instant::now();
    let reply = analyze(&router, request()).await;
    let message = reply.expect_error(StatusCode::SERVICE_UNAVAILABLE, "overloaded");
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(reply.header(header::RETRY_AFTER), "1");
    assert!(message.contains("busy"), "{message}");
    // Health and the page still answer under overload.
    assert_eq!(get(&router, "/api/health").await.status, StatusCode::OK);
    assert_eq!(get(&router, "/").await.status, StatusCode::OK);
    go.send(())?;
    go.send(())?;
    assert_eq!(first.await?.status, StatusCode::OK);
    assert_eq!(second.await?.status, StatusCode::OK);
    go.send(())?;
    assert_eq!(analyze(&router, request()).await.status, StatusCode::OK);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_analysis_is_503_timeout_and_keeps_its_worker() {
    let app = app_with(
        Box::new(Slow(Duration::from_millis(800))),
        Limits {
            timeout: Duration::from_millis(150),
            max_concurrent: 4,
            workers: 1,
            ..Limits::default()
        },
    );
    let router = app.router();
    let started = Instant::now();
    let reply = analyze(&router, serde_json::json!({ "text": "slow" })).await;
    let message = reply.expect_error(StatusCode::SERVICE_UNAVAILABLE, "timeout");
    assert!(
        started.elapsed() < Duration::from_millis(700),
        "{:?}",
        started.elapsed()
    );
    assert!(message.contains("0.15 s"), "{message}");
    // The timed-out analysis still holds the only worker and its admission,
    // so a new request waits for the worker and times out too.
    assert_eq!(get(&router, "/api/health").await.json()["busy"], 1);
    let reply = analyze(&router, serde_json::json!({ "text": "slow" })).await;
    reply.expect_error(StatusCode::SERVICE_UNAVAILABLE, "timeout");
    // Once they are done, the server is free again.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert_eq!(get(&router, "/api/health").await.json()["busy"], 0);
}

#[tokio::test]
async fn a_panicking_stage_is_500_and_the_server_goes_on() {
    let router = app_with(Box::new(Panicky), Limits::default()).router();
    let message = analyze(&router, serde_json::json!({ "text": "panic" }))
        .await
        .expect_error(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    assert!(message.contains("bug"), "{message}");
    assert_eq!(
        analyze(&router, serde_json::json!({ "text": "fine" }))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(get(&router, "/api/health").await.json()["busy"], 0);
}

// ------------------------------------------------------------ OpenAPI

#[tokio::test]
async fn openapi_matches_the_router_and_the_responses() {
    let router = router();
    let reply = get(&router, "/api/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(header::CONTENT_TYPE), "application/json");
    let spec = reply.json();
    assert_eq!(spec["openapi"], "3.1.0");
    let paths: BTreeSet<String> = spec["paths"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let expected: BTreeSet<String> = [
        "/api/analyze",
        "/api/health",
        "/api/openapi.json",
        "/api/techniques",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(paths, expected);
    // Every documented GET answers 200; every documented status of analyze
    // is one the handler returns (the tests above produce each of them).
    for path in &paths {
        let methods = spec["paths"][path].as_object().cloned().unwrap_or_default();
        if methods.contains_key("get") {
            assert_eq!(get(&router, path).await.status, StatusCode::OK, "{path}");
        }
    }
    let statuses: BTreeSet<String> = spec["paths"]["/api/analyze"]["post"]["responses"]
        .as_object()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default();
    let handled: BTreeSet<String> = ["200", "400", "413", "415", "500", "503"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(statuses, handled);

    // Schemas name the fields real responses have.
    let schema_keys = |name: &str, key: &str| -> BTreeSet<String> {
        spec["components"]["schemas"][name][key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .or_else(|| {
                spec["components"]["schemas"][name][key]
                    .as_object()
                    .map(|o| o.keys().cloned().collect())
            })
            .unwrap_or_default()
    };
    let keys = |v: &Value| -> BTreeSet<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    let health = get(&router, "/api/health").await.json();
    assert_eq!(schema_keys("Health", "properties"), keys(&health));
    assert_eq!(schema_keys("Health", "required"), keys(&health));
    let doc = analyze(
        &router,
        serde_json::json!({ "text": unspin_server::SAMPLE_ARTICLE }),
    )
    .await
    .json();
    assert_eq!(schema_keys("Document", "properties"), keys(&doc));
    assert_eq!(schema_keys("Summary", "properties"), keys(&doc["summary"]));
    let sourcing = &doc["sourcing"];
    assert_eq!(schema_keys("Sourcing", "properties"), keys(sourcing));
    assert_eq!(schema_keys("Sourcing", "required"), keys(sourcing));
    for (schema, value) in [
        ("SourcingSummary", &sourcing["summary"]),
        ("CitedSource", &sourcing["sources"][0]),
        ("Quote", &sourcing["quotes"][0]),
        ("Claim", &sourcing["claims"][0]),
    ] {
        assert!(value.is_object(), "{schema}: the sample has one");
        assert_eq!(schema_keys(schema, "properties"), keys(value), "{schema}");
        assert_eq!(schema_keys(schema, "required"), keys(value), "{schema}");
    }
    let span = &doc["layers"]["technique"][0];
    assert!(
        keys(span).is_subset(&schema_keys("Span", "properties")),
        "{span}"
    );
    assert!(schema_keys("Span", "required").is_subset(&keys(span)));
    assert!(keys(&doc["metadata"]).is_subset(&schema_keys("Metadata", "properties")));
    let technique = &get(&router, "/api/techniques").await.json()["techniques"][0];
    assert_eq!(schema_keys("Technique", "properties"), keys(technique));
    let request_fields = schema_keys("AnalyzeRequest", "properties");
    for field in ["text", "html", "format", "tier", "min_score", "id"] {
        assert!(request_fields.contains(field), "{field}");
    }
    let codes: BTreeSet<String> = spec["components"]["schemas"]["Error"]["properties"]["error"]
        ["enum"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(codes.len(), 11);
}

// ------------------------------------------------------------ tiers

#[tokio::test]
async fn both_tiers_are_served_neural_first() {
    let options = AnalysisOptions {
        tier: Some(Tier::Neural),
        ..AnalysisOptions::default()
    };
    let tiers = Analyzer::load_tiers(&options).expect("both tiers ship");
    let router = App::with_tiers(tiers, Limits::default())
        .expect("two tiers")
        .router();
    let health = get(&router, "/api/health").await.json();
    assert_eq!(health["tiers"], serde_json::json!(["neural", "fast"]));
    assert!(health["model"]
        .as_str()
        .unwrap()
        .starts_with("neural-minilm@"));
    let text = "Title\n\nThese corrupt traitors will destroy our great nation! Everyone knows \
        the shameful, disgraceful truth about the radical elite and their lies.";
    for (tier, prefix) in [
        (None, "neural-minilm@"),
        (Some("neural"), "neural-minilm@"),
        (Some("fast"), "fast-"),
    ] {
        let mut request = serde_json::json!({ "text": text });
        if let Some(t) = tier {
            request["tier"] = t.into();
        }
        let reply = analyze(&router, request).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let doc = reply.json();
        let spans = doc["layers"]["technique"]
            .as_array()
            .expect("technique layer");
        assert!(!spans.is_empty(), "{tier:?} finds the loaded language");
        for s in spans {
            let p = s["provenance"].as_str().unwrap_or("");
            assert!(p.starts_with(prefix), "{tier:?}: provenance {p}");
        }
    }
}
