//! `unspin corpus export`: a whole table of a corpus as Parquet, CSV or
//! JSON Lines, streamed, with nothing capped.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use unspin_corpus::{Corpus, CorpusError, ExportFormat, ExportOptions, Mode, Table};

use super::LockArgs;
use crate::cmd::{usage, Context, Outcome};

const AFTER_HELP: &str = "\
Writes every row of one table (no cap), streamed: memory stays small whatever the size of the \
corpus. The columns and their types are listed in docs/corpus.md (\"corpus export\"):
  articles  one row per article: metadata, counts, provenance and the text (not the stored document)
  spans     one row per technique span (technique, start, end in code points, score, text)
  quotes    one row per quote (kind, speaker, cue, score, start, end, text)
  sources   one row per cited source per article (name, kind, mentions, roles, urls)
  claims    one row per check-worthy claim (score, certainty, quoted, start, end, text)
Every table but articles also has its article's article_id, outlet, published_date and url, so \
that it can be analysed without a join.

Types: integers int64, scores and shares float64 (double), text utf8 (string), sourcing and quoted \
boolean; null where the corpus has no value (an empty field in CSV). articles.authors, sources.roles and \
sources.urls are lists of strings in Parquet and JSON Lines, and JSON arrays written as text in \
CSV (e.g. [\"Ann Lee\",\"Bo Ng\"]). Parquet files are Snappy-compressed and carry the Arrow schema.

The file is written to a temporary file beside FILE and renamed when complete: an export that \
fails or is interrupted never leaves a half-written FILE (only, after a kill, a hidden \
.FILE.*.partial that can be deleted). --output - writes CSV or JSON Lines to standard output.

--where takes an SQL expression over the columns of the articles table (as in `corpus \
reanalyze`): id, source, url, title, outlet, published_date, language, words, not_analysed, \
tier, model, added_at, …; for the other tables it selects the rows of the matching articles.

Examples:
  unspin corpus export news.db --table spans --output spans.parquet
  unspin corpus export news.db --table articles --format csv --output articles.csv
  unspin corpus export news.db --table quotes --format jsonl --output - | head
  unspin corpus export news.db --table claims --output claims.parquet --where \"published_date >= '2016-01-01'\"
  python3 -c 'import pandas as pd; print(pd.read_parquet(\"spans.parquet\").groupby(\"outlet\").technique.value_counts())'";

/// Arguments of `unspin corpus export`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The corpus file.
    #[arg(value_name = "DB")]
    db: PathBuf,
    /// The table to export.
    #[arg(long, value_enum)]
    table: TableArg,
    /// The file format [default: from the extension of --output: .parquet, .csv, .jsonl].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// The file to write (replaced if it exists); `-` writes CSV or JSON Lines to standard
    /// output.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Only the rows of the articles that match this SQL expression over the articles table's
    /// columns.
    #[arg(long = "where", value_name = "SQL")]
    filter: Option<String>,
    /// Only the rows of the articles of this outlet (site name).
    #[arg(long, value_name = "NAME")]
    outlet: Option<String>,
    /// Rows per Arrow record batch (Parquet) and between progress updates.
    #[arg(long, value_name = "N", default_value_t = unspin_corpus::DEFAULT_BATCH_ROWS)]
    batch_rows: usize,
    #[command(flatten)]
    lock: LockArgs,
}

/// The tables `corpus export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TableArg {
    /// One row per article.
    Articles,
    /// One row per technique span.
    Spans,
    /// One row per quote.
    Quotes,
    /// One row per cited source per article.
    Sources,
    /// One row per check-worthy claim.
    Claims,
}

impl From<TableArg> for Table {
    fn from(t: TableArg) -> Table {
        match t {
            TableArg::Articles => Table::Articles,
            TableArg::Spans => Table::Spans,
            TableArg::Quotes => Table::Quotes,
            TableArg::Sources => Table::Sources,
            TableArg::Claims => Table::Claims,
        }
    }
}

/// The formats `corpus export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    /// Apache Parquet (a file, not standard output).
    Parquet,
    /// CSV with a header line.
    Csv,
    /// JSON Lines, one object per row.
    Jsonl,
}

impl From<FormatArg> for ExportFormat {
    fn from(f: FormatArg) -> ExportFormat {
        match f {
            FormatArg::Parquet => ExportFormat::Parquet,
            FormatArg::Csv => ExportFormat::Csv,
            FormatArg::Jsonl => ExportFormat::Jsonl,
        }
    }
}

/// Runs `unspin corpus export`.
pub fn run(args: &Args, ctx: &Context) -> anyhow::Result<Outcome> {
    let to_stdout = args.output.as_os_str() == "-";
    let format = match (args.format, to_stdout) {
        (Some(f), _) => ExportFormat::from(f),
        (None, true) => {
            return usage("give --format csv or --format jsonl to write to standard output")
        }
        (None, false) => match ExportFormat::from_path(&args.output) {
            Some(f) => f,
            None => {
                return usage(format!(
                    "cannot tell the format from {:?}: give --format parquet, csv or jsonl",
                    args.output.display().to_string()
                ))
            }
        },
    };
    if to_stdout && format == ExportFormat::Parquet {
        return usage(
            "Parquet is written to a file, not to standard output: give --output FILE.parquet \
             (or --format csv or jsonl for standard output)",
        );
    }
    let table = Table::from(args.table);
    let mut options = ExportOptions::new(table, format);
    options.filter = filter(args.filter.as_deref(), args.outlet.as_deref());
    options.batch_rows = args.batch_rows.max(1);

    let corpus = args.lock.open(&args.db, Mode::ReadOnly)?;
    let bar = progress_bar(&corpus, &options, ctx)?;
    let started = Instant::now();
    let mut progress = |n: u64| bar.set_position(n);
    let result = if to_stdout {
        corpus.export_to(&options, io::stdout(), &mut progress)
    } else {
        if let Some(dir) = args.output.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {:?}", dir.display().to_string()))?;
        }
        corpus.export_to_file(&options, &args.output, &mut progress)
    };
    bar.finish_and_clear();
    let rows = match result {
        Ok(rows) => rows,
        Err(CorpusError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            return Ok(Outcome::Success)
        }
        Err(e @ (CorpusError::Io(_) | CorpusError::Query(_))) if !to_stdout => {
            return Err(anyhow::Error::new(e))
                .with_context(|| describe_target(&args.output, &options));
        }
        Err(e) => return Err(e.into()),
    };
    if !ctx.quiet {
        let target = if to_stdout {
            "standard output".to_string()
        } else {
            args.output.display().to_string()
        };
        eprintln!(
            "{}: {rows} {} rows written to {target} ({}) in {:.1} s",
            args.db.display(),
            table.name(),
            format.name(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(Outcome::Success)
}

fn describe_target(path: &Path, options: &ExportOptions) -> String {
    format!(
        "cannot export {} to {:?} (nothing was written under that name)",
        options.table.name(),
        path.display().to_string()
    )
}

/// `--where` and `--outlet` as one SQL expression over the articles table.
fn filter(filter: Option<&str>, outlet: Option<&str>) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(f) = filter {
        parts.push(format!("({f})"));
    }
    if let Some(o) = outlet {
        parts.push(format!("outlet = '{}'", o.replace('\'', "''")));
    }
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// A bar with rows and rows/s on a terminal; hidden otherwise or with --quiet.
fn progress_bar(
    corpus: &Corpus,
    options: &ExportOptions,
    ctx: &Context,
) -> anyhow::Result<ProgressBar> {
    if ctx.quiet || !io::stderr().is_terminal() {
        return Ok(ProgressBar::hidden());
    }
    let total = corpus.export_count(options.table, options.filter.as_deref())?;
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {human_pos}/{human_len} rows, {rate}, eta {eta}")
    {
        bar.set_style(style.with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} rows/s", state.per_sec());
            },
        ));
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    Ok(bar)
}
