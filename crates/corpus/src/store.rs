//! Opening a corpus file, storing analysed articles and reading them back.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use unspin_document::Document;

use crate::error::CorpusError;
use crate::record::{decode_document, ArticleRecord};
use crate::schema::{self, APPLICATION_ID, SCHEMA_VERSION};

/// How long a command waits for another process's write lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// How a corpus file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Create the file when it does not exist (`corpus add`).
    Create,
    /// The file must exist; it may be written (`corpus reanalyze`).
    ReadWrite,
    /// The file must exist; nothing is written (`info`, `stats`, `search`,
    /// `show`, `export`).
    ReadOnly,
}

/// An open corpus: one SQLite file (WAL journal, `synchronous=FULL`).
///
/// Every write is one transaction: an article is stored with all its rows or
/// not at all, and a committed article survives a crash or `kill -9`.
#[derive(Debug)]
pub struct Corpus {
    conn: Connection,
    path: PathBuf,
    lock_timeout: Duration,
}

/// What [`Corpus::insert`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inserted {
    /// Articles stored.
    pub added: usize,
    /// Articles skipped because one with the same content hash was stored.
    pub already_stored: usize,
}

/// Counts that describe a corpus (`unspin corpus info`).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CorpusInfo {
    /// The corpus file.
    pub path: String,
    /// The schema version of the file.
    pub schema_version: i64,
    /// When the corpus was created (UTC, ISO 8601).
    pub created_at: Option<String>,
    /// Stored articles.
    pub articles: i64,
    /// Distinct outlets (site names) among them.
    pub outlets: i64,
    /// Distinct authors.
    pub authors: i64,
    /// Articles without a known outlet.
    pub articles_without_outlet: i64,
    /// Earliest publication day (`YYYY-MM-DD`), when any article has one.
    pub first_published: Option<String>,
    /// Latest publication day.
    pub last_published: Option<String>,
    /// Articles without a usable publication date.
    pub articles_without_date: i64,
    /// Words in all articles.
    pub words: i64,
    /// Technique spans, quotes, cited sources (per article) and
    /// check-worthy claims stored.
    pub technique_spans: i64,
    /// Quotes stored.
    pub quotes: i64,
    /// Cited sources stored (one row per source per article).
    pub sources: i64,
    /// Check-worthy claims stored.
    pub claims: i64,
    /// Articles whose techniques were not analysed (a warning set them
    /// aside: another language, garbled text), by reason (the warning's
    /// code, e.g. `language`, `garbled`), most first; `corpus stats` counts
    /// them apart.
    pub not_analysed: Vec<NotAnalysedCount>,
    /// Which tier and models analysed how many articles.
    pub models: Vec<ModelCount>,
    /// Size of the database file and its write-ahead log, in bytes.
    pub size_bytes: u64,
}

/// Articles analysed by one tier and model.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ModelCount {
    /// `fast` or `neural`.
    pub tier: String,
    /// The analyser's provenance string.
    pub model: String,
    /// Whether the sourcing layers were computed.
    pub sourcing: bool,
    /// Articles.
    pub articles: i64,
}

/// Articles not analysed for one reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct NotAnalysedCount {
    /// The code of the warning that set the techniques aside (`language`,
    /// `garbled`).
    pub reason: String,
    /// Articles.
    pub articles: i64,
}

/// A stored article with its analysed document (`unspin corpus show`).
#[derive(Debug, Clone)]
pub struct StoredArticle {
    /// The article id in this corpus.
    pub id: i64,
    /// The input it was read from.
    pub source: String,
    /// The content hash.
    pub content_hash: String,
    /// The tier and models that analysed it.
    pub tier: String,
    /// The analyser's provenance string.
    pub model: String,
    /// When it was added and last analysed (UTC, ISO 8601).
    pub added_at: String,
    /// When it was last analysed.
    pub analysed_at: String,
    /// The analysed document.
    pub document: Document,
}

impl Corpus {
    /// Opens the corpus at `path` (see [`Mode`]), waiting up to
    /// `lock_timeout` for another process's write lock.
    ///
    /// # Errors
    /// A [`CorpusError`] that says what is wrong with the file: missing, not
    /// SQLite, another program's database, a newer schema, damaged, locked.
    pub fn open(path: &Path, mode: Mode, lock_timeout: Duration) -> Result<Corpus, CorpusError> {
        let exists = path.exists();
        if !exists && mode != Mode::Create {
            return Err(CorpusError::Missing {
                path: path.to_path_buf(),
            });
        }
        if path.is_dir() {
            return Err(CorpusError::CannotOpen {
                path: path.to_path_buf(),
                detail: "it is a folder".into(),
            });
        }
        let flags = match mode {
            Mode::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            Mode::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
            Mode::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let started = Instant::now();
        let err = |e| CorpusError::from_sqlite(path, e, started.elapsed());
        let conn = Connection::open_with_flags(path, flags).map_err(err)?;
        conn.busy_timeout(lock_timeout).map_err(err)?;
        let mut corpus = Corpus {
            conn,
            path: path.to_path_buf(),
            lock_timeout,
        };
        corpus.check_and_migrate(mode)?;
        let c = &corpus.conn;
        let setup = (|| {
            if mode != Mode::ReadOnly {
                c.pragma_update(None, "journal_mode", "WAL")?;
            }
            c.pragma_update(None, "synchronous", "FULL")?;
            // 64 MiB of page cache (the default is 2 MiB): the indexes of a
            // large corpus stay in memory while articles are added.
            c.pragma_update(None, "cache_size", -65_536)?;
            c.pragma_update(None, "temp_store", "MEMORY")?;
            c.pragma_update(None, "foreign_keys", true)
        })();
        setup.map_err(|e| corpus.err(e, started))?;
        Ok(corpus)
    }

    fn check_and_migrate(&mut self, mode: Mode) -> Result<(), CorpusError> {
        let started = Instant::now();
        let (app, version, has_tables) =
            schema::marker(&self.conn).map_err(|e| self.err(e, started))?;
        let path = self.path.clone();
        if app == APPLICATION_ID {
            if version > SCHEMA_VERSION {
                return Err(CorpusError::NewerSchema {
                    path,
                    found: version,
                    supported: SCHEMA_VERSION,
                });
            }
            if version == SCHEMA_VERSION {
                return Ok(());
            }
        } else if has_tables || mode != Mode::Create {
            return Err(CorpusError::NotACorpus { path });
        }
        if mode == Mode::ReadOnly {
            return Err(CorpusError::CannotOpen {
                path,
                detail: format!(
                    "schema version {version} needs an upgrade to {SCHEMA_VERSION}; \
                     run a command that writes (corpus add or reanalyze) first"
                ),
            });
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| CorpusError::from_sqlite(&path, e, started.elapsed()))?;
        // Another process may have created it while this one waited.
        let (app_now, version_now, _) = schema::marker(&tx)
            .map_err(|e| CorpusError::from_sqlite(&path, e, started.elapsed()))?;
        if app_now != APPLICATION_ID || version_now < SCHEMA_VERSION {
            let from = if app_now == APPLICATION_ID {
                version_now
            } else {
                0
            };
            schema::migrate(&tx, from)
                .map_err(|e| CorpusError::from_sqlite(&path, e, started.elapsed()))?;
            if from == 0 {
                tx.execute(
                    "INSERT OR REPLACE INTO corpus_info (key, value) VALUES ('created_at', ?1)",
                    [now_utc()],
                )
                .map_err(|e| CorpusError::from_sqlite(&path, e, started.elapsed()))?;
            }
        }
        tx.commit()
            .map_err(|e| CorpusError::from_sqlite(&path, e, started.elapsed()))
    }

    /// The corpus file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The SQLite connection, for read queries of the other modules (stats,
    /// search, export) and of tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The connection, for writes of the other modules (copies).
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Turns an SQLite error into a [`CorpusError`] about this corpus.
    pub fn err(&self, e: rusqlite::Error, started: Instant) -> CorpusError {
        CorpusError::from_sqlite(&self.path, e, started.elapsed().min(self.lock_timeout))
    }

    /// The content hashes of every stored article (to skip them before
    /// analysing: this is what makes `corpus add` resumable).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn stored_hashes(&self) -> Result<HashSet<String>, CorpusError> {
        let started = Instant::now();
        let run = || -> rusqlite::Result<HashSet<String>> {
            let mut stmt = self.conn.prepare("SELECT content_hash FROM articles")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect()
        };
        run().map_err(|e| self.err(e, started))
    }

    /// Stores `records` in one transaction; a record whose content hash is
    /// already stored is skipped.
    ///
    /// # Errors
    /// An SQLite error (disk full, locked for longer than the timeout); then
    /// nothing of this call is stored and everything committed before is kept.
    pub fn insert(&mut self, records: &[ArticleRecord]) -> Result<Inserted, CorpusError> {
        let started = Instant::now();
        let now = now_utc();
        let run = |conn: &mut Connection| -> rusqlite::Result<Inserted> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut done = Inserted::default();
            for r in records {
                let stored = tx.prepare_cached(
                    "INSERT INTO articles (content_hash, doc_id, source, url, canonical_url, title,
                        authors, outlet, published, published_date, original_source, language,
                        words, technique_spans, quotes, quotation_share, named_sources,
                        anonymous_sources, claims, check_worthy_claims, hedged_claims, sourcing,
                        tier, model, analysed_at, added_at, text, document, warnings,
                        not_analysed)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                        ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?25, ?26, ?27, ?28,
                        ?29)
                     ON CONFLICT(content_hash) DO NOTHING",
                )?
                .execute(params![
                    r.content_hash,
                    r.doc_id,
                    r.provenance.source,
                    r.fields.url,
                    r.fields.canonical_url,
                    r.fields.title,
                    authors_json(&r.fields.authors),
                    r.fields.outlet,
                    r.fields.published,
                    r.fields.published_date,
                    r.fields.original_source,
                    r.fields.language,
                    r.fields.words,
                    r.fields.technique_spans,
                    r.fields.quotes,
                    r.fields.quotation_share,
                    r.fields.named_sources,
                    r.fields.anonymous_sources,
                    r.fields.claims,
                    r.fields.check_worthy_claims,
                    r.fields.hedged_claims,
                    r.provenance.sourcing,
                    r.provenance.tier,
                    r.provenance.model,
                    now,
                    r.fields.text,
                    r.document,
                    r.fields.warnings,
                    r.fields.not_analysed,
                ])?;
                if stored == 0 {
                    done.already_stored += 1;
                    continue;
                }
                let id = tx.last_insert_rowid();
                tx.prepare_cached(
                    "INSERT INTO articles_fts (rowid, title, text) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![id, r.fields.title, r.fields.text])?;
                let mut author = tx.prepare_cached(
                    "INSERT OR IGNORE INTO article_authors (article_id, position, author) VALUES (?1, ?2, ?3)",
                )?;
                for (i, a) in r.fields.authors.iter().enumerate() {
                    author.execute(params![id, i as i64, a])?;
                }
                insert_children(&tx, id, r)?;
                tx.prepare_cached(
                    "INSERT INTO copy_signatures (article_id, version, body_words, signature)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    id,
                    unspin_copies::signature::SIGNATURE_VERSION,
                    r.copy_signature.1,
                    r.copy_signature.0
                ])?;
                done.added += 1;
            }
            tx.commit()?;
            Ok(done)
        };
        run(&mut self.conn).map_err(|e| self.err(e, started))
    }

    /// Replaces the analysis of stored article `id` with `record` (same
    /// text, new spans, quotes, sources, claims and counts), in one
    /// transaction (`corpus reanalyze`).
    ///
    /// # Errors
    /// An SQLite error; then the article keeps its previous analysis.
    pub fn replace_analysis(
        &mut self,
        updates: &[(i64, ArticleRecord)],
    ) -> Result<usize, CorpusError> {
        let started = Instant::now();
        let now = now_utc();
        let run = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut n = 0;
            for (id, r) in updates {
                let changed = tx
                    .prepare_cached(
                        "UPDATE articles SET technique_spans = ?2, quotes = ?3, quotation_share = ?4,
                        named_sources = ?5, anonymous_sources = ?6, claims = ?7,
                        check_worthy_claims = ?8, hedged_claims = ?9, sourcing = ?10, tier = ?11,
                        model = ?12, analysed_at = ?13, document = ?14, warnings = ?15,
                        not_analysed = ?16
                     WHERE id = ?1",
                    )?
                    .execute(params![
                        id,
                        r.fields.technique_spans,
                        r.fields.quotes,
                        r.fields.quotation_share,
                        r.fields.named_sources,
                        r.fields.anonymous_sources,
                        r.fields.claims,
                        r.fields.check_worthy_claims,
                        r.fields.hedged_claims,
                        r.provenance.sourcing,
                        r.provenance.tier,
                        r.provenance.model,
                        now,
                        r.document,
                        r.fields.warnings,
                        r.fields.not_analysed,
                    ])?;
                if changed == 0 {
                    continue;
                }
                for table in ["spans", "article_techniques", "quotes", "sources", "claims"] {
                    tx.prepare_cached(&format!("DELETE FROM {table} WHERE article_id = ?1"))?
                        .execute([id])?;
                }
                insert_children(&tx, *id, r)?;
                n += 1;
            }
            tx.commit()?;
            Ok(n)
        };
        run(&mut self.conn).map_err(|e| self.err(e, started))
    }

    /// The ids of the stored articles that match an SQL expression over the
    /// `articles` columns (`None`: all), in id order.
    ///
    /// # Errors
    /// [`CorpusError::Query`] for an expression SQLite rejects.
    pub fn article_ids(&self, filter: Option<&str>) -> Result<Vec<i64>, CorpusError> {
        let started = Instant::now();
        let sql = match filter {
            Some(f) => format!("SELECT id FROM articles WHERE ({f}) ORDER BY id"),
            None => "SELECT id FROM articles ORDER BY id".to_string(),
        };
        let mut stmt = self.conn.prepare(&sql).map_err(|e| match filter {
            Some(_) if e.sqlite_error_code().is_none() || is_query_error(&e) => {
                CorpusError::Query(e.to_string())
            }
            _ => self.err(e, started),
        })?;
        let rows = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<i64>>>());
        rows.map_err(|e| self.err(e, started))
    }

    /// The stored article `id`, or `None` when there is none.
    ///
    /// # Errors
    /// An SQLite error, or [`CorpusError::BadRecord`] when its document
    /// cannot be decoded.
    pub fn article(&self, id: i64) -> Result<Option<StoredArticle>, CorpusError> {
        let started = Instant::now();
        let row = self
            .conn
            .prepare_cached(
                "SELECT source, content_hash, tier, model, added_at, analysed_at, document, text
                 FROM articles WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Vec<u8>>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                })
                .optional()
            })
            .map_err(|e| self.err(e, started))?;
        let Some((source, content_hash, tier, model, added_at, analysed_at, blob, text)) = row
        else {
            return Ok(None);
        };
        let document = decode_document(&blob, &text)
            .map_err(|detail| CorpusError::BadRecord { id, detail })?;
        Ok(Some(StoredArticle {
            id,
            source,
            content_hash,
            tier,
            model,
            added_at,
            analysed_at,
            document,
        }))
    }

    /// Counts that describe the corpus.
    ///
    /// # Errors
    /// An SQLite error.
    pub fn info(&self) -> Result<CorpusInfo, CorpusError> {
        let started = Instant::now();
        let c = &self.conn;
        let run = || -> rusqlite::Result<CorpusInfo> {
            let count = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0));
            let (first, last) = c.query_row(
                "SELECT min(published_date), max(published_date) FROM articles",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let mut stmt = c.prepare(
                "SELECT tier, model, sourcing, count(*) FROM articles
                 GROUP BY tier, model, sourcing ORDER BY count(*) DESC",
            )?;
            let models = stmt
                .query_map([], |r| {
                    Ok(ModelCount {
                        tier: r.get(0)?,
                        model: r.get(1)?,
                        sourcing: r.get(2)?,
                        articles: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = c.prepare(
                "SELECT not_analysed, count(*) FROM articles WHERE not_analysed IS NOT NULL
                 GROUP BY not_analysed ORDER BY count(*) DESC, not_analysed",
            )?;
            let not_analysed = stmt
                .query_map([], |r| {
                    Ok(NotAnalysedCount {
                        reason: r.get(0)?,
                        articles: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let created_at = c
                .query_row(
                    "SELECT value FROM corpus_info WHERE key = 'created_at'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(CorpusInfo {
                path: self.path.display().to_string(),
                schema_version: c.pragma_query_value(None, "user_version", |r| r.get(0))?,
                created_at,
                articles: count("SELECT count(*) FROM articles")?,
                outlets: count("SELECT count(DISTINCT outlet) FROM articles")?,
                authors: count("SELECT count(DISTINCT author) FROM article_authors")?,
                articles_without_outlet: count(
                    "SELECT count(*) FROM articles WHERE outlet IS NULL",
                )?,
                first_published: first,
                last_published: last,
                articles_without_date: count(
                    "SELECT count(*) FROM articles WHERE published_date IS NULL",
                )?,
                words: count("SELECT coalesce(sum(words), 0) FROM articles")?,
                technique_spans: count("SELECT count(*) FROM spans")?,
                quotes: count("SELECT count(*) FROM quotes")?,
                sources: count("SELECT count(*) FROM sources")?,
                claims: count("SELECT count(*) FROM claims")?,
                not_analysed,
                models,
                size_bytes: 0,
            })
        };
        let mut info = run().map_err(|e| self.err(e, started))?;
        info.size_bytes = file_size(&self.path) + file_size(&wal_path(&self.path));
        Ok(info)
    }

    /// Runs `PRAGMA integrity_check` and returns its lines (`["ok"]` for a
    /// sound file).
    ///
    /// # Errors
    /// An SQLite error.
    pub fn integrity_check(&self) -> Result<Vec<String>, CorpusError> {
        let started = Instant::now();
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect()
        };
        run().map_err(|e| self.err(e, started))
    }
}

/// Inserts the spans, quotes, sources and claims of article `id`.
fn insert_children(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    r: &ArticleRecord,
) -> rusqlite::Result<()> {
    let mut span = tx.prepare_cached(
        "INSERT INTO spans (article_id, technique, start, end, score, provenance, text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut span_fts = tx.prepare_cached("INSERT INTO spans_fts (rowid, text) VALUES (?1, ?2)")?;
    let mut per_technique = std::collections::BTreeMap::<&str, i64>::new();
    for s in &r.spans {
        *per_technique.entry(s.label.as_str()).or_default() += 1;
        span.execute(params![
            id,
            s.label,
            s.start as i64,
            s.end as i64,
            finite(s.score),
            s.provenance,
            s.text
        ])?;
        span_fts.execute(params![tx.last_insert_rowid(), s.text])?;
    }
    let mut count = tx.prepare_cached(
        "INSERT INTO article_techniques (article_id, technique, spans) VALUES (?1, ?2, ?3)",
    )?;
    for (technique, n) in per_technique {
        count.execute(params![id, technique, n])?;
    }
    let mut quote = tx.prepare_cached(
        "INSERT INTO quotes (article_id, quote_key, kind, speaker, speaker_kind, cue, medium,
            score, start, end, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut quote_fts =
        tx.prepare_cached("INSERT INTO quotes_fts (rowid, text, speaker) VALUES (?1, ?2, ?3)")?;
    for q in &r.quotes {
        quote.execute(params![
            id,
            q.id,
            q.kind,
            q.speaker,
            q.speaker_kind,
            q.cue,
            q.medium,
            finite(q.score),
            q.start as i64,
            q.end as i64,
            q.text
        ])?;
        quote_fts.execute(params![tx.last_insert_rowid(), q.text, q.speaker])?;
    }
    let mut source = tx.prepare_cached(
        "INSERT INTO sources (article_id, name, kind, mentions, roles, urls)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for s in &r.sources {
        source.execute(params![
            id,
            s.name,
            s.kind,
            s.mentions as i64,
            s.roles.join(","),
            serde_json::to_string(&s.urls).unwrap_or_else(|_| "[]".into()),
        ])?;
    }
    let mut claim = tx.prepare_cached(
        "INSERT INTO claims (article_id, claim_key, score, certainty, quoted, start, end, text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for c in &r.claims {
        claim.execute(params![
            id,
            c.id,
            finite(c.score),
            c.certainty,
            c.quoted,
            c.start as i64,
            c.end as i64,
            c.text
        ])?;
    }
    Ok(())
}

fn finite(x: f32) -> f64 {
    if x.is_finite() {
        f64::from(x)
    } else {
        0.0
    }
}

fn authors_json(authors: &[String]) -> String {
    serde_json::to_string(authors).unwrap_or_else(|_| "[]".into())
}

fn is_query_error(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::Unknown))
}

/// The write-ahead log beside corpus file `path` (`PATH-wal`).
pub fn wal_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// The current time, UTC, as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_utc() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
