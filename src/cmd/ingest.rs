//! What `analyze` and `extract` share about reading inputs: the `--input`,
//! `--max-bytes` and `--lossy-utf8` flags, expanding paths, and a producer
//! that streams the documents of every input in order, with bounded memory.

use std::collections::HashSet;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use unspin_document::Document;
use unspin_readers::{
    collect_inputs, open_path, open_reader, Documents, IngestOptions, InputFormat, ReadError,
    ReadOptions, DEFAULT_MAX_BYTES,
};

use super::size::parse_size;
use super::usage;

/// Flags that say how inputs are read.
#[derive(Debug, Clone, clap::Args)]
pub struct IngestArgs {
    /// Input format: auto (from the content and the file name), text, ptc, markdown, html,
    /// warc (.warc or .warc.gz, Common Crawl layout) or jsonl (one {"id", "text"|"markdown"|"html",
    /// "url"?, …} object per line).
    #[arg(long = "input", value_name = "FORMAT", default_value = "auto", value_parser = parse_format)]
    pub input: InputFormat,
    /// Largest input to read (bytes; k, M, G = 1000-based, KiB, MiB, GiB = 1024-based): a whole
    /// file for single documents, one record or line for WARC and JSON Lines. Larger ones fail
    /// with a clear message.
    #[arg(long, value_name = "SIZE", default_value_t = DEFAULT_MAX_BYTES, value_parser = parse_size)]
    pub max_bytes: u64,
    /// Replace invalid UTF-8 in plain-text and Markdown inputs with U+FFFD instead of failing
    /// (PTC articles are always read strictly, since their label offsets would drift).
    #[arg(long)]
    pub lossy_utf8: bool,
}

impl IngestArgs {
    /// The readers' options.
    pub fn options(&self) -> IngestOptions {
        IngestOptions::with_read(ReadOptions {
            lossy_utf8: self.lossy_utf8,
            max_bytes: self.max_bytes,
            ..ReadOptions::default()
        })
    }
}

fn parse_format(s: &str) -> Result<InputFormat, String> {
    s.parse::<InputFormat>().map_err(|e| e.to_string())
}

/// One thing to read.
#[derive(Debug, Clone)]
pub enum Source {
    /// Standard input (`-`).
    Stdin,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// The name used in messages: the path, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }

    /// A base for output file names.
    pub fn stem(&self) -> String {
        match self {
            Source::Stdin => "stdin".to_string(),
            Source::File(p) => {
                let name = p
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let name = name.strip_suffix(".gz").unwrap_or(&name);
                let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
                if stem.is_empty() {
                    "document".to_string()
                } else {
                    stem.to_string()
                }
            }
        }
    }

    /// Opens the source for reading its documents.
    pub fn open(
        &self,
        format: InputFormat,
        options: &IngestOptions,
    ) -> Result<Documents, ReadError> {
        match self {
            Source::Stdin => open_reader("<stdin>", io::stdin(), format, options),
            Source::File(p) => open_path(p, format, options),
        }
    }
}

/// Expands the command-line paths into sources (in argument order;
/// directories recursively) and messages for paths that give nothing to read.
///
/// # Errors
/// A usage error when `-` is given twice.
pub fn expand(paths: &[PathBuf]) -> anyhow::Result<(Vec<Source>, Vec<String>)> {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    let mut stdin_seen = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if stdin_seen {
                return usage("`-` (standard input) can be given only once");
            }
            stdin_seen = true;
            sources.push(Source::Stdin);
            continue;
        }
        let (files, problems) = collect_inputs(std::slice::from_ref(path), true);
        for (_, e) in &problems {
            errors.push(e.to_string());
        }
        if files.is_empty() && problems.is_empty() && path.is_dir() {
            errors.push(format!(
                "\"{}\": no articles to analyse (no .txt, .md, .html, .warc, .warc.gz, .jsonl or similar files in it or below)",
                path.display()
            ));
        }
        sources.extend(files.into_iter().map(Source::File));
    }
    Ok((sources, errors))
}

/// True when a source may hold several documents, judged before opening it.
pub fn may_hold_several(source: &Source, format: InputFormat) -> bool {
    match format {
        InputFormat::Auto => match source {
            Source::Stdin => true,
            Source::File(p) => {
                let name = p.to_string_lossy().to_ascii_lowercase();
                [".warc", ".warc.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".gz"]
                    .iter()
                    .any(|e| name.ends_with(e))
            }
        },
        f => f.is_multi(),
    }
}

/// One document (or one failure) on its way, numbered in input order.
pub struct Item {
    /// 0-based position in the output order.
    pub seq: usize,
    /// The input it came from (path or `<stdin>`).
    pub origin: String,
    /// A unique base name for an output file.
    pub out_stem: String,
    /// The format the input was read as, once known.
    pub format: Option<InputFormat>,
    /// The document, or why it could not be read.
    pub doc: Result<Document, ReadError>,
}

/// Limits how far reading may run ahead of writing.
pub struct Window {
    written: Mutex<usize>,
    moved: Condvar,
    size: usize,
}

impl Window {
    /// A window of `size` documents in flight.
    pub fn new(size: usize) -> Window {
        Window {
            written: Mutex::new(0),
            moved: Condvar::new(),
            size: size.max(1),
        }
    }

    /// Records that the documents before `next` have been written.
    pub fn advance(&self, next: usize) {
        if let Ok(mut w) = self.written.lock() {
            *w = next;
        }
        self.moved.notify_all();
    }

    /// Waits until `seq` is inside the window (or `stop` is set).
    fn wait(&self, seq: usize, stop: &AtomicBool) {
        let Ok(mut w) = self.written.lock() else {
            return;
        };
        while seq >= *w + self.size && !stop.load(Ordering::Relaxed) {
            match self.moved.wait_timeout(w, Duration::from_millis(100)) {
                Ok((guard, _)) => w = guard,
                Err(_) => return,
            }
        }
    }
}

/// Reads every source in order and hands each document (or failure) to
/// `send`, never more than the window ahead of what was written. `first` is
/// the already opened first source, when the caller opened it. Returns the
/// number of items.
pub fn produce(
    sources: &[Source],
    mut first: Option<Result<Documents, ReadError>>,
    format: InputFormat,
    options: &IngestOptions,
    window: &Window,
    stop: &AtomicBool,
    mut send: impl FnMut(Item) -> bool,
) -> usize {
    let mut seq = 0;
    let mut taken = HashSet::new();
    let mut unique = |base: String| {
        let base: String = base
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = if base.is_empty() {
            "document".to_string()
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 1;
        while !taken.insert(name.clone()) {
            n += 1;
            name = format!("{base}-{n}");
        }
        name
    };
    for (k, source) in sources.iter().enumerate() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let opened = match (k, first.take()) {
            (0, Some(opened)) => opened,
            _ => source.open(format, options),
        };
        let origin = source.name();
        let docs = match opened {
            Ok(docs) => docs,
            Err(e) => {
                window.wait(seq, stop);
                let item = Item {
                    seq,
                    origin,
                    out_stem: unique(source.stem()),
                    format: None,
                    doc: Err(e),
                };
                seq += 1;
                if !send(item) {
                    break;
                }
                continue;
            }
        };
        let read_as = docs.format();
        let multi = read_as.is_multi();
        for doc in docs {
            if stop.load(Ordering::Relaxed) {
                return seq;
            }
            window.wait(seq, stop);
            let stem = match (&doc, multi) {
                (Ok(d), true) => unique(format!("{}-{}", source.stem(), d.id)),
                _ => unique(source.stem()),
            };
            let item = Item {
                seq,
                origin: origin.clone(),
                out_stem: stem,
                format: Some(read_as),
                doc,
            };
            seq += 1;
            if !send(item) {
                return seq;
            }
        }
    }
    seq
}

/// `"ORIGIN": reason`, without repeating the origin when the reason starts
/// with it.
pub fn error_message(origin: &str, e: &anyhow::Error) -> String {
    let quoted = format!("\"{origin}\": ");
    let message = format!("{e:#}");
    if message.starts_with(&quoted) {
        message
    } else {
        format!("{quoted}{message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        assert_eq!(Source::File("a/crawl.warc.gz".into()).stem(), "crawl");
        assert_eq!(Source::File("x.md".into()).stem(), "x");
        assert_eq!(Source::Stdin.stem(), "stdin");
    }
}
