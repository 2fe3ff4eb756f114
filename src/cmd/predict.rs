//! `unspin predict`: SemEval-2020 Task 11 prediction files for a folder of PTC articles.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rayon::prelude::*;
use unspin_analysis::Analyzer;
use unspin_document::{layers, Document};
use unspin_readers::read_ptc_article;

use super::{in_file, normalize_article_id, usage, Context, LineFormat, ModelArgs, Outcome};

const AFTER_HELP: &str = "\
Offsets are Unicode code points into the article files, as in PTC label files.

--task si prints id<TAB>start<TAB>end for every fragment found in every article<ID>.txt of DIR \
(or of DIR/articles), articles sorted by id and fragments by position; an article that cannot be \
read is reported and skipped (exit status 1).

--task tc reads the fragments to classify from --spans, one id<TAB>anything<TAB>start<TAB>end \
line each (the SemEval TC template, a .labels file) or id<TAB>start<TAB>end (the output of \
--task si), and prints id<TAB>technique<TAB>start<TAB>end for each line, in the same order. A \
malformed line, an unknown article or an offset beyond its article is an error naming the line. \
When the same fragment is listed several times, each copy gets a different technique, best \
first.

Examples:
  unspin predict --task si data/ptc/dev > si.txt
  unspin predict --task tc --spans dev-task-TC-template.out data/ptc/dev -o tc.txt
  unspin predict --task si dev/ | unspin predict --task tc --spans - dev/";

/// Arguments of `unspin predict`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The SemEval-2020 Task 11 subtask.
    #[arg(long, value_enum)]
    task: Task,
    /// With --task tc: the fragments to classify, one label line each (`-` reads standard input).
    #[arg(long, value_name = "FILE", required_if_eq("task", "tc"))]
    spans: Option<PathBuf>,
    /// Folder of articles: PTC article<ID>.txt files (directly or in articles/) for si and tc;
    /// any *.txt files (directly or in text/, first line the headline) for attribution.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// With --task attribution: the trained tagger's attributions only, without the
    /// quotation rules and speaker resolution of the full analysis. The tagger is the
    /// neural one with the neural tier (the default), the linear one with --tier fast.
    #[arg(long)]
    tagger_only: bool,
    /// Write the predictions to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArgs,
}

/// The SemEval-2020 Task 11 subtasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Task {
    /// Span identification: find the propaganda fragments.
    Si,
    /// Technique classification: name the technique of given fragments.
    Tc,
    /// Attribution: who (source) says (cue) what (content), one line per attribution:
    /// id, source start/end, cue start/end, content start/end (code points; empty where absent).
    Attribution,
}

/// Runs `unspin predict`.
pub fn run(args: &Args, _ctx: &Context) -> anyhow::Result<Outcome> {
    match args.task {
        Task::Si => {
            if args.spans.is_some() {
                return usage("--spans is only used with --task tc");
            }
            predict_si(args)
        }
        Task::Tc => {
            let Some(spans) = &args.spans else {
                return usage("--task tc needs --spans FILE");
            };
            predict_tc(args, spans)
        }
        Task::Attribution => {
            if args.spans.is_some() {
                return usage("--spans is only used with --task tc");
            }
            let stage = unspin_analysis::sourcing_stage(&args.model.options(true))?;
            super::attribution::predict(&args.dir, args.output.as_deref(), args.tagger_only, &stage)
        }
    }
}

fn predict_si(args: &Args) -> anyhow::Result<Outcome> {
    let articles = super::find_ptc_articles(&args.dir)?;
    let model = Analyzer::new(&args.model.options(false))?;
    tracing::info!(articles = articles.len(), "predicting spans");
    let results: Vec<anyhow::Result<String>> = articles
        .par_iter()
        .map(|(_, path)| si_lines(&model, path))
        .collect();
    let mut out = super::open_output(args.output.as_deref())?;
    let mut failed = 0;
    for result in results {
        match result {
            Ok(lines) => out.write_all(lines.as_bytes())?,
            Err(e) => {
                failed += 1;
                super::print_error(&format!("{e:#}"));
            }
        }
    }
    out.flush()?;
    Ok(Outcome::from_failures(failed))
}

fn si_lines(model: &Analyzer, path: &Path) -> anyhow::Result<String> {
    let mut doc = read_ptc_article(path)?;
    let spans = model.detect(&doc)?;
    doc.set_layer(layers::TECHNIQUE, spans)?;
    Ok(unspin_writers::to_ptc_si(&doc)?)
}

fn predict_tc(args: &Args, spans_path: &Path) -> anyhow::Result<Outcome> {
    let text = if spans_path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
            .context("cannot read the spans from standard input")?;
        text
    } else {
        super::read_lines_file(spans_path)?
    };
    let (spans, line_numbers) =
        super::parse_label_lines(&text, LineFormat::TcOrSi).map_err(|e| in_file(spans_path, e))?;
    let articles: HashMap<String, PathBuf> =
        super::find_ptc_articles(&args.dir)?.into_iter().collect();

    // The articles the spans refer to, read once each.
    let mut wanted: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, span) in spans.iter().enumerate() {
        let id = normalize_article_id(&span.article);
        if !articles.contains_key(id) {
            return Err(in_file(
                spans_path,
                format!(
                    "line {}: no article {id:?} in \"{}\" (expected article{id}.txt)",
                    line_numbers[i],
                    super::ptc_articles_dir(&args.dir).display()
                ),
            ));
        }
        wanted.entry(id).or_default().push(i);
    }
    let model = Analyzer::new(&args.model.options(false))?;
    tracing::info!(spans = spans.len(), articles = wanted.len(), "classifying");
    let by_article: Vec<(Vec<usize>, anyhow::Result<Vec<String>>)> = wanted
        .into_par_iter()
        .map(|(id, indices)| {
            let labels = read_ptc_article(&articles[id])
                .map_err(anyhow::Error::from)
                .and_then(|doc| {
                    classify_article(&model, &doc, &indices, &spans, &line_numbers)
                        .map_err(|e| in_file(spans_path, e))
                });
            (indices, labels)
        })
        .collect();
    let mut labels: Vec<Option<String>> = vec![None; spans.len()];
    for (indices, result) in by_article {
        for (i, label) in indices.into_iter().zip(result?) {
            labels[i] = Some(label);
        }
    }
    let mut out = super::open_output(args.output.as_deref())?;
    for (span, label) in spans.iter().zip(labels) {
        let label = label.unwrap_or_default();
        writeln!(
            out,
            "{}\t{label}\t{}\t{}",
            span.article, span.start, span.end
        )?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Techniques of the spans `indices` (code points) of one article.
fn classify_article(
    model: &Analyzer,
    doc: &Document,
    indices: &[usize],
    spans: &[unspin_eval::LabeledSpan],
    line_numbers: &[usize],
) -> anyhow::Result<Vec<String>> {
    let index = doc.char_index();
    let ranges = indices
        .iter()
        .map(|&i| {
            let s = &spans[i];
            match (index.to_byte(s.start), index.to_byte(s.end)) {
                (Some(start), Some(end)) => Ok((start, end)),
                _ => Err(anyhow::anyhow!(
                    "line {}: offset {} is beyond the {} code points of article {}",
                    line_numbers[i],
                    s.end.max(s.start),
                    index.len_chars(),
                    doc.id
                )),
            }
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(model
        .classify(doc.text(), &ranges)?
        .into_iter()
        .map(|c| c.label)
        .collect())
}
