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

/// `--timings` prints the breakdown on standard error (the tree of stages
/// and steps, each with its time) and leaves standard output as it was.
#[test]
fn timings_break_the_analysis_down_by_stage_and_step() {
    let sample = sample();
    let plain = unspin(&["analyze", s(&sample), "--tier", "fast"]);
    let timed = unspin(&["analyze", s(&sample), "--tier", "fast", "--timings"]);
    assert_exit!(timed, 0);
    assert_eq!(timed.stdout, plain.stdout, "the output does not change");
    let lines: Vec<&str> = timed.stderr.lines().collect();
    assert!(lines[0].starts_with("timings: "), "{}", timed.show());
    let row = |name: &str, indent: usize| {
        lines.iter().any(|l| {
            l.strip_prefix(&" ".repeat(indent))
                .is_some_and(|rest| rest.starts_with(name) && l.contains(" ms"))
        })
    };
    for (name, indent) in [
        ("load models", 2),
        ("read", 2),
        ("analyse", 2),
        ("sentences", 4),
        ("techniques-fast", 4),
        ("sourcing", 4),
        ("attribution tagger", 6),
        ("(the rest)", 6),
        ("write", 2),
    ] {
        assert!(
            row(name, indent),
            "no {name:?} row at indent {indent}\n{}",
            timed.show()
        );
    }
    assert!(!plain.stderr.contains("timings:"), "{}", plain.show());
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
    // int8 runs on x86-64 CPUs with AVX2 and ARM ones with dotprod; elsewhere
    // it is an error unless --allow-fallback, which runs f32 and says so in
    // the provenance.
    let note = format!(
        "(int8 requested; ran f32: {})",
        unspin_analysis::NO_INT8_REASON
    );
    let int8 = provenances(&[
        "analyze",
        "--precision",
        "int8",
        "--allow-fallback",
        s(&sample),
    ]);
    assert!(!int8.is_empty());
    assert!(
        int8.iter()
            .all(|p| p.starts_with("neural-minilm@")
                && (!p.contains("requested") || p.ends_with(&note))),
        "{int8:?}"
    );
    Ok(())
}

/// The exact int8 kernels this CPU runs (of AVX-512 VNNI, AVX-VNNI and
/// AVX2, picked with UNSPIN_INT8_KERNEL) compute the same integer dot
/// products: the whole analysis is the same, byte for byte. (The 7-bit AVX2
/// kernel, `avx2-7bit`, quantises activations more coarsely; its scores are
/// in the model cards.) A kernel the CPU lacks is not compared: the binary
/// would run its default kernel instead, which on a CPU without VNNI is the
/// 7-bit one.
#[test]
fn every_int8_kernel_gives_the_same_analysis() {
    use unspin_neural::int8::Int8Kernel;
    let kernels: Vec<&str> = Int8Kernel::ALL
        .into_iter()
        .filter(|k| k.exact() && k.supported())
        .map(Int8Kernel::name)
        .collect();
    if kernels.len() < 2 {
        eprintln!("note: this CPU runs {kernels:?} of the exact int8 kernels: nothing to compare");
        return;
    }
    let sample = sample();
    let run_with = |kernel: &str| -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_unspin"))
            .args([
                "analyze",
                "--precision",
                "int8",
                "--allow-fallback",
                s(&sample),
            ])
            .env("UNSPIN_INT8_KERNEL", kernel)
            .output()
            .expect("unspin runs");
        assert!(
            out.status.success(),
            "{kernel}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 JSON")
    };
    let first = run_with(kernels[0]);
    assert!(first.contains("\"technique\""), "{first}");
    for kernel in &kernels[1..] {
        assert!(
            run_with(kernel) == first,
            "{kernel} differs from {}",
            kernels[0]
        );
    }
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
