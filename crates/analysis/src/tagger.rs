//! The neural attribution tagger, loaded for the sourcing stage of the
//! neural tier. (The one place that knows how the tagger and the sourcing
//! stage are put together.)

use std::sync::Arc;

use unspin_neural::NeuralAttribution;
use unspin_sourcing::attribution::AttributionTagger as _;
use unspin_sourcing::SourcingStage;

use crate::error::AnalysisError;
use crate::options::Precision;

/// The sourcing stage with the neural attribution tagger shipped in the
/// binary, at `precision`, and the tagger itself (for the neural tier to
/// share its lower layers with, [`crate::Detector::share_trunk`]).
///
/// # Errors
/// [`AnalysisError::AttributionTagger`] when this binary has no neural
/// attribution weights, they do not load, or this CPU cannot run them at
/// `precision`.
pub(crate) fn neural_sourcing_stage(
    precision: Precision,
) -> Result<(SourcingStage, Arc<NeuralAttribution>), AnalysisError> {
    let tagger = NeuralAttribution::embedded(precision.encoder())
        .map_err(AnalysisError::AttributionTagger)?;
    tracing::debug!(tagger = %tagger.describe(), %precision, "attribution tagger loaded");
    let tagger = Arc::new(tagger);
    Ok((SourcingStage::new(tagger.clone()), tagger))
}
