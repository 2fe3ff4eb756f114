//! The stacked (second) tagger's features: the base features plus the
//! first tagger's tags around each token.

use super::hashing::{ArticleFeatures, Sink};
use super::tables::{pos_ix, stacked_tables, TAG_NAMES_B, TAG_NONE};
use crate::tags::Tag;

/// The features of the stacked (second) tagger: every base feature of the
/// token, plus the first tagger's tags around it — the tag itself and its
/// neighbours (±2), the tag with the word, the distance to the nearest
/// predicted cue before and after in the sentence, which roles the sentence
/// and the previous sentence hold, and the length of the predicted segment
/// the token lies in.
pub fn stacked_features(
    base: &ArticleFeatures,
    sentence_of: &[u32],
    tags: &[Tag],
    bits: u32,
) -> ArticleFeatures {
    let extra = stacked_extra(base, sentence_of, tags, bits);
    let mut ids = Vec::with_capacity(base.ids.len() + extra.ids.len());
    let mut offsets = Vec::with_capacity(base.len() + 1);
    offsets.push(0u32);
    for i in 0..base.len() {
        ids.extend_from_slice(base.token(i));
        ids.extend_from_slice(extra.token(i));
        offsets.push(ids.len() as u32);
    }
    ArticleFeatures { ids, offsets }
}

/// The features that [`stacked_features`] adds to each token's base
/// features (the stacked tagger at inference reads both lists without
/// joining them).
pub(crate) fn stacked_extra(
    base: &ArticleFeatures,
    sentence_of: &[u32],
    tags: &[Tag],
    bits: u32,
) -> ArticleFeatures {
    let n = base.len();
    let mask = (1u32 << bits) - 1;
    let tab = stacked_tables();
    // The tag at `j` as an index of TAG_NAMES_B (`-` outside the article).
    let name = |j: isize| -> usize {
        if j < 0 || j as usize >= n {
            TAG_NONE
        } else {
            tags[j as usize] as usize
        }
    };
    // Roles per sentence, nearest predicted cue before/after in the sentence.
    let n_sent = sentence_of
        .iter()
        .copied()
        .max()
        .map_or(0, |m| m as usize + 1);
    let mut roles = vec![[false; 4]; n_sent];
    for i in 0..n {
        roles[sentence_of[i] as usize][tags[i].role() as usize] = true;
    }
    // The roles of sentence `s` as an index of FLAGS.
    let flags = |s: usize| -> usize {
        let r = roles[s];
        usize::from(r[1]) * 4 + usize::from(r[2]) * 2 + usize::from(r[3])
    };
    let mut cue_before = vec![None; n];
    let mut cue_after = vec![None; n];
    let mut cur = None;
    for i in 0..n {
        if i > 0 && sentence_of[i] != sentence_of[i - 1] {
            cur = None;
        }
        cue_before[i] = cur;
        if tags[i].role() == 2 {
            cur = Some(i);
        }
    }
    cur = None;
    for i in (0..n).rev() {
        if i + 1 < n && sentence_of[i] != sentence_of[i + 1] {
            cur = None;
        }
        cue_after[i] = cur;
        if tags[i].role() == 2 {
            cur = Some(i);
        }
    }
    // Predicted segment length (tokens) of each token's segment.
    let mut seg_len = vec![0usize; n];
    let mut start = 0;
    for i in 0..=n {
        let boundary = i == n
            || tags[i].is_begin()
            || tags[i] == Tag::O
            || tags[i].role() != tags[start].role();
        if boundary {
            if i > start && tags[start] != Tag::O {
                for slot in &mut seg_len[start..i] {
                    *slot = i - start;
                }
            }
            start = i;
        }
    }
    let mut ids = Vec::with_capacity(n * 12);
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u32);
    // Every template but 106 hashes values of small fixed sets: their hashes
    // come from `stacked_tables`, indexed as the strings were listed.
    for i in 0..n {
        let mut sink = Sink {
            ids: &mut ids,
            mask,
        };
        let ii = i as isize;
        let t = name(ii);
        let (prev, next) = (name(ii - 1), name(ii + 1));
        sink.push(tab.t100[t]);
        sink.push(tab.t101[prev * 8 + t]);
        sink.push(tab.t102[t * 8 + next]);
        sink.push(tab.t103[name(ii - 2)]);
        sink.push(tab.t104[name(ii + 2)]);
        sink.push(tab.t105[(prev * 8 + t) * 8 + next]);
        // The word (its base feature bucket) with the tag.
        sink.add_id(
            106,
            base.token(i).get(1).copied().unwrap_or(0),
            TAG_NAMES_B[t],
        );
        let s = sentence_of[i] as usize;
        sink.push(tab.t107[cue_before[i].map_or(7, |c| pos_ix(i - c))]);
        sink.push(tab.t108[cue_after[i].map_or(7, |c| pos_ix(c - i))]);
        sink.push(tab.t109[flags(s) * 8 + t]);
        sink.push(tab.t110[if s > 0 { flags(s - 1) } else { 8 } * 8 + t]);
        sink.push(tab.t111[t * 7 + pos_ix(seg_len[i])]);
        offsets.push(ids.len() as u32);
    }
    ArticleFeatures { ids, offsets }
}
