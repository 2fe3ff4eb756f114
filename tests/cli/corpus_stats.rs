//! `unspin corpus stats` on real articles (the sample and a few unlabelled
//! news articles): the three formats agree with each other and with
//! `corpus info`, every interval holds its estimate, and bad flags are
//! clear usage errors.

use super::*;

/// A corpus of the sample article and, when `../shared` is there, the first
/// five unlabelled news articles (no outlet, no date: the "(unknown)" group).
fn stats_corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = add_sample_corpus(dir.path(), 5);
    (dir, db)
}

/// Runs `unspin corpus stats DB ARGS`.
fn stats(db: &Path, args: &[&str]) -> Run {
    let mut all = vec!["corpus", "stats", s(db)];
    all.extend_from_slice(args);
    unspin(&all)
}

/// The JSON report of `corpus stats DB ARGS --format json`.
fn report(db: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let run = stats(db, &all);
    assert_exit!(run, 0);
    let v: Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.show()));
    check_estimates(&v);
    v
}

fn info(db: &Path) -> Value {
    let run = unspin(&["corpus", "info", s(db), "--format", "json"]);
    assert_exit!(run, 0);
    serde_json::from_str(&run.stdout).unwrap()
}

/// Every estimate {value, low, high} of the report has low <= value <= high.
fn check_estimates(v: &Value) {
    match v {
        Value::Object(m) if m.contains_key("value") && m.contains_key("low") => {
            let (x, lo, hi) = (
                m["value"].as_f64().unwrap(),
                m["low"].as_f64().unwrap(),
                m["high"].as_f64().unwrap(),
            );
            assert!(0.0 <= lo && lo <= x && x <= hi, "{v}");
        }
        Value::Object(m) => m.values().for_each(check_estimates),
        Value::Array(a) => a.iter().for_each(check_estimates),
        _ => {}
    }
}

fn sum(groups: &Value, key: &str) -> u64 {
    groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g[key].as_u64().unwrap())
        .sum()
}

/// Splits CSV records (RFC 4180 quoting; no newlines inside fields here).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            let mut cells = vec![String::new()];
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        chars.next();
                        cells.last_mut().unwrap().push('"');
                    }
                    '"' => quoted = !quoted,
                    ',' if !quoted => cells.push(String::new()),
                    c => cells.last_mut().unwrap().push(c),
                }
            }
            cells
        })
        .collect()
}

#[test]
fn formats_agree_with_each_other_and_with_corpus_info() {
    let (_dir, db) = stats_corpus();
    let info = info(&db);
    let articles = info["articles"].as_u64().unwrap();
    let json = report(&db, &["--by", "outlet"]);
    assert_eq!(json["articles"].as_u64(), Some(articles));
    assert_eq!(json["words"], info["words"]);
    let groups = &json["groups"];
    assert_eq!(sum(groups, "articles"), articles);
    assert_eq!(
        sum(groups, "spans"),
        info["technique_spans"].as_u64().unwrap()
    );
    assert_eq!(
        groups.as_array().unwrap().len() as u64,
        info["outlets"].as_u64().unwrap()
            + u64::from(info["articles_without_outlet"].as_u64().unwrap() > 0)
    );
    assert_eq!(json["techniques"].as_array().unwrap().len(), 14);
    let counts: Vec<u64> = groups
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["articles"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "sorted by articles: {counts:?}"
    );
    let sample = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "Global Research")
        .unwrap_or_else(|| panic!("the sample's outlet: {json}"));
    assert_eq!(sample["articles"], 1);

    // CSV: the same groups and numbers, every estimate with its bounds.
    let run = stats(&db, &["--by", "outlet", "--format", "csv"]);
    assert_exit!(run, 0);
    let rows = csv_rows(&run.stdout);
    let header = &rows[0];
    assert!(
        rows.iter().all(|r| r.len() == header.len()),
        "{}",
        run.stdout
    );
    assert_eq!(rows.len() - 1, groups.as_array().unwrap().len());
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}: {header:?}"))
    };
    for (row, g) in rows[1..].iter().zip(groups.as_array().unwrap()) {
        assert_eq!(row[col("group")], g["group"].as_str().unwrap());
        assert_eq!(row[col("articles")], g["articles"].to_string());
        let nc = g["techniques"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["technique"] == "Name_Calling,Labeling")
            .unwrap();
        let cell: f64 = row[col("Name_Calling,Labeling:spans_per_1k_words_high")]
            .parse()
            .unwrap();
        assert_eq!(cell, nc["spans_per_1k_words"]["high"].as_f64().unwrap());
        assert_eq!(row[col("ci_method")], g["ci_method"].as_str().unwrap());
    }

    // Table: one line per group, and the legend.
    let run = stats(&db, &["--by", "outlet"]);
    assert_exit!(run, 0);
    assert!(
        run.stdout.starts_with(&format!("{articles} articles, ")),
        "{}",
        run.show()
    );
    run.assert_stdout_has("OUTLET");
    run.assert_stdout_has("SPANS/1K WORDS");
    run.assert_stdout_has("Global Research");
    run.assert_stdout_has("95 % confidence interval");
    if articles > 1 {
        run.assert_stdout_has("(unknown): articles without an outlet.");
    }
}

#[test]
fn every_grouping_accounts_for_every_article() {
    let (_dir, db) = stats_corpus();
    let info = info(&db);
    let articles = info["articles"].as_u64().unwrap();

    let months = report(&db, &["--by", "month"]);
    assert_eq!(sum(&months["groups"], "articles"), articles);
    let without_date = info["articles_without_date"].as_u64().unwrap();
    if without_date > 0 {
        let unknown = months["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["group"] == "(unknown)");
        assert_eq!(unknown.unwrap()["articles"].as_u64(), Some(without_date));
    }

    // Authors: an article counts once per author, and at least once.
    let authors = report(&db, &["--by", "author"]);
    assert!(sum(&authors["groups"], "articles") >= articles);

    // Techniques: one row each (all 14 with --min-articles 0); their spans
    // add up to all stored spans.
    let techniques = report(&db, &["--by", "technique", "--min-articles", "0"]);
    let rows = techniques["groups"].as_array().unwrap();
    assert_eq!(rows.len(), 14);
    assert_eq!(
        sum(&techniques["groups"], "spans"),
        info["technique_spans"].as_u64().unwrap()
    );
    for r in rows {
        assert_eq!(r["articles"].as_u64(), Some(articles));
        assert_eq!(r["techniques"][0]["technique"], r["group"]);
    }
    let run = stats(&db, &["--by", "technique"]);
    assert_exit!(run, 0);
    run.assert_stdout_has("ARTICLES WITH IT");
}

#[test]
fn filters_and_chosen_techniques() {
    let (_dir, db) = stats_corpus();
    // The sample is dated 2016-09-28 and published by Global Research.
    let one = report(
        &db,
        &[
            "--by",
            "month",
            "--since",
            "2016-09",
            "--until",
            "2016-09-28",
        ],
    );
    assert_eq!(one["articles"], 1);
    assert_eq!(one["groups"][0]["group"], "2016-09");
    let none = report(&db, &["--by", "month", "--since", "2016-09-29"]);
    assert_eq!(none["articles"], 0);
    assert_eq!(none["groups"].as_array().unwrap().len(), 0);
    let outlet = report(&db, &["--by", "technique", "--outlet", "global research"]);
    assert_eq!(outlet["articles"], 1);

    let chosen = report(
        &db,
        &[
            "--by",
            "outlet",
            "--technique",
            "Name_Calling,Labeling",
            "--technique",
            "Doubt",
        ],
    );
    assert_eq!(
        chosen["techniques"],
        serde_json::json!(["Name_Calling,Labeling", "Doubt"])
    );
    assert_eq!(
        chosen["groups"][0]["techniques"].as_array().unwrap().len(),
        2
    );
    let run = stats(
        &db,
        &["--by", "outlet", "--technique", "Name_Calling,Labeling"],
    );
    assert_exit!(run, 0);
    run.assert_stdout_has("WITH Name_Calling,Labeling");

    let big = report(&db, &["--by", "outlet", "--min-articles", "2"]);
    let all = report(&db, &["--by", "outlet"]);
    let shown = big["groups"].as_array().unwrap().len() as u64;
    assert_eq!(
        shown + big["hidden_groups"].as_u64().unwrap(),
        all["groups"].as_array().unwrap().len() as u64
    );
    assert!(big["groups"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["articles"].as_u64().unwrap() >= 2));
}

#[test]
fn bad_flags_are_clear_errors() {
    let (_dir, db) = stats_corpus();
    let run = stats(&db, &["--by", "outlet", "--technique", "Name_Calling"]);
    run.assert_error(2, "unknown technique \"Name_Calling\"");
    run.assert_stderr_has("Name_Calling,Labeling");
    run.assert_stderr_has("Whataboutism,Straw_Men,Red_Herring");
    stats(&db, &["--by", "month", "--since", "2016-02-30"])
        .assert_error(2, "invalid date \"2016-02-30\"");
    stats(&db, &["--by", "month", "--until", "March"]).assert_error(2, "YYYY-MM-DD");
    stats(
        &db,
        &["--by", "month", "--since", "2016-10", "--until", "2016-09"],
    )
    .assert_error(2, "since 2016-10 is after until 2016-09");
    stats(&db, &["--by", "weekday"]).assert_error(2, "weekday");
    let missing = db.with_file_name("missing.db");
    stats(&missing, &["--by", "outlet"]).assert_error(1, "does not exist");
}

/// A German article of our own (the analysis skips its techniques).
const GERMAN: &str = "Die Regierung hat am Montag in Berlin einen neuen Plan für die \
Versorgung der Familien vorgestellt. Nach Ansicht der Opposition wird der Plan an der Lage der \
Menschen, die seit vielen Monaten auf Hilfe warten, kaum etwas ändern. Die Ministerin sagte, man \
werde die Mittel im kommenden Jahr deutlich erhöhen und die Anträge schneller bearbeiten. Kritiker \
bezweifeln jedoch, dass die Verwaltung dafür genug Personal hat.\n";

/// `groups` without the counts of articles set apart.
fn without_apart(groups: &Value) -> Value {
    let mut g = groups.clone();
    for row in g.as_array_mut().unwrap() {
        let m = row.as_object_mut().unwrap();
        for key in ["not_analysed", "other_language", "garbled"] {
            assert!(m.remove(key).is_some(), "{key} in every group");
        }
    }
    g
}

#[test]
fn a_german_article_is_counted_apart_and_changes_no_rate() {
    let (dir, db) = stats_corpus();
    let before = report(&db, &["--by", "month"]);
    assert_eq!(before["not_analysed"], 0);
    let german = dir.path().join("regierung.txt");
    fs::write(&german, GERMAN).unwrap();
    let add = unspin(&["corpus", "add", s(&db), s(&german)]);
    assert_exit!(add, 0);
    add.assert_stderr_has("1 of them stored without techniques");

    let after = report(&db, &["--by", "month"]);
    assert_eq!(
        (&after["articles"], &after["words"]),
        (&before["articles"], &before["words"])
    );
    assert_eq!(
        (
            &after["not_analysed"],
            &after["other_language"],
            &after["garbled"]
        ),
        (
            &serde_json::json!(1),
            &serde_json::json!(1),
            &serde_json::json!(0)
        )
    );
    // Every rate, share and interval is the one without it; the undated
    // group says it set one apart.
    assert_eq!(
        without_apart(&after["groups"]),
        without_apart(&before["groups"])
    );
    let unknown = after["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == "(unknown)")
        .expect("an undated group");
    assert_eq!(
        (&unknown["not_analysed"], &unknown["other_language"]),
        (&serde_json::json!(1), &serde_json::json!(1))
    );

    // CSV and table say so too.
    let csv = stats(&db, &["--by", "month", "--format", "csv"]);
    assert_exit!(csv, 0);
    let rows = csv_rows(&csv.stdout);
    let col = rows[0]
        .iter()
        .position(|h| h == "not_analysed")
        .expect("column");
    assert_eq!(rows[0][col + 1..col + 3], ["other_language", "garbled"]);
    let total: u64 = rows[1..]
        .iter()
        .map(|r| r[col].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 1);
    let table = stats(&db, &["--by", "month"]);
    assert_exit!(table, 0);
    assert!(table.stdout.contains("NOT ANALYSED"), "{}", table.stdout);
    assert!(
        table
            .stdout
            .contains("1 article not analysed (1 in another language)"),
        "{}",
        table.stdout
    );

    // `corpus info` counts it by reason; `corpus show` keeps its warning.
    let i = info(&db);
    assert_eq!(
        i["not_analysed"],
        serde_json::json!([{"reason": "language", "articles": 1}])
    );
    let id = i["articles"].as_i64().unwrap().to_string();
    let show = unspin(&["corpus", "show", s(&db), &id]);
    assert_exit!(show, 0);
    let doc: Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(doc["warnings"][0]["code"], "language");
    assert!(doc["layers"].get("technique").is_none());

    // Forced to English, it is analysed and counted again.
    let re = unspin(&[
        "corpus",
        "reanalyze",
        s(&db),
        "--force-language",
        "en",
        "--where",
        "not_analysed IS NOT NULL",
    ]);
    assert_exit!(re, 0);
    let forced = report(&db, &["--by", "month"]);
    assert_eq!(forced["not_analysed"], 0);
    assert_eq!(
        forced["articles"].as_u64().unwrap(),
        before["articles"].as_u64().unwrap() + 1
    );
    assert_eq!(info(&db)["not_analysed"], serde_json::json!([]));
}
