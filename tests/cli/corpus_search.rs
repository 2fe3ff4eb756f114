//! `unspin corpus search` on real articles (the sample and a few unlabelled
//! news articles): every hit points at an article that `corpus show` opens
//! and whose text holds the match; spans and quotes carry code point
//! offsets into that text; malformed queries and flags are clear errors.

use super::*;

/// A corpus of the sample article and, when `../shared` is there, the first
/// six unlabelled news articles.
fn search_corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = add_sample_corpus(dir.path(), 6);
    (dir, db)
}

/// Runs `unspin corpus search DB ARGS`.
fn search(db: &Path, args: &[&str]) -> Run {
    let mut all = vec!["corpus", "search", s(db)];
    all.extend_from_slice(args);
    unspin(&all)
}

/// The JSON Lines hits of `corpus search DB ARGS --format jsonl`.
fn hits(db: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "jsonl"]);
    let run = search(db, &all);
    assert_exit!(run, 0);
    run.lines()
}

/// The article `id` as `corpus show DB ID --format json` gives it.
fn show(db: &Path, id: &Value) -> Value {
    let id = id.as_i64().expect("article_id is a number").to_string();
    let run = unspin(&["corpus", "show", s(db), &id, "--format", "json"]);
    assert_exit!(run, 0);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.show()))
}

/// The code points `start..end` of the article text of `doc`.
fn slice(doc: &Value, hit: &Value) -> String {
    let text: Vec<char> = doc["text"].as_str().expect("text").chars().collect();
    let start = hit["start"].as_u64().expect("start") as usize;
    let end = hit["end"].as_u64().expect("end") as usize;
    assert!(start < end && end <= text.len(), "{hit}");
    text[start..end].iter().collect()
}

#[test]
fn article_hits_point_at_articles_that_hold_the_word() {
    let (_dir, db) = search_corpus();
    let found = hits(&db, &["Assad", "--limit", "0"]);
    assert!(!found.is_empty(), "the sample article mentions Assad");
    let count = search(&db, &["Assad", "--count"]);
    assert_exit!(count, 0);
    assert_eq!(count.stdout.trim(), found.len().to_string());
    for hit in &found {
        assert_eq!(hit["kind"], "article");
        assert!(
            hit["snippet"].as_str().unwrap().contains("[Assad]"),
            "{hit}"
        );
        assert!(hit["rank"].is_f64(), "{hit}");
        assert_eq!(
            hit["show"].as_str().unwrap(),
            format!("unspin corpus show {} {}", s(&db), hit["article_id"])
        );
        let doc = show(&db, &hit["article_id"]);
        assert_eq!(doc["corpus_id"], hit["article_id"]);
        assert_eq!(doc["metadata"]["title"], hit["title"], "{hit}");
        assert!(
            doc["text"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("assad"),
            "{hit}"
        );
    }
    // A phrase, a hyphenated word and the boolean operators agree with it.
    let phrase = hits(&db, &["\"Assad government\"", "--limit", "0"]);
    assert!(phrase.len() <= found.len());
    let not = hits(&db, &["Assad NOT Aleppo", "--limit", "0"]);
    let and = hits(&db, &["Assad AND Aleppo", "--limit", "0"]);
    assert_eq!(not.len() + and.len(), found.len());
    assert!(!hits(&db, &["cease-fire OR ceasefire"]).is_empty());

    // The table: the match in brackets (not a terminal), the command to open it.
    let table = search(&db, &["Assad"]);
    assert_exit!(table, 0);
    table.assert_stdout_has("[Assad]");
    table.assert_stdout_has(&format!("unspin corpus show {} ", s(&db)));

    // Filters: the sample's outlet, ignoring case; dates.
    let outlet = hits(&db, &["Assad", "--outlet", "global research"]);
    assert!(!outlet.is_empty());
    assert!(outlet.iter().all(|h| h["outlet"] == "Global Research"));
    assert!(hits(&db, &["Assad", "--outlet", "Nobody"]).is_empty());
    assert!(hits(&db, &["Assad", "--since", "2100-01-01"]).is_empty());

    // No hits is not an error.
    let none = search(&db, &["zanzibarqx"]);
    assert_exit!(none, 0);
    none.assert_stdout_has("no hits");
    assert!(hits(&db, &["zanzibarqx"]).is_empty());
}

#[test]
fn spans_and_quotes_carry_offsets_into_the_article() {
    let (_dir, db) = search_corpus();
    // Any stored span gives the technique to look for.
    let any = hits(&db, &["--in", "spans", "--limit", "1"]);
    assert_eq!(any.len(), 1, "the analysis found technique spans");
    let technique = any[0]["technique"].as_str().unwrap().to_string();
    let spans = hits(&db, &["--technique", &technique, "--limit", "0"]);
    assert!(!spans.is_empty());
    for hit in &spans {
        assert_eq!(hit["kind"], "span");
        assert_eq!(hit["technique"], technique.as_str());
        assert_eq!(
            slice(&show(&db, &hit["article_id"]), hit),
            hit["text"],
            "{hit}"
        );
    }
    // A word of the first span finds it with the technique filter.
    let word: String = spans[0]["text"]
        .as_str()
        .unwrap()
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.len() > 2)
        .unwrap_or("zzz")
        .to_string();
    let with_word = hits(&db, &[&word, "--technique", &technique, "--limit", "0"]);
    assert!(with_word
        .iter()
        .any(|h| h["start"] == spans[0]["start"] && h["article_id"] == spans[0]["article_id"]));
    assert!(with_word.len() <= spans.len());

    // Quotes: a resolved speaker's last name finds their quotes.
    let quotes = hits(&db, &["--in", "quotes", "--limit", "0"]);
    let Some(quoted) = quotes.iter().find(|q| q["speaker"].is_string()) else {
        panic!("the sample has quotes with resolved speakers: {quotes:?}");
    };
    let speaker = quoted["speaker"].as_str().unwrap();
    let name = speaker.split_whitespace().last().unwrap();
    let by = hits(&db, &["--speaker", name, "--limit", "0"]);
    assert!(by.iter().any(|h| h["start"] == quoted["start"]), "{by:?}");
    for hit in &by {
        assert_eq!(hit["kind"], "quote");
        let who = hit["speaker"].as_str().unwrap().to_lowercase();
        assert!(who.contains(&name.to_lowercase()), "{hit}");
        assert_eq!(
            slice(&show(&db, &hit["article_id"]), hit),
            hit["text"],
            "{hit}"
        );
    }
    let table = search(&db, &["--speaker", name]);
    assert_exit!(table, 0);
    table.assert_stdout_has(&format!("quote by {speaker}"));
}

#[test]
fn bad_queries_and_flags_are_clear_errors() {
    let (_dir, db) = search_corpus();
    for bad in [
        "AND",
        "\"Assad",
        "Assad NOT",
        "(Assad",
        "nosuchcolumn: Assad",
    ] {
        let run = search(&db, &[bad]);
        run.assert_error(1, "error: invalid query: ");
        run.assert_stderr_has("FTS5 query syntax");
        assert!(run.stdout.is_empty(), "{}", run.show());
    }
    search(&db, &["Assad", "--technique", "Name_Calling"])
        .assert_error(2, "did you mean Name_Calling,Labeling?");
    search(&db, &["Assad", "--technique", "Nope"]).assert_error(2, "Loaded_Language");
    search(&db, &["Assad", "--since", "24/02/2016"]).assert_error(2, "YYYY-MM-DD");
    search(&db, &[]).assert_error(2, "nothing to search for");
    search(&db, &["--speaker", "Bolton", "--in", "spans"]).assert_error(2, "speaker");
    let missing = db.with_file_name("missing.db");
    search(&missing, &["Assad"]).assert_error(1, "does not exist");
}
