//! The one place that decides what runs: options, model loading, pipeline
//! assembly and output rendering for every unspin front end (the command
//! line, the HTTP server, and the coming Python and corpus code).
//!
//! Front ends turn what they were given (flags, request fields, keyword
//! arguments) into one [`AnalysisOptions`] value, plain data. [`Analyzer::new`]
//! resolves every choice in one go, as ripgrep's `HiArgs` does: the tier
//! ([`Tier::Neural`] by default when the binary carries its weights, else
//! [`Tier::Fast`]), the model file, the threshold, the precision, and the
//! attribution tagger that goes with the tier (the neural one for the neural
//! tier, the linear one for the fast tier). It loads the models and builds the
//! pipeline:
//!
//! ```text
//! sentences (unspin-segment) → techniques-neural | techniques-fast → sourcing (optional)
//! ```
//!
//! [`Analyzer::analyze`] runs it on a [`Document`](unspin_document::Document)
//! from `unspin-readers`; [`render`] writes the result in an [`OutputFormat`]
//! (`unspin-writers`). [`Analyzer::detect`] and [`Analyzer::classify`] are
//! the SemEval operations (span identification, technique classification)
//! without the rest of the pipeline.
//!
//! **No silent fallbacks.** What is asked for runs, or [`Analyzer::new`]
//! returns an [`AnalysisError`] naming what could not load: int8 precision on
//! a CPU without its kernels, the neural attribution tagger, a model file, a
//! second tier of a server ([`Analyzer::load_tiers`]). Only with
//! [`AnalysisOptions::allow_fallback`] does the nearest thing run instead;
//! the [`Fallback`] is then logged, listed by [`Analyzer::fallbacks`], added
//! to [`Analyzer::provenance`] and to the provenance of the spans it
//! concerns (`neural-minilm@5bb02fbd (int8 requested; ran f32: no
//! AVX2)`).
//!
//! Offsets inside are UTF-8 bytes (see `unspin-document`); the writers turn
//! them into Unicode code points.
//!
//! ```
//! use unspin_analysis::{render, AnalysisOptions, Analyzer, OutputFormat, Tier};
//! use unspin_document::{layers, Document};
//!
//! let options = AnalysisOptions { tier: Some(Tier::Fast), ..AnalysisOptions::default() };
//! let analyzer = Analyzer::new(&options)?;
//! assert_eq!(analyzer.stage_names(), ["sentences", "techniques-fast", "sourcing"]);
//!
//! let mut doc = Document::new(
//!     "a",
//!     "Betrayal\n\nThese corrupt traitors will destroy our great nation, the senator said.",
//! );
//! analyzer.analyze(&mut doc)?;
//! assert!(!doc.layer(layers::TECHNIQUE).is_empty());
//! let json = render(&doc, OutputFormat::JsonLine)?;
//! assert!(json.starts_with("{\"schema_version\""));
//! # Ok::<(), unspin_analysis::AnalysisError>(())
//! ```
#![deny(missing_docs)]

mod analyzer;
mod detector;
mod error;
pub mod judge;
mod load;
mod options;
mod render;
mod tagger;

pub use analyzer::Analyzer;
pub use detector::Detector;
pub use error::{error_chain, AnalysisError};
pub use judge::judge;
pub use load::{resolve_precision, sourcing_stage, sourcing_stage_with, Fallback, NO_INT8_REASON};
pub use options::{AnalysisOptions, Capabilities, Precision, Tier, UnknownTier};
pub use render::{render, OutputFormat, UnknownFormat};
