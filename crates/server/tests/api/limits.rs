//! Request limits: body size (413), content type (415), overload and
//! timeouts (503), panics (500).

use super::*;

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
