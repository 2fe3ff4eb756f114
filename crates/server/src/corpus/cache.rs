//! What the corpus API computes once per version of the corpus file and
//! keeps in memory: the statistics inputs of every article
//! ([`StatsSnapshot`]: counts, outlets, dates, authors, copy clusters),
//! every outlet's speakers and sources, the corpus-wide technique report,
//! the overview, and the last few statistics reports asked for.
//!
//! The server never writes the file, but another process may (`corpus add`
//! while the server runs). Every request first reads the file's version: a
//! connection kept open for that returns `PRAGMA data_version` (which
//! changes whenever another connection commits), together with the inode,
//! size and modification time of the file and of its `-wal` file (which
//! change when the file is replaced or written). When any of them differs
//! from the snapshot's, the snapshot is dropped and rebuilt from the
//! request's own connection, one request at a time (the others wait for it
//! and share it). The version is read before the snapshot, so a write
//! during a rebuild makes the next request rebuild again: a cached answer is
//! never older than the file was when its request arrived.

use std::os::unix::fs::MetadataExt as _;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::Value;
use unspin_corpus::{Corpus, GroupBy, Mode, OutletNames, StatsQuery, StatsReport, StatsSnapshot};

use super::corpus_error;
use crate::error::ApiError;

/// Statistics reports kept per snapshot (the most recently used ones).
const REPORTS_KEPT: usize = 64;

/// One file's identity and state: (inode, size, modification time in ns).
type FileState = (u64, u64, i128);

/// The version of a corpus file, as far as a reader can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    data_version: i64,
    db: Option<FileState>,
    wal: Option<FileState>,
}

fn file_state(path: &Path) -> Option<FileState> {
    let m = std::fs::metadata(path).ok()?;
    let mtime = i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec());
    Some((m.ino(), m.size(), mtime))
}

/// What is cached for one version of the file.
pub(crate) struct Snapshot {
    version: Version,
    /// Every article's statistics inputs and the copy clusters.
    pub(crate) stats: StatsSnapshot,
    names: OnceLock<Result<Arc<OutletNames>, String>>,
    /// The overview's answer.
    pub(crate) overview: OnceLock<Value>,
    reports: Mutex<Vec<(String, Arc<StatsReport>)>>,
}

impl Snapshot {
    /// The report of `query`, from the cache or computed now.
    pub(crate) fn report(&self, query: &StatsQuery) -> Arc<StatsReport> {
        let key = format!("{query:?}");
        if let Ok(mut kept) = self.reports.lock() {
            if let Some(at) = kept.iter().position(|(k, _)| *k == key) {
                let hit = kept.remove(at);
                let report = hit.1.clone();
                kept.push(hit);
                return report;
            }
        }
        let report = Arc::new(self.stats.stats(query));
        if let Ok(mut kept) = self.reports.lock() {
            if kept.len() >= REPORTS_KEPT {
                kept.remove(0);
            }
            kept.push((key, report.clone()));
        }
        report
    }

    /// The corpus-wide report by technique (every article, every technique):
    /// the "corpus average" of outlet pages and the overview's mix.
    pub(crate) fn by_technique(&self) -> Arc<StatsReport> {
        self.report(&StatsQuery::new(GroupBy::Technique).min_articles(0))
    }

    /// Every outlet's speakers and sources (counted on first use).
    pub(crate) fn names(&self, corpus: &Corpus) -> Result<Arc<OutletNames>, ApiError> {
        let got = self.names.get_or_init(|| {
            corpus
                .outlet_names()
                .map(Arc::new)
                .map_err(|e| e.to_string())
        });
        got.clone().map_err(ApiError::Internal)
    }
}

/// The cache of one served corpus file.
pub(crate) struct Cache {
    /// A read-only connection kept open to read `PRAGMA data_version`.
    watcher: Mutex<Option<Corpus>>,
    /// The current snapshot; the lock is held while one is built.
    current: Mutex<Option<Arc<Snapshot>>>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}

impl Cache {
    pub(crate) fn new() -> Cache {
        Cache {
            watcher: Mutex::new(None),
            current: Mutex::new(None),
        }
    }

    /// The file's version now.
    fn version(&self, path: &Path, lock_timeout: Duration) -> Result<Version, ApiError> {
        // A panic elsewhere leaves nothing half-done here: go on.
        let mut watcher = self.watcher.lock().unwrap_or_else(|e| e.into_inner());
        if watcher.is_none() {
            *watcher =
                Some(Corpus::open(path, Mode::ReadOnly, lock_timeout).map_err(corpus_error)?);
        }
        let data_version = match watcher.as_ref().map(|c| {
            c.connection()
                .query_row("PRAGMA data_version", [], |r| r.get::<_, i64>(0))
        }) {
            Some(Ok(v)) => v,
            // Reopen at the next request.
            _ => {
                *watcher = None;
                -1
            }
        };
        Ok(Version {
            data_version,
            db: file_state(path),
            wal: file_state(&unspin_corpus::wal_path(path)),
        })
    }

    /// The snapshot of the file's current version, built from `corpus` (a
    /// connection to it) when the cached one is older.
    pub(crate) fn snapshot(
        &self,
        corpus: &Corpus,
        lock_timeout: Duration,
    ) -> Result<Arc<Snapshot>, ApiError> {
        let version = self.version(corpus.path(), lock_timeout)?;
        // After a panic while building, `current` is `None`: go on.
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = current.as_ref().filter(|s| s.version == version) {
            return Ok(s.clone());
        }
        // Drop the old one first: two snapshots of 100,000 articles need not
        // be held at once.
        *current = None;
        let snapshot = Arc::new(Snapshot {
            version,
            stats: corpus.stats_snapshot().map_err(corpus_error)?,
            names: OnceLock::new(),
            overview: OnceLock::new(),
            reports: Mutex::new(Vec::new()),
        });
        *current = Some(snapshot.clone());
        // Outlets' speakers and sources take longer (every quote and source
        // is read): counted in the background, ready for the first outlet
        // page (which waits for them otherwise).
        let (path, later) = (corpus.path().to_path_buf(), snapshot.clone());
        let _ = std::thread::Builder::new()
            .name("corpus-names".into())
            .spawn(move || {
                if let Ok(corpus) = Corpus::open(&path, Mode::ReadOnly, lock_timeout) {
                    let _ = later.names(&corpus);
                }
            });
        Ok(snapshot)
    }
}
