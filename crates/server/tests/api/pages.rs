//! Health, taxonomy, the web page and its assets, unknown routes, OpenAPI.

use super::*;

#[tokio::test]
async fn health_reports_status_model_and_limits() {
    let limits = Limits {
        max_body_bytes: 1234,
        timeout: Duration::from_millis(1500),
        max_concurrent: 3,
        max_per_client: 2,
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
    assert_eq!(h["limits"]["max_per_client"], 2);
    assert_eq!(h["busy"], 0);
    assert_eq!((&h["running"], &h["queued"]), (&0.into(), &0.into()));
    let fast = &h["queues"]["fast"];
    assert_eq!((&fast["workers"], &fast["queued"]), (&2.into(), &0.into()));
    assert_eq!(fast["recent"]["analyses"], 0);
    assert!(fast["recent"]["run_p50_s"].is_null());
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
        ("/evidence.js", "text/javascript"),
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
        page.find("/app.js").unwrap() < page.find("/evidence.js").unwrap(),
        "evidence.js uses app.js's helpers: it loads after it"
    );
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no external resource"
    );
}

/// The page's scripts never turn data into markup.
#[test]
fn the_script_never_parses_markup() {
    for (name, script) in [
        ("app.js", unspin_server::APP_JS),
        ("evidence.js", unspin_server::EVIDENCE_JS),
    ] {
        never_parses_markup(name, script);
    }
    let external = ["http://", "https://", "//cdn", "@import"];
    for asset in [
        unspin_server::APP_JS,
        unspin_server::EVIDENCE_JS,
        unspin_server::APP_CSS,
        unspin_server::INDEX_HTML,
    ] {
        for e in external {
            assert!(!asset.contains(e), "an asset refers to {e}");
        }
    }
}

fn never_parses_markup(name: &str, script: &str) {
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
        let code: String = script
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!code.contains(forbidden), "{name} uses {forbidden}");
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
        // The corpus API (`serve --corpus`), checked in `corpus.rs`.
        "/api/corpus/overview",
        "/api/corpus/outlets",
        "/api/corpus/outlets/{outlet}",
        "/api/corpus/timeline",
        "/api/corpus/spans",
        "/api/corpus/search",
        "/api/corpus/articles/{id}",
        "/api/corpus/copies",
        "/api/corpus/compare",
        "/api/corpus/export",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(paths, expected);
    // Every documented GET answers 200; every documented status of analyze
    // is one the handler returns (the tests above produce each of them).
    for path in &paths {
        let methods = spec["paths"][path].as_object().cloned().unwrap_or_default();
        if methods.contains_key("get") && !path.starts_with("/api/corpus/") {
            assert_eq!(get(&router, path).await.status, StatusCode::OK, "{path}");
        }
    }
    let statuses: BTreeSet<String> = spec["paths"]["/api/analyze"]["post"]["responses"]
        .as_object()
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default();
    let handled: BTreeSet<String> = ["200", "400", "413", "415", "429", "500", "503"]
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
    let queue = &health["queues"]["fast"];
    assert_eq!(schema_keys("Queue", "properties"), keys(queue));
    assert_eq!(schema_keys("Queue", "required"), keys(queue));
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
    assert_eq!(codes.len(), 13);
    assert!(codes.contains("too_many_requests"));
}
