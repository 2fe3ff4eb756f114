use super::*;

const GOLD: &str = "1\tDoubt\t0\t10\n1\tSlogans\t20\t30\n";
const PRED: &str = "1\tDoubt\t0\t10\n1\tDoubt\t25\t35\n";

/// Writes `gold` to `dir/gold.labels` and `pred` to `dir/pred.txt`,
/// and gives back both paths in that order.
fn write_gold_and_pred(
    dir: &Path,
    gold: &str,
    pred: &str,
) -> Result<(PathBuf, PathBuf), std::io::Error> {
    let (gold_path, pred_path) = (dir.join("gold.labels"), dir.join("pred.txt"));
    fs::write(&gold_path, gold)?;
    fs::write(&pred_path, pred)?;
    Ok((gold_path, pred_path))
}

fn scores(task: &str, pred: &Path, gold: &Path) -> Value {
    let run = unspin_eval(task, pred, gold, &["--json"]);
    assert_exit!(run, 0);
    let v: Value = serde_json::from_str(&run.stdout).expect("JSON");
    v["scores"].clone()
}

#[test]
fn hand_made_pair_gives_the_expected_numbers() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let (gold, pred) = write_gold_and_pred(tmp.path(), GOLD, PRED)?;
    // SI: [0,10) is all gold (credit 1), [25,35) half (0.5): P = R = 0.75.
    let si = scores("si", &pred, &gold);
    assert_eq!(
        (
            si["precision"].as_f64(),
            si["recall"].as_f64(),
            si["f1"].as_f64()
        ),
        (Some(0.75), Some(0.75), Some(0.75))
    );
    // TC: one of two right.
    let tc = scores("tc", &pred, &gold);
    assert_eq!(
        (tc["correct"].as_u64(), tc["f1"].as_f64()),
        (Some(1), Some(0.5))
    );
    let doubt = tc["per_technique"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["technique"] == "Doubt")
        .unwrap();
    assert_eq!(
        (doubt["precision"].as_f64(), doubt["recall"].as_f64()),
        (Some(0.5), Some(1.0))
    );

    // SI predictions may be 3-field lines; the text output has the numbers too.
    fs::write(&pred, "1\t0\t10\n1\t25\t35\n")?;
    let run = unspin_eval("si", &pred, &gold, &[]);
    assert_exit!(run, 0);
    run.assert_stdout_has("F1        0.7500");
    fs::write(&pred, PRED)?;
    let run = unspin_eval("tc", &pred, &gold, &[]);
    assert_exit!(run, 0);
    assert!(
        run.stdout.contains("micro avg") && run.stdout.contains("0.5000"),
        "{}",
        run.show()
    );
    Ok(())
}

#[test]
fn gold_may_be_a_folder_of_labels_files() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let labels = tmp.path().join("corpus/labels");
    fs::create_dir_all(&labels)?;
    fs::write(labels.join("article1.labels"), GOLD)?;
    fs::write(labels.join("article2.labels"), "")?;
    // Preferred over the SI file of the same article.
    fs::write(labels.join("article1.task-si.labels"), "1\t0\t1\n")?;
    let pred = tmp.path().join("pred.txt");
    fs::write(&pred, PRED.replace("1\t", "article1\t"))?;
    let tc = scores("tc", &pred, &tmp.path().join("corpus"));
    assert_eq!(
        (tc["gold"].as_u64(), tc["f1"].as_f64()),
        (Some(2), Some(0.5))
    );
    Ok(())
}

#[test]
fn malformed_lines_are_reported_with_their_line_number() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let (gold, pred) =
        write_gold_and_pred(tmp.path(), GOLD, "1\tDoubt\t0\t10\n\n1\tDoubt\t35\t25\n")?;
    unspin_eval("tc", &pred, &gold, &[])
        .assert_error(1, "pred.txt\": line 3: start 35 is after end 25");
    let (gold, pred) = write_gold_and_pred(tmp.path(), "1\tDoubt\t0\t10\n1\tSlogans\t20\n", PRED)?;
    unspin_eval("tc", &pred, &gold, &[])
        .assert_error(1, "gold.labels\": line 2: expected 4 tab-separated fields");
    unspin_eval("tc", &tmp.path().join("nope.txt"), &gold, &[]).assert_error(1, "no such file");
    let empty = tmp.path().join("empty-dir");
    fs::create_dir(&empty)?;
    unspin_eval("si", &pred, &empty, &[]).assert_error(1, "no .labels files");
    assert_exit!(unspin_eval("xx", &pred, &gold, &[]), 2);
    Ok(())
}
