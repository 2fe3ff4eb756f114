//! The persuasion techniques unspin detects, as plain data.
//!
//! The taxonomy is the 14-class label set of the Propaganda Techniques Corpus
//! (PTC) as used in SemEval-2020 Task 11. Each [`Technique`] carries the exact
//! PTC label string (the key used in `.labels` files, in the `technique` layer
//! of a document and in the JSON wire format), a display name, a plain-English
//! definition, a short invented example and a highlight colour for reports.
//!
//! The crate has no logic beyond lookup; readers, detectors, writers and the
//! server all use it so that every part of unspin names and colours a
//! technique the same way. [`TECHNIQUES`] is in the alphabetical order of the
//! PTC labels, which is also the order of the official SemEval technique list.
//!
//! ```
//! use unspin_taxonomy::{by_label, TECHNIQUES};
//!
//! assert_eq!(TECHNIQUES.len(), 14);
//! let t = by_label("Loaded_Language").unwrap();
//! assert_eq!(t.name, "Loaded language");
//! assert!(t.color.starts_with('#'));
//! assert!(by_label("loaded language").is_none()); // labels match exactly
//! ```
#![deny(missing_docs)]

use serde::Serialize;

/// One persuasion technique of the PTC taxonomy.
///
/// Serialises to a JSON object with the same field names, for the
/// `/api/techniques` endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Technique {
    /// The exact PTC label, e.g. `Name_Calling,Labeling` (may contain commas).
    pub label: &'static str,
    /// A short human-readable name, e.g. "Name calling / Labelling".
    pub name: &'static str,
    /// A one-paragraph plain-English definition.
    pub definition: &'static str,
    /// A short invented example sentence that uses the technique.
    pub example: &'static str,
    /// Highlight colour as `#rrggbb`: light enough that black text on it has
    /// a contrast ratio of at least 7:1 (WCAG AAA), and distinct from the
    /// other techniques' colours.
    pub color: &'static str,
}

/// Highlight colour for a label that is not in [`TECHNIQUES`].
pub const FALLBACK_COLOR: &str = "#e0e0e0";

/// The 14 techniques, in the alphabetical order of their PTC labels.
pub const TECHNIQUES: &[Technique] = &[
    Technique {
        label: "Appeal_to_Authority",
        name: "Appeal to authority",
        definition: "Treats a claim as settled because a person or institution with status backs \
            it, rather than because evidence is given. The authority may be a genuine expert \
            speaking outside their field, or someone with no relevant expertise at all; either \
            way the name is doing the work that an argument should do.",
        example: "Top economists agree the plan is the only sensible option, so there is nothing \
            left to debate.",
        color: "#7fb0f0",
    },
    Technique {
        label: "Appeal_to_fear-prejudice",
        name: "Appeal to fear or prejudice",
        definition: "Builds support for a position by making the audience anxious or alarmed \
            about the alternative, often by playing on existing biases against a group. The \
            reader is pushed to act out of fear of what might happen rather than from reasons \
            for the position itself.",
        example: "If this bill fails, our towns will be overrun and no family will be safe.",
        color: "#f4846f",
    },
    Technique {
        label: "Bandwagon,Reductio_ad_hitlerum",
        name: "Bandwagon / Reductio ad Hitlerum",
        definition: "Two mirror-image appeals to group membership. Bandwagon urges the reader to \
            accept an idea because everyone else, or everyone who matters, already does. \
            Reductio ad Hitlerum urges the reader to reject an idea because a group the \
            audience despises is said to support it.",
        example: "Millions have already switched sides; only extremists still defend the old \
            policy.",
        color: "#e59ae8",
    },
    Technique {
        label: "Black-and-White_Fallacy",
        name: "Black-and-white fallacy",
        definition: "Presents two options as the only ones available when others exist, usually \
            so that one of them looks unacceptable and the other inevitable. Its extreme form \
            simply tells the audience what to do and rules out any alternative.",
        example: "Either we close the borders tomorrow or we give up on having a country at all.",
        color: "#c4c4c4",
    },
    Technique {
        label: "Causal_Oversimplification",
        name: "Causal oversimplification",
        definition: "Explains a complex outcome by a single cause when many factors are involved. \
            It includes scapegoating, where the blame for a broad problem is laid on one person \
            or group, and treating something that merely came first as the reason for what \
            followed.",
        example: "Prices went up the month the new mayor took office, so the mayor caused \
            inflation.",
        color: "#66d1b5",
    },
    Technique {
        label: "Doubt",
        name: "Doubt",
        definition: "Casts suspicion on the credibility of a person, organisation or piece of \
            information, typically through insinuating questions or hints, without establishing \
            that the doubt is warranted.",
        example: "Can we really trust a report written by people who were paid by the ministry?",
        color: "#b3a6ff",
    },
    Technique {
        label: "Exaggeration,Minimisation",
        name: "Exaggeration / Minimisation",
        definition: "Misrepresents how big, good or bad something is: either inflating it beyond \
            what the facts support, or shrinking something serious so that it seems trivial \
            (for example brushing off an insult as a harmless joke).",
        example: "This is the greatest betrayal in the history of the nation; the injuries on our \
            side were just a few scratches.",
        color: "#ffb55c",
    },
    Technique {
        label: "Flag-Waving",
        name: "Flag-waving",
        definition: "Justifies a position by appealing to the audience's pride in or loyalty to a \
            group (a nation, most often, but also a religion, race, party or similar identity) \
            instead of giving reasons on the merits.",
        example: "Every true patriot will stand behind our troops and this mission.",
        color: "#a8d86e",
    },
    Technique {
        label: "Loaded_Language",
        name: "Loaded language",
        definition: "Uses words and phrases with strong emotional connotations, positive or \
            negative, to sway the reader's feelings about the subject rather than to describe \
            it neutrally.",
        example: "The senator launched a vicious, hysterical tirade against the reform.",
        color: "#ffe45c",
    },
    Technique {
        label: "Name_Calling,Labeling",
        name: "Name calling / Labelling",
        definition: "Attaches a label to a person or group so that the audience fears, despises \
            or, in the flattering variant, admires them, replacing an assessment of what they \
            actually say or do with a tag.",
        example: "The so-called experts of the globalist elite are at it again.",
        color: "#ffb3d1",
    },
    Technique {
        label: "Repetition",
        name: "Repetition",
        definition: "Repeats the same message, phrase or claim several times in the hope that \
            the audience comes to accept it through familiarity rather than evidence.",
        example: "They lied to you. They lied about the war, they lied about the money, and they \
            are lying now.",
        color: "#d9f2b3",
    },
    Technique {
        label: "Slogans",
        name: "Slogans",
        definition: "A brief, catchy phrase that packs a position into a memorable formula, often \
            with labelling or stereotyping, and works as an emotional appeal rather than an \
            argument.",
        example: "No peace without justice!",
        color: "#e8c7a0",
    },
    Technique {
        label: "Thought-terminating_Cliches",
        name: "Thought-terminating cliché",
        definition: "A stock phrase that closes down discussion by offering a simple-sounding \
            answer to a complex question or by steering attention away from it, so that the \
            reader stops thinking the matter through.",
        example: "It is what it is, and that's all there is to say about it.",
        color: "#a6e4f7",
    },
    Technique {
        label: "Whataboutism,Straw_Men,Red_Herring",
        name: "Whataboutism / Straw man / Red herring",
        definition: "Three ways of dodging an argument. Whataboutism answers a criticism by \
            accusing the critic of hypocrisy instead of addressing it. A straw man replaces the \
            opponent's position with a weaker or distorted version and refutes that. A red \
            herring brings in an irrelevant topic to pull attention away from the point.",
        example: "Why complain about our surveillance programme when your own government spies \
            on its citizens?",
        color: "#c9c26b",
    },
];

/// The technique whose PTC label is exactly `label` (case-sensitive).
///
/// ```
/// let t = unspin_taxonomy::by_label("Bandwagon,Reductio_ad_hitlerum").unwrap();
/// assert_eq!(t.name, "Bandwagon / Reductio ad Hitlerum");
/// ```
pub fn by_label(label: &str) -> Option<&'static Technique> {
    TECHNIQUES.iter().find(|t| t.label == label)
}

/// The highlight colour for `label`: the technique's colour, or
/// [`FALLBACK_COLOR`] when the label is not in the taxonomy.
pub fn color_of(label: &str) -> &'static str {
    by_label(label).map_or(FALLBACK_COLOR, |t| t.color)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// The label set of SemEval-2020 Task 11, as written in PTC files.
    const PTC_LABELS: [&str; 14] = [
        "Appeal_to_Authority",
        "Appeal_to_fear-prejudice",
        "Bandwagon,Reductio_ad_hitlerum",
        "Black-and-White_Fallacy",
        "Causal_Oversimplification",
        "Doubt",
        "Exaggeration,Minimisation",
        "Flag-Waving",
        "Loaded_Language",
        "Name_Calling,Labeling",
        "Repetition",
        "Slogans",
        "Thought-terminating_Cliches",
        "Whataboutism,Straw_Men,Red_Herring",
    ];

    fn rgb(hex: &str) -> [f64; 3] {
        assert!(hex.len() == 7 && hex.starts_with('#'), "bad colour {hex}");
        let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
        [c(1), c(3), c(5)]
    }

    fn linear(c: f64) -> f64 {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    fn luminance(hex: &str) -> f64 {
        let [r, g, b] = rgb(hex).map(linear);
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    /// CIE L*a*b* (D65).
    fn lab(hex: &str) -> [f64; 3] {
        let [r, g, b] = rgb(hex).map(linear);
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }

    #[test]
    fn has_exactly_the_14_ptc_labels_in_order() {
        let labels: Vec<_> = TECHNIQUES.iter().map(|t| t.label).collect();
        assert_eq!(labels, PTC_LABELS);
    }

    #[test]
    fn labels_names_and_colours_are_unique() {
        for field in [
            |t: &Technique| t.label,
            |t: &Technique| t.name,
            |t: &Technique| t.color,
        ] {
            let set: HashSet<_> = TECHNIQUES.iter().map(field).collect();
            assert_eq!(set.len(), TECHNIQUES.len());
        }
    }

    #[test]
    fn every_entry_is_filled_in() {
        for t in TECHNIQUES {
            assert!(!t.name.is_empty(), "{}", t.label);
            assert!(t.definition.len() > 80, "{}: definition too short", t.label);
            assert!(!t.example.is_empty(), "{}", t.label);
            assert!(
                !t.definition.contains("  "),
                "{}: broken line continuation",
                t.label
            );
            assert!(
                !t.example.contains("  "),
                "{}: broken line continuation",
                t.label
            );
        }
    }

    #[test]
    fn colours_are_readable_under_black_text_and_distinct() {
        for t in TECHNIQUES {
            let contrast = (luminance(t.color) + 0.05) / 0.05;
            assert!(
                contrast >= 7.0,
                "{} {}: contrast {contrast:.1}",
                t.label,
                t.color
            );
        }
        for (i, a) in TECHNIQUES.iter().enumerate() {
            for b in &TECHNIQUES[i + 1..] {
                let (la, lb) = (lab(a.color), lab(b.color));
                let de =
                    ((la[0] - lb[0]).powi(2) + (la[1] - lb[1]).powi(2) + (la[2] - lb[2]).powi(2))
                        .sqrt();
                assert!(
                    de >= 20.0,
                    "{} and {} look alike (ΔE {de:.1})",
                    a.label,
                    b.label
                );
            }
        }
        assert!(!TECHNIQUES.iter().any(|t| t.color == FALLBACK_COLOR));
    }

    #[test]
    fn lookup_is_exact() {
        for t in TECHNIQUES {
            assert_eq!(by_label(t.label), Some(t));
            assert_eq!(color_of(t.label), t.color);
        }
        assert_eq!(by_label("Doubt").map(|t| t.name), Some("Doubt"));
        assert!(by_label("doubt").is_none());
        assert!(by_label("Name_Calling").is_none());
        assert!(by_label("").is_none());
        assert_eq!(color_of("Something_Else"), FALLBACK_COLOR);
    }

    #[test]
    fn serialises_with_field_names() {
        let v = serde_json::to_value(TECHNIQUES).unwrap();
        assert_eq!(v.as_array().map(Vec::len), Some(14));
        assert_eq!(v[8]["label"], "Loaded_Language");
        for key in ["label", "name", "definition", "example", "color"] {
            assert!(v[0].get(key).is_some(), "missing {key}");
        }
    }
}
