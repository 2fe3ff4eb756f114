//! The stacked (second) tagger's features: the base features plus the
//! first tagger's tags around each token.

use super::hashing::{pos_bucket, ArticleFeatures, Sink};
use crate::tags::Tag;

const TAG_NAMES: [&str; 7] = ["O", "BS", "IS", "BC", "IC", "BT", "IT"];

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
    let n = base.len();
    let mask = (1u32 << bits) - 1;
    let name = |j: isize| -> &'static str {
        if j < 0 || j as usize >= n {
            "-"
        } else {
            TAG_NAMES[tags[j as usize] as usize]
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
    let flags = |s: usize| -> &'static str {
        const NAMES: [&str; 8] = ["---", "--T", "-C-", "-CT", "S--", "S-T", "SC-", "SCT"];
        let r = roles[s];
        NAMES[usize::from(r[1]) * 4 + usize::from(r[2]) * 2 + usize::from(r[3])]
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
    let mut ids = Vec::with_capacity(base.ids.len() + n * 12);
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u32);
    for i in 0..n {
        ids.extend_from_slice(base.token(i));
        let mut sink = Sink {
            ids: &mut ids,
            mask,
        };
        let ii = i as isize;
        let t = name(ii);
        sink.add(100, t);
        sink.add2(101, name(ii - 1), t);
        sink.add2(102, t, name(ii + 1));
        sink.add(103, name(ii - 2));
        sink.add(104, name(ii + 2));
        sink.add3(105, name(ii - 1), t, name(ii + 1));
        // The word (its base feature bucket) with the tag.
        sink.add_id(106, base.token(i).get(1).copied().unwrap_or(0), t);
        let s = sentence_of[i] as usize;
        sink.add(107, cue_before[i].map_or("none", |c| pos_bucket(i - c)));
        sink.add(108, cue_after[i].map_or("none", |c| pos_bucket(c - i)));
        sink.add2(109, flags(s), t);
        sink.add2(110, if s > 0 { flags(s - 1) } else { "<s>" }, t);
        sink.add2(111, t, pos_bucket(seg_len[i]));
        offsets.push(ids.len() as u32);
    }
    ArticleFeatures { ids, offsets }
}
