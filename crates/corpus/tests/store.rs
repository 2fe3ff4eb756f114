//! The store's promises: idempotent inserts, whole transactions, and a clear
//! error for every kind of bad file.

use std::time::Duration;

use rusqlite::Connection;
use unspin_corpus::{ArticleRecord, Corpus, CorpusError, Mode, Provenance, SCHEMA_VERSION};
use unspin_document::{layers, Document, Span};

const WAIT: Duration = Duration::from_millis(300);

fn record(id: &str, text: &str, outlet: &str) -> ArticleRecord {
    let mut doc = Document::new(id, text);
    doc.metadata.site_name = Some(outlet.to_string());
    doc.metadata.authors = vec!["A. Writer".into(), "B. Writer".into()];
    doc.metadata.published = Some("2016-02-24T10:00:00Z".into());
    if let Some(start) = text.find("traitors") {
        doc.add_span(
            layers::TECHNIQUE,
            Span::new(start, start + 8, "Name_Calling,Labeling").unwrap(),
        )
        .unwrap();
        doc.add_span(
            layers::TECHNIQUE,
            Span::new(start, start + 8, "Loaded_Language").unwrap(),
        )
        .unwrap();
    }
    let provenance = Provenance {
        source: format!("{id}.txt"),
        tier: "fast".into(),
        model: "test".into(),
        sourcing: false,
    };
    ArticleRecord::new(&doc, provenance).unwrap()
}

fn count(c: &Corpus, sql: &str) -> i64 {
    c.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn inserts_once_with_all_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut c = Corpus::open(&path, Mode::Create, WAIT).unwrap();
    let a = record("a", "These traitors lie.", "Outlet A");
    let b = record("b", "A calm report.", "Outlet B");
    let done = c.insert(&[a.clone(), b.clone(), a.clone()]).unwrap();
    assert_eq!((done.added, done.already_stored), (2, 1));
    let done = c.insert(&[b]).unwrap();
    assert_eq!((done.added, done.already_stored), (0, 1));
    assert_eq!(count(&c, "SELECT count(*) FROM articles"), 2);
    assert_eq!(count(&c, "SELECT count(*) FROM spans"), 2);
    assert_eq!(count(&c, "SELECT count(*) FROM article_techniques"), 2);
    assert_eq!(count(&c, "SELECT count(*) FROM article_authors"), 4);
    let info = c.info().unwrap();
    assert_eq!((info.articles, info.outlets, info.authors), (2, 2, 2));
    assert_eq!(info.first_published.as_deref(), Some("2016-02-24"));
    assert_eq!(info.schema_version, SCHEMA_VERSION);
    assert!(info.size_bytes > 0);
    assert_eq!(c.integrity_check().unwrap(), ["ok"]);

    // Read back: the stored document is the analysed one.
    let stored = c.article(1).unwrap().unwrap();
    assert_eq!(stored.document.text(), "These traitors lie.");
    assert_eq!(stored.document.layer(layers::TECHNIQUE).len(), 2);
    assert!(c.article(99).unwrap().is_none());

    // A reopened file keeps everything.
    drop(c);
    let c = Corpus::open(&path, Mode::ReadOnly, WAIT).unwrap();
    assert_eq!(c.info().unwrap().articles, 2);
}

#[test]
fn replacing_an_analysis_replaces_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Corpus::open(&dir.path().join("c.db"), Mode::Create, WAIT).unwrap();
    c.insert(&[record("a", "These traitors lie.", "X")])
        .unwrap();
    let mut plain = record("a", "These traitors lie.", "X");
    plain.spans.truncate(1);
    plain.fields.technique_spans = 1;
    plain.provenance.tier = "neural".into();
    assert_eq!(
        c.replace_analysis(&[(1, plain), (7, record("z", "z", "z"))])
            .unwrap(),
        1
    );
    assert_eq!(count(&c, "SELECT count(*) FROM spans"), 1);
    assert_eq!(count(&c, "SELECT count(*) FROM article_techniques"), 1);
    assert_eq!(count(&c, "SELECT technique_spans FROM articles"), 1);
    assert_eq!(c.info().unwrap().models[0].tier, "neural");
    // FTS entries of the old spans went with them.
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM spans_fts WHERE spans_fts MATCH 'traitors'"
        ),
        1
    );
    assert_eq!(c.article_ids(Some("outlet = 'X'")).unwrap(), [1]);
    assert!(matches!(
        c.article_ids(Some("no_such_column = 1")),
        Err(CorpusError::Query(_))
    ));
}

#[test]
fn a_full_disk_keeps_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Corpus::open(&dir.path().join("c.db"), Mode::Create, WAIT).unwrap();
    c.insert(&[record("a", "These traitors lie.", "X")])
        .unwrap();
    // SQLite's own size limit stands in for a full disk: the same error code.
    let pages: i64 = count(&c, "PRAGMA page_count");
    c.connection()
        .pragma_update(None, "max_page_count", pages)
        .unwrap();
    let big: Vec<ArticleRecord> = (0..50)
        .map(|i| record(&format!("b{i}"), &"word ".repeat(2000 + i), "Y"))
        .collect();
    let err = c.insert(&big).unwrap_err();
    assert!(matches!(err, CorpusError::DiskFull { .. }), "{err}");
    assert!(err.to_string().contains("disk is full"), "{err}");
    assert_eq!(count(&c, "SELECT count(*) FROM articles"), 1);
    assert_eq!(c.integrity_check().unwrap(), ["ok"]);
}

#[test]
fn bad_files_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();

    let missing = dir.path().join("missing.db");
    let err = Corpus::open(&missing, Mode::ReadOnly, WAIT).unwrap_err();
    assert!(matches!(err, CorpusError::Missing { .. }), "{err}");
    assert!(!missing.exists(), "a read command must not create the file");

    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "just some notes, long enough to have a header ".repeat(20),
    )
    .unwrap();
    let err = Corpus::open(&text, Mode::Create, WAIT).unwrap_err();
    assert!(matches!(err, CorpusError::NotADatabase { .. }), "{err}");

    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    let err = Corpus::open(&other, Mode::Create, WAIT).unwrap_err();
    assert!(matches!(err, CorpusError::NotACorpus { .. }), "{err}");

    let newer = dir.path().join("newer.db");
    drop(Corpus::open(&newer, Mode::Create, WAIT).unwrap());
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let err = Corpus::open(&newer, Mode::ReadOnly, WAIT).unwrap_err();
    assert!(matches!(err, CorpusError::NewerSchema { .. }), "{err}");
    assert!(err.to_string().contains("upgrade unspin"), "{err}");

    let folder = dir.path().join("folder.db");
    std::fs::create_dir(&folder).unwrap();
    let err = Corpus::open(&folder, Mode::Create, WAIT).unwrap_err();
    assert!(matches!(err, CorpusError::CannotOpen { .. }), "{err}");
}

#[test]
fn a_damaged_file_is_reported_as_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let mut c = Corpus::open(&path, Mode::Create, WAIT).unwrap();
    let many: Vec<ArticleRecord> = (0..40)
        .map(|i| {
            record(
                &format!("a{i}"),
                &format!("These traitors lie {i}. {}", "x ".repeat(900)),
                "X",
            )
        })
        .collect();
    c.insert(&many).unwrap();
    // Closing the last connection checkpoints the write-ahead log into the file.
    drop(c);
    // Overwrite pages in the middle of the file (not the header).
    let mut bytes = std::fs::read(&path).unwrap();
    let len = bytes.len();
    for b in &mut bytes[len / 3..len / 3 + 8192] {
        *b = 0x5a;
    }
    std::fs::write(&path, bytes).unwrap();
    let c = Corpus::open(&path, Mode::ReadOnly, WAIT).unwrap();
    let result = c.info().and_then(|_| {
        let problems = c.integrity_check()?;
        if problems == ["ok"] {
            Ok(())
        } else {
            Err(CorpusError::Corrupt {
                path: path.clone(),
                detail: problems.join("; "),
            })
        }
    });
    let err = result.unwrap_err();
    assert!(
        matches!(err, CorpusError::Corrupt { .. }),
        "expected a damaged-file error, got {err}"
    );
}

#[test]
fn a_writer_waits_for_the_lock_then_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    drop(Corpus::open(&path, Mode::Create, WAIT).unwrap());
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut c = Corpus::open(&path, Mode::ReadWrite, Duration::from_millis(200)).unwrap();
    let err = c.insert(&[record("a", "text", "X")]).unwrap_err();
    assert!(matches!(err, CorpusError::Locked { .. }), "{err}");
    assert!(
        err.to_string().contains("locked by another process"),
        "{err}"
    );
    // Readers are not blocked by the writer.
    let reader = Corpus::open(&path, Mode::ReadOnly, WAIT).unwrap();
    assert_eq!(reader.info().unwrap().articles, 0);
    holder.execute_batch("COMMIT").unwrap();
    assert_eq!(c.insert(&[record("a", "text", "X")]).unwrap().added, 1);
}
