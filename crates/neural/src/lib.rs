//! The neural tier of unspin: a fine-tuned MiniLM encoder (all-MiniLM-L6-v2)
//! that finds persuasion-technique spans and names their technique, on a CPU.
//!
//! - [`encoder`]: a BERT forward pass built for many short windows (weights
//!   transposed once, fused QKV, buffers reused, no padding, `gemm` kernels;
//!   on x86-64 with AVX-512 or AVX2, dense layers on weights packed once for
//!   their own kernel).
//! - [`weights`]: the safetensors files (the training script's f32 checkpoint,
//!   the shipped int8 file with per-row scales).
//! - [`NeuralModel`]: tokenizer + encoder + SI head (BIO over word pieces) +
//!   TC head (`[mean; max]` pooling of a span's pieces), over overlapping windows.
//! - [`NeuralTier`]: blends the encoder with the fast tier, decodes spans,
//!   calibrates their scores and explains them; [`NeuralStage`] adds its
//!   `technique` layer to a document.
//! - [`attribution`]: the same encoder fine-tuned on PolNeAR as an
//!   attribution tagger (source, cue, content) for the sourcing stage; it
//!   implements `unspin_attribution::AttributionTagger`.
//! - [`tune`]: fits the blending, decoding and calibration on held-out
//!   training articles and writes the shipped model (`unspin train --task neural`).
//!
//! Offsets are UTF-8 bytes inside, as everywhere in unspin.
#![deny(missing_docs)]

pub mod attribution;
mod crf;
pub mod encoder;
pub mod int8;
mod math;
mod model;
mod panels;
mod stage;
mod tier;
pub mod tune;
pub mod weights;

pub use attribution::NeuralAttribution;
pub use model::{Encoded, NeuralInfo, NeuralModel, Pieces, Platt};
pub use stage::NeuralStage;
pub use tier::{Analysis, NeuralTier};

/// Errors of the neural tier.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NeuralError {
    /// A model file could not be read.
    #[error("cannot read {path:?}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid model.
    #[error("invalid neural model: {0}")]
    Format(String),
    /// The tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The binary was built without neural weights.
    #[error("this build has no embedded neural model (models/neural/ was empty); use --tier fast")]
    NoEmbeddedModel,
    /// The binary was built without the neural attribution tagger's weights
    /// (or the neural tier's, whose word embeddings it borrows).
    #[error("this build has no embedded neural attribution model (models/attribution-neural/ or models/neural/ was empty)")]
    NoEmbeddedAttribution,
    /// This CPU cannot run the requested precision.
    #[error("precision {precision:?} is not available on this CPU (int8 needs AVX2 at least)")]
    PrecisionUnavailable {
        /// The precision asked for.
        precision: crate::encoder::Precision,
    },
    /// Tuning could not run.
    #[error("cannot tune: {0}")]
    Tuning(String),
}
