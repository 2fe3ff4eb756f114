//! The subcommands, one module each, and what they share: the model flags
//! (turned into `unspin_analysis::AnalysisOptions`), output handling, error
//! reporting and the PTC input helpers.

pub mod analyze;
pub mod attribution;
pub mod compare;
pub mod corpus;
pub mod eval;
pub mod extract;
pub mod ingest;
pub mod neural;
pub mod ordered;
pub mod predict;
pub mod serve;
pub mod size;
pub mod train;

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use unspin_analysis::AnalysisOptions;
use unspin_eval::{parse_si_lines, parse_tc_lines, LabeledSpan, ParseError};
use unspin_readers::{ptc_article_id, ReadError};

/// What every subcommand gets besides its own arguments.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// `--quiet`: no progress bar.
    pub quiet: bool,
}

/// How a subcommand ended, when it did not fail as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything worked.
    Success,
    /// Some inputs failed (each already reported); the others were processed.
    SomeFailed,
}

impl Outcome {
    /// `Success` when `failed` is zero.
    pub fn from_failures(failed: usize) -> Outcome {
        if failed == 0 {
            Outcome::Success
        } else {
            Outcome::SomeFailed
        }
    }
}

/// A command line that is wrong in a way clap cannot check (exit status 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Returns a usage error (exit status 2) with `message`.
pub fn usage<T>(message: impl Into<String>) -> anyhow::Result<T> {
    Err(UsageError(message.into()).into())
}

/// True when the error comes from writing to a closed pipe (`unspin … | head`).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

/// Prints `error: MESSAGE` to standard error, ignoring failures to do so.
pub fn print_error(message: &str) {
    let _ = writeln!(io::stderr().lock(), "error: {message}");
}

/// The detector tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tier {
    /// A fine-tuned MiniLM encoder blended with the fast tier: more accurate, about
    /// 100× slower (tens of articles a second on two cores); embedded in the binary.
    Neural,
    /// Linear models over hashed features: megabytes a second, for triage at corpus scale.
    Fast,
}

/// Which model to run: `--tier`, `--model`, `--threshold`, `--precision` and
/// `--allow-fallback`. [`ModelArgs::options`] turns them into the analysis
/// library's options; every choice is made there.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    /// Detector tier [default: neural when this binary carries its weights, else fast].
    #[arg(long, value_enum)]
    pub tier: Option<Tier>,
    /// Model file to use instead of the one embedded in the binary: a fast model written
    /// by `unspin train`, or with --tier neural a neural.safetensors with its
    /// tokenizer.json beside it.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Propaganda probability from which a word is marked (0 to 1; default: the model's own,
    /// tuned at training). Lower finds more fragments (recall), higher fewer but surer
    /// ones (precision).
    #[arg(long, value_name = "F", value_parser = parse_threshold)]
    pub threshold: Option<f32>,
    /// With the neural tier: auto (int8 where it is fast: x86-64 CPUs with AVX2, ARM CPUs
    /// with the dot-product extension; else f32), f32 (matches the recorded scores exactly)
    /// or int8 (about twice as fast as f32: with AVX-512 VNNI or AVX-VNNI, with AVX2 alone on
    /// 7-bit activations, or with ARM's sdot; elsewhere an error, unless --allow-fallback). int8 costs at most 0.4 F1 points (model cards); the
    /// technique spans' provenance ends in /int8 when it ran.
    #[arg(long, value_enum, default_value_t = Precision::Auto)]
    pub precision: Precision,
    /// When something asked for cannot run here (int8 on a CPU without AVX2 or sdot, the
    /// neural attribution tagger of the neural tier; for serve, the second tier), run the
    /// nearest thing instead (f32, the linear tagger, one tier) and say so in the log and in
    /// the provenance of the spans concerned, instead of failing.
    #[arg(long)]
    pub allow_fallback: bool,
    /// Analyse every text as English (the only value: en). Without it, a text in another
    /// language, or mostly not letters (a table, mis-decoded bytes), gets a warning and no
    /// techniques, quotes, sources or claims, because the models and rules are English-only
    /// and an empty result would read as a clean article.
    #[arg(long, value_name = "LANG", value_parser = parse_forced_language)]
    pub force_language: Option<ForcedLanguage>,
}

/// The one language `--force-language` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForcedLanguage {
    /// English.
    English,
}

fn parse_forced_language(s: &str) -> Result<ForcedLanguage, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "en" | "eng" | "english" => Ok(ForcedLanguage::English),
        _ => Err(format!(
            "{s:?}: unspin's models and rules are English-only, so the only language it can be \
             forced to is en"
        )),
    }
}

/// Numeric precision of the neural tier's encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Precision {
    /// int8 where it is fast (x86-64 with AVX2), else f32.
    Auto,
    /// f32 weights and activations.
    F32,
    /// int8 weights and activations in the dense layers (x86-64 with AVX2).
    Int8,
}

impl ModelArgs {
    /// The analysis options these flags ask for (`sourcing`: whether the
    /// sourcing stage runs).
    pub fn options(&self, sourcing: bool) -> AnalysisOptions {
        AnalysisOptions {
            tier: self.tier.map(|t| match t {
                Tier::Neural => unspin_analysis::Tier::Neural,
                Tier::Fast => unspin_analysis::Tier::Fast,
            }),
            model: self.model.clone(),
            threshold: self.threshold,
            precision: match self.precision {
                Precision::Auto => unspin_analysis::Precision::Auto,
                Precision::F32 => unspin_analysis::Precision::F32,
                Precision::Int8 => unspin_analysis::Precision::Int8,
            },
            sourcing,
            allow_fallback: self.allow_fallback,
            force_english: self.force_language == Some(ForcedLanguage::English),
        }
    }
}

fn parse_threshold(s: &str) -> Result<f32, String> {
    let t: f32 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if (0.0..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err(format!("{t} is not between 0 and 1"))
    }
}

/// Where a command's main output goes: standard output or `-o FILE`.
pub fn open_output(path: Option<&Path>) -> anyhow::Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) => {
            if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {:?}", dir.display().to_string()))?;
            }
            let file = fs::File::create(p)
                .with_context(|| format!("cannot create {:?}", p.display().to_string()))?;
            Box::new(io::BufWriter::new(file))
        }
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    })
}

/// The folder of a PTC corpus that holds the articles: `dir/articles` when it
/// exists, else `dir` itself (the two layouts `read_ptc_dir` accepts).
pub fn ptc_articles_dir(dir: &Path) -> PathBuf {
    let nested = dir.join("articles");
    if nested.is_dir() {
        nested
    } else {
        dir.to_path_buf()
    }
}

/// The PTC articles (`article*.txt`) of `dir` with their ids, sorted by id
/// (numerically when the ids are numbers).
///
/// # Errors
/// When `dir` is not a readable directory, or holds no article.
pub fn find_ptc_articles(dir: &Path) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let articles_dir = ptc_articles_dir(dir);
    let paths = unspin_readers::find_articles(&articles_dir, "article*.txt")?;
    let mut found: Vec<(String, PathBuf)> = paths
        .into_iter()
        .filter_map(|p| ptc_article_id(&p).map(|id| (id, p)))
        .collect();
    if found.is_empty() {
        return Err(ReadError::NoArticles {
            dir: dir.to_path_buf(),
        }
        .into());
    }
    found.sort_by(|a, b| id_order(&a.0, &b.0));
    Ok(found)
}

/// Orders ids numerically when both are numbers, otherwise as strings.
pub fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u128>(), b.parse::<u128>()) {
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// The article id a label line refers to, as the readers name documents:
/// `article123` and `123` are both article `123`.
pub fn normalize_article_id(id: &str) -> &str {
    match id.strip_prefix("article") {
        Some(rest) if !rest.is_empty() => rest,
        _ => id,
    }
}

/// Reads a text file of label lines (UTF-8), quoting the path on failure.
pub fn read_lines_file(path: &Path) -> anyhow::Result<String> {
    let quoted = path.display();
    let meta = fs::metadata(path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            anyhow::anyhow!("\"{quoted}\": no such file or directory")
        } else {
            anyhow::anyhow!("\"{quoted}\": {e}")
        }
    })?;
    if meta.is_dir() {
        anyhow::bail!("\"{quoted}\": is a directory, expected a file");
    }
    let bytes = fs::read(path).map_err(|e| anyhow::anyhow!("\"{quoted}\": {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        anyhow::anyhow!("\"{quoted}\": invalid UTF-8 at byte offset {offset}")
    })
}

/// Which label line formats a file may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineFormat {
    /// `id<TAB>technique<TAB>start<TAB>end` only.
    Tc,
    /// That, or `id<TAB>start<TAB>end` (the technique is then `None`).
    TcOrSi,
}

/// Parses label lines with the eval crate's parsers, one line at a time so
/// that 3- and 4-field lines may be mixed (with [`LineFormat::TcOrSi`]). Errors
/// carry the file's 1-based line number; blank lines are skipped. The second
/// list holds the 1-based line number of each span.
///
/// # Errors
/// The first malformed line.
pub fn parse_label_lines(
    text: &str,
    format: LineFormat,
) -> Result<(Vec<LabeledSpan>, Vec<usize>), ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut spans = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let si = format == LineFormat::TcOrSi && line.trim_end().split('\t').count() == 3;
        let parsed = if si {
            parse_si_lines(line)
        } else {
            parse_tc_lines(line)
        };
        match parsed {
            Ok(mut one) => {
                spans.append(&mut one);
                lines.push(i + 1);
            }
            Err(mut e) => {
                e.line = i + 1;
                return Err(e);
            }
        }
    }
    Ok((spans, lines))
}

/// Formats an error of the file at `path` as `"PATH": line N: …`.
pub fn in_file(path: &Path, e: impl fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("\"{}\": {e}", path.display())
}
