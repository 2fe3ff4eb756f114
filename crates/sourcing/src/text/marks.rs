//! Quotation-mark pairing: curly and straight marks, nesting, quotations
//! over several paragraphs, unbalanced marks, and scare quotes.

use crate::text::cues::Cue;
use crate::text::ranges::ceil_boundary;
use crate::text::ranges::floor_boundary;
use crate::text::ranges::lower_words;
use crate::text::ranges::trim_range;
use crate::ByteRange;

/// A pair of quotation marks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotePair {
    /// Byte offset of the opening mark.
    pub open: usize,
    /// Byte offset of the closing mark; `None` when the quotation is not
    /// closed (it then ends with its paragraph).
    pub close: Option<usize>,
    /// The quoted text between the marks (trimmed of whitespace).
    pub inner: ByteRange,
    /// Nesting depth: 1 for an outer quotation, 2 for a quote inside it, ...
    pub depth: u8,
    /// A scare quote: a short quoted term that is not speech (1–3 words, no
    /// sentence punctuation inside, no speech cue next to it).
    pub scare: bool,
}

impl QuotePair {
    /// The range from the opening mark to the end of the closing mark (or of
    /// the inner text when unclosed).
    pub fn outer(&self, text: &str) -> ByteRange {
        let end = match self.close {
            Some(c) => c + text[c..].chars().next().map_or(0, char::len_utf8),
            None => self.inner.end,
        };
        self.open..end
    }
}

pub(crate) fn is_open_double(c: char) -> bool {
    matches!(c, '\u{201c}' | '\u{201e}' | '\u{ab}')
}
pub(crate) fn is_close_double(c: char) -> bool {
    matches!(c, '\u{201d}' | '\u{bb}')
}
pub(crate) fn is_quote_char(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{201c}'
            | '\u{201d}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201e}'
            | '\u{ab}'
            | '\u{bb}'
    )
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Mark {
    Open,
    Close,
    Either,
    None,
}

pub(crate) fn opener_context(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(p) => {
            p.is_whitespace()
                || matches!(
                    p,
                    '(' | '[' | '{' | '\u{2014}' | '\u{2013}' | '-' | '/' | '\u{201c}' | '\u{2018}'
                )
                || (p == '"' || p == '\'')
        }
    }
}

pub(crate) fn closer_context(next: Option<char>) -> bool {
    match next {
        None => true,
        Some(n) => {
            n.is_whitespace()
                || matches!(
                    n,
                    '.' | ','
                        | ';'
                        | ':'
                        | '!'
                        | '?'
                        | ')'
                        | ']'
                        | '}'
                        | '\u{2014}'
                        | '\u{2013}'
                        | '-'
                        | '/'
                        | '\u{201d}'
                        | '\u{2019}'
                        | '\u{2026}'
                )
                || (n == '"' || n == '\'')
        }
    }
}

pub(crate) fn classify_double(c: char, prev: Option<char>, next: Option<char>) -> Mark {
    if is_open_double(c) {
        return Mark::Open;
    }
    if is_close_double(c) {
        // A ” used as an opener: preceded by a space, followed by a letter.
        if opener_context(prev) && next.is_some_and(char::is_alphanumeric) {
            return Mark::Either;
        }
        return Mark::Close;
    }
    let o = opener_context(prev) && !next.is_some_and(char::is_whitespace) && next.is_some();
    let cl = closer_context(next) && !prev.is_some_and(char::is_whitespace) && prev.is_some();
    match (o, cl) {
        (true, false) => Mark::Open,
        (false, true) => Mark::Close,
        _ => Mark::Either,
    }
}

pub(crate) fn classify_single(c: char, prev: Option<char>, next: Option<char>) -> Mark {
    let prev_alnum = prev.is_some_and(char::is_alphanumeric);
    let next_alpha = next.is_some_and(char::is_alphabetic);
    let next_digit = next.is_some_and(|n| n.is_ascii_digit());
    if c == '\u{2018}' {
        if next_digit {
            return Mark::None; // ‘90s
        }
        return Mark::Open;
    }
    if prev_alnum && next_alpha {
        return Mark::None; // it’s, O'Neill
    }
    if opener_context(prev) && (next_alpha || next.is_some_and(is_quote_char)) {
        return Mark::Open;
    }
    if opener_context(prev) && next_digit {
        return Mark::None; // '90s
    }
    if !prev.is_some_and(char::is_whitespace) && prev.is_some() && closer_context(next) {
        return Mark::Close; // a close only if a single quote is open
    }
    Mark::None
}

pub(crate) struct OpenMark {
    pub(crate) pos: usize,
    pub(crate) len: usize,
    pub(crate) double: bool,
}

/// How many quotation marks may be open at once; an opening mark beyond
/// that is ignored. Real quotations nest two or three deep.
const MAX_OPEN_MARKS: usize = 8;

/// Pairs the quotation marks of `text`, in order of their opening marks.
///
/// Never panics; every range lies on character boundaries inside `text`.
pub fn quotation_spans(text: &str) -> Vec<QuotePair> {
    let mut out: Vec<QuotePair> = Vec::new();
    let mut stack: Vec<OpenMark> = Vec::new();
    let mut skip_open: Option<usize> = None;
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let next = iter.peek().map(|&(_, n)| n);
        if c == '\n' {
            if stack.iter().any(|m| m.double) {
                // The next paragraph's first visible character.
                let rest = &text[i..];
                let lead = rest.len() - rest.trim_start().len();
                let p = i + lead;
                let first = text[p..].chars().next();
                let second = text[p..].chars().nth(1);
                let continues = lead > 0
                    && first.is_some_and(|f| {
                        is_open_double(f)
                            || (f == '"' && classify_double(f, Some('\n'), second) == Mark::Open)
                    });
                if continues {
                    stack.retain(|m| m.double);
                    skip_open = Some(p);
                } else {
                    close_all(text, &mut stack, i, &mut out);
                }
            } else {
                stack.clear();
            }
            prev = Some(c);
            continue;
        }
        if !is_quote_char(c) {
            prev = Some(c);
            continue;
        }
        if skip_open == Some(i) {
            skip_open = None;
            prev = Some(c);
            continue;
        }
        let double = matches!(
            c,
            '"' | '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{ab}' | '\u{bb}'
        );
        let mark = if double {
            classify_double(c, prev, next)
        } else {
            classify_single(c, prev, next)
        };
        let top_double = stack.iter().rposition(|m| m.double);
        let top_single = stack.iter().rposition(|m| !m.double);
        let single_open_above = match (top_single, top_double) {
            (Some(s), Some(d)) => s > d,
            (Some(_), None) => true,
            _ => false,
        };
        let len = c.len_utf8();
        let action = match (double, mark) {
            (_, Mark::None) => Mark::None,
            (true, Mark::Either) => {
                if top_double.is_some() {
                    Mark::Close
                } else {
                    Mark::Open
                }
            }
            (false, Mark::Close) | (false, Mark::Either) => {
                if single_open_above {
                    Mark::Close
                } else {
                    Mark::None
                }
            }
            (_, m) => m,
        };
        match action {
            // Deeper nesting is not quotation but unbalanced marks; ignoring
            // them keeps the stack, and the work per mark, bounded.
            Mark::Open if stack.len() >= MAX_OPEN_MARKS => {}
            Mark::Open => stack.push(OpenMark {
                pos: i,
                len,
                double,
            }),
            Mark::Close => {
                let target = if double { top_double } else { top_single };
                if let Some(t) = target {
                    let m = stack.remove(t);
                    stack.truncate(t); // unclosed inner singles are apostrophes
                    let depth = (stack.len() + 1).min(u8::MAX as usize) as u8;
                    let inner = trim_range(text, m.pos + m.len, i);
                    out.push(QuotePair {
                        open: m.pos,
                        close: Some(i),
                        inner,
                        depth,
                        scare: false,
                    });
                }
            }
            _ => {}
        }
        prev = Some(c);
    }
    close_all(text, &mut stack, text.len(), &mut out);
    out.sort_by_key(|q| q.open);
    let flags: Vec<bool> = out.iter().map(|q| is_scare(text, q)).collect();
    for (q, s) in out.iter_mut().zip(flags) {
        q.scare = s;
    }
    out
}

pub(crate) fn close_all(
    text: &str,
    stack: &mut Vec<OpenMark>,
    end: usize,
    out: &mut Vec<QuotePair>,
) {
    let doubles: Vec<OpenMark> = stack.drain(..).filter(|m| m.double).collect();
    for (k, m) in doubles.iter().enumerate() {
        let inner = trim_range(text, m.pos + m.len, end.max(m.pos + m.len));
        out.push(QuotePair {
            open: m.pos,
            close: None,
            inner,
            depth: (k + 1).min(u8::MAX as usize) as u8,
            scare: false,
        });
    }
}

pub(crate) fn is_scare(text: &str, q: &QuotePair) -> bool {
    let Some(close) = q.close else { return false };
    let inner = &text[q.inner.clone()];
    let core = inner.trim_end_matches([',']);
    let n_words = core.split_whitespace().count();
    let before_start = floor_boundary(text, q.open.saturating_sub(40));
    let before = &text[before_start..q.open];
    let line_before = before.rsplit('\n').next().unwrap_or("");
    let so_called = line_before.trim_end().to_lowercase().ends_with("so-called")
        || line_before.trim_end().to_lowercase().ends_with("so called");
    if so_called && (1..=5).contains(&n_words) {
        return true;
    }
    if !(1..=3).contains(&n_words) {
        return false;
    }
    if core.contains(['.', '!', '?', ';', ':', '\u{2026}']) {
        return false;
    }
    if line_before.trim_end().ends_with([':', ',']) {
        return false;
    }
    let after_end = ceil_boundary(text, close + 1 + 40);
    let after_start = ceil_boundary(text, close + 1);
    let after = &text[after_start..after_end];
    let after_line = after.split('\n').next().unwrap_or("");
    // Only the clause around the quote counts: cut at sentence ends.
    let line_before = line_before
        .rfind(['.', '!', '?'])
        .map_or(line_before, |p| &line_before[p + 1..]);
    let after_line = after_line
        .find(['.', '!', '?'])
        .map_or(after_line, |p| &after_line[..p]);
    let mut near = lower_words(line_before);
    let tail: Vec<String> = near.split_off(near.len().saturating_sub(3));
    let head: Vec<String> = lower_words(after_line).into_iter().take(3).collect();
    if tail.iter().chain(&head).any(|w| Cue::NEAR.has(w)) {
        return false;
    }
    if tail
        .last()
        .is_some_and(|w| matches!(w.as_str(), "titled" | "entitled" | "headlined"))
    {
        return false;
    }
    true
}
