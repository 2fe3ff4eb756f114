//! The seven BIO tags of the three attribution roles, and Viterbi decoding
//! under the BIO constraints (an inside tag only continues its own role).

/// Number of tags.
pub const TAGS: usize = 7;
/// The row of the transition table for the first token.
const START: usize = TAGS;

/// The BIO tags of the three attribution roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Tag {
    /// Outside any attribution.
    O = 0,
    /// First token of a source (speaker).
    BeginSource = 1,
    /// Inside a source.
    InSource = 2,
    /// First token of a cue.
    BeginCue = 3,
    /// Inside a cue.
    InCue = 4,
    /// First token of a content.
    BeginContent = 5,
    /// Inside a content.
    InContent = 6,
}

impl Tag {
    /// All tags by index.
    pub const ALL: [Tag; TAGS] = [
        Tag::O,
        Tag::BeginSource,
        Tag::InSource,
        Tag::BeginCue,
        Tag::InCue,
        Tag::BeginContent,
        Tag::InContent,
    ];
    /// The tag with index `i`.
    pub fn from_index(i: usize) -> Tag {
        Tag::ALL[i]
    }
    /// The role (0 none, 1 source, 2 cue, 3 content).
    pub fn role(self) -> u8 {
        (self as u8).div_ceil(2)
    }
    /// True for the first tag of a role.
    pub fn is_begin(self) -> bool {
        matches!(self, Tag::BeginSource | Tag::BeginCue | Tag::BeginContent)
    }
}

/// True when tag `next` may follow tag `prev` (`START` for the first token):
/// an inside tag only continues its own role.
fn allowed(prev: usize, next: usize) -> bool {
    let n = Tag::from_index(next);
    if n == Tag::O || n.is_begin() {
        return true;
    }
    prev != START && Tag::from_index(prev).role() == n.role()
}

/// For each tag, the tags that may precede it (`allowed`), in increasing
/// order, and how many there are: every tag before `O` and a begin tag, only
/// the same role's two tags before an inside tag.
const PREDECESSORS: [([usize; TAGS], usize); TAGS] = {
    let mut out = [([0usize; TAGS], 0usize); TAGS];
    let mut t = 0;
    while t < TAGS {
        let mut k = 0;
        let mut p = 0;
        while p < TAGS {
            // `allowed(p, t)` for p < START, spelled out for a const.
            let inside = t != 0 && t % 2 == 0;
            if !inside || p.div_ceil(2) == t.div_ceil(2) {
                out[t].0[k] = p;
                k += 1;
            }
            p += 1;
        }
        out[t].1 = k;
        t += 1;
    }
    out
};

/// The best tag sequence under emissions `e` (`n × TAGS`) and transitions `tr`.
///
/// The same arithmetic, in the same order, as the textbook loop over every
/// pair of tags with `allowed`: only the disallowed pairs are skipped up
/// front, and only the previous token's scores are kept.
pub(crate) fn viterbi(e: &[f32], tr: &[f32]) -> Vec<Tag> {
    let n = e.len() / TAGS;
    if n == 0 {
        return Vec::new();
    }
    let tr: &[f32; (TAGS + 1) * TAGS] = match tr.try_into() {
        Ok(tr) => tr,
        Err(_) => return vec![Tag::O; n],
    };
    let mut prev = [f32::NEG_INFINITY; TAGS];
    let mut back = vec![[0u8; TAGS]; n];
    for t in 0..TAGS {
        if allowed(START, t) {
            prev[t] = e[t] + tr[START * TAGS + t];
        }
    }
    for (i, row) in e.chunks_exact(TAGS).enumerate().skip(1) {
        let mut cur = [0f32; TAGS];
        let b = &mut back[i];
        for t in 0..TAGS {
            let (preds, count) = &PREDECESSORS[t];
            let mut best = f32::NEG_INFINITY;
            let mut arg = 0;
            for &p in &preds[..*count] {
                let s = prev[p] + tr[p * TAGS + t];
                if s > best {
                    best = s;
                    arg = p;
                }
            }
            cur[t] = best + row[t];
            b[t] = arg as u8;
        }
        prev = cur;
    }
    let mut tags = vec![Tag::O; n];
    let last = &prev;
    let mut cur = (0..TAGS)
        .max_by(|&a, &b| last[a].total_cmp(&last[b]))
        .unwrap_or(0);
    for i in (0..n).rev() {
        tags[i] = Tag::from_index(cur);
        cur = back[i][cur] as usize;
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viterbi_respects_constraints() {
        // Emissions prefer InContent everywhere, but it cannot start a sequence.
        let mut e = vec![0.0f32; 3 * TAGS];
        for i in 0..3 {
            e[i * TAGS + Tag::InContent as usize] = 5.0;
            e[i * TAGS + Tag::BeginContent as usize] = 1.0;
        }
        let tr = vec![0.0f32; (TAGS + 1) * TAGS];
        let tags = viterbi(&e, &tr);
        assert_eq!(tags, [Tag::BeginContent, Tag::InContent, Tag::InContent]);
    }

    #[test]
    fn the_predecessor_table_is_allowed() {
        for (t, &(preds, count)) in PREDECESSORS.iter().enumerate() {
            let expected: Vec<usize> = (0..TAGS).filter(|&p| allowed(p, t)).collect();
            assert_eq!(&preds[..count], &expected[..], "tag {t}");
        }
    }
}
