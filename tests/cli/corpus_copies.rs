//! `unspin corpus copies` and the copy columns of `corpus stats`: the
//! sample article (Global Research's re-publication) against a
//! reconstructed CounterPunch original, same-event articles sharing a
//! quote, incremental linking and bad flags.

use super::*;

/// The sample as CounterPunch would have run it: its own headline and
/// dateline, none of Global Research's header lines (region, theme, report)
/// or footer. Written to `dir/counterpunch.md`.
fn counterpunch_version(dir: &Path) -> PathBuf {
    let sample = fs::read_to_string(sample()).unwrap();
    let mut lines = Vec::new();
    for line in sample.lines() {
        if line.starts_with("Copyright ©") {
            break; // Global Research's footer starts here.
        }
        if line.starts_with("Putin Ups the Ante") {
            lines.push("Syria: Washington Wrecks the Ceasefire, Putin Answers in Aleppo");
        } else if line.starts_with("Global Research, September")
            || line.starts_with("[CounterPunch](#) 27")
            || line.starts_with("Region:")
            || line.starts_with("Theme:")
            || line.starts_with("In-depth Report:")
        {
            continue;
        } else if line.starts_with("By [Mike Whitney]") {
            lines.extend([line, "", "CounterPunch, September 27, 2016"]);
        } else {
            lines.push(line);
        }
    }
    let path = dir.join("counterpunch.md");
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// `corpus copies DB --format jsonl`, parsed.
fn copies_jsonl(db: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["corpus", "copies", s(db), "--format", "jsonl"];
    all.extend_from_slice(args);
    let run = unspin(&all);
    assert_exit!(run, 0);
    run.lines()
}

#[test]
fn the_sample_is_a_copy_of_its_counterpunch_original() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("copies.db");
    let original = counterpunch_version(dir.path());
    // The copy first: the origin is decided by the sample's "original
    // source" line, not by the order of adding.
    assert_exit!(
        unspin(&["corpus", "add", "--quiet", s(&db), s(&sample())]),
        0
    );
    let run = unspin(&["corpus", "add", s(&db), s(&original)]);
    assert_exit!(run, 0);
    // Only the new article was compared with the corpus.
    run.assert_stderr_has("compared 1 article with the corpus");

    let clusters = copies_jsonl(&db, &[]);
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    let c = &clusters[0];
    assert_eq!(
        c["origin"], 2,
        "the CounterPunch version (id 2) is the origin: {c}"
    );
    let members = c["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    let (origin, copy) = (&members[0], &members[1]);
    assert_eq!(origin["role"], "origin");
    assert_eq!(origin["outlet"], "CounterPunch");
    assert_eq!(origin["basis"], "original_source");
    assert!(origin["path"]
        .as_str()
        .unwrap()
        .ends_with("counterpunch.md"));
    assert_eq!(copy["role"], "copy");
    assert_eq!(copy["outlet"], "Global Research");
    // Headline, header and footer aside, the bodies are the same.
    let sim = copy["similarity"].as_f64().unwrap();
    assert!(sim > 0.95, "{sim}");
    let changes = &copy["changes"];
    assert_eq!(
        changes["headline"]["origin"],
        "Syria: Washington Wrecks the Ceasefire, Putin Answers in Aleppo"
    );
    assert_eq!(
        changes["headline"]["copy"],
        "Putin Ups the Ante: Syria Ceasefire Sabotage Triggers Major Offensive in Aleppo"
    );
    let added: Vec<&str> = changes["boilerplate_added"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(added.iter().any(|l| l.starts_with("Region:")), "{added:?}");
    assert!(
        added.iter().any(|l| l.starts_with("Copyright")),
        "{added:?}"
    );
    assert_eq!(changes["paragraphs_removed"].as_array().unwrap().len(), 0);
    // The Global Research disclaimer is boilerplate, not a paragraph the copy wrote.
    assert_eq!(
        changes["paragraphs_added"].as_array().unwrap().len(),
        0,
        "{changes}"
    );
    assert!(
        added.iter().any(|l| l.starts_with("Disclaimer")),
        "{added:?}"
    );

    // The table and the HTML page say the same.
    let table = unspin(&["corpus", "copies", s(&db)]);
    assert_exit!(table, 0);
    table.assert_stdout_has("cluster 1: origin #2 (basis: original_source)");
    table.assert_stdout_has("headline \"Syria: Washington");
    let html = unspin(&["corpus", "copies", s(&db), "--format", "html"]);
    assert_exit!(html, 0);
    html.assert_stdout_has("Putin Ups the Ante");
    html.assert_stdout_has("basis: original_source");

    // Stats by outlet: all of Global Research's articles here are copies of CounterPunch.
    let stats = unspin(&[
        "corpus",
        "stats",
        s(&db),
        "--by",
        "outlet",
        "--format",
        "json",
    ]);
    assert_exit!(stats, 0);
    let report: Value = serde_json::from_str(&stats.stdout).unwrap();
    let group = |name: &str| {
        report["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["group"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no group {name}: {report}"))
    };
    let gr = group("Global Research");
    assert_eq!(gr["copies"], 1);
    assert_eq!(gr["copy_share"]["value"], 1.0);
    assert_eq!(gr["copied_from"][0]["outlet"], "CounterPunch");
    assert_eq!(group("CounterPunch")["copies"], 0);
    let table = unspin(&["corpus", "stats", s(&db), "--by", "outlet"]);
    table.assert_stdout_has("COPIED FROM");
    table.assert_stdout_has("CounterPunch:1");
}

/// Two PTC articles about different things, each given the same long
/// quoted paragraph (as two reports of one speech would quote it).
fn articles_sharing_a_quote(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let ptc = shared_dir("data/ptc/train/articles")?;
    let mut files: Vec<PathBuf> = fs::read_dir(ptc)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let quote = "\"We will not stand by while the ceasefire is broken again and again by people who \
        have never wanted peace, and we will answer every attack on our soldiers with everything we \
        have, at a time and place of our choosing, whatever the diplomats in Geneva may say about it \
        in their statements tomorrow,\" the minister told reporters at the press conference.";
    let mut out = Vec::new();
    for (i, f) in files.iter().take(2).enumerate() {
        let text = fs::read_to_string(f).ok()?;
        let mut lines: Vec<&str> = text.lines().collect();
        let at = (lines.len() / 2).max(1);
        lines.insert(at, quote);
        let path = dir.join(format!("quoting-{i}.txt"));
        fs::write(&path, lines.join("\n")).ok()?;
        out.push(path);
    }
    Some((out[0].clone(), out[1].clone()))
}

#[test]
fn articles_sharing_a_long_quote_are_not_clustered() {
    let dir = tempfile::tempdir().unwrap();
    let Some((a, b)) = articles_sharing_a_quote(dir.path()) else {
        return;
    };
    let db = dir.path().join("quotes.db");
    // --no-copies: `corpus copies` compares them first.
    assert_exit!(
        unspin(&[
            "corpus",
            "add",
            "--quiet",
            "--no-copies",
            s(&db),
            s(&a),
            s(&b)
        ]),
        0
    );
    let run = unspin(&["corpus", "copies", s(&db), "--format", "jsonl"]);
    assert_exit!(run, 0);
    run.assert_stderr_has("compared 2 articles with the corpus");
    assert!(run.stdout.trim().is_empty(), "{}", run.show());
    let table = unspin(&["corpus", "copies", s(&db)]);
    table.assert_stdout_has("No copies found.");
}

#[test]
fn bad_copies_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    unspin(&["corpus", "copies", s(&db)]).assert_error(1, "does not exist");
    let db = add_sample_corpus(dir.path(), 0);
    unspin(&["corpus", "copies", s(&db), "--min-similarity", "1.5"])
        .assert_error(2, "--min-similarity takes a number from 0 to 1");
    unspin(&["corpus", "copies", s(&db), "--format", "xml"]).assert_error(2, "xml");
    // One article, no copies: an empty answer, not an error.
    assert!(copies_jsonl(&db, &[]).is_empty());
}
