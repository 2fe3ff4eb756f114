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
//! | `GET /` | the web page (`/app.js`, `/app.css`, `/sample.txt`) |
//! | `GET /corpus` | with a corpus: the dashboard (`/corpus.js`, `/corpus-copies.js`, `/corpus.css`, `/charts.js`) over the corpus API |
//! | `GET /api/corpus/…` | with [`App::with_corpus`] ([`CorpusDb`], `unspin serve --corpus DB`): a read-only JSON API over a corpus file (overview, outlets, timeline, spans, search, articles, copies, compare, export; `docs/server.md`, *Corpus API*) |
//!
//! Errors are JSON, `{"error": CODE, "message": …}` ([`ApiError`]): 400 for
//! malformed JSON, invalid fields or a tier the server does not run, 413 past
//! the body limit, 415 unless the body is `application/json`, 503 when
//! overloaded (at once) or past the timeout.
//!
//! Text is read with [`unspin_readers::read_text`] (or
//! [`unspin_readers::read_markdown`] when it looks like Markdown), HTML with
//! [`unspin_readers::read_html`] (after [`check_html_depth`]).
//!
//! [`serve`] runs the router on a listener until a shutdown signal.
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
mod config;
mod corpus;
mod error;
mod html_input;

use std::future::Future;

pub use app::{App, NoTiers, DEFAULT_ID, FORMATS, MAX_ID_CHARS, TIERS};
pub use assets::{
    APP_CSS, APP_JS, CHARTS_JS, CORPUS_COPIES_JS, CORPUS_CSS, CORPUS_HTML, CORPUS_JS, INDEX_HTML,
    OPENAPI_JSON, SAMPLE_ARTICLE,
};
pub use config::{
    default_workers, Limits, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENT, DEFAULT_TIMEOUT,
};
pub use corpus::{CorpusDb, DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_SEARCH_DEPTH};
pub use error::ApiError;
pub use html_input::{check_html_depth, MAX_HTML_DEPTH};

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
    axum::serve(listener, app.router())
        .with_graceful_shutdown(shutdown)
        .await
}
