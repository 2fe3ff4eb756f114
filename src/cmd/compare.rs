//! `unspin compare ORIGINAL COPY`: how two articles relate (copy, partial
//! re-use or unrelated) and what the copy changed, as JSON or as a
//! side-by-side HTML page. No corpus store is needed.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use unspin_analysis::{Analyzer, Tier};
use unspin_document::Document;
use unspin_readers::InputFormat;
use unspin_writers::Comparison;

use super::ingest::{self, IngestArgs, SourceOptions};
use super::{open_output, print_error, usage, Context, ModelArgs, Outcome, UsageError};

const AFTER_HELP: &str = "\
Each side is one article, read as analyze reads it: a text, Markdown, HTML or PTC file, a WARC or \
JSON Lines file that holds a single document, an http:// or https:// URL (fetched as by analyze), \
or - for standard input (on one side only). Both articles are analysed with the fast tier unless \
--tier neural is given, then compared: their bodies (headline and boilerplate lines left out) are \
aligned by shared five-word shingles into a relation (copy, partial or unrelated), a similarity \
and how much of each is found in the other; their paragraphs are paired (same, edited, added, \
removed, moved); and the changes are listed: headline, paragraphs, boilerplate, and the technique \
spans found in one article and not in the other.

Output goes to standard output, or to --output FILE:
  json  (the default) one pretty-printed object: origin and copy {path, title, outlet, published, \
original_source, url, words}, relation, similarity, origin_in_copy, copy_in_origin, \
longest_passage_words, summary (one line), changes {headline, paragraphs_added, \
paragraphs_removed, paragraphs_edited, paragraphs_moved, boilerplate_added, boilerplate_removed, \
techniques_added, techniques_dropped} and rows [{status, kind, origin, copy, similarity}], each row \
with the text of its two paragraphs (null on the side that lacks one).
  html  one standalone page: both headers, the verdict, then the original and the copy side by \
side, one row per paragraph, changed words struck through (original) and underlined (copy), \
technique spans highlighted in both columns.

A side that cannot be read, holds no text, or holds several documents is reported as error: \
original \"PATH\": reason (or copy \"PATH\": …) and nothing is written. Exit status: 0 when the \
comparison was written, whatever the relation; 1 when a side could not be read or analysed; 2 for \
command-line errors (a side holding several articles, - on both sides).

Examples:
  unspin compare counterpunch.html globalresearch.html
  unspin compare counterpunch.html globalresearch.html --format html --output diff.html
  unspin compare https://example.org/story.html copy.md | jq '.relation, .changes.headline'
  curl -s https://example.org/copy.html | unspin compare original.md - --tier neural";

/// Arguments of `unspin compare`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The original article: a file, an http:// or https:// URL, or `-` for standard input.
    #[arg(value_name = "ORIGINAL")]
    original: PathBuf,
    /// The copy to compare with it (the same kinds of input).
    #[arg(value_name = "COPY")]
    copy: PathBuf,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// Write the comparison to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    ingest: IngestArgs,
    #[command(flatten)]
    model: ModelArgs,
}

/// Output formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One pretty-printed JSON object.
    Json,
    /// A standalone side-by-side HTML page.
    Html,
}

/// Runs `unspin compare`.
pub fn run(args: &Args, _ctx: &Context) -> anyhow::Result<Outcome> {
    if args.original.as_os_str() == "-" && args.copy.as_os_str() == "-" {
        return usage("`-` (standard input) can stand for one side only");
    }
    let options = args.ingest.options();
    let format = args.ingest.input;
    let origin = read_side("original", &args.original, format, &options);
    let copy = read_side("copy", &args.copy, format, &options);
    let (mut origin, mut copy) = match (origin, copy) {
        (Ok(o), Ok(c)) => (o, c),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
        (Err(first), Err(second)) => {
            print_error(&format!("{first:#}"));
            let usage_error = |e: &anyhow::Error| e.downcast_ref::<UsageError>().is_some();
            if usage_error(&first) && !usage_error(&second) {
                return Err(UsageError(format!("{second:#}")).into());
            }
            return Err(second);
        }
    };
    let mut analysis = args.model.options(false);
    analysis.tier = Some(analysis.tier.unwrap_or(Tier::Fast));
    let analyzer = Analyzer::new(&analysis)?;
    tracing::info!(tier = %analyzer.tier(), model = analyzer.provenance(), "comparing");
    for (role, side) in [("original", &mut origin), ("copy", &mut copy)] {
        analyzer
            .analyze(&mut side.doc)
            .with_context(|| format!("{role} \"{}\"", side.name))?;
    }
    let comparison = Comparison::new(&origin.doc, &origin.name, &copy.doc, &copy.name);
    let mut text = match args.format {
        Format::Json => comparison.to_json()?,
        Format::Html => comparison.to_html()?,
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let mut out = open_output(args.output.as_deref())?;
    out.write_all(text.as_bytes())?;
    out.flush()?;
    tracing::info!(relation = comparison.relation().as_str(), "compared");
    Ok(Outcome::Success)
}

/// One side's article and the name it goes by (path, URL or `<stdin>`).
struct Side {
    doc: Document,
    name: String,
}

/// Reads the one article of a side. `role` (`original` or `copy`) and the
/// path start every error message.
fn read_side(
    role: &str,
    path: &Path,
    format: InputFormat,
    options: &SourceOptions,
) -> anyhow::Result<Side> {
    let shown = path.display();
    let (sources, problems) = ingest::expand(std::slice::from_ref(&path.to_path_buf()))?;
    if let Some(problem) = problems.first() {
        anyhow::bail!("{role} {problem}");
    }
    let source = match sources.as_slice() {
        [one] => one,
        [] => anyhow::bail!("{role} \"{shown}\": nothing to read"),
        many => {
            return usage(format!(
                "{role} \"{shown}\" is a folder of {} articles; compare takes one article a side",
                many.len()
            ))
        }
    };
    let name = source.name();
    let side_error =
        |e: anyhow::Error| anyhow::anyhow!("{role} {}", ingest::error_message(&name, &e));
    let mut docs = source
        .open(format, options)
        .map_err(|e| side_error(anyhow::Error::new(e)))?;
    let doc = match docs.next() {
        Some(Ok(doc)) => doc,
        Some(Err(e)) => return Err(side_error(anyhow::Error::new(e))),
        None => anyhow::bail!("{role} \"{name}\": holds no article"),
    };
    let read_as = docs.format();
    let more = docs.count();
    if more > 0 {
        return usage(format!(
            "{role} \"{name}\" holds {} documents (read as {}); compare takes one article a side: \
             extract the one you mean first",
            more + 1,
            read_as.name()
        ));
    }
    if doc.text().trim().is_empty() {
        anyhow::bail!("{role} \"{name}\": the article has no text");
    }
    Ok(Side { doc, name })
}
