//! `corpus add` killed with SIGKILL at random moments and resumed each time:
//! every article ends up stored exactly once, no committed article is ever
//! lost, no article is half-written, and the file passes SQLite's and FTS5's
//! integrity checks.
//!
//! The input is generated at test time from `../shared/data/unlabeled-news`
//! (five variants of each article, 2,000 in all, as one JSON Lines file).

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

use super::*;

const VARIANTS: usize = 5;
const KILLS: usize = 12;

/// A small deterministic generator (xorshift64*), seeded per run and printed
/// so that a failing run can be repeated with UNSPIN_KILL_SEED.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn millis(&mut self, low: u64, high: u64) -> Duration {
        Duration::from_millis(low + self.next() % (high - low))
    }
}

fn write_input(dir: &Path) -> Option<(PathBuf, BTreeSet<String>)> {
    let files = news_files()?;
    let mut ids = BTreeSet::new();
    let mut lines = String::new();
    for v in 0..VARIANTS {
        for (i, f) in files.iter().enumerate() {
            let text = fs::read_to_string(f).unwrap();
            let id = format!("v{v}-{i:04}");
            let text = format!("{text}\n\nEdition {v} of this article.");
            let line = serde_json::json!({
                "id": id,
                "text": text,
                "url": format!("https://outlet{}.example/{id}", i % 7),
            });
            lines.push_str(&line.to_string());
            lines.push('\n');
            ids.insert(id);
        }
    }
    let path = dir.join("articles.jsonl");
    fs::write(&path, lines).unwrap();
    Some((path, ids))
}

fn articles(db: &Path) -> i64 {
    if !db.exists() {
        return 0;
    }
    let conn = Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap_or(0)
}

#[test]
fn killed_and_resumed_add_stores_every_article_exactly_once() {
    if !unspin_testkit::slow_test("corpus kill test") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some((input, ids)) = write_input(dir.path()) else {
        return;
    };
    assert!(ids.len() >= 1000);
    let db = dir.path().join("kill.db");
    let seed = std::env::var("UNSPIN_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("corpus kill test: seed {seed} (set UNSPIN_KILL_SEED={seed} to repeat)");
    let mut rng = Rng(seed);
    let add = || {
        Command::new(env!("CARGO_BIN_EXE_unspin"))
            .args([
                "corpus",
                "add",
                s(&db),
                s(&input),
                "--quiet",
                "--batch",
                "16",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("unspin starts")
    };
    let mut kills = 0;
    let mut stored = 0;
    let started = Instant::now();
    while kills < KILLS {
        let mut child = add();
        std::thread::sleep(rng.millis(50, 900));
        match child.try_wait().unwrap() {
            Some(status) => {
                // It finished before the kill (a fast machine): start over on
                // a fresh file, so that the next kills land while there is
                // work left.
                assert!(status.success(), "corpus add failed: {status}");
                assert_eq!(articles(&db), ids.len() as i64);
                eprintln!("finished before kill {}; starting over", kills + 1);
                for suffix in ["", "-wal", "-shm"] {
                    let _ = fs::remove_file(format!("{}{suffix}", db.display()));
                }
                stored = 0;
                continue;
            }
            None => {
                child.kill().unwrap(); // SIGKILL on Unix
                child.wait().unwrap();
                kills += 1;
            }
        }
        let now = articles(&db);
        assert!(
            now >= stored,
            "committed articles were lost: {stored} -> {now}"
        );
        stored = now;
        eprintln!(
            "kill {kills}: {stored} articles stored ({:.0?})",
            started.elapsed()
        );
    }
    // The last kill left work for the resumed run: articles to store, or
    // (after them) articles to compare for copies.
    let unlinked: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT (SELECT count(*) FROM copy_signatures WHERE linked = 0)
                  + (SELECT count(*) FROM articles a WHERE NOT EXISTS
                        (SELECT 1 FROM copy_signatures c WHERE c.article_id = a.id))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        stored < ids.len() as i64 || unlinked > 0,
        "every article was stored and compared before the last kill"
    );
    let out = add().wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the resumed run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let conn = Connection::open(&db).unwrap();
    let stored_ids: Vec<String> = conn
        .prepare("SELECT doc_id FROM articles ORDER BY doc_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored_ids.len(), ids.len(), "each article exactly once");
    // Linking copies, killed too, finished: every article has its signature
    // and was compared.
    let (signed, linked): (i64, i64) = conn
        .query_row(
            "SELECT count(*), coalesce(sum(linked), 0) FROM copy_signatures",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((signed, linked), (ids.len() as i64, ids.len() as i64));
    assert_eq!(stored_ids.into_iter().collect::<BTreeSet<_>>(), ids);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    for fts in ["articles_fts", "spans_fts", "quotes_fts"] {
        conn.execute(
            &format!("INSERT INTO {fts}({fts}) VALUES ('integrity-check')"),
            [],
        )
        .unwrap_or_else(|e| panic!("{fts}: {e}"));
    }
    // No half-written article: every count column matches its rows.
    for (column, table) in [("technique_spans", "spans"), ("quotes", "quotes")] {
        let bad: i64 = conn
            .query_row(
                &format!(
                    "SELECT count(*) FROM articles a WHERE a.{column} !=
                     (SELECT count(*) FROM {table} t WHERE t.article_id = a.id)"
                ),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            bad, 0,
            "articles whose {column} differ from their {table} rows"
        );
    }
    let spans: i64 = conn
        .query_row("SELECT count(*) FROM spans", [], |r| r.get(0))
        .unwrap();
    assert!(spans > 0);
}

/// Another process takes the write lock while `corpus add` runs: the add
/// stops with the "locked" message and a non-zero status (the error comes
/// from its writer thread, not lost behind the analysis), keeps every batch
/// committed before, and the same command afterwards stores the rest, each
/// article once.
#[test]
fn add_locked_out_midway_keeps_what_it_committed_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let Some((input, ids)) = write_input(dir.path()) else {
        return;
    };
    let db = dir.path().join("locked.db");
    let add = |timeout: &str| {
        Command::new(env!("CARGO_BIN_EXE_unspin"))
            .args(["corpus", "add", s(&db), s(&input), "--no-copies"])
            .args(["--quiet", "--batch", "8", "--lock-timeout", timeout])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("unspin starts")
    };
    let mut child = add("0.2");
    // Wait for the first commits, then hold the write lock until the add
    // gives up.
    let started = Instant::now();
    while articles(&db) == 0 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "corpus add ended before its first commit"
        );
        assert!(started.elapsed() < Duration::from_secs(120), "no commit");
        std::thread::sleep(Duration::from_millis(5));
    }
    let lock = Connection::open(&db).unwrap();
    lock.busy_timeout(Duration::from_secs(10)).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = child.wait_with_output().unwrap();
    lock.execute_batch("ROLLBACK").unwrap();
    drop(lock);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "not stopped by the lock: {stderr}");
    assert!(
        stderr.contains("is locked by another process"),
        "stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    let kept = articles(&db);
    assert!(
        kept > 0 && kept < ids.len() as i64,
        "{kept} of {} stored before the lock",
        ids.len()
    );

    let out = add("5").wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the resumed run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = Connection::open(&db).unwrap();
    let (n, distinct): (i64, i64) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT doc_id) FROM articles",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n, distinct), (ids.len() as i64, ids.len() as i64));
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
