//! `Corpus::export_to` / `export_to_file` on a small hand-made corpus: every
//! table in every format read back (Parquet with the `parquet` crate, CSV
//! with `csv`, JSON Lines with `serde_json`), NULLs, non-ASCII text, CSV
//! quoting, empty tables, batching, `--where` filters and the
//! write-then-rename contract.

use std::fs::File;
use std::path::Path;
use std::time::Duration;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::Value;
use unspin_corpus::{
    ArticleRecord, ColumnType, Corpus, CorpusError, ExportFormat, ExportOptions, Mode, Provenance,
    Table,
};
use unspin_document::{layers, Document, Span, Warning, WarningCode};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Text of article A: non-ASCII, a comma, a quote and a line break inside the
/// sentence that holds its spans (so CSV must quote it).
const TEXT_A: &str =
    "Der Präsident sagte, «the plan» was a \"disaster\",\nand the corrupt traitors lied — again.";
const TEXT_B: &str = "Nothing to see here.";
const TEXT_C: &str = "Ünïcode Times reports: a shameful betrayal.";

fn span(doc: &Document, needle: &str, label: &str, score: f32) -> Span {
    let start = doc.text().find(needle).expect("needle in text");
    Span::new(start, start + needle.len(), label)
        .expect("span")
        .with_score(score)
}

fn record(doc: &Document, source: &str) -> ArticleRecord {
    let provenance = Provenance {
        source: source.into(),
        tier: "fast".into(),
        model: "test-model".into(),
        sourcing: true,
    };
    ArticleRecord::new(doc, provenance).expect("record")
}

/// Three articles (A with every field, B with none, C in another outlet),
/// three technique spans, and quotes, sources and claims inserted as rows.
fn fixture(dir: &Path) -> Result<Corpus, Box<dyn std::error::Error>> {
    let mut corpus = Corpus::open(&dir.join("news.db"), Mode::Create, Duration::from_secs(5))?;
    let mut a = Document::new("a", TEXT_A);
    a.metadata.url = Some("https://example.org/a?x=1,2".into());
    a.metadata.title = Some("Der \"Plan\", erklärt".into());
    a.metadata.authors = vec!["Ann Lee".into(), "Bo Ñúñez".into()];
    a.metadata.site_name = Some("Global Research".into());
    a.metadata.published = Some("2016-02-24T10:00:00Z".into());
    a.metadata.language = Some("de".into());
    let s1 = span(&a, "disaster", "Loaded_Language", 0.75);
    let s2 = span(&a, "corrupt traitors", "Name_Calling,Labeling", 0.5).with_provenance("fast");
    a.add_span(layers::TECHNIQUE, s1)?;
    a.add_span(layers::TECHNIQUE, s2)?;
    let mut b = Document::new("b", TEXT_B);
    b.warnings.push(Warning {
        code: WarningCode::Garbled,
        message: "Not prose.".into(),
        skipped_layers: vec![layers::TECHNIQUE.into()],
        language: None,
    });
    let mut c = Document::new("c", TEXT_C);
    c.metadata.site_name = Some("Ünïcode Times".into());
    c.metadata.published = Some("2017-01-05".into());
    let s3 = span(&c, "shameful betrayal", "Loaded_Language", 0.3);
    c.add_span(layers::TECHNIQUE, s3)?;
    let records = [
        record(&a, "a.md"),
        record(&b, "b.txt"),
        record(&c, "c.html"),
    ];
    assert_eq!(corpus.insert(&records)?.added, 3);

    let conn = corpus.connection();
    conn.execute_batch(
        "INSERT INTO quotes (article_id, quote_key, kind, speaker, speaker_kind, cue, medium, score, start, end, text)
           VALUES (1, 'q1', 'direct', 'Der Präsident', 'person', 'sagte', NULL, 0.9, 21, 31, '«the plan»'),
                  (1, 'q2', 'indirect', NULL, NULL, NULL, NULL, 0.25, 0, 5, 'Der P');
         INSERT INTO sources (article_id, name, kind, mentions, roles, urls)
           VALUES (1, 'Der Präsident', 'person', 2, 'quoted,cited', '[\"https://example.org/p\",\"https://example.org/q\"]'),
                  (3, 'Ünïcode Times', 'news_outlet', 1, '', '[]');
         INSERT INTO claims (article_id, claim_key, score, certainty, quoted, start, end, text)
           VALUES (1, 'c1', 0.875, 'plain', 1, 0, 48, 'Der Präsident sagte, «the plan» was a \"disaster\",'),
                  (3, 'c1', 0.5, 'hedged', 0, 0, 42, 'Ünïcode Times reports: a shameful betrayal.');",
    )?;
    Ok(corpus)
}

fn read_parquet(
    path: &Path,
) -> Result<(arrow_schema::SchemaRef, Vec<RecordBatch>), Box<dyn std::error::Error>> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?)?;
    let schema = builder.schema().clone();
    let batches = builder.build()?.collect::<Result<Vec<_>, _>>()?;
    Ok((schema, batches))
}

fn strings(batches: &[RecordBatch], name: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for b in batches {
        let col = b.column_by_name(name).expect("column").as_string::<i32>();
        out.extend(col.iter().map(|v| v.map(str::to_string)));
    }
    out
}

fn ints(batches: &[RecordBatch], name: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for b in batches {
        let col = b
            .column_by_name(name)
            .expect("column")
            .as_primitive::<Int64Type>();
        out.extend(col.iter().map(|v| v.expect("not null")));
    }
    out
}

fn lists(batches: &[RecordBatch], name: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for b in batches {
        let col = b.column_by_name(name).expect("column").as_list::<i32>();
        for i in 0..col.len() {
            let items = col.value(i);
            let items = items.as_string::<i32>();
            out.push(items.iter().map(|v| v.unwrap_or("").to_string()).collect());
        }
    }
    out
}

fn export(
    corpus: &Corpus,
    table: Table,
    format: ExportFormat,
    path: &Path,
) -> Result<u64, CorpusError> {
    corpus.export_to_file(&ExportOptions::new(table, format), path, &mut |_| {})
}

fn count(corpus: &Corpus, table: &str) -> i64 {
    corpus
        .connection()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

/// The code points `start..end` of `text`.
fn slice(text: &str, start: i64, end: i64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[test]
fn parquet_schema_matches_the_documented_columns_for_every_table() -> TestResult {
    let dir = tempfile::tempdir()?;
    let corpus = fixture(dir.path())?;
    for table in Table::ALL {
        let path = dir.path().join(format!("{table}.parquet"));
        let rows = export(&corpus, table, ExportFormat::Parquet, &path)?;
        assert_eq!(rows as i64, count(&corpus, table.name()), "{table}");
        assert_eq!(corpus.export_count(table, None)?, rows, "{table}");
        let (schema, batches) = read_parquet(&path)?;
        let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
        assert_eq!(total as u64, rows, "{table}");
        let columns = table.columns();
        assert_eq!(schema.fields().len(), columns.len(), "{table}");
        for (field, col) in schema.fields().iter().zip(columns) {
            assert_eq!(field.name(), col.name, "{table}");
            assert_eq!(field.is_nullable(), col.nullable, "{table}.{}", col.name);
            let ok = match col.ty {
                ColumnType::Int64 => field.data_type() == &DataType::Int64,
                ColumnType::Float64 => field.data_type() == &DataType::Float64,
                ColumnType::Utf8 => field.data_type() == &DataType::Utf8,
                ColumnType::Boolean => field.data_type() == &DataType::Boolean,
                ColumnType::Utf8List => {
                    matches!(field.data_type(), DataType::List(item) if item.data_type() == &DataType::Utf8)
                }
                _ => false,
            };
            assert!(ok, "{table}.{}: {:?}", col.name, field.data_type());
        }
        assert_eq!(
            schema.metadata().get("unspin.table").map(String::as_str),
            Some(table.name())
        );
        // No compressed document blob, and the article context on every other table.
        assert!(schema.field_with_name("document").is_err());
        if table != Table::Articles {
            for name in ["article_id", "outlet", "published_date", "url"] {
                assert!(schema.field_with_name(name).is_ok(), "{table}.{name}");
            }
        }
    }
    Ok(())
}

#[test]
fn parquet_values_keep_nulls_lists_and_non_ascii_text() -> TestResult {
    let dir = tempfile::tempdir()?;
    let corpus = fixture(dir.path())?;
    let path = dir.path().join("articles.parquet");
    export(&corpus, Table::Articles, ExportFormat::Parquet, &path)?;
    let (_, batches) = read_parquet(&path)?;
    assert_eq!(ints(&batches, "id"), vec![1, 2, 3]);
    assert_eq!(
        strings(&batches, "text"),
        vec![
            Some(TEXT_A.into()),
            Some(TEXT_B.into()),
            Some(TEXT_C.into())
        ]
    );
    assert_eq!(
        strings(&batches, "outlet"),
        vec![
            Some("Global Research".into()),
            None,
            Some("Ünïcode Times".into())
        ]
    );
    assert_eq!(
        strings(&batches, "published_date"),
        vec![Some("2016-02-24".into()), None, Some("2017-01-05".into())]
    );
    assert_eq!(
        lists(&batches, "authors"),
        vec![
            vec!["Ann Lee".to_string(), "Bo Ñúñez".to_string()],
            vec![],
            vec![]
        ]
    );
    assert_eq!(ints(&batches, "technique_spans"), vec![2, 0, 1]);
    let sourcing: Vec<Option<bool>> = batches
        .iter()
        .flat_map(|b| {
            b.column_by_name("sourcing")
                .unwrap()
                .as_boolean()
                .iter()
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(sourcing, vec![Some(true); 3]);

    let path = dir.path().join("spans.parquet");
    export(&corpus, Table::Spans, ExportFormat::Parquet, &path)?;
    let (_, batches) = read_parquet(&path)?;
    assert_eq!(
        strings(&batches, "technique"),
        vec![
            Some("Loaded_Language".into()),
            Some("Name_Calling,Labeling".into()),
            Some("Loaded_Language".into())
        ]
    );
    assert_eq!(ints(&batches, "article_id"), vec![1, 1, 3]);
    assert_eq!(
        strings(&batches, "outlet"),
        vec![
            Some("Global Research".into()),
            Some("Global Research".into()),
            Some("Ünïcode Times".into())
        ]
    );
    assert_eq!(
        strings(&batches, "url"),
        vec![
            Some("https://example.org/a?x=1,2".into()),
            Some("https://example.org/a?x=1,2".into()),
            None
        ]
    );
    assert_eq!(strings(&batches, "provenance")[1].as_deref(), Some("fast"));
    let scores: Vec<f64> = batches
        .iter()
        .flat_map(|b| {
            b.column_by_name("score")
                .unwrap()
                .as_primitive::<Float64Type>()
                .values()
                .to_vec()
        })
        .collect();
    // An f32 score comes out as its shortest decimal (0.3, not 0.30000001192092896).
    assert_eq!(scores, vec![0.75, 0.5, 0.3]);
    // Offsets are code points into the article's text.
    let (starts, ends, texts) = (
        ints(&batches, "start"),
        ints(&batches, "end"),
        strings(&batches, "text"),
    );
    let articles = [TEXT_A, TEXT_A, TEXT_C];
    for i in 0..3 {
        assert_eq!(
            Some(slice(articles[i], starts[i], ends[i])),
            texts[i],
            "span {i}"
        );
    }

    let path = dir.path().join("sources.parquet");
    export(&corpus, Table::Sources, ExportFormat::Parquet, &path)?;
    let (_, batches) = read_parquet(&path)?;
    assert_eq!(
        lists(&batches, "roles"),
        vec![vec!["quoted".to_string(), "cited".to_string()], vec![]]
    );
    assert_eq!(
        lists(&batches, "urls"),
        vec![
            vec![
                "https://example.org/p".to_string(),
                "https://example.org/q".to_string()
            ],
            vec![]
        ]
    );

    let path = dir.path().join("quotes.parquet");
    export(&corpus, Table::Quotes, ExportFormat::Parquet, &path)?;
    let (_, batches) = read_parquet(&path)?;
    assert_eq!(
        strings(&batches, "speaker"),
        vec![Some("Der Präsident".into()), None]
    );
    assert_eq!(strings(&batches, "medium"), vec![None, None]);

    let path = dir.path().join("claims.parquet");
    export(&corpus, Table::Claims, ExportFormat::Parquet, &path)?;
    let (_, batches) = read_parquet(&path)?;
    let quoted: Vec<Option<bool>> = batches
        .iter()
        .flat_map(|b| {
            b.column_by_name("quoted")
                .unwrap()
                .as_boolean()
                .iter()
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(quoted, vec![Some(true), Some(false)]);
    assert_eq!(
        strings(&batches, "published_date"),
        vec![Some("2016-02-24".into()), Some("2017-01-05".into())]
    );
    Ok(())
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks() -> TestResult {
    let dir = tempfile::tempdir()?;
    let corpus = fixture(dir.path())?;
    let path = dir.path().join("articles.csv");
    assert_eq!(
        export(&corpus, Table::Articles, ExportFormat::Csv, &path)?,
        3
    );
    let mut reader = csv::Reader::from_path(&path)?;
    let header: Vec<String> = reader.headers()?.iter().map(str::to_string).collect();
    let names: Vec<&str> = Table::Articles.columns().iter().map(|c| c.name).collect();
    assert_eq!(header, names);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 3);
    let field = |row: usize, name: &str| {
        let i = names.iter().position(|n| *n == name).expect("column");
        rows[row][i].to_string()
    };
    assert_eq!(field(0, "text"), TEXT_A);
    assert_eq!(field(0, "title"), "Der \"Plan\", erklärt");
    assert_eq!(field(0, "url"), "https://example.org/a?x=1,2");
    assert_eq!(field(0, "authors"), r#"["Ann Lee","Bo Ñúñez"]"#);
    assert_eq!(field(1, "authors"), "[]");
    assert_eq!(field(1, "outlet"), "", "NULL is an empty field");
    assert_eq!(field(0, "sourcing"), "true");
    assert_eq!(field(0, "technique_spans"), "2");
    assert_eq!(field(0, "not_analysed"), "", "analysed: NULL");
    assert_eq!(field(0, "warnings"), "[]");
    assert_eq!(field(1, "not_analysed"), "garbled");
    let warnings: Value = serde_json::from_str(&field(1, "warnings"))?;
    assert_eq!(warnings[0]["code"], "garbled");
    assert_eq!(
        warnings[0]["skipped_layers"],
        serde_json::json!(["technique"])
    );
    assert_eq!(field(2, "text"), TEXT_C);
    // The raw file really quotes: the text's line break is inside a quoted field.
    let raw = std::fs::read_to_string(&path)?;
    assert!(
        raw.contains("\"Der Präsident sagte, «the plan» was a \"\"disaster\"\",\nand"),
        "{raw}"
    );

    let path = dir.path().join("spans.csv");
    export(&corpus, Table::Spans, ExportFormat::Csv, &path)?;
    let mut reader = csv::Reader::from_path(&path)?;
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[1][5], "Name_Calling,Labeling");
    assert_eq!(&rows[1][8], "0.5");
    assert_eq!(&rows[0][9], "", "no provenance");

    let path = dir.path().join("sources.csv");
    export(&corpus, Table::Sources, ExportFormat::Csv, &path)?;
    let mut reader = csv::Reader::from_path(&path)?;
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(&rows[0][8], r#"["quoted","cited"]"#);
    assert_eq!(&rows[1][9], "[]");
    Ok(())
}

#[test]
fn jsonl_is_one_typed_object_per_row() -> TestResult {
    let dir = tempfile::tempdir()?;
    let corpus = fixture(dir.path())?;
    for table in Table::ALL {
        let mut out = Vec::new();
        let options = ExportOptions::new(table, ExportFormat::Jsonl);
        let rows = corpus.export_to(&options, &mut out, &mut |_| {})?;
        let text = String::from_utf8(out)?;
        let lines: Vec<Value> = text
            .lines()
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?;
        assert_eq!(lines.len() as u64, rows, "{table}");
        assert_eq!(rows as i64, count(&corpus, table.name()), "{table}");
        for line in &lines {
            let obj = line.as_object().expect("an object");
            let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
            let mut names: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
            names.sort_unstable();
            let mut keys = keys;
            keys.sort_unstable();
            assert_eq!(keys, names, "{table}");
        }
        // Keys are written in column order.
        if let Some(first) = text.lines().next() {
            let first_key = format!("{{\"{}\":", table.columns()[0].name);
            assert!(first.starts_with(&first_key), "{first}");
        }
    }
    let mut out = Vec::new();
    corpus.export_to(
        &ExportOptions::new(Table::Articles, ExportFormat::Jsonl),
        &mut out,
        &mut |_| {},
    )?;
    let lines: Vec<Value> = String::from_utf8(out)?
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(lines[0]["text"], TEXT_A);
    assert_eq!(
        lines[0]["authors"],
        serde_json::json!(["Ann Lee", "Bo Ñúñez"])
    );
    assert_eq!(lines[0]["sourcing"], true);
    assert_eq!(
        lines[0]["quotation_share"].as_f64().map(f64::is_finite),
        Some(true)
    );
    assert_eq!(lines[1]["outlet"], Value::Null);
    assert_eq!(lines[0]["not_analysed"], Value::Null);
    assert_eq!(lines[1]["not_analysed"], "garbled");
    assert!(lines[1]["warnings"]
        .as_str()
        .is_some_and(|w| w.contains("\"garbled\"")));
    assert_eq!(lines[1]["authors"], serde_json::json!([]));
    assert_eq!(lines[2]["outlet"], "Ünïcode Times");
    assert!(lines[0].get("document").is_none());
    Ok(())
}

#[test]
fn an_empty_table_gives_a_valid_empty_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut corpus = Corpus::open(
        &dir.path().join("e.db"),
        Mode::Create,
        Duration::from_secs(5),
    )?;
    corpus.insert(&[record(
        &Document::new("x", "No spans in this one."),
        "x.txt",
    )])?;
    let path = dir.path().join("spans.parquet");
    assert_eq!(
        export(&corpus, Table::Spans, ExportFormat::Parquet, &path)?,
        0
    );
    let (schema, batches) = read_parquet(&path)?;
    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), 0);
    assert_eq!(schema.fields().len(), Table::Spans.columns().len());

    let path = dir.path().join("claims.csv");
    assert_eq!(export(&corpus, Table::Claims, ExportFormat::Csv, &path)?, 0);
    let mut reader = csv::Reader::from_path(&path)?;
    assert_eq!(reader.headers()?.len(), Table::Claims.columns().len());
    assert_eq!(reader.records().count(), 0);

    let path = dir.path().join("quotes.jsonl");
    assert_eq!(
        export(&corpus, Table::Quotes, ExportFormat::Jsonl, &path)?,
        0
    );
    assert_eq!(std::fs::read(&path)?.len(), 0);
    Ok(())
}

#[test]
fn more_rows_than_one_batch_are_all_written_in_batches() -> TestResult {
    const SPANS: usize = 20_000;
    let dir = tempfile::tempdir()?;
    let mut corpus = Corpus::open(
        &dir.path().join("big.db"),
        Mode::Create,
        Duration::from_secs(5),
    )?;
    let text: String = (0..SPANS).map(|i| format!("w{i} ")).collect();
    let mut doc = Document::new("big", text.clone());
    let mut spans = Vec::with_capacity(SPANS);
    let mut at = 0;
    for i in 0..SPANS {
        let len = format!("w{i}").len();
        spans.push(Span::new(at, at + len, "Repetition")?);
        at += len + 1;
    }
    doc.set_layer(layers::TECHNIQUE, spans)?;
    doc.metadata.site_name = Some("Big Outlet".into());
    corpus.insert(&[record(&doc, "big.txt")])?;

    let path = dir.path().join("spans.parquet");
    let mut reports = Vec::new();
    let options = ExportOptions::new(Table::Spans, ExportFormat::Parquet);
    let rows = corpus.export_to_file(&options, &path, &mut |n| reports.push(n))?;
    assert_eq!(rows, SPANS as u64);
    assert_eq!(reports, vec![8192, 16384, 20_000]);
    let (_, batches) = read_parquet(&path)?;
    assert_eq!(
        batches.iter().map(RecordBatch::num_rows).sum::<usize>(),
        SPANS
    );
    let ids = ints(&batches, "id");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in id order");
    let texts = strings(&batches, "text");
    assert_eq!(texts[0].as_deref(), Some("w0"));
    assert_eq!(
        texts[SPANS - 1].as_deref(),
        Some(format!("w{}", SPANS - 1).as_str())
    );
    assert!(strings(&batches, "outlet")
        .iter()
        .all(|o| o.as_deref() == Some("Big Outlet")));

    // Small batches, CSV and JSON Lines: still every row once.
    let mut options = ExportOptions::new(Table::Spans, ExportFormat::Csv);
    options.batch_rows = 7;
    let mut out = Vec::new();
    let mut calls = 0;
    assert_eq!(
        corpus.export_to(&options, &mut out, &mut |_| calls += 1)?,
        SPANS as u64
    );
    assert_eq!(calls, SPANS / 7 + 1);
    let mut reader = csv::Reader::from_reader(out.as_slice());
    assert_eq!(reader.records().count(), SPANS);
    options.format = ExportFormat::Jsonl;
    let mut out = Vec::new();
    corpus.export_to(&options, &mut out, &mut |_| {})?;
    assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), SPANS);
    Ok(())
}

/// Articles whose text alone exceeds the Parquet batch's byte budget
/// (16 MiB: written after the third, then the fourth alone) come back
/// whole, in order.
#[test]
fn long_texts_round_trip_through_parquet() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut corpus = Corpus::open(
        &dir.path().join("long.db"),
        Mode::Create,
        Duration::from_secs(5),
    )?;
    let texts: Vec<String> = (0..4)
        .map(|i| format!("Artikel {i} über Ünïcode. ").repeat(250_000))
        .collect();
    let records: Vec<ArticleRecord> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| record(&Document::new(format!("long{i}"), t.clone()), "long.txt"))
        .collect();
    corpus.insert(&records)?;
    let path = dir.path().join("articles.parquet");
    assert_eq!(
        export(&corpus, Table::Articles, ExportFormat::Parquet, &path)?,
        4
    );
    let (_, batches) = read_parquet(&path)?;
    let back: Vec<Option<String>> = strings(&batches, "text");
    assert_eq!(back, texts.into_iter().map(Some).collect::<Vec<_>>());
    Ok(())
}

#[test]
fn where_filters_rows_by_their_article_in_every_table() -> TestResult {
    let dir = tempfile::tempdir()?;
    let corpus = fixture(dir.path())?;
    let filter = "outlet = 'Global Research'";
    let expected = [
        (Table::Articles, 1),
        (Table::Spans, 2),
        (Table::Quotes, 2),
        (Table::Sources, 1),
        (Table::Claims, 1),
    ];
    for (table, n) in expected {
        let mut options = ExportOptions::new(table, ExportFormat::Jsonl);
        options.filter = Some(filter.into());
        let mut out = Vec::new();
        assert_eq!(
            corpus.export_to(&options, &mut out, &mut |_| {})?,
            n,
            "{table}"
        );
        assert_eq!(corpus.export_count(table, Some(filter))?, n, "{table}");
        for line in String::from_utf8(out)?.lines() {
            let v: Value = serde_json::from_str(line)?;
            assert_eq!(v["outlet"], "Global Research", "{table}");
        }
    }
    // Columns that exist in both tables (id, text) mean the article's.
    let mut options = ExportOptions::new(Table::Spans, ExportFormat::Jsonl);
    options.filter = Some("id = 3 AND text LIKE 'Ünïcode%'".into());
    assert_eq!(corpus.export_to(&options, Vec::new(), &mut |_| {})?, 1);

    options.filter = Some("no_such_column = 1".into());
    let err = corpus
        .export_to(&options, Vec::new(), &mut |_| {})
        .unwrap_err();
    assert!(matches!(err, CorpusError::Query(_)), "{err}");
    assert!(err.to_string().contains("no_such_column"), "{err}");
    Ok(())
}

#[test]
fn a_failed_export_leaves_the_target_untouched() -> TestResult {
    let dir = tempfile::tempdir()?;
    let corpus = fixture(dir.path())?;
    let out = dir.path().join("out");
    std::fs::create_dir(&out)?;
    let path = out.join("spans.parquet");
    std::fs::write(&path, b"previous")?;
    let mut options = ExportOptions::new(Table::Spans, ExportFormat::Parquet);
    options.filter = Some("syntax error here".into());
    assert!(corpus.export_to_file(&options, &path, &mut |_| {}).is_err());
    assert_eq!(std::fs::read(&path)?, b"previous");
    let names: Vec<_> = std::fs::read_dir(&out)?
        .map(|e| e.map(|e| e.file_name()))
        .collect::<Result<_, _>>()?;
    assert_eq!(names.len(), 1, "no partial file is left: {names:?}");

    // A successful export replaces the file.
    options.filter = None;
    assert_eq!(corpus.export_to_file(&options, &path, &mut |_| {})?, 3);
    assert_eq!(&std::fs::read(&path)?[..4], b"PAR1");
    assert_eq!(std::fs::read_dir(&out)?.count(), 1);

    // The corpus itself is never the target.
    let err = corpus
        .export_to_file(&options, &dir.path().join("news.db"), &mut |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("corpus itself"), "{err}");
    // A folder that does not exist is an error, not a panic.
    assert!(corpus
        .export_to_file(&options, &dir.path().join("missing/x.parquet"), &mut |_| {})
        .is_err());
    Ok(())
}

#[test]
fn formats_and_tables_parse_from_their_names() {
    assert_eq!(
        ExportFormat::from_path(Path::new("a/b.parquet")),
        Some(ExportFormat::Parquet)
    );
    assert_eq!(
        ExportFormat::from_path(Path::new("b.CSV")),
        Some(ExportFormat::Csv)
    );
    assert_eq!(
        ExportFormat::from_path(Path::new("b.ndjson")),
        Some(ExportFormat::Jsonl)
    );
    assert_eq!(ExportFormat::from_path(Path::new("b.txt")), None);
    for table in Table::ALL {
        assert_eq!(table.name().parse::<Table>(), Ok(table));
    }
    assert!("span".parse::<Table>().is_err());
}
