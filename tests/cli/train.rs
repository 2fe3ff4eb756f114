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

/// The training and validation article ids a training report records.
fn split_of(report: &Value) -> (Vec<String>, Vec<String>) {
    let ids = |k: &str| -> Vec<String> {
        report["split"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    (ids("train_ids"), ids("valid_ids"))
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
    let (train, valid) = split_of(&report);
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

/// A checkpoint folder as `train_neural.py` writes it, with a one-tensor
/// weights file: enough for `unspin train --task neural` to reach its checks.
fn fake_checkpoint(dir: &Path, valid: &[String], rest: &[String]) -> TestResult {
    fs::create_dir_all(dir)?;
    let training = serde_json::json!({
        "train_ids": rest[1..].to_vec(),
        "tune_ids": rest[..1].to_vec(),
        "valid_ids": valid,
    });
    fs::write(dir.join("training.json"), training.to_string())?;
    fs::write(dir.join("tokenizer.json"), "{}")?;
    let mut header = br#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.to_vec();
    while !header.len().is_multiple_of(8) {
        header.push(b' ');
    }
    let mut bytes = (header.len() as u64).to_le_bytes().to_vec();
    bytes.extend(header);
    bytes.extend(1.0f32.to_le_bytes());
    fs::write(dir.join("neural-f32.safetensors"), bytes)?;
    Ok(())
}

#[test]
fn a_fast_model_that_saw_the_validation_articles_is_refused() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let fast = tmp.path().join("fast/fast.safetensors");
    assert_exit!(
        train_on_corpus(
            tmp.path(),
            &fast,
            &["-q", "--valid-fraction", "0.34", "--seed", "3"]
        )?,
        0
    );
    let report: Value = serde_json::from_str(&fs::read_to_string(
        tmp.path().join("fast/fast.metrics.json"),
    )?)?;
    let (train, valid) = split_of(&report);
    let data = tmp.path().join("ptc");
    let neural = |checkpoint: &Path, fast: &Path| {
        unspin(&[
            "train",
            "-q",
            "--task",
            "neural",
            "--data",
            s(&data),
            "--checkpoint",
            s(checkpoint),
            "--fast-model",
            s(fast),
            "--out",
            s(&tmp.path().join("out/neural.safetensors")),
        ])
    };
    // The checkpoint's validation articles include one the fast model trained on.
    let leaky = tmp.path().join("leaky");
    let mut seen = vec![train[0].clone()];
    seen.extend(valid.iter().cloned());
    fake_checkpoint(&leaky, &seen, &train[1..])?;
    neural(&leaky, &fast).assert_error(
        1,
        &format!(
            "the fast model was trained on 1 of the checkpoint's 3 validation articles (e.g. {})",
            train[0]
        ),
    );
    // A fast model trained on everything cannot be used to score either.
    let full = tmp.path().join("full/fast.safetensors");
    assert_exit!(train_on_corpus(tmp.path(), &full, &["-q", "--full"])?, 0);
    let clean = tmp.path().join("clean");
    fake_checkpoint(&clean, &valid, &train)?;
    neural(&clean, &full).assert_error(1, "trained on every article (--full)");
    // Only --task neural blends with a fast model.
    unspin(&["train", "--data", s(&data), "--fast-model", s(&fast)])
        .assert_error(1, "--fast-model goes with --task neural only");
    Ok(())
}
