//! Persuasion-technique detectors following the 14-technique taxonomy of the
//! Propaganda Techniques Corpus (PTC, SemEval-2020 Task 11).
//!
//! The **fast tier** ([`FastModel`]) is two hashed linear models trained by
//! [`train::train`]: a token-level logistic regression for span
//! identification (SI) whose features cover the token, its neighbours, its
//! sentence and how often its words recur in the article, decoded into spans
//! by a threshold and gap-joining tuned by cross-validation; and a
//! multinomial logistic regression for technique classification (TC) over the
//! span's words, character n-grams, context, length and repetition.
//! [`TechniqueStage`] runs both and adds the `technique` layer, with a score
//! and a one-sentence explanation per span.
//!
//! Offsets are UTF-8 bytes (see `unspin-document`).
//!
//! ```no_run
//! use unspin_document::Document;
//! use unspin_techniques::FastModel;
//!
//! let model = FastModel::embedded()?;
//! let doc = Document::new("a", "Title\n\nThese corrupt traitors will destroy our great nation!");
//! for span in model.analyze(&doc) {
//!     println!("{} {:.2} {}", span.label, span.score, doc.span_text(&span));
//! }
//! # Ok::<(), unspin_techniques::ModelError>(())
//! ```
#![deny(missing_docs)]

mod decode;
mod explain;
mod features;
mod linear;
mod model;
mod stage;
pub mod train;

pub use decode::{decode, DecodeConfig, Decoded};
pub use features::DocTokens;
pub use model::{
    assign_labels, Classified, FastModel, ModelError, ModelInfo, FEATURE_VERSION, PROPAGANDA,
};
pub use stage::TechniqueStage;
