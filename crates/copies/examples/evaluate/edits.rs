//! How copies, partial re-uses and quoting articles are made from a
//! story's text (part of the labelled set, `set.rs`).

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{Edit, Source};

/// An article as parts, before it is written out.
#[derive(Debug, Clone, Default)]
pub(super) struct Draft {
    pub(super) headline: Option<String>,
    pub(super) header: Vec<String>,
    pub(super) paras: Vec<String>,
    pub(super) footer: Vec<String>,
}

impl Draft {
    pub(super) fn render(&self) -> String {
        let mut blocks: Vec<&str> = Vec::new();
        if let Some(h) = &self.headline {
            blocks.push(h);
        }
        blocks.extend(self.header.iter().map(String::as_str));
        blocks.extend(self.paras.iter().map(String::as_str));
        blocks.extend(self.footer.iter().map(String::as_str));
        let mut out = blocks.join("\n\n");
        out.push('\n');
        out
    }

    pub(super) fn words(&self) -> usize {
        self.paras
            .iter()
            .map(|p| p.split_whitespace().count())
            .sum()
    }
}

/// Made-up outlets (the source articles carry none).
pub(super) const OUTLETS: &[&str] = &[
    "Northern Ledger",
    "Free Press Review",
    "The Daily Dispatch",
    "World Affairs Monitor",
    "Common Ground News",
    "The Evening Courier",
    "Independent Voice",
    "Global Outlook Online",
    "Frontline Report",
    "The Civic Herald",
    "Open Source Politics",
    "Liberty Digest",
];

pub(super) const NAMES: &[&str] = &[
    "Jane Doe",
    "Mark Ellison",
    "Sara Whitfield",
    "Tom Okafor",
    "Lena Marsh",
    "Peter Lindqvist",
    "Amal Haddad",
    "Rosa Ibarra",
];

pub(super) const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) const REGIONS: &[&str] = &[
    "Region: Middle East & North Africa",
    "Region: USA",
    "Region: Europe",
    "Region: Asia",
    "Theme: US NATO War Agenda",
    "Theme: Law and Justice",
    "Theme: Media Disinformation",
    "In-depth Report: SYRIA",
];

/// An outlet's standing disclaimer, added by its copies (the same long text
/// under every story the outlet re-publishes).
pub(super) fn disclaimer(outlet: &str) -> String {
    format!(
        "Disclaimer: The contents of this article are of sole responsibility of the author(s). \
         {outlet} will not be responsible for any inaccurate or incorrect statement in this \
         article. {outlet} grants permission to cross-post original articles on community \
         internet sites as long as the text and title are not modified."
    )
}

/// A day of 2016 (`day` from 0) as ISO date and as written in a header.
pub(super) fn date(day: u32) -> (String, String) {
    let month = (day / 28) % 12;
    let dom = day % 28 + 1;
    (
        format!("2016-{:02}-{:02}", month + 1, dom),
        format!("{} {}, 2016", MONTHS[month as usize], dom),
    )
}

pub(super) fn headline_from(rng: &mut ChaCha8Rng, paras: &[String]) -> String {
    let p = &paras[rng.gen_range(0..paras.len())];
    let words: Vec<&str> = p.split_whitespace().collect();
    let n = rng.gen_range(4..=9).min(words.len());
    let start = rng.gen_range(0..=words.len() - n);
    let mut h: Vec<String> = words[start..start + n]
        .iter()
        .map(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .filter(|w| !w.is_empty())
        .collect();
    match rng.gen_range(0..4) {
        0 => h.insert(0, "Opinion:".into()),
        1 => h.push("— Shocking Report".into()),
        _ => {}
    }
    h.join(" ")
}

/// A copy of `parent` with a random combination of edits; returns the
/// draft, its edits and the title a reader would report.
pub(super) fn copy(
    rng: &mut ChaCha8Rng,
    parent: &Draft,
    outlet: &str,
    origin_outlet: Option<&String>,
) -> (Draft, Vec<Edit>, Option<String>) {
    let mut d = parent.clone();
    // Re-publishers bring their own header and footer.
    d.header.clear();
    d.footer.clear();
    let mut edits: Vec<Edit> = Edit::ALL
        .iter()
        .copied()
        .filter(|e| rng.gen_bool(e.probability()))
        .collect();
    if edits.is_empty() {
        edits.push(Edit::ALL[rng.gen_range(0..Edit::ALL.len())]);
    }
    if origin_outlet.is_some() && !edits.contains(&Edit::Footer) {
        edits.push(Edit::Footer);
        edits.sort();
    }
    let name = NAMES[rng.gen_range(0..NAMES.len())];
    for &e in &edits {
        match e {
            Edit::Headline => d.headline = Some(headline_from(rng, &d.paras)),
            Edit::Header => {
                let (_, long) = date(rng.gen_range(0..330));
                let mut lines = vec![
                    format!("By {name}"),
                    format!("{outlet}, {long}"),
                    REGIONS[rng.gen_range(0..REGIONS.len())].to_string(),
                    format!("Tags: politics, {}, world news", outlet.to_lowercase()),
                    format!("Posted on {long} by {name} in World News, Politics, Opinion"),
                    format!("{} comments", rng.gen_range(0..300)),
                ];
                lines.shuffle(rng);
                lines.truncate(rng.gen_range(1..=4));
                d.header = lines;
            }
            Edit::Footer => {
                let src = origin_outlet
                    .cloned()
                    .unwrap_or_else(|| "the author's blog".into());
                let mut lines = vec![
                    format!("Copyright © {name}, {src}, 2016"),
                    "Share this: Facebook Twitter Reddit Email".to_string(),
                    "Subscribe to our newsletter for daily updates.".to_string(),
                    disclaimer(outlet),
                    format!("Articles by: {name}"),
                ];
                lines.shuffle(rng);
                lines.truncate(rng.gen_range(1..=3));
                let pointer = match rng.gen_range(0..3) {
                    0 => format!("This article was originally published on {src}."),
                    1 => format!("The original source of this article is {src}"),
                    _ => format!("This article first appeared at {src}."),
                };
                if origin_outlet.is_some() || rng.gen_bool(0.5) {
                    lines.insert(0, pointer);
                }
                d.footer = lines;
            }
            Edit::EditorsNote => {
                let note = match rng.gen_range(0..3) {
                    0 => format!(
                        "Editor's note: {outlet} is republishing this piece with the author's \
                         permission. The views expressed are the author's own."
                    ),
                    1 => "[We run this piece because it raises questions that have had too \
                          little attention elsewhere; we do not necessarily share all of its \
                          conclusions.]"
                        .to_string(),
                    _ => format!(
                        "Update: this report was corrected after publication. An earlier \
                         version misspelled the name of a source, {outlet} regrets the error."
                    ),
                };
                if rng.gen_bool(0.7) {
                    d.paras.insert(0, note);
                } else {
                    d.paras.push(note);
                }
            }
            Edit::Captions => {
                for _ in 0..rng.gen_range(1..=2) {
                    let caption = match rng.gen_range(0..3) {
                        0 => "Photo: Reuters".to_string(),
                        1 => format!(
                            "{} speaks to reporters in the capital on Tuesday. (Photo: AP)",
                            headline_from(rng, &parent.paras)
                        ),
                        _ => format!("Featured image: {}", headline_from(rng, &parent.paras)),
                    };
                    let at = rng.gen_range(0..=d.paras.len());
                    d.paras.insert(at, caption);
                }
            }
            Edit::Trim => {
                let total = d.words();
                let keep = (total as f64 * (1.0 - rng.gen_range(0.1..0.4))) as usize;
                let mut seen = 0;
                let mut cut = d.paras.len();
                for (i, p) in d.paras.iter().enumerate() {
                    seen += p.split_whitespace().count();
                    if seen >= keep {
                        cut = i + 1;
                        break;
                    }
                }
                d.paras.truncate(cut.max(1));
            }
            Edit::Reorder => {
                for _ in 0..rng.gen_range(1..=2) {
                    if d.paras.len() < 3 {
                        break;
                    }
                    let from = rng.gen_range(0..d.paras.len());
                    let p = d.paras.remove(from);
                    let to = rng.gen_range(0..=d.paras.len());
                    d.paras.insert(to, p);
                }
            }
            Edit::WordEdits => {
                for _ in 0..rng.gen_range(2..=5) {
                    let i = rng.gen_range(0..d.paras.len());
                    d.paras[i] = word_edit(rng, &d.paras[i]);
                }
            }
            Edit::Reparagraph => {
                let mut out = Vec::new();
                let mut i = 0;
                while i < d.paras.len() {
                    let n = rng.gen_range(1..=3).min(d.paras.len() - i);
                    out.push(d.paras[i..i + n].join(" "));
                    i += n;
                }
                d.paras = out;
            }
        }
    }
    let title = if rng.gen_bool(0.9) {
        d.headline.clone()
    } else {
        None
    };
    (d, edits, title)
}

/// One small edit in a paragraph: a word replaced, dropped or doubled
/// word removed, as copy editors and typo fixes do.
pub(super) fn word_edit(rng: &mut ChaCha8Rng, para: &str) -> String {
    const SWAPS: &[(&str, &str)] = &[
        ("said", "stated"),
        ("the", "this"),
        ("US", "U.S."),
        ("but", "however"),
        ("and", "as well as"),
        ("very", "extremely"),
    ];
    let mut words: Vec<String> = para.split(' ').map(str::to_string).collect();
    if words.len() < 3 {
        return para.to_string();
    }
    for (from, to) in SWAPS {
        if let Some(w) = words.iter_mut().find(|w| w.as_str() == *from) {
            if rng.gen_bool(0.5) {
                *w = to.to_string();
                return words.join(" ");
            }
        }
    }
    let i = rng.gen_range(0..words.len());
    if rng.gen_bool(0.5) {
        words.remove(i);
    } else {
        // A typo made (or fixed): two letters swapped.
        let w: Vec<char> = words[i].chars().collect();
        if w.len() > 3 {
            let mut w = w;
            w.swap(1, 2);
            words[i] = w.into_iter().collect();
        }
    }
    words.join(" ")
}

/// Half of `base`'s paragraphs (a contiguous run) and about as many words of
/// the filler's, under the filler's headline.
pub(super) fn partial(rng: &mut ChaCha8Rng, base: &Draft, filler: &Source) -> Draft {
    let total = base.words();
    let target = total / 2;
    let start = rng.gen_range(0..=base.paras.len() / 2);
    let mut taken = Vec::new();
    let mut n = 0;
    for p in &base.paras[start..] {
        if n >= target {
            break;
        }
        n += p.split_whitespace().count();
        taken.push(p.clone());
    }
    let mut own = Vec::new();
    let mut m = 0;
    for p in &filler.paras {
        if m >= n {
            break;
        }
        m += p.split_whitespace().count();
        own.push(p.clone());
    }
    if m < n {
        // The filler is shorter than the re-used half: keep as much of the
        // half as the filler's text, so that the article stays half new.
        let mut k = 0;
        taken.retain(|p| {
            k += p.split_whitespace().count();
            k <= m.max(1)
        });
        if taken.is_empty() {
            taken.push(base.paras[start].clone());
        }
    }
    let paras = if rng.gen_bool(0.5) {
        own.into_iter().chain(taken).collect()
    } else {
        taken.into_iter().chain(own).collect()
    };
    Draft {
        headline: Some(
            filler
                .title
                .clone()
                .unwrap_or_else(|| headline_from(rng, &filler.paras)),
        ),
        paras,
        ..Draft::default()
    }
}

/// The filler article with one long passage (40–120 words) of `base`
/// quoted in it; `None` when `base` has no such passage.
pub(super) fn quoting(rng: &mut ChaCha8Rng, base: &Draft, filler: &Source) -> Option<Draft> {
    // The passage: a run of consecutive lines of 40-120 words.
    let starts: Vec<usize> = (0..base.paras.len()).collect();
    for _ in 0..20 {
        let s = starts[rng.gen_range(0..starts.len())];
        let mut quote = Vec::new();
        let mut n = 0;
        for p in &base.paras[s..] {
            let w = p.split_whitespace().count();
            if n + w > 120 {
                break;
            }
            n += w;
            quote.push(p.as_str());
            if n >= 40 {
                break;
            }
        }
        if n < 40 {
            continue;
        }
        let name = NAMES[rng.gen_range(0..NAMES.len())];
        let quoted = format!("As {name} put it: “{}”", quote.join(" "));
        let mut paras = filler.paras.clone();
        let at = rng.gen_range(1..=paras.len());
        paras.insert(at, quoted);
        return Some(Draft {
            headline: filler.title.clone(),
            paras,
            ..Draft::default()
        });
    }
    None
}
