//! Whole tables out of a corpus, as Parquet, CSV or JSON Lines
//! (`unspin corpus export`).
//!
//! An export is complete (every row, no cap) and streamed: one SQL query
//! reads the rows (articles by id, the other tables by article, then id)
//! through an index, without sorting, and each row is handed to the output
//! as it comes, so memory stays constant (one Arrow batch of
//! [`ExportOptions::batch_rows`] rows and one Parquet row group of at most
//! 64 MiB for Parquet, one row for CSV and JSON Lines) whatever the size of
//! the corpus. Every table but `articles` has its article's `outlet`,
//! `published_date` and `url` joined in. The columns and their types are
//! listed by [`Table::columns`] and documented in `docs/corpus.md`.
//!
//! [`Corpus::export_to_file`] writes to a temporary file beside the target
//! and renames it on success, so a failed export never leaves a
//! half-written file under the target's name.

mod columns;
mod sinks;

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use rusqlite::types::ValueRef;

pub use columns::{Column, ColumnType, Table};

use crate::error::CorpusError;
use crate::schema::SCHEMA_VERSION;
use crate::store::Corpus;
use columns::Decode;
use sinks::{Cell, CsvSink, JsonlSink, ParquetSink, Sink};

/// Rows per Arrow record batch (and between two progress reports) unless
/// [`ExportOptions::batch_rows`] says otherwise.
pub const DEFAULT_BATCH_ROWS: usize = 8192;

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExportFormat {
    /// Apache Parquet, Snappy-compressed, with the Arrow schema embedded
    /// (pandas, pyarrow, polars, DuckDB, R arrow, Spark read it).
    Parquet,
    /// CSV with a header line (RFC 4180 quoting); null is an empty field,
    /// a list a JSON array.
    Csv,
    /// JSON Lines: one object per row, keys in column order.
    Jsonl,
}

impl ExportFormat {
    /// `parquet`, `csv` or `jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Parquet => "parquet",
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }

    /// The format a file name's extension implies (`.parquet`/`.pq`,
    /// `.csv`, `.jsonl`/`.ndjson`), if any.
    pub fn from_path(path: &Path) -> Option<ExportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "parquet" | "pq" => Some(ExportFormat::Parquet),
            "csv" => Some(ExportFormat::Csv),
            "jsonl" | "ndjson" => Some(ExportFormat::Jsonl),
            _ => None,
        }
    }
}

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// The table.
    pub table: Table,
    /// The file format.
    pub format: ExportFormat,
    /// Only the rows of the articles that match this SQL expression over the
    /// `articles` table's columns (as `corpus reanalyze --where`); `None`:
    /// every row.
    pub filter: Option<String>,
    /// Rows per Arrow record batch, and between two progress reports.
    pub batch_rows: usize,
}

impl ExportOptions {
    /// Every row of `table` as `format`, in batches of [`DEFAULT_BATCH_ROWS`].
    pub fn new(table: Table, format: ExportFormat) -> ExportOptions {
        ExportOptions {
            table,
            format,
            filter: None,
            batch_rows: DEFAULT_BATCH_ROWS,
        }
    }
}

impl Corpus {
    /// How many rows exporting `table` with `filter` gives (for a progress
    /// bar; a writer that commits meanwhile may change it).
    ///
    /// # Errors
    /// [`CorpusError::Query`] for a filter SQLite rejects; an SQLite error.
    pub fn export_count(&self, table: Table, filter: Option<&str>) -> Result<u64, CorpusError> {
        let started = Instant::now();
        let sql = format!(
            "SELECT count(*) FROM {} AS t{}",
            table.sql_table(),
            where_clause(table, filter)
        );
        let mut stmt = self.prepare_filtered(&sql, filter, started)?;
        let n: i64 = stmt
            .query_row([], |r| r.get(0))
            .map_err(|e| self.err(e, started))?;
        Ok(n.max(0) as u64)
    }

    /// Writes the rows `options` selects to `out` and returns how many there
    /// were. `progress` is called with the number of rows written so far
    /// every [`ExportOptions::batch_rows`] rows and once at the end.
    ///
    /// The rows are read by one query, so they are one consistent snapshot
    /// even while another process adds articles.
    ///
    /// # Errors
    /// [`CorpusError::Query`] for a bad filter, [`CorpusError::Io`] when
    /// writing fails, [`CorpusError::BadRecord`] for a stored value of the
    /// wrong type, an SQLite error. What was written to `out` before is then
    /// incomplete.
    ///
    /// ```
    /// use std::time::Duration;
    /// use unspin_corpus::{ArticleRecord, Corpus, ExportFormat, ExportOptions, Mode, Provenance, Table};
    /// use unspin_document::{layers, Document, Span};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let mut corpus = Corpus::open(&dir.path().join("news.db"), Mode::Create, Duration::from_secs(5))?;
    /// let mut doc = Document::new("a", "These corrupt traitors lie.");
    /// doc.add_span(layers::TECHNIQUE, Span::new(6, 22, "Name_Calling,Labeling").unwrap()).unwrap();
    /// corpus.insert(&[ArticleRecord::new(&doc, Provenance::default()).unwrap()])?;
    ///
    /// let mut out = Vec::new();
    /// let options = ExportOptions::new(Table::Spans, ExportFormat::Csv);
    /// assert_eq!(corpus.export_to(&options, &mut out, &mut |_rows| {})?, 1);
    /// let csv = String::from_utf8(out).unwrap();
    /// assert!(csv.starts_with("id,article_id,outlet,published_date,url,technique,start,end,"));
    /// assert!(csv.contains(",\"Name_Calling,Labeling\",6,22,1,,corrupt traitors\n"));
    /// # Ok::<(), unspin_corpus::CorpusError>(())
    /// ```
    pub fn export_to<W: Write + Send>(
        &self,
        options: &ExportOptions,
        out: W,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, CorpusError> {
        let columns = options.table.columns();
        let batch_rows = options.batch_rows.max(1);
        let sink: Box<dyn Sink + '_> = match options.format {
            ExportFormat::Parquet => {
                let mut metadata = vec![
                    ("unspin.table".to_string(), options.table.name().to_string()),
                    (
                        "unspin.corpus_schema_version".to_string(),
                        SCHEMA_VERSION.to_string(),
                    ),
                ];
                if let Some(f) = &options.filter {
                    metadata.push(("unspin.where".to_string(), f.clone()));
                }
                Box::new(ParquetSink::new(out, columns, batch_rows, metadata)?)
            }
            ExportFormat::Csv => Box::new(CsvSink::new(out, columns)?),
            ExportFormat::Jsonl => Box::new(JsonlSink::new(out, columns)),
        };
        self.stream(options, sink, batch_rows, progress)
    }

    /// Writes the export to `path` through a temporary file in the same
    /// folder (`.NAME.XXXXXX.partial`), synced and renamed over `path` when
    /// complete: `path` holds either its previous content or the whole
    /// export, never a part. Returns the number of rows.
    ///
    /// # Errors
    /// As [`Corpus::export_to`]; also when the folder cannot be written, or
    /// when `path` is the corpus file itself.
    pub fn export_to_file(
        &self,
        options: &ExportOptions,
        path: &Path,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, CorpusError> {
        let invalid =
            |msg: String| CorpusError::Io(io::Error::new(io::ErrorKind::InvalidInput, msg));
        let Some(name) = path.file_name() else {
            return Err(invalid(format!(
                "\"{}\" is not a file name",
                path.display()
            )));
        };
        if let (Ok(a), Ok(b)) = (path.canonicalize(), self.path().canonicalize()) {
            if a == b {
                return Err(invalid(format!(
                    "\"{}\" is the corpus itself; export to another file",
                    path.display()
                )));
            }
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let prefix = format!(".{}.", name.to_string_lossy());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".partial");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // The usual mode of a new file (the umask applies), not 0600.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let tmp = builder.tempfile_in(dir)?;
        // Dropping `tmp` on an error removes the partial file.
        let rows = self.export_to(options, tmp.as_file(), progress)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| CorpusError::Io(e.error))?;
        Ok(rows)
    }

    fn prepare_filtered(
        &self,
        sql: &str,
        filter: Option<&str>,
        started: Instant,
    ) -> Result<rusqlite::Statement<'_>, CorpusError> {
        self.connection().prepare(sql).map_err(|e| {
            let bad_filter = filter.is_some()
                && (e.sqlite_error_code().is_none()
                    || e.sqlite_error_code() == Some(rusqlite::ErrorCode::Unknown));
            if bad_filter {
                CorpusError::Query(e.to_string())
            } else {
                self.err(e, started)
            }
        })
    }

    fn stream(
        &self,
        options: &ExportOptions,
        mut sink: Box<dyn Sink + '_>,
        batch_rows: usize,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64, CorpusError> {
        let started = Instant::now();
        let table = options.table;
        let columns = table.columns();
        let filter = options.filter.as_deref();
        let mut stmt = self.prepare_filtered(&select(table, filter), filter, started)?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e, started))?;
        // The article id, for error messages: `id` of articles, `article_id` of the others.
        let article_col = usize::from(table != Table::Articles);
        let (mut n, mut since_report): (u64, usize) = (0, 0);
        while let Some(row) = rows.next().map_err(|e| self.err(e, started))? {
            for (i, column) in columns.iter().enumerate() {
                let value = row.get_ref(i).map_err(|e| self.err(e, started))?;
                let cell = decode(column, value).map_err(|detail| {
                    let id = row
                        .get_ref(article_col)
                        .ok()
                        .and_then(|v| v.as_i64().ok())
                        .unwrap_or(-1);
                    CorpusError::BadRecord {
                        id,
                        detail: format!("{} column {}: {detail}", table.name(), column.name),
                    }
                })?;
                sink.cell(i, cell)?;
            }
            sink.end_row()?;
            n += 1;
            since_report += 1;
            if since_report == batch_rows {
                since_report = 0;
                progress(n);
            }
        }
        drop(rows);
        sink.finish()?;
        progress(n);
        Ok(n)
    }
}

/// `WHERE` restricting `table` to the articles matching `filter` (empty
/// without one). The filter is evaluated over `articles` alone, so its
/// column names mean the same for every table.
fn where_clause(table: Table, filter: Option<&str>) -> String {
    let key = if table == Table::Articles {
        "id"
    } else {
        "article_id"
    };
    match filter {
        Some(f) => format!(" WHERE t.{key} IN (SELECT id FROM articles WHERE ({f}))"),
        None => String::new(),
    }
}

/// The query that reads an export.
fn select(table: Table, filter: Option<&str>) -> String {
    let list = table
        .columns()
        .iter()
        .map(|c| c.sql)
        .collect::<Vec<_>>()
        .join(", ");
    // Ordered so that SQLite walks an index and never sorts (constant
    // memory): articles by id; the other tables by article, then row id,
    // through their `article_id` index.
    let (join, order) = if table == Table::Articles {
        ("", "t.id")
    } else {
        (
            " JOIN articles AS a ON a.id = t.article_id",
            "t.article_id, t.id",
        )
    };
    format!(
        "SELECT {list} FROM {} AS t{join}{} ORDER BY {order}",
        table.sql_table(),
        where_clause(table, filter)
    )
}

/// A stored value as the exported cell of `column`.
fn decode<'a>(column: &Column, value: ValueRef<'a>) -> Result<Cell<'a>, String> {
    let text = |b: &'a [u8]| String::from_utf8_lossy(b);
    Ok(match (column.ty, value) {
        (_, ValueRef::Null) if column.nullable => Cell::Null,
        (ColumnType::Int64, ValueRef::Integer(v)) => Cell::Int(v),
        (ColumnType::Float64, ValueRef::Real(v)) if column.decode == Decode::Score => {
            Cell::Float(shortest_f32(v))
        }
        (ColumnType::Float64, ValueRef::Real(v)) => Cell::Float(v),
        (ColumnType::Float64, ValueRef::Integer(v)) => Cell::Float(v as f64),
        (ColumnType::Boolean, ValueRef::Integer(v)) => Cell::Bool(v != 0),
        (ColumnType::Utf8, ValueRef::Text(b)) => Cell::Text(text(b)),
        (ColumnType::Utf8List, ValueRef::Text(b)) => Cell::List(decode_list(column.decode, b)?),
        (ty, v) => {
            return Err(format!(
                "holds {} where {} was expected",
                v.data_type(),
                ty.arrow_name()
            ))
        }
    })
}

fn decode_list(how: Decode, bytes: &[u8]) -> Result<Vec<String>, String> {
    match how {
        Decode::JsonList => {
            serde_json::from_slice(bytes).map_err(|e| format!("not a JSON array of strings ({e})"))
        }
        Decode::CommaList => Ok(String::from_utf8_lossy(bytes)
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()),
        Decode::Plain | Decode::Score => Ok(vec![text_of(bytes).into_owned()]),
    }
}

/// `v` as the shortest decimal that reads back as the same 32-bit float,
/// when `v` is a 32-bit float widened (a score); else `v`.
fn shortest_f32(v: f64) -> f64 {
    let narrow = v as f32;
    if narrow.is_finite() && f64::from(narrow) == v {
        narrow.to_string().parse().unwrap_or(v)
    } else {
        v
    }
}

fn text_of(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}
