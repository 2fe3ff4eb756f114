//! `POST /api/analyze`: the wire format, formats, filters and input errors.

use super::*;

#[tokio::test]
async fn analyze_text_returns_the_wire_format() {
    let text =
        "Caf\u{e9} news \u{1f1eb}\u{1f1f7}\n\nThese corrupt traitors will destroy our great \
        nation! Everyone knows it. Everyone knows the shameful, disgraceful truth.";
    let reply = analyze(&router(), serde_json::json!({ "text": text, "id": "a1" })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.header(header::CONTENT_TYPE), "application/json");
    let doc = reply.json();
    assert_eq!(doc["schema_version"], "1.2");
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
