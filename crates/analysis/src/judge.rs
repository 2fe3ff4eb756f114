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
//! the same for any length; the word and letter counts are one pass. Plain
//! English prose is told before that, at a small part of whatlang's cost: a
//! sample in which English function words that are not words of the other
//! languages whatlang knows (`the`, `and`, `which`, …) make up
//! [`ENGLISH_MARKER_SHARE`] of the words or more, and other languages'
//! function words almost none, is English. whatlang says so too, reliably,
//! of every such text among the 1,729 of the shared test data (910 English,
//! 804 of other languages; the shortcut takes 801 of the English ones).

use unspin_document::{Warning, WarningCode};

/// Fewer words than this and the text is `too_short` to judge.
pub const MIN_WORDS: usize = 25;

/// How much of the text (from its start, in bytes) language identification
/// and the letter share look at.
pub const SAMPLE_BYTES: usize = 16 * 1024;

/// The share of [`ENGLISH_MARKERS`] among a sample's words from which it is
/// English without asking whatlang (in the shared test data: the English
/// texts' median is 0.16, a tenth of them are below 0.12; the page of another
/// language with the most, a German page quoting English, has 0.10 and is
/// kept out by [`OTHER_MARKER_SHARE`]).
pub const ENGLISH_MARKER_SHARE: f64 = 0.12;

/// The fewest words in a sample that [`ENGLISH_MARKER_SHARE`] is judged on.
const MIN_MARKER_WORDS: usize = 40;

/// English function words that are not words of any other language whatlang
/// identifies (so not `a`, `in`, `is`, `was`, `of`, `to`, `on`, `an`, `at`,
/// `he`, `her`, `for`, `by`, `will`, `also`, `been`, `have`: words of Dutch,
/// German, French, Spanish, Italian or the Scandinavian languages too).
/// Lower case, three to five letters.
const ENGLISH_MARKERS: [&str; 28] = [
    "about", "after", "and", "but", "could", "from", "has", "into", "its", "more", "not", "said",
    "she", "than", "that", "the", "their", "there", "these", "they", "this", "were", "what",
    "when", "which", "who", "with", "would",
];

/// The share of [`OTHER_MARKERS`] among a sample's words above which it is
/// not plainly English, whatever its English words (a page in two languages
/// is whatlang's to judge).
const OTHER_MARKER_SHARE: f64 = 0.01;

/// Function words of the other languages whatlang tells most often in news
/// (German, French, Spanish, Portuguese, Italian, Dutch, the Scandinavian
/// languages) that are not English words. Lower case, two to five letters.
const OTHER_MARKERS: [&str; 36] = [
    "und", "der", "das", "ist", "nicht", "auch", "sich", "les", "une", "est", "dans", "pour",
    "avec", "sont", "que", "los", "las", "por", "una", "del", "pero", "não", "uma", "com", "che",
    "della", "sono", "non", "het", "een", "niet", "zijn", "och", "att", "det", "ikke",
];

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
    if plainly_english(sample) {
        return Language::English;
    }
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

/// True when at least [`ENGLISH_MARKER_SHARE`] of the words (runs of
/// letters) of `sample`, which has [`MIN_MARKER_WORDS`] or more, are
/// [`ENGLISH_MARKERS`]: English prose, reliably so for whatlang as well,
/// found in one pass without its trigram scoring.
fn plainly_english(sample: &str) -> bool {
    let (words, english, other) = marker_counts(sample);
    words >= MIN_MARKER_WORDS
        && english as f64 >= ENGLISH_MARKER_SHARE * words as f64
        && other as f64 <= OTHER_MARKER_SHARE * words as f64
}

/// The words of `sample`, how many of them are [`ENGLISH_MARKERS`] and how
/// many [`OTHER_MARKERS`].
fn marker_counts(sample: &str) -> (usize, usize, usize) {
    let (mut words, mut english, mut other) = (0usize, 0usize, 0usize);
    for word in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        match marker_of(word) {
            Some(Marker::English) => english += 1,
            Some(Marker::Other) => other += 1,
            None => {}
        }
    }
    (words, english, other)
}

/// Which list a marker word is in.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Marker {
    /// One of [`ENGLISH_MARKERS`].
    English,
    /// One of [`OTHER_MARKERS`].
    Other,
}

/// The list `word` is in, ASCII letters compared without case (as
/// `eq_ignore_ascii_case` compares): one binary search of the two lists'
/// words packed into integers, instead of a scan of both lists per word.
fn marker_of(word: &str) -> Option<Marker> {
    static SORTED: std::sync::LazyLock<Vec<(u64, Marker)>> = std::sync::LazyLock::new(|| {
        let mut all: Vec<(u64, Marker)> = ENGLISH_MARKERS
            .iter()
            .map(|w| (w, Marker::English))
            .chain(OTHER_MARKERS.iter().map(|w| (w, Marker::Other)))
            .filter_map(|(w, m)| Some((packed(w)?, m)))
            .collect();
        all.sort_by_key(|&(k, _)| k);
        all
    });
    let key = packed(word)?;
    let sorted = &*SORTED;
    let i = sorted.binary_search_by_key(&key, |&(k, _)| k).ok()?;
    Some(sorted[i].1)
}

/// `word`'s bytes, ASCII letters lower-cased, and its length in one
/// integer; `None` unless it has 2 to 5 bytes (every marker has).
fn packed(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    if !(2..=5).contains(&bytes.len()) {
        return None;
    }
    let mut key = bytes.len() as u64;
    for &b in bytes {
        key = key << 8 | u64::from(b.to_ascii_lowercase());
    }
    Some(key)
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
    fn plain_english_is_told_without_whatlang() {
        assert!(plainly_english(&ENGLISH.repeat(2)));
        // Too few words to judge by markers: whatlang decides.
        assert!(!plainly_english(
            "The senator said that the vote was close."
        ));
        assert!(!plainly_english(&GERMAN.repeat(3)));
        // Markers are whole words, in any case.
        assert!(!plainly_english(
            &"Theatre Andante Notwithstanding ".repeat(20)
        ));
        assert!(plainly_english(&"THE Senator And The Vote ".repeat(10)));
    }

    /// The texts of the shared test data, by name: unlabelled news (several
    /// languages), PTC articles, and the main text of the extraction pages
    /// (mostly German) as the HTML reader finds it.
    fn shared_texts() -> Option<Vec<(String, String)>> {
        use std::io::Read;
        let mut texts = Vec::new();
        for dir in ["data/unlabeled-news", "data/ptc/train/articles"] {
            let dir = unspin_testkit::shared_dir(dir)?;
            for entry in std::fs::read_dir(dir).ok()?.flatten() {
                let bytes = std::fs::read(entry.path()).ok()?;
                let name = entry.file_name().to_string_lossy().into_owned();
                texts.push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        let mut pages = Vec::new();
        let eval = unspin_testkit::shared_dir("data/extraction/trafilatura-eval/tests/eval")?;
        for entry in std::fs::read_dir(eval).ok()?.flatten() {
            pages.push(entry.path());
        }
        let readability = unspin_testkit::shared_dir(
            "data/extraction/mozilla-readability-test-pages/test/test-pages",
        )?;
        for entry in std::fs::read_dir(readability).ok()?.flatten() {
            pages.push(entry.path().join("source.html.gz"));
        }
        for page in pages {
            let mut html = Vec::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&page).ok()?)
                .read_to_end(&mut html)
                .ok()?;
            let name = page.display().to_string();
            if let Ok(doc) = unspin_readers::read_html(&name, &html, &Default::default()) {
                texts.push((name, doc.text().to_string()));
            }
        }
        texts.sort();
        Some(texts)
    }

    /// The lists' scan that [`marker_of`] replaces.
    fn marker_by_scan(word: &str) -> Option<Marker> {
        let is = |list: &[&str]| {
            (2..=5).contains(&word.len())
                && list
                    .iter()
                    .any(|m| m.len() == word.len() && m.eq_ignore_ascii_case(word))
        };
        if is(&ENGLISH_MARKERS) {
            Some(Marker::English)
        } else if is(&OTHER_MARKERS) {
            Some(Marker::Other)
        } else {
            None
        }
    }

    #[test]
    fn marker_lookup_is_the_lists_scan() {
        let mut words: Vec<String> = ENGLISH_MARKERS
            .iter()
            .chain(&OTHER_MARKERS)
            .flat_map(|w| [w.to_string(), w.to_uppercase(), w.to_ascii_uppercase()])
            .collect();
        words.extend(
            [
                "a", "Thé", "thee", "th", "ZIJN", "NãO", "nÃo", "whiches", "", "ö", "ändern",
            ]
            .map(String::from),
        );
        let mut found = 0;
        for w in &words {
            assert_eq!(marker_of(w), marker_by_scan(w), "{w:?}");
            found += usize::from(marker_of(w).is_some());
        }
        assert!(found >= 2 * (ENGLISH_MARKERS.len() + OTHER_MARKERS.len()));
        // Every word of the shared texts, when they are here.
        for (_, text) in shared_texts().unwrap_or_default() {
            for w in text.split(|c: char| !c.is_alphabetic()) {
                assert_eq!(marker_of(w), marker_by_scan(w), "{w:?}");
            }
        }
    }

    /// What the shortcut decides is what whatlang decides: every text of the
    /// shared data that it calls English, whatlang calls reliably English
    /// too. And it is a shortcut: it takes most of the English texts.
    #[test]
    fn the_english_shortcut_agrees_with_whatlang_on_the_shared_data() {
        let Some(texts) = shared_texts() else { return };
        let (mut english, mut taken, mut other) = (0, 0, 0);
        for (name, text) in &texts {
            let sample = &text[..floor_char_boundary(text, SAMPLE_BYTES)];
            let Some(info) = whatlang::detect(sample) else {
                assert!(
                    !plainly_english(sample),
                    "{name}: whatlang finds no language"
                );
                continue;
            };
            let reliably_english = info.lang() == whatlang::Lang::Eng && info.is_reliable();
            let shortcut = plainly_english(sample);
            assert!(
                reliably_english || !shortcut,
                "{name}: the shortcut says English, whatlang {:?} (reliable: {})",
                info.lang(),
                info.is_reliable()
            );
            if reliably_english {
                english += 1;
                taken += usize::from(shortcut);
            } else if info.lang() != whatlang::Lang::Eng && info.is_reliable() {
                other += 1;
                // Not near the line: well under the English share, or
                // well over the other languages' share.
                let (words, english, others) = marker_counts(sample);
                let (english, others) = (english as f64, others as f64);
                let words = words as f64;
                assert!(
                    english < 0.85 * ENGLISH_MARKER_SHARE * words
                        || others > 2.0 * OTHER_MARKER_SHARE * words,
                    "{name}: {:?} near the line ({english} English and {others} other markers \
                     in {words} words)",
                    info.lang()
                );
            }
        }
        eprintln!(
            "{} texts: {english} reliably English, {taken} of them by the shortcut; \
             {other} reliably another language",
            texts.len()
        );
        assert!(english > 600 && other > 500, "the data holds both kinds");
        assert!(
            taken * 10 >= english * 8,
            "the shortcut takes {taken} of {english}"
        );
    }

    #[test]
    fn the_sample_is_bounded_and_cut_on_a_char_boundary() {
        let long = format!("{}{}", "é".repeat(SAMPLE_BYTES), ENGLISH);
        assert_eq!(floor_char_boundary(&long, SAMPLE_BYTES + 1), SAMPLE_BYTES);
        let _ = judge(&long, None, SKIPPED, false);
    }
}
