//! `unspin corpus reanalyze`: run another tier or model over stored
//! articles, from their stored text and structure, without the inputs.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::anyhow;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use unspin_analysis::{Analyzer, Tier};
use unspin_corpus::{ArticleRecord, Mode, Provenance};

use super::LockArgs;
use crate::cmd::{print_error, Context, ModelArgs, Outcome};

const AFTER_HELP: &str = "\
Each stored article keeps its text, metadata and structure (title, paragraphs, block quotes, \
boilerplate); its technique spans, quotes, sources and claims are replaced by what the new analysis \
finds. Articles are updated in transactions of --batch articles: an interrupted run leaves every \
article either with its old analysis or with its new one, and running it again with a --where that \
excludes the done ones (e.g. --where \"tier = 'fast'\") continues.

--where takes an SQL expression over the columns of the articles table (docs/corpus.md): id, \
source, url, title, outlet, published_date, language, words, not_analysed, tier, model, \
analysed_at, added_at, …

Each article is judged again as `unspin analyze` judges it: its warnings and not_analysed (the \
reason its techniques were set aside: language, garbled) are replaced too. Articles added before \
schema version 3 were never judged; reanalysing them judges them. --force-language en analyses \
the ones set aside as English anyway (--where \"not_analysed IS NOT NULL\").

Examples:
  unspin corpus reanalyze news.db --tier neural
  unspin corpus reanalyze news.db --tier neural --where \"tier = 'fast' AND outlet = 'Global Research'\"
  unspin corpus reanalyze news.db --tier fast --model my-fast-model.bin --where \"published_date >= '2016-01-01'\"
  unspin corpus reanalyze news.db --force-language en --where \"not_analysed = 'language'\"";

/// Arguments of `unspin corpus reanalyze`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The corpus file.
    #[arg(value_name = "DB")]
    db: PathBuf,
    /// Only the articles that match this SQL expression over the articles table's columns.
    #[arg(long = "where", value_name = "SQL")]
    filter: Option<String>,
    /// Only the articles of this outlet (site name).
    #[arg(long, value_name = "NAME")]
    outlet: Option<String>,
    /// Skip the sourcing layers (quotes, sources, hedges, claims): techniques only.
    #[arg(long)]
    no_sourcing: bool,
    /// Articles per transaction.
    #[arg(long, value_name = "N", default_value_t = 256)]
    batch: usize,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    lock: LockArgs,
}

/// Runs `unspin corpus reanalyze`.
pub fn run(args: &Args, ctx: &Context) -> anyhow::Result<Outcome> {
    let mut corpus = args.lock.open(&args.db, Mode::ReadWrite)?;
    let filter = match (&args.filter, &args.outlet) {
        (None, None) => None,
        (f, o) => {
            let mut parts = Vec::new();
            if let Some(f) = f {
                parts.push(format!("({f})"));
            }
            if let Some(o) = o {
                parts.push(format!("outlet = '{}'", o.replace('\'', "''")));
            }
            Some(parts.join(" AND "))
        }
    };
    let ids = corpus.article_ids(filter.as_deref())?;
    let mut options = args.model.options(!args.no_sourcing);
    options.tier = Some(options.tier.unwrap_or(Tier::Fast));
    let analyzer = Analyzer::new(&options)?;
    let provenance = Provenance {
        source: String::new(),
        tier: analyzer.tier().to_string(),
        model: analyzer.provenance().to_string(),
        sourcing: !args.no_sourcing,
    };
    let progress = progress_bar(ids.len(), ctx);
    let started = Instant::now();
    let (mut done, mut failed) = (0usize, 0usize);
    for chunk in ids.chunks(args.batch.max(1)) {
        let mut stored = Vec::with_capacity(chunk.len());
        for &id in chunk {
            match corpus.article(id) {
                Ok(Some(a)) => stored.push(a),
                Ok(None) => {}
                Err(e) => {
                    failed += 1;
                    progress.suspend(|| print_error(&format!("{e:#}")));
                }
            }
        }
        let results: Vec<(i64, anyhow::Result<ArticleRecord>)> = stored
            .into_par_iter()
            .map(|mut a| {
                let result = analyzer
                    .reanalyze(&mut a.document)
                    .map_err(anyhow::Error::new)
                    .and_then(|()| {
                        let provenance = Provenance {
                            source: a.source.clone(),
                            ..provenance.clone()
                        };
                        ArticleRecord::new(&a.document, provenance).map_err(|e| anyhow!(e))
                    });
                (a.id, result)
            })
            .collect();
        let mut updates = Vec::with_capacity(results.len());
        for (id, result) in results {
            match result {
                Ok(r) => updates.push((id, r)),
                Err(e) => {
                    failed += 1;
                    progress.suspend(|| print_error(&format!("article {id}: {e:#}")));
                }
            }
        }
        done += corpus.replace_analysis(&updates)?;
        progress.inc(chunk.len() as u64);
    }
    progress.finish_and_clear();
    if !ctx.quiet {
        eprintln!(
            "{}: {done} articles analysed again with the {} tier ({}), {failed} failed, in {:.1} s",
            args.db.display(),
            analyzer.tier(),
            analyzer.provenance(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(Outcome::from_failures(failed))
}

fn progress_bar(total: usize, ctx: &Context) -> ProgressBar {
    if ctx.quiet || total < 2 || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {pos}/{len} articles, {per_sec}, eta {eta}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
