use super::*;

/// The Global Research headline of the sample article.
const GR_HEADLINE: &str =
    "Putin Ups the Ante: Syria Ceasefire Sabotage Triggers Major Offensive in Aleppo";
/// The headline of the reconstructed CounterPunch original (with an `&` to escape).
const CP_HEADLINE: &str = "Syria Ceasefire Collapses & Offensive in Aleppo Begins";

/// The sample article as CounterPunch might have run it before Global
/// Research re-published it: its own headline and header, no Global
/// Research header lines, tags or footer.
fn counterpunch_version() -> String {
    let sample = unspin_testkit::sample_text();
    let body_start = sample
        .find("Syria is the summation")
        .expect("the sample's epigraph");
    let footer = sample
        .find("The original source of this article is")
        .expect("the sample's footer");
    format!(
        "{CP_HEADLINE}\n\nBy Mike Whitney\n\nCounterPunch, September 27, 2016\n\n{}",
        &sample[body_start..footer]
    )
}

/// Skips (returning true) when the binary embeds no fast model.
fn no_embedded_model(run: &Run) -> bool {
    let missing = run.code == Some(1) && run.stderr.contains("no embedded fast model");
    if missing {
        eprintln!(
            "SKIP: this build embeds no trained model (models/fast/fast.safetensors is empty)"
        );
    }
    missing
}

#[test]
fn the_sample_is_a_copy_of_its_counterpunch_original() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let original = tmp.path().join("counterpunch.md");
    fs::write(&original, counterpunch_version())?;
    let sample = sample();
    let run = unspin(&["compare", s(&original), s(&sample)]);
    if no_embedded_model(&run) {
        return Ok(());
    }
    assert_exit!(run, 0);
    let json: Value = serde_json::from_str(&run.stdout)?;
    assert_eq!(json["relation"], "copy", "{}", run.stdout);
    assert!(
        json["similarity"].as_f64().is_some_and(|x| x > 0.8),
        "{}",
        json["similarity"]
    );
    assert_eq!(json["origin"]["path"], s(&original));
    assert_eq!(json["origin"]["outlet"], "CounterPunch");
    assert_eq!(json["copy"]["outlet"], "Global Research");
    assert_eq!(json["copy"]["original_source"], "CounterPunch");
    let changes = &json["changes"];
    assert_eq!(changes["headline"]["origin"], CP_HEADLINE, "{changes:#}");
    assert_eq!(changes["headline"]["copy"], GR_HEADLINE, "{changes:#}");
    let added: Vec<&str> = changes["boilerplate_added"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        added
            .iter()
            .any(|l| l.contains("Global Research, September 28, 2016")),
        "the Global Research header line is added: {added:?}"
    );
    assert!(
        added
            .iter()
            .any(|l| l.starts_with("Copyright © Mike Whitney, CounterPunch")),
        "the footer's copyright line is added: {added:?}"
    );
    assert_eq!(
        changes["boilerplate_removed"],
        serde_json::json!(["CounterPunch, September 27, 2016"]),
        "the CounterPunch dateline is gone: {changes:#}"
    );
    assert!(
        changes["paragraphs_edited"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "the body is the same: {changes:#}"
    );
    let summary = json["summary"].as_str().unwrap_or_default();
    assert!(summary.starts_with("copy: headline changed"), "{summary}");
    // Rows carry the texts: the headline row pairs the two headlines.
    let rows = json["rows"].as_array().expect("rows");
    assert_eq!(rows[0]["status"], "headline");
    assert_eq!(
        (rows[0]["origin"].as_str(), rows[0]["copy"].as_str()),
        (Some(CP_HEADLINE), Some(GR_HEADLINE))
    );
    assert!(rows
        .iter()
        .any(|r| r["status"] == "same" && r["kind"] == "body"));

    // The same as a page, to a file: both headlines escaped, spans highlighted.
    let page = tmp.path().join("out/diff.html");
    let run = unspin(&[
        "compare",
        s(&original),
        s(&sample),
        "--format",
        "html",
        "--output",
        s(&page),
    ]);
    assert_exit!(run, 0);
    assert!(run.stdout.is_empty(), "{}", run.show());
    let html = fs::read_to_string(&page)?;
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Syria Ceasefire Collapses &amp; Offensive in Aleppo Begins"));
    assert!(
        !html.contains("Collapses & Offensive"),
        "unescaped headline"
    );
    assert!(html.contains(GR_HEADLINE));
    assert!(
        html.contains("<mark class=\"t"),
        "no highlighted technique span"
    );
    assert!(
        html.contains("<td class=\"empty\"></td>"),
        "no one-sided row"
    );
    assert!(
        !html.contains("<script") && !html.contains("src=\"http"),
        "not self-contained"
    );

    // Standard input on one side.
    let text = fs::read(&sample)?;
    let run = unspin_with(&["compare", s(&original), "-"], Some(&text));
    assert_exit!(run, 0);
    let json: Value = serde_json::from_str(&run.stdout)?;
    assert_eq!(json["copy"]["path"], "<stdin>");
    assert_eq!(json["relation"], "copy", "{}", json["summary"]);
    Ok(())
}

#[test]
fn two_different_ptc_articles_are_unrelated() {
    let Some(dir) = shared_dir("data/ptc/train/articles") else {
        return;
    };
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("the PTC articles folder reads")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "PTC articles in {}", dir.display());
    let run = unspin(&["compare", s(&files[0]), s(&files[1])]);
    if no_embedded_model(&run) {
        return;
    }
    assert_exit!(run, 0);
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(json["relation"], "unrelated", "{}", json["summary"]);
    assert!(json["similarity"].as_f64().is_some_and(|x| x < 0.1));
}

#[test]
fn bad_sides_are_clear_errors_with_nothing_on_stdout() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let sample = sample();
    let missing = tmp.path().join("missing.md");
    let run = unspin(&["compare", s(&missing), s(&sample)]);
    run.assert_error(
        1,
        &format!(
            "error: original \"{}\": no such file or directory",
            s(&missing)
        ),
    );
    assert!(run.stdout.is_empty());

    let jsonl = tmp.path().join("three.jsonl");
    let line =
        |id: &str| format!("{{\"id\": \"{id}\", \"text\": \"Article {id} says something.\"}}\n");
    fs::write(&jsonl, [line("a"), line("b"), line("c")].concat())?;
    let run = unspin(&["compare", s(&sample), s(&jsonl)]);
    run.assert_error(
        2,
        &format!("error: copy \"{}\" holds 3 documents", s(&jsonl)),
    );
    run.assert_stderr_has("compare takes one article a side");
    assert!(run.stdout.is_empty());

    let empty = tmp.path().join("empty.txt");
    fs::write(&empty, "")?;
    let run = unspin(&["compare", s(&sample), s(&empty)]);
    run.assert_error(1, &format!("error: copy \"{}\": is empty", s(&empty)));
    assert!(run.stdout.is_empty());

    // Both sides bad: both reported.
    let run = unspin(&["compare", s(&missing), s(&empty)]);
    assert_exit!(run, 1);
    run.assert_stderr_has("error: original");
    run.assert_stderr_has("error: copy");

    let run = unspin_with(&["compare", "-", "-"], Some(b"text"));
    run.assert_error(2, "one side only");
    assert!(run.stdout.is_empty());
    Ok(())
}

#[test]
fn compare_help_has_examples() {
    let run = unspin(&["compare", "--help"]);
    assert_exit!(run, 0);
    run.assert_stdout_has("Usage: unspin compare");
    run.assert_stdout_has("Examples:");
    run.assert_stdout_has("--format html --output diff.html");
}
