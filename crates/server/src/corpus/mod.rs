//! The corpus API (`unspin serve --corpus DB`): read-only JSON over a corpus
//! file, under `/api/corpus/`.
//!
//! Every request opens its own read-only connection on a blocking thread
//! (SQLite connections are not `Sync`, and opening one costs well under a
//! millisecond), so requests never share a transaction and the file is never
//! written. Lists are paginated (`page`, `per_page` ≤ 500, default 50, with
//! `total`); bad parameters are `400 invalid_request` naming the parameter;
//! unknown ids `404 not_found`.

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

/// A corpus file served read-only. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct CorpusDb {
    path: Arc<PathBuf>,
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
        Ok(CorpusDb {
            path: Arc::new(path.to_path_buf()),
        })
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
        .with_state(db)
}
