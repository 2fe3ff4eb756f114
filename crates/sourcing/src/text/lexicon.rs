//! Word lists kept as data files under `crates/sourcing/data/`: one entry
//! per line, `#` starts a comment line, blank lines are ignored. They are
//! embedded with `include_str!` and parsed once, on first use.
//!
//! ```text
//! # News outlets.
//! Reuters
//! Associated Press
//! ```

/// The entries of a word-list file, in file order.
pub fn entries(data: &'static str) -> Vec<&'static str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The entries of a phrase-list file, each split into its words (one space
/// between words), in file order.
pub fn phrases(data: &'static str) -> Vec<&'static [&'static str]> {
    entries(data)
        .into_iter()
        .map(|l| &*Vec::leak(l.split(' ').collect::<Vec<_>>()))
        .collect()
}

/// A `LazyLock<Vec<&'static str>>` of the word list in `data/$file`.
macro_rules! word_list {
    ($file:literal) => {
        std::sync::LazyLock::new(|| {
            $crate::text::lexicon::entries(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/",
                $file
            )))
        })
    };
}

/// A `LazyLock<Vec<&'static [&'static str]>>` of the phrase list in
/// `data/$file`.
macro_rules! phrase_list {
    ($file:literal) => {
        std::sync::LazyLock::new(|| {
            $crate::text::lexicon::phrases(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/",
                $file
            )))
        })
    };
}

pub(crate) use {phrase_list, word_list};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let data = "# a comment\nReuters\n\n  Associated Press  \n# more\nAFP\n";
        assert_eq!(entries(data), ["Reuters", "Associated Press", "AFP"]);
        assert_eq!(phrases("more than\nat least\n")[0], ["more", "than"]);
    }
}
