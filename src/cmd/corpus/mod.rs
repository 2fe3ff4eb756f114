//! `unspin corpus`: analyse collections into one SQLite file (the corpus
//! store of `unspin-corpus`) and ask it questions. One module per
//! subcommand.

pub mod add;
pub mod copies;
pub mod export;
pub mod info;
pub mod reanalyze;
pub mod search;
pub mod show;
pub mod stats;

use std::path::Path;
use std::time::Duration;

use unspin_corpus::{Corpus, Mode, DEFAULT_LOCK_TIMEOUT};

use super::{Context, Outcome};

const AFTER_HELP: &str = "\
A corpus is one SQLite file (schema in docs/corpus.md): the articles with their text and metadata, \
and what the analysis found in them (technique spans, quotes and speakers, cited sources, \
check-worthy claims), with full-text indexes. Nothing is capped: export everything with \
`corpus export`.

Examples:
  unspin corpus add news.db examples/syria-ceasefire-opinion.md articles/ crawl.warc.gz
  unspin corpus add news.db --urls urls.txt
  unspin corpus info news.db
  unspin corpus stats news.db --by outlet --technique Loaded_Language
  unspin corpus search news.db '\"cease-fire\" AND Assad' --technique Name_Calling,Labeling
  unspin corpus show news.db 12 --format html > article12.html
  unspin corpus export news.db --table spans --format parquet --output spans.parquet
  unspin corpus reanalyze news.db --tier neural --where \"outlet = 'Global Research'\"
  unspin corpus copies news.db --format html --output copies.html";

/// Arguments of `unspin corpus`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

/// The `corpus` subcommands.
#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Analyse articles (files, folders, WARC, JSON Lines, standard input, URLs) into a corpus;
    /// idempotent and resumable.
    Add(add::Args),
    /// Articles, outlets, dates, models and size of a corpus.
    Info(info::Args),
    /// Technique rates, quotation and sourcing per outlet, author, month or technique, with
    /// 95 % confidence intervals.
    Stats(stats::Args),
    /// Full-text search over articles, technique spans and quotes (FTS5 syntax).
    Search(search::Args),
    /// One stored article with its analysis, as JSON or an HTML report.
    Show(show::Args),
    /// Write a whole table as Parquet, CSV or JSON Lines.
    Export(export::Args),
    /// Analyse stored articles again with another tier or model, without re-reading the inputs.
    Reanalyze(reanalyze::Args),
    /// Clusters of re-published articles: origin, copies, partial re-uses and what each copy
    /// changed.
    Copies(copies::Args),
}

/// `--lock-timeout`, shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct LockArgs {
    /// How long to wait (seconds) when another process is writing to the corpus, before
    /// giving up with an error.
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_LOCK_TIMEOUT.as_secs_f64())]
    pub lock_timeout: f64,
}

impl LockArgs {
    /// Opens the corpus at `path`.
    pub fn open(&self, path: &Path, mode: Mode) -> anyhow::Result<Corpus> {
        let timeout =
            Duration::try_from_secs_f64(self.lock_timeout.max(0.0)).unwrap_or(DEFAULT_LOCK_TIMEOUT);
        Ok(Corpus::open(path, mode, timeout)?)
    }
}

/// Runs `unspin corpus`.
pub fn run(args: &Args, ctx: &Context) -> anyhow::Result<Outcome> {
    match &args.command {
        Command::Add(a) => add::run(a, ctx),
        Command::Info(a) => info::run(a, ctx),
        Command::Stats(a) => stats::run(a, ctx),
        Command::Search(a) => search::run(a, ctx),
        Command::Show(a) => show::run(a, ctx),
        Command::Export(a) => export::run(a, ctx),
        Command::Reanalyze(a) => reanalyze::run(a, ctx),
        Command::Copies(a) => copies::run(a, ctx),
    }
}
