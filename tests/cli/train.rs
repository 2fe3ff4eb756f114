use super::*;

/// Writes [`CORPUS`] into `dir/ptc` and trains on it with `unspin train`,
/// writing the model to `out`.
fn train_on_corpus(
    dir: &Path,
    out: &Path,
    args: &[&str],
) -> Result<Run, Box<dyn std::error::Error>> {
    let data = dir.join("ptc");
    write_corpus(&data)?;
    Ok(unspin_train(&data, out, args))
}

#[test]
fn trains_validates_and_writes_model_and_report() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let out = tmp.path().join("m/tiny.safetensors");
    let run = train_on_corpus(
        tmp.path(),
        &out,
        &["--valid-fraction", "0.34", "--seed", "3"],
    )?;
    assert_exit!(run, 0);
    run.assert_stdout_has("| SI: span identification");
    run.assert_stdout_has("| TC: technique of gold spans");
    assert!(
        run.stderr.contains("INFO"),
        "progress is logged to stderr by default: {}",
        run.show()
    );
    assert!(out.is_file());
    let report: Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("m/tiny.metrics.json"))?)?;
    let ids = |k: &str| -> Vec<String> {
        report["split"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let (train, valid) = (ids("train_ids"), ids("valid_ids"));
    assert_eq!((train.len(), valid.len()), (4, 2));
    assert!(valid.iter().all(|v| !train.contains(v)));
    assert!(
        report["validation"]["si"]["f1"].is_number()
            && report["validation"]["tc"]["f1"].is_number()
    );
    assert!(report["seconds"]["total"].is_number());
    Ok(())
}

#[test]
fn full_training_skips_validation() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let out = tmp.path().join("full.safetensors");
    let report = tmp.path().join("r/report.json");
    let run = train_on_corpus(tmp.path(), &out, &["-q", "--full", "--report", s(&report)])?;
    assert_exit!(run, 0);
    assert!(run.stderr.is_empty(), "--quiet: {}", run.show());
    let report: Value = serde_json::from_str(&fs::read_to_string(report)?)?;
    assert!(report["validation"].is_null());
    assert_eq!(
        report["split"]["train_ids"].as_array().unwrap().len(),
        CORPUS.len()
    );
    Ok(())
}

#[test]
fn bad_training_data_is_an_error() -> TestResult {
    let tmp = tempfile::tempdir()?;
    unspin_train(tmp.path(), &tmp.path().join("m"), &[]).assert_error(1, "no PTC articles");
    assert_exit!(
        unspin(&["train", "--data", "x", "--valid-fraction", "1.0"]),
        2
    );
    assert_exit!(
        unspin(&["train", "--data", "x", "--full", "--seed", "4"]),
        2
    );
    Ok(())
}
