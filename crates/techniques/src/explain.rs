//! One-sentence explanations built from the features that most favoured a
//! span's technique over the runner-up.

use std::ops::Range;

use crate::features::{is_stopword, named_bucket, Sink};
use crate::linear::Feature;
use crate::model::{Classified, FastModel};

/// The features of one span that an explanation may cite: bucket, name and
/// the value's range in a shared buffer (reused from span to span, so that
/// classifying allocates nothing per feature).
#[derive(Default)]
pub(crate) struct Notes {
    entries: Vec<(Feature, &'static str, Range<usize>)>,
    values: String,
}

impl Notes {
    /// Forgets the previous span's features.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.values.clear();
    }
}

/// Hashes TC features for classification and, in the same pass, notes the
/// ones an explanation may cite.
pub(crate) struct ExplainSink<'o> {
    pub bits: u32,
    pub out: &'o mut Vec<Feature>,
    pub notes: &'o mut Notes,
}

impl Sink for ExplainSink<'_> {
    fn feat(&mut self, name: &'static str, value: &str) {
        let f = named_bucket(name, value, self.bits);
        self.out.push(f);
        if CITABLE.contains(&name) {
            let start = self.notes.values.len();
            self.notes.values.push_str(value);
            self.notes
                .entries
                .push((f, name, start..self.notes.values.len()));
        }
    }
}

/// Feature names that [`describe`] can put into words.
const CITABLE: &[&str] = &[
    "w", "first", "last", "bg", "prev1", "prev2", "next1", "next2", "rep", "wrep", "quoted",
    "caps", "has", "sent?", "sent!", "title", "cover", "len", "lex", "lexs",
];

/// Short gloss of what a technique does, completing "… typical of X, which …".
fn gloss(label: &str) -> &'static str {
    match label {
        "Loaded_Language" => "uses emotionally charged words to sway the reader",
        "Name_Calling,Labeling" => {
            "pins a label on a person or group that the reader is meant to fear, hate or love"
        }
        "Repetition" => "repeats a message so that it sticks",
        "Doubt" => "questions the credibility of someone or something",
        "Exaggeration,Minimisation" => {
            "makes something look bigger, better or worse, or smaller, than it is"
        }
        "Appeal_to_fear-prejudice" => "builds support by raising fear or playing on prejudice",
        "Flag-Waving" => "plays on patriotism or group identity to justify an idea",
        "Causal_Oversimplification" => "gives one simple cause for a complex matter",
        "Appeal_to_Authority" => "rests a claim on an authority's word alone",
        "Slogans" => "packs a message into a brief, striking phrase",
        "Black-and-White_Fallacy" => "offers two alternatives as the only ones possible",
        "Whataboutism,Straw_Men,Red_Herring" => {
            "deflects to another issue or attacks a distorted version of a position"
        }
        "Thought-terminating_Cliches" => "uses a stock phrase that discourages further thought",
        "Bandwagon,Reductio_ad_hitlerum" => {
            "urges agreement because everyone agrees, or rejects an idea for who holds it"
        }
        _ => "matches patterns the model learned for this technique",
    }
}

fn describe(name: &str, value: &str) -> Option<String> {
    let wordy = |v: &str| v.chars().any(char::is_alphanumeric) && !is_stopword(v);
    Some(match name {
        "w" | "first" | "last" | "prev1" | "prev2" | "next1" | "next2" if !wordy(value) => {
            return None
        }
        "w" | "first" | "last" => format!("the word \u{201c}{value}\u{201d}"),
        "bg" if value.split(' ').filter(|w| wordy(w)).count() == 0
            || !value
                .split(' ')
                .all(|w| w.chars().any(char::is_alphanumeric)) =>
        {
            return None
        }
        "bg" => format!("the phrase \u{201c}{value}\u{201d}"),
        "prev1" | "prev2" | "next1" | "next2" if !value.starts_with('<') => {
            format!("the nearby word \u{201c}{value}\u{201d}")
        }
        "rep" if value == "4+" => {
            "the phrase occurring four times or more in the article".to_string()
        }
        "rep" if value != "1" => format!("the phrase occurring {value} times in the article"),
        "wrep" if value != "1" => "its key words recurring across the article".to_string(),
        "quoted" if value == "y" => "the quotation marks around it".to_string(),
        "caps" => "its capital letters".to_string(),
        "has" if value == "!" => "an exclamation mark".to_string(),
        "has" if value == "?" => "a question mark".to_string(),
        "has" if value == "num" => "a number".to_string(),
        "sent?" => "its sentence being a question".to_string(),
        "sent!" => "the exclamation mark in its sentence".to_string(),
        "title" => "its place in the headline".to_string(),
        "cover" if value == "4" => "its covering the whole sentence".to_string(),
        "lex" => format!("{} in it", lexicon_phrase(value)?),
        "lexs" => format!("{} in its sentence", lexicon_phrase(value)?),
        "len" if value == "1" => "its length (one word)".to_string(),
        "len" => format!("its length ({value} words)"),
        _ => return None,
    })
}

fn lexicon_phrase(name: &str) -> Option<&'static str> {
    Some(match name {
        "flag" => "patriotic cue words",
        "fear" => "words of threat and fear",
        "doubt" => "words that cast doubt",
        "causal" => "cause-and-effect words",
        "authority" => "a reference to an authority",
        "either_or" => "either-or wording",
        "bandwagon" => "appeals to what everyone thinks (or to hated figures)",
        "cliche" => "a stock phrase",
        "deflect" => "a turn to another issue",
        "absolute" => "absolute or superlative words",
        _ => return None,
    })
}

fn display_name(label: &str) -> String {
    unspin_taxonomy::by_label(label)
        .map(|t| t.name.to_string())
        .unwrap_or_else(|| label.replace('_', " "))
}

/// Explains why a span was classified as `c.label`: the two distinct
/// describable features that most favoured it over the runner-up.
pub(crate) fn explain(model: &FastModel, notes: &Notes, c: &Classified) -> String {
    let labels = &model.info.labels;
    let best = labels.iter().position(|l| *l == c.label).unwrap_or(0);
    let runner = (0..c.probs.len())
        .filter(|&k| k != best)
        .max_by(|&a, &b| c.probs[a].total_cmp(&c.probs[b]));
    let mut ranked: Vec<(i32, usize)> = notes
        .entries
        .iter()
        .enumerate()
        .map(|(i, (f, _, _))| {
            let w = model.tc.row(*f);
            (w[best] as i32 - runner.map_or(0, |r| w[r] as i32), i)
        })
        .filter(|&(contrib, _)| contrib > 0)
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut reasons: Vec<String> = Vec::with_capacity(2);
    for (_, i) in ranked {
        let (_, name, range) = &notes.entries[i];
        if let Some(text) = describe(name, &notes.values[range.clone()]) {
            if !reasons.contains(&text) {
                reasons.push(text);
                if reasons.len() == 2 {
                    break;
                }
            }
        }
    }
    let name = display_name(&c.label);
    let pct = (c.score * 100.0).round();
    match reasons.as_slice() {
        [] => format!("Looks like {name} ({pct}% likely): this technique {}.", gloss(&c.label)),
        [one] => format!("Looks like {name} ({pct}% likely), mainly because of {one}; this technique {}.", gloss(&c.label)),
        [one, two, ..] => format!(
            "Looks like {name} ({pct}% likely), mainly because of {one} and {two}; this technique {}.",
            gloss(&c.label)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_and_punctuation_explain_nothing() {
        assert_eq!(describe("w", "the"), None);
        assert_eq!(describe("prev1", "-"), None);
        assert_eq!(describe("bg", "of a"), None);
        assert_eq!(describe("bg", ", ["), None);
        assert_eq!(
            describe("w", "betrayal").as_deref(),
            Some("the word \u{201c}betrayal\u{201d}")
        );
        assert_eq!(
            describe("len", "1").as_deref(),
            Some("its length (one word)")
        );
        assert_eq!(
            describe("rep", "3").as_deref(),
            Some("the phrase occurring 3 times in the article")
        );
    }

    #[test]
    fn every_cue_list_can_be_described() {
        for (name, _) in crate::features::LEXICONS {
            assert!(describe("lex", name).is_some(), "{name}");
        }
    }

    #[test]
    fn every_label_has_a_gloss() {
        for t in unspin_taxonomy::TECHNIQUES {
            assert_ne!(gloss(t.label), gloss("unknown"), "{}", t.label);
        }
    }
}
