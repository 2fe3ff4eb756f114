//! The web page and the OpenAPI document, embedded in the binary.
//!
//! The page is four static files (`assets/index.html`, `app.js`,
//! `evidence.js`, `app.css`): vanilla JavaScript, no framework, nothing fetched from
//! anywhere but this server, so it works offline. The article is rendered
//! with DOM text nodes only, never as markup.
//!
//! # Why a hand-written OpenAPI document
//!
//! `assets/openapi.json` is written by hand rather than generated (e.g. with
//! `utoipa`): the response is the JSON wire format of `unspin-writers`,
//! whose types are deliberately separate from the server and carry no
//! OpenAPI derive, and a proc-macro generator would add a heavy dependency
//! to document four endpoints. The API tests keep the document honest: they
//! check that it lists exactly the routes the router serves, with the
//! statuses the handlers return, and that the field names of its schemas are
//! those of real responses.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The page's HTML.
pub const INDEX_HTML: &str = include_str!("../assets/index.html");
/// The page's script.
pub const APP_JS: &str = include_str!("../assets/app.js");
/// The page's evidence panel (sources, quotes, claims), loaded after
/// `app.js`, whose helpers it uses.
pub const EVIDENCE_JS: &str = include_str!("../assets/evidence.js");
/// The page's stylesheet.
pub const APP_CSS: &str = include_str!("../assets/app.css");
/// The OpenAPI 3.1 document of the API.
pub const OPENAPI_JSON: &str = include_str!("../assets/openapi.json");
/// The corpus dashboard's HTML (`/corpus`, served with `--corpus` only).
pub const CORPUS_HTML: &str = include_str!("../assets/corpus.html");
/// The corpus dashboard's script.
pub const CORPUS_JS: &str = include_str!("../assets/corpus.js");
/// The dashboard's copies, comparison and search views.
pub const CORPUS_COPIES_JS: &str = include_str!("../assets/corpus-copies.js");
/// The corpus dashboard's stylesheet (on top of `app.css`, whose variables
/// and components it shares).
pub const CORPUS_CSS: &str = include_str!("../assets/corpus.css");
/// The dashboard's SVG charts (line chart with confidence bands, bar chart
/// with error bars): our own code, no library.
pub const CHARTS_JS: &str = include_str!("../assets/charts.js");
/// The sample article the page offers to load.
pub const SAMPLE_ARTICLE: &str = include_str!("../../../examples/syria-ceasefire-opinion.md");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

pub(crate) async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

pub(crate) async fn evidence_js() -> Response {
    asset("text/javascript; charset=utf-8", EVIDENCE_JS)
}

pub(crate) async fn app_css() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

pub(crate) async fn corpus_page() -> Response {
    asset("text/html; charset=utf-8", CORPUS_HTML)
}

pub(crate) async fn corpus_js() -> Response {
    asset("text/javascript; charset=utf-8", CORPUS_JS)
}

pub(crate) async fn corpus_copies_js() -> Response {
    asset("text/javascript; charset=utf-8", CORPUS_COPIES_JS)
}

pub(crate) async fn corpus_css() -> Response {
    asset("text/css; charset=utf-8", CORPUS_CSS)
}

pub(crate) async fn charts_js() -> Response {
    asset("text/javascript; charset=utf-8", CHARTS_JS)
}

pub(crate) async fn sample() -> Response {
    asset("text/plain; charset=utf-8", SAMPLE_ARTICLE)
}

pub(crate) async fn openapi() -> Response {
    asset("application/json", OPENAPI_JSON)
}
