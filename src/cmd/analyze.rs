//! `unspin analyze`: run the pipeline on articles and write JSON, HTML or PTC lines.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use unspin_analysis::{render, Analyzer, OutputFormat};
use unspin_document::Document;
use unspin_pipeline::timing;

use super::ingest::{self, IngestArgs};
use super::ordered::{run_in_order, Inputs};
use super::{usage, Context, ModelArgs, Outcome};

const AFTER_HELP: &str = "\
Inputs: files, directories (searched recursively for .txt, .md, .html, .warc, .warc.gz, .jsonl \
and similar files) and - for standard input. --input auto (the default) tells each input's format \
from its content and name: plain text, a PTC article (article<ID>.txt, kept byte for byte so \
that offsets match PTC label files), Markdown (scraped pages too: title, byline, dates, outlet, \
block quotes; the page footer is marked as boilerplate and not analysed), HTML (the main \
article is extracted), WARC (every HTML response record, streamed) or JSON Lines (one \
{\"id\", \"text\"|\"markdown\"|\"html\", \"url\"?} object per line, streamed). --max-bytes \
limits a single document (or one WARC record or JSON line).

URLs (http:// or https://) are fetched and read like a saved page: the final URL after redirects \
becomes metadata.url. unspin sends --user-agent, honours each site's robots.txt (read once per \
host; --ignore-robots to override), waits --rate-limit seconds between requests to one host, \
gives up on a page after --fetch-timeout seconds, retries busy servers (429, 503; Retry-After \
honoured) and refuses pages over --max-bytes. Nothing is fetched unless a URL is given.

Output goes to standard output unless --output-dir is given:
  json  one pretty-printed JSON document for a single document; JSON Lines (one compact JSON \
document per line, in input order) for several, and always for WARC and JSON Lines input. Offsets are Unicode code points, and every span \
repeats the text it covers.
  html  a standalone report page; with several inputs, --output-dir is required.
  ptc   PTC label lines, id<TAB>technique<TAB>start<TAB>end (code points).

A document that cannot be read or analysed is reported on standard error as error: \"PATH\": \
reason (with the line or record inside a JSON Lines or WARC input); the others are still \
processed, and the exit status is then 1.

Examples:
  unspin analyze examples/syria-ceasefire-opinion.md
  cat article.txt | unspin analyze - --format ptc
  zcat pages.jsonl.gz | unspin analyze - --input jsonl > results.jsonl
  unspin analyze CC-MAIN-20240101-00000.warc.gz > results.jsonl
  unspin analyze https://example.org/2024/05/story.html --format html --output-dir reports/
  unspin analyze --format html --output-dir reports/ articles/";

/// Arguments of `unspin analyze`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Files or directories to analyse (directories recursively), http:// or https:// URLs of
    /// pages to fetch; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write one file per input into DIR (named after the input, with the extension .json,
    /// .html or .labels) instead of writing to standard output.
    #[arg(short, long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Skip the sourcing layers (quotes and speakers, cited sources, hedges, check-worthy
    /// claims, entities): techniques only, for triage at corpus scale.
    #[arg(long)]
    no_sourcing: bool,
    /// Print where the time went on standard error when done: loading the models, reading,
    /// each pipeline stage and the steps inside it (tokenising, the encoders, decoding, the
    /// attribution tagger), writing; summed over documents and threads.
    #[arg(long)]
    timings: bool,
    #[command(flatten)]
    ingest: IngestArgs,
    #[command(flatten)]
    model: ModelArgs,
}

/// Output formats of `analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The unspin JSON format (schema_version 1.x).
    Json,
    /// A standalone HTML report with the fragments highlighted.
    Html,
    /// PTC / SemEval technique label lines.
    Ptc,
}

impl Format {
    /// The analysis library's format: `json_lines` writes JSON on one line.
    fn output(self, json_lines: bool) -> OutputFormat {
        match self {
            Format::Json if json_lines => OutputFormat::JsonLine,
            Format::Json => OutputFormat::Json,
            Format::Html => OutputFormat::Html,
            Format::Ptc => OutputFormat::Ptc,
        }
    }
}

/// What processing one document gave.
enum Done {
    /// Rendered output for standard output.
    Text(String),
    /// An analysed document for standard output as JSON (pretty or one
    /// line), written straight from the document without an output-sized
    /// string in between.
    Json(Box<Document>, bool),
    /// Written to this file.
    Written(PathBuf),
}

/// Runs `unspin analyze`.
pub fn run(args: &Args, ctx: &Context) -> anyhow::Result<Outcome> {
    let started = std::time::Instant::now();
    if args.timings {
        timing::enable();
    }
    let (sources, input_errors) = ingest::expand(&args.paths)?;
    let options = args.ingest.options();
    let format = args.ingest.input;
    // A single input is opened now, to know whether it holds several documents.
    let mut first = None;
    let several = match sources.as_slice() {
        [] => false,
        [one] if !ingest::may_hold_several(one, format) => false,
        [one] => {
            let opened = timing::time("read", || one.open(format, &options));
            let multi = opened.as_ref().is_ok_and(|d| d.format().is_multi());
            first = Some(opened);
            multi
        }
        _ => true,
    };
    if args.format == Format::Html && several && args.output_dir.is_none() {
        return usage(
            "--format html writes one page per document; with several inputs (or a WARC or JSON Lines \
             input), give --output-dir DIR",
        );
    }
    let mut failed = 0;
    for message in &input_errors {
        super::print_error(message);
        failed += 1;
    }
    if sources.is_empty() {
        return Ok(Outcome::from_failures(failed));
    }
    if let Some(dir) = &args.output_dir {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the output folder \"{}\"", dir.display()))?;
    }
    let analyzer = timing::time("load models", || {
        Analyzer::new(&args.model.options(!args.no_sourcing))
    })?;
    tracing::info!(inputs = sources.len(), tier = %analyzer.tier(), model = analyzer.provenance(), stages = ?analyzer.stage_names(), "analysing");

    let settings = Settings {
        format: args.format,
        several,
        output_dir: args.output_dir.as_deref(),
    };
    let known_total =
        (!sources.iter().any(|s| ingest::may_hold_several(s, format))).then_some(sources.len());
    let progress = progress_bar(known_total, ctx);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let inputs = Inputs {
        sources: &sources,
        first,
        format,
        options: &options,
    };
    let mut doc_failures = 0;
    let counts = run_in_order(
        inputs,
        |read| process(read.doc, &read.out_stem, &analyzer, &settings),
        |done| {
            let Some((origin, result)) = done else {
                return Ok(());
            };
            progress.inc(1);
            match result {
                Ok(Done::Text(text)) => timing::time("write", || write_output(&mut out, &text))?,
                Ok(Done::Json(doc, pretty)) => {
                    timing::time("write", || write_json(&mut out, &doc, pretty))?;
                }
                Ok(Done::Written(path)) => {
                    tracing::debug!(input = %origin, output = %path.display(), "written");
                }
                Err(e) => {
                    doc_failures += 1;
                    progress.suspend(|| super::print_error(&ingest::error_message(&origin, &e)));
                }
            }
            Ok(())
        },
    )
    .map(|documents| (documents, doc_failures));
    progress.finish_and_clear();
    let (documents, doc_failures) = counts?;
    failed += doc_failures;
    if args.timings {
        print_timings(started.elapsed(), documents);
    }
    tracing::info!(documents = documents - doc_failures, failed, "done");
    Ok(Outcome::from_failures(failed))
}

/// Format choices that every document shares.
struct Settings<'a> {
    format: Format,
    several: bool,
    output_dir: Option<&'a Path>,
}

/// Analyses and renders one document.
fn process(
    mut doc: Document,
    out_stem: &str,
    analyzer: &Analyzer,
    settings: &Settings<'_>,
) -> anyhow::Result<Done> {
    timing::time("analyse", || analyzer.analyze(&mut doc))
        .with_context(|| format!("document {:?}", doc.id))?;
    for warning in doc.warnings.iter().filter(|w| w.skips_analysis()) {
        tracing::warn!(document = %doc.id, code = %warning.code, "not analysed: {}", warning.message);
    }
    let json_lines = settings.several && settings.output_dir.is_none();
    let format = settings.format.output(json_lines);
    let json = matches!(format, OutputFormat::Json | OutputFormat::JsonLine);
    match settings.output_dir {
        None if json => Ok(Done::Json(Box::new(doc), format == OutputFormat::Json)),
        None => Ok(Done::Text(timing::time("render", || render(&doc, format))?)),
        Some(dir) => {
            let extension = settings.format.output(false).extension();
            let path = dir.join(format!("{out_stem}.{extension}"));
            let written = timing::time("write", || {
                if json {
                    fs::File::create(&path)
                        .map_err(anyhow::Error::from)
                        .and_then(|f| write_json(&mut io::BufWriter::new(f), &doc, true))
                } else {
                    render(&doc, format)
                        .map_err(anyhow::Error::from)
                        .and_then(|text| fs::write(&path, ensure_newline(text)).map_err(Into::into))
                }
            });
            written.with_context(|| format!("cannot write \"{}\"", path.display()))?;
            Ok(Done::Written(path))
        }
    }
}

/// `--timings`: where the time went, as a tree on standard error; each
/// entry with steps under it ends with what its steps do not cover.
fn print_timings(wall: std::time::Duration, documents: usize) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "timings: {:.0} ms in all, {documents} document(s), {} thread(s); each line is summed \
         over documents and threads",
        ms(wall),
        rayon::current_num_threads()
    );
    let report = timing::report();
    for (i, t) in report.iter().enumerate() {
        let indent = "  ".repeat(t.depth + 1);
        let width = 34usize.saturating_sub(indent.len());
        let calls = if t.calls > 1 {
            format!(" ({} calls)", t.calls)
        } else {
            String::new()
        };
        let _ = writeln!(
            err,
            "{indent}{:<width$}{:>10.1} ms{calls}",
            t.name,
            ms(t.total)
        );
        // After the last step under an entry: what its steps do not cover,
        // innermost entry first.
        let next_depth = report.get(i + 1).map(|n| n.depth);
        let mut chain: Vec<&timing::Timing> = report[..=i]
            .iter()
            .filter(|a| a.path == t.path || t.path.starts_with(&format!("{}/", a.path)))
            .collect();
        chain.sort_by_key(|a| std::cmp::Reverse(a.depth));
        for a in chain {
            if let (Some(own), true) = (a.own, next_depth.is_none_or(|d| d <= a.depth)) {
                let indent = "  ".repeat(a.depth + 2);
                let width = 34usize.saturating_sub(indent.len());
                let _ = writeln!(err, "{indent}{:<width$}{:>10.1} ms", "(the rest)", ms(own));
            }
        }
    }
}

/// Writes `doc` as JSON straight from the document, then a line break, and
/// flushes.
fn write_json(out: &mut impl Write, doc: &Document, pretty: bool) -> anyhow::Result<()> {
    unspin_writers::write_json(doc, &mut *out, pretty)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

fn ensure_newline(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn write_output(out: &mut impl Write, text: &str) -> anyhow::Result<()> {
    out.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    // Flush per document so that a long batch shows its results as they come.
    out.flush()?;
    Ok(())
}

fn progress_bar(total: Option<usize>, ctx: &Context) -> ProgressBar {
    if ctx.quiet || total.is_some_and(|n| n < 2) || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match total {
        Some(n) => (
            ProgressBar::new(n as u64),
            "{bar:40} {pos}/{len} documents, {elapsed} (eta {eta})",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {pos} documents, {elapsed} ({per_sec})",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
