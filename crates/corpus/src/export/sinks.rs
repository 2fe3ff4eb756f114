//! The three output formats, each fed one cell at a time so that nothing
//! but the current Arrow batch (Parquet) or the current row (CSV, JSON
//! Lines) is held in memory.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, BufWriter, Write};
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

use super::columns::{Column, ColumnType};
use crate::error::CorpusError;

/// Parquet row groups are closed when their encoded size reaches this, so
/// that the writer's memory stays bounded whatever the rows hold.
const ROW_GROUP_BYTES: usize = 32 << 20;

/// A batch is also written when its text reaches this many bytes, so that
/// long articles do not make a batch of `batch_rows` rows large.
const BATCH_TEXT_BYTES: usize = 16 << 20;

/// One exported value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Int(i64),
    Float(f64),
    Text(Cow<'a, str>),
    Bool(bool),
    List(Vec<String>),
}

/// Where rows go.
pub(crate) trait Sink {
    /// Column `i` of the current row (called for every column, in order).
    fn cell(&mut self, i: usize, cell: Cell<'_>) -> Result<(), CorpusError>;
    /// Ends the current row.
    fn end_row(&mut self) -> Result<(), CorpusError>;
    /// Writes whatever is buffered and the file's footer, and flushes.
    fn finish(self: Box<Self>) -> Result<(), CorpusError>;
}

/// The Arrow schema of an export.
pub(crate) fn arrow_schema(columns: &[Column]) -> Schema {
    Schema::new(
        columns
            .iter()
            .map(|c| Field::new(c.name, arrow_type(c.ty), c.nullable))
            .collect::<Vec<_>>(),
    )
}

fn arrow_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Int64 => DataType::Int64,
        ColumnType::Float64 => DataType::Float64,
        ColumnType::Utf8 => DataType::Utf8,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Utf8List => {
            DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
        }
    }
}

fn other(what: &str, e: impl std::fmt::Display) -> CorpusError {
    CorpusError::Io(io::Error::other(format!("{what}: {e}")))
}

/// A Parquet error as an I/O error, keeping the kind of an underlying one
/// (disk full, broken pipe).
fn parquet_err(e: ParquetError) -> CorpusError {
    match e {
        ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io) => CorpusError::Io(*io),
            Err(inner) => other("writing Parquet", inner),
        },
        e => other("writing Parquet", e),
    }
}

fn csv_err(e: csv::Error) -> CorpusError {
    CorpusError::Io(io::Error::from(e))
}

/// A column being filled for the current batch.
enum Builder {
    Int(Int64Builder),
    Float(Float64Builder),
    Text(StringBuilder),
    Bool(BooleanBuilder),
    List(ListBuilder<StringBuilder>),
}

impl Builder {
    fn new(ty: ColumnType, rows: usize) -> Builder {
        match ty {
            ColumnType::Int64 => Builder::Int(Int64Builder::with_capacity(rows)),
            ColumnType::Float64 => Builder::Float(Float64Builder::with_capacity(rows)),
            ColumnType::Utf8 => Builder::Text(StringBuilder::with_capacity(rows, rows * 16)),
            ColumnType::Boolean => Builder::Bool(BooleanBuilder::with_capacity(rows)),
            ColumnType::Utf8List => Builder::List(ListBuilder::with_capacity(
                StringBuilder::with_capacity(rows, rows * 16),
                rows,
            )),
        }
    }

    /// Appends `cell`; `None` when its type does not fit the column, else
    /// the bytes of text it added.
    fn push(&mut self, cell: Cell<'_>) -> Option<usize> {
        let mut text = 0;
        match (self, cell) {
            (Builder::Int(b), Cell::Int(v)) => b.append_value(v),
            (Builder::Int(b), Cell::Null) => b.append_null(),
            (Builder::Float(b), Cell::Float(v)) => b.append_value(v),
            (Builder::Float(b), Cell::Null) => b.append_null(),
            (Builder::Text(b), Cell::Text(v)) => {
                text = v.len();
                b.append_value(v);
            }
            (Builder::Text(b), Cell::Null) => b.append_null(),
            (Builder::Bool(b), Cell::Bool(v)) => b.append_value(v),
            (Builder::Bool(b), Cell::Null) => b.append_null(),
            (Builder::List(b), Cell::List(items)) => {
                for item in items {
                    text += item.len();
                    b.values().append_value(item);
                }
                b.append(true);
            }
            (Builder::List(b), Cell::Null) => b.append(false),
            _ => return None,
        }
        Some(text)
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::List(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Int(b) => b.len(),
            Builder::Float(b) => b.len(),
            Builder::Text(b) => b.len(),
            Builder::Bool(b) => b.len(),
            Builder::List(b) => b.len(),
        }
    }
}

/// Parquet (Snappy-compressed, the Arrow schema embedded): rows gather in
/// Arrow builders and are written every `batch_rows` rows (or sooner, when
/// their text reaches [`BATCH_TEXT_BYTES`]).
pub(crate) struct ParquetSink<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    builders: Vec<Builder>,
    types: Vec<ColumnType>,
    rows: usize,
    batch_rows: usize,
    /// Bytes of text in the current batch.
    text_bytes: usize,
}

impl<W: Write + Send> ParquetSink<W> {
    pub(crate) fn new(
        out: W,
        columns: &[Column],
        batch_rows: usize,
        metadata: Vec<(String, String)>,
    ) -> Result<ParquetSink<W>, CorpusError> {
        // In the Arrow schema (pyarrow's `schema.metadata`) and in the
        // Parquet footer (DuckDB's `parquet_kv_metadata`).
        let schema: SchemaRef = Arc::new(
            arrow_schema(columns)
                .with_metadata(metadata.iter().cloned().collect::<HashMap<_, _>>()),
        );
        let kv = metadata
            .into_iter()
            .map(|(k, v)| KeyValue::new(k, v))
            .collect();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
            .set_created_by(format!("unspin {}", env!("CARGO_PKG_VERSION")))
            .set_key_value_metadata(Some(kv))
            .build();
        let writer =
            ArrowWriter::try_new(out, Arc::clone(&schema), Some(props)).map_err(parquet_err)?;
        let types: Vec<ColumnType> = columns.iter().map(|c| c.ty).collect();
        Ok(ParquetSink {
            writer,
            schema,
            builders: types.iter().map(|&t| Builder::new(t, batch_rows)).collect(),
            types,
            rows: 0,
            batch_rows: batch_rows.max(1),
            text_bytes: 0,
        })
    }

    fn write_batch(&mut self) -> Result<(), CorpusError> {
        if self.rows == 0 {
            return Ok(());
        }
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(Arc::clone(&self.schema), arrays)
            .map_err(|e| other("building an Arrow batch", e))?;
        self.writer.write(&batch).map_err(parquet_err)?;
        self.rows = 0;
        self.text_bytes = 0;
        Ok(())
    }
}

impl<W: Write + Send> Sink for ParquetSink<W> {
    fn cell(&mut self, i: usize, cell: Cell<'_>) -> Result<(), CorpusError> {
        let Some(b) = self.builders.get_mut(i) else {
            return Err(other("exporting", format!("no column {i}")));
        };
        if let Some(bytes) = b.push(cell) {
            self.text_bytes += bytes;
            Ok(())
        } else {
            Err(other(
                "exporting",
                format!(
                    "a value of column {i} is not {}",
                    self.types[i].arrow_name()
                ),
            ))
        }
    }

    fn end_row(&mut self) -> Result<(), CorpusError> {
        self.rows += 1;
        debug_assert!(self.builders.iter().all(|b| b.len() == self.rows));
        if self.rows >= self.batch_rows || self.text_bytes >= BATCH_TEXT_BYTES {
            self.write_batch()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), CorpusError> {
        self.write_batch()?;
        let mut out = self.writer.into_inner().map_err(parquet_err)?;
        out.flush()?;
        Ok(())
    }
}

/// CSV (RFC 4180: a header line, fields quoted when they hold a comma, a
/// quote or a line break); null is an empty field, a list a JSON array.
pub(crate) struct CsvSink<W: Write> {
    writer: csv::Writer<W>,
    scratch: String,
}

impl<W: Write> CsvSink<W> {
    pub(crate) fn new(out: W, columns: &[Column]) -> Result<CsvSink<W>, CorpusError> {
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(out);
        writer
            .write_record(columns.iter().map(|c| c.name))
            .map_err(csv_err)?;
        Ok(CsvSink {
            writer,
            scratch: String::new(),
        })
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn cell(&mut self, _i: usize, cell: Cell<'_>) -> Result<(), CorpusError> {
        use std::fmt::Write as _;
        self.scratch.clear();
        let field: &str = match &cell {
            Cell::Null => "",
            Cell::Int(v) => {
                let _ = write!(self.scratch, "{v}");
                &self.scratch
            }
            Cell::Float(v) => {
                let _ = write!(self.scratch, "{v}");
                &self.scratch
            }
            Cell::Bool(v) => {
                if *v {
                    "true"
                } else {
                    "false"
                }
            }
            Cell::Text(v) => v,
            Cell::List(items) => {
                self.scratch = serde_json::to_string(items).map_err(|e| other("exporting", e))?;
                &self.scratch
            }
        };
        self.writer.write_field(field).map_err(csv_err)
    }

    fn end_row(&mut self) -> Result<(), CorpusError> {
        self.writer.write_record(None::<&[u8]>).map_err(csv_err)
    }

    fn finish(self: Box<Self>) -> Result<(), CorpusError> {
        let mut out = self
            .writer
            .into_inner()
            .map_err(|e| CorpusError::Io(io::Error::new(e.error().kind(), e.to_string())))?;
        out.flush()?;
        Ok(())
    }
}

/// JSON Lines: one object per row, keys in column order; null is `null`,
/// a list a JSON array.
pub(crate) struct JsonlSink<W: Write> {
    out: BufWriter<W>,
    /// `{"name":` for the first column, `,"name":` for the others.
    keys: Vec<String>,
}

impl<W: Write> JsonlSink<W> {
    pub(crate) fn new(out: W, columns: &[Column]) -> JsonlSink<W> {
        let keys = columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let name = serde_json::Value::from(c.name).to_string();
                format!("{}{name}:", if i == 0 { "{" } else { "," })
            })
            .collect();
        JsonlSink {
            out: BufWriter::with_capacity(1 << 16, out),
            keys,
        }
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn cell(&mut self, i: usize, cell: Cell<'_>) -> Result<(), CorpusError> {
        let key = self.keys.get(i).map_or("", String::as_str);
        self.out.write_all(key.as_bytes())?;
        let json = match cell {
            Cell::Null => {
                self.out.write_all(b"null")?;
                return Ok(());
            }
            Cell::Int(v) => serde_json::to_writer(&mut self.out, &v),
            // A non-finite number is written as null.
            Cell::Float(v) => serde_json::to_writer(&mut self.out, &v),
            Cell::Bool(v) => serde_json::to_writer(&mut self.out, &v),
            Cell::Text(v) => serde_json::to_writer(&mut self.out, v.as_ref()),
            Cell::List(v) => serde_json::to_writer(&mut self.out, &v),
        };
        json.map_err(|e| match e.io_error_kind() {
            Some(kind) => CorpusError::Io(io::Error::new(kind, e.to_string())),
            None => other("exporting", e),
        })
    }

    fn end_row(&mut self) -> Result<(), CorpusError> {
        self.out.write_all(b"}\n")?;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<(), CorpusError> {
        let mut out = self
            .out
            .into_inner()
            .map_err(|e| CorpusError::Io(e.into_error()))?;
        out.flush()?;
        Ok(())
    }
}
