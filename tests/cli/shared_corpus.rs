use super::*;

/// Predicts on the real PTC training articles with a tiny model and
/// scores the predictions against their gold labels: every file the
/// commands write must be readable by the next one.
#[test]
fn predict_then_eval_on_ptc_train() -> TestResult {
    let Some(ptc) = unspin_testkit::shared_dir("data/ptc/train") else {
        return Ok(());
    };
    let (tmp, model) = tempdir_with_tiny_model()?;
    let si = tmp.path().join("si.txt");
    assert_exit!(unspin_predict("si", &model, &["-o", s(&si), s(&ptc)]), 0);
    let run = unspin_eval("si", &si, &ptc, &["--json"]);
    assert_exit!(run, 0);
    let v: Value = serde_json::from_str(&run.stdout)?;
    assert!(
        v["scores"]["gold_input"].as_u64().is_some_and(|n| n > 1000),
        "{}",
        run.show()
    );

    // TC on the gold spans of all articles: one prediction per gold line.
    let mut gold = String::new();
    let mut files: Vec<PathBuf> = fs::read_dir(ptc.join("labels"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.sort();
    for f in files {
        gold.push_str(&fs::read_to_string(f)?);
    }
    let tc = predict_tc(tmp.path(), &model, &gold, &ptc)?;
    assert_eq!(
        fs::read_to_string(&tc)?.lines().count(),
        gold.lines().filter(|l| !l.trim().is_empty()).count()
    );
    let run = unspin_eval("tc", &tc, &ptc.join("labels"), &["--json"]);
    assert_exit!(run, 0);
    let v: Value = serde_json::from_str(&run.stdout)?;
    assert_eq!(
        v["scores"]["predicted"],
        v["scores"]["gold"],
        "{}",
        run.show()
    );
    Ok(())
}
