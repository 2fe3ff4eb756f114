//! Choosing the article's blocks: every block's text, prose and commas are
//! credited to its ancestors, scored readability-style (tag, class/id
//! weight, link density); the best container and its good siblings are
//! kept, climbing to where most of the prose is and adding the lead
//! paragraph before it; the kept blocks are then filtered line by line.

use std::collections::{HashMap, HashSet};

use ego_tree::{NodeId, NodeRef};
use scraper::Node;

use super::extract::{is_root_tag, ratio, Block, Kind, Walk, MAX_DEPTH};

/// Per-element totals and readability score.
#[derive(Debug, Default, Clone, Copy)]
struct Cand {
    text: usize,
    links: usize,
    /// Bytes of prose: paragraphs of 40+ bytes with few links.
    good: usize,
    score: f64,
    scored: bool,
}

fn tag_of(node: NodeRef<'_, Node>) -> &str {
    match node.value() {
        Node::Element(e) => e.name(),
        _ => "",
    }
}

fn base_score(tag: &str) -> f64 {
    match tag {
        "div" | "article" | "section" | "main" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

/// Commas in several scripts (Latin, CJK, Arabic).
fn commas(s: &str) -> usize {
    s.chars()
        .filter(|c| matches!(c, ',' | '\u{ff0c}' | '\u{3001}' | '\u{060c}'))
        .count()
}

/// Plain text (one paragraph per line) as paragraph blocks owned by
/// `owner`, for text that does not come from the DOM (JSON-LD).
pub(crate) fn text_blocks(text: &str, owner: NodeId) -> Vec<Block> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| Block {
            text: l.to_string(),
            kind: Kind::Para,
            owner,
            item: None,
            quote: None,
            links: Vec::new(),
            link_bytes: 0,
            soft: false,
        })
        .collect()
}

/// Bytes of text in the chosen blocks.
pub(crate) fn kept_len(walk: &Walk, keep: &[usize]) -> usize {
    keep.iter()
        .filter_map(|&i| walk.blocks.get(i))
        .map(|b| b.text.len())
        .sum()
}

/// Bytes of the kept blocks that are not mostly link text (an archive's
/// list of months is not article text).
pub(crate) fn kept_prose(walk: &Walk, keep: &[usize]) -> usize {
    keep.iter()
        .filter_map(|&i| walk.blocks.get(i))
        .filter(|b| b.link_density() < 0.5)
        .map(|b| b.text.len())
        .sum()
}

/// Chooses the article's blocks; returns their indices in document order.
pub(crate) fn select(body: NodeRef<'_, Node>, walk: &Walk) -> Vec<usize> {
    let blocks = &walk.blocks;
    if blocks.is_empty() {
        return Vec::new();
    }
    let tree = body.tree();
    let mut cands: HashMap<NodeId, Cand> = HashMap::new();
    let mut per_owner: HashMap<NodeId, usize> = HashMap::new();
    for b in blocks {
        *per_owner.entry(b.owner).or_default() += 1;
    }
    // Totals per ancestor.
    for b in blocks.iter().filter(|b| !b.soft) {
        let mut cur = tree.get(b.owner);
        let mut hops = 0;
        while let Some(n) = cur {
            let c = cands.entry(n.id()).or_default();
            c.text += b.text.len();
            c.links += b.link_bytes;
            if matches!(b.kind, Kind::Para | Kind::Pre)
                && b.text.len() >= 40
                && b.link_density() < 0.25
            {
                c.good += b.text.len();
            }
            if n.id() == body.id() || hops > MAX_DEPTH {
                break;
            }
            hops += 1;
            cur = n.parent();
        }
    }
    // Readability scores.
    for b in blocks
        .iter()
        .filter(|b| !b.soft && matches!(b.kind, Kind::Para | Kind::Pre))
    {
        let chars = b.text.chars().count();
        if chars < 25 {
            continue;
        }
        let score = 1.0 + commas(&b.text) as f64 + (chars / 100).min(3) as f64;
        let Some(owner) = tree.get(b.owner) else {
            continue;
        };
        let owner_tag = tag_of(owner);
        let paragraph_like = matches!(owner_tag, "p" | "pre" | "td" | "dd" | "blockquote")
            || (per_owner.get(&b.owner).copied().unwrap_or(0) == 1 && owner.id() != body.id());
        let start = if paragraph_like {
            owner.parent()
        } else {
            Some(owner)
        };
        let mut cur = start;
        let mut level = 0usize;
        while let Some(n) = cur {
            if level >= 5 || !n.value().is_element() {
                break;
            }
            let weight = walk.weights.get(&n.id()).copied().unwrap_or(0.0);
            let c = cands.entry(n.id()).or_default();
            if !c.scored {
                c.scored = true;
                c.score = base_score(tag_of(n)) + weight;
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            c.score += score / divider;
            if n.id() == body.id() {
                break;
            }
            level += 1;
            cur = n.parent();
        }
    }
    let final_score = |c: &Cand| c.score * (1.0 - ratio(c.links, c.text));
    let mut ranked: Vec<(NodeId, f64)> = cands
        .iter()
        .filter(|(_, c)| c.scored)
        .map(|(id, c)| (*id, final_score(c)))
        .collect();
    // Ties go to the earlier element (node ids follow parse order), so the
    // result does not depend on the hash map's iteration order.
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let Some(&(mut top, mut top_score)) = ranked.first() else {
        return fallback(walk);
    };
    let score_of = |id: NodeId| cands.get(&id).filter(|c| c.scored).map(final_score);

    // Several near-equal candidates under one ancestor: take the ancestor.
    let alternatives: Vec<NodeId> = ranked
        .iter()
        .skip(1)
        .take(4)
        .filter(|(_, s)| *s / top_score >= 0.75)
        .map(|(id, _)| *id)
        .collect();
    if alternatives.len() >= 3 {
        let mut anc = tree.get(top).and_then(|n| n.parent());
        while let Some(a) = anc {
            if a.id() == body.id() {
                break;
            }
            let containing = alternatives
                .iter()
                .filter(|alt| {
                    tree.get(**alt)
                        .is_some_and(|n| n.ancestors().any(|x| x.id() == a.id()))
                })
                .count();
            if containing >= 3 {
                top = a.id();
                top_score = score_of(top).unwrap_or(top_score);
                break;
            }
            anc = a.parent();
        }
    }
    // Climb while the parent scores better.
    {
        let threshold = top_score / 3.0;
        let mut last = top_score;
        let mut parent = tree.get(top).and_then(|n| n.parent());
        while let Some(p) = parent {
            if p.id() == body.id() || !p.value().is_element() {
                break;
            }
            let Some(ps) = score_of(p.id()) else {
                parent = p.parent();
                continue;
            };
            if ps < threshold {
                break;
            }
            if ps > last {
                top = p.id();
                top_score = ps;
                break;
            }
            last = ps;
            parent = p.parent();
        }
    }
    // Prose spread over several containers: climb while an ancestor holds
    // much more prose and is not a link farm. Wrappers that add little
    // prose (under 10 %, up to PROSE_CLIMB levels) are looked through, and
    // wrappers that add none do not count against that. An `<article>`
    // element reached is not climbed out of, unless stories follow it.
    'climb: while let Some(cur) = cands.get(&top) {
        let mut anc = tree.get(top).and_then(|n| n.parent());
        let mut adding = 0;
        for _ in 0..PROSE_CLIMB_ALL {
            if adding == PROSE_CLIMB {
                break;
            }
            let Some(p) = anc else { break 'climb };
            if p.id() == body.id() || !p.value().is_element() {
                break 'climb;
            }
            let Some(par) = cands.get(&p.id()) else {
                break 'climb;
            };
            if ratio(par.links, par.text) > 0.35 {
                break 'climb;
            }
            if par.good * 10 >= cur.good * 13 {
                top = p.id();
                top_score = score_of(top).unwrap_or(top_score);
                continue 'climb;
            }
            // Stories in a row may each sit in a wrapper of their own.
            let lone_article = tag_of(p) == "article"
                && p.ancestors()
                    .take(2)
                    .all(|a| stories_in(tree, a.id(), &cands).len() < 2);
            if par.good * 10 > cur.good * 11 || lone_article {
                // Some more prose, but not much more, or the page's own
                // mark of its article (not one of several stories in a
                // row): the article ends here.
                break 'climb;
            }
            if par.good > cur.good {
                adding += 1;
            }
            anc = p.parent();
        }
        break;
    }
    // A lone child stands for its parent.
    while let Some(p) = tree.get(top).and_then(|n| n.parent()) {
        if p.id() == body.id() || !p.value().is_element() {
            break;
        }
        if p.children().filter(|c| c.value().is_element()).count() != 1 {
            break;
        }
        top = p.id();
        top_score = score_of(top).unwrap_or(top_score);
    }

    // Most of the page's prose lies outside the winner (it won on commas in
    // a list of names, or is an author box or a form): take the smallest
    // element holding most of the prose instead.
    if let Some(better) = prose_container(tree, body.id(), top, &cands) {
        top = better;
        top_score = score_of(top).unwrap_or(top_score);
    }

    // Pages that append the next story below the article (infinite scroll)
    // hold both in one container: keep the first article.
    if let Some(first) = first_of_stories(tree, top, &cands) {
        top = first;
        top_score = score_of(top).unwrap_or(top_score);
    }

    // The chosen container and its good siblings.
    let mut chosen: HashSet<NodeId> = HashSet::new();
    chosen.insert(top);
    if let Some(top_node) = tree.get(top) {
        if let Some(parent) = top_node.parent() {
            let threshold = (top_score * 0.2).max(10.0);
            let top_is_story = top_node
                .ancestors()
                .chain(std::iter::once(top_node))
                .any(|n| tag_of(n) == "article")
                || !stories_in(tree, top, &cands).is_empty();
            let top_class = match top_node.value() {
                Node::Element(e) => e.attr("class").unwrap_or(""),
                _ => "",
            };
            for sib in parent
                .children()
                .filter(|c| c.id() != top && c.value().is_element())
            {
                let Node::Element(se) = sib.value() else {
                    continue;
                };
                // The next story, beside an article that is a story itself.
                if top_is_story && !stories_in(tree, sib.id(), &cands).is_empty() {
                    continue;
                }
                let bonus = if !top_class.is_empty() && se.attr("class") == Some(top_class) {
                    top_score * 0.2
                } else {
                    0.0
                };
                let s = score_of(sib.id()).unwrap_or(0.0);
                if s + bonus >= threshold {
                    chosen.insert(sib.id());
                    continue;
                }
                if se.name() == "p" || matches!(se.name(), "h1" | "h2" | "h3") {
                    let Some(c) = cands.get(&sib.id()) else {
                        continue;
                    };
                    let ld = ratio(c.links, c.text);
                    if se.name() == "p"
                        && ((c.text > 80 && ld < 0.25)
                            || (c.text > 0
                                && ld == 0.0
                                && c.text <= 80
                                && ends_sentence(blocks, sib.id())))
                    {
                        chosen.insert(sib.id());
                    }
                }
            }
        }
    }

    let mut keep = Vec::new();
    let mut inside: HashMap<NodeId, bool> = HashMap::new();
    for (i, b) in blocks.iter().enumerate() {
        if b.soft {
            continue;
        }
        let is_in = *inside.entry(b.owner).or_insert_with(|| {
            tree.get(b.owner).is_some_and(|n| {
                n.ancestors()
                    .chain(std::iter::once(n))
                    .take(MAX_DEPTH + 2)
                    .any(|a| chosen.contains(&a.id()))
            })
        });
        if is_in {
            keep.push(i);
        }
    }
    let kept_len: usize = keep
        .iter()
        .filter_map(|&i| blocks.get(i))
        .map(|b| b.text.len())
        .sum();
    // Too little found: the page may not be an article; take the body.
    if kept_len < 200 && walk.body_text > 1000 {
        let all = fallback(walk);
        let all_len: usize = all
            .iter()
            .filter_map(|&i| blocks.get(i))
            .map(|b| b.text.len())
            .sum();
        if all_len > kept_len * 3 {
            return filter(blocks, all);
        }
    }
    filter(blocks, with_lead(blocks, keep))
}

/// Text that ends like a sentence (a caption or credit usually does not).
fn ends_sentence_text(t: &str) -> bool {
    t.trim_end().ends_with([
        '.', '!', '?', '"', '\u{201c}', '\u{201d}', '\u{bb}', '\u{2026}',
    ])
}

/// Whether the text holds a clock time (`08:01`), as a dateline does.
fn has_clock_time(t: &str) -> bool {
    let b = t.as_bytes();
    b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit())
}

/// A lead paragraph has at least this many bytes.
const LEAD_MIN: usize = 60;

/// How many blocks before the article are looked at for its lead.
const LEAD_LOOKBACK: usize = 8;

/// Adds the lead (standfirst) paragraphs that stand just before the chosen
/// blocks, in the article's header next to the headline, byline and date:
/// prose (80+ bytes, no links, ending a sentence) reached from the first
/// kept block over only headings, metadata and short lines. The paragraph
/// nearest the body may also be a subtitle that ends no sentence (8+ words,
/// no links, no clock time as in a dateline).
fn with_lead(blocks: &[Block], mut keep: Vec<usize>) -> Vec<usize> {
    let Some(&first) = keep.first() else {
        return keep;
    };
    let mut leads = Vec::new();
    for i in (first.saturating_sub(LEAD_LOOKBACK)..first).rev() {
        let Some(b) = blocks.get(i) else { break };
        let len = b.text.len();
        // A standfirst may be set as a heading (`<h2 class="lead">`).
        if matches!(b.kind, Kind::Para | Kind::Heading(2..)) && !b.soft && len >= LEAD_MIN {
            let t = b.text.trim_end();
            if b.link_density() > 0.1 || is_boilerplate_line(t) {
                break;
            }
            if !ends_sentence_text(t) {
                // A subtitle under the headline need not end a sentence;
                // it is taken only as the lead nearest the body, with no
                // links at all, and ends the search.
                if leads.is_empty()
                    && b.link_bytes == 0
                    && matches!(b.kind, Kind::Para)
                    && t.split_whitespace().count() >= 8
                    && !has_clock_time(t)
                {
                    leads.push(i);
                }
                break;
            }
            leads.push(i);
            if leads.len() == 2 {
                break;
            }
        } else if !(b.soft
            || matches!(b.kind, Kind::Heading(_))
            || len < 60
            || (len < 250 && b.link_bytes == 0 && !ends_sentence_text(&b.text)))
        {
            // Headings, bylines, dates, captions and credits may stand
            // between the lead and the body; anything else ends the search.
            break;
        }
    }
    if !leads.is_empty() {
        leads.reverse();
        leads.append(&mut keep);
        keep = leads;
    }
    keep
}

/// How many levels that add some prose the prose climb looks through for
/// an ancestor holding much more prose.
const PROSE_CLIMB: usize = 3;

/// How many levels in all (wrappers that add no prose included) the prose
/// climb looks through.
const PROSE_CLIMB_ALL: usize = 6;

/// Pages with at least this much prose (bytes in paragraphs of 40+ bytes
/// with few links) are checked by [`prose_container`].
const PROSE_MIN: usize = 800;

/// When the readability winner `top` holds less than a third of the page's
/// prose, the deepest element holding at least 60 % of it (and not a link
/// farm); `None` when the winner is fine or no such element exists.
fn prose_container(
    tree: &ego_tree::Tree<Node>,
    body: NodeId,
    top: NodeId,
    cands: &HashMap<NodeId, Cand>,
) -> Option<NodeId> {
    let total = cands.get(&body)?.good;
    let here = cands.get(&top).map_or(0, |c| c.good);
    if total < PROSE_MIN || here * 3 >= total {
        return None;
    }
    // Start from the element with the most prose among those holding 60 %,
    // preferring the deepest (the smallest such container).
    let mut best: Option<(NodeId, usize)> = None;
    for (&id, c) in cands {
        if id == body || c.good * 10 < total * 6 || ratio(c.links, c.text) > 0.35 {
            continue;
        }
        let Some(node) = tree.get(id) else { continue };
        if !node.value().is_element() || is_root_tag(tag_of(node)) {
            continue;
        }
        let depth = node.ancestors().take(MAX_DEPTH + 2).count();
        if best.is_none_or(|(_, d)| depth > d) {
            best = Some((id, depth));
        }
    }
    best.map(|(id, _)| id)
}

/// Bytes of prose under an element (0 when it holds no text blocks).
fn prose_of(cands: &HashMap<NodeId, Cand>, id: NodeId) -> usize {
    cands.get(&id).map_or(0, |c| c.good)
}

/// An `<article>` element holds a story of its own when it has at least
/// this much prose (bytes).
const STORY_MIN: usize = 1000;

/// When the chosen container holds two or more `<article>` elements with a
/// story's worth of prose each, which together hold most of its prose (the
/// article and the next ones a page appends as the reader scrolls), the
/// first of them; `None` otherwise.
fn first_of_stories(
    tree: &ego_tree::Tree<Node>,
    top: NodeId,
    cands: &HashMap<NodeId, Cand>,
) -> Option<NodeId> {
    let good = |id: NodeId| prose_of(cands, id);
    let total = good(top);
    let stories = stories_in(tree, top, cands);
    let in_stories: usize = stories.iter().map(|&id| good(id)).sum();
    (stories.len() >= 2 && in_stories * 10 >= total * 8)
        .then(|| stories.first().copied())
        .flatten()
}

/// The `<article>` elements under `root` (itself included) with a story's
/// worth of prose, outermost ones only, in document order.
fn stories_in(
    tree: &ego_tree::Tree<Node>,
    root: NodeId,
    cands: &HashMap<NodeId, Cand>,
) -> Vec<NodeId> {
    let good = |id: NodeId| prose_of(cands, id);
    let mut stories: Vec<NodeId> = Vec::new();
    let mut node = tree.get(root);
    // Document order, not entering an article once found.
    while let Some(n) = node {
        let is_story = tag_of(n) == "article" && good(n.id()) >= STORY_MIN;
        if is_story {
            stories.push(n.id());
        }
        node = match n.first_child() {
            Some(c) if !is_story && good(n.id()) >= STORY_MIN => Some(c),
            _ => next_after(n, root),
        };
    }
    stories
}

/// The next node in document order after `n` and its descendants, staying
/// under `root`.
fn next_after(n: NodeRef<'_, Node>, root: NodeId) -> Option<NodeRef<'_, Node>> {
    let mut cur = n;
    loop {
        if cur.id() == root {
            return None;
        }
        if let Some(s) = cur.next_sibling() {
            return Some(s);
        }
        cur = cur.parent()?;
    }
}

fn ends_sentence(blocks: &[Block], owner: NodeId) -> bool {
    blocks.iter().filter(|b| b.owner == owner).any(|b| {
        let t = b.text.trim_end();
        t.ends_with('.') || t.contains(". ")
    })
}

/// All non-soft blocks, filtered.
fn fallback(walk: &Walk) -> Vec<usize> {
    (0..walk.blocks.len())
        .filter(|&i| walk.blocks.get(i).is_some_and(|b| !b.soft))
        .collect()
}

/// Lines that are boilerplate wherever they stand.
fn is_boilerplate_line(text: &str) -> bool {
    let t = text.trim();
    if t.chars().count() > 120 {
        return false;
    }
    let l = t.to_lowercase();
    const STARTS: &[&str] = &[
        "share this",
        "share on",
        "share:",
        "follow us",
        "sign up",
        "subscribe",
        "read more",
        "read also",
        "related:",
        "related articles",
        "related stories",
        "advertisement",
        "click here",
        "all rights reserved",
        "copyright ©",
        "©",
        "(c) copyright",
        "please enable javascript",
        "you may also like",
        "recommended for you",
        "more from",
        "lesen sie auch",
        "mehr zum thema",
        "auch interessant",
        "anzeige",
        "werbung",
        "teilen",
        "leia também",
        "lee también",
        "lire aussi",
        "à lire aussi",
        "image:",
        "photo:",
        "foto:",
        "bild:",
        "getty images",
        "credit:",
        "abbildung:",
        "abb.:",
        "grafik:",
        "war der artikel",
        "war dieser artikel",
        "hat ihnen der artikel",
        "möchten sie den artikel",
        "artikel teilen",
        "was this article helpful",
        "was this helpful",
        "did you find this article",
        "jetzt kostenlos anmelden",
        "hier kostenlos anmelden",
        "jetzt abonnieren",
        "listen to this article",
        "loading",
        "skip to",
    ];
    STARTS.iter().any(|s| l.starts_with(s))
        || l == "share"
        || l == "tweet"
        || l == "email"
        || l == "print"
}

/// Drops link lists, boilerplate lines and trailing headings.
fn filter(blocks: &[Block], keep: Vec<usize>) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(keep.len());
    // Link density per list (ul/ol) and per block.
    let mut item_ld: HashMap<NodeId, (usize, usize)> = HashMap::new();
    for &i in &keep {
        if let Some(b) = blocks.get(i) {
            if let Some(item) = b.item {
                let e = item_ld.entry(item).or_default();
                e.0 += b.link_bytes;
                e.1 += b.text.len();
            }
        }
    }
    for &i in &keep {
        let Some(b) = blocks.get(i) else { continue };
        let ld = b.link_density();
        let item_dense = b
            .item
            .and_then(|it| item_ld.get(&it))
            .is_some_and(|(l, t)| ratio(*l, *t) > 0.6);
        if ld > 0.6 || item_dense || is_boilerplate_line(&b.text) {
            continue;
        }
        out.push(i);
    }
    // Trailing headings and short link-ish lines introduce what was removed.
    while let Some(&last) = out.last() {
        let Some(b) = blocks.get(last) else { break };
        let chars = b.text.chars().count();
        // A long heading that ends a sentence is the article's last word
        // (a closing thought set as `<h4>`), not a section title.
        let closing = chars >= 40 && ends_sentence_text(&b.text);
        if (matches!(b.kind, Kind::Heading(_)) && !closing)
            || (chars < 40 && !b.text.ends_with(['.', '!', '?', '"', '\u{201d}']))
        {
            out.pop();
        } else {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_and_figure_lines_are_boilerplate() {
        for line in [
            "War der Artikel nützlich?",
            "Was this article helpful?",
            "Abbildung: Vergleich auf dem Gletscher",
            "Möchten Sie den Artikel teilen?",
        ] {
            assert!(is_boilerplate_line(line), "{line}");
        }
        assert!(!is_boilerplate_line(
            "War is the subject of this article, and of the next one too."
        ));
    }

    #[test]
    fn lead_is_found_over_bylines_and_captions_only() {
        let root = ego_tree::Tree::new(0u8).root().id();
        let para = |t: &str, soft: bool| Block {
            text: t.to_string(),
            kind: Kind::Para,
            owner: root,
            item: None,
            quote: None,
            links: Vec::new(),
            link_bytes: 0,
            soft,
        };
        let lead =
            "The town will close its oldest bridge next month after inspectors found corrosion.";
        let menu = "Home / News / Sport / Weather / Culture / Opinion / Video / Travel";
        let mut blocks = vec![
            para(
                "A long paragraph of another story that is not part of the article, ending here.",
                false,
            ),
            para(menu, false),
            para(lead, false),
            para("By Anna Muster", true),
            para("The old bridge seen from the river (photo: archive)", false),
            para("The body of the article.", false),
        ];
        blocks[1].link_bytes = menu.len();
        assert_eq!(with_lead(&blocks, vec![5]), vec![2, 5]);
        // A lead made of links is a teaser, not a lead.
        blocks[2].link_bytes = blocks[2].text.len();
        assert_eq!(with_lead(&blocks, vec![5]), vec![5]);
        // A row of links between the lead and the body stops the search.
        blocks[2].link_bytes = 0;
        blocks[3] = para(menu, false);
        blocks[3].link_bytes = menu.len();
        assert_eq!(with_lead(&blocks, vec![5]), vec![5]);
    }

    #[test]
    fn text_blocks_split_lines() {
        let root = ego_tree::Tree::new(0u8).root().id();
        let b = text_blocks("One.\n\n  Two. \n", root);
        let texts: Vec<&str> = b.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["One.", "Two."]);
        assert!(b.iter().all(|b| b.kind == Kind::Para && !b.soft));
    }
}
