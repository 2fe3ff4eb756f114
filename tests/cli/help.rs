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
