//! `unspin corpus export` on a corpus of real articles: every table in every
//! format, row counts equal to `corpus info`, standard output, usage errors,
//! and (when pyarrow is installed) the Parquet files read by pyarrow.

use super::*;

const TABLES: [(&str, &str); 5] = [
    ("articles", "articles"),
    ("spans", "technique_spans"),
    ("quotes", "quotes"),
    ("sources", "sources"),
    ("claims", "claims"),
];

/// A corpus of the sample article and four unlabelled news articles, in
/// `dir/news.db`, with its `corpus info --format json`.
fn corpus(dir: &Path) -> Option<(PathBuf, Value)> {
    news_files()?;
    let db = add_sample_corpus(dir, 4);
    let run = unspin(&["corpus", "info", s(&db), "--format", "json"]);
    assert_exit!(run, 0);
    let info: Value = serde_json::from_str(&run.stdout).expect("info is JSON");
    assert_eq!(info["articles"], 5, "{info}");
    Some((db, info))
}

fn parquet_rows(path: &Path) -> i64 {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let file = fs::File::open(path).expect("the Parquet file opens");
    let reader = SerializedFileReader::new(file).expect("a valid Parquet file");
    reader.metadata().file_metadata().num_rows()
}

fn csv_rows(path: &Path) -> i64 {
    let mut reader = csv::Reader::from_path(path).expect("a CSV file");
    let mut rows = 0;
    for record in reader.records() {
        record.expect("a valid CSV record");
        rows += 1;
    }
    rows
}

fn jsonl_rows(text: &str) -> i64 {
    let mut rows = 0;
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("a JSON line");
        assert!(v.is_object(), "{line}");
        rows += 1;
    }
    rows
}

#[test]
fn every_table_in_every_format_has_the_rows_info_counts() {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, info)) = corpus(dir.path()) else {
        return;
    };
    assert!(info["technique_spans"].as_i64().unwrap() > 0, "{info}");
    assert!(info["quotes"].as_i64().unwrap() > 0, "{info}");
    for (table, key) in TABLES {
        let expected = info[key].as_i64().unwrap();
        for format in ["parquet", "csv", "jsonl"] {
            let out = dir.path().join(format!("out/{table}.{format}"));
            let run = unspin(&[
                "corpus",
                "export",
                s(&db),
                "--table",
                table,
                "--format",
                format,
                "--output",
                s(&out),
            ]);
            assert_exit!(run, 0);
            run.assert_stderr_has(&format!("{expected} {table} rows written"));
            let rows = match format {
                "parquet" => parquet_rows(&out),
                "csv" => csv_rows(&out),
                _ => jsonl_rows(&fs::read_to_string(&out).unwrap()),
            };
            assert_eq!(rows, expected, "{table}.{format}");
        }
    }
    // Nothing but the exports in the output folder (no temporary file left).
    assert_eq!(fs::read_dir(dir.path().join("out")).unwrap().count(), 15);

    // The format follows the extension; --quiet prints nothing.
    let out = dir.path().join("spans.parquet");
    let run = unspin(&[
        "corpus",
        "export",
        s(&db),
        "--table",
        "spans",
        "-o",
        s(&out),
        "--quiet",
    ]);
    assert_exit!(run, 0);
    assert_eq!(run.stderr, "");
    assert_eq!(
        parquet_rows(&out),
        info["technique_spans"].as_i64().unwrap()
    );

    // Standard output, and --where / --outlet.
    let run = unspin(&[
        "corpus",
        "export",
        s(&db),
        "--table",
        "spans",
        "--format",
        "jsonl",
        "-o",
        "-",
    ]);
    assert_exit!(run, 0);
    assert_eq!(
        jsonl_rows(&run.stdout),
        info["technique_spans"].as_i64().unwrap()
    );
    let first: Value = serde_json::from_str(run.stdout.lines().next().unwrap()).unwrap();
    let article = first["article_id"].as_i64().unwrap();
    let filter = format!("id = {article}");
    let run = unspin(&[
        "corpus",
        "export",
        s(&db),
        "--table",
        "articles",
        "--format",
        "csv",
        "-o",
        "-",
        "--where",
        &filter,
    ]);
    assert_exit!(run, 0);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], article.to_string());
}

#[test]
fn export_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let Some((db, _)) = corpus(dir.path()) else {
        return;
    };
    let export = |args: &[&str]| {
        let mut all = vec!["corpus", "export", s(&db)];
        all.extend_from_slice(args);
        unspin(&all)
    };
    export(&["--table", "spans", "--format", "parquet", "-o", "-"])
        .assert_error(2, "Parquet is written to a file");
    export(&["--table", "spans", "-o", "-"]).assert_error(2, "give --format");
    export(&["--table", "spans", "-o", "spans.txt"]).assert_error(2, "cannot tell the format");
    export(&["--table", "nope", "-o", "x.csv"]).assert_error(2, "nope");
    let out = dir.path().join("x.csv");
    fs::write(&out, "previous").unwrap();
    export(&[
        "--table",
        "spans",
        "-o",
        s(&out),
        "--where",
        "no_such_column = 1",
    ])
    .assert_error(1, "no_such_column");
    assert_eq!(fs::read_to_string(&out).unwrap(), "previous");
    let missing = dir.path().join("missing.db");
    let run = unspin(&[
        "corpus",
        "export",
        s(&missing),
        "--table",
        "spans",
        "-o",
        s(&out),
    ]);
    run.assert_error(1, "does not exist");
    assert_eq!(fs::read_to_string(&out).unwrap(), "previous");
}

/// Whether `python3` can import pyarrow and pandas.
fn pyarrow_available() -> bool {
    Command::new("python3")
        .args(["-c", "import pyarrow, pandas"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// pyarrow and pandas read every Parquet export with the documented types
/// (skipped without them, unless `UNSPIN_REQUIRE_PYARROW=1`).
#[test]
fn pyarrow_reads_the_parquet_exports() {
    if !pyarrow_available() {
        assert!(
            std::env::var("UNSPIN_REQUIRE_PYARROW").map_or(true, |v| v != "1"),
            "python3 with pyarrow and pandas not found, and UNSPIN_REQUIRE_PYARROW=1 requires them"
        );
        eprintln!(
            "SKIP: pyarrow_reads_the_parquet_exports \u{2014} python3 with pyarrow and pandas not \
             found (pip install pyarrow pandas; UNSPIN_REQUIRE_PYARROW=1 makes this a failure)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some((db, info)) = corpus(dir.path()) else {
        return;
    };
    let mut expected = serde_json::Map::new();
    for (table, key) in TABLES {
        let out = dir.path().join(format!("{table}.parquet"));
        let run = unspin(&["corpus", "export", s(&db), "--table", table, "-o", s(&out)]);
        assert_exit!(run, 0);
        expected.insert(table.to_string(), info[key].clone());
    }
    let script = r#"
import json, sys
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
folder, expected = sys.argv[1], json.loads(sys.argv[2])
out = {}
for table, rows in expected.items():
    t = pq.read_table(f"{folder}/{table}.parquet")
    df = pd.read_parquet(f"{folder}/{table}.parquet")
    assert t.num_rows == rows == len(df), (table, t.num_rows, rows, len(df))
    out[table] = {f.name: str(f.type) for f in t.schema}
a = pq.read_table(f"{folder}/articles.parquet")
assert a.schema.field("authors").type == pa.list_(pa.string()), a.schema
assert a.schema.field("sourcing").type == pa.bool_()
assert all(isinstance(x, str) and x for x in a.column("text").to_pylist())
s = pd.read_parquet(f"{folder}/spans.parquet")
assert s["start"].dtype == "int64" and s["score"].dtype == "float64", s.dtypes
texts = dict(zip(a.column("id").to_pylist(), a.column("text").to_pylist()))
for row in s.itertuples():
    assert texts[row.article_id][row.start:row.end] == row.text, row
print(json.dumps(out))
"#;
    let run = Command::new("python3")
        .args([
            "-c",
            script,
            s(dir.path()),
            &Value::Object(expected).to_string(),
        ])
        .output()
        .expect("python3 runs");
    assert!(
        run.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let types: Value = serde_json::from_slice(&run.stdout).expect("the script prints JSON");
    assert_eq!(types["spans"]["technique"], "string");
    assert_eq!(types["spans"]["start"], "int64");
    assert_eq!(types["spans"]["score"], "double");
    assert_eq!(types["claims"]["quoted"], "bool");
    assert_eq!(types["sources"]["urls"], "list<item: string>");
    assert_eq!(types["articles"]["authors"], "list<item: string>");
}
