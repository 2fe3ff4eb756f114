//! The word-level difference of two paragraphs, for marking what an edited
//! paragraph changed.

use std::ops::Range;

/// Most cells of the word-diff table (tokens of one side times the other's,
/// after the common beginning and end are set aside); beyond it the whole
/// differing middle is marked as changed.
pub const WORD_DIFF_MAX_CELLS: usize = 1_000_000;

/// The words that differ between two texts, as byte ranges of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordDiff {
    /// Ranges of the first text outside the common subsequence (deleted).
    pub removed: Vec<Range<usize>>,
    /// Ranges of the second text outside it (inserted).
    pub added: Vec<Range<usize>>,
}

/// The word-level difference of `a` and `b`: tokens (runs of letters and
/// digits, and single punctuation marks; white space separates them and
/// never counts) outside a longest common subsequence of the two token
/// lists. Neighbouring changed tokens make one range, with the space
/// between them. The common beginning and end are set aside first; when
/// the rest is over [`WORD_DIFF_MAX_CELLS`], all of it is marked changed.
///
/// ```
/// let d = unspin_writers::word_diff("new strikes hit the city", "new US strikes hit a city");
/// let a = "new strikes hit the city";
/// let b = "new US strikes hit a city";
/// assert_eq!(d.removed.iter().map(|r| &a[r.clone()]).collect::<Vec<_>>(), ["the"]);
/// assert_eq!(d.added.iter().map(|r| &b[r.clone()]).collect::<Vec<_>>(), ["US", "a"]);
/// ```
pub fn word_diff(a: &str, b: &str) -> WordDiff {
    let ta = tokens(a);
    let tb = tokens(b);
    fn word<'t>(text: &'t str, t: &Range<usize>) -> &'t str {
        text.get(t.clone()).unwrap_or_default()
    }
    let prefix = ta
        .iter()
        .zip(&tb)
        .take_while(|(x, y)| word(a, x) == word(b, y))
        .count();
    let suffix = ta[prefix..]
        .iter()
        .rev()
        .zip(tb[prefix..].iter().rev())
        .take_while(|(x, y)| word(a, x) == word(b, y))
        .count();
    let ma = &ta[prefix..ta.len() - suffix];
    let mb = &tb[prefix..tb.len() - suffix];
    let (mut gone, mut new) = (vec![true; ma.len()], vec![true; mb.len()]);
    let cells = (ma.len() + 1).saturating_mul(mb.len() + 1);
    if !ma.is_empty() && !mb.is_empty() && cells <= WORD_DIFF_MAX_CELLS {
        // lcs[i][j]: the LCS length of ma[i..] and mb[j..].
        let width = mb.len() + 1;
        let mut lcs = vec![0u32; cells];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                lcs[i * width + j] = if word(a, &ma[i]) == word(b, &mb[j]) {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() && j < mb.len() {
            if word(a, &ma[i]) == word(b, &mb[j]) {
                gone[i] = false;
                new[j] = false;
                i += 1;
                j += 1;
            } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    WordDiff {
        removed: merge_runs(ma, &gone),
        added: merge_runs(mb, &new),
    }
}

/// Token byte ranges: runs of letters and digits, and every other
/// character that is not white space on its own.
fn tokens(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut word: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            word.get_or_insert(i);
            continue;
        }
        if let Some(start) = word.take() {
            out.push(start..i);
        }
        if !c.is_whitespace() {
            out.push(i..i + c.len_utf8());
        }
    }
    if let Some(start) = word {
        out.push(start..text.len());
    }
    out
}

/// The ranges of consecutive flagged tokens, each run as one range.
fn merge_runs(tokens: &[Range<usize>], flagged: &[bool]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut previous_flagged = false;
    for (t, &f) in tokens.iter().zip(flagged) {
        if f {
            match out.last_mut() {
                Some(last) if previous_flagged => last.end = t.end,
                _ => out.push(t.clone()),
            }
        }
        previous_flagged = f;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts of `ranges` in `text`.
    fn texts<'t>(text: &'t str, ranges: &[Range<usize>]) -> Vec<&'t str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn word_diff_marks_replaced_inserted_and_deleted_words() {
        let a = "The ceasefire collapsed on Monday after strikes hit the city.";
        let b = "The ceasefire collapsed on Monday after new US strikes hit the old city!";
        let d = word_diff(a, b);
        assert!(d.removed.iter().all(|r| &a[r.clone()] == "."), "{d:?}");
        assert_eq!(texts(b, &d.added), ["new US", "old", "!"]);
        let same = word_diff(a, a);
        assert_eq!(same, WordDiff::default());
        // Deleting everything, or adding to nothing.
        let gone = word_diff("two words", "");
        assert_eq!(texts("two words", &gone.removed), ["two words"]);
        assert!(gone.added.is_empty());
        assert_eq!(word_diff("", "x y").added, vec![0..3]);
    }

    #[test]
    fn word_diff_keeps_offsets_on_characters_and_ignores_spacing() {
        let a = "Fran\u{e7}ois said \u{201c}no\u{201d}  today";
        let b = "Fran\u{e7}ois  said \u{201c}oui\u{201d} today";
        let d = word_diff(a, b);
        assert_eq!(texts(a, &d.removed), ["no"]);
        assert_eq!(texts(b, &d.added), ["oui"]);
    }

    #[test]
    fn word_diff_of_huge_paragraphs_marks_the_middle_without_a_table() {
        let n = 1_200;
        let a: String = (0..n).map(|i| format!("a{i} ")).collect();
        let b: String = (0..n).map(|i| format!("b{i} ")).collect();
        let (a, b) = (
            format!("same start {a}same end"),
            format!("same start {b}same end"),
        );
        let d = word_diff(&a, &b);
        assert_eq!(d.removed.len(), 1);
        assert!(
            a[d.removed[0].clone()].starts_with("a0 ")
                && a[d.removed[0].clone()].ends_with("a1199")
        );
        assert!(b[d.added[0].clone()].starts_with("b0 "));
    }
}
