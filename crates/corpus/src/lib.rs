//! The unspin corpus store: many analysed articles in one SQLite file, and
//! the questions a researcher asks of them.
//!
//! A corpus is one file (SQLite compiled in through `rusqlite`, WAL journal,
//! `synchronous=FULL`, FTS5 full-text indexes) with a versioned schema,
//! described in `docs/corpus.md`:
//!
//! ```text
//! articles ─┬─ article_authors      (who wrote it)
//!           ├─ spans                (technique spans, code-point offsets)
//!           ├─ quotes               (quotes and their speakers)
//!           ├─ sources              (cited sources)
//!           ├─ claims               (check-worthy claims)
//!           ├─ copy_signatures      (MinHash signature of the body, for copies)
//!           └─ copy_links           (confirmed copy and partial re-use pairs)
//! articles_fts, spans_fts, quotes_fts: full-text indexes, written with their rows
//! ```
//!
//! The analysis itself is not here: front ends run `unspin-analysis` and hand
//! the analysed [`Document`](unspin_document::Document)s to
//! [`ArticleRecord::new`] and [`Corpus::insert`]. An article's identity is
//! its [`content_hash`] (text and URL); storing is idempotent, and every
//! write is one transaction, so an interrupted `corpus add` loses nothing
//! committed and leaves nothing half-written.
//!
//! ```
//! use std::time::Duration;
//! use unspin_corpus::{ArticleRecord, Corpus, Mode, Provenance};
//! use unspin_document::Document;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("news.db");
//! let mut corpus = Corpus::open(&path, Mode::Create, Duration::from_secs(5))?;
//! let doc = Document::new("a", "The minister said the plan was a disaster.");
//! let record = ArticleRecord::new(&doc, Provenance::default()).unwrap();
//! assert_eq!(corpus.insert(&[record.clone()])?.added, 1);
//! assert_eq!(corpus.insert(&[record])?.already_stored, 1);
//! assert_eq!(corpus.info()?.articles, 1);
//! # Ok::<(), unspin_corpus::CorpusError>(())
//! ```
#![deny(missing_docs)]

mod copies;
mod error;
mod export;
mod outlet;
mod record;
mod schema;
mod search;
mod stats;
mod store;

pub use stats::{
    CiMethod, CopiedFrom, Estimate, GroupBy, GroupStats, StatsError, StatsFilters, StatsQuery,
    StatsReport, StatsSnapshot, TechniqueStats, BOOTSTRAP_BUDGET_ARTICLES, BOOTSTRAP_MAX_ARTICLES,
    RESAMPLES, UNKNOWN,
};

pub use copies::clusters::{ClusterMember, CopyCluster, CopyRole, Role};
pub use copies::link::LinkReport;
pub use error::CorpusError;
pub use export::{Column, ColumnType, ExportFormat, ExportOptions, Table, DEFAULT_BATCH_ROWS};
pub use outlet::{NameCount, OutletNames};
pub use record::{
    content_hash, decode_document, iso_date, not_analysed, ArticleFields, ArticleRecord, Provenance,
};
pub use schema::{APPLICATION_ID, SCHEMA_VERSION};
pub use search::{
    HitKind, SearchHit, SearchQuery, SearchResults, Snippet, DEFAULT_LIMIT, FTS5_SYNTAX,
};
pub use stats::external;
pub use store::{
    now_utc, wal_path, Corpus, CorpusInfo, Inserted, Mode, ModelCount, NotAnalysedCount,
    StoredArticle, DEFAULT_LOCK_TIMEOUT,
};
