//! `unspin serve`: the HTTP API and the web page, a thin adapter over the
//! analysis library (`unspin-analysis`). No domain logic lives here: no
//! model loading, no pipeline assembly, no output format of its own.
//!
//! # How it fits
//!
//! [`App`] holds one [`Analyzer`](unspin_analysis::Analyzer) per tier served
//! (the first is the default of requests that name none; `unspin serve`
//! builds them with [`Analyzer::load_tiers`](unspin_analysis::Analyzer::load_tiers))
//! and the server's [`Limits`]. [`App::router`] gives an axum
//! [`Router`](axum::Router):
//!
//! | route | what |
//! |---|---|
//! | `POST /api/analyze` | `{"text"` or `"html", "format"?, "tier"?, "min_score"?, "id"?}` → the JSON wire format of `unspin-writers` (or the HTML report, or PTC lines), rendered by [`unspin_analysis::render`] |
//! | `GET /api/health` | status, version, tiers, model, stages, limits, load |
//! | `GET /api/techniques` | the 14 techniques: label, name, definition, example, colour |
//! | `GET /api/openapi.json` | the OpenAPI 3.1 document of the above |
//! | `GET /` | the web page (`/app.js`, `/evidence.js`, `/app.css`, `/sample.txt`) |
//! | `GET /corpus` | with a corpus: the dashboard (`/corpus.js`, `/corpus-copies.js`, `/corpus.css`, `/charts.js`) over the corpus API |
//! | `GET /api/corpus/…` | with [`App::with_corpus`] ([`CorpusDb`], `unspin serve --corpus DB`): a read-only JSON API over a corpus file (overview, outlets, timeline, spans, search, articles, copies, compare, export; `docs/server.md`, *Corpus API*) |
//!
//! Errors are JSON, `{"error": CODE, "message": …}` ([`ApiError`]): 400 for
//! malformed JSON, invalid fields or a tier the server does not run, 413 past
//! the body limit, 415 unless the body is `application/json`, 503 when
//! overloaded (at once) or past the timeout, 429 when one client (IP
//! address) has its share of places already (at once).
//!
//! Each tier has its own queue (`queue.rs`: a `Gate` for admission, a
//! `Lane` per tier with its workers; clients take turns). With
//! `Accept: text/event-stream`, `POST /api/analyze` answers with
//! server-sent events: the request's place in the queue at once, the fast
//! tier's preliminary result, then the final one.
//!
//! Text is read with [`unspin_readers::read_text`] (or
//! [`unspin_readers::read_markdown`] when it looks like Markdown), HTML with
//! [`unspin_readers::read_html`] (after [`check_html_depth`]).
//!
//! [`serve`] runs the router on a listener until a shutdown signal;
//! [`serve_with_drain`] then lets requests in progress finish up to a
//! deadline and cancels the rest.
//!
//! Abandoned work is cancelled: each analysis request carries an
//! [`unspin_pipeline::Cancel`] token that is cancelled when the request's
//! future is dropped (past the timeout, the client gone, shutdown), and
//! the pipeline stops at its next check (between stages, between the
//! neural tier's encoder windows), releasing its worker.
//! Offsets in responses are Unicode code points, as everywhere at unspin's
//! edges. The server makes no outbound requests, and the page loads nothing
//! from elsewhere (its Content-Security-Policy forbids it).
//!
//! ```no_run
//! use unspin_server::{serve, App, Limits};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app = App::fast(Limits::default())?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! serve(listener, &app, std::future::pending()).await?;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod app;
mod assets;
#[cfg(test)]
mod cancel_tests;
mod config;
mod corpus;
mod error;
mod html_input;
mod queue;
#[cfg(test)]
mod queue_tests;
mod stream;
#[cfg(test)]
mod test_stages;

use std::future::{Future, IntoFuture};
use std::time::Duration;

pub use app::{App, NoTiers, DEFAULT_ID, FORMATS, MAX_ID_CHARS, TIERS};
pub use assets::{
    APP_CSS, APP_JS, CHARTS_JS, CORPUS_COPIES_JS, CORPUS_CSS, CORPUS_HTML, CORPUS_JS, EVIDENCE_JS,
    INDEX_HTML, OPENAPI_JSON, SAMPLE_ARTICLE,
};
pub use config::{
    default_workers, Limits, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENT,
    DEFAULT_MAX_PER_CLIENT, DEFAULT_TIMEOUT,
};
pub use corpus::{CorpusDb, DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_SEARCH_DEPTH};
pub use error::ApiError;
pub use html_input::{check_html_depth, MAX_HTML_DEPTH};

/// Default drain deadline of [`serve_with_drain`] (`unspin serve --drain-timeout`).
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// How long [`serve_with_drain`] waits, after cancelling what was left at
/// the deadline, for the cancelled requests to be answered before it
/// returns anyway (their connections are then dropped).
pub const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// How a [`serve_with_drain`] shutdown went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Drained {
    /// Whether the shutdown signal came (`false`: the server stopped on
    /// its own, e.g. the listener failed for good).
    pub signalled: bool,
    /// Analysis requests still in progress at the drain deadline, cancelled.
    pub cancelled: usize,
    /// Whether every connection had closed when this returned (`false`:
    /// some did not close within [`CANCEL_GRACE`] after the cancellation
    /// and were dropped).
    pub clean: bool,
}

/// Serves `app` on `listener` (HTTP/1.1) until `shutdown` completes, then
/// lets requests in progress finish.
///
/// # Errors
/// When accepting connections fails for good.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: &App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.service())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves `app` on `listener` until `shutdown` completes, then stops
/// accepting connections, lets requests in progress finish for up to
/// `drain`, cancels the analyses still running at that deadline (they are
/// answered `503 shutting_down` within moments) and returns at most
/// [`CANCEL_GRACE`] later, whatever the clients do.
///
/// # Errors
/// When accepting connections fails for good.
pub async fn serve_with_drain(
    listener: tokio::net::TcpListener,
    app: &App,
    shutdown: impl Future<Output = ()> + Send + 'static,
    drain: Duration,
) -> std::io::Result<Drained> {
    let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
    let signalled = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let signal = {
        let signalled = signalled.clone();
        async move {
            shutdown.await;
            signalled.store(true, std::sync::atomic::Ordering::SeqCst);
            let _ = signalled_tx.send(());
        }
    };
    let server = axum::serve(listener, app.service())
        .with_graceful_shutdown(signal)
        .into_future();
    tokio::pin!(server);
    tokio::select! {
        // The server first: once it has completed it must not be polled again.
        biased;
        result = &mut server => {
            result?;
            let signalled = signalled.load(std::sync::atomic::Ordering::SeqCst);
            return Ok(Drained { signalled, cancelled: 0, clean: true });
        }
        Ok(()) = signalled_rx => {}
    }
    tracing::info!(
        in_flight = app.in_flight(),
        drain_s = drain.as_secs_f64(),
        "shutting down: no new connections; finishing requests in progress"
    );
    if let Ok(result) = tokio::time::timeout(drain, &mut server).await {
        result?;
        return Ok(Drained {
            signalled: true,
            cancelled: 0,
            clean: true,
        });
    }
    let cancelled = app.cancel_in_flight();
    tracing::warn!(
        cancelled,
        "drain deadline reached: cancelled the analyses still in progress"
    );
    let clean = match tokio::time::timeout(CANCEL_GRACE, &mut server).await {
        Ok(result) => {
            result?;
            true
        }
        Err(_) => false,
    };
    Ok(Drained {
        signalled: true,
        cancelled,
        clean,
    })
}
