//! An article's paragraphs, which of them are boilerplate, and its words as
//! the shingles see them.
//!
//! Only the text and the headline are read (no reader layers), so that the
//! same article gives the same body whether it is analysed now or read back
//! from a corpus years later.

/// One paragraph: a non-empty line of the text (scraped pages, Markdown and
/// PTC articles all put paragraphs or sentences on lines of their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte offset of the paragraph's first character in the text.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
    /// What kind of paragraph it is.
    pub kind: ParagraphKind,
}

/// Whether a paragraph belongs to the article's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParagraphKind {
    /// The headline (the line equal to the article's title).
    Headline,
    /// A header, footer, byline, credit or cross-posting line: text a
    /// re-publisher adds or removes around the article.
    Boilerplate,
    /// The article itself.
    Body,
}

/// Phrases that mark a line as re-publishing boilerplate (lower case).
const BOILERPLATE_PHRASES: &[&str] = &[
    "originally published",
    "originally appeared",
    "first published",
    "first appeared",
    "was published on",
    "appeared first on",
    "republished",
    "reprinted",
    "cross-posted",
    "crossposted",
    "copyright",
    "©",
    "all rights reserved",
    "subscribe",
    "sign up for",
    "newsletter",
    "follow us",
    "share this",
    "click here",
    "read more",
    "editor's note",
    "editor’s note",
    "editors' note",
    "the views expressed",
    "support our",
    "donate",
    "image credit",
    "photo credit",
    "featured image",
    "become a member",
    "media inquiries",
    // Seen in the copy evaluation (crates/copies/evaluation): cross-posting
    // footers and site chrome shared by unrelated PTC and news articles.
    "original source of this article",
    "posted with permission",
    "(photo:",
    "take our poll",
    "story continues below",
    "article continues below",
    "completing this poll",
    "this field is for validation",
    "opt out at any",
    "advertisement has not loaded",
    "terms of service",
];

/// Phrases of share and comment lines (lower case): boilerplate only in
/// lines of at most [`SOCIAL_LINE_WORDS`] words, so that "he said on
/// Twitter that ..." stays text.
const SOCIAL_PHRASES: &[&str] = &["facebook", "twitter", "telegram", "comment on", "whatsapp"];

/// The longest line a [`SOCIAL_PHRASES`] phrase makes boilerplate.
const SOCIAL_LINE_WORDS: usize = 12;

/// Phrases of disclaimers and rights notices (lower case): boilerplate
/// even in long paragraphs.
const LEGAL_PHRASES: &[&str] = &[
    "disclaimer",
    "all rights reserved",
    "fair use",
    "copyrighted material",
    "sole responsibility of the author",
    "permission to cross-post",
    "terms of use",
    "privacy policy",
];

/// Line prefixes that mark boilerplate (lower case).
const BOILERPLATE_PREFIXES: &[&str] = &[
    "source:",
    "sources:",
    "photo:",
    "image:",
    "credit:",
    "related:",
    "tags:",
    "update:",
    "articles by:",
    "posted on ",
    "posted by ",
];

/// Lines shorter than this many words are boilerplate unless they end a
/// sentence (bylines, datelines, tag lists, captions).
const SHORT_LINE_WORDS: usize = 8;

/// Splits `text` into paragraphs (non-empty lines) and classifies each.
/// `title` is the article's headline, when known: the first line equal to it
/// is [`ParagraphKind::Headline`].
pub fn paragraphs(text: &str, title: Option<&str>) -> Vec<Paragraph> {
    let title = title.map(normalized).filter(|t| !t.is_empty());
    let mut seen_headline = false;
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let start = start + lead;
        let end = start + trimmed.len();
        let kind = if !seen_headline
            && title
                .as_deref()
                .is_some_and(|t| t == normalized(trimmed).as_str())
        {
            seen_headline = true;
            ParagraphKind::Headline
        } else if is_boilerplate(trimmed) {
            ParagraphKind::Boilerplate
        } else {
            ParagraphKind::Body
        };
        out.push(Paragraph { start, end, kind });
    }
    out
}

/// Whether one line reads as boilerplate rather than article text.
pub fn is_boilerplate(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    if LEGAL_PHRASES.iter().any(|p| lower.contains(p)) {
        // Disclaimers and rights notices run long.
        return word_count(&lower) <= 250;
    }
    let words = word_count(&lower);
    if words > 40 {
        // Past every limit below (a shortcut: the rules below all say no).
        return false;
    }
    if words <= SOCIAL_LINE_WORDS && SOCIAL_PHRASES.iter().any(|p| lower.contains(p)) {
        return true;
    }
    if BOILERPLATE_PHRASES.iter().any(|p| lower.contains(p)) {
        // Long lines that merely mention a phrase ("... the newsletter said")
        // are text; boilerplate lines are short.
        return words <= 40;
    }
    if BOILERPLATE_PREFIXES.iter().any(|p| lower.starts_with(p)) && word_count(&lower) <= 25 {
        return true;
    }
    let ends_sentence = lower
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '*', '_'])
        .ends_with(['.', '!', '?', ':', ';']);
    word_count(&lower) < SHORT_LINE_WORDS && !ends_sentence
}

/// The words of `text` as shingles see them: lower-cased runs of letters
/// and digits (punctuation, case and spacing differences between a copy
/// and its origin do not count).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Number of words in `text`, as [`words`] counts them.
pub fn word_count(text: &str) -> usize {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .count()
}

/// `text`'s words joined by single spaces: two paragraphs are "the same"
/// when their normalised forms are equal.
pub fn normalized(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_boilerplate_and_body_are_told_apart() {
        let text = "Big News Today\n\nBy Jane Doe\n\nThe minister said on Tuesday that the plan \
                    would go ahead despite the protests.\n\nThis article was originally published \
                    on Example News.\n";
        let ps = paragraphs(text, Some("Big news today"));
        let kinds: Vec<_> = ps.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                ParagraphKind::Headline,
                ParagraphKind::Boilerplate,
                ParagraphKind::Body,
                ParagraphKind::Boilerplate
            ]
        );
        assert_eq!(&text[ps[0].start..ps[0].end], "Big News Today");
    }

    #[test]
    fn words_ignore_case_and_punctuation() {
        assert_eq!(normalized("It's  a “Disaster”!"), "it s a disaster");
        assert_eq!(word_count("Ceasefire — sabotage, again"), 3);
    }

    #[test]
    fn short_sentences_are_body_and_short_labels_are_not() {
        assert!(!is_boilerplate("History forgotten."));
        assert!(is_boilerplate("Region: Middle East & North Africa"));
        assert!(is_boilerplate("Theme: US NATO War Agenda"));
        assert!(is_boilerplate(
            "Comment on Global Research Articles on our Facebook page"
        ));
        assert!(!is_boilerplate(
            "The minister said on Twitter that the talks in Geneva had failed and that new \
             strikes would follow within days."
        ));
    }
}
