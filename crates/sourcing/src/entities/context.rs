//! The recogniser's per-text state ([`Ctx`]: tokens and their words) and
//! its word-shape helpers.

use crate::entities::gazetteer::first_word;
use crate::entities::gazetteer::gazetteer;
use crate::entities::gazetteer::gazetteer_kind;
use crate::entities::gazetteer::is_particle;
use crate::entities::gazetteer::word_sets;
use crate::EntityKind;
use unspin_segment::{Token, TokenKind};

pub(super) fn is_word_boundary(text: &str, at: usize) -> bool {
    match text[at..].chars().next() {
        None => true,
        Some(c) => {
            // Footnote digits ("Journal⁴") still end a word.
            !c.is_alphanumeric() || (!c.is_alphabetic() && !c.is_ascii_digit())
        }
    }
}

/// Whether `s` ends with the ASCII word `w`, ignoring case: the same as
/// `s.to_lowercase().ends_with(w)` (only ASCII letters lower-case to the ASCII
/// letters of such a word) without lower-casing all of `s`.
pub(super) fn ends_with_ignore_ascii_case(s: &str, w: &str) -> bool {
    s.len() >= w.len() && s.as_bytes()[s.len() - w.len()..].eq_ignore_ascii_case(w.as_bytes())
}

pub(super) fn cap(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

pub(super) fn is_acronym(word: &str) -> bool {
    let n = word.chars().count();
    (2..=6).contains(&n) && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// The end of `tok`'s word without a possessive ("’s", "'s", trailing
/// apostrophe) or trailing footnote marks.
pub(super) fn word_end(text: &str, tok: &Token) -> usize {
    let w = &text[tok.start..tok.end];
    let mut end = tok.end;
    for suf in ["'s", "\u{2019}s", "'S", "\u{2019}S"] {
        if w.len() > suf.len() && w.ends_with(suf) {
            end -= suf.len();
            break;
        }
    }
    // Trailing non-letters (superscript footnote numbers).
    let mut s = &text[tok.start..end];
    while let Some(c) = s.chars().last() {
        if c.is_alphabetic() || s.len() <= c.len_utf8() {
            break;
        }
        if c.is_ascii_digit() && s.chars().any(|d| d.is_ascii_digit() && d != c) {
            break;
        }
        if c.is_ascii_digit() && s.chars().all(|d| d.is_ascii_digit() || d.is_uppercase()) {
            break; // "MI6", "G20"
        }
        s = &s[..s.len() - c.len_utf8()];
    }
    tok.start + s.len()
}

pub(super) fn has_possessive(text: &str, tok: &Token) -> bool {
    word_end(text, tok) < tok.end
}

pub(super) struct Ctx<'a> {
    pub(super) text: &'a str,
    pub(super) toks: &'a [Token],
    pub(super) sent_initial: Vec<bool>,
    /// Tokens inside the title, a heading or a quoted headline.
    pub(super) headline: Vec<bool>,
}

impl<'a> Ctx<'a> {
    pub(super) fn word(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.text[t.start..t.end]
    }
    pub(super) fn is_word(&self, i: usize) -> bool {
        i < self.toks.len() && self.toks[i].kind != TokenKind::Punct
    }
    pub(super) fn adjacent(&self, i: usize) -> bool {
        // token i+1 starts right where token i ends
        i + 1 < self.toks.len() && self.toks[i].end == self.toks[i + 1].start
    }
    pub(super) fn gap_is_space(&self, i: usize) -> bool {
        // only spaces (no newline) between token i and i+1
        i + 1 < self.toks.len()
            && self.text[self.toks[i].end..self.toks[i + 1].start]
                .chars()
                .all(|c| c == ' ' || c == '\u{a0}')
    }

    /// A gazetteer match starting at token `i`: (end byte, next token, kind).
    pub(super) fn gazetteer_at(&self, i: usize) -> Option<(usize, usize, EntityKind)> {
        let t = &self.toks[i];
        let first = &self.text[t.start..word_end(self.text, t)];
        let g = gazetteer();
        let key = first_word(first);
        let entries = g.by_first.get(key)?;
        for (e, kind) in entries {
            if self.text[t.start..].starts_with(e) && is_word_boundary(self.text, t.start + e.len())
            {
                let end = t.start + e.len();
                let mut j = i;
                while j < self.toks.len() && self.toks[j].start < end {
                    j += 1;
                }
                // The match must not cut a token in two, except a possessive
                // or footnote mark.
                if j > 0
                    && self.toks[j - 1].end > end
                    && word_end(self.text, &self.toks[j - 1]) != end
                {
                    continue;
                }
                // Multi-word entries must stay on one line.
                if self.text[t.start..end].contains('\n') {
                    continue;
                }
                return Some((end, j, *kind));
            }
        }
        None
    }

    /// A title starting at token `i`: the next token index after it.
    pub(super) fn title_at(&self, i: usize) -> Option<usize> {
        let t = &self.toks[i];
        let word = &self.text[t.start..t.end];
        let cands = gazetteer().titles.get(word)?;
        for title in cands {
            if self.text[t.start..].starts_with(title)
                && is_word_boundary(self.text, t.start + title.len())
            {
                let end = t.start + title.len();
                let mut j = i;
                while j < self.toks.len() && self.toks[j].start < end {
                    j += 1;
                }
                return Some(j);
            }
        }
        None
    }

    /// A name run starting at token `i` (capitalised words, initials,
    /// particles, O’ names, hyphenated parts): (end byte, next token,
    /// number of name words).
    pub(super) fn name_run(&self, i: usize, org: bool) -> Option<(usize, usize, usize)> {
        let n = self.toks.len();
        let mut j = i;
        let mut end = None;
        let mut words = 0;
        let mut in_org = org;
        while j < n {
            if j > i && !self.gap_is_space(j - 1) && !self.adjacent(j - 1) {
                break;
            }
            let w = self.word(j);
            let tok = self.toks[j];
            if !self.is_word(j) {
                break;
            }
            if cap(w) {
                if j > i
                    && (word_sets().months_days.contains(&w)
                        || (word_sets().stop_starts.contains(&w) && w != "The"))
                {
                    break;
                }
                if j > i && self.title_at(j).is_some() && words > 0 && !in_org {
                    break;
                }
                // Initial "W." / "U.S."
                let single = w.chars().count() == 1;
                if single && j + 1 < n && self.adjacent(j) && self.word(j + 1) == "." {
                    end = Some(self.toks[j + 1].end);
                    words += 1;
                    j += 2;
                    // "U.S." continues without a space.
                    continue;
                }
                // O’Hanlon split as "O", "’", "Hanlon" (possibly "O’ Hanlon").
                if single
                    && j + 2 < n
                    && self.adjacent(j)
                    && matches!(self.word(j + 1), "'" | "\u{2019}")
                    && self.gap_is_space(j + 1)
                    && cap(self.word(j + 2))
                {
                    let t2 = self.toks[j + 2];
                    end = Some(word_end(self.text, &t2));
                    words += 1;
                    let poss = has_possessive(self.text, &t2);
                    j += 3;
                    if poss {
                        break;
                    }
                    continue;
                }
                if word_sets().org_heads.contains(&w) {
                    in_org = true;
                }
                end = Some(word_end(self.text, &tok));
                words += 1;
                j += 1;
                if has_possessive(self.text, &tok) {
                    break;
                }
                // Hyphenated capitalised part: "Jean-Claude", "al-Nusra".
                if j + 1 < n
                    && self.adjacent(j - 1)
                    && self.word(j) == "-"
                    && self.adjacent(j)
                    && cap(self.word(j + 1))
                    && !(gazetteer_kind(w) == Some(EntityKind::Place)
                        || gazetteer_kind(self.word(j + 1)) == Some(EntityKind::Place))
                {
                    let t2 = self.toks[j + 1];
                    end = Some(word_end(self.text, &t2));
                    let poss = has_possessive(self.text, &t2);
                    j += 2;
                    if poss {
                        break;
                    }
                }
                continue;
            }
            // Lower-case: particle, "al-" prefix or an org connector.
            let lw = w;
            if is_particle(lw) {
                if self.adjacent(j) && j + 2 < n && self.word(j + 1) == "-" && cap(self.word(j + 2))
                {
                    // "al-Nusra"
                    if words == 0 || self.gap_is_space(j - 1) {
                        let t2 = self.toks[j + 2];
                        end = Some(word_end(self.text, &t2));
                        words += 1;
                        let poss = has_possessive(self.text, &t2);
                        j += 3;
                        if poss {
                            break;
                        }
                        continue;
                    }
                }
                if words > 0 && j + 1 < n && self.gap_is_space(j) && cap(self.word(j + 1)) {
                    j += 1;
                    continue;
                }
                break;
            }
            if in_org && words > 0 && (word_sets().org_connectors.contains(&lw)) {
                // "of the", "for", "on", "and"
                let mut k = j;
                while k < n && word_sets().org_connectors.contains(&self.word(k)) && k - j < 2 {
                    if !self.gap_is_space(k) {
                        break;
                    }
                    k += 1;
                }
                if k < n
                    && k > j
                    && cap(self.word(k))
                    && !word_sets().stop_starts.contains(&self.word(k))
                {
                    j = k;
                    continue;
                }
            }
            break;
        }
        end.map(|e| (e, j, words))
    }
}
