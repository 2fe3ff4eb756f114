//! `unspin corpus copies`: the clusters of re-published articles in a
//! corpus, their origins and what each copy changed.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use unspin_corpus::{ClusterMember, CopyCluster, Corpus, LinkReport, Mode, Role};

use super::LockArgs;
use crate::cmd::{open_output, usage, Context, Outcome};

const AFTER_HELP: &str = "\
Articles are compared when they are added (`corpus add`): MinHash signatures of 5-word shingles \
of the body (headline and boilerplate lines left out) find candidate pairs through LSH, and \
aligning the two texts confirms them. A copy re-publishes the article (new headline, header, \
footer, editor's note, trimmed ending, re-ordered paragraphs and small edits allowed); a partial \
re-use takes a substantial part of another article and adds much of its own. Two reports of the \
same event that share a quote are neither.

The origin of a cluster is, in order: the member another names as its original source \
(\"originally published at X\", a Source: line, a canonical link), the one published first, the \
one whose text clearly contains the others (a trimmed copy is inside its origin), else the one \
stored first. Each member's \"basis\" (original_source, date, containment, first_stored) says \
which decided: only the first two are reliable; the text alone often cannot tell. Articles added \
before copies were tracked (or with --no-copies) are compared first.

JSON Lines, one cluster a line:
  {\"cluster\": 1, \"origin\": 12, \"members\": [{\"id\": 12, \"path\": \"...\", \"url\": \"...\", \
\"outlet\": \"...\", \"published\": \"2016-09-27\", \"title\": \"...\", \"role\": \"origin\", \
\"similarity\": 1.0, \"basis\": \"original_source\"}, {\"id\": 31, ..., \"role\": \"copy\", \
\"similarity\": 0.91, \"changes\": {\"headline\": {...}, \"paragraphs_added\": [...], ...}}]}

Examples:
  unspin corpus copies news.db
  unspin corpus copies news.db --format jsonl --min-similarity 0.8 > copies.jsonl
  unspin corpus copies news.db --format html --output copies.html";

/// Arguments of `unspin corpus copies`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The corpus file.
    #[arg(value_name = "DB")]
    db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Only links with at least this Jaccard similarity of the bodies' shingles (0 to 1).
    #[arg(long, value_name = "S", default_value_t = 0.0)]
    min_similarity: f64,
    /// Leave out what each copy changed (faster on large corpora).
    #[arg(long)]
    no_changes: bool,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    lock: LockArgs,
}

/// Output formats of `corpus copies`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One block per cluster, one line per member, and a summary of each copy's changes.
    Table,
    /// One JSON object per cluster and line.
    Jsonl,
    /// A standalone HTML page.
    Html,
}

/// Runs `unspin corpus copies`.
pub fn run(args: &Args, ctx: &Context) -> anyhow::Result<Outcome> {
    if !(0.0..=1.0).contains(&args.min_similarity) {
        return usage("--min-similarity takes a number from 0 to 1");
    }
    // Read-only unless some articles still have to be compared (or the
    // file needs the schema upgrade that brings copies).
    if !args.db.exists() {
        return Err(unspin_corpus::CorpusError::Missing {
            path: args.db.clone(),
        }
        .into());
    }
    let corpus = match args.lock.open(&args.db, Mode::ReadOnly) {
        Ok(c) if c.unlinked_articles()? == 0 => c,
        _ => {
            let mut c = args.lock.open(&args.db, Mode::ReadWrite)?;
            if c.unlinked_articles()? > 0 {
                link_pending(&mut c, ctx)?;
            }
            c
        }
    };
    let clusters = corpus.copy_clusters(args.min_similarity, !args.no_changes)?;
    let mut out = open_output(args.output.as_deref())?;
    match args.format {
        Format::Jsonl => {
            for c in &clusters {
                serde_json::to_writer(&mut out, c)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Html => {
            let name = args.db.display().to_string();
            out.write_all(unspin_writers::copies_html(&name, &clusters)?.as_bytes())?;
        }
        Format::Table => write_table(&mut out, &clusters)?,
    }
    out.flush().context("cannot write the output")?;
    Ok(Outcome::Success)
}

/// Compares the articles not yet compared with the corpus, with a progress
/// bar on a terminal and a closing line unless quiet.
pub fn link_pending(corpus: &mut Corpus, ctx: &Context) -> anyhow::Result<LinkReport> {
    let bar = if ctx.quiet || !io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:30} {pos}/{len} articles compared for copies, eta {eta}",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    };
    let started = Instant::now();
    let report = corpus.link_copies(&mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    if !ctx.quiet && report.compared > 0 {
        eprintln!(
            "copies: compared {} article{} with the corpus ({} candidate pairs): {} copy and {} \
             partial re-use link{}, in {:.1} s",
            report.compared,
            if report.compared == 1 { "" } else { "s" },
            report.candidate_pairs,
            report.copies,
            report.partials,
            if report.partials == 1 { "" } else { "s" },
            started.elapsed().as_secs_f64()
        );
    }
    Ok(report)
}

fn write_table(out: &mut dyn Write, clusters: &[CopyCluster]) -> io::Result<()> {
    if clusters.is_empty() {
        writeln!(out, "No copies found.")?;
        return Ok(());
    }
    for c in clusters {
        let basis = c.members.first().map_or("", |m| m.basis.as_str());
        writeln!(
            out,
            "cluster {}: origin #{} (basis: {}), {} member{}",
            c.cluster,
            c.origin,
            basis,
            c.members.len(),
            if c.members.len() == 1 { "" } else { "s" }
        )?;
        for m in &c.members {
            writeln!(
                out,
                "  {:<7} #{:<6} {:>4.2}  {:<24} {:<10}  {}",
                role_name(m.role),
                m.id,
                m.similarity,
                truncate(m.outlet.as_deref().unwrap_or("-"), 24),
                m.published
                    .as_deref()
                    .map_or("-", |d| d.get(..10).unwrap_or(d)),
                m.url.as_deref().unwrap_or(&m.path)
            )?;
            if let Some(summary) = change_summary(m) {
                writeln!(out, "          {summary}")?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Origin => "origin",
        Role::Copy => "copy",
        Role::Partial => "partial",
    }
}

/// One line: what a copy changed.
fn change_summary(m: &ClusterMember) -> Option<String> {
    let ch = m.changes.as_ref()?;
    let mut parts = Vec::new();
    if let Some(h) = &ch.headline {
        parts.push(format!(
            "headline \"{}\" -> \"{}\"",
            truncate(h.origin.as_deref().unwrap_or(""), 40),
            truncate(h.copy.as_deref().unwrap_or(""), 40)
        ));
    }
    let counts = [
        (ch.paragraphs_edited.len(), "edited"),
        (ch.paragraphs_added.len(), "added"),
        (ch.paragraphs_removed.len(), "removed"),
        (ch.paragraphs_moved, "moved"),
    ];
    for (n, what) in counts {
        if n > 0 {
            parts.push(format!(
                "{n} paragraph{} {what}",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    if !ch.boilerplate_added.is_empty() {
        parts.push(format!(
            "{} boilerplate lines added",
            ch.boilerplate_added.len()
        ));
    }
    for t in &ch.techniques_added {
        parts.push(format!(
            "adds {}: \"{}\"",
            t.technique,
            truncate(&t.text, 30)
        ));
    }
    for t in &ch.techniques_dropped {
        parts.push(format!(
            "drops {}: \"{}\"",
            t.technique,
            truncate(&t.text, 30)
        ));
    }
    Some(if parts.is_empty() {
        "no changes (same text)".to_string()
    } else {
        parts.join("; ")
    })
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
