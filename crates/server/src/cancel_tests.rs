//! Cancellation of abandoned work and shutdown with a drain deadline,
//! through the real router (tower `oneshot`) and a real listener.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;
use unspin_analysis::{Analyzer, Tier};
use unspin_pipeline::Pipeline;

use crate::test_stages::Spin;
use crate::{serve_with_drain, App, Limits};

struct Fixture {
    app: App,
    started: Arc<AtomicUsize>,
    cancelled: Arc<AtomicUsize>,
}

fn fixture(limits: Limits) -> Fixture {
    let started = Arc::new(AtomicUsize::new(0));
    let cancelled = Arc::new(AtomicUsize::new(0));
    let stage = Spin {
        started: started.clone(),
        cancelled: cancelled.clone(),
    };
    let pipeline = Pipeline::new(vec![Box::new(stage)], &[]).expect("pipeline");
    let app = App::new(
        Analyzer::from_pipeline(Tier::Fast, "test", pipeline),
        limits,
    );
    Fixture {
        app,
        started,
        cancelled,
    }
}

async fn analyze(router: &Router, text: &str) -> (StatusCode, serde_json::Value) {
    let request = Request::post("/api/analyze")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(serde_json::json!({ "text": text }).to_string()))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, serde_json::from_slice(&body).unwrap_or_default())
}

async fn health(router: &Router) -> serde_json::Value {
    let request = Request::get("/api/health")
        .body(Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    serde_json::from_slice(&body).expect("health is JSON")
}

/// Polls `/api/health` until nothing is admitted or running (a generous
/// 20 s limit: the point is that it happens, not how fast).
async fn wait_until_idle(router: &Router) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let h = health(router).await;
        if h["busy"] == 0 && h["running"] == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "the worker was not freed: {h}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_analysis_is_cancelled_and_frees_its_worker() {
    let f = fixture(Limits {
        timeout: Duration::from_millis(200),
        max_concurrent: 4,
        workers: 1,
        ..Limits::default()
    });
    let router = f.app.router();
    let (status, body) = analyze(&router, "spin").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "timeout");
    // Without cancellation the stage would hold the only worker for 60 s.
    wait_until_idle(&router).await;
    assert_eq!(f.started.load(Ordering::SeqCst), 1);
    assert_eq!(f.cancelled.load(Ordering::SeqCst), 1);
    assert_eq!(f.app.in_flight(), 0);
    // The freed worker serves the next request.
    let (status, body) = analyze(&router, "fine").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_request_is_cancelled_and_a_queued_one_never_starts() {
    let f = fixture(Limits {
        max_concurrent: 4,
        workers: 1,
        ..Limits::default()
    });
    let router = f.app.router();
    // The first takes the only worker; the second waits for it.
    let first = tokio::spawn({
        let router = router.clone();
        async move { analyze(&router, "spin").await }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while f.started.load(Ordering::SeqCst) == 0 {
        assert!(
            Instant::now() < deadline,
            "the first analysis did not start"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let second = tokio::spawn({
        let router = router.clone();
        async move { analyze(&router, "spin").await }
    });
    while health(&router).await["busy"] != 2 {
        assert!(Instant::now() < deadline, "the second was not admitted");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Both clients go away (their futures are dropped, as hyper does when a
    // connection closes).
    second.abort();
    first.abort();
    wait_until_idle(&router).await;
    assert_eq!(f.started.load(Ordering::SeqCst), 1, "the queued job ran");
    assert_eq!(f.cancelled.load(Ordering::SeqCst), 1);
    assert_eq!(f.app.in_flight(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drains_then_cancels_what_is_left() {
    let f = fixture(Limits {
        max_concurrent: 4,
        workers: 2,
        ..Limits::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let app = f.app.clone();
    let server = tokio::spawn(async move {
        serve_with_drain(
            listener,
            &app,
            async {
                let _ = stop_rx.await;
            },
            Duration::from_millis(300),
        )
        .await
    });
    // A raw HTTP/1.1 request that spins until cancelled.
    let client = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let body = r#"{"text": "spin"}"#;
        let head = format!(
            "POST /api/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.expect("write");
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply).await;
        String::from_utf8_lossy(&reply).into_owned()
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while f.started.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the analysis did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = stop_tx.send(());
    let drained = tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("the server stopped")
        .expect("no panic")
        .expect("no I/O error");
    assert!(drained.signalled);
    assert_eq!(drained.cancelled, 1);
    assert!(drained.clean);
    let reply = tokio::time::timeout(Duration::from_secs(20), client)
        .await
        .expect("the client got an answer")
        .expect("no panic");
    assert!(reply.starts_with("HTTP/1.1 503"), "{reply}");
    assert!(reply.contains("shutting_down"), "{reply}");
    assert_eq!(f.cancelled.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_with_nothing_in_flight_cancels_nothing() {
    let f = fixture(Limits::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let drained = serve_with_drain(listener, &f.app, async {}, Duration::from_secs(5))
        .await
        .expect("no I/O error");
    assert_eq!(drained.cancelled, 0);
    assert!(drained.signalled && drained.clean);
}

/// The real neural tier on a long text (the sample article, 40 times):
/// past a short timeout its worker is freed long before the analysis
/// would have ended, because the encoder's window loop checks the token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_neural_analysis_frees_its_worker() {
    let options = unspin_analysis::AnalysisOptions {
        tier: Some(Tier::Neural),
        ..unspin_analysis::AnalysisOptions::default()
    };
    let analyzer = match Analyzer::new(&options) {
        Err(unspin_analysis::AnalysisError::NoNeuralModel) => {
            eprintln!("skipped: this build has no embedded neural weights");
            return;
        }
        loaded => loaded.expect("the embedded neural tier loads"),
    };
    let app = App::new(
        analyzer,
        Limits {
            timeout: Duration::from_millis(300),
            workers: 1,
            ..Limits::default()
        },
    );
    let router = app.router();
    let text = crate::SAMPLE_ARTICLE.repeat(40);
    let (status, body) = analyze(&router, &text).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "timeout");
    wait_until_idle(&router).await;
}
