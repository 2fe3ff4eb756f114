//! [`Detector`]: the technique detector of a tier, shared between the
//! pipeline that runs it and the SemEval operations (`detect`, `classify`).

use std::sync::Arc;

use unspin_document::{Document, Span};
use unspin_neural::{NeuralAttribution, NeuralStage, NeuralTier};
use unspin_pipeline::{Stage, StageError};
use unspin_techniques::{Classified, FastModel, TechniqueStage};

use crate::error::AnalysisError;
use crate::options::Tier;

/// A technique detector, one per tier. Cloning is cheap (the model is shared).
#[derive(Clone)]
pub struct Detector {
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Fast(Arc<TechniqueStage>),
    Neural(Arc<NeuralStage>),
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("tier", &self.tier())
            .field("provenance", &self.provenance())
            .finish()
    }
}

impl Detector {
    /// The fast tier running `model`.
    pub fn fast(model: FastModel) -> Detector {
        Detector {
            kind: Kind::Fast(Arc::new(TechniqueStage::new(model))),
        }
    }

    /// The neural tier running `tier`.
    pub fn neural(tier: NeuralTier) -> Detector {
        Detector {
            kind: Kind::Neural(Arc::new(NeuralStage::new(tier))),
        }
    }

    /// The tier it belongs to.
    pub fn tier(&self) -> Tier {
        match &self.kind {
            Kind::Fast(_) => Tier::Fast,
            Kind::Neural(_) => Tier::Neural,
        }
    }

    /// The provenance its technique spans carry (model name and version).
    pub fn provenance(&self) -> String {
        match &self.kind {
            Kind::Fast(s) => s.model().provenance(),
            Kind::Neural(s) => s.tier().provenance(),
        }
    }

    /// Span identification only: `propaganda` spans with scores (byte offsets).
    ///
    /// # Errors
    /// When the neural tier's tokenizer fails.
    pub fn detect(&self, doc: &Document) -> Result<Vec<Span>, AnalysisError> {
        match &self.kind {
            Kind::Fast(s) => Ok(s.model().detect(doc)),
            Kind::Neural(s) => s.tier().detect(doc).map_err(AnalysisError::Neural),
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
    ) -> Result<Vec<Classified>, AnalysisError> {
        match &self.kind {
            Kind::Fast(s) => Ok(s.model().classify(text, spans)),
            Kind::Neural(s) => s
                .tier()
                .classify(text, spans)
                .map_err(AnalysisError::Neural),
        }
    }

    /// Lets the neural tier's encoder pass compute `tagger`'s tags too when
    /// the tagger shares its lower layers (one encoder pass for techniques
    /// and quotes, [`unspin_neural::NeuralModel::share_trunk`]); true when
    /// it does. The fast tier shares nothing.
    pub fn share_trunk(&self, tagger: Arc<NeuralAttribution>) -> bool {
        match &self.kind {
            Kind::Fast(_) => false,
            Kind::Neural(s) => s.tier().neural.share_trunk(tagger),
        }
    }

    /// The pipeline stage that runs it (`techniques-fast` or
    /// `techniques-neural`), sharing the model.
    pub(crate) fn stage(&self) -> Box<dyn Stage> {
        match &self.kind {
            Kind::Fast(s) => Box::new(Shared(Arc::clone(s))),
            Kind::Neural(s) => Box::new(Shared(Arc::clone(s))),
        }
    }
}

/// A stage shared between a pipeline and its owner.
pub(crate) struct Shared<S>(pub(crate) Arc<S>);

impl<S: Stage> Stage for Shared<S> {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn requires(&self) -> &[&str] {
        self.0.requires()
    }
    fn assigns(&self) -> &[&str] {
        self.0.assigns()
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        self.0.process(doc)
    }
}
