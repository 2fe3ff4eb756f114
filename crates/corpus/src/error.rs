//! What can go wrong with a corpus file, in words a user can act on.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::ErrorCode;

/// Why a corpus operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CorpusError {
    /// The file does not exist (read commands never create one).
    #[error("\"{}\" does not exist (create a corpus with `unspin corpus add {} PATH...`)", .path.display(), .path.display())]
    Missing {
        /// The corpus path.
        path: PathBuf,
    },
    /// The file is not an SQLite database at all.
    #[error("\"{}\" is not an unspin corpus: it is not an SQLite database", .path.display())]
    NotADatabase {
        /// The corpus path.
        path: PathBuf,
    },
    /// An SQLite database that another program made.
    #[error("\"{}\" is an SQLite database but not an unspin corpus (it has other tables and no unspin marker)", .path.display())]
    NotACorpus {
        /// The corpus path.
        path: PathBuf,
    },
    /// Written by a newer unspin.
    #[error("\"{}\" has corpus schema version {found}; this unspin reads versions up to {supported}: upgrade unspin", .path.display())]
    NewerSchema {
        /// The corpus path.
        path: PathBuf,
        /// The file's schema version.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The database file is damaged.
    #[error("\"{}\" is damaged ({detail}); run `sqlite3 {} \"PRAGMA integrity_check\"`, or restore it from a copy", .path.display(), .path.display())]
    Corrupt {
        /// The corpus path.
        path: PathBuf,
        /// SQLite's message.
        detail: String,
    },
    /// Another process held the write lock for longer than the timeout.
    #[error("\"{}\" is locked by another process that is writing to it; waited {:.0} s (try again when it is done, or raise --lock-timeout)", .path.display(), .waited.as_secs_f64())]
    Locked {
        /// The corpus path.
        path: PathBuf,
        /// How long this process waited.
        waited: Duration,
    },
    /// The disk (or the database's size limit) is full. Articles committed
    /// before are kept.
    #[error("\"{}\": the disk is full; the articles stored before are kept (free some space and run the same command again to continue)", .path.display())]
    DiskFull {
        /// The corpus path.
        path: PathBuf,
    },
    /// The file cannot be opened or written (permissions, a folder that does
    /// not exist).
    #[error("cannot open \"{}\": {detail}", .path.display())]
    CannotOpen {
        /// The corpus path.
        path: PathBuf,
        /// SQLite's or the OS's message.
        detail: String,
    },
    /// A stored document could not be read back.
    #[error("article {id}: its stored document cannot be read: {detail}")]
    BadRecord {
        /// The article id.
        id: i64,
        /// What was wrong.
        detail: String,
    },
    /// A query argument was not valid (an FTS5 query with a syntax error,
    /// an unknown column, a bad `--where` expression).
    #[error("invalid query: {0}")]
    Query(String),
    /// Any other SQLite error.
    #[error("\"{}\": {source}", .path.display())]
    Sqlite {
        /// The corpus path.
        path: PathBuf,
        /// The error.
        #[source]
        source: rusqlite::Error,
    },
    /// An I/O error outside SQLite (reading or writing an export file).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl CorpusError {
    /// Classifies an SQLite error on the corpus at `path`.
    pub fn from_sqlite(path: &Path, e: rusqlite::Error, waited: Duration) -> CorpusError {
        let path = path.to_path_buf();
        let code = e.sqlite_error_code();
        match code {
            Some(ErrorCode::NotADatabase) => CorpusError::NotADatabase { path },
            Some(ErrorCode::DatabaseCorrupt) => CorpusError::Corrupt {
                path,
                detail: e.to_string(),
            },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                CorpusError::Locked { path, waited }
            }
            Some(ErrorCode::DiskFull) => CorpusError::DiskFull { path },
            Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly) => {
                CorpusError::CannotOpen {
                    path,
                    detail: e.to_string(),
                }
            }
            _ => CorpusError::Sqlite { path, source: e },
        }
    }
}
