//! `unspin corpus show`: one stored article with its analysis.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use unspin_analysis::{render, OutputFormat};
use unspin_corpus::Mode;

use super::LockArgs;
use crate::cmd::{open_output, Context, Outcome};

/// Arguments of `unspin corpus show`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The JSON is the unspin JSON format of `unspin analyze` (docs/json-format.md), \
with the article's corpus id, source and content hash under metadata-like top-level fields \
`corpus_id`, `source`, `content_hash`, `tier`, `model`, `added_at`, `analysed_at`.

Examples:
  unspin corpus show news.db 12
  unspin corpus show news.db 12 --format html > article12.html"
)]
pub struct Args {
    /// The corpus file.
    #[arg(value_name = "DB")]
    db: PathBuf,
    /// The article id (as `corpus search` and `corpus export` give it).
    #[arg(value_name = "ID")]
    id: i64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    lock: LockArgs,
}

/// Output formats of `corpus show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The unspin JSON document, with its corpus fields.
    Json,
    /// The standalone HTML report of `unspin analyze --format html`.
    Html,
}

/// Runs `unspin corpus show`.
pub fn run(args: &Args, _ctx: &Context) -> anyhow::Result<Outcome> {
    let corpus = args.lock.open(&args.db, Mode::ReadOnly)?;
    let Some(article) = corpus.article(args.id)? else {
        anyhow::bail!(
            "\"{}\" has no article {} (ids run from 1; `unspin corpus info` counts them)",
            args.db.display(),
            args.id
        );
    };
    let text = match args.format {
        Format::Html => render(&article.document, OutputFormat::Html)?,
        Format::Json => {
            let json = render(&article.document, OutputFormat::Json)?;
            let mut value: serde_json::Value =
                serde_json::from_str(&json).context("re-reading the rendered JSON")?;
            if let Some(obj) = value.as_object_mut() {
                obj.insert("corpus_id".into(), article.id.into());
                obj.insert("source".into(), article.source.into());
                obj.insert("content_hash".into(), article.content_hash.into());
                obj.insert("tier".into(), article.tier.into());
                obj.insert("model".into(), article.model.into());
                obj.insert("added_at".into(), article.added_at.into());
                obj.insert("analysed_at".into(), article.analysed_at.into());
            }
            serde_json::to_string_pretty(&value)?
        }
    };
    let mut out = open_output(args.output.as_deref())?;
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}
