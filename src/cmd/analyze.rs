//! `unspin analyze`: run the pipeline on articles and write JSON, HTML or PTC lines.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use anyhow::{anyhow, Context as _};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use unspin_document::Document;
use unspin_pipeline::Pipeline;
use unspin_readers::{
    collect_inputs, decode_text, read_ptc_article, read_text, read_text_path, ReadOptions,
};
use unspin_segment::SentenceStage;
use unspin_techniques::TechniqueStage;

use super::{usage, Context, ModelArgs, Outcome};

const AFTER_HELP: &str = "\
Inputs are read as UTF-8 plain text (Markdown is read as text). A file named article<ID>.txt is \
read as a PTC article: its id is <ID> and its text is kept byte for byte, so offsets match PTC \
label files. Directories are searched recursively for .txt, .md, .text and .ptc files.

Output goes to standard output unless --output-dir is given:
  json  one pretty-printed JSON document for a single input; JSON Lines (one compact JSON \
document per line, in input order) for several. Offsets are Unicode code points, and every span \
repeats the text it covers.
  html  a standalone report page; with several inputs, --output-dir is required.
  ptc   PTC label lines, id<TAB>technique<TAB>start<TAB>end (code points).

A document that cannot be read or analysed is reported on standard error as error: \"PATH\": \
reason; the others are still processed, and the exit status is then 1.

Examples:
  unspin analyze examples/syria-ceasefire-opinion.md
  cat article.txt | unspin analyze - --format ptc
  unspin analyze --format html --output-dir reports/ articles/";

/// Arguments of `unspin analyze`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Files or directories to analyse (directories recursively); `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write one file per input into DIR (named after the input, with the extension .json,
    /// .html or .labels) instead of writing to standard output.
    #[arg(short, long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Replace invalid UTF-8 in plain-text inputs with U+FFFD instead of failing (PTC
    /// articles are always read strictly, since their label offsets would drift).
    #[arg(long)]
    lossy_utf8: bool,
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
    fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Html => "html",
            Format::Ptc => "labels",
        }
    }
}

/// One thing to read.
#[derive(Debug, Clone)]
enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::File(p) => p.display().to_string(),
        }
    }
}

/// One input and the name of its output file (for `--output-dir`).
#[derive(Debug)]
struct Job {
    input: Input,
    out_stem: String,
}

/// What processing one job gave.
enum Done {
    /// Rendered output for standard output.
    Text(String),
    /// Written to this file.
    Written(PathBuf),
}

/// Runs `unspin analyze`.
pub fn run(args: &Args, ctx: &Context) -> anyhow::Result<Outcome> {
    let (jobs, input_errors) = expand_inputs(&args.paths)?;
    if args.format == Format::Html && jobs.len() > 1 && args.output_dir.is_none() {
        return usage(format!(
            "--format html writes one page per input; with {} inputs, give --output-dir DIR",
            jobs.len()
        ));
    }
    let mut failed = 0;
    for message in &input_errors {
        super::print_error(message);
        failed += 1;
    }
    if jobs.is_empty() {
        return Ok(Outcome::from_failures(failed));
    }
    if let Some(dir) = &args.output_dir {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the output folder \"{}\"", dir.display()))?;
    }
    let model = args.model.load()?;
    let pipeline = Pipeline::new(
        vec![
            Box::new(SentenceStage),
            Box::new(TechniqueStage::new(model)),
        ],
        &[],
    )?;
    tracing::info!(inputs = jobs.len(), stages = ?pipeline.names(), "analysing");

    let settings = Settings {
        format: args.format,
        several: jobs.len() > 1,
        output_dir: args.output_dir.as_deref(),
        read_options: ReadOptions {
            lossy_utf8: args.lossy_utf8,
            ..ReadOptions::default()
        },
    };
    let progress = progress_bar(jobs.len(), ctx);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, anyhow::Result<Done>)>();

    let mut out = io::BufWriter::new(io::stdout().lock());
    let doc_failures = std::thread::scope(|scope| -> anyhow::Result<usize> {
        let (jobs, pipeline, stop, settings) = (&jobs, &pipeline, &stop, &settings);
        scope.spawn(move || {
            jobs.par_iter().enumerate().for_each_with(tx, |tx, (i, job)| {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let result = catch_unwind(AssertUnwindSafe(|| process(job, pipeline, settings)))
                    .unwrap_or_else(|_| Err(anyhow!("internal error while analysing this document (a bug: please report it)")));
                let _ = tx.send((i, result));
            });
        });
        // Results arrive in any order; write them in input order.
        let mut pending = BTreeMap::new();
        let mut next = 0;
        let mut doc_failures = 0;
        for (i, result) in rx {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&next) {
                let job = &jobs[next];
                next += 1;
                progress.inc(1);
                match result {
                    Ok(Done::Text(text)) => {
                        if let Err(e) = write_output(&mut out, &text) {
                            stop.store(true, Ordering::Relaxed);
                            return Err(e);
                        }
                    }
                    Ok(Done::Written(path)) => {
                        tracing::debug!(input = %job.input.name(), output = %path.display(), "written");
                    }
                    Err(e) => {
                        doc_failures += 1;
                        progress.suspend(|| super::print_error(&document_error(&job.input, &e)));
                    }
                }
            }
        }
        Ok(doc_failures)
    });
    progress.finish_and_clear();
    let doc_failures = doc_failures?;
    failed += doc_failures;
    tracing::info!(documents = jobs.len() - doc_failures, failed, "done");
    Ok(Outcome::from_failures(failed))
}

/// Format choices that every job shares.
struct Settings<'a> {
    format: Format,
    several: bool,
    output_dir: Option<&'a Path>,
    read_options: ReadOptions,
}

/// Reads, analyses and renders one input.
fn process(job: &Job, pipeline: &Pipeline, settings: &Settings<'_>) -> anyhow::Result<Done> {
    let mut doc = read_input(&job.input, &settings.read_options)?;
    pipeline.run(&mut doc).context("analysis failed")?;
    let text = render(
        &doc,
        settings.format,
        settings.several && settings.output_dir.is_none(),
    )?;
    match settings.output_dir {
        None => Ok(Done::Text(text)),
        Some(dir) => {
            let path = dir.join(format!("{}.{}", job.out_stem, settings.format.extension()));
            fs::write(&path, ensure_newline(text))
                .with_context(|| format!("cannot write \"{}\"", path.display()))?;
            Ok(Done::Written(path))
        }
    }
}

fn read_input(input: &Input, options: &ReadOptions) -> anyhow::Result<Document> {
    Ok(match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            io::stdin()
                .lock()
                .take(options.max_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
            if bytes.len() as u64 > options.max_bytes {
                anyhow::bail!("more than {} bytes on standard input", options.max_bytes);
            }
            read_text("stdin", decode_text("<stdin>", &bytes, options)?)
        }
        Input::File(path) if is_ptc_article(path) => read_ptc_article(path)?,
        Input::File(path) => read_text_path(path, options)?,
    })
}

fn render(doc: &Document, format: Format, json_lines: bool) -> anyhow::Result<String> {
    Ok(match format {
        Format::Json if json_lines => unspin_writers::to_json_line(doc)?,
        Format::Json => unspin_writers::to_json(doc)?,
        Format::Html => unspin_writers::to_html(doc)?,
        Format::Ptc => unspin_writers::to_ptc_labels(doc)?,
    })
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

/// `"PATH": reason`, without repeating the path when the reason starts with it.
fn document_error(input: &Input, e: &anyhow::Error) -> String {
    let quoted = format!("\"{}\": ", input.name());
    let message = format!("{e:#}");
    if message.starts_with(&quoted) {
        message
    } else {
        format!("{quoted}{message}")
    }
}

/// `article<digits>.txt`: a PTC article, read with the PTC reader.
fn is_ptc_article(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name.strip_prefix("article")
        .and_then(|rest| rest.strip_suffix(".txt"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// Expands the command-line paths into jobs (in argument order) and error
/// messages for paths that give nothing to read.
fn expand_inputs(paths: &[PathBuf]) -> anyhow::Result<(Vec<Job>, Vec<String>)> {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut stdin_seen = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_seen {
                return usage("`-` (standard input) can be given only once");
            }
            stdin_seen = true;
            inputs.push(Input::Stdin);
            continue;
        }
        let (files, problems) = collect_inputs(std::slice::from_ref(path), true);
        for (_, e) in &problems {
            errors.push(e.to_string());
        }
        if files.is_empty() && problems.is_empty() && path.is_dir() {
            errors.push(format!(
                "\"{}\": no articles to analyse (no .txt, .md, .text or .ptc files in it or below)",
                path.display()
            ));
        }
        inputs.extend(files.into_iter().map(Input::File));
    }
    // Output file names: the input's file stem, made unique in input order.
    let mut taken = HashSet::new();
    let jobs = inputs
        .into_iter()
        .map(|input| {
            let base = match &input {
                Input::Stdin => "stdin".to_string(),
                Input::File(p) => p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "document".to_string()),
            };
            let mut out_stem = base.clone();
            let mut n = 1;
            while !taken.insert(out_stem.clone()) {
                n += 1;
                out_stem = format!("{base}-{n}");
            }
            Job { input, out_stem }
        })
        .collect();
    Ok((jobs, errors))
}

fn progress_bar(len: usize, ctx: &Context) -> ProgressBar {
    if ctx.quiet || len < 2 || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} documents, {elapsed} (eta {eta})")
    {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ptc_article_names() {
        assert!(is_ptc_article(Path::new("x/article111111112.txt")));
        assert!(!is_ptc_article(Path::new("article.txt")));
        assert!(!is_ptc_article(Path::new("article12a.txt")));
        assert!(!is_ptc_article(Path::new("article12.md")));
        assert!(!is_ptc_article(Path::new("notes.txt")));
    }
}
