//! `unspin corpus info`: what a corpus holds.

use std::io::Write;
use std::path::PathBuf;

use unspin_corpus::{CorpusInfo, Mode};

use super::LockArgs;
use crate::cmd::{open_output, Context, Outcome};

/// Arguments of `unspin corpus info`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "JSON fields: path, schema_version, created_at, articles, outlets, authors, \
articles_without_outlet, first_published, last_published, articles_without_date, words, \
technique_spans, quotes, sources, claims, not_analysed [{reason, articles}], models [{tier, model, \
sourcing, articles}], size_bytes.

not analysed: articles whose techniques were not analysed because a warning set them aside, by \
reason: language (another language) or garbled (not prose). `corpus stats` counts them apart; \
`corpus reanalyze --where \"not_analysed IS NOT NULL\" --force-language en` analyses them \
anyway. Articles added before schema version 3 were not judged: reanalyse them to judge them."
)]
pub struct Args {
    /// The corpus file.
    #[arg(value_name = "DB")]
    db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[command(flatten)]
    lock: LockArgs,
}

/// Output formats of `corpus info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Aligned lines for people.
    Table,
    /// One JSON object.
    Json,
}

/// Runs `unspin corpus info`.
pub fn run(args: &Args, _ctx: &Context) -> anyhow::Result<Outcome> {
    let corpus = args.lock.open(&args.db, Mode::ReadOnly)?;
    let info = corpus.info()?;
    let mut out = open_output(None)?;
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&info)?)?,
        Format::Table => write_table(&mut out, &info)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

fn write_table(out: &mut dyn Write, i: &CorpusInfo) -> std::io::Result<()> {
    let or_none = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "corpus          {}", i.path)?;
    writeln!(out, "schema version  {}", i.schema_version)?;
    writeln!(out, "created         {}", or_none(&i.created_at))?;
    writeln!(out, "articles        {}", i.articles)?;
    writeln!(
        out,
        "outlets         {} ({} articles without an outlet)",
        i.outlets, i.articles_without_outlet
    )?;
    writeln!(out, "authors         {}", i.authors)?;
    writeln!(
        out,
        "published       {} to {} ({} articles without a date)",
        or_none(&i.first_published),
        or_none(&i.last_published),
        i.articles_without_date
    )?;
    writeln!(out, "words           {}", i.words)?;
    writeln!(
        out,
        "found           {} technique spans, {} quotes, {} cited sources, {} check-worthy claims",
        i.technique_spans, i.quotes, i.sources, i.claims
    )?;
    if i.not_analysed.is_empty() {
        writeln!(out, "not analysed    0")?;
    } else {
        let total: i64 = i.not_analysed.iter().map(|n| n.articles).sum();
        let why: Vec<String> = i
            .not_analysed
            .iter()
            .map(|n| {
                let reason = match n.reason.as_str() {
                    "language" => "another language",
                    "garbled" => "not prose (garbled)",
                    other => other,
                };
                format!("{} {reason}", n.articles)
            })
            .collect();
        writeln!(
            out,
            "not analysed    {total} ({}): counted apart by corpus stats",
            why.join(", ")
        )?;
    }
    for m in &i.models {
        writeln!(
            out,
            "analysed by     {} tier{}: {} ({} articles)",
            m.tier,
            if m.sourcing { "" } else { " (no sourcing)" },
            m.model,
            m.articles
        )?;
    }
    writeln!(
        out,
        "size on disk    {:.1} MB ({:.1} kB per article)",
        i.size_bytes as f64 / 1e6,
        if i.articles > 0 {
            i.size_bytes as f64 / 1e3 / i.articles as f64
        } else {
            0.0
        }
    )
}
