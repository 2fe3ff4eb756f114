//! `unspin corpus search`: full-text search (FTS5) over the articles,
//! technique spans and quotes of a corpus.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde_json::json;
use unspin_corpus::{iso_date, HitKind, Mode, SearchHit, SearchQuery, DEFAULT_LIMIT};

use super::LockArgs;
use crate::cmd::{open_output, usage, Context, Outcome};

const AFTER_HELP: &str = "\
QUERY uses the SQLite FTS5 syntax: words match whole words, ignoring case and accents; \
\"a phrase\" in double quotes; AND, OR, NOT in capitals (two words side by side mean AND; \
NOT needs a left side); prefix* matches word beginnings; NEAR(a b, 10); parentheses; \
`title: word` (articles only). A word with a hyphen, apostrophe or dot (cease-fire, Assad's, \
U.S.) is searched as a phrase. A malformed query is an error (exit 1).

What is searched (--in): articles (title and text) by default; technique spans when \
--technique is given; quotes (their text and resolved speaker) when --speaker is given. \
--in articles with --technique keeps articles that have a span of the technique; with \
--speaker, articles that quote the speaker. QUERY may be left out when a filter or --in is given: \
then every match is listed, in the order the articles were added.

--speaker matches the quote's resolved speaker: every word of it, whole words, ignoring case \
and accents (\"bolton\" finds \"John Bolton\"; \"bolt*\" is a prefix). --outlet matches the \
outlet name exactly, ignoring case (as `corpus info` and `corpus stats --by outlet` show it). \
--since and --until keep articles published on or between those days; articles without a \
date are left out by them.

Hits are ordered best first (FTS5 bm25 rank). In the table, matches are bold on a terminal \
and [in brackets] otherwise; every hit ends with the command that opens its article.

JSON Lines: one object per hit with article_id, kind (article|span|quote), title, outlet, \
published (YYYY-MM-DD), url, source, technique (spans), speaker (quotes), start and end \
(code points into the article text; spans and quotes), text (the span or quote; null for \
articles), snippet (matches [in brackets], … where cut), rank (bm25, lower is better; null \
without QUERY) and show (the command that opens the article). Fields that do not apply are \
null. With --count, one number (table) or {\"count\": N} (jsonl).

Examples:
  unspin corpus search news.db '\"cease-fire\" AND Assad'
  unspin corpus search news.db Assad --technique Name_Calling,Labeling
  unspin corpus search news.db --speaker Bolton
  unspin corpus search news.db 'sanction*' --speaker Bolton --since 2018-01-01
  unspin corpus search news.db 'Iran NOT nuclear' --outlet Reuters --limit 0 --format jsonl
  unspin corpus search news.db refugees --count
  unspin corpus show news.db 12";

/// Arguments of `unspin corpus search`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The corpus file.
    #[arg(value_name = "DB")]
    db: PathBuf,
    /// The FTS5 query (may be left out when --technique, --speaker, --outlet, --since,
    /// --until or --in is given: then every match is listed).
    #[arg(value_name = "QUERY")]
    query: Option<String>,
    /// What to search [default: spans with --technique, quotes with --speaker, else articles].
    #[arg(long = "in", value_enum, value_name = "WHAT")]
    target: Option<Target>,
    /// Keep only this technique (its exact PTC label, e.g. Name_Calling,Labeling; repeat the
    /// flag for several).
    #[arg(long, value_name = "T")]
    technique: Vec<String>,
    /// Keep only articles of this outlet (ignoring case; repeat for several).
    #[arg(long, value_name = "O")]
    outlet: Vec<String>,
    /// Keep only quotes whose resolved speaker has these words (ignoring case).
    #[arg(long, value_name = "S")]
    speaker: Option<String>,
    /// Keep only articles published on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<String>,
    /// Keep only articles published on or before this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Option<String>,
    /// The most hits to show, best first (0: all).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_LIMIT)]
    limit: usize,
    /// Print only the number of hits.
    #[arg(long)]
    count: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    lock: LockArgs,
}

/// What `--in` searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Target {
    /// Article titles and texts.
    Articles,
    /// Technique spans.
    Spans,
    /// Quotes and their speakers.
    Quotes,
}

/// Output formats of `corpus search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A few lines per hit, for people.
    Table,
    /// One JSON object per hit.
    Jsonl,
}

/// Runs `unspin corpus search`.
pub fn run(args: &Args, ctx: &Context) -> anyhow::Result<Outcome> {
    let query = search_query(args)?;
    let corpus = args.lock.open(&args.db, Mode::ReadOnly)?;
    let mut out = open_output(args.output.as_deref())?;
    if args.count {
        let n = corpus.search_count(&query)?;
        match args.format {
            Format::Table => writeln!(out, "{n}")?,
            Format::Jsonl => writeln!(out, "{}", json!({ "count": n }))?,
        }
        out.flush()?;
        return Ok(Outcome::Success);
    }
    let results = corpus.search(&query)?;
    let show = |id: i64| format!("unspin corpus show {} {id}", shell_word(&args.db));
    match args.format {
        Format::Jsonl => {
            for hit in &results.hits {
                writeln!(out, "{}", hit_json(hit, &show(hit.article_id))?)?;
            }
            if results.more && !ctx.quiet {
                eprintln!(
                    "note: the first {} hit{}; --limit 0 shows all, --count counts them",
                    results.hits.len(),
                    if results.hits.len() == 1 { "" } else { "s" }
                );
            }
        }
        Format::Table => {
            let bold = args.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let (open, close) = if bold {
                ("\x1b[1m", "\x1b[0m")
            } else {
                ("[", "]")
            };
            for hit in &results.hits {
                write_hit(&mut out, hit, open, close, &show(hit.article_id))?;
            }
            let n = results.hits.len();
            let plural = if n == 1 { "" } else { "s" };
            if n == 0 {
                writeln!(out, "no hits")?;
            } else if results.more {
                writeln!(
                    out,
                    "the first {n} hit{plural}; --limit 0 shows all, --count counts them"
                )?;
            } else {
                writeln!(out, "{n} hit{plural}")?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// The library's query from the flags, checked (unknown techniques, dates,
/// filters that do not fit what is searched) before the corpus is opened.
fn search_query(args: &Args) -> anyhow::Result<SearchQuery> {
    for t in &args.technique {
        check_technique(t)?;
    }
    for (flag, day) in [("--since", &args.since), ("--until", &args.until)] {
        if let Some(d) = day {
            if iso_date(d).as_deref() != Some(d.as_str()) {
                return usage(format!("{flag} {d:?}: write the day as YYYY-MM-DD"));
            }
        }
    }
    let text = args
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    let filtered = !args.technique.is_empty()
        || args.speaker.is_some()
        || !args.outlet.is_empty()
        || args.since.is_some()
        || args.until.is_some();
    if text.is_none() && !filtered && args.target.is_none() {
        return usage(
            "nothing to search for: give a QUERY, or list matches with --technique, --speaker, \
             --outlet, --since, --until or --in",
        );
    }
    let query = SearchQuery {
        text: text.map(str::to_string),
        kind: args.target.map(|t| match t {
            Target::Articles => HitKind::Article,
            Target::Spans => HitKind::Span,
            Target::Quotes => HitKind::Quote,
        }),
        techniques: args.technique.clone(),
        outlets: args.outlet.clone(),
        speaker: args.speaker.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        limit: args.limit,
    };
    if let Err(e) = query.target() {
        let message = e.to_string();
        let message = message.strip_prefix("invalid query: ").unwrap_or(&message);
        return usage(format!("{message} (see --in)"));
    }
    Ok(query)
}

/// An error naming the valid techniques unless `label` is one.
fn check_technique(label: &str) -> anyhow::Result<()> {
    if unspin_taxonomy::by_label(label).is_some() {
        return Ok(());
    }
    let lower = label.to_lowercase();
    let near: Vec<&str> = unspin_taxonomy::TECHNIQUES
        .iter()
        .map(|t| t.label)
        .filter(|l| {
            let l = l.to_lowercase();
            !lower.is_empty() && (l == lower || l.split(',').any(|part| part == lower))
        })
        .collect();
    let hint = match near.as_slice() {
        [one] => format!(" (did you mean {one}?)"),
        _ if label.contains(',') => " (one technique per --technique)".to_string(),
        _ => String::new(),
    };
    let valid: Vec<&str> = unspin_taxonomy::TECHNIQUES
        .iter()
        .map(|t| t.label)
        .collect();
    usage(format!(
        "unknown technique {label:?}{hint}; the techniques are: {}",
        valid.join(" ")
    ))
}

/// A few lines for one hit: the article, what matched, the command that
/// opens it.
fn write_hit(
    out: &mut dyn Write,
    hit: &SearchHit,
    open: &str,
    close: &str,
    show: &str,
) -> io::Result<()> {
    let dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "#{}  {}  {}  {}",
        hit.article_id,
        dash(&hit.outlet),
        dash(&hit.published),
        hit.title.as_deref().unwrap_or("(no title)")
    )?;
    let place = match (hit.start, hit.end) {
        (Some(s), Some(e)) => format!(" at {s}-{e}"),
        _ => String::new(),
    };
    let what = match hit.kind {
        HitKind::Article => String::new(),
        HitKind::Span => format!("{}{place}: ", hit.technique.as_deref().unwrap_or("span")),
        HitKind::Quote => format!(
            "quote by {}{place}: ",
            hit.speaker.as_deref().unwrap_or("(unresolved speaker)")
        ),
    };
    writeln!(out, "    {what}{}", hit.snippet.marked(open, close))?;
    writeln!(out, "    {show}")?;
    writeln!(out)
}

/// One JSON Lines object for a hit (fields in this order; see the help).
#[derive(serde::Serialize)]
struct JsonHit<'a> {
    article_id: i64,
    kind: &'static str,
    title: Option<&'a str>,
    outlet: Option<&'a str>,
    published: Option<&'a str>,
    url: Option<&'a str>,
    source: &'a str,
    technique: Option<&'a str>,
    speaker: Option<&'a str>,
    start: Option<i64>,
    end: Option<i64>,
    text: Option<&'a str>,
    snippet: String,
    rank: Option<f64>,
    show: &'a str,
}

/// One JSON Lines object for a hit.
fn hit_json(hit: &SearchHit, show: &str) -> anyhow::Result<String> {
    Ok(serde_json::to_string(&JsonHit {
        article_id: hit.article_id,
        kind: hit.kind.as_str(),
        title: hit.title.as_deref(),
        outlet: hit.outlet.as_deref(),
        published: hit.published.as_deref(),
        url: hit.url.as_deref(),
        source: &hit.source,
        technique: hit.technique.as_deref(),
        speaker: hit.speaker.as_deref(),
        start: hit.start,
        end: hit.end,
        text: hit.text.as_deref(),
        snippet: hit.snippet.marked("[", "]"),
        rank: hit.rank,
        show,
    })?)
}

/// `path` as one shell word (single-quoted when it needs to be).
fn shell_word(path: &Path) -> String {
    let s = path.display().to_string();
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./+,:@%".contains(c));
    if plain {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words() {
        assert_eq!(shell_word(Path::new("news.db")), "news.db");
        assert_eq!(shell_word(Path::new("my news.db")), "'my news.db'");
        assert_eq!(shell_word(Path::new("it's.db")), r"'it'\''s.db'");
    }

    #[test]
    fn technique_hints() {
        assert!(check_technique("Name_Calling,Labeling").is_ok());
        let e = check_technique("name_calling").unwrap_err().to_string();
        assert!(e.contains("did you mean Name_Calling,Labeling?"), "{e}");
        assert!(e.contains("Loaded_Language"), "{e}");
        let e = check_technique("Loaded_Language,Doubt")
            .unwrap_err()
            .to_string();
        assert!(e.contains("one technique per --technique"), "{e}");
    }
}
