use super::*;

#[test]
fn si_prints_sorted_code_point_spans() -> TestResult {
    let (tmp, model) = tempdir_with_tiny_model()?;
    let ptc = tmp.path().join("ptc");
    let run = unspin_predict("si", &model, &["--threshold", "0.05", s(&ptc)]);
    assert_exit!(run, 0);
    let mut last = (0u64, 0usize);
    for line in run.stdout.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 3, "{line:?}");
        let key = (f[0].parse::<u64>()?, f[1].parse::<usize>()?);
        assert!(key >= last, "not sorted: {}", run.stdout);
        last = key;
    }
    assert!(!run.stdout.is_empty(), "{}", run.show());
    Ok(())
}

#[test]
fn tc_gives_one_line_per_input_line_in_order() -> TestResult {
    let (tmp, model) = tempdir_with_tiny_model()?;
    // A template with '?' techniques, a repeated span, an SI line and an `article` prefix.
    let (s1, e1) = char_range(CORPUS[0].1, "corrupt traitors");
    let (s2, e2) = char_range(CORPUS[2].1, "disgraceful, criminal regime");
    let spans = format!(
        "101\t?\t{s1}\t{e1}\n103\t?\t{s2}\t{e2}\n101\t?\t{s1}\t{e1}\n\n103\t{s2}\t{e2}\narticle102\t?\t0\t5\n"
    );
    let out = predict_tc(tmp.path(), &model, &spans, &tmp.path().join("ptc"))?;
    let got = fs::read_to_string(&out)?;
    let input: Vec<&str> = spans.lines().filter(|l| !l.is_empty()).collect();
    let output: Vec<&str> = got.lines().collect();
    assert_eq!(output.len(), input.len(), "{got}");
    let techniques: Vec<&str> = CORPUS
        .iter()
        .flat_map(|c| c.2.iter().map(|l| l.0))
        .collect();
    for (i, o) in input.iter().zip(&output) {
        let (fi, fo): (Vec<&str>, Vec<&str>) = (i.split('\t').collect(), o.split('\t').collect());
        assert_eq!(fo.len(), 4, "{o:?}");
        assert_eq!(
            (fo[0], fo[2], fo[3]),
            (fi[0], fi[fi.len() - 2], fi[fi.len() - 1]),
            "{i:?} -> {o:?}"
        );
        assert!(techniques.contains(&fo[1]), "{o:?}");
    }
    // A repeated span gets a different technique the second time.
    assert_ne!(output[0].split('\t').nth(1), output[2].split('\t').nth(1));
    Ok(())
}

#[test]
fn tc_errors_name_the_line() -> TestResult {
    let (tmp, model) = tempdir_with_tiny_model()?;
    let ptc = tmp.path().join("ptc");
    let spans = tmp.path().join("spans.txt");
    for (content, expected) in [
        ("101\t?\t0\t5\n101\t?\tfive\t9\n", "line 2"),
        (
            "101\t?\t0\t5\n\n999\t?\t0\t5\n",
            "line 3: no article \"999\"",
        ),
        ("101\t?\t0\t100000\n", "line 1: offset 100000 is beyond"),
        ("101 ? 0 5\n", "line 1: expected 4 tab-separated fields"),
    ] {
        fs::write(&spans, content)?;
        let run = unspin_predict("tc", &model, &["--spans", s(&spans), s(&ptc)]);
        assert_exit!(run, 1);
        assert!(
            run.stderr.contains(expected),
            "{content:?}: expected {expected:?}:\n{}",
            run.show()
        );
        assert!(run.stdout.is_empty());
    }
    Ok(())
}

#[test]
fn a_folder_without_articles_is_an_error() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let run = unspin(&["predict", "--task", "si", s(tmp.path())]);
    run.assert_error(1, "no PTC articles");
    assert_exit!(unspin(&["predict", "--task", "tc", s(tmp.path())]), 2);
    Ok(())
}
