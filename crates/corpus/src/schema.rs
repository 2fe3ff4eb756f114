//! The corpus schema and its migrations (documented in `docs/corpus.md`).
//!
//! A corpus file is marked as unspin's by `PRAGMA application_id` and
//! carries its schema version in `PRAGMA user_version`. Migration `n`
//! (1-based) turns version `n - 1` into version `n`; each runs in the same
//! transaction as the version bump, so a file is always at one version.

use rusqlite::{Connection, Transaction};

/// `PRAGMA application_id` of an unspin corpus: the bytes `"unsp"`.
pub const APPLICATION_ID: i32 = 0x756e_7370;

/// The schema version this build writes (and the newest it reads).
pub const SCHEMA_VERSION: i64 = 3;

/// Migration steps: `MIGRATIONS[n - 1]` turns version `n - 1` into `n`.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [V1, V2, V3];

/// Version 1: articles with their metadata, text and analysed document;
/// technique spans (and their count per article and technique), quotes,
/// cited sources and check-worthy claims; FTS5
/// indexes over article text, spans and quotes. Rows enter the indexes with
/// the rows themselves (in `store.rs`, not by triggers: an FTS5 table written
/// from a trigger flushes its pending terms at every statement, which makes
/// adding articles several times slower); deletes and updates reach them
/// through the triggers below.
const V1: &str = r#"
CREATE TABLE corpus_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE articles (
    id                  INTEGER PRIMARY KEY,
    content_hash        TEXT NOT NULL UNIQUE,
    doc_id              TEXT NOT NULL,
    source              TEXT NOT NULL,
    url                 TEXT,
    canonical_url       TEXT,
    title               TEXT,
    authors             TEXT NOT NULL DEFAULT '[]',
    outlet              TEXT,
    published           TEXT,
    published_date      TEXT,
    original_source     TEXT,
    language            TEXT,
    words               INTEGER NOT NULL,
    technique_spans     INTEGER NOT NULL,
    quotes              INTEGER NOT NULL,
    quotation_share     REAL NOT NULL,
    named_sources       INTEGER NOT NULL,
    anonymous_sources   INTEGER NOT NULL,
    claims              INTEGER NOT NULL,
    check_worthy_claims INTEGER NOT NULL,
    hedged_claims       INTEGER NOT NULL,
    sourcing            INTEGER NOT NULL,
    tier                TEXT NOT NULL,
    model               TEXT NOT NULL,
    analysed_at         TEXT NOT NULL,
    added_at            TEXT NOT NULL,
    text                TEXT NOT NULL,
    document            BLOB NOT NULL
) STRICT;
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_published ON articles(published_date);
-- Covers what `corpus stats` reads of every article, so that statistics read
-- about 100 bytes per article instead of the article's page.
CREATE INDEX articles_stats ON articles(id, outlet, published_date, words, technique_spans,
    sourcing, quotes, quotation_share, named_sources, anonymous_sources, check_worthy_claims,
    hedged_claims);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    author     TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
) STRICT;
CREATE INDEX article_authors_author ON article_authors(author);

CREATE TABLE spans (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    technique  TEXT NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    score      REAL NOT NULL,
    provenance TEXT,
    text       TEXT NOT NULL
) STRICT;
CREATE INDEX spans_article ON spans(article_id);
CREATE INDEX spans_technique ON spans(technique, article_id);

CREATE TABLE article_techniques (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    technique  TEXT NOT NULL,
    spans      INTEGER NOT NULL,
    PRIMARY KEY (article_id, technique)
) STRICT, WITHOUT ROWID;
CREATE INDEX article_techniques_technique ON article_techniques(technique);

CREATE TABLE quotes (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    quote_key    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    speaker      TEXT,
    speaker_kind TEXT,
    cue          TEXT,
    medium       TEXT,
    score        REAL NOT NULL,
    start        INTEGER NOT NULL,
    end          INTEGER NOT NULL,
    text         TEXT NOT NULL
) STRICT;
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker ON quotes(speaker);

CREATE TABLE sources (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    mentions   INTEGER NOT NULL,
    roles      TEXT NOT NULL,
    urls       TEXT NOT NULL
) STRICT;
CREATE INDEX sources_article ON sources(article_id);
CREATE INDEX sources_name ON sources(name);

CREATE TABLE claims (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    claim_key  TEXT NOT NULL,
    score      REAL NOT NULL,
    certainty  TEXT NOT NULL,
    quoted     INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL
) STRICT;
CREATE INDEX claims_article ON claims(article_id);

CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id');
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE VIRTUAL TABLE spans_fts USING fts5(text, content='spans', content_rowid='id');
CREATE TRIGGER spans_fts_delete AFTER DELETE ON spans BEGIN
    INSERT INTO spans_fts(spans_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE VIRTUAL TABLE quotes_fts USING fts5(text, speaker, content='quotes', content_rowid='id');
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text, speaker) VALUES ('delete', old.id, old.text, old.speaker);
END;
"#;

/// Version 2: copies and syndication. Each article's MinHash signature
/// (computed when it is added; articles of a version-1 corpus get theirs
/// the next time copies are linked) and whether it has been compared with
/// the rest of the corpus yet; the confirmed copy and partial re-use links
/// between articles (`a < b`). Clusters and their origins are derived from
/// the links when asked for.
const V2: &str = r#"
CREATE TABLE copy_signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    body_words INTEGER NOT NULL,
    signature  BLOB,
    linked     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX copy_signatures_unlinked ON copy_signatures(article_id) WHERE linked = 0;

CREATE TABLE copy_links (
    a          INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    b          INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    relation   TEXT NOT NULL CHECK (relation IN ('copy', 'partial')),
    similarity REAL NOT NULL,
    a_in_b     REAL NOT NULL,
    b_in_a     REAL NOT NULL,
    PRIMARY KEY (a, b)
) STRICT, WITHOUT ROWID;
CREATE INDEX copy_links_b ON copy_links(b);
"#;

/// Version 3: document warnings. Each article's `warnings` (the JSON
/// array of the wire format's `warnings`, `[]` when none) and
/// `not_analysed`: `NULL` when its techniques were analysed, else the code
/// of the warning that set the technique layer aside (`language`,
/// `garbled`), so that statistics count such articles apart instead of as
/// articles without techniques. Articles of an older corpus get `[]` and
/// `NULL` (they were analysed before texts were judged; `corpus reanalyze`
/// judges them). The statistics index gains `not_analysed`.
const V3: &str = r#"
ALTER TABLE articles ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]';
ALTER TABLE articles ADD COLUMN not_analysed TEXT;
DROP INDEX articles_stats;
CREATE INDEX articles_stats ON articles(id, outlet, published_date, words, technique_spans,
    sourcing, quotes, quotation_share, named_sources, anonymous_sources, check_worthy_claims,
    hedged_claims, not_analysed);
CREATE INDEX articles_not_analysed ON articles(not_analysed) WHERE not_analysed IS NOT NULL;
"#;

/// The file's `application_id` and `user_version`, and whether it has
/// any table at all (an empty file or a new database has none).
pub(crate) fn marker(conn: &Connection) -> rusqlite::Result<(i32, i64, bool)> {
    let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    Ok((app, version, tables > 0))
}

/// Brings a corpus at `from` (0 = empty file) to [`SCHEMA_VERSION`] inside
/// `tx`, marking the file as unspin's.
pub(crate) fn migrate(tx: &Transaction<'_>, from: i64) -> rusqlite::Result<()> {
    for (n, step) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", n as i64 + 1)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_build_the_current_schema_with_fts5() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(marker(&conn).unwrap(), (0, 0, false));
        let tx = conn.transaction().unwrap();
        migrate(&tx, 0).unwrap();
        tx.commit().unwrap();
        assert_eq!(
            marker(&conn).unwrap(),
            (APPLICATION_ID, SCHEMA_VERSION, true)
        );
        // The FTS5 module is compiled in, and a trigger removes deleted rows.
        conn.execute_batch(
            "INSERT INTO articles (content_hash, doc_id, source, words, technique_spans, quotes,
                quotation_share, named_sources, anonymous_sources, claims, check_worthy_claims,
                hedged_claims, sourcing, tier, model, analysed_at, added_at, text, document)
             VALUES ('h', 'd', 's', 3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'fast', 'm', 't', 't',
                'Assad said nothing', x'00');
             INSERT INTO articles_fts (rowid, title, text) SELECT id, title, text FROM articles;",
        )
        .unwrap();
        let hits: i64 = conn
            .query_row(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'assad'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 1);
        conn.execute("DELETE FROM articles", []).unwrap();
        let hits: i64 = conn
            .query_row(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'assad'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(hits, 0);
    }

    /// A version-2 corpus, made by the version-2 schema (the first two
    /// migrations) with one article as version 2 stored it, upgrades in
    /// place when opened for writing: its article is kept, analysed, without
    /// warnings, and a reanalysis that sets it aside is stored.
    #[test]
    fn a_version_2_corpus_upgrades_in_place() {
        use crate::{ArticleRecord, Corpus, GroupBy, Mode, Provenance, StatsQuery};
        use std::time::Duration;
        use unspin_document::{layers, Document, Span, Warning, WarningCode};

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            for (n, step) in MIGRATIONS[..2].iter().enumerate() {
                tx.execute_batch(step).unwrap();
                tx.pragma_update(None, "user_version", n as i64 + 1)
                    .unwrap();
            }
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            let mut doc = Document::new("old", "These corrupt traitors lie to you.");
            doc.add_span(
                layers::TECHNIQUE,
                Span::new(6, 22, "Name_Calling,Labeling").unwrap(),
            )
            .unwrap();
            let r = ArticleRecord::new(&doc, Provenance::default()).unwrap();
            tx.execute(
                "INSERT INTO articles (content_hash, doc_id, source, outlet, words,
                    technique_spans, quotes, quotation_share, named_sources, anonymous_sources,
                    claims, check_worthy_claims, hedged_claims, sourcing, tier, model,
                    analysed_at, added_at, text, document)
                 VALUES (?1, 'old', 'old.txt', 'Daily', 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 'fast',
                    'm', 't', 't', ?2, ?3)",
                rusqlite::params![r.content_hash, r.fields.text, r.document],
            )
            .unwrap();
            tx.execute_batch(
                "INSERT INTO article_techniques VALUES (1, 'Name_Calling,Labeling', 1);
                 INSERT INTO copy_signatures (article_id, version, body_words) VALUES (1, 1, 6);",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let wait = Duration::from_secs(5);
        // Read-only opening does not upgrade; it says how.
        let e = Corpus::open(&path, Mode::ReadOnly, wait).unwrap_err();
        assert!(e.to_string().contains("needs an upgrade"), "{e}");
        let mut c = Corpus::open(&path, Mode::ReadWrite, wait).unwrap();
        let info = c.info().unwrap();
        assert_eq!((info.schema_version, info.articles), (3, 1));
        assert!(info.not_analysed.is_empty());
        let (warnings, not_analysed): (String, Option<String>) = c
            .connection()
            .query_row("SELECT warnings, not_analysed FROM articles", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((warnings.as_str(), not_analysed), ("[]", None));
        let q = StatsQuery::new(GroupBy::Outlet);
        let report = c.stats(&q).unwrap();
        assert_eq!((report.articles, report.not_analysed), (1, 0));
        assert_eq!(report.groups[0].spans, 1);
        // The statistics index covers the new column.
        let plan: String = c
            .connection()
            .query_row(
                "EXPLAIN QUERY PLAN SELECT id, outlet, not_analysed FROM articles ORDER BY id",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("COVERING INDEX"), "{plan}");

        // Reanalysed as another language: stored, and counted apart.
        let mut doc = c.article(1).unwrap().unwrap().document;
        doc.remove_layer(layers::TECHNIQUE);
        doc.warnings.push(Warning {
            code: WarningCode::Language,
            message: "German".into(),
            skipped_layers: vec![layers::TECHNIQUE.into()],
            language: Some("deu".into()),
        });
        let r = ArticleRecord::new(&doc, Provenance::default()).unwrap();
        assert_eq!(c.replace_analysis(&[(1, r)]).unwrap(), 1);
        let report = c.stats(&q).unwrap();
        assert_eq!(
            (report.articles, report.not_analysed, report.other_language),
            (0, 1, 1)
        );
        assert_eq!(
            c.article(1).unwrap().unwrap().document.warnings,
            doc.warnings
        );
        assert_eq!(c.info().unwrap().not_analysed[0].reason, "language");
    }
}
