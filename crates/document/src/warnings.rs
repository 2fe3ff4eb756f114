//! Warnings: what a reader must know before trusting an analysis.
//!
//! The models and rules of unspin are English-only and need running prose.
//! An input they cannot judge — another language, a text too short, text
//! that is mostly not letters — is said to be so with a [`Warning`] on the
//! [`Document`](crate::Document) instead of an analysis that looks clean.
//! A warning lists the layers that were *not* analysed because of it
//! ([`Warning::skipped_layers`]); those layers are absent from the document,
//! which differs from a layer that ran and found nothing (present, empty).

use std::fmt;

use serde::{Deserialize, Serialize};

/// What kind of problem a [`Warning`] reports. The wire names
/// ([`WarningCode::name`]) are stable: new codes may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningCode {
    /// The text is not in English (the English-only layers were skipped).
    Language,
    /// The language could not be told; the layers ran but may mean nothing.
    LanguageUnknown,
    /// Too few words to judge; the layers ran but say little.
    TooShort,
    /// Mostly not letters (a table of numbers, machine-garbled or
    /// mis-decoded text): the English-only layers were skipped.
    Garbled,
}

impl WarningCode {
    /// Every code, in documentation order.
    pub const ALL: [WarningCode; 4] = [
        WarningCode::Language,
        WarningCode::LanguageUnknown,
        WarningCode::TooShort,
        WarningCode::Garbled,
    ];

    /// The code's name in the wire formats (`language`, `language_unknown`,
    /// `too_short`, `garbled`).
    pub fn name(self) -> &'static str {
        match self {
            WarningCode::Language => "language",
            WarningCode::LanguageUnknown => "language_unknown",
            WarningCode::TooShort => "too_short",
            WarningCode::Garbled => "garbled",
        }
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One warning about a document's analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// What kind of problem.
    pub code: WarningCode,
    /// A plain-English sentence for the reader, saying what was found and
    /// what was (not) done.
    pub message: String,
    /// The layers not analysed because of this warning (absent from the
    /// document); empty when everything ran anyway.
    #[serde(default)]
    pub skipped_layers: Vec<String>,
    /// The language detected (ISO 639-3 code, e.g. `deu`), for
    /// [`WarningCode::Language`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Warning {
    /// Whether layers were skipped because of this warning (the analysis is
    /// missing, not merely less reliable).
    pub fn skips_analysis(&self) -> bool {
        !self.skipped_layers.is_empty()
    }
}
