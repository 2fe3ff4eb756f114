//! `unspin corpus add`: read, analyse and store articles, skipping those
//! already stored, in transactions that a crash cannot tear.

use std::collections::HashSet;
use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use anyhow::anyhow;
use indicatif::{ProgressBar, ProgressStyle};
use unspin_analysis::{Analyzer, Tier};
use unspin_corpus::{content_hash, ArticleRecord, Mode, Provenance};
use unspin_document::Document;

use super::LockArgs;
use crate::cmd::ingest::{self, IngestArgs};
use crate::cmd::ordered::{run_in_order, Inputs};
use crate::cmd::{print_error, usage, Context, ModelArgs, Outcome};

const AFTER_HELP: &str = "\
Creates DB when it does not exist. Reads the same inputs as `unspin analyze` (files, folders \
searched recursively, WARC, JSON Lines, - for standard input) and, with --urls, web pages. Uses \
the fast tier unless --tier neural is given, and all cores.

Idempotent and resumable: an article whose content hash (its text and URL) is already stored is \
skipped before it is analysed, so running the same command again after an interruption continues \
where it stopped. Articles are committed in small transactions: killing the process at any moment \
loses no committed article and leaves no half-written one.

After adding, the new articles are compared with the corpus for copies and re-publications \
(see `unspin corpus copies`); --no-copies leaves that for later.

A document that cannot be read or analysed is reported (error: \"PATH\": reason) and skipped; \
the exit status is then 1.

Examples:
  unspin corpus add news.db examples/syria-ceasefire-opinion.md articles/
  unspin corpus add news.db crawl.warc.gz --tier neural
  zcat pages.jsonl.gz | unspin corpus add news.db - --input jsonl";

/// Arguments of `unspin corpus add`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The corpus file (created when missing).
    #[arg(value_name = "DB")]
    db: PathBuf,
    /// Files or directories to add (directories recursively); `-` reads standard input.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// A file with one URL a line (blank lines and lines starting with # are skipped): fetch
    /// each page and add it.
    #[arg(long, value_name = "FILE")]
    urls: Option<PathBuf>,
    /// Skip the sourcing layers (quotes, sources, hedges, claims): techniques only.
    #[arg(long)]
    no_sourcing: bool,
    /// Do not compare the new articles with the corpus for copies now (`unspin corpus copies`
    /// does it later).
    #[arg(long)]
    no_copies: bool,
    /// Commit at least every N articles (and at least once a second).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    batch: usize,
    #[command(flatten)]
    ingest: IngestArgs,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    lock: LockArgs,
}

/// What happened to one input document.
enum Done {
    /// Analysed, ready to store.
    Record(Box<ArticleRecord>),
    /// Already in the corpus (or earlier in this run).
    Known,
}

/// Counts for the closing line.
#[derive(Default)]
struct Tally {
    added: usize,
    known: usize,
    failed: usize,
    /// Articles analysed whose techniques a warning set aside.
    not_analysed: usize,
    /// Time spent writing to the database (in the writer thread).
    storing: Duration,
}

/// What the writer thread did.
#[derive(Default)]
struct Stored {
    /// Records found stored already when their batch was written.
    known: usize,
    /// Time spent in SQLite.
    time: Duration,
}

/// Runs `unspin corpus add`.
pub fn run(args: &Args, ctx: &Context) -> anyhow::Result<Outcome> {
    let mut paths = args.paths.clone();
    let mut url_sources = Vec::new();
    if let Some(file) = &args.urls {
        url_sources = ingest::url_sources(file)?;
    }
    if paths.is_empty() && url_sources.is_empty() {
        if args.urls.is_some() {
            return usage("the --urls file holds no URL");
        }
        return usage("give at least one PATH to add (or --urls FILE)");
    }
    let (mut sources, input_errors) = ingest::expand(&std::mem::take(&mut paths))?;
    sources.extend(url_sources);
    let mut corpus = args.lock.open(&args.db, Mode::Create)?;
    let stored = corpus.stored_hashes()?;
    let mut options = args.model.options(!args.no_sourcing);
    options.tier = Some(options.tier.unwrap_or(Tier::Fast));
    let analyzer = Analyzer::new(&options)?;
    tracing::info!(inputs = sources.len(), stored = stored.len(), tier = %analyzer.tier(), "adding");

    let mut tally = Tally::default();
    for message in &input_errors {
        print_error(message);
        tally.failed += 1;
    }
    if sources.is_empty() {
        return Ok(Outcome::from_failures(tally.failed));
    }
    let format = args.ingest.input;
    let read_options = args.ingest.options();
    let known_total =
        (!sources.iter().any(|s| ingest::may_hold_several(s, format))).then_some(sources.len());
    let progress = progress_bar(known_total, ctx);
    let started = Instant::now();
    let seen = Mutex::new(HashSet::new());
    let provenance = Provenance {
        source: String::new(),
        tier: analyzer.tier().to_string(),
        model: analyzer.provenance().to_string(),
        sourcing: !args.no_sourcing,
    };
    let inputs = Inputs {
        sources: &sources,
        first: None,
        format: args.ingest.input,
        options: &read_options,
    };
    // Store in input order, so that article ids follow the inputs; commit
    // every --batch articles and at least once a second. A writer thread
    // owns the database, so that the analysis goes on while a batch is
    // committed (and synced to disk); one more batch waits for it at most.
    let added = AtomicUsize::new(0);
    let result = std::thread::scope(|scope| {
        let (batch_tx, batch_rx) = mpsc::sync_channel::<Vec<ArticleRecord>>(1);
        let corpus = &mut corpus;
        let added = &added;
        let writer = scope.spawn(move || -> anyhow::Result<Stored> {
            let mut stored = Stored::default();
            for batch in batch_rx {
                let t = Instant::now();
                let done = corpus.insert(&batch)?;
                stored.time += t.elapsed();
                stored.known += done.already_stored;
                added.fetch_add(done.added, Ordering::Relaxed);
            }
            Ok(stored)
        });
        let mut batch = Vec::new();
        let mut last_commit = Instant::now();
        let analysed = run_in_order(
            inputs,
            |read| {
                let source = read.source();
                analyse(read.doc, source, &analyzer, &stored, &seen, &provenance)
            },
            |done| {
                if let Some((origin, result)) = done {
                    progress.inc(1);
                    match result {
                        Ok(Done::Record(r)) => {
                            tally.not_analysed += usize::from(r.fields.not_analysed.is_some());
                            batch.push(*r);
                        }
                        Ok(Done::Known) => tally.known += 1,
                        Err(e) => {
                            tally.failed += 1;
                            progress.suspend(|| print_error(&ingest::error_message(&origin, &e)));
                        }
                    }
                }
                let due = batch.len() >= args.batch.max(1)
                    || (!batch.is_empty() && last_commit.elapsed() >= Duration::from_secs(1));
                if due {
                    // Fails only when the writer stopped on an error, which
                    // joining it returns.
                    batch_tx
                        .send(std::mem::take(&mut batch))
                        .map_err(|_| anyhow!("the database writer stopped"))?;
                    last_commit = Instant::now();
                    progress.set_message(format!(
                        "{} added, {} already stored",
                        added.load(Ordering::Relaxed),
                        tally.known
                    ));
                }
                Ok(())
            },
        );
        // The last batch, unless the analysis stopped on an error (what
        // was committed before stays).
        let analysed = analysed.and_then(|_| {
            if !batch.is_empty() {
                batch_tx
                    .send(batch)
                    .map_err(|_| anyhow!("the database writer stopped"))?;
            }
            Ok(())
        });
        drop(batch_tx);
        let written = writer.join().unwrap_or_else(|_| {
            Err(anyhow!(
                "the database writer failed (a bug: please report it)"
            ))
        });
        match (analysed, written) {
            // The writer's own error explains a stopped writer.
            (_, Err(e)) => Err(e),
            (Err(e), Ok(_)) => Err(e),
            (Ok(()), Ok(stored)) => Ok(stored),
        }
    });
    progress.finish_and_clear();
    let stored_now = result?;
    tally.added = added.into_inner();
    tally.known += stored_now.known;
    tally.storing = stored_now.time;
    let secs = started.elapsed().as_secs_f64();
    if !args.no_copies {
        super::copies::link_pending(&mut corpus, ctx)?;
    }
    tracing::info!(
        seconds = secs,
        storing_seconds = tally.storing.as_secs_f64(),
        "done; the writer thread spent storing_seconds in SQLite"
    );
    if !ctx.quiet {
        eprintln!(
            "{}: {} added, {} already stored, {} failed, in {:.1} s ({:.1} articles/s)",
            args.db.display(),
            tally.added,
            tally.known,
            tally.failed,
            secs,
            (tally.added + tally.known) as f64 / secs.max(1e-9)
        );
        if tally.not_analysed > 0 {
            eprintln!(
                "{} of them stored without techniques (another language or not prose; see \
                 their warnings): `corpus stats` counts them apart, `corpus info` by reason",
                tally.not_analysed
            );
        }
    }
    Ok(Outcome::from_failures(tally.failed))
}

/// Analyses one document unless an article with its content hash is stored
/// or was seen earlier in this run.
fn analyse(
    mut doc: Document,
    source: String,
    analyzer: &Analyzer,
    stored: &HashSet<String>,
    seen: &Mutex<HashSet<String>>,
    provenance: &Provenance,
) -> anyhow::Result<Done> {
    let hash = content_hash(&doc);
    if stored.contains(&hash) {
        return Ok(Done::Known);
    }
    if let Ok(mut seen) = seen.lock() {
        if !seen.insert(hash) {
            return Ok(Done::Known);
        }
    }
    analyzer.analyze(&mut doc)?;
    let provenance = Provenance {
        source,
        ..provenance.clone()
    };
    let record = ArticleRecord::new(&doc, provenance).map_err(|e| anyhow!(e))?;
    Ok(Done::Record(Box::new(record)))
}

fn progress_bar(total: Option<usize>, ctx: &Context) -> ProgressBar {
    if ctx.quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match total {
        Some(n) => (
            ProgressBar::new(n as u64),
            "{bar:30} {pos}/{len} articles, {per_sec}, eta {eta} {msg}",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {pos} articles, {per_sec}, {elapsed} {msg}",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
