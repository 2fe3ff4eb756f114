//! The [`AttributionTagger`] trait and the decoding of any tagger's
//! per-token scores into attributions.

use std::ops::Range;

use unspin_eval::Logistic;
use unspin_segment::{sentences, tokenize, Token};

use crate::decode;
use crate::features::sentence_of_tokens;
use crate::model::AttributionModel;
use crate::tags::{viterbi, Tag, TAGS};
use crate::types::{Attribution, PROVENANCE};

/// Anything that finds attributions in running text: the linear tagger here,
/// or the neural one of `unspin-neural`. The sourcing stage completes its
/// output with quotation rules and speaker resolution.
pub trait AttributionTagger: Send + Sync {
    /// The attributions in `text` (byte ranges), sorted by content start.
    fn attributions(&self, text: &str) -> Vec<Attribution>;
    /// As [`attributions`](Self::attributions), with the text's tokens
    /// (`unspin_segment::tokenize(text)`) and sentences
    /// (`unspin_segment::sentences(text)`) already computed, as the sourcing
    /// stage has them: a tagger that reads tokens skips tokenising again.
    /// Must give what `attributions(text)` gives; the default calls it.
    fn attributions_tokens(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Range<usize>],
    ) -> Vec<Attribution> {
        let _ = (tokens, sentences);
        self.attributions(text)
    }
    /// A short description for logs and reports (`attribution-tagger@digest`).
    fn describe(&self) -> String;
}

impl AttributionTagger for AttributionModel {
    fn attributions(&self, text: &str) -> Vec<Attribution> {
        self.predict(text)
    }
    fn attributions_tokens(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Range<usize>],
    ) -> Vec<Attribution> {
        self.predict_tokens(text, tokens, sentences)
    }
    fn describe(&self) -> String {
        format!(
            "{PROVENANCE}@{}",
            &self.digest()[..self.digest().len().min(8)]
        )
    }
}

/// A shared reference to a tagger is a tagger (so that a `&'static` model,
/// e.g. [`AttributionModel::shipped`], fits in an `Arc<dyn AttributionTagger>`).
impl<T: AttributionTagger + ?Sized> AttributionTagger for &T {
    fn attributions(&self, text: &str) -> Vec<Attribution> {
        (**self).attributions(text)
    }
    fn attributions_tokens(
        &self,
        text: &str,
        tokens: &[Token],
        sentences: &[Range<usize>],
    ) -> Vec<Attribution> {
        (**self).attributions_tokens(text, tokens, sentences)
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
}

/// Decodes per-token tag scores (`tokens.len() × TAGS`, e.g. log-probabilities
/// from a neural tagger) of `text`'s `tokens` under the BIO constraints and
/// groups the tags into attributions, as the linear tagger does (`text` gives
/// the sentence boundaries that speakers and contents must respect).
pub fn attributions_from_emissions(
    text: &str,
    tokens: &[Token],
    emissions: &[f32],
    provenance: &'static str,
) -> Vec<Attribution> {
    if tokens.is_empty() || emissions.len() != tokens.len() * TAGS {
        return Vec::new();
    }
    let transition = vec![0.0f32; (TAGS + 1) * TAGS];
    let tags = viterbi(emissions, &transition);
    let sentence_of = sentence_of_tokens(tokens, &sentences(text));
    decode::attributions(
        text,
        tokens,
        &sentence_of,
        &tags,
        emissions,
        provenance,
        Logistic::IDENTITY,
    )
}

/// Groups a tag sequence over `text`'s tokens into attributions, as the
/// tagger does after decoding (used to measure the grouping step alone: gold
/// tags in, attributions out).
pub fn attributions_from_tags(text: &str, tags: &[Tag]) -> Vec<Attribution> {
    let tokens = tokenize(text);
    let emissions = vec![0.0f32; tokens.len() * TAGS];
    let sentence_of = sentence_of_tokens(&tokens, &sentences(text));
    decode::attributions(
        text,
        &tokens,
        &sentence_of,
        tags,
        &emissions,
        PROVENANCE,
        Logistic::IDENTITY,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::NEURAL_PROVENANCE;

    /// Emissions that prefer `tags` (log-probability 0 for the tag, -5 for
    /// the others).
    fn emissions_for(tags: &[Tag]) -> Vec<f32> {
        tags.iter()
            .flat_map(|&t| (0..TAGS).map(move |k| if k == t as usize { 0.0 } else { -5.0 }))
            .collect()
    }

    #[test]
    fn emissions_decode_into_a_grouped_attribution() {
        let text = "The senator said the plan would fail.";
        let tokens = tokenize(text);
        use Tag::*;
        // The senator | said | the plan would fail | .
        let tags = [
            BeginSource,
            InSource,
            BeginCue,
            BeginContent,
            InContent,
            InContent,
            InContent,
            O,
        ];
        assert_eq!(tokens.len(), tags.len());
        let found =
            attributions_from_emissions(text, &tokens, &emissions_for(&tags), NEURAL_PROVENANCE);
        assert_eq!(found.len(), 1);
        let a = &found[0];
        assert_eq!(&text[a.content.clone()], "the plan would fail");
        assert_eq!(a.cue.clone().map(|r| &text[r]), Some("said"));
        assert_eq!(a.source.clone().map(|r| &text[r]), Some("The senator"));
        assert_eq!(a.provenance, NEURAL_PROVENANCE);
        assert!(a.score > 0.5);
    }

    #[test]
    fn emissions_of_the_wrong_length_give_nothing() {
        let text = "He said so.";
        let tokens = tokenize(text);
        assert!(
            attributions_from_emissions(text, &tokens, &[0.0; 3], NEURAL_PROVENANCE).is_empty()
        );
        assert!(attributions_from_emissions("", &[], &[], NEURAL_PROVENANCE).is_empty());
    }

    #[test]
    fn an_inside_tag_cannot_start_a_segment() {
        // The emissions prefer InContent on the first token; decoding must
        // still produce a well-formed sequence (a content that begins).
        let text = "words here";
        let tokens = tokenize(text);
        let tags = [Tag::InContent, Tag::InContent];
        let found =
            attributions_from_emissions(text, &tokens, &emissions_for(&tags), NEURAL_PROVENANCE);
        assert!(found.iter().all(|a| a.content.start < a.content.end));
    }

    /// Tags from a marked-up text: `[S ...]`, `[C ...]` and `[T ...]` wrap
    /// source, cue and content tokens (brackets are separate words).
    fn marked(markup: &str) -> (String, Vec<Tag>) {
        let mut words = Vec::new();
        let mut role = 0usize;
        let mut roles = Vec::new();
        for w in markup.split(' ') {
            match w {
                "[S" => role = 1,
                "[C" => role = 2,
                "[T" => role = 3,
                "]" => role = 0,
                _ => {
                    words.push(w);
                    roles.push(role);
                }
            }
        }
        let text = words.join(" ");
        let tokens = tokenize(&text);
        assert_eq!(tokens.len(), words.len(), "one token per word in {text:?}");
        let tags = (0..roles.len())
            .map(|i| match roles[i] {
                0 => Tag::O,
                r => {
                    let begin = i == 0 || roles[i - 1] != r;
                    Tag::from_index(r * 2 - usize::from(begin))
                }
            })
            .collect();
        (text, tags)
    }

    fn decoded(markup: &str) -> Vec<(String, Option<String>, Option<String>)> {
        let (text, tags) = marked(markup);
        let tokens = tokenize(&text);
        attributions_from_emissions(&text, &tokens, &emissions_for(&tags), NEURAL_PROVENANCE)
            .into_iter()
            .map(|a| {
                (
                    text[a.content].to_string(),
                    a.cue.map(|r| text[r].to_string()),
                    a.source.map(|r| text[r].to_string()),
                )
            })
            .collect()
    }

    #[test]
    fn a_speaker_comes_from_the_cue_s_own_sentence() {
        // "Smith" is a speaker two words away, but in the sentence before.
        let found = decoded("[S Smith ] [C spoke ] [T briefly ] . [T The plan ] , it [C was said ] , [T would fail ] .");
        let plan = found
            .iter()
            .find(|a| a.0.starts_with("The plan"))
            .expect("found");
        assert_eq!(plan.1.as_deref(), Some("was said"));
        assert_eq!(plan.2, None);
    }

    #[test]
    fn a_content_of_function_words_alone_is_dropped() {
        // "the", cut from "the agreement", is not what was attributed; a
        // one-pronoun content ("it") is.
        let found =
            decoded("[S Obama ] [C rejected ] [T the ] agreement . [S She ] [C denied ] [T it ] .");
        let contents: Vec<&str> = found.iter().map(|a| a.0.as_str()).collect();
        assert_eq!(contents, ["it"]);
        let found = decoded("[S Obama ] [C rejected ] [T the deal ] .");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn a_speaker_of_function_words_alone_runs_on_to_its_cue() {
        let found = decoded(
            "[S The ] massacre [C effectively ended all talk about ] [T coordination with Russia ] .",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2.as_deref(), Some("The massacre"));
        // A named speaker stays as tagged, and so does a lone "The" far
        // from its cue.
        let found = decoded("[S Carter ] quickly [C opposed ] [T the deal ] .");
        assert_eq!(found[0].2.as_deref(), Some("Carter"));
        let found =
            decoded("[S The ] long and winding road map [C ended all talk about ] [T peace ] .");
        assert_eq!(found[0].2.as_deref(), Some("The"));
    }

    #[test]
    fn a_content_joins_the_cue_of_its_own_sentence() {
        // The quotation lies closer to "said" (sentence before) than to
        // "wrote", whose sentence it belongs to.
        let found = decoded("[S Jones ] [C said ] [T yes ] . “ [T The plan will fail ] , ” [S the mayor ] later [C wrote ] .");
        let plan = found
            .iter()
            .find(|a| a.0 == "The plan will fail")
            .expect("found");
        assert_eq!(plan.1.as_deref(), Some("wrote"));
        assert_eq!(plan.2.as_deref(), Some("the mayor"));
    }

    #[test]
    fn a_speaker_before_the_cue_wins_over_one_after_it() {
        // "aides" lies closer to "said" than "The senator" does, but after it.
        let found = decoded(
            "[S The senator ] , who chairs the panel , [C said ] [T it would fail ] , [S aides ] [C added ] .",
        );
        let said = found
            .iter()
            .find(|a| a.1.as_deref() == Some("said"))
            .expect("found");
        assert_eq!(said.2.as_deref(), Some("The senator"));
    }

    #[test]
    fn a_content_does_not_reach_over_a_blank_line_to_a_later_cue() {
        // A block quote's citation title, tagged as content, and the next
        // paragraph's attribution: the title is not what "wants" introduces,
        // nor joined to its content.
        let text = "(\u{201c}The Ceasefire Failed\u{201d}, The Vineyard)\n\nSo, Washington wants to control the east.";
        let tokens = tokenize(text);
        let mut role = 0;
        let tags: Vec<Tag> = tokens
            .iter()
            .map(|t| {
                let (r, begin) = match &text[t.range()] {
                    "The" if role == 0 => (3, true),
                    "Ceasefire" | "Failed" => (3, false),
                    "Washington" => (1, true),
                    "wants" => (2, true),
                    "to" => (3, true),
                    "control" | "the" | "east" => (3, false),
                    _ => (0, true),
                };
                role = r;
                match (r, begin) {
                    (0, _) => Tag::O,
                    (r, b) => Tag::from_index(r * 2 - usize::from(b)),
                }
            })
            .collect();
        let found =
            attributions_from_emissions(text, &tokens, &emissions_for(&tags), NEURAL_PROVENANCE);
        let got: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|a| (&text[a.content.clone()], a.cue.clone().map(|r| &text[r])))
            .collect();
        assert_eq!(
            got,
            [
                ("The Ceasefire Failed", None),
                ("to control the east", Some("wants"))
            ]
        );
    }

    #[test]
    fn a_headline_does_not_run_into_the_quotation_below_it() {
        let text = "Mayor wins again\n\n\u{201c}We will win,\u{201d} said Jos\u{e9}.";
        let tokens = tokenize(text);
        // The tagger runs a content from the headline's last word into the
        // quotation; the headline's own cue lies closer than "said".
        let tags: Vec<Tag> = tokens
            .iter()
            .map(|t| match &text[t.range()] {
                "Mayor" | "Jos\u{e9}" => Tag::BeginSource,
                "wins" | "said" => Tag::BeginCue,
                "again" => Tag::BeginContent,
                "." => Tag::O,
                _ => Tag::InContent,
            })
            .collect();
        let found =
            attributions_from_emissions(text, &tokens, &emissions_for(&tags), NEURAL_PROVENANCE);
        let quote = found
            .iter()
            .find(|a| text[a.content.clone()].contains("We will win"))
            .unwrap_or_else(|| panic!("{found:?}"));
        assert!(!text[quote.content.clone()].contains("again"));
        assert_eq!(quote.cue.clone().map(|r| &text[r]), Some("said"));
        assert_eq!(quote.source.clone().map(|r| &text[r]), Some("Jos\u{e9}"));
    }
}
