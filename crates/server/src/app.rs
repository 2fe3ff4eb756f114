//! The application: shared state, the router and the handlers.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use axum::extract::ConnectInfo;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::{Deserialize, Serialize};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;
use unspin_analysis::{
    error_chain, render, AnalysisError, AnalysisOptions, Analyzer, OutputFormat, Tier,
};
use unspin_document::{layers, Document};
use unspin_pipeline::{cancel, Cancel};
use unspin_readers::HtmlOptions;

use crate::assets;
use crate::config::Limits;
use crate::error::ApiError;
use crate::html_input::{check_html_depth, MAX_HTML_DEPTH};
use crate::queue::{Client, Gate, Lane, LaneHealth, Refusal};

/// The detector tier names the API knows in `tier` (a server runs some of them;
/// `/api/health` lists which).
pub const TIERS: &[&str] = &["neural", "fast"];

/// The output formats the API accepts in `format`.
pub const FORMATS: &[&str] = &["json", "html", "ptc"];

/// The id given to a document when the request names none.
pub const DEFAULT_ID: &str = "document";

/// The longest `id` accepted, in characters.
pub const MAX_ID_CHARS: usize = 200;

/// Content-Security-Policy of the web page: its own script and style only,
/// requests only to this server, nothing embedded, no forms, no plugins.
/// Even a markup-injection bug could then run no script and load nothing.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

/// Content-Security-Policy of the standalone HTML report
/// (`format: "html"`): its inline stylesheet, nothing else.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

/// A ready-to-serve unspin application: one [`Analyzer`] per tier served, the
/// limits, the admission gate and one queue (lane) per tier.
///
/// The analyzers come from `unspin-analysis`, which loads the models and
/// assembles the pipelines; the server only runs them.
///
/// Cloning is cheap (one [`Arc`]).
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<Inner>,
    /// The corpus served under `/api/corpus/` (`unspin serve --corpus`).
    corpus: Option<crate::corpus::CorpusDb>,
}

pub(crate) struct Inner {
    /// The tiers served, the default first (never empty).
    pub(crate) tiers: Vec<Analyzer>,
    pub(crate) limits: Limits,
    /// One place per request in progress (reading, waiting or running),
    /// [`Limits::max_concurrent`] in all, [`Limits::max_per_client`] per client.
    pub(crate) gate: Arc<Gate>,
    /// One queue per tier, in the order of `tiers`, each with
    /// [`Limits::workers`] workers.
    pub(crate) lanes: Vec<Arc<Lane>>,
    started: Instant,
    /// The cancellation token of every `POST /api/analyze` request in
    /// progress, by request number ([`App::cancel_in_flight`]).
    in_flight: Mutex<HashMap<u64, Cancel>>,
    /// The next request number.
    next_request: AtomicU64,
}

/// [`App::with_tiers`] was given no analyzer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a server needs at least one analyzer (tier) to run")]
pub struct NoTiers;

impl App {
    /// An application running `analyzer` under `limits` as its only tier.
    ///
    /// Limits below 1 (`max_concurrent`, `workers`) are raised to 1.
    pub fn new(analyzer: Analyzer, limits: Limits) -> App {
        App::from_tiers(vec![analyzer], limits)
    }

    /// An application serving each analyzer as a tier, the first the
    /// default of requests that name none (see [`Analyzer::load_tiers`]).
    ///
    /// # Errors
    /// [`NoTiers`] when `tiers` is empty.
    pub fn with_tiers(tiers: Vec<Analyzer>, limits: Limits) -> Result<App, NoTiers> {
        if tiers.is_empty() {
            return Err(NoTiers);
        }
        Ok(App::from_tiers(tiers, limits))
    }

    fn from_tiers(tiers: Vec<Analyzer>, limits: Limits) -> App {
        let mut limits = limits;
        limits.max_concurrent = limits.max_concurrent.max(1);
        limits.workers = limits.workers.max(1);
        limits.max_per_client = limits.max_per_client.clamp(1, limits.max_concurrent);
        App {
            inner: Arc::new(Inner {
                gate: Arc::new(Gate::new(limits.max_concurrent, limits.max_per_client)),
                lanes: tiers
                    .iter()
                    .map(|t| Arc::new(Lane::new(t.tier().name(), limits.workers)))
                    .collect(),
                tiers,
                limits,
                started: Instant::now(),
                in_flight: Mutex::new(HashMap::new()),
                next_request: AtomicU64::new(0),
            }),
            corpus: None,
        }
    }

    /// The application for the embedded fast tier alone, with sourcing: the
    /// same analysis as `unspin analyze --tier fast`.
    ///
    /// # Errors
    /// When the embedded fast model does not load.
    pub fn fast(limits: Limits) -> Result<App, AnalysisError> {
        let options = AnalysisOptions {
            tier: Some(Tier::Fast),
            ..AnalysisOptions::default()
        };
        Ok(App::new(Analyzer::new(&options)?, limits))
    }

    /// This application with the corpus API over `db` (`/api/corpus/…`).
    pub fn with_corpus(mut self, db: crate::corpus::CorpusDb) -> App {
        self.corpus = Some(db);
        self
    }

    /// The names of the tiers served, the default first.
    pub fn tier_names(&self) -> Vec<&'static str> {
        self.inner.tiers.iter().map(|t| t.tier().name()).collect()
    }

    /// The limits in force (after raising zeros to 1 and cutting
    /// `max_per_client` to `max_concurrent`).
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Analysis requests in progress: admitted, reading their body, waiting
    /// for a worker or analysing, and not yet answered or abandoned.
    pub fn in_flight(&self) -> usize {
        self.in_flight_map().len()
    }

    /// Cancels every analysis request in progress (shutdown past its drain
    /// deadline, see [`serve_with_drain`](crate::serve_with_drain)): each
    /// stops at its next check and is answered `503 shutting_down`; one
    /// waiting for a worker does not start. Returns how many were cancelled.
    pub fn cancel_in_flight(&self) -> usize {
        let map = self.in_flight_map();
        let mut n = 0;
        for token in map.values() {
            if !token.is_cancelled() {
                token.cancel();
                n += 1;
            }
        }
        n
    }

    /// The queues, one per tier (for tests).
    #[cfg(test)]
    pub(crate) fn inner_lanes(&self) -> impl Iterator<Item = &Arc<Lane>> {
        self.inner.lanes.iter()
    }

    /// The index in `tiers` of the tier `name` (the default for `None`).
    pub(crate) fn tier_index(&self, name: Option<&str>) -> Result<usize, ApiError> {
        let Some(name) = name else { return Ok(0) };
        self.inner
            .tiers
            .iter()
            .position(|t| t.tier().name() == name)
            .ok_or_else(|| ApiError::UnknownTier {
                found: truncate(name),
                available: self.tier_names().join(", "),
            })
    }

    /// The error for a request the gate refused, with a `Retry-After` from
    /// the recent analysis times: when a place is likely to free up (the
    /// server full), or when one of the client's own analyses is likely to
    /// be done (its share full). 1 s before any analysis has run.
    fn refused(&self, refusal: Refusal) -> ApiError {
        let seconds = |jobs: usize| {
            let s = self
                .inner
                .lanes
                .iter()
                .filter_map(|lane| lane.seconds_for(jobs))
                .fold(0.0, f64::max);
            (s.ceil() as u64).clamp(1, 600)
        };
        match refusal {
            Refusal::Full { capacity } => ApiError::Overloaded {
                max_concurrent: capacity,
                retry_after_s: seconds(1),
            },
            Refusal::ClientShare { per_client } => ApiError::TooManyRequests {
                per_client,
                retry_after_s: seconds(self.inner.limits.workers),
            },
        }
    }

    fn in_flight_map(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Cancel>> {
        // The map stays consistent whatever panicked while holding it.
        self.inner
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A new request's token, registered until the guard drops.
    fn register(&self) -> Abandon {
        let id = self.inner.next_request.fetch_add(1, Ordering::Relaxed);
        let token = Cancel::new();
        self.in_flight_map().insert(id, token.clone());
        Abandon {
            app: self.clone(),
            id,
            token,
        }
    }

    /// The [`router`](App::router) as a service that records each
    /// connection's peer address, which the analysis queue uses to let
    /// clients take turns (`axum::serve(listener, app.service())`).
    pub fn service(
        &self,
    ) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, SocketAddr> {
        self.router()
            .into_make_service_with_connect_info::<SocketAddr>()
    }

    /// The router: the API under `/api/`, the web page at `/`, with request
    /// logging and security headers on every response.
    pub fn router(&self) -> Router {
        let security_headers = [
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (
                HeaderName::from_static("cross-origin-resource-policy"),
                "same-origin",
            ),
            (header::CONTENT_SECURITY_POLICY, PAGE_CSP),
        ];
        let mut router = Router::new()
            .route("/", get(assets::index))
            .route("/app.js", get(assets::app_js))
            .route("/evidence.js", get(assets::evidence_js))
            .route("/app.css", get(assets::app_css))
            .route("/sample.txt", get(assets::sample))
            .route("/api/health", get(health))
            .route("/api/techniques", get(techniques))
            .route("/api/openapi.json", get(assets::openapi))
            .route("/api/analyze", post(analyze))
            .fallback(not_found)
            .method_not_allowed_fallback(method_not_allowed)
            .with_state(self.clone());
        if let Some(db) = &self.corpus {
            router = router.merge(crate::corpus::router(db.clone()));
        }
        for (name, value) in security_headers {
            // `if_not_present`: the HTML report sets its own, stricter CSP.
            router = router.layer(SetResponseHeaderLayer::if_not_present(
                name,
                HeaderValue::from_static(value),
            ));
        }
        router.layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
    }
}

/// `GET /api/health`.
#[derive(Debug, Serialize)]
struct Health<'a> {
    status: &'static str,
    version: &'static str,
    tiers: Vec<&'static str>,
    model: &'a str,
    stages: Vec<&'a str>,
    limits: HealthLimits,
    /// Analysis requests in progress (reading, waiting or running; a
    /// cancelled one counts until its thread has stopped).
    busy: usize,
    /// Analyses running on a worker thread right now, all tiers.
    running: usize,
    /// Analyses waiting for a worker right now, all tiers.
    queued: usize,
    /// Each tier's queue: workers, running, queued, recent latency.
    queues: BTreeMap<&'static str, LaneHealth>,
    uptime_s: u64,
}

#[derive(Debug, Serialize)]
struct HealthLimits {
    max_body_bytes: usize,
    timeout_s: f64,
    max_concurrent: usize,
    max_per_client: usize,
    workers: usize,
}

async fn health(State(app): State<App>) -> Response {
    let inner = &app.inner;
    let limits = &inner.limits;
    let queues: BTreeMap<_, _> = inner.lanes.iter().map(|l| (l.tier(), l.health())).collect();
    let body = Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        tiers: app.tier_names(),
        model: inner.tiers[0].provenance(),
        stages: inner.tiers[0].stage_names(),
        limits: HealthLimits {
            max_body_bytes: limits.max_body_bytes,
            timeout_s: limits.timeout.as_secs_f64(),
            max_concurrent: limits.max_concurrent,
            max_per_client: limits.max_per_client,
            workers: limits.workers,
        },
        busy: inner.gate.taken(),
        running: queues.values().map(|q| q.running).sum(),
        queued: queues.values().map(|q| q.queued).sum(),
        queues,
        uptime_s: inner.started.elapsed().as_secs(),
    };
    json_response(StatusCode::OK, &body)
}

/// `GET /api/techniques`.
#[derive(Debug, Serialize)]
struct Techniques {
    techniques: &'static [unspin_taxonomy::Technique],
}

async fn techniques() -> Response {
    json_response(
        StatusCode::OK,
        &Techniques {
            techniques: unspin_taxonomy::TECHNIQUES,
        },
    )
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::NotFound(uri.path().chars().take(200).collect())
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::MethodNotAllowed {
        method: method.to_string(),
    }
}

fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => ApiError::Internal(format!("cannot serialise the response: {e}")).into_response(),
    }
}

/// The body of `POST /api/analyze`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnalyzeRequest {
    /// Plain text (Markdown is read as text).
    #[serde(default)]
    text: Option<String>,
    /// An HTML page or fragment, read by `unspin_readers::read_html`.
    #[serde(default)]
    html: Option<String>,
    /// `json` (default), `html` or `ptc`.
    #[serde(default)]
    format: Option<String>,
    /// `neural` or `fast` (default: the server's first tier).
    #[serde(default)]
    tier: Option<String>,
    /// Drop technique spans scored below this, in `[0, 1]`.
    #[serde(default)]
    min_score: Option<f64>,
    /// The document id (default [`DEFAULT_ID`]).
    #[serde(default)]
    id: Option<String>,
    /// `"en"`: analyse the text as English whatever its language
    /// (`--force-language en`); the only value accepted.
    #[serde(default)]
    force_language: Option<String>,
}

/// What was asked for, checked.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) input: Input,
    pub(crate) format: OutputFormat,
    pub(crate) min_score: Option<f32>,
    pub(crate) tier: Option<String>,
    /// Analyse as English whatever the text looks like.
    pub(crate) force_english: bool,
}

#[derive(Debug, Clone)]
pub(crate) enum Input {
    Text(String),
    Html(String),
}

impl AnalyzeRequest {
    /// Checks every field; the first problem is the error.
    fn validate(self) -> Result<Job, ApiError> {
        let input = match (self.text, self.html) {
            (Some(text), None) => Input::Text(text),
            (None, Some(html)) => Input::Html(html),
            (Some(_), Some(_)) => {
                return Err(ApiError::InvalidRequest(
                    "give either \"text\" or \"html\", not both".into(),
                ))
            }
            (None, None) => {
                return Err(ApiError::InvalidRequest(
                    "missing the article: give \"text\" (plain text or Markdown) or \"html\""
                        .into(),
                ))
            }
        };
        // JSON answers are compact, one line.
        let format = match self.format.as_deref() {
            None | Some("json") => OutputFormat::JsonLine,
            Some("html") => OutputFormat::Html,
            Some("ptc") => OutputFormat::Ptc,
            Some(other) => {
                return Err(ApiError::UnknownFormat {
                    found: truncate(other),
                    available: FORMATS.join(", "),
                })
            }
        };
        if let Some(tier) = self.tier.as_deref() {
            if !TIERS.contains(&tier) {
                return Err(ApiError::UnknownTier {
                    found: truncate(tier),
                    available: TIERS.join(", "),
                });
            }
        }
        let min_score = match self.min_score {
            None => None,
            Some(s) if (0.0..=1.0).contains(&s) => Some(s as f32),
            Some(s) => {
                return Err(ApiError::InvalidRequest(format!(
                    "\"min_score\" must be between 0 and 1, got {s}"
                )))
            }
        };
        let id = match self.id {
            None => DEFAULT_ID.to_string(),
            Some(id) if id.trim().is_empty() => {
                return Err(ApiError::InvalidRequest("\"id\" is empty".into()))
            }
            Some(id) if id.chars().count() > MAX_ID_CHARS || id.chars().any(char::is_control) => {
                return Err(ApiError::InvalidRequest(format!(
                    "\"id\" must be at most {MAX_ID_CHARS} characters, without control characters"
                )))
            }
            Some(id) => id,
        };
        let force_english = match self.force_language.as_deref().map(str::trim) {
            None => false,
            Some(l)
                if ["en", "eng", "english"]
                    .iter()
                    .any(|e| l.eq_ignore_ascii_case(e)) =>
            {
                true
            }
            Some(other) => {
                return Err(ApiError::InvalidRequest(format!(
                    "\"force_language\" can only be \"en\" (the models are English-only), got {:?}",
                    truncate(other)
                )))
            }
        };
        Ok(Job {
            id,
            input,
            format,
            min_score,
            tier: self.tier,
            force_english,
        })
    }
}

/// A client-supplied value quoted in a message: at most 100 characters.
fn truncate(s: &str) -> String {
    let mut out: String = s.chars().take(100).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// `POST /api/analyze`.
///
/// Order of checks, cheapest first: the content type (415), the declared
/// length (413), admission at the [`Gate`] (`503 overloaded` when the
/// server is full, `429 too_many_requests` when this client holds its
/// share, both at once and with `Retry-After`), then, within the timeout,
/// reading the body (413 past the limit), parsing and validating it (400),
/// waiting for a worker in the tier's [`Lane`] (clients take turns) and
/// analysing on a blocking thread.
///
/// With `Accept: text/event-stream` the answer is a stream of server-sent
/// events instead ([`stream_analysis`](crate::stream::stream_analysis)): the request's place in the queue
/// at once, a preliminary result from the fast tier, the final result.
///
/// The gate's pass and the lane's ticket move into the blocking task, so a
/// request that times out keeps its worker until its analysis has really
/// stopped (at its next cancellation check, below): the number of threads
/// doing analysis never exceeds [`Limits::workers`] per tier, whatever the
/// clients do.
///
/// Cancellation: each request has a [`Cancel`] token, held by an
/// [`Abandon`] guard in this future. When the future is dropped (past the
/// timeout, the client gone, the server shutting down) or returns, the
/// guard cancels the token: a job not yet started never runs, and a running
/// one stops at its next check (between pipeline stages, between the
/// neural tier's encoder windows), releasing its worker soon after
/// instead of at the end of the whole analysis.
async fn analyze(State(app): State<App>, request: Request) -> Response {
    match analyze_inner(&app, request).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

/// Who sent the request: the peer address the listener recorded
/// ([`ConnectInfo`]), if any.
fn client_of(request: &axum::http::request::Parts) -> Client {
    request
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(Client::Unknown, |c| Client::Ip(c.0.ip()))
}

/// Whether the client asked for server-sent events.
fn wants_events(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/event-stream"))
        })
}

async fn analyze_inner(app: &App, request: Request) -> Result<Response, ApiError> {
    let limits = &app.inner.limits;
    let (parts, body) = request.into_parts();
    check_content_type(&parts.headers)?;
    check_declared_length(&parts.headers, limits.max_body_bytes)?;
    let client = client_of(&parts);
    let pass = app
        .inner
        .gate
        .admit(client)
        .map_err(|refusal| app.refused(refusal))?;
    let deadline = tokio::time::Instant::now() + limits.timeout;
    let timed_out = || ApiError::Timeout {
        seconds: limits.timeout.as_secs_f64(),
    };
    let abandon = app.register();
    let job = tokio::time::timeout_at(deadline, async {
        let bytes = read_body(body, limits.max_body_bytes).await?;
        parse_request(&bytes)?.validate()
    })
    .await
    .map_err(|_| timed_out())??;
    let tier = app.tier_index(job.tier.as_deref())?;
    if wants_events(&parts.headers) {
        if job.format != OutputFormat::JsonLine {
            return Err(ApiError::InvalidRequest(
                "a stream of events (Accept: text/event-stream) carries JSON results; \
                 drop \"format\" or ask for \"json\""
                    .into(),
            ));
        }
        return Ok(crate::stream::stream_analysis(
            app, job, tier, pass, abandon, deadline,
        ));
    }
    let token = abandon.token.clone();
    let work = async {
        let mut ticket = app.inner.lanes[tier].enqueue(client);
        ticket.turn(|_| {}).await;
        let app = app.clone();
        spawn_job(move || {
            let _held = (pass, ticket);
            let doc = run_job(&app, tier, job.input, &job.id, job.force_english, &token)?;
            finish(doc, job.min_score, job.format)
        })
        .await
    };
    let result = tokio::time::timeout_at(deadline, work)
        .await
        .map_err(|_| timed_out())?;
    drop(abandon);
    result
}

/// Runs `job` on a blocking thread; a panic is a `500`.
pub(crate) async fn spawn_job<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(job).await.map_err(|e| {
        ApiError::Internal(if e.is_panic() {
            "the analysis failed unexpectedly (a bug: please report it)".into()
        } else {
            "the analysis was cancelled".into()
        })
    })?
}

/// Cancels its request's token and unregisters it when dropped: when the
/// request is answered, times out, or its future is dropped unfinished
/// (client gone, shutdown). Cancelling a finished job is harmless.
pub(crate) struct Abandon {
    app: App,
    id: u64,
    pub(crate) token: Cancel,
}

impl Drop for Abandon {
    fn drop(&mut self) {
        self.token.cancel();
        self.app.in_flight_map().remove(&self.id);
    }
}

/// `415` unless the body is declared as `application/json` (parameters such
/// as `charset=utf-8` allowed).
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::UnsupportedMediaType {
            found: "none".into(),
        });
    };
    let found = String::from_utf8_lossy(value.as_bytes()).into_owned();
    let essence = found.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType {
            found: format!("{:?}", truncate(&found)),
        })
    }
}

/// `413` at once when `Content-Length` says the body is too large.
fn check_declared_length(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => Err(ApiError::PayloadTooLarge { limit }),
        _ => Ok(()),
    }
}

/// Reads at most `limit` bytes of `body` (a chunked body has no declared length).
async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(ApiError::PayloadTooLarge { limit })
        }
        Err(e) => Err(ApiError::InvalidRequest(format!(
            "cannot read the request body: {e}"
        ))),
    }
}

fn parse_request(bytes: &[u8]) -> Result<AnalyzeRequest, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::InvalidJson(
            "the body is empty; expected a JSON object such as {\"text\": \"…\"}".into(),
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError::InvalidJson(e.to_string()))
}

/// Reads `input` and analyses it with the tier at `tier`, on the calling
/// (blocking) thread. Does nothing when `token` was cancelled before it
/// started (the request was abandoned while it waited for a worker) and
/// stops early when it is cancelled while it runs: the analysis runs inside
/// [`cancel::scope`], so the pipeline checks `token` between stages and
/// the neural tier between encoder windows.
pub(crate) fn run_job(
    app: &App,
    tier: usize,
    input: Input,
    id: &str,
    force_english: bool,
    token: &Cancel,
) -> Result<Document, ApiError> {
    if token.is_cancelled() {
        return Err(ApiError::ShuttingDown);
    }
    let started = Instant::now();
    let analyzer = &app.inner.tiers[tier];
    let mut doc = match input {
        // Pasted text is read as Markdown when it looks like Markdown (scraped
        // pages such as the sample article), as the CLI does for `.md` files.
        Input::Text(text) => match unspin_readers::detect_format(None, text.as_bytes()) {
            unspin_readers::InputFormat::Markdown => unspin_readers::read_markdown(id, &text),
            _ => unspin_readers::read_text(id, text),
        },
        Input::Html(html) => {
            check_html_depth(&html).map_err(|_| {
                ApiError::InvalidRequest(format!(
                    "the HTML nests elements more than {MAX_HTML_DEPTH} deep; \
                     send the article's text instead"
                ))
            })?;
            unspin_readers::read_html(id, html.as_bytes(), &HtmlOptions::default())
                .map_err(|e| ApiError::InvalidRequest(e.to_string()))?
        }
    };
    if doc.text().trim().is_empty() {
        return Err(ApiError::InvalidRequest(
            "the article has no text to analyse".into(),
        ));
    }
    let analysed = cancel::scope(token, || {
        analyzer.analyze_forcing(&mut doc, force_english || analyzer.forces_english())
    });
    match analysed {
        Ok(()) => {}
        Err(AnalysisError::Stage(e)) if e.is_cancelled() => return Err(ApiError::ShuttingDown),
        Err(e) => return Err(ApiError::Internal(error_chain(&e))),
    }
    tracing::debug!(
        tier = analyzer.tier().name(),
        chars = doc.text().len(),
        spans = doc.layer(layers::TECHNIQUE).len(),
        ms = started.elapsed().as_millis() as u64,
        "analysed"
    );
    Ok(doc)
}

/// The response for an analysed document: spans below `min_score` dropped,
/// rendered in `format`.
fn finish(
    mut doc: Document,
    min_score: Option<f32>,
    format: OutputFormat,
) -> Result<Response, ApiError> {
    if let Some(min) = min_score {
        keep_scores_from(&mut doc, min)?;
    }
    respond(&doc, format)
}

/// The JSON line of an analysed document, spans below `min_score` dropped.
pub(crate) fn finish_json(mut doc: Document, min_score: Option<f32>) -> Result<String, ApiError> {
    if let Some(min) = min_score {
        keep_scores_from(&mut doc, min)?;
    }
    render(&doc, OutputFormat::JsonLine).map_err(|e| ApiError::Internal(error_chain(&e)))
}

/// Drops technique spans scored below `min`.
fn keep_scores_from(doc: &mut Document, min: f32) -> Result<(), ApiError> {
    let kept: Vec<_> = doc
        .layer(layers::TECHNIQUE)
        .iter()
        .filter(|s| s.score >= min)
        .cloned()
        .collect();
    doc.set_layer(layers::TECHNIQUE, kept)
        .map_err(|e| ApiError::Internal(format!("cannot filter spans: {e}")))
}

fn respond(doc: &Document, format: OutputFormat) -> Result<Response, ApiError> {
    let body = render(doc, format).map_err(|e| ApiError::Internal(error_chain(&e)))?;
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, format.media_type()),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response();
    if format == OutputFormat::Html {
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(REPORT_CSP),
        );
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(json: &str) -> Result<Job, ApiError> {
        parse_request(json.as_bytes())?.validate()
    }

    #[test]
    fn validation_messages() {
        let e = request(r#"{"text": "a", "tier": "deep"}"#).err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("unknown tier \"deep\"; available tiers: neural, fast")
        );
        let e = request(r#"{"text": "a", "format": "xml"}"#).err();
        assert!(matches!(e, Some(ApiError::UnknownFormat { .. })));
        assert!(matches!(
            request(r#"{"text": "a", "html": "b"}"#),
            Err(ApiError::InvalidRequest(_))
        ));
        assert!(matches!(request("{}"), Err(ApiError::InvalidRequest(_))));
        assert!(matches!(
            request(r#"{"text": "a", "min_score": 2}"#),
            Err(ApiError::InvalidRequest(_))
        ));
        assert!(matches!(
            request(r#"{"txt": "a"}"#),
            Err(ApiError::InvalidJson(_))
        ));
        assert!(matches!(request("  "), Err(ApiError::InvalidJson(_))));
        let job = request(r#"{"text": "a", "format": "html", "tier": "fast", "id": "x"}"#);
        assert!(matches!(
            job,
            Ok(Job {
                format: OutputFormat::Html,
                ..
            })
        ));
    }

    /// A job whose request was abandoned before it got a thread does not run.
    #[test]
    fn a_job_cancelled_before_it_starts_does_not_run() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        struct Counts(Arc<AtomicUsize>);
        impl unspin_pipeline::Stage for Counts {
            fn name(&self) -> &str {
                "counts"
            }
            fn assigns(&self) -> &[&str] {
                &[]
            }
            fn process(&self, _doc: &mut Document) -> Result<(), unspin_pipeline::StageError> {
                self.0.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        }
        let runs = Arc::new(AtomicUsize::new(0));
        let pipeline = unspin_pipeline::Pipeline::new(vec![Box::new(Counts(runs.clone()))], &[])
            .expect("pipeline");
        let app = App::new(
            Analyzer::from_pipeline(Tier::Fast, "test", pipeline),
            Limits::default(),
        );
        let token = Cancel::new();
        let job = || request(r#"{"text": "a"}"#).unwrap();
        let run = |token: &Cancel| {
            let job = job();
            run_job(&app, 0, job.input, &job.id, false, token)
        };
        assert!(run(&token).is_ok());
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        token.cancel();
        assert!(matches!(run(&token).err(), Some(ApiError::ShuttingDown)));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn an_event_stream_is_asked_for_with_accept() {
        let headers = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
            h
        };
        assert!(wants_events(&headers("text/event-stream")));
        assert!(wants_events(&headers(
            "application/json, Text/Event-Stream;q=0.9"
        )));
        assert!(!wants_events(&headers("application/json")));
        assert!(!wants_events(&HeaderMap::new()));
    }

    #[test]
    fn long_values_are_truncated_in_messages() {
        let long = "x".repeat(10_000);
        let e = request(&format!(r#"{{"text": "a", "tier": "{long}"}}"#)).err();
        assert!(e.is_some_and(|e| e.to_string().len() < 300));
    }
}
