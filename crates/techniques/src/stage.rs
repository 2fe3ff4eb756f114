//! The pipeline stage that adds technique spans.

use unspin_document::{layers, Document};
use unspin_pipeline::{MissingLayer, Pipeline, Stage, StageError};
use unspin_segment::SentenceStage;

use crate::FastModel;

/// Adds the `technique` layer using a [`FastModel`].
pub struct TechniqueStage {
    model: FastModel,
}

impl TechniqueStage {
    /// A stage running `model`.
    pub fn new(model: FastModel) -> TechniqueStage {
        TechniqueStage { model }
    }

    /// The model this stage runs.
    pub fn model(&self) -> &FastModel {
        &self.model
    }
}

impl Stage for TechniqueStage {
    fn name(&self) -> &str {
        "techniques-fast"
    }
    fn assigns(&self) -> &[&str] {
        &[layers::TECHNIQUE]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        let spans = self.model.analyze(doc);
        doc.set_layer(layers::TECHNIQUE, spans)?;
        Ok(())
    }
}

/// The analysis pipeline of the fast tier, as `unspin analyze` and
/// `unspin serve` run it: sentences, then techniques.
///
/// # Errors
/// Only if the stages did not fit together, which would be a bug.
pub fn fast_pipeline(model: FastModel) -> Result<Pipeline, MissingLayer> {
    Pipeline::new(
        vec![
            Box::new(SentenceStage),
            Box::new(TechniqueStage::new(model)),
        ],
        &[],
    )
}
