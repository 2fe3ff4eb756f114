//! Hedges and boosters: how firmly the article asserts what it says.
//!
//! A **hedge** weakens a statement or signals that its evidence is thin
//! ("reportedly", "an unconfirmed report", "IMO", "may have", "about 3,000");
//! a **booster** presents it as beyond question ("of course", "the fact is",
//! "clearly"). The lists below are hand-written, after Hyland's
//! metadiscourse inventory (*Metadiscourse*, 2005) narrowed to what news and
//! opinion writing uses, plus journalistic sourcing hedges ("sources say",
//! "according to unnamed officials", "if this report is correct").
//!
//! Matching is done over [`unspin_segment::tokenize`] tokens, so it is
//! case-insensitive and word-boundary aware ("Mayor" is not "may"); curly
//! apostrophes are read as straight ones ("it’s clear"). At every token the
//! longest matching phrase wins and matches never overlap. Text inside the
//! `boilerplate` layer is skipped.
//!
//! Ambiguous words carry a context rule:
//!
//! - **may / might / could** are only hedges in epistemic uses, written as
//!   phrases: "may be", "may have", "may well", "might be", "could be",
//!   "could have", ... ("May 2016", "could reveal" and "Mayor" are not);
//! - **approximators** (about, around, roughly, approximately, nearly,
//!   almost, some, circa) are hedges only before a number ("about 12 km");
//! - **likely** is a hedge except in the polling term "likely voter(s)";
//! - **naturally** is a booster only sentence-initially before a comma
//!   ("Naturally, Moscow ..."), not "occurs naturally";
//! - **bottom line** is a booster only before `:` or `is` ("Bottom line:",
//!   "the bottom line is"), not "the company's bottom line";
//! - **suggest** is a hedge as "suggests" or "suggest(s|ed) that".
//!
//! A same-kind marker glossing the previous one in brackets ("IMO (In my
//! opinion)") is not counted again.
//!
//! Reported belief of third parties ("they believe that ...") is not a hedge of
//! the author's; first-person belief ("I think", "I don't believe") is.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use unspin_segment::{Token, TokenKind};

use crate::text::context::SourcingContext;
use crate::text::lexicon::word_list;

use crate::text::lower::Lowered;
use crate::{ByteRange, Document};

/// Whether a marker weakens or strengthens a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Certainty {
    /// Weakens or distances ("reportedly", "may have", "IMO").
    Hedge,
    /// Strengthens ("of course", "clearly", "the fact is").
    Booster,
}

impl Certainty {
    /// The name used as a span label: `hedge` or `booster`.
    pub fn name(self) -> &'static str {
        match self {
            Certainty::Hedge => "hedge",
            Certainty::Booster => "booster",
        }
    }
}

/// One hedge or booster found in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertaintyMarker {
    /// Where it is (byte range into the document text).
    pub range: ByteRange,
    /// Hedge or booster.
    pub kind: Certainty,
    /// The normalised (lower-case, lexicon form) marker, e.g. `"imo"`,
    /// `"unconfirmed report"`, `"of course"`.
    pub marker: String,
}

/// A context rule attached to a lexicon entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Rule {
    /// No condition.
    Any,
    /// The next token is a number (digits or a number word).
    BeforeNumber,
    /// The next token is not one of these words.
    NotBefore(Vec<&'static str>),
    /// The next token is one of these.
    Before(Vec<&'static str>),
    /// First token of its sentence and followed by a comma.
    SentenceInitialComma,
}

use Certainty::{Booster, Hedge};
use Rule::{Any, Before, BeforeNumber, NotBefore, SentenceInitialComma};

/// The lexicon file: `phrase<TAB>kind<TAB>rule` per line (see its header).
const LEXICON_DATA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/hedges/markers.tsv"
));

/// One parsed lexicon line: (phrase, kind, rule), in file order.
fn parse_lexicon(data: &'static str) -> Vec<(&'static str, Certainty, Rule)> {
    crate::text::lexicon::entries(data)
        .into_iter()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let phrase = fields.next()?;
            let kind = match fields.next()? {
                "hedge" => Hedge,
                "booster" => Booster,
                _ => return None,
            };
            let rule_field = fields.next()?;
            let rule = match rule_field.split_once(':') {
                None => match rule_field {
                    "any" => Any,
                    "before_number" => BeforeNumber,
                    "sentence_initial_comma" => SentenceInitialComma,
                    _ => return None,
                },
                Some(("not_before", words)) => NotBefore(words.split(',').collect()),
                Some(("before", words)) => Before(words.split(',').collect()),
                Some(_) => return None,
            };
            Some((phrase, kind, rule))
        })
        .collect()
}

/// Number words an approximator may precede.
static NUMBER_WORDS: LazyLock<Vec<&'static str>> = word_list!("hedges/number_words.txt");

/// One lexicon entry split into words.
struct Entry {
    words: Vec<&'static str>,
    kind: Certainty,
    rule: Rule,
    name: &'static str,
}

/// The lexicon indexed by first word; each list keeps lexicon order.
fn lexicon_index() -> &'static HashMap<&'static str, Vec<Entry>> {
    static INDEX: OnceLock<HashMap<&'static str, Vec<Entry>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<&'static str, Vec<Entry>> = HashMap::new();
        for (name, kind, rule) in parse_lexicon(LEXICON_DATA) {
            let words: Vec<&'static str> = name.split(' ').collect();
            index.entry(words[0]).or_default().push(Entry {
                words,
                kind,
                rule,
                name,
            });
        }
        index
    })
}

/// Finds the hedges and boosters of `doc`, sorted by position, skipping
/// text inside the `boilerplate` layer.
pub fn find_markers(doc: &Document) -> Vec<CertaintyMarker> {
    find_markers_in(&SourcingContext::new(doc))
}

/// As [`find_markers`], over a document's [`SourcingContext`].
pub fn find_markers_in(cx: &SourcingContext) -> Vec<CertaintyMarker> {
    let sentence_starts: Vec<usize> = cx.sentences.iter().map(|r| r.start).collect();
    let boiler = &cx.boilerplate;
    find_tokens(cx.text, &sentence_starts, &cx.tokens, &cx.norm)
        .into_iter()
        .filter(|m| {
            !boiler
                .iter()
                .any(|b| m.range.start < b.end && b.start < m.range.end)
        })
        .collect()
}

/// The matcher over raw text; `sentence_starts` are sorted byte offsets.
/// The matcher over `text`'s `tokens` and their normalised forms `words`.
fn find_tokens(
    text: &str,
    sentence_starts: &[usize],
    tokens: &[Token],
    words: &Lowered,
) -> Vec<CertaintyMarker> {
    let index = lexicon_index();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut best: Option<(usize, Certainty, &str)> = None;
        // Only entries whose first word is this token's can match; they are
        // tried in lexicon order, so the first longest match wins.
        let candidates = words.get(i).and_then(|w| index.get(w));
        for entry in candidates.into_iter().flatten() {
            let n = entry.words.len();
            if i + n > tokens.len() || best.is_some_and(|(m, _, _)| m >= n) {
                continue;
            }
            if !entry.words[1..]
                .iter()
                .enumerate()
                .all(|(k, p)| words.get(i + 1 + k) == Some(*p))
            {
                continue;
            }
            // A multi-word phrase must not run across a sentence start.
            if (i + 1..i + n).any(|k| sentence_starts.binary_search(&tokens[k].start).is_ok()) {
                continue;
            }
            let next = words.get(i + n);
            let ok = match &entry.rule {
                Any => true,
                BeforeNumber => tokens.get(i + n).is_some_and(|t| {
                    t.kind == TokenKind::Number
                        || (text[t.range()].starts_with(|c: char| c.is_ascii_digit()))
                        || next.is_some_and(|w| NUMBER_WORDS.contains(&w) && w != "a")
                        || (next == Some("$") || next == Some("\u{a3}") || next == Some("\u{20ac}"))
                            && tokens
                                .get(i + n + 1)
                                .is_some_and(|t| t.kind == TokenKind::Number)
                }),
                NotBefore(ws) => !next.is_some_and(|w| ws.contains(&w)),
                Before(ws) => next.is_some_and(|w| ws.contains(&w)),
                SentenceInitialComma => {
                    next == Some(",") && sentence_starts.binary_search(&tokens[i].start).is_ok()
                }
            };
            if ok {
                best = Some((n, entry.kind, entry.name));
            }
        }
        match best {
            Some((n, kind, name)) => {
                let range = tokens[i].start..tokens[i + n - 1].end;
                // A gloss in brackets repeats the previous marker:
                // "IMO (In my opinion)" is one hedge.
                let gloss = out.last().is_some_and(|prev: &CertaintyMarker| {
                    prev.kind == kind && text[prev.range.end..range.start].trim() == "("
                });
                if gloss {
                    i += n;
                    continue;
                }
                out.push(CertaintyMarker {
                    range,
                    kind,
                    marker: name.to_string(),
                });
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspin_document::Span;

    fn found(text: &str) -> Vec<(String, &'static str, String)> {
        let doc = Document::new("t", text);
        find_markers(&doc)
            .into_iter()
            .map(|m| (text[m.range.clone()].to_string(), m.kind.name(), m.marker))
            .collect()
    }

    fn markers(text: &str) -> Vec<String> {
        found(text).into_iter().map(|(_, _, m)| m).collect()
    }

    #[test]
    fn hedges_and_boosters_with_their_spans() {
        let f = found("IMO this is a secondary attack. Of course, it would.");
        assert_eq!(
            f,
            [
                ("IMO".to_string(), "hedge", "imo".to_string()),
                ("Of course".to_string(), "booster", "of course".to_string()),
            ]
        );
    }

    #[test]
    fn a_bracketed_gloss_is_one_marker() {
        assert_eq!(
            markers("IMO (In my opinion) the main effort is here."),
            ["imo"]
        );
        assert_eq!(markers("IMO (clearly) it is."), ["imo", "clearly"]);
    }

    #[test]
    fn longest_phrase_wins() {
        assert_eq!(
            markers("There is an unconfirmed report from SOHR."),
            ["unconfirmed report"]
        );
        assert_eq!(
            markers("If this report is correct this force is well positioned."),
            ["if this report is correct"]
        );
        assert_eq!(
            markers("There is no doubt about it."),
            ["there is no doubt"]
        );
        assert_eq!(
            markers("It\u{2019}s clear that he lied."),
            ["it's clear that"]
        );
    }

    #[test]
    fn every_lexicon_line_parses() {
        let lines = crate::text::lexicon::entries(LEXICON_DATA).len();
        assert_eq!(parse_lexicon(LEXICON_DATA).len(), lines);
        assert!(lines > 100);
    }

    #[test]
    fn modals_only_in_epistemic_uses() {
        assert_eq!(markers("Syria War may be winnable."), ["may be"]);
        assert_eq!(markers("He could have known."), ["could have"]);
        assert!(markers("It happened in May 2016.").is_empty());
        assert!(markers("The Mayor spoke. May I ask?").is_empty());
        assert!(markers("Sharing it could reveal how they work.").is_empty());
    }

    #[test]
    fn approximators_need_a_number() {
        assert_eq!(markers("They moved about 12 km. SE."), ["about"]);
        assert_eq!(
            markers("Some 3,000 men came, around two dozen."),
            ["some", "around"]
        );
        assert!(markers("It is about time. Some men came around town.").is_empty());
    }

    #[test]
    fn context_rules() {
        assert!(markers("Polls of likely voters differ.").is_empty());
        assert_eq!(markers("A deal is likely."), ["likely"]);
        assert_eq!(markers("Naturally, Moscow was taken aback."), ["naturally"]);
        assert!(markers("It occurs naturally, they say.").is_empty());
        assert_eq!(markers("Bottom line: they lost."), ["bottom line"]);
        assert!(markers("It hurt the bottom line of the firm.").is_empty());
        assert!(markers("Assad is not suggesting it.").is_empty());
        assert_eq!(markers("The data suggests a rise."), ["suggests"]);
    }

    #[test]
    fn word_boundaries_and_case() {
        assert!(markers("The clearlyness of Imola.").is_empty());
        assert_eq!(
            markers("CLEARLY wrong, REPORTEDLY."),
            ["clearly", "reportedly"]
        );
        assert_eq!(markers("I don\u{2019}t believe it."), ["i don't believe"]);
        // Third-party belief is reported, not the author's hedge.
        assert!(markers("They believe that this is a card.").is_empty());
    }

    #[test]
    fn phrases_do_not_cross_sentences() {
        // "in fact" would run across the sentence break.
        assert!(markers("They stayed in.\nFact checks followed.").is_empty());
    }

    #[test]
    fn boilerplate_is_skipped() {
        let text = "Clearly true.\nCopyright: clearly ours.";
        let mut doc = Document::new("t", text);
        let b = text.find("Copyright").unwrap();
        doc.add_span(
            unspin_document::layers::BOILERPLATE,
            Span::new(b, text.len(), "footer").unwrap(),
        )
        .unwrap();
        let m = find_markers(&doc);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].range, 0..7);
    }
}
