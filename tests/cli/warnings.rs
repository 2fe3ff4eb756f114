//! Inputs unspin cannot judge are said to be so: a German news page, a table
//! of numbers, a text too short; `--force-language en` overrides.

use super::*;

/// The FAZ page of the fundus test pages, unzipped into `dir`.
fn german_page(dir: &Path) -> Option<PathBuf> {
    let gz = shared_dir(
        "data/extraction/fundus-parser-testdata/tests/resources/parser/test_data/de/FAZ_2024_04_17.html.gz",
    )?;
    let mut html = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(fs::File::open(gz).unwrap()),
        &mut html,
    )
    .unwrap();
    let path = dir.join("faz.html");
    fs::write(&path, html).unwrap();
    Some(path)
}

fn codes(doc: &Value) -> Vec<&str> {
    doc["warnings"]
        .as_array()
        .expect("warnings is always an array")
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect()
}

#[test]
fn a_german_page_is_not_analysed_and_says_so() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let Some(page) = german_page(tmp.path()) else {
        return Ok(());
    };
    let run = unspin(&["analyze", "--tier", "fast", s(&page)]);
    assert_exit!(run, 0);
    let doc: Value = serde_json::from_str(&run.stdout)?;
    check_wire_document(&doc);
    assert_eq!(doc["schema_version"], "1.2");
    assert_eq!(codes(&doc), ["language"], "{}", doc["warnings"]);
    let w = &doc["warnings"][0];
    assert_eq!(w["language"], "deu");
    assert!(w["message"].as_str().unwrap().contains("German"));
    let skipped: Vec<&str> = w["skipped_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(
        skipped,
        [
            "technique",
            "entity",
            "quote",
            "speaker",
            "cue",
            "source",
            "hedge",
            "claim"
        ]
    );
    // Skipped layers are absent, not empty; the structure is still there.
    for layer in skipped {
        assert!(doc["layers"].get(layer).is_none(), "{layer} is present");
    }
    assert!(!doc["layers"]["sentence"].as_array().unwrap().is_empty());
    assert!(doc.get("sourcing").is_none());

    // The HTML report shows a banner instead of "no techniques".
    let html = unspin(&["analyze", "--tier", "fast", "-f", "html", s(&page)]);
    assert_exit!(html, 0);
    html.assert_stdout_has("<div class=\"warning\" role=\"alert\"><strong>Not analysed</strong>");
    assert!(!html
        .stdout
        .contains("No persuasion techniques were flagged"));

    // Forced: everything runs, as before.
    let forced = unspin(&[
        "analyze",
        "--tier",
        "fast",
        "--force-language",
        "en",
        s(&page),
    ]);
    assert_exit!(forced, 0);
    let doc: Value = serde_json::from_str(&forced.stdout)?;
    assert!(codes(&doc).is_empty(), "{}", doc["warnings"]);
    assert!(doc["layers"]["technique"].is_array());
    assert!(doc["layers"]["claim"].is_array());
    Ok(())
}

#[test]
fn only_english_can_be_forced() {
    let run = unspin(&["analyze", "--force-language", "de", "-"]);
    run.assert_error(2, "the only language it can be forced to is en");
}

#[test]
fn a_table_of_numbers_is_garbled_and_a_line_is_too_short() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let table = tmp.path().join("table.txt");
    fs::write(&table, "| 2016 | 12.5 | 13.1 | 14.9 |\n".repeat(50))?;
    let line = tmp.path().join("line.txt");
    fs::write(
        &line,
        "These corrupt traitors will destroy our great nation.\n",
    )?;
    let run = unspin(&["analyze", "--tier", "fast", s(&table), s(&line)]);
    assert_exit!(run, 0);
    let docs = run.lines();
    assert_eq!(codes(&docs[0]), ["garbled", "too_short"]);
    assert!(docs[0]["layers"].get("technique").is_none());
    // Too short: analysed all the same, with the warning.
    assert_eq!(codes(&docs[1]), ["too_short"]);
    assert!(docs[1]["layers"]["technique"].is_array());
    assert!(docs[1]["warnings"][0]["skipped_layers"]
        .as_array()
        .unwrap()
        .is_empty());
    Ok(())
}

#[test]
fn english_articles_carry_no_warning() {
    let Some(dir) = shared_dir("data/ptc/train/articles") else {
        return;
    };
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut args = vec!["analyze", "--tier", "fast", "--no-sourcing"];
    args.extend(files.iter().take(60).map(|p| s(p)));
    let run = unspin(&args);
    assert_exit!(run, 0);
    let docs = run.lines();
    assert_eq!(docs.len(), 60);
    for doc in &docs {
        assert!(codes(doc).is_empty(), "{}: {}", doc["id"], doc["warnings"]);
    }
}
