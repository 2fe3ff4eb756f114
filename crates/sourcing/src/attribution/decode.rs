//! From a tag sequence to attributions: role segments, grouped around cues.

use unspin_segment::Token;

use super::model::{Tag, TAGS};
use crate::Attribution;

/// Largest token gap between a content segment and the cue it attaches to.
const MAX_CONTENT_GAP: usize = 60;
/// Largest token gap between a source segment and its cue.
const MAX_SOURCE_GAP: usize = 20;
/// Largest token gap across a cue between two pieces of one content.
const MAX_JOIN_GAP: usize = 12;

#[derive(Clone, Copy, Debug)]
struct Segment {
    role: u8,
    first: usize,
    last: usize,
    /// Mean margin of the segment's tags over `O`.
    margin: f32,
}

fn segments(tags: &[Tag], emissions: &[f32]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut sum = 0.0f32;
    for (i, &tag) in tags.iter().enumerate() {
        let margin = emissions[i * TAGS + tag as usize] - emissions[i * TAGS];
        if tag == Tag::O {
            continue;
        }
        let continues = !tag.is_begin()
            && out
                .last()
                .is_some_and(|s| s.last + 1 == i && s.role == tag.role());
        if continues {
            let s = out.last_mut().expect("checked");
            s.last = i;
            sum += margin;
            s.margin = sum / (s.last - s.first + 1) as f32;
        } else {
            sum = margin;
            out.push(Segment {
                role: tag.role(),
                first: i,
                last: i,
                margin,
            });
        }
    }
    out
}

fn gap(a: &Segment, b: &Segment) -> usize {
    if a.last < b.first {
        b.first - a.last - 1
    } else {
        a.first.saturating_sub(b.last + 1)
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Groups role segments into attributions: each content and each source
/// attaches to the nearest cue (within a gap limit); a cue's contents merge
/// into one range from the first to the last; cues without content are
/// dropped; a content with no cue nearby stands alone.
pub(crate) fn attributions(
    tokens: &[Token],
    tags: &[Tag],
    emissions: &[f32],
    provenance: &'static str,
) -> Vec<Attribution> {
    let segs = segments(tags, emissions);
    let cues: Vec<&Segment> = segs.iter().filter(|s| s.role == 2).collect();
    let nearest_cue = |s: &Segment, limit: usize| -> Option<usize> {
        cues.iter()
            .enumerate()
            .map(|(k, c)| (gap(s, c), k))
            .filter(|&(g, _)| g <= limit)
            .min()
            .map(|(_, k)| k)
    };
    let mut contents: Vec<Vec<&Segment>> = vec![Vec::new(); cues.len()];
    let mut sources: Vec<Option<&Segment>> = vec![None; cues.len()];
    let mut alone = Vec::new();
    for s in segs.iter().filter(|s| s.role == 3) {
        match nearest_cue(s, MAX_CONTENT_GAP) {
            Some(k) => contents[k].push(s),
            None => alone.push(s),
        }
    }
    // Each cue takes the nearest source segment (a source may serve two
    // cues: "X said ... and added ...").
    for (k, cue) in cues.iter().enumerate() {
        sources[k] = segs
            .iter()
            .filter(|s| s.role == 1 && gap(s, cue) <= MAX_SOURCE_GAP)
            .min_by_key(|s| (gap(s, cue), s.first > cue.first));
    }
    let range = |first: usize, last: usize| tokens[first].start..tokens[last].end;
    let mut out = Vec::new();
    for (k, cue) in cues.iter().enumerate() {
        // Content pieces of one cue join when only the cue, its source and
        // punctuation separate them ("A," he said, "B"); other pieces stand
        // as attributions of their own with the same cue.
        let mut pieces = contents[k].clone();
        pieces.sort_by_key(|s| s.first);
        let mut groups: Vec<Vec<&Segment>> = Vec::new();
        for p in pieces {
            match groups.last_mut() {
                Some(g)
                    if p.first.saturating_sub(g.last().expect("non-empty").last)
                        <= MAX_JOIN_GAP
                        && g.last().expect("non-empty").last < cue.first
                        && p.first > cue.last =>
                {
                    g.push(p)
                }
                _ => groups.push(vec![p]),
            }
        }
        for group in groups {
            let first = group[0].first;
            let last = group[group.len() - 1].last;
            let margin = group.iter().map(|s| s.margin).sum::<f32>() / group.len() as f32;
            let margin = (margin + cue.margin) / 2.0;
            out.push(Attribution {
                cue: Some(range(cue.first, cue.last)),
                source: sources[k].map(|s| range(s.first, s.last)),
                ..Attribution::new(range(first, last), sigmoid(margin), provenance)
            });
        }
    }
    for s in alone {
        out.push(Attribution::new(
            range(s.first, s.last),
            sigmoid(s.margin) * 0.5,
            provenance,
        ));
    }
    out.sort_by_key(|a| (a.content.start, a.content.end));
    out
}
