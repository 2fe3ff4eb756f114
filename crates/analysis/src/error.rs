//! [`AnalysisError`]: why loading or running an analysis failed.

use crate::options::Tier;

/// Why an analysis could not be set up, run or rendered. Messages name what
/// could not load; the underlying error is kept as the
/// [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// An option is out of range (e.g. a threshold outside 0 to 1).
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// The fast model could not be loaded.
    #[error("cannot load the fast model {location}")]
    FastModel {
        /// Where it was loaded from: a quoted path, or "embedded in this binary".
        location: String,
        /// The loader's error.
        #[source]
        source: unspin_techniques::ModelError,
    },
    /// The neural tier's model could not be loaded.
    #[error("cannot load the neural model {location}")]
    NeuralModel {
        /// Where it was loaded from: a quoted path, or "embedded in this binary".
        location: String,
        /// The loader's error.
        #[source]
        source: unspin_neural::NeuralError,
    },
    /// This binary carries no neural weights, and no model file was given.
    #[error(
        "this binary has no embedded neural model: use the fast tier, or give a neural model file"
    )]
    NoNeuralModel,
    /// The neural tier's attribution tagger could not be loaded.
    #[error(
        "cannot load the neural attribution tagger that goes with the neural tier \
         (allow_fallback / --allow-fallback runs the linear tagger instead)"
    )]
    AttributionTagger(#[source] unspin_neural::NeuralError),
    /// int8 precision was asked for and cannot run here.
    #[error(
        "int8 precision is not available: {reason} (use f32, or allow_fallback / \
         --allow-fallback to run f32 instead)"
    )]
    Int8Unavailable {
        /// Why ([`NO_INT8_REASON`](crate::NO_INT8_REASON), e.g. "no AVX2").
        reason: String,
    },
    /// A second tier a server was to run could not be loaded.
    #[error(
        "cannot load the {tier} tier, which is served beside the default one (allow_fallback / \
         --allow-fallback serves without it)"
    )]
    OtherTier {
        /// The tier that failed.
        tier: Tier,
        /// Why it failed.
        #[source]
        source: Box<AnalysisError>,
    },
    /// The stages do not fit together (a bug).
    #[error("the analysis stages do not fit together (a bug)")]
    Pipeline(#[source] unspin_pipeline::MissingLayer),
    /// A stage failed on a document.
    #[error("analysis failed")]
    Stage(#[source] unspin_pipeline::StageError),
    /// The neural tier failed on a text (its tokenizer).
    #[error("the neural tier failed")]
    Neural(#[source] unspin_neural::NeuralError),
    /// A span the detector produced does not fit the document (a bug).
    #[error("the technique spans do not fit the document")]
    Document(#[source] unspin_document::DocumentError),
    /// This analyzer runs a custom pipeline without a technique detector.
    #[error("this analyzer has no technique detector (it runs a custom pipeline)")]
    NoDetector,
    /// The JSON writer failed.
    #[error("cannot write JSON")]
    Json(#[source] unspin_writers::JsonError),
    /// The HTML report writer failed.
    #[error("cannot write the HTML report")]
    Html(#[source] unspin_writers::HtmlError),
    /// The PTC label writer failed.
    #[error("cannot write PTC labels")]
    Ptc(#[source] unspin_writers::PtcError),
}

/// `error: cause: cause…`, the whole chain of an error on one line (for
/// messages to users: logs, HTTP error bodies).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}
