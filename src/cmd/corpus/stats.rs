//! `unspin corpus stats`: technique rates, quotation and sourcing per
//! outlet, author, month or technique, with 95 % confidence intervals
//! (computed by `unspin_corpus::Corpus::stats`; this module only parses the
//! flags and prints).

use std::io::Write;
use std::path::PathBuf;

use unspin_corpus::{
    CiMethod, Estimate, GroupBy, GroupStats, Mode, StatsQuery, StatsReport, BOOTSTRAP_MAX_ARTICLES,
    RESAMPLES, UNKNOWN,
};

use super::LockArgs;
use crate::cmd::{open_output, usage, Context, Outcome};

const AFTER_HELP: &str = "\
Groups: --by outlet (the site name), author (each author of the byline: an article by two \
authors counts for both), month (YYYY-MM of the publication date) or technique (one row per \
technique over all selected articles). Articles without an outlet, an author or a date are \
grouped as \"(unknown)\", not dropped; --outlet \"(unknown)\" selects them. --since and --until \
(YYYY-MM-DD, or YYYY-MM for a whole month, inclusive) keep only dated articles; the output says \
how many undated ones they left out. Groups are sorted by articles, most first; --min-articles N \
hides smaller ones (--by technique: techniques found in fewer than N articles).

Articles whose techniques were not analysed (a warning set them aside: another language, or \
text that is not prose; see `unspin corpus info`) are not articles without techniques: they are \
left out of every count, rate, share and interval, and each group says how many it set apart \
(NOT ANALYSED in the table when there are any; not_analysed, other_language, garbled in CSV and \
JSON). At the default --min-articles 1 a group of such articles only is still shown. \
`unspin corpus reanalyze --force-language en` analyses them as English anyway.

Per group: articles, words, technique spans per 1,000 words, and for each technique its spans \
per 1,000 words and the share of articles with at least one; among the articles analysed with \
the sourcing layers: the share of text inside quotes (word-weighted), named and anonymous cited \
sources, and the share of check-worthy claims that are hedged. With --by technique the sourcing \
columns describe the articles in which the technique occurs. --technique (an exact PTC label, \
one per flag, repeatable) restricts the technique columns; without it all 14 are computed and \
the table shows each group's top three.

Every rate and share has a 95 % confidence interval [low, high], with articles as the unit of \
sampling: Wilson score intervals for shares of articles; for the other ratios a percentile \
bootstrap over articles (1000 resamples, seeded: the same corpus gives the same numbers) in \
groups of up to 500 articles (smallest first, up to 20,000 articles in all, to bound the time) \
and the delta method with articles as clusters otherwise (ci_method says which); each widened \
to at least the exact Poisson (counts) or Wilson (proportions) interval. A group of three \
articles gets a wide interval: read overlapping intervals as no difference. See docs/corpus.md.

CSV: one row per group with every number: group, articles, words, spans, spans_per_1k_words \
(+ _low, _high), for each technique T: T:spans, T:articles, T:spans_per_1k_words (+ _low, _high), \
T:article_share (+ _low, _high); then sourcing_articles, quotes, quotation_share (+ _low, _high), \
named_sources, anonymous_sources, named_source_share (+ _low, _high), check_worthy_claims, \
hedged_claims, hedged_claim_share (+ _low, _high), copies, copy_share (+ _low, _high), copied_from \
(\"Outlet:N|Outlet:N\"), ci_method, not_analysed, other_language, garbled. Shares are fractions in [0, 1]; an empty cell means undefined \
(no words, no sources, no claims).

Copies: articles that re-publish another article of the corpus (role copy in `unspin corpus \
copies`), their share of the group, and the outlets whose articles they re-publish most; the \
table shows them with --by outlet.

JSON: one object {\"by\", \"filters\": {\"outlets\", \"since\", \"until\", \"min_articles\"}, \
\"techniques\": [labels], \"articles\", \"words\", \"not_analysed\", \"other_language\", \"garbled\", \"undated_excluded\", \"confidence\": 0.95, \
\"bootstrap_max_articles\", \"bootstrap_budget_articles\", \"resamples\", \"hidden_groups\", \"groups\": [{\"group\", \"articles\", \"not_analysed\", \"other_language\", \"garbled\", \
\"words\", \"spans\", \"spans_per_1k_words\": E, \"techniques\": [{\"technique\", \"spans\", \
\"articles\", \"spans_per_1k_words\": E, \"article_share\": E}], \"sourcing_articles\", \"quotes\", \
\"quotation_share\": E, \"named_sources\", \"anonymous_sources\", \"named_source_share\": E, \
\"check_worthy_claims\", \"hedged_claims\", \"hedged_claim_share\": E, \"copies\", \"copy_share\": E, \
\"copied_from\": [{\"outlet\", \"copies\"}], \"ci_method\": \"bootstrap\"|\"analytical\"}]}, where E is {\"value\", \"low\", \"high\"} or null when undefined.

Examples:
  unspin corpus stats news.db --by outlet
  unspin corpus stats news.db --by outlet --technique Loaded_Language --min-articles 20
  unspin corpus stats news.db --by month --since 2016-01 --until 2016-12 --format csv > months.csv
  unspin corpus stats news.db --by technique --outlet \"Global Research\"
  unspin corpus stats news.db --by author --technique Name_Calling,Labeling --technique Doubt
  unspin corpus stats news.db --by outlet --format json | jq '.groups[0]'";

/// Arguments of `unspin corpus stats`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The corpus file.
    #[arg(value_name = "DB")]
    db: PathBuf,
    /// What the rows are.
    #[arg(long, value_enum)]
    by: By,
    /// Report only this technique (its exact PTC label, e.g. Name_Calling,Labeling; repeat the
    /// flag for several).
    #[arg(long, value_name = "T")]
    technique: Vec<String>,
    /// Count only articles of this outlet (whole name, ignoring case; "(unknown)": articles
    /// without one; repeat for several).
    #[arg(long, value_name = "O")]
    outlet: Vec<String>,
    /// Count only articles published on or after this day (YYYY-MM: the month's first day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<String>,
    /// Count only articles published on or before this day (YYYY-MM: the whole month).
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Option<String>,
    /// Hide groups of fewer articles.
    #[arg(long, value_name = "N", default_value_t = 1)]
    min_articles: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    lock: LockArgs,
}

/// `--by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum By {
    /// One row per outlet (site name).
    Outlet,
    /// One row per author.
    Author,
    /// One row per month of publication.
    Month,
    /// One row per technique.
    Technique,
}

/// Output formats of `corpus stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Aligned columns for people, the main numbers only.
    Table,
    /// One row per group with every number.
    Csv,
    /// One JSON object.
    Json,
}

/// Runs `unspin corpus stats`.
pub fn run(args: &Args, ctx: &Context) -> anyhow::Result<Outcome> {
    let query = query(args)?;
    let corpus = args.lock.open(&args.db, Mode::ReadOnly)?;
    let report = corpus.stats(&query)?;
    let unlinked = corpus.unlinked_articles()?;
    if unlinked > 0 && query.by() != GroupBy::Technique && !ctx.quiet {
        eprintln!(
            "note: {unlinked} article(s) not yet compared for copies count as not copies; \
             `unspin corpus copies {}` compares them",
            args.db.display()
        );
    }
    let mut out = open_output(args.output.as_deref())?;
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        Format::Csv => write_csv(&mut out, &report)?,
        Format::Table => write_table(&mut out, &report)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// The library query of the flags; a bad technique or date is a usage error.
fn query(args: &Args) -> anyhow::Result<StatsQuery> {
    let by = match args.by {
        By::Outlet => GroupBy::Outlet,
        By::Author => GroupBy::Author,
        By::Month => GroupBy::Month,
        By::Technique => GroupBy::Technique,
    };
    let build = || -> Result<StatsQuery, unspin_corpus::StatsError> {
        let mut q = StatsQuery::new(by).min_articles(args.min_articles);
        for t in &args.technique {
            q = q.technique(t)?;
        }
        for o in &args.outlet {
            q = q.outlet(o);
        }
        if let Some(d) = &args.since {
            q = q.since(d)?;
        }
        if let Some(d) = &args.until {
            q = q.until(d)?;
        }
        Ok(q)
    };
    match build() {
        Ok(q) => Ok(q),
        Err(e) => usage(e.to_string()),
    }
}

// ---------------------------------------------------------------- CSV

fn write_csv(out: &mut dyn Write, r: &StatsReport) -> std::io::Result<()> {
    let mut header: Vec<String> = vec!["group".into(), "articles".into(), "words".into()];
    header.push("spans".into());
    header.extend(estimate_header("spans_per_1k_words"));
    for t in &r.techniques {
        header.push(format!("{t}:spans"));
        header.push(format!("{t}:articles"));
        header.extend(estimate_header(&format!("{t}:spans_per_1k_words")));
        header.extend(estimate_header(&format!("{t}:article_share")));
    }
    header.extend(["sourcing_articles".into(), "quotes".into()]);
    header.extend(estimate_header("quotation_share"));
    header.extend(["named_sources".into(), "anonymous_sources".into()]);
    header.extend(estimate_header("named_source_share"));
    header.extend(["check_worthy_claims".into(), "hedged_claims".into()]);
    header.extend(estimate_header("hedged_claim_share"));
    header.push("copies".into());
    header.extend(estimate_header("copy_share"));
    header.push("copied_from".into());
    header.push("ci_method".into());
    header.extend([
        "not_analysed".into(),
        "other_language".into(),
        "garbled".into(),
    ]);
    csv_line(out, &header)?;
    for g in &r.groups {
        let mut row = vec![
            g.group.clone(),
            g.articles.to_string(),
            g.words.to_string(),
            g.spans.to_string(),
        ];
        row.extend(estimate_cells(g.spans_per_1k_words));
        for t in &g.techniques {
            row.push(t.spans.to_string());
            row.push(t.articles.to_string());
            row.extend(estimate_cells(t.spans_per_1k_words));
            row.extend(estimate_cells(t.article_share));
        }
        row.extend([g.sourcing_articles.to_string(), g.quotes.to_string()]);
        row.extend(estimate_cells(g.quotation_share));
        row.extend([g.named_sources.to_string(), g.anonymous_sources.to_string()]);
        row.extend(estimate_cells(g.named_source_share));
        row.extend([
            g.check_worthy_claims.to_string(),
            g.hedged_claims.to_string(),
        ]);
        row.extend(estimate_cells(g.hedged_claim_share));
        row.push(g.copies.to_string());
        row.extend(estimate_cells(g.copy_share));
        row.push(copied_from(g, "|"));
        row.push(
            match g.ci_method {
                CiMethod::Bootstrap => "bootstrap",
                CiMethod::Analytical => "analytical",
            }
            .into(),
        );
        row.extend([
            g.not_analysed.to_string(),
            g.other_language.to_string(),
            g.garbled.to_string(),
        ]);
        csv_line(out, &row)?;
    }
    Ok(())
}

fn estimate_header(name: &str) -> [String; 3] {
    [
        name.to_string(),
        format!("{name}_low"),
        format!("{name}_high"),
    ]
}

fn estimate_cells(e: Option<Estimate>) -> [String; 3] {
    match e {
        Some(e) => [e.value.to_string(), e.low.to_string(), e.high.to_string()],
        None => Default::default(),
    }
}

/// One CSV record (RFC 4180 quoting: technique labels hold commas).
fn csv_line(out: &mut dyn Write, cells: &[String]) -> std::io::Result<()> {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    writeln!(out, "{}", quoted.join(","))
}

// ---------------------------------------------------------------- table

fn write_table(out: &mut dyn Write, r: &StatsReport) -> std::io::Result<()> {
    let mut scope = Vec::new();
    if !r.filters.outlets.is_empty() {
        scope.push(format!("outlets: {}", r.filters.outlets.join(", ")));
    }
    match (&r.filters.since, &r.filters.until) {
        (None, None) => {}
        (s, u) => scope.push(format!(
            "published {} to {}",
            s.as_deref().unwrap_or("…"),
            u.as_deref().unwrap_or("…")
        )),
    }
    writeln!(
        out,
        "{} articles, {} words{}",
        r.articles,
        r.words,
        if scope.is_empty() {
            String::new()
        } else {
            format!(" ({})", scope.join("; "))
        }
    )?;
    if r.groups.is_empty() {
        writeln!(out, "no group to show")?;
    } else {
        let (header, rows) = if r.by == GroupBy::Technique {
            technique_rows(r)
        } else {
            group_rows(r)
        };
        writeln!(out)?;
        aligned(out, &header, &rows)?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "[low, high]: 95 % confidence interval ({}).",
        methods(r)
    )?;
    writeln!(
        out,
        "quoted: share of text inside quotes; named/anon: cited sources; hedged: share of \
         check-worthy claims that are hedged{}.",
        if r.by == GroupBy::Technique {
            " (among the articles with the technique)"
        } else {
            ""
        }
    )?;
    if r.groups.iter().any(|g| g.group == UNKNOWN) && r.by != GroupBy::Technique {
        let what = match r.by {
            GroupBy::Outlet => "an outlet",
            GroupBy::Author => "an author",
            _ => "a date",
        };
        writeln!(out, "{UNKNOWN}: articles without {what}.")?;
    }
    if r.hidden_groups > 0 {
        let n = r.hidden_groups;
        let min = r.filters.min_articles;
        let plural =
            |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        if r.by == GroupBy::Technique {
            writeln!(
                out,
                "{n} {} found in fewer than {min} {} not shown (--min-articles).",
                plural(n, "technique", "techniques"),
                plural(min, "article", "articles"),
            )?;
        } else {
            writeln!(
                out,
                "{n} {} of fewer than {min} {} not shown (--min-articles).",
                plural(n, "group", "groups"),
                plural(min, "article", "articles"),
            )?;
        }
    }
    if r.not_analysed > 0 {
        let mut why = Vec::new();
        if r.other_language > 0 {
            why.push(format!("{} in another language", r.other_language));
        }
        if r.garbled > 0 {
            why.push(format!("{} not prose", r.garbled));
        }
        let other = r.not_analysed - r.other_language - r.garbled;
        if other > 0 {
            why.push(format!("{other} for another reason"));
        }
        writeln!(
            out,
            "{} {} not analysed ({}) {} counted apart: not in the articles, rates or shares{}.",
            r.not_analysed,
            if r.not_analysed == 1 {
                "article"
            } else {
                "articles"
            },
            why.join(", "),
            if r.not_analysed == 1 { "is" } else { "are" },
            if r.by == GroupBy::Technique {
                ""
            } else {
                " (NOT ANALYSED)"
            },
        )?;
    }
    if r.undated_excluded > 0 {
        writeln!(
            out,
            "{} articles without a date left out by --since/--until.",
            r.undated_excluded
        )?;
    }
    Ok(())
}

/// Which interval methods the groups used, in words.
fn methods(r: &StatsReport) -> String {
    let boot = r
        .groups
        .iter()
        .filter(|g| g.ci_method == CiMethod::Bootstrap)
        .count();
    let bootstrap = format!("bootstrap over articles, {RESAMPLES} resamples");
    let delta = "delta method with articles as clusters";
    if boot == r.groups.len() {
        bootstrap
    } else if boot == 0 {
        delta.to_string()
    } else {
        format!(
            "{bootstrap}, in the {boot} smallest groups of up to {BOOTSTRAP_MAX_ARTICLES} articles; \
             {delta} in the others"
        )
    }
}

/// A right-aligned (`true`) or left-aligned cell.
type Cell = (String, bool);

fn group_rows(r: &StatsReport) -> (Vec<Cell>, Vec<Vec<Cell>>) {
    let first = match r.by {
        GroupBy::Outlet => "OUTLET",
        GroupBy::Author => "AUTHOR",
        GroupBy::Month => "MONTH",
        GroupBy::Technique => "TECHNIQUE",
    };
    let chosen = r.techniques.len() <= 2;
    let mut header = vec![
        (first.to_string(), false),
        ("ARTICLES".into(), true),
        ("WORDS".into(), true),
    ];
    // Shown only when some article was set apart, so that a corpus of
    // English articles reads as before.
    let apart = r.not_analysed > 0;
    if apart {
        header.push(("NOT ANALYSED".into(), true));
    }
    header.push(("SPANS/1K WORDS".into(), false));
    if chosen {
        for t in &r.techniques {
            header.push((format!("{t}/1K"), false));
            header.push((format!("WITH {t}"), false));
        }
    } else {
        header.push(("TOP TECHNIQUES (spans/1k words)".into(), false));
    }
    header.extend(sourcing_header());
    let copies = r.by == GroupBy::Outlet;
    if copies {
        header.push(("COPIES".into(), false));
        header.push(("COPIED FROM".into(), false));
    }
    let rows = r
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![
                (g.group.clone(), false),
                (g.articles.to_string(), true),
                (g.words.to_string(), true),
            ];
            if apart {
                row.push((g.not_analysed.to_string(), true));
            }
            row.push((rate(g.spans_per_1k_words), false));
            if chosen {
                for t in &g.techniques {
                    row.push((rate(t.spans_per_1k_words), false));
                    row.push((percent(t.article_share), false));
                }
            } else {
                row.push((top_techniques(g), false));
            }
            row.extend(sourcing_cells(g));
            if copies {
                row.push((percent(g.copy_share), false));
                row.push((copied_from(g, ", "), false));
            }
            row
        })
        .collect();
    (header, rows)
}

fn technique_rows(r: &StatsReport) -> (Vec<Cell>, Vec<Vec<Cell>>) {
    let mut header = vec![
        ("TECHNIQUE".to_string(), false),
        ("ARTICLES WITH IT".into(), true),
        ("SHARE OF ARTICLES".into(), false),
        ("SPANS".into(), true),
        ("SPANS/1K WORDS".into(), false),
    ];
    header.extend(sourcing_header());
    let rows = r
        .groups
        .iter()
        .map(|g| {
            let t = g.techniques.first();
            let mut row = vec![
                (g.group.clone(), false),
                (t.map_or(0, |t| t.articles).to_string(), true),
                (percent(t.and_then(|t| t.article_share)), false),
                (g.spans.to_string(), true),
                (rate(g.spans_per_1k_words), false),
            ];
            row.extend(sourcing_cells(g));
            row
        })
        .collect();
    (header, rows)
}

fn sourcing_header() -> [Cell; 3] {
    [
        ("QUOTED".into(), false),
        ("NAMED/ANON".into(), true),
        ("HEDGED".into(), false),
    ]
}

fn sourcing_cells(g: &GroupStats) -> [Cell; 3] {
    let sources = if g.sourcing_articles == 0 {
        "-".to_string()
    } else {
        format!("{}/{}", g.named_sources, g.anonymous_sources)
    };
    [
        (percent(g.quotation_share), false),
        (sources, true),
        (percent(g.hedged_claim_share), false),
    ]
}

/// The three techniques with the highest rate in the group.
/// "Outlet:N" for each outlet the group's copies re-publish, joined by `sep`.
fn copied_from(g: &GroupStats, sep: &str) -> String {
    g.copied_from
        .iter()
        .map(|c| format!("{}:{}", c.outlet, c.copies))
        .collect::<Vec<_>>()
        .join(sep)
}

fn top_techniques(g: &GroupStats) -> String {
    let mut found: Vec<_> = g
        .techniques
        .iter()
        .filter_map(|t| Some((t.technique.as_str(), t.spans_per_1k_words?.value)))
        .filter(|(_, v)| *v > 0.0)
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    if found.is_empty() {
        return "-".into();
    }
    found
        .iter()
        .take(3)
        .map(|(t, v)| format!("{t} {v:.1}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `4.2 [3.1, 5.6]`.
fn rate(e: Option<Estimate>) -> String {
    match e {
        Some(e) => format!("{:.1} [{:.1}, {:.1}]", e.value, e.low, e.high),
        None => "-".into(),
    }
}

/// `22% [12, 40]`.
fn percent(e: Option<Estimate>) -> String {
    match e {
        Some(e) => format!(
            "{:.0}% [{:.0}, {:.0}]",
            e.value * 100.0,
            e.low * 100.0,
            e.high * 100.0
        ),
        None => "-".into(),
    }
}

fn aligned(out: &mut dyn Write, header: &[Cell], rows: &[Vec<Cell>]) -> std::io::Result<()> {
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|(h, _)| width(h)).collect();
    for row in rows {
        for (w, (c, _)) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(c));
        }
    }
    let line = |out: &mut dyn Write, cells: &[Cell]| -> std::io::Result<()> {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|((c, right), &w)| {
                let pad = " ".repeat(w.saturating_sub(width(c)));
                if *right {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect();
        writeln!(out, "{}", parts.join("  ").trim_end())
    };
    // Headers of right-aligned columns align right too.
    line(out, header)?;
    for row in rows {
        line(out, row)?;
    }
    Ok(())
}
