//! Integration tests of the `unspin` binary: one test binary, one module per
//! subcommand. Each test runs the real executable and checks its output,
//! its exit status, and that it never panics.
//!
//! Tests that need a model train a tiny one on a hand-made corpus (well under
//! a second), so they run whether or not the binary embeds a trained model.

#[macro_use]
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use common::*;

/// Runs `unspin predict --task TASK --model MODEL ARGS`.
fn unspin_predict(task: &str, model: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--task", task];
    all.extend_from_slice(args);
    unspin_model("predict", model, &all)
}

/// Writes `spans` to `dir/spans.txt`, runs `unspin predict --task tc` with
/// them on the articles of `ptc`, checks that it succeeded, and gives back the
/// file it wrote, `dir/tc.txt`.
fn predict_tc(
    dir: &Path,
    model: &Path,
    spans: &str,
    ptc: &Path,
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let spans_path = dir.join("spans.txt");
    fs::write(&spans_path, spans)?;
    let out = dir.join("tc.txt");
    let run = unspin_predict(
        "tc",
        model,
        &["--spans", s(&spans_path), "-o", s(&out), s(ptc)],
    );
    assert_exit!(run, 0);
    Ok(out)
}

/// Runs `unspin eval TASK --pred PRED --gold GOLD ARGS`.
fn unspin_eval(task: &str, pred: &Path, gold: &Path, args: &[&str]) -> Run {
    let mut all = vec!["eval", task, "--pred", s(pred), "--gold", s(gold)];
    all.extend_from_slice(args);
    unspin(&all)
}

/// Runs `unspin train --data DATA --out OUT ARGS`.
fn unspin_train(data: &Path, out: &Path, args: &[&str]) -> Run {
    let mut all = vec!["train", "--data", s(data), "--out", s(out)];
    all.extend_from_slice(args);
    unspin(&all)
}

/// Checks the JSON wire format of one analysed document: the version, a
/// `technique` layer, and every span's `text` equal to the code point slice.
fn check_wire_document(doc: &Value) {
    assert!(
        doc["schema_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("1.")),
        "{doc}"
    );
    let text: Vec<char> = doc["text"]
        .as_str()
        .expect("text is a string")
        .chars()
        .collect();
    let layers = doc["layers"].as_object().expect("layers is an object");
    assert!(
        layers.get("technique").is_some_and(Value::is_array),
        "no technique layer: {:?}",
        layers.keys()
    );
    let mut checked = 0;
    for (name, spans) in layers {
        for span in spans.as_array().expect("a layer is an array") {
            let start = span["start"].as_u64().expect("start") as usize;
            let end = span["end"].as_u64().expect("end") as usize;
            assert!(
                start <= end && end <= text.len(),
                "layer {name}: {start}..{end} of {}",
                text.len()
            );
            let slice: String = text[start..end].iter().collect();
            assert_eq!(
                slice,
                span["text"].as_str().expect("span text"),
                "layer {name}, {start}..{end}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no spans at all");
}

mod help {
    use super::*;

    #[test]
    fn top_level_help_describes_unspin_with_an_example_per_subcommand() {
        let run = unspin(&["--help"]);
        assert_exit!(run, 0);
        assert!(
            run.stdout.contains("propaganda techniques"),
            "{}",
            run.show()
        );
        for example in [
            "unspin analyze",
            "unspin predict",
            "unspin eval",
            "unspin train",
        ] {
            assert!(
                run.stdout.contains(example),
                "no {example:?} example:\n{}",
                run.stdout
            );
        }
    }

    #[test]
    fn every_subcommand_has_help_with_examples() {
        for sub in ["analyze", "predict", "eval", "train"] {
            let run = unspin(&[sub, "--help"]);
            assert_exit!(run, 0);
            assert!(
                run.stdout.contains("Usage: unspin"),
                "{sub}: {}",
                run.show()
            );
            assert!(run.stdout.contains("Examples:"), "{sub}: {}", run.show());
        }
    }

    #[test]
    fn no_subcommand_is_a_usage_error() {
        assert_exit!(unspin(&[]), 2);
        assert_exit!(unspin(&["frobnicate"]), 2);
    }
}

mod analyze {
    use super::*;

    #[test]
    fn sample_article_with_the_embedded_model() {
        let sample = sample();
        let run = unspin(&["analyze", s(&sample)]);
        if run.code == Some(1) && run.stderr.contains("no embedded fast model") {
            eprintln!(
                "SKIP: this build embeds no trained model (models/fast/fast.safetensors is empty)"
            );
            return;
        }
        assert_exit!(run, 0);
        let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
        check_wire_document(&doc);
        assert_eq!(doc["id"], "syria-ceasefire-opinion");
        assert!(
            !doc["layers"]["technique"].as_array().unwrap().is_empty(),
            "the sample article has techniques"
        );
    }

    #[test]
    fn sample_article_json_slices_the_text_at_every_offset() -> TestResult {
        let (tmp, model) = tempdir_with_tiny_model()?;
        let sample = sample();
        let run = unspin_model("analyze", &model, &["--threshold", "0.05", s(&sample)]);
        assert_exit!(run, 0);
        let doc: Value = serde_json::from_str(&run.stdout)?;
        check_wire_document(&doc);
        assert!(!doc["layers"]["sentence"].as_array().unwrap().is_empty());

        // Several inputs give JSON Lines, one document per line, in order; stdin reads too.
        let a = tmp.path().join("ptc/articles/article101.txt");
        let text = fs::read(tmp.path().join("ptc/articles/article102.txt"))?;
        let run = unspin_with(&["analyze", "--model", s(&model), s(&a), "-"], Some(&text));
        assert_exit!(run, 0);
        let lines: Vec<Value> = run
            .stdout
            .lines()
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?;
        assert_eq!(lines.len(), 2, "{}", run.show());
        assert_eq!(
            (lines[0]["id"].as_str(), lines[1]["id"].as_str()),
            (Some("101"), Some("stdin"))
        );
        lines.iter().for_each(check_wire_document);
        Ok(())
    }

    #[test]
    fn html_report_escapes_the_article() -> TestResult {
        let (tmp, model) = tempdir_with_tiny_model()?;
        let article = tmp.path().join("xss.txt");
        fs::write(
            &article,
            "Breaking <script>alert(1)</script> news\n\nThe corrupt traitors <script>alert(1)</script> betrayed us & lied.\n",
        )?;
        let run = unspin_model(
            "analyze",
            &model,
            &["--format", "html", "--threshold", "0.05", s(&article)],
        );
        assert_exit!(run, 0);
        run.assert_stdout_has("<html");
        assert!(
            !run.stdout.contains("<script"),
            "unescaped script tag:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("&lt;script&gt;alert(1)"),
            "{}",
            run.stdout
        );

        // Several inputs: one page each under --output-dir, and only there.
        let out = tmp.path().join("reports");
        let ptc = tmp.path().join("ptc");
        let run = unspin_model(
            "analyze",
            &model,
            &["-f", "html", "-o", s(&out), s(&article), s(&ptc)],
        );
        assert_exit!(run, 0);
        assert!(run.stdout.is_empty(), "{}", run.show());
        assert!(out.join("xss.html").is_file() && out.join("article106.html").is_file());
        assert_eq!(fs::read_dir(&out)?.count(), 1 + CORPUS.len());
        Ok(())
    }

    #[test]
    fn ptc_format_gives_label_lines_in_code_points() -> TestResult {
        let (tmp, model) = tempdir_with_tiny_model()?;
        let dir = tmp.path().join("ptc/articles");
        let run = unspin_model(
            "analyze",
            &model,
            &["--format", "ptc", "--threshold", "0.05", s(&dir)],
        );
        assert_exit!(run, 0);
        assert!(!run.stdout.is_empty(), "{}", run.show());
        for line in run.stdout.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "{line:?}");
            let text = CORPUS
                .iter()
                .find(|c| c.0 == fields[0])
                .expect("a corpus id")
                .1;
            let (start, end): (usize, usize) = (fields[2].parse()?, fields[3].parse()?);
            assert!(start < end && end <= text.chars().count(), "{line:?}");
        }
        Ok(())
    }

    #[test]
    fn bad_inputs_get_a_clear_message_and_a_failure_status() -> TestResult {
        let (tmp, model) = tempdir_with_tiny_model()?;
        let d = tmp.path();
        fs::create_dir(d.join("no-articles"))?;
        fs::write(d.join("no-articles/notes.json"), "{}")?;
        fs::write(d.join("binary.txt"), b"PK\x03\x04\x00\x00\x14\x00 zip")?;
        fs::write(d.join("latin1.txt"), b"Caf\xe9 society\n\nIt was fine.\n")?;
        fs::write(d.join("empty.txt"), b"")?;
        let cases = [
            ("missing.txt", "no such file"),
            ("no-articles", "no articles to analyse"),
            ("binary.txt", "binary"),
            ("latin1.txt", "invalid UTF-8"),
            ("empty.txt", "is empty"),
        ];
        for (name, expected) in cases {
            let path = d.join(name);
            let run = unspin_model("analyze", &model, &[s(&path)]);
            assert_exit!(run, 1);
            assert!(
                run.stderr
                    .contains(&format!("error: \"{}\"", path.display())),
                "{name}: {}",
                run.show()
            );
            assert!(
                run.stderr.contains(expected),
                "{name}: expected {expected:?}:\n{}",
                run.show()
            );
            assert!(run.stdout.is_empty(), "{name}: {}", run.show());
        }
        // Lossy reading is available on request.
        let latin1 = d.join("latin1.txt");
        let run = unspin_model("analyze", &model, &["--lossy-utf8", s(&latin1)]);
        assert_exit!(run, 0);
        run.assert_stdout_has("Caf\u{fffd} society");
        Ok(())
    }

    #[test]
    fn a_bad_document_does_not_stop_the_batch() -> TestResult {
        let (tmp, model) = tempdir_with_tiny_model()?;
        let batch = tmp.path().join("batch");
        fs::create_dir(&batch)?;
        fs::write(batch.join("a-bad.txt"), b"\xff\xfe\xfd not text")?;
        fs::write(
            batch.join("b-good.md"),
            "A good headline\n\nThe corrupt traitors betrayed us.\n",
        )?;
        let run = unspin_model("analyze", &model, &[s(&batch)]);
        run.assert_error(1, "a-bad.txt");
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "one JSON line for the good document:\n{}",
            run.show()
        );
        let doc: Value = serde_json::from_str(lines[0])?;
        assert_eq!(doc["id"], "b-good");
        check_wire_document(&doc);
        Ok(())
    }

    #[test]
    fn usage_errors_exit_with_2() {
        let sample = sample();
        let run = unspin(&["analyze", "--tier", "deep", s(&sample)]);
        assert_exit!(run, 2);
        assert!(
            run.stderr.contains("fast"),
            "the available tiers are listed: {}",
            run.show()
        );
        assert_exit!(unspin(&["analyze", "--threshold", "1.5", s(&sample)]), 2);
        assert_exit!(unspin(&["analyze", "--format", "pdf", s(&sample)]), 2);
        assert_exit!(unspin(&["analyze"]), 2);
        let run = unspin(&["analyze", "--format", "html", s(&sample), s(&sample)]);
        run.assert_error(2, "--output-dir");
    }

    #[test]
    fn neural_is_the_default_tier_and_fast_is_one_flag_away() -> TestResult {
        let sample = sample();
        let provenances = |args: &[&str]| -> Vec<String> {
            let run = unspin(args);
            assert_exit!(run, 0);
            let doc: Value = serde_json::from_str(&run.stdout).expect("one JSON document");
            check_wire_document(&doc);
            doc["layers"]["technique"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["provenance"].as_str().unwrap_or("").to_string())
                .collect()
        };
        let neural = provenances(&["analyze", s(&sample)]);
        assert!(!neural.is_empty());
        assert!(
            neural.iter().all(|p| p.starts_with("neural-minilm@")),
            "{neural:?}"
        );
        let fast = provenances(&["analyze", "--tier", "fast", s(&sample)]);
        assert!(!fast.is_empty());
        assert!(
            fast.iter().all(|p| p.starts_with("fast-linear@")),
            "{fast:?}"
        );
        // A higher threshold trades recall for precision: fewer spans.
        let strict = provenances(&["analyze", "--threshold", "0.6", s(&sample)]);
        assert!(
            strict.len() < neural.len(),
            "{} vs {}",
            strict.len(),
            neural.len()
        );
        // int8 runs on CPUs with AVX-512 VNNI; elsewhere it is an error unless
        // --allow-fallback, which runs f32 and says so in the provenance.
        let int8 = provenances(&[
            "analyze",
            "--precision",
            "int8",
            "--allow-fallback",
            s(&sample),
        ]);
        assert!(!int8.is_empty());
        assert!(
            int8.iter().all(|p| p.starts_with("neural-minilm@")
                && (!p.contains("requested")
                    || p.ends_with("(int8 requested; ran f32: no AVX-512 VNNI)"))),
            "{int8:?}"
        );
        Ok(())
    }

    #[test]
    fn a_missing_model_file_is_an_error_not_a_panic() {
        let sample = sample();
        let model = Path::new("/no/such/model.safetensors");
        let run = unspin_model("analyze", model, &[s(&sample)]);
        assert_exit!(run, 1);
        assert!(run.stderr.starts_with("error: "), "{}", run.show());
        run.assert_stderr_has("/no/such/model.safetensors");
    }

    #[test]
    fn a_closed_stdout_ends_the_run_quietly() -> TestResult {
        let (tmp, model) = tempdir_with_tiny_model()?;
        let mut child = Command::new(env!("CARGO_BIN_EXE_unspin"))
            .args(["analyze", "--model", s(&model), s(&tmp.path().join("ptc"))])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        drop(child.stdout.take());
        let out = child.wait_with_output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("error"),
            "{stderr}"
        );
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        Ok(())
    }
}

mod predict {
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
            let (fi, fo): (Vec<&str>, Vec<&str>) =
                (i.split('\t').collect(), o.split('\t').collect());
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
}

mod eval {
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
        let (gold, pred) =
            write_gold_and_pred(tmp.path(), "1\tDoubt\t0\t10\n1\tSlogans\t20\n", PRED)?;
        unspin_eval("tc", &pred, &gold, &[])
            .assert_error(1, "gold.labels\": line 2: expected 4 tab-separated fields");
        unspin_eval("tc", &tmp.path().join("nope.txt"), &gold, &[]).assert_error(1, "no such file");
        let empty = tmp.path().join("empty-dir");
        fs::create_dir(&empty)?;
        unspin_eval("si", &pred, &empty, &[]).assert_error(1, "no .labels files");
        assert_exit!(unspin_eval("xx", &pred, &gold, &[]), 2);
        Ok(())
    }
}

mod train {
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
}

mod shared_corpus {
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
}

/// `unspin predict --task attribution`, `unspin eval attribution`.
mod attribution {
    use super::*;

    #[test]
    fn predicts_attribution_lines_in_code_points() -> TestResult {
        let tmp = tempfile::tempdir()?;
        // A headline, then a quote with curly marks and an accented speaker:
        // offsets must count code points, not bytes.
        let text = "Headline \u{e9}t\u{e9}\n\n\u{201c}We will win,\u{201d} said Jos\u{e9} Mart\u{ed}nez.\n";
        fs::write(tmp.path().join("a1.txt"), text)?;
        fs::write(tmp.path().join("notes.md"), "ignored")?;
        // The neural tagger (default) and the linear one (--tier fast).
        for tier in ["neural", "fast"] {
            let run = unspin(&[
                "predict",
                "--task",
                "attribution",
                "--tier",
                tier,
                s(tmp.path()),
            ]);
            assert_exit!(run, 0);
            let chars: Vec<char> = text.chars().collect();
            let slice = |a: &str, b: &str| -> String {
                chars[a.parse::<usize>().unwrap()..b.parse::<usize>().unwrap()]
                    .iter()
                    .collect()
            };
            assert!(
                run.stdout
                    .lines()
                    .all(|l| l.starts_with("a1\t") && l.split('\t').count() == 7),
                "{tier}: {}",
                run.show()
            );
            // The quotation's line (a tagger may also find something in the headline).
            let line = run
                .stdout
                .lines()
                .find(|l| {
                    let f: Vec<&str> = l.split('\t').collect();
                    slice(f[5], f[6]).contains("We will win")
                })
                .unwrap_or_else(|| panic!("{tier}: {}", run.show()));
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(slice(f[3], f[4]), "said", "{tier}: {line}");
            assert!(
                slice(f[1], f[2]).contains("Mart\u{ed}nez"),
                "{tier}: {line}"
            );
        }
        Ok(())
    }

    #[test]
    fn bad_folders_and_prediction_lines_are_clear_errors() -> TestResult {
        let tmp = tempfile::tempdir()?;
        unspin(&["predict", "--task", "attribution", s(tmp.path())])
            .assert_error(1, "no .txt files");
        let pred = tmp.path().join("pred.txt");
        fs::write(&pred, "a\t1\t2\n")?;
        unspin_eval("attribution", &pred, tmp.path(), &[]).assert_error(1, "line 1");
        Ok(())
    }

    #[test]
    fn predict_then_eval_on_polnear_dev() -> TestResult {
        let Some(dev) = unspin_testkit::shared_dir("data/quotes/polnear/data/dev") else {
            return Ok(());
        };
        let tmp = tempfile::tempdir()?;
        let pred = tmp.path().join("attr.txt");
        let run = unspin(&["predict", "--task", "attribution", "-o", s(&pred), s(&dev)]);
        assert_exit!(run, 0);
        let run = unspin_eval("attribution", &pred, &dev, &["--json"]);
        assert_exit!(run, 0);
        let v: Value = serde_json::from_str(&run.stdout)?;
        assert_eq!(v["scores"]["gold"].as_u64(), Some(2192), "{}", run.show());
        // The default (neural) analysis scores what its model card records.
        let metrics: Value = serde_json::from_str(&fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("models/attribution-neural/attribution.metrics.json"),
        )?)?;
        let recorded = metrics["dev_full"]["attribution"]["f1"]
            .as_f64()
            .unwrap_or(1.0);
        let f1 = v["scores"]["attribution"]["f1"].as_f64().unwrap_or(0.0);
        assert!(
            (f1 - recorded).abs() < 0.002,
            "{f1} vs {recorded}: {}",
            run.show()
        );
        Ok(())
    }
}
