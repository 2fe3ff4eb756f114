//! Whether unspin can judge a text at all: English, long enough, prose.
//!
//! The technique models and the sourcing rules are English-only. Run on a
//! German article they find "0 techniques" and a reader takes that for a
//! clean article; run on a table of numbers or mis-decoded bytes they find
//! noise. [`judge`] looks at the text first and returns the
//! [`Warning`]s the analysis must carry:
//!
//! | code | when | the English-only layers |
//! |---|---|---|
//! | `language` | the text is reliably another language, or it is not reliably English and the page declares another language | skipped |
//! | `garbled` | under half of the non-space characters are letters, or over 1 % are U+FFFD (bytes that could not be decoded) | skipped |
//! | `language_unknown` | the language cannot be told (not reliably English, nor reliably another) | run |
//! | `too_short` | fewer than [`MIN_WORDS`] words | run |
//!
//! Forcing English ([`AnalysisOptions::force_english`](crate::AnalysisOptions::force_english),
//! `--force-language en`) runs everything and keeps only the `too_short`
//! warning. Language identification is `whatlang` (trigram profiles of 69
//! languages) on the first [`SAMPLE_BYTES`] of the text, so the check costs
//! the same for any length; the word and letter counts are one pass.

use unspin_document::{Warning, WarningCode};

/// Fewer words than this and the text is `too_short` to judge.
pub const MIN_WORDS: usize = 25;

/// How much of the text (from its start, in bytes) language identification
/// and the letter share look at.
pub const SAMPLE_BYTES: usize = 16 * 1024;

/// Below this share of letters among non-space characters, a text is
/// `garbled`.
const MIN_LETTER_SHARE: f64 = 0.5;

/// Fewer non-space characters than this and the letter share is not judged.
const MIN_CHARS_FOR_SHARE: usize = 20;

/// The warnings for `text`. `declared` is the language the page declares
/// (BCP 47, e.g. `de-DE`), when known; `skipped` the layers the analysis
/// would skip for a text it cannot judge; `force_english` analyses the text
/// as English whatever it looks like.
pub fn judge(
    text: &str,
    declared: Option<&str>,
    skipped: &[&str],
    force_english: bool,
) -> Vec<Warning> {
    let sample = &text[..floor_char_boundary(text, SAMPLE_BYTES)];
    let words = count_words(text);
    let mut warnings = Vec::new();
    let skipped_layers: Vec<String> = if force_english {
        Vec::new()
    } else {
        skipped.iter().map(|s| s.to_string()).collect()
    };
    let letters = letter_counts(sample);
    let garbled = letters.non_space >= MIN_CHARS_FOR_SHARE
        && ((letters.letters as f64) < MIN_LETTER_SHARE * letters.non_space as f64
            || letters.replacement * 100 > letters.non_space);
    if garbled && !force_english {
        warnings.push(Warning {
            code: WarningCode::Garbled,
            message: format!(
                "Only {:.0} % of this text's characters are letters{}: it does not read as \
                 prose (a table, code, or text decoded with the wrong character set), so no \
                 techniques, quotes, sources or claims were looked for. Use --force-language en \
                 to analyse it anyway.",
                100.0 * letters.letters as f64 / letters.non_space.max(1) as f64,
                if letters.replacement > 0 {
                    format!(" and {} could not be decoded (U+FFFD)", letters.replacement)
                } else {
                    String::new()
                }
            ),
            skipped_layers: skipped_layers.clone(),
            language: None,
        });
    }
    if !garbled && !force_english && words >= 5 {
        match language_of(sample, declared) {
            Language::English => {}
            Language::Other { code, name } => warnings.push(Warning {
                code: WarningCode::Language,
                message: format!(
                    "This text is in {name}, not English. unspin's models and rules are \
                     English-only, so no techniques, quotes, sources or claims were looked for \
                     (an empty result here does not mean a clean article). Use \
                     --force-language en to analyse it anyway."
                ),
                skipped_layers: skipped_layers.clone(),
                language: Some(code),
            }),
            Language::Unknown if words >= MIN_WORDS => warnings.push(Warning {
                code: WarningCode::LanguageUnknown,
                message: "The language of this text could not be told. unspin's models and \
                          rules are English-only: if it is not English, the results mean \
                          nothing."
                    .into(),
                skipped_layers: Vec::new(),
                language: None,
            }),
            Language::Unknown => {}
        }
    }
    if words < MIN_WORDS {
        warnings.push(Warning {
            code: WarningCode::TooShort,
            message: format!(
                "This text has {words} word{}: too short to judge reliably. Techniques are \
                 recognised in context, so treat what is (or is not) found here with care.",
                if words == 1 { "" } else { "s" }
            ),
            skipped_layers: Vec::new(),
            language: None,
        });
    }
    warnings
}

/// What language identification says of a sample.
#[derive(Debug, PartialEq)]
enum Language {
    English,
    /// Another language: its ISO 639-3 code and English name.
    Other {
        code: String,
        name: String,
    },
    Unknown,
}

fn language_of(sample: &str, declared: Option<&str>) -> Language {
    let declared_other = declared
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| !d.is_empty())
        .map(|d| {
            let primary = d.split(['-', '_']).next().unwrap_or_default().to_string();
            primary != "en" && primary != "eng"
        })
        .unwrap_or(false);
    let Some(info) = whatlang::detect(sample) else {
        return Language::Unknown;
    };
    let lang = info.lang();
    if lang == whatlang::Lang::Eng {
        // Reliably English, or the best guess with nothing declared
        // against it.
        if info.is_reliable() || !declared_other {
            return Language::English;
        }
    } else if info.is_reliable() || declared_other {
        return Language::Other {
            code: lang.code().to_string(),
            name: lang.eng_name().to_string(),
        };
    }
    if declared_other {
        let tag = declared.unwrap_or_default().trim().to_string();
        return Language::Other {
            code: tag.clone(),
            name: format!("another language (the page declares \"{tag}\")"),
        };
    }
    Language::Unknown
}

/// Words: maximal runs of non-space characters that hold a letter.
fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

#[derive(Debug, Default)]
struct LetterCounts {
    letters: usize,
    non_space: usize,
    replacement: usize,
}

fn letter_counts(sample: &str) -> LetterCounts {
    let mut c = LetterCounts::default();
    for ch in sample.chars().filter(|c| !c.is_whitespace()) {
        c.non_space += 1;
        if ch.is_alphabetic() {
            c.letters += 1;
        } else if ch == char::REPLACEMENT_CHARACTER {
            c.replacement += 1;
        }
    }
    c
}

/// The largest char boundary of `s` at or below `i`.
fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    (0..=i).rev().find(|&j| s.is_char_boundary(j)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SKIPPED: &[&str] = &["technique", "quote"];

    const ENGLISH: &str = "The senator said on Tuesday that the committee would not vote on \
        the bill before the end of the month, because several members wanted more time to read \
        the report that the agency published last week about the cost of the programme.";

    const GERMAN: &str = "Die Bundesregierung hat am Dienstag beschlossen, dass die neuen \
        Regeln für den Klimaschutz erst im nächsten Jahr in Kraft treten sollen, weil mehrere \
        Ministerien noch Zeit brauchen, um die Kosten des Programms genau zu berechnen.";

    fn codes(w: &[Warning]) -> Vec<WarningCode> {
        w.iter().map(|w| w.code).collect()
    }

    #[test]
    fn english_prose_has_no_warning() {
        assert!(judge(ENGLISH, None, SKIPPED, false).is_empty());
        // A wrong declaration does not outweigh reliably English text.
        assert!(judge(ENGLISH, Some("de"), SKIPPED, false).is_empty());
    }

    #[test]
    fn another_language_skips_the_english_layers() {
        let w = judge(GERMAN, None, SKIPPED, false);
        assert_eq!(codes(&w), [WarningCode::Language]);
        assert_eq!(w[0].language.as_deref(), Some("deu"));
        assert_eq!(w[0].skipped_layers, ["technique", "quote"]);
        assert!(w[0].message.contains("German"), "{}", w[0].message);
        assert!(w[0].skips_analysis());
    }

    #[test]
    fn forcing_english_runs_everything() {
        assert!(judge(GERMAN, Some("de"), SKIPPED, true).is_empty());
        let w = judge("12 34 56 78 90 12 34 56 78 90 12 34", None, SKIPPED, true);
        assert_eq!(codes(&w), [WarningCode::TooShort]);
        assert!(!w[0].skips_analysis());
    }

    #[test]
    fn mostly_non_letters_is_garbled() {
        let table = "| 2016 | 12.5 | 13.1 | 14.9 | 15.2 |\n".repeat(40);
        let w = judge(&table, None, SKIPPED, false);
        assert_eq!(codes(&w), [WarningCode::Garbled, WarningCode::TooShort]);
        assert!(w[0].skips_analysis());
        let undecoded = ENGLISH.replace("e ", "\u{FFFD}\u{FFFD} ");
        assert_eq!(
            codes(&judge(&undecoded, None, SKIPPED, false))[0],
            WarningCode::Garbled
        );
    }

    #[test]
    fn short_text_is_analysed_with_a_warning() {
        let w = judge("These corrupt traitors lie.", None, SKIPPED, false);
        assert_eq!(codes(&w), [WarningCode::TooShort]);
        assert!(w[0].message.contains("4 words"));
        assert!(judge("", None, SKIPPED, false)[0]
            .message
            .contains("0 words"));
    }

    #[test]
    fn the_sample_is_bounded_and_cut_on_a_char_boundary() {
        let long = format!("{}{}", "é".repeat(SAMPLE_BYTES), ENGLISH);
        assert_eq!(floor_char_boundary(&long, SAMPLE_BYTES + 1), SAMPLE_BYTES);
        let _ = judge(&long, None, SKIPPED, false);
    }
}
