//! `unspin extract`: run only the readers and print what they extracted, one
//! JSON object per line, for pipelines and for measuring extraction.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use anyhow::Context as _;
use serde::Serialize;
use unspin_document::{Document, Piece};
use unspin_writers::JsonDocument;

use super::ingest::{self, IngestArgs, Window};
use super::{Context, Outcome};

const AFTER_HELP: &str = "\
Each document becomes one line of JSON: the unspin JSON document (schema_version, id, text, \
metadata, layers with offsets in Unicode code points and the text of each span, summary) with \
two more fields: path (the input it came from) and format (the format it was read as). The \
structure layers are title, paragraph, heading, list_item, blockquote, link (attribute href) \
and boilerplate (footers and header lines, which analysers skip). With --alignment, an \
alignment field maps the text back to the input: [text_start, source_start, len] runs in UTF-8 \
bytes.

Inputs are read as by analyze (same --input, --max-bytes and --lossy-utf8), and http:// or \
https:// URLs are fetched as by analyze (User-Agent, robots.txt, per-host rate limit, timeouts, \
retries: see the Fetching URLs options); metadata.url is the page's final URL after redirects. A \
document that cannot be read or fetched is reported on standard error as error: \"PATH\": \
reason, and the others are still printed; the exit status is then 1.

Examples:
  unspin extract examples/syria-ceasefire-opinion.md | jq .metadata
  unspin extract --input warc crawl.warc.gz > pages.jsonl
  unspin extract https://example.org/story.html --rate-limit 5 | jq .metadata
  cat pages.jsonl | unspin extract - --input jsonl | jq -r .text";

/// Arguments of `unspin extract`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Files or directories to read (directories recursively), http:// or https:// URLs of
    /// pages to fetch; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Also print the alignment from the text back to the input (UTF-8 byte runs).
    #[arg(long)]
    alignment: bool,
    #[command(flatten)]
    ingest: IngestArgs,
}

/// One output line.
#[derive(Serialize)]
struct ExtractLine<'a> {
    path: &'a str,
    format: &'a str,
    #[serde(flatten)]
    document: JsonDocument,
    #[serde(skip_serializing_if = "Option::is_none")]
    alignment: Option<Vec<[usize; 3]>>,
}

/// Runs `unspin extract`.
pub fn run(args: &Args, _ctx: &Context) -> anyhow::Result<Outcome> {
    let (sources, input_errors) = ingest::expand(&args.paths)?;
    let mut failed = 0;
    for message in &input_errors {
        super::print_error(message);
        failed += 1;
    }
    let options = args.ingest.options();
    let stop = AtomicBool::new(false);
    // Written as soon as read: the window never holds anything back.
    let window = Window::new(usize::MAX / 2);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut result = Ok(());
    ingest::produce(
        &sources,
        None,
        args.ingest.input,
        &options,
        &window,
        &stop,
        |item| {
            match item.doc {
                Ok(doc) => {
                    let format = item.format.map_or("auto", |f| f.name());
                    if let Err(e) = write_line(&mut out, &item.origin, format, &doc, args.alignment)
                    {
                        result = Err(e);
                        return false;
                    }
                }
                Err(e) => {
                    failed += 1;
                    let _ = out.flush();
                    super::print_error(&ingest::error_message(
                        &item.origin,
                        &anyhow::Error::new(e),
                    ));
                }
            }
            true
        },
    );
    result?;
    out.flush()?;
    Ok(Outcome::from_failures(failed))
}

fn write_line(
    out: &mut impl Write,
    path: &str,
    format: &str,
    doc: &Document,
    alignment: bool,
) -> anyhow::Result<()> {
    let line = ExtractLine {
        path,
        format,
        document: unspin_writers::to_wire(doc),
        alignment: alignment.then(|| {
            doc.alignment
                .as_ref()
                .map(|a| {
                    a.pieces()
                        .iter()
                        .map(|p: &Piece| [p.text_start, p.source_start, p.len])
                        .collect()
                })
                .unwrap_or_else(|| vec![[0, 0, doc.text().len()]])
        }),
    };
    serde_json::to_writer(&mut *out, &line).context("cannot write JSON")?;
    out.write_all(b"\n")?;
    Ok(())
}
