//! API tests: every endpoint through the real router (tower `oneshot`, no
//! network), including the error paths (400, 404, 405, 413, 415, 500, 503)
//! and the OpenAPI document's agreement with what the handlers do.
//!
//! One test binary, topic modules: `pages` (health, taxonomy, page, OpenAPI),
//! `analyze` (the analysis endpoint and its input errors), `limits` (413, 415,
//! 503, 500) and `tiers`.

mod analyze;
mod corpus;
mod limits;
mod pages;
mod tiers;

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
