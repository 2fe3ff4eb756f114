//! The `unspin` command line: shows how news articles persuade.
//!
//! One module per subcommand under [`cmd`]; this file parses the arguments,
//! sets up logging, runs the subcommand and turns its result into an exit
//! status:
//!
//! - `0`: everything worked (a closed standard output, as in
//!   `unspin analyze dir | head`, also ends the run quietly with `0`);
//! - `1`: something failed: one or more documents of a batch (each reported
//!   as `error: "PATH": reason` while the rest go on), or the whole command;
//! - `2`: the command line was wrong (unknown option, missing argument,
//!   options that do not go together).

mod cmd;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{ArgAction, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

const ABOUT: &str = "Shows how a news or opinion article persuades: finds the fragments that use \
propaganda techniques (loaded language, name calling, appeals to fear, …) and names the technique \
of each, following the Propaganda Techniques Corpus (PTC) and SemEval-2020 Task 11.";

const EXAMPLES: &str = "\
Examples:
  Analyse an article, JSON to standard output:
    unspin analyze examples/syria-ceasefire-opinion.md
  The fast tier instead of the neural one (about 100x faster, less accurate):
    unspin analyze --tier fast articles/
  An HTML report per article of a folder:
    unspin analyze --format html --output-dir reports/ articles/
  SemEval-2020 Task 11 predictions for a folder of PTC articles:
    unspin predict --task si data/ptc/dev/articles > si.txt
    unspin predict --task tc --spans dev-task-TC-template.out data/ptc/dev/articles > tc.txt
  Score predictions against gold labels:
    unspin eval si --pred si.txt --gold data/ptc/dev/labels
    unspin eval tc --pred tc.txt --gold data/ptc/dev/labels --json
  Train the fast model on PTC, keeping 15 % of the articles for validation:
    unspin train --data ../shared/data/ptc/train
  Turn a fine-tuned encoder (training/train_neural.py) into the neural tier:
    unspin train --task neural --data ../shared/data/ptc/train --checkpoint training/out-s7
  Open the web page (and the HTTP API) on http://127.0.0.1:8080/:
    unspin serve
  Analyse a collection into a corpus file, then compare outlets:
    unspin corpus add news.db articles/ crawl.warc.gz
    unspin corpus stats news.db --by outlet
  What a re-publisher changed, side by side:
    unspin compare original.html copy.html --format html --output diff.html

Exit status: 0 on success, 1 when anything failed (in a batch, after all other inputs \
were processed), 2 for command-line errors.";

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "unspin", version, about = ABOUT, after_help = EXAMPLES, propagate_version = true)]
struct Cli {
    /// Log more to standard error: -v for progress (info), -vv for debugging, -vvv for
    /// everything. RUST_LOG, when set, takes precedence.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    verbose: u8,
    /// Log nothing but errors and show no progress bar.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Analyse articles: find technique fragments and write JSON, an HTML report or PTC lines.
    Analyze(cmd::analyze::Args),
    /// Write SemEval-2020 Task 11 predictions (SI spans or TC labels) for a folder of PTC articles.
    Predict(cmd::predict::Args),
    /// Read articles (text, Markdown, HTML, WARC, JSON Lines) and print the extracted text,
    /// metadata and structure as JSON Lines, without analysing them.
    Extract(cmd::extract::Args),
    /// Score SI or TC predictions against gold labels with the SemEval-2020 Task 11 measures.
    Eval(cmd::eval::Args),
    /// Train the fast model (or the attribution tagger, or build the neural tier) and report
    /// validation scores.
    Train(cmd::train::Args),
    /// Serve the web page and the HTTP API (POST /api/analyze) on 127.0.0.1.
    Serve(cmd::serve::Args),
    /// Analyse collections into a corpus file (SQLite) and ask it questions: statistics per
    /// outlet, author or month, full-text search, exports.
    Corpus(cmd::corpus::Args),
    /// Compare two articles: is one a copy of the other, and what did the copy change
    /// (headline, paragraphs, boilerplate, techniques)? JSON or a side-by-side HTML page.
    Compare(cmd::compare::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_level = match cli.command {
        // Training takes minutes: show its progress unless asked not to.
        Command::Train(_) => 1,
        // A server logs its requests.
        Command::Serve(_) => 1,
        _ => 0,
    };
    init_logging(cli.verbose, cli.quiet, default_level);
    let ctx = cmd::Context { quiet: cli.quiet };
    let result = match cli.command {
        Command::Analyze(args) => cmd::analyze::run(&args, &ctx),
        Command::Predict(args) => cmd::predict::run(&args, &ctx),
        Command::Eval(args) => cmd::eval::run(&args, &ctx),
        Command::Extract(args) => cmd::extract::run(&args, &ctx),
        Command::Train(args) => cmd::train::run(&args, &ctx),
        Command::Serve(args) => cmd::serve::run(&args, &ctx),
        Command::Corpus(args) => cmd::corpus::run(&args, &ctx),
        Command::Compare(args) => cmd::compare::run(&args, &ctx),
    };
    match result {
        Ok(cmd::Outcome::Success) => ExitCode::SUCCESS,
        Ok(cmd::Outcome::SomeFailed) => ExitCode::from(1),
        Err(e) if cmd::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            cmd::print_error(&format!("{e:#}"));
            if e.downcast_ref::<cmd::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// Logs go to standard error. `default_level` 0 is warnings, 1 progress.
fn init_logging(verbose: u8, quiet: bool, default_level: u8) {
    let level = if quiet {
        "error"
    } else {
        match default_level.saturating_add(verbose) {
            0 => "warn",
            1 => "info",
            2 => "debug",
            _ => "trace",
        }
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let stderr = std::io::stderr();
    let ansi = stderr.is_terminal();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(StderrWriter::default)
        .with_ansi(ansi)
        .with_target(false)
        .try_init();
}

/// A writer to standard error that ignores write failures (a log line must
/// never bring the program down).
#[derive(Default)]
struct StderrWriter;

impl Write for StderrWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}
