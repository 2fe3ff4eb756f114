//! `Analyzer.analyze_arrow`: a pyarrow `RecordBatch` or `Table` in (through
//! the Arrow C data interface, its string buffers read in place), a flat
//! pyarrow `RecordBatch` out: one row per technique span (`"spans"`) or
//! one per document (`"documents"`, the corpus store's article counts).

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::builder::{
    Float32Builder, Float64Builder, Int64Builder, MapBuilder, MapFieldNames, StringBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, Int64Type, UInt32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_pyarrow::{FromPyArrow, Table, ToPyArrow};
use arrow_schema::{DataType, Field, Schema};
use pyo3::prelude::*;
use rayon::prelude::*;
use unspin_corpus::{ArticleFields, ArticleRecord, Provenance};
use unspin_document::layers;
use unspin_writers::{to_wire, JsonSpan};

use crate::analyzer::Inner;
use crate::errors::Failure;
use crate::input::{read_one, Kind};

/// The two output shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Spans,
    Documents,
}

/// A string column of any Arrow string layout.
enum StrCol<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> StrCol<'a> {
    fn of(array: &'a dyn Array) -> Option<StrCol<'a>> {
        match array.data_type() {
            DataType::Utf8 => Some(StrCol::Utf8(array.as_string::<i32>())),
            DataType::LargeUtf8 => Some(StrCol::Large(array.as_string::<i64>())),
            DataType::Utf8View => Some(StrCol::View(array.as_string_view())),
            _ => None,
        }
    }

    fn get(&self, row: usize) -> Option<&'a str> {
        match self {
            StrCol::Utf8(a) => a.is_valid(row).then(|| a.value(row)),
            StrCol::Large(a) => a.is_valid(row).then(|| a.value(row)),
            StrCol::View(a) => a.is_valid(row).then(|| a.value(row)),
        }
    }
}

/// One input row: its id, and the article (or why there is none).
struct Row<'a> {
    id: String,
    article: Result<(Kind, &'a str), String>,
}

/// What one row gave.
enum RowOut {
    Spans(Vec<JsonSpan>),
    Document(Box<ArticleFields>, BTreeMap<String, i64>),
}

/// The rows of one batch, reading text from `text_column`, else
/// `markdown`, else `html`.
fn rows<'a>(
    batch: &'a RecordBatch,
    first_row: usize,
    text_column: &str,
    id_column: &str,
) -> Result<Vec<Row<'a>>, Failure> {
    let column = |name: &str| -> Result<Option<StrCol<'a>>, Failure> {
        match batch.column_by_name(name) {
            None => Ok(None),
            Some(c) => StrCol::of(c.as_ref()).map(Some).ok_or_else(|| {
                Failure::Value(format!(
                    "column {name:?} must hold strings (utf8, large_utf8 or string_view), not {}",
                    c.data_type()
                ))
            }),
        }
    };
    let text = column(text_column)?;
    let markdown = if text_column == "markdown" {
        None
    } else {
        column("markdown")?
    };
    let html = if text_column == "html" {
        None
    } else {
        column("html")?
    };
    if text.is_none() && markdown.is_none() && html.is_none() {
        let names: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        return Err(Failure::Value(format!(
            "no column {text_column:?} (nor \"markdown\" or \"html\") to read articles from; the columns are: {}",
            names.join(", ")
        )));
    }
    let ids = batch.column_by_name(id_column).map(|c| c.as_ref());
    let id_of = |row: usize| -> Result<Option<String>, Failure> {
        let Some(c) = ids else { return Ok(None) };
        if let Some(s) = StrCol::of(c) {
            return Ok(s.get(row).map(str::to_string));
        }
        if c.is_null(row) {
            return Ok(None);
        }
        let n = match c.data_type() {
            DataType::Int64 => c.as_primitive::<Int64Type>().value(row).to_string(),
            DataType::Int32 => c.as_primitive::<Int32Type>().value(row).to_string(),
            DataType::UInt64 => c.as_primitive::<UInt64Type>().value(row).to_string(),
            DataType::UInt32 => c.as_primitive::<UInt32Type>().value(row).to_string(),
            other => {
                return Err(Failure::Value(format!(
                    "column {id_column:?} must hold strings or integers, not {other}"
                )))
            }
        };
        Ok(Some(n))
    };
    (0..batch.num_rows())
        .map(|row| {
            let id = id_of(row)?.unwrap_or_else(|| (first_row + row).to_string());
            let found = [
                (Kind::Text, text.as_ref(), text_column),
                (Kind::Markdown, markdown.as_ref(), "markdown"),
                (Kind::Html, html.as_ref(), "html"),
            ]
            .into_iter()
            .find_map(|(kind, col, name)| col.and_then(|c| c.get(row)).map(|v| (kind, name, v)));
            let article = match found {
                Some((_, name, v)) if v.trim().is_empty() => {
                    Err(format!("field {name:?} is empty"))
                }
                Some((kind, _, v)) => Ok((kind, v)),
                None => Err(format!(
                    "no {text_column:?}, \"markdown\" or \"html\" value in this row"
                )),
            };
            Ok(Row { id, article })
        })
        .collect()
}

/// Reads, analyses and summarises one row.
fn process(inner: &Inner, row: &Row<'_>, output: Output) -> Result<RowOut, String> {
    let (kind, value) = row.article.clone()?;
    let mut doc = read_one(kind, value, Some(&row.id)).map_err(|e| e.to_string())?;
    inner.run(&mut doc).map_err(|e| e.to_string())?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match output {
        Output::Spans => {
            let mut wire = to_wire(&doc);
            Ok(RowOut::Spans(
                wire.layers.remove(layers::TECHNIQUE).unwrap_or_default(),
            ))
        }
        Output::Documents => {
            // The corpus store's own definitions of the counts.
            let record = ArticleRecord::new(&doc, Provenance::default())?;
            let mut counts = BTreeMap::new();
            for span in &record.spans {
                *counts.entry(span.label.clone()).or_insert(0) += 1;
            }
            Ok(RowOut::Document(Box::new(record.fields), counts))
        }
    }))
    .unwrap_or_else(|_| Err("internal error (a bug: please report it)".into()))
}

/// Builds the output batch of `results` (one per row, in order).
fn build(
    rows: &[Row<'_>],
    results: Vec<Result<RowOut, String>>,
    output: Output,
) -> Result<RecordBatch, Failure> {
    let columns: Vec<(&str, ArrayRef)> = match output {
        Output::Spans => {
            let (mut id, mut technique, mut text) = (
                StringBuilder::new(),
                StringBuilder::new(),
                StringBuilder::new(),
            );
            let (mut start, mut end, mut score) = (
                Int64Builder::new(),
                Int64Builder::new(),
                Float32Builder::new(),
            );
            for (row, result) in rows.iter().zip(results) {
                let Ok(RowOut::Spans(spans)) = result else {
                    continue;
                };
                for span in spans {
                    id.append_value(&row.id);
                    technique.append_value(&span.label);
                    start.append_value(span.start as i64);
                    end.append_value(span.end as i64);
                    score.append_value(span.score);
                    text.append_value(&span.text);
                }
            }
            vec![
                ("id", Arc::new(id.finish())),
                ("technique", Arc::new(technique.finish())),
                ("start", Arc::new(start.finish())),
                ("end", Arc::new(end.finish())),
                ("score", Arc::new(score.finish())),
                ("text", Arc::new(text.finish())),
            ]
        }
        Output::Documents => documents(rows, results),
    };
    let schema = Schema::new(
        columns
            .iter()
            .map(|(name, a)| Field::new(*name, a.data_type().clone(), true))
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(
        Arc::new(schema),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .map_err(|e| Failure::Analysis(format!("cannot build the output batch (a bug): {e}")))
}

/// The `"documents"` columns.
fn documents(
    rows: &[Row<'_>],
    results: Vec<Result<RowOut, String>>,
) -> Vec<(&'static str, ArrayRef)> {
    const INTS: [&str; 8] = [
        "words",
        "technique_spans",
        "quotes",
        "named_sources",
        "anonymous_sources",
        "claims",
        "check_worthy_claims",
        "hedged_claims",
    ];
    let mut id = StringBuilder::new();
    let mut ints: Vec<Int64Builder> = INTS.iter().map(|_| Int64Builder::new()).collect();
    let mut share = Float64Builder::new();
    let names = MapFieldNames {
        entry: "entries".into(),
        key: "key".into(),
        value: "value".into(),
    };
    let mut techniques = MapBuilder::new(Some(names), StringBuilder::new(), Int64Builder::new());
    let mut not_analysed = StringBuilder::new();
    let mut error = StringBuilder::new();
    for (row, result) in rows.iter().zip(results) {
        id.append_value(&row.id);
        match result {
            Ok(RowOut::Document(f, counts)) => {
                let values = [
                    f.words,
                    f.technique_spans,
                    f.quotes,
                    f.named_sources,
                    f.anonymous_sources,
                    f.claims,
                    f.check_worthy_claims,
                    f.hedged_claims,
                ];
                for (b, v) in ints.iter_mut().zip(values) {
                    b.append_value(v);
                }
                share.append_value(f.quotation_share);
                for (label, n) in counts {
                    techniques.keys().append_value(label);
                    techniques.values().append_value(n);
                }
                // Cannot fail: keys and values were appended in pairs.
                let _ = techniques.append(true);
                not_analysed.append_option(f.not_analysed.as_deref());
                error.append_null();
            }
            Ok(RowOut::Spans(_)) | Err(_) => {
                for b in ints.iter_mut() {
                    b.append_null();
                }
                share.append_null();
                let _ = techniques.append(false);
                not_analysed.append_null();
                match result {
                    Err(message) => error.append_value(message),
                    Ok(_) => error.append_value("internal error (a bug: please report it)"),
                }
            }
        }
    }
    let mut columns: Vec<(&'static str, ArrayRef)> = vec![("id", Arc::new(id.finish()))];
    let mut ints = ints.into_iter();
    for name in INTS {
        if name == "named_sources" {
            columns.push(("quotation_share", Arc::new(share.finish())));
        }
        if let Some(mut b) = ints.next() {
            columns.push((name, Arc::new(b.finish())));
        }
    }
    columns.push(("techniques", Arc::new(techniques.finish())));
    columns.push(("not_analysed", Arc::new(not_analysed.finish())));
    columns.push(("error", Arc::new(error.finish())));
    columns
}

/// The input batches of a pyarrow `RecordBatch`, `Table` or any object
/// with `__arrow_c_array__` / `__arrow_c_stream__`.
fn batches(obj: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    if obj.hasattr("__arrow_c_array__")? {
        return Ok(vec![RecordBatch::from_pyarrow_bound(obj)?]);
    }
    if obj.hasattr("__arrow_c_stream__")? {
        let (batches, _) = Table::from_pyarrow_bound(obj)?.into_inner();
        return Ok(batches);
    }
    // Older pyarrow (before the PyCapsule interface): `_export_to_c`.
    RecordBatch::from_pyarrow_bound(obj)
        .map(|b| vec![b])
        .map_err(|_| {
            Failure::Type(format!(
                "expected a pyarrow.RecordBatch or pyarrow.Table, not {}",
                crate::input::type_name(obj)
            ))
            .into()
        })
}

/// `Analyzer.analyze_arrow`.
pub fn analyze_arrow(
    py: Python<'_>,
    inner: &Inner,
    batch: &Bound<'_, PyAny>,
    text_column: &str,
    id_column: &str,
    output: &str,
) -> PyResult<Py<PyAny>> {
    let output = match output {
        "spans" => Output::Spans,
        "documents" => Output::Documents,
        other => {
            return Err(Failure::Value(format!(
                "unknown output {other:?}; available outputs: spans, documents"
            ))
            .into())
        }
    };
    let input = batches(batch)?;
    let out = py.detach(|| -> Result<RecordBatch, Failure> {
        let mut all_rows = Vec::new();
        let mut first = 0;
        for b in &input {
            all_rows.extend(rows(b, first, text_column, id_column)?);
            first += b.num_rows();
        }
        let results: Vec<Result<RowOut, String>> = inner.pool.install(|| {
            all_rows
                .par_iter()
                .with_max_len(1)
                .map(|row| process(inner, row, output))
                .collect()
        });
        build(&all_rows, results, output)
    })?;
    Ok(out.to_pyarrow(py)?.unbind())
}
