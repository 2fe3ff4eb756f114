//! Precomputed hashes of the features whose values come from small fixed
//! sets (shapes, distance buckets, quotation state, punctuation marks):
//! each table holds, for every combination of values, exactly the hash that
//! [`Sink`](super::hashing::Sink) would compute from the strings, so looking
//! it up gives the same bucket without hashing anything per token.

use std::sync::OnceLock;

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Word shapes, in the order of `shape_ix`.
pub(crate) const SHAPES: [&str; 6] = ["AA", "AaA", "Aa", "a", "0", "."];
/// Shapes of a neighbour: the six shapes, then `<s>` and `</s>`.
pub(crate) const SHAPES_B: [&str; 8] = ["AA", "AaA", "Aa", "a", "0", ".", "<s>", "</s>"];
/// `<s>` in [`SHAPES_B`].
pub(crate) const SHAPE_START: usize = 6;
/// `</s>` in [`SHAPES_B`].
pub(crate) const SHAPE_END: usize = 7;
/// Inside or outside a quotation.
pub(crate) const QUOTE: [&str; 2] = ["in", "out"];
/// The position buckets of `pos_bucket`, then `-`.
pub(crate) const POS: [&str; 8] = ["0", "1", "2", "3-5", "6-10", "11-20", ">20", "-"];
/// The signed distance buckets of `bucket_dist`, then `none`.
pub(crate) const DIST: [&str; 12] = [
    "<-10", "-6..10", "-3..5", "-2", "-1", "0", "1", "2", "3..5", "6..10", ">10", "none",
];
/// `none` in [`DIST`].
pub(crate) const DIST_NONE: usize = 11;
/// Punctuation between a token and a cue.
pub(crate) const PUNCT: [&str; 5] = ["none", ",", ":", "q", "."];
/// The clause-edge marks, then `none`.
pub(crate) const MARKS: [&str; 13] = [
    ",", ":", ";", ".", "?", "!", "\"", "\u{201c}", "\u{201d}", "(", ")", "\u{2014}", "none",
];
/// `none` in [`MARKS`].
pub(crate) const MARK_NONE: usize = 12;
/// The number of cues in a sentence.
pub(crate) const CUE_COUNT: [&str; 4] = ["0", "1", "2", "3+"];

/// The index in [`POS`] of `pos_bucket(i)`.
pub(crate) fn pos_ix(i: usize) -> usize {
    match i {
        0 => 0,
        1 => 1,
        2 => 2,
        3..=5 => 3,
        6..=10 => 4,
        11..=20 => 5,
        _ => 6,
    }
}

/// The index in [`DIST`] of `bucket_dist(d)`.
pub(crate) fn dist_ix(d: isize) -> usize {
    match d {
        i if i <= -11 => 0,
        -10..=-6 => 1,
        -5..=-3 => 2,
        -2 => 3,
        -1 => 4,
        0 => 5,
        1 => 6,
        2 => 7,
        3..=5 => 8,
        6..=10 => 9,
        _ => 10,
    }
}

/// The index in [`MARKS`] of a clause-edge mark (`None` for other tokens).
pub(crate) fn mark_ix(w: &str) -> Option<usize> {
    // The order of MARKS (a test checks it).
    Some(match w {
        "," => 0,
        ":" => 1,
        ";" => 2,
        "." => 3,
        "?" => 4,
        "!" => 5,
        "\"" => 6,
        "\u{201c}" => 7,
        "\u{201d}" => 8,
        "(" => 9,
        ")" => 10,
        "\u{2014}" => 11,
        _ => return None,
    })
}

/// The hash `Sink` computes for the strings `parts` under `template`.
fn chain(template: u64, parts: &[&str]) -> u64 {
    parts
        .iter()
        .fold(template, |h, s| xxh3_64_with_seed(s.as_bytes(), h))
}

/// Every combination of one value from each domain, hashed, the last
/// domain varying fastest.
fn table(template: u64, domains: &[&[&str]]) -> Vec<u64> {
    let mut combos: Vec<Vec<&str>> = vec![Vec::new()];
    for domain in domains {
        combos = combos
            .iter()
            .flat_map(|c| {
                domain.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push(v);
                    c
                })
            })
            .collect();
    }
    combos.iter().map(|c| chain(template, c)).collect()
}

/// The tables, one per template (named after the template number).
pub(crate) struct Tables {
    pub(crate) t1: u64,
    pub(crate) t10: Vec<u64>,
    pub(crate) t11: Vec<u64>,
    pub(crate) t12: Vec<u64>,
    pub(crate) t15: Vec<u64>,
    pub(crate) t16: Vec<u64>,
    pub(crate) t17: Vec<u64>,
    pub(crate) t18: Vec<u64>,
    pub(crate) t20: Vec<u64>,
    pub(crate) t21: Vec<u64>,
    pub(crate) t22: Vec<u64>,
    pub(crate) t23: Vec<u64>,
    pub(crate) t24: Vec<u64>,
    pub(crate) t25: Vec<u64>,
    pub(crate) t33: Vec<u64>,
    pub(crate) t35: Vec<u64>,
    pub(crate) t39: Vec<u64>,
    pub(crate) t40: Vec<u64>,
    pub(crate) t65: Vec<u64>,
    pub(crate) t66: Vec<u64>,
    pub(crate) t67: Vec<u64>,
    pub(crate) t68: Vec<u64>,
    pub(crate) t69: Vec<u64>,
    pub(crate) t74: Vec<u64>,
}

/// The tables, built once per process (about 30,000 hashes).
pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        t1: chain(1, &["bias"]),
        t10: table(10, &[&SHAPES]),
        t11: table(11, &[&SHAPES, &SHAPES_B]),
        t12: table(12, &[&SHAPES, &SHAPES_B]),
        t15: table(15, &[&QUOTE]),
        t16: table(16, &[&QUOTE, &QUOTE]),
        t17: table(17, &[&POS]),
        t18: table(18, &[&POS]),
        t20: table(20, &[&["q", "-"], &["c", "-"]]),
        t21: table(21, &[&DIST]),
        t22: table(22, &[&DIST]),
        t23: table(23, &[&DIST, &QUOTE]),
        t24: table(24, &[&DIST, &QUOTE]),
        t25: table(25, &[&DIST, &DIST]),
        t33: table(33, &[&["after"], &PUNCT]),
        t35: table(35, &[&["before"], &PUNCT]),
        t39: table(39, &[&SHAPES_B, &SHAPES, &SHAPES_B]),
        t40: table(40, &[&DIST, &SHAPES]),
        t65: table(65, &[&MARKS, &POS]),
        t66: table(66, &[&MARKS, &POS]),
        t67: table(67, &[&MARKS, &MARKS]),
        t68: table(68, &[&MARKS, &MARKS, &DIST, &DIST]),
        t69: table(69, &[&CUE_COUNT, &DIST, &DIST]),
        t74: table(74, &[&SHAPES, &POS]),
    })
}

/// Tags by index, then `-` (outside the article).
pub(crate) const TAG_NAMES_B: [&str; 8] = ["O", "BS", "IS", "BC", "IC", "BT", "IT", "-"];
/// `-` in [`TAG_NAMES_B`].
pub(crate) const TAG_NONE: usize = 7;
/// The position buckets, then `none`.
pub(crate) const POS_NONE: [&str; 8] = ["0", "1", "2", "3-5", "6-10", "11-20", ">20", "none"];
/// The roles a sentence holds (source, cue, content), by bits `S C T`.
pub(crate) const FLAGS: [&str; 8] = ["---", "--T", "-C-", "-CT", "S--", "S-T", "SC-", "SCT"];
/// [`FLAGS`], then `<s>` (no previous sentence).
pub(crate) const FLAGS_B: [&str; 9] = [
    "---", "--T", "-C-", "-CT", "S--", "S-T", "SC-", "SCT", "<s>",
];

/// The stacked tagger's tables (template numbers as in `stacked`).
pub(crate) struct StackedTables {
    pub(crate) t100: Vec<u64>,
    pub(crate) t101: Vec<u64>,
    pub(crate) t102: Vec<u64>,
    pub(crate) t103: Vec<u64>,
    pub(crate) t104: Vec<u64>,
    pub(crate) t105: Vec<u64>,
    pub(crate) t107: Vec<u64>,
    pub(crate) t108: Vec<u64>,
    pub(crate) t109: Vec<u64>,
    pub(crate) t110: Vec<u64>,
    pub(crate) t111: Vec<u64>,
}

/// The stacked tagger's tables, built once per process.
pub(crate) fn stacked_tables() -> &'static StackedTables {
    static TABLES: OnceLock<StackedTables> = OnceLock::new();
    TABLES.get_or_init(|| StackedTables {
        t100: table(100, &[&TAG_NAMES_B]),
        t101: table(101, &[&TAG_NAMES_B, &TAG_NAMES_B]),
        t102: table(102, &[&TAG_NAMES_B, &TAG_NAMES_B]),
        t103: table(103, &[&TAG_NAMES_B]),
        t104: table(104, &[&TAG_NAMES_B]),
        t105: table(105, &[&TAG_NAMES_B, &TAG_NAMES_B, &TAG_NAMES_B]),
        t107: table(107, &[&POS_NONE]),
        t108: table(108, &[&POS_NONE]),
        t109: table(109, &[&FLAGS, &TAG_NAMES_B]),
        t110: table(110, &[&FLAGS_B, &TAG_NAMES_B]),
        t111: table(111, &[&TAG_NAMES_B, &POS[..7]]),
    })
}

#[cfg(test)]
mod tests {
    use super::super::hashing::pos_bucket;
    use super::*;

    #[test]
    fn indices_name_the_strings_the_features_hash() {
        for i in 0..40 {
            assert_eq!(POS[pos_ix(i)], pos_bucket(i));
        }
        for (k, m) in MARKS[..MARK_NONE].iter().enumerate() {
            assert_eq!(mark_ix(m), Some(k));
        }
        assert_eq!(mark_ix("word"), None);
        let dist = |d: isize| DIST[dist_ix(d)];
        assert_eq!(
            [-11, -10, -6, -5, -3, -2, -1, 0, 1, 2, 3, 5, 6, 10, 11].map(dist),
            [
                "<-10", "-6..10", "-6..10", "-3..5", "-3..5", "-2", "-1", "0", "1", "2", "3..5",
                "3..5", "6..10", "6..10", ">10"
            ]
        );
    }

    #[test]
    fn a_table_entry_is_the_hash_of_its_strings() {
        let t = table(68, &[&MARKS, &MARKS, &DIST, &DIST]);
        let (a, b, c, d) = (3, 12, 5, 11);
        assert_eq!(
            t[((a * 13 + b) * 12 + c) * 12 + d],
            chain(68, &[MARKS[a], MARKS[b], DIST[c], DIST[d]])
        );
    }
}
