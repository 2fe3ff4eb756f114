//! The documentation matches the code: the options table of `docs/server.md`
//! lists exactly the options of `unspin serve --help`, with their defaults.

use std::collections::BTreeMap;
use std::process::Command;

/// The long options of a `--help` text, each with its default when the help
/// shows one (`[default: …]`).
fn help_options(help: &str) -> BTreeMap<String, Option<String>> {
    let mut options = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in help.lines() {
        // Options are indented by 2 (`  -p, --port`) or 6 (`      --host`) spaces;
        // descriptions and possible values (`          - fast: …`) by 10.
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let option_line = (indent <= 6 && trimmed.starts_with('-')).then_some(trimmed);
        if let Some(l) = option_line {
            let long = l
                .split([' ', ','])
                .find(|w| w.starts_with("--"))
                .unwrap_or_else(|| panic!("an option without a long name: {line}"))
                .trim_end_matches('.'); // `--verbose...`: may be repeated
            current = Some(long.to_string());
            options.insert(long.to_string(), None);
        }
        if let (Some(name), Some(i)) = (&current, line.find("[default: ")) {
            let rest = &line[i + "[default: ".len()..];
            let value = rest
                .split(']')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            options.insert(name.clone(), Some(value));
        }
    }
    options
}

/// The options in the first column of the `## Options` table of a Markdown
/// file, each with the second column (the default, without backticks).
fn table_options(markdown: &str) -> BTreeMap<String, String> {
    let section = markdown
        .split("\n## Options\n")
        .nth(1)
        .expect("docs/server.md has an ## Options section");
    let section = section.split("\n## ").next().unwrap_or_default();
    let mut options = BTreeMap::new();
    for row in section.lines().filter(|l| l.starts_with("| `-")) {
        let cells: Vec<&str> = row.split(" | ").collect();
        let first = cells[0].trim_start_matches("| ");
        let long = first
            .split(['`', ' ', ','])
            .find(|w| w.starts_with("--"))
            .unwrap_or_else(|| panic!("a row without a long option: {row}"));
        options.insert(
            long.to_string(),
            cells.get(1).unwrap_or(&"").replace('`', ""),
        );
    }
    options
}

#[test]
fn server_md_lists_exactly_the_options_of_serve_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .args(["serve", "--help"])
        .output()
        .expect("unspin runs");
    assert!(out.status.success());
    let help = help_options(&String::from_utf8_lossy(&out.stdout));
    let docs = table_options(include_str!("../docs/server.md"));
    let in_help: Vec<&String> = help.keys().collect();
    let in_docs: Vec<&String> = docs.keys().collect();
    assert_eq!(
        in_docs, in_help,
        "the options table of docs/server.md (left) must list exactly the options of \
         `unspin serve --help` (right)"
    );
    for (name, default) in &help {
        if let Some(default) = default {
            assert_eq!(
                &docs[name], default,
                "docs/server.md gives {name} another default than --help"
            );
        }
    }
}

#[test]
fn help_and_table_parsers() {
    let help = "Options:\n  -v, --verbose...\n          More.\n      --host <IP>\n          Address.\n          \n          [default: 127.0.0.1]\n\n  -p, --port <PORT>\n          Port\n          Possible values:\n          - a: b\n  -h, --help\n";
    let parsed = help_options(help);
    assert_eq!(parsed["--host"].as_deref(), Some("127.0.0.1"));
    assert_eq!(parsed["--port"], None);
    assert!(parsed.contains_key("--help"));
    assert_eq!(parsed["--verbose"], None);
    let md = "x\n## Options\n\n| option | default | meaning |\n|---|---|---|\n| `-p, --port N` | `8080` | Port. |\n\n## API\n| `--no` | x | y |\n";
    let table = table_options(md);
    assert_eq!(table.len(), 1);
    assert_eq!(table["--port"], "8080");
}
