//! The corpus API (`unspin serve --corpus DB`): read-only JSON over a corpus
//! file, under `/api/corpus/`.
//!
//! Every request opens its own read-only connection on a blocking thread
//! (SQLite connections are not `Sync`, and opening one costs well under a
//! millisecond), so requests never share a transaction and the file is never
//! written. What does not depend on a request's parameters (every article's
//! statistics inputs, the copy clusters, outlets' speakers and sources, the
//! overview) is computed once per version of the file and kept ([`cache`]);
//! opening the corpus starts computing it in the background. Lists are paginated (`page`, `per_page` ≤ 500, default 50, with
//! `total`); bad parameters are `400 invalid_request` naming the parameter;
//! unknown ids `404 not_found`.

mod cache;
mod params;
mod routes;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::Router;
use unspin_corpus::{Corpus, CorpusError, Mode};

use crate::error::ApiError;

pub use params::{DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_SEARCH_DEPTH};

/// How long a request waits for another process's write lock.
const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// A corpus file served read-only. Cloning is cheap (clones share the
/// cache).
#[derive(Debug, Clone)]
pub struct CorpusDb {
    path: Arc<PathBuf>,
    cache: Arc<cache::Cache>,
}

impl CorpusDb {
    /// Checks that `path` is a corpus this version reads, by opening it
    /// read-only once.
    ///
    /// # Errors
    /// The [`CorpusError`] that says what is wrong: missing, not a corpus,
    /// a newer schema, damaged, …
    pub fn open(path: &Path) -> Result<CorpusDb, CorpusError> {
        let corpus = Corpus::open(path, Mode::ReadOnly, LOCK_TIMEOUT)?;
        corpus.info()?;
        let db = CorpusDb {
            path: Arc::new(path.to_path_buf()),
            cache: Arc::new(cache::Cache::new()),
        };
        // Fill the cache in the background, so that the first requests find
        // it ready (they wait for it otherwise); a failure here is met again,
        // and reported, by the request that retries it.
        let warm = db.clone();
        let _ = std::thread::Builder::new()
            .name("corpus-cache".into())
            .spawn(move || {
                if let Ok(corpus) = Corpus::open(&warm.path, Mode::ReadOnly, LOCK_TIMEOUT) {
                    let _ = warm.cache.snapshot(&corpus, LOCK_TIMEOUT);
                }
            });
        Ok(db)
    }

    /// The corpus file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on a blocking thread with a fresh read-only connection.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Corpus) -> Result<T, ApiError> + Send + 'static,
    {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let corpus = Corpus::open(&path, Mode::ReadOnly, LOCK_TIMEOUT).map_err(corpus_error)?;
            work(&corpus)
        })
        .await
        .map_err(|_| ApiError::Internal("the corpus query failed unexpectedly".into()))?
    }
}

impl CorpusDb {
    /// Runs `work` on a blocking thread with a fresh read-only connection
    /// and the snapshot of the file's current version.
    pub(crate) async fn run_cached<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Corpus, &cache::Snapshot) -> Result<T, ApiError> + Send + 'static,
    {
        let cache = self.cache.clone();
        self.run(move |corpus| {
            let snapshot = cache.snapshot(corpus, LOCK_TIMEOUT)?;
            work(corpus, &snapshot)
        })
        .await
    }
}

/// A corpus error as an API error: a query the corpus refuses (a malformed
/// FTS5 query, filters that do not fit together) is the client's; the rest
/// is the server's.
pub(crate) fn corpus_error(e: CorpusError) -> ApiError {
    match e {
        CorpusError::Query(msg) => ApiError::InvalidRequest(format!("invalid query: {msg}")),
        other => ApiError::Internal(other.to_string()),
    }
}

/// The corpus routes, with their state.
pub(crate) fn router(db: CorpusDb) -> Router {
    Router::new()
        .route("/api/corpus/overview", get(routes::overview))
        .route("/api/corpus/outlets", get(routes::outlets))
        .route("/api/corpus/outlets/{outlet}", get(routes::outlet))
        .route("/api/corpus/timeline", get(routes::timeline))
        .route("/api/corpus/spans", get(routes::spans))
        .route("/api/corpus/search", get(routes::search))
        .route("/api/corpus/articles/{id}", get(routes::article))
        .route("/api/corpus/copies", get(routes::copies))
        .route("/api/corpus/compare", get(routes::compare))
        .route("/api/corpus/export", get(routes::export))
        // The dashboard page (served only with a corpus).
        .route("/corpus", get(crate::assets::corpus_page))
        .route("/corpus.js", get(crate::assets::corpus_js))
        .route("/corpus-copies.js", get(crate::assets::corpus_copies_js))
        .route("/corpus.css", get(crate::assets::corpus_css))
        .route("/charts.js", get(crate::assets::charts_js))
        .with_state(db)
}
