//! What `analyze`, `extract` and `corpus add` share about reading inputs:
//! the `--input`, `--max-bytes` and `--lossy-utf8` flags and the flags for
//! fetching URLs, expanding paths (and `http(s)://` URLs), and a producer
//! that streams the documents of every input in order, with bounded memory.

use std::collections::HashSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;
use unspin_pipeline::timing;

use anyhow::Context as _;
use unspin_document::Document;
use unspin_fetch::{FetchError, FetchOptions, Fetcher, DEFAULT_USER_AGENT};
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
    /// User-Agent sent when fetching URLs. Its first word (before the `/`) is the name
    /// looked up in robots.txt; name yourself or your project when crawling for research.
    #[arg(long, value_name = "STRING", default_value = DEFAULT_USER_AGENT, help_heading = "Fetching URLs")]
    pub user_agent: String,
    /// Longest wait for one URL, in seconds: connecting, the answer and the whole page.
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds, help_heading = "Fetching URLs")]
    pub fetch_timeout: Duration,
    /// Least time between two requests to the same host, in seconds (a longer robots.txt
    /// Crawl-delay wins; 0 for none).
    #[arg(long, value_name = "SECONDS", default_value = "1", value_parser = parse_seconds, help_heading = "Fetching URLs")]
    pub rate_limit: Duration,
    /// Retries after a transient failure (HTTP 429, 502, 503, 504, a timeout, a refused
    /// connection), waiting 1, 2, 4… s or what the server's Retry-After asks (up to 60 s).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 3,
        help_heading = "Fetching URLs"
    )]
    pub retries: u32,
    /// Fetch pages that the site's robots.txt disallows. By default robots.txt is read once
    /// per host and honoured: a disallowed URL is reported as an error and skipped.
    #[arg(long, help_heading = "Fetching URLs")]
    pub ignore_robots: bool,
}

impl IngestArgs {
    /// The options for reading sources: the readers' options, and the
    /// fetcher's for URLs.
    pub fn options(&self) -> SourceOptions {
        let read = IngestOptions::with_read(ReadOptions {
            lossy_utf8: self.lossy_utf8,
            max_bytes: self.max_bytes,
            ..ReadOptions::default()
        });
        let mut fetch = FetchOptions::default();
        fetch.user_agent = self.user_agent.clone();
        fetch.timeout = self.fetch_timeout;
        fetch.connect_timeout = self.fetch_timeout.min(fetch.connect_timeout);
        fetch.per_host_interval = self.rate_limit;
        fetch.retries = self.retries;
        fetch.respect_robots = !self.ignore_robots;
        fetch.max_bytes = self.max_bytes;
        SourceOptions::new(read, fetch)
    }
}

/// How sources are read: the readers' options, and for URLs a fetcher
/// that is built on first use (nothing is set up, let alone fetched,
/// unless a URL is given) and shared by every URL of the run, so that the
/// per-host rate limit and the robots.txt cache hold across them.
pub struct SourceOptions {
    /// The readers' options.
    pub read: IngestOptions,
    fetch: FetchOptions,
    fetcher: OnceLock<Result<Fetcher, FetchError>>,
}

impl SourceOptions {
    /// Options with these readers' and fetcher's settings.
    pub fn new(read: IngestOptions, fetch: FetchOptions) -> SourceOptions {
        SourceOptions {
            read,
            fetch,
            fetcher: OnceLock::new(),
        }
    }

    /// The fetcher, built on first use.
    ///
    /// # Errors
    /// When the HTTP client cannot be set up.
    pub fn fetcher(&self) -> Result<&Fetcher, FetchError> {
        match self
            .fetcher
            .get_or_init(|| Fetcher::new(self.fetch.clone()))
        {
            Ok(f) => Ok(f),
            Err(e) => Err(e.clone()),
        }
    }
}

impl fmt::Debug for SourceOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceOptions")
            .field("read", &self.read)
            .field("fetch", &self.fetch)
            .finish_non_exhaustive()
    }
}

/// Why an input gave no document: it could not be read, or (a URL) not
/// fetched.
#[derive(Debug)]
pub enum InputError {
    /// A reader's error.
    Read(ReadError),
    /// A fetch error.
    Fetch(FetchError),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Read(e) => e.fmt(f),
            InputError::Fetch(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputError::Read(e) => e.source(),
            InputError::Fetch(e) => e.source(),
        }
    }
}

impl From<ReadError> for InputError {
    fn from(e: ReadError) -> InputError {
        InputError::Read(e)
    }
}

impl From<FetchError> for InputError {
    fn from(e: FetchError) -> InputError {
        InputError::Fetch(e)
    }
}

/// Seconds (a decimal number) as a duration.
fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs)
        .map_err(|_| format!("{s:?} is not a number of seconds from 0 up"))
}

/// True when a command-line input is a web address to fetch.
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Reads a list of URLs, one a line (blank lines and lines starting with
/// `#` are skipped), into sources for [`produce`]. A line that is not a
/// valid http(s) URL is kept: fetching it reports the problem, and the
/// others go on.
///
/// # Errors
/// When the file cannot be read.
pub fn url_sources(file: impl AsRef<Path>) -> anyhow::Result<Vec<Source>> {
    let file = file.as_ref();
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the URL list \"{}\"", file.display()))?;
    Ok(parse_url_list(&text))
}

fn parse_url_list(text: &str) -> Vec<Source> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| Source::Url(l.to_string()))
        .collect()
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
    /// A web page to fetch (`http://` or `https://`).
    Url(String),
}

impl Source {
    /// The name used in messages: the path, or `<stdin>`.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(p) => p.display().to_string(),
            Source::Url(u) => u.clone(),
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
            Source::Url(u) => url_stem(u),
        }
    }

    /// Opens the source for reading its documents; a URL is fetched now.
    pub fn open(&self, format: InputFormat, options: &SourceOptions) -> Result<Opened, InputError> {
        match self {
            Source::Stdin => Ok(Opened::Read(open_reader(
                "<stdin>",
                io::stdin(),
                format,
                &options.read,
            )?)),
            Source::File(p) => Ok(Opened::Read(open_path(p, format, &options.read)?)),
            Source::Url(u) => {
                let page = options.fetcher()?.fetch(u)?;
                tracing::debug!(url = %u, final_url = %page.final_url, redirects = ?page.redirects, status = page.status, encoding = page.encoding, "fetched");
                let read_as = page.format(format);
                let doc = page.into_document(format, &options.read);
                Ok(Opened::Fetched(read_as, Some(Box::new(doc))))
            }
        }
    }
}

/// A base name for a URL: its last path segment without extension, else
/// its host.
fn url_stem(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let last = path.rsplit('/').find(|s| !s.is_empty()).unwrap_or_default();
    let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
    if !stem.is_empty() {
        stem.to_string()
    } else if !host.is_empty() {
        host.to_string()
    } else {
        "page".to_string()
    }
}

/// The documents of an opened source.
#[derive(Debug)]
pub enum Opened {
    /// A file or standard input, read as it is iterated.
    Read(Documents),
    /// A fetched page, already read (as the format given).
    Fetched(InputFormat, Option<Box<Result<Document, ReadError>>>),
}

impl Opened {
    /// The format the input is read as (never [`InputFormat::Auto`]).
    pub fn format(&self) -> InputFormat {
        match self {
            Opened::Read(d) => d.format(),
            Opened::Fetched(f, _) => *f,
        }
    }
}

impl Iterator for Opened {
    type Item = Result<Document, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Opened::Read(d) => d.next(),
            Opened::Fetched(_, doc) => doc.take().map(|d| *d),
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
        if let Some(url) = path.to_str().filter(|p| is_url(p)) {
            sources.push(Source::Url(url.to_string()));
            continue;
        }
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
            Source::Url(_) => false,
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
    /// The document, or why it could not be read (or fetched).
    pub doc: Result<Document, InputError>,
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
///
/// URLs are fetched ahead, by up to [`FETCH_THREADS`] threads at once (the
/// fetcher's per-host rate limit still spaces the requests to one host),
/// and handed on in input order.
pub fn produce(
    sources: &[Source],
    first: Option<Result<Opened, InputError>>,
    format: InputFormat,
    options: &SourceOptions,
    window: &Window,
    stop: &AtomicBool,
    send: impl FnMut(Item) -> bool,
) -> usize {
    let skip_first = usize::from(first.is_some());
    let urls: Vec<usize> = sources
        .iter()
        .enumerate()
        .skip(skip_first)
        .filter(|(_, s)| matches!(s, Source::Url(_)))
        .map(|(k, _)| k)
        .collect();
    if urls.len() < 2 {
        return produce_from(sources, first, format, options, window, stop, None, send);
    }
    let ahead = Prefetch::new(urls);
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..FETCH_THREADS.min(ahead.urls.len()) {
            scope.spawn(|| ahead.work(sources, format, options, stop, &finished));
        }
        let n = produce_from(
            sources,
            first,
            format,
            options,
            window,
            stop,
            Some(&ahead),
            send,
        );
        finished.store(true, Ordering::Relaxed);
        ahead.changed.notify_all();
        n
    })
}

/// Most URLs fetched at the same time.
pub const FETCH_THREADS: usize = 8;
/// How far fetching may run ahead of reading, in URLs.
const FETCH_AHEAD: usize = 32;

/// URLs being fetched ahead of the reading.
struct Prefetch {
    /// The positions in `sources` of the URLs, in order.
    urls: Vec<usize>,
    state: Mutex<PrefetchState>,
    changed: Condvar,
}

#[derive(Default)]
struct PrefetchState {
    /// The next entry of `urls` to fetch.
    next: usize,
    /// How many entries of `urls` the reader has taken.
    taken: usize,
    /// Fetched and not yet taken, by position in `sources`.
    done: std::collections::HashMap<usize, Result<Opened, InputError>>,
}

impl Prefetch {
    fn new(urls: Vec<usize>) -> Prefetch {
        Prefetch {
            urls,
            state: Mutex::new(PrefetchState::default()),
            changed: Condvar::new(),
        }
    }

    /// A fetching thread: takes the next URL within reach, fetches it,
    /// leaves the result, until there is none left or the run stops.
    fn work(
        &self,
        sources: &[Source],
        format: InputFormat,
        options: &SourceOptions,
        stop: &AtomicBool,
        finished: &AtomicBool,
    ) {
        let halted = || stop.load(Ordering::Relaxed) || finished.load(Ordering::Relaxed);
        loop {
            let Ok(mut state) = self.state.lock() else {
                return;
            };
            while !halted()
                && state.next < self.urls.len()
                && state.next >= state.taken + FETCH_AHEAD
            {
                state = match self.changed.wait_timeout(state, Duration::from_millis(100)) {
                    Ok((guard, _)) => guard,
                    Err(_) => return,
                };
            }
            if halted() || state.next >= self.urls.len() {
                return;
            }
            let k = self.urls[state.next];
            state.next += 1;
            drop(state);
            let source = &sources[k];
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                source.open(format, options)
            }))
            .unwrap_or_else(|_| {
                Err(InputError::Read(ReadError::Io {
                    path: PathBuf::from(source.name()),
                    error: io::Error::other(
                        "internal error while fetching (a bug: please report it)",
                    ),
                }))
            });
            if let Ok(mut state) = self.state.lock() {
                state.done.insert(k, result);
            }
            self.changed.notify_all();
        }
    }

    /// Waits for the source at position `k` (the next URL in order) to be
    /// fetched; `None` when the run stops first.
    fn take(&self, k: usize, stop: &AtomicBool) -> Option<Result<Opened, InputError>> {
        let mut state = self.state.lock().ok()?;
        loop {
            if let Some(result) = state.done.remove(&k) {
                state.taken += 1;
                drop(state);
                self.changed.notify_all();
                return Some(result);
            }
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            state = self
                .changed
                .wait_timeout(state, Duration::from_millis(100))
                .ok()?
                .0;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn produce_from(
    sources: &[Source],
    mut first: Option<Result<Opened, InputError>>,
    format: InputFormat,
    options: &SourceOptions,
    window: &Window,
    stop: &AtomicBool,
    ahead: Option<&Prefetch>,
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
        let opened = match (k, first.take(), ahead) {
            (0, Some(opened), _) => opened,
            (_, _, Some(ahead)) if matches!(source, Source::Url(_)) => match ahead.take(k, stop) {
                Some(opened) => opened,
                None => break,
            },
            _ => timing::time("read", || source.open(format, options)),
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
        let mut docs = docs;
        while let Some(doc) = timing::time("read", || docs.next()) {
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
                doc: doc.map_err(InputError::from),
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
        assert_eq!(
            Source::Url("https://a.org/n/story.html?x=1".into()).stem(),
            "story"
        );
        assert_eq!(Source::Url("https://a.org/".into()).stem(), "a.org");
        assert_eq!(Source::Url("http://a.org".into()).stem(), "a.org");
    }

    #[test]
    fn urls_on_the_command_line_and_in_lists() {
        assert!(is_url("https://a.org/x") && is_url("HTTP://a.org"));
        assert!(!is_url("http.txt") && !is_url("-") && !is_url("ftp://a.org"));
        let (sources, errors) = expand(&[
            PathBuf::from("https://a.org/x"),
            PathBuf::from("http://b.org/"),
        ])
        .unwrap();
        assert!(errors.is_empty());
        assert!(
            matches!(&sources[..], [Source::Url(a), Source::Url(b)] if a == "https://a.org/x" && b == "http://b.org/")
        );
        let list =
            parse_url_list("# news\n\nhttps://a.org/1\n  https://a.org/2  \n#https://skip\n");
        let names: Vec<String> = list.iter().map(Source::name).collect();
        assert_eq!(names, ["https://a.org/1", "https://a.org/2"]);
        assert!(!may_hold_several(&list[0], InputFormat::Auto));
    }

    #[test]
    fn seconds() {
        assert_eq!(parse_seconds("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_seconds("0"), Ok(Duration::ZERO));
        assert!(parse_seconds("-1").is_err() && parse_seconds("x").is_err());
    }
}
