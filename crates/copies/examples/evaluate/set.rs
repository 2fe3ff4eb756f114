//! The labelled copy-detection set, generated at run time from the articles
//! in `../shared` (nothing of them is stored in the repository).
//!
//! Shared by `examples/evaluate.rs` and `tests/evaluation.rs` (included with
//! `#[path]`). Every random choice comes from one seeded ChaCha8 generator,
//! so a seed and the two article folders give the same set every time.
//!
//! A *story* is one article text and the copies re-publishers made of it;
//! its members form one true cluster. Stories are:
//!
//! - an original from the unlabelled news or the PTC training articles;
//! - a partial re-use: half of another story's original followed or preceded
//!   by about as much text of an article used nowhere else (related to the
//!   other story as "partial", not a member of its cluster);
//! - a hard negative: an article used nowhere else with one long passage of
//!   another story quoted in it (same event, shared quote: unrelated).
//!
//! Copies apply the edits re-publishers make ([`Edit`]), alone or combined,
//! and a share of them are copies of copies.

#![allow(dead_code)]

use std::path::Path;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use unspin_copies::Member;

#[path = "edits.rs"]
mod edits;

use edits::{copy, date, partial, quoting, Draft, OUTLETS};

/// One source article as read from `../shared`.
#[derive(Debug, Clone)]
pub struct Source {
    /// File stem, e.g. `article111111112` (with `ptc:` or `news:` before it).
    pub key: String,
    /// The headline (PTC articles' first line); `None` for unlabelled news.
    pub title: Option<String>,
    /// Non-empty lines after the title: paragraphs (news) or sentences (PTC).
    pub paras: Vec<String>,
    /// The file's text as is.
    pub text: String,
}

/// Reads up to `limit` articles of a folder, in file-name order. PTC
/// articles (`ptc`) have a title line; unlabelled news do not.
pub fn load_sources(dir: &Path, ptc: bool, limit: usize) -> std::io::Result<Vec<Source>> {
    let mut names: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for path in names.into_iter().take(limit) {
        let text = std::fs::read_to_string(&path)?;
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let title = if ptc {
            lines.next().map(str::to_string)
        } else {
            None
        };
        let paras: Vec<String> = lines.map(str::to_string).collect();
        if paras.len() < 2 {
            continue;
        }
        let prefix = if ptc { "ptc" } else { "news" };
        out.push(Source {
            key: format!("{prefix}:{stem}"),
            title,
            paras,
            text,
        });
    }
    Ok(out)
}

/// Sources with fewer body words than this are left out of the set: a
/// shingle overlap of a few dozen words is no evidence of copying.
pub const MIN_BODY_WORDS: usize = 60;

/// The sources with at least [`MIN_BODY_WORDS`] body words.
pub fn usable(sources: Vec<Source>) -> Vec<Source> {
    sources
        .into_iter()
        .filter(|s| unspin_copies::Body::new(&s.text, s.title.as_deref()).words >= MIN_BODY_WORDS)
        .collect()
}

/// The edits a copy can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Edit {
    /// A new headline.
    Headline,
    /// Header lines: byline, outlet and date, region, theme, tags.
    Header,
    /// Footer lines: "originally published", copyright, share and subscribe, disclaimer.
    Footer,
    /// An editor's note paragraph.
    EditorsNote,
    /// Image captions between paragraphs.
    Captions,
    /// The last 10–40 % of the words dropped.
    Trim,
    /// Paragraphs moved.
    Reorder,
    /// Typo fixes and small word edits in a few paragraphs.
    WordEdits,
    /// Lines joined into paragraphs (or paragraphs split) differently.
    Reparagraph,
}

impl Edit {
    /// All edits, in table order.
    pub const ALL: [Edit; 9] = [
        Edit::Headline,
        Edit::Header,
        Edit::Footer,
        Edit::EditorsNote,
        Edit::Captions,
        Edit::Trim,
        Edit::Reorder,
        Edit::WordEdits,
        Edit::Reparagraph,
    ];

    /// Name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Edit::Headline => "new headline",
            Edit::Header => "header lines",
            Edit::Footer => "footer lines",
            Edit::EditorsNote => "editor's note",
            Edit::Captions => "image captions",
            Edit::Trim => "trimmed ending",
            Edit::Reorder => "reordered paragraphs",
            Edit::WordEdits => "word edits",
            Edit::Reparagraph => "re-paragraphed",
        }
    }

    fn probability(self) -> f64 {
        match self {
            Edit::Headline => 0.7,
            Edit::Header => 0.6,
            Edit::Footer => 0.7,
            Edit::EditorsNote => 0.25,
            Edit::Captions => 0.25,
            Edit::Trim => 0.3,
            Edit::Reorder => 0.2,
            Edit::WordEdits => 0.35,
            Edit::Reparagraph => 0.15,
        }
    }
}

/// What kind of story an article belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoryKind {
    /// A source article.
    Original,
    /// Half of story `of`'s original plus new text.
    Partial {
        /// The story re-used.
        of: usize,
    },
    /// A new article quoting a long passage of story `from`.
    Quoting {
        /// The story quoted.
        from: usize,
    },
}

/// One story: an article and its copies.
#[derive(Debug, Clone)]
pub struct Story {
    /// What it is.
    pub kind: StoryKind,
    /// Index (in [`LabelledSet::articles`]) of its original.
    pub origin: usize,
    /// The source key of its original (`ptc:article…` for PTC articles).
    pub source: String,
}

/// One article of the set.
#[derive(Debug, Clone)]
pub struct Article {
    /// Its text.
    pub text: String,
    /// The headline the reader would report (`None`: not known).
    pub title: Option<String>,
    /// The story it belongs to.
    pub story: usize,
    /// The edits that made it from its parent (empty for originals).
    pub edits: Vec<Edit>,
    /// Whether it is a copy of a copy.
    pub chained: bool,
    /// Metadata for the origin decision (`id` is the index in the set).
    pub member: Member,
}

/// The generated set.
#[derive(Debug, Clone, Default)]
pub struct LabelledSet {
    /// All articles; `member.id` is the index (the order is shuffled).
    pub articles: Vec<Article>,
    /// All stories.
    pub stories: Vec<Story>,
}

/// Sizes of the set.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Seed of the generator.
    pub seed: u64,
    /// Share of originals left without copies (singletons).
    pub singletons: f64,
    /// Share of originals that get a partial re-use story.
    pub partials: f64,
    /// Share of originals quoted at length by a hard-negative story.
    pub quoted: f64,
    /// Share of copies made from an earlier copy rather than the original.
    pub chains: f64,
    /// Share of sources kept aside as text for partial and quoting stories.
    pub fillers: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            seed: 14,
            singletons: 0.3,
            partials: 0.1,
            quoted: 0.1,
            chains: 0.3,
            fillers: 0.2,
        }
    }
}

/// Builds the set from `sources` (news and PTC, in any order).
pub fn build(sources: &[Source], config: Config, keep_apart: &[String]) -> LabelledSet {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.shuffle(&mut rng);
    // Fillers: sources used only as the new half of partial re-uses and as
    // the articles that quote; never those with a real near-duplicate.
    let n_fill = (sources.len() as f64 * config.fillers) as usize;
    let mut fillers = Vec::new();
    let mut originals = Vec::new();
    for i in order {
        if fillers.len() < n_fill && !keep_apart.contains(&sources[i].key) {
            fillers.push(i);
        } else {
            originals.push(i);
        }
    }
    let mut set = LabelledSet::default();
    let mut drafts: Vec<Draft> = Vec::new();
    // Originals.
    for &i in &originals {
        let s = &sources[i];
        let draft = Draft {
            headline: s.title.clone(),
            paras: s.paras.clone(),
            ..Draft::default()
        };
        push_original(
            &mut set,
            &mut drafts,
            &mut rng,
            draft,
            s.text.clone(),
            s.title.clone(),
            &s.key,
            StoryKind::Original,
        );
    }
    let n_orig = set.stories.len();
    let mut fill = fillers.into_iter();
    // Partial re-uses and quoting articles.
    for story in 0..n_orig {
        if rng.gen_bool(config.partials) {
            let Some(f) = fill.next() else { break };
            let base = drafts[set.stories[story].origin].clone();
            let draft = partial(&mut rng, &base, &sources[f]);
            let text = draft.render();
            let title = draft.headline.clone();
            push_original(
                &mut set,
                &mut drafts,
                &mut rng,
                draft,
                text,
                title,
                &sources[f].key,
                StoryKind::Partial { of: story },
            );
        }
        if rng.gen_bool(config.quoted) {
            let Some(f) = fill.next() else { break };
            let base = drafts[set.stories[story].origin].clone();
            let Some(draft) = quoting(&mut rng, &base, &sources[f]) else {
                continue;
            };
            let text = draft.render();
            let title = draft.headline.clone();
            push_original(
                &mut set,
                &mut drafts,
                &mut rng,
                draft,
                text,
                title,
                &sources[f].key,
                StoryKind::Quoting { from: story },
            );
        }
    }
    // Copies.
    let n_stories = set.stories.len();
    for story in 0..n_stories {
        let singleton_rate = match set.stories[story].kind {
            StoryKind::Original => config.singletons,
            _ => 0.6,
        };
        if rng.gen_bool(singleton_rate) {
            continue;
        }
        let n = rng.gen_range(1..=4);
        // Metadata mode: 0 = pointer to the origin in the footer,
        // 1 = dates only, 2 = nothing (containment decides).
        let mode = rng.gen_range(0..3);
        let origin = set.stories[story].origin;
        let origin_outlet = set.articles[origin]
            .member
            .outlet
            .clone()
            .unwrap_or_default();
        let origin_day: u32 = rng.gen_range(0..300);
        if mode == 1 {
            set.articles[origin].member.published = Some(date(origin_day).0);
        }
        let mut members = vec![origin];
        for _ in 0..n {
            let chained = members.len() > 1 && rng.gen_bool(config.chains);
            let parent = if chained {
                members[rng.gen_range(1..members.len())]
            } else {
                origin
            };
            let outlet = loop {
                let o = OUTLETS[rng.gen_range(0..OUTLETS.len())];
                if o != origin_outlet {
                    break o.to_string();
                }
            };
            let (draft, edits, title) = copy(
                &mut rng,
                &drafts[parent],
                &outlet,
                if mode == 0 {
                    Some(&origin_outlet)
                } else {
                    None
                },
            );
            let mut member = Member {
                id: 0,
                outlet: Some(outlet),
                ..Member::default()
            };
            if mode == 0 {
                member.original_source = Some(origin_outlet.clone());
            }
            if mode == 1 {
                member.published = Some(date(origin_day + rng.gen_range(0..20)).0);
            }
            let text = draft.render();
            set.articles.push(Article {
                text,
                title,
                story,
                edits,
                chained,
                member,
            });
            drafts.push(draft);
            members.push(set.articles.len() - 1);
        }
    }
    shuffle_ids(&mut set, &mut rng);
    set
}

#[allow(clippy::too_many_arguments)]
fn push_original(
    set: &mut LabelledSet,
    drafts: &mut Vec<Draft>,
    rng: &mut ChaCha8Rng,
    draft: Draft,
    text: String,
    title: Option<String>,
    key: &str,
    kind: StoryKind,
) {
    let story = set.stories.len();
    set.stories.push(Story {
        kind,
        origin: set.articles.len(),
        source: key.to_string(),
    });
    set.articles.push(Article {
        text,
        title,
        story,
        edits: Vec::new(),
        chained: false,
        member: Member {
            outlet: Some(OUTLETS[rng.gen_range(0..OUTLETS.len())].to_string()),
            ..Member::default()
        },
    });
    drafts.push(draft);
}

/// Gives the articles a random order; `member.id` = index.
fn shuffle_ids(set: &mut LabelledSet, rng: &mut ChaCha8Rng) {
    let n = set.articles.len();
    let mut perm: Vec<usize> = (0..n).collect();
    perm.shuffle(rng);
    // perm[new] = old.
    let mut new_of_old = vec![0; n];
    for (new, &old) in perm.iter().enumerate() {
        new_of_old[old] = new;
    }
    let old = std::mem::take(&mut set.articles);
    let mut slots: Vec<Option<Article>> = old.into_iter().map(Some).collect();
    set.articles = perm
        .iter()
        .map(|&o| slots[o].take().unwrap_or_else(|| unreachable!()))
        .collect();
    for (i, a) in set.articles.iter_mut().enumerate() {
        a.member.id = i as i64;
    }
    for s in &mut set.stories {
        s.origin = new_of_old[s.origin];
    }
}
