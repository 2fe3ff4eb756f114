//! The technique detectors a pipeline can run: the fast tier or the neural tier.

use unspin_document::{Document, Span};
use unspin_neural::{NeuralError, NeuralStage, NeuralTier};
use unspin_pipeline::Stage;
use unspin_techniques::{Classified, FastModel, TechniqueStage};

/// A technique detector, one per tier.
#[derive(Debug)]
pub enum Detector {
    /// Linear models over hashed features (`fast`).
    Fast(FastModel),
    /// The fine-tuned encoder blended with the fast tier (`neural`).
    Neural(Box<NeuralTier>),
}

impl Detector {
    /// The tier's name in the API and on the command line.
    pub fn tier(&self) -> &'static str {
        match self {
            Detector::Fast(_) => "fast",
            Detector::Neural(_) => "neural",
        }
    }

    /// The provenance its spans carry (model name and version).
    pub fn provenance(&self) -> String {
        match self {
            Detector::Fast(m) => m.provenance(),
            Detector::Neural(t) => t.provenance(),
        }
    }

    /// Span identification only: `propaganda` spans with scores.
    ///
    /// # Errors
    /// When the neural tier's tokenizer fails.
    pub fn detect(&self, doc: &Document) -> Result<Vec<Span>, NeuralError> {
        match self {
            Detector::Fast(m) => Ok(m.detect(doc)),
            Detector::Neural(t) => t.detect(doc),
        }
    }

    /// The technique of each byte span of `text` (SemEval TC).
    ///
    /// # Errors
    /// When the neural tier's tokenizer fails.
    pub fn classify(
        &self,
        text: &str,
        spans: &[(usize, usize)],
    ) -> Result<Vec<Classified>, NeuralError> {
        match self {
            Detector::Fast(m) => Ok(m.classify(text, spans)),
            Detector::Neural(t) => t.classify(text, spans),
        }
    }

    /// The pipeline stage that runs it.
    pub fn into_stage(self) -> Box<dyn Stage> {
        match self {
            Detector::Fast(m) => Box::new(TechniqueStage::new(m)),
            Detector::Neural(t) => Box::new(NeuralStage::new(*t)),
        }
    }
}

impl From<FastModel> for Detector {
    fn from(m: FastModel) -> Detector {
        Detector::Fast(m)
    }
}

impl From<NeuralTier> for Detector {
    fn from(t: NeuralTier) -> Detector {
        Detector::Neural(Box::new(t))
    }
}
