//! `unspin corpus add`, `info`, `show` and `reanalyze` on real articles:
//! idempotence, resuming, failures that skip one document, and clear errors
//! for files that are not a corpus.

use super::*;

/// The sample article and the first `n` unlabelled news articles, copied
/// into `dir/inputs` (so that a test can add part of them, then all).
fn inputs(dir: &Path, n: usize) -> Option<PathBuf> {
    let files = news_files()?;
    let to = dir.join("inputs");
    fs::create_dir_all(&to).unwrap();
    fs::copy(sample(), to.join("syria-ceasefire-opinion.md")).unwrap();
    for f in files.iter().take(n) {
        fs::copy(f, to.join(f.file_name().unwrap())).unwrap();
    }
    Some(to)
}

fn info(db: &Path) -> Value {
    let run = unspin(&["corpus", "info", s(db), "--format", "json"]);
    assert_exit!(run, 0);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.show()))
}

#[test]
fn add_is_idempotent_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let Some(inputs) = inputs(dir.path(), 12) else {
        return;
    };
    let db = dir.path().join("news.db");
    // A first run over part of the inputs, as if interrupted.
    let first = unspin(&[
        "corpus",
        "add",
        s(&db),
        s(&inputs.join("syria-ceasefire-opinion.md")),
    ]);
    assert_exit!(first, 0);
    first.assert_stderr_has("1 added, 0 already stored, 0 failed");
    let after_one = info(&db);
    assert_eq!(after_one["articles"], 1);
    assert_eq!(after_one["schema_version"], 3);
    assert!(after_one["technique_spans"].as_i64().unwrap() > 0);
    assert!(after_one["quotes"].as_i64().unwrap() > 0, "{after_one}");

    // The whole folder: the stored article is skipped, the rest added.
    let all = unspin(&["corpus", "add", s(&db), s(&inputs)]);
    assert_exit!(all, 0);
    all.assert_stderr_has("12 added, 1 already stored, 0 failed");
    let full = info(&db);
    assert_eq!(full["articles"], 13);

    // Again: nothing changes.
    let again = unspin(&["corpus", "add", s(&db), s(&inputs)]);
    assert_exit!(again, 0);
    again.assert_stderr_has("0 added, 13 already stored");
    let same = info(&db);
    for key in [
        "articles",
        "technique_spans",
        "quotes",
        "sources",
        "claims",
        "words",
    ] {
        assert_eq!(same[key], full[key], "{key}");
    }
    let models = full["models"].as_array().unwrap();
    assert_eq!(models.len(), 1);
    assert_eq!(
        models[0]["tier"], "fast",
        "the corpus tier is fast by default"
    );

    // The sample is article 1 and keeps its metadata.
    let show = unspin(&["corpus", "show", s(&db), "1"]);
    assert_exit!(show, 0);
    let doc: Value = serde_json::from_str(&show.stdout).unwrap();
    check_wire_document(&doc);
    assert_eq!(doc["corpus_id"], 1);
    assert_eq!(doc["metadata"]["site_name"], "Global Research");
    assert!(doc["source"]
        .as_str()
        .unwrap()
        .ends_with("syria-ceasefire-opinion.md"));
    let html = unspin(&["corpus", "show", s(&db), "1", "--format", "html"]);
    assert_exit!(html, 0);
    html.assert_stdout_has("<html");
    unspin(&["corpus", "show", s(&db), "99"]).assert_error(1, "has no article 99");
}

#[test]
fn a_bad_document_is_reported_and_the_rest_stored() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    fs::create_dir_all(&inputs).unwrap();
    fs::write(
        inputs.join("good.txt"),
        "The senator said the plan was a disaster for everyone.\n",
    )
    .unwrap();
    fs::write(inputs.join("bad.txt"), b"caf\xe9 with broken UTF-8\n").unwrap();
    let db = dir.path().join("c.db");
    let run = unspin(&["corpus", "add", s(&db), s(&inputs), "--quiet"]);
    run.assert_error(1, "bad.txt");
    assert_eq!(info(&db)["articles"], 1);
}

#[test]
fn reanalyze_replaces_the_analysis_of_matching_articles() {
    let dir = tempfile::tempdir().unwrap();
    let Some(inputs) = inputs(dir.path(), 3) else {
        return;
    };
    let db = dir.path().join("c.db");
    assert_exit!(unspin(&["corpus", "add", s(&db), s(&inputs), "--quiet"]), 0);
    let before = info(&db);
    let run = unspin(&[
        "corpus",
        "reanalyze",
        s(&db),
        "--tier",
        "fast",
        "--no-sourcing",
        "--where",
        "id = 1",
    ]);
    assert_exit!(run, 0);
    run.assert_stderr_has("1 articles analysed again");
    let after = info(&db);
    assert_eq!(after["articles"], before["articles"]);
    assert_eq!(after["models"].as_array().unwrap().len(), 2, "{after}");
    assert!(
        after["quotes"].as_i64() < before["quotes"].as_i64(),
        "{after}"
    );
    // Techniques did not change: same tier, same model, same text.
    assert_eq!(after["technique_spans"], before["technique_spans"]);
    unspin(&["corpus", "reanalyze", s(&db), "--where", "nonsense ="])
        .assert_error(1, "invalid query");
}

#[test]
fn files_that_are_not_a_corpus_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.db");
    unspin(&["corpus", "info", s(&missing)]).assert_error(1, "does not exist");
    unspin(&["corpus", "stats", s(&missing), "--by", "outlet"]).assert_error(1, "does not exist");
    assert!(!missing.exists());

    let notes = dir.path().join("notes.txt");
    fs::write(
        &notes,
        "not a database at all, just a long line of text ".repeat(30),
    )
    .unwrap();
    unspin(&["corpus", "info", s(&notes)]).assert_error(1, "not an SQLite database");
    let article = dir.path().join("a.txt");
    fs::write(&article, "An article.\n").unwrap();
    unspin(&["corpus", "add", s(&notes), s(&article)]).assert_error(1, "not an unspin corpus");

    unspin(&["corpus", "add", s(&dir.path().join("c.db"))])
        .assert_error(2, "give at least one PATH");
}
