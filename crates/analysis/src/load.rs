//! Loading what the options ask for: the technique detector at its
//! precision, and the sourcing stage with the tier's attribution tagger.
//! Every fallback happens here, only when allowed, and is returned so that
//! the analyzer can report it.

use std::fmt;
use std::path::Path;

use std::sync::Arc;

use unspin_neural::{NeuralAttribution, NeuralModel, NeuralTier};
use unspin_sourcing::SourcingStage;
use unspin_techniques::FastModel;

use crate::detector::Detector;
use crate::error::AnalysisError;
use crate::options::{AnalysisOptions, Capabilities, Precision, Tier};

/// Why int8 cannot run on a CPU of this architecture that lacks the int8
/// kernels (the reason in the error and in the fallback note).
pub const NO_INT8_REASON: &str = if cfg!(target_arch = "x86_64") {
    "no AVX2"
} else if cfg!(target_arch = "aarch64") {
    "no dotprod (Armv8.2 dot product)"
} else {
    "no int8 kernel for this architecture"
};

/// Something that ran in place of what was asked for, because the options
/// allowed it ([`AnalysisOptions::allow_fallback`]). Its [`Display`](fmt::Display)
/// is the note added to the provenance: `int8 requested; ran f32: this CPU
/// has no AVX2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// What was asked for (`int8`, `the neural attribution tagger`).
    pub requested: String,
    /// What ran instead (`f32`, `the linear tagger`).
    pub ran: String,
    /// Why.
    pub reason: String,
    pub(crate) scope: Scope,
}

/// Which spans a fallback concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// The technique detector's spans.
    Techniques,
    /// The attribution tagger's spans (those whose provenance starts with
    /// the given tagger name).
    Tagger(String),
}

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} requested; ran {}: {}",
            self.requested, self.ran, self.reason
        )
    }
}

/// The precision to run: `requested` when this CPU can, else f32 when
/// fallbacks are allowed (returned), else an error.
///
/// # Errors
/// [`AnalysisError::Int8Unavailable`] when int8 is asked for, cannot run and
/// no fallback is allowed.
pub fn resolve_precision(
    requested: Precision,
    capabilities: Capabilities,
    allow_fallback: bool,
) -> Result<(Precision, Option<Fallback>), AnalysisError> {
    match requested {
        Precision::Auto if capabilities.int8_fast => Ok((Precision::Int8, None)),
        Precision::Auto | Precision::F32 => Ok((Precision::F32, None)),
        Precision::Int8 if capabilities.int8 => Ok((Precision::Int8, None)),
        Precision::Int8 => int8_fallback(NO_INT8_REASON, allow_fallback),
    }
}

fn int8_fallback(
    reason: &str,
    allow_fallback: bool,
) -> Result<(Precision, Option<Fallback>), AnalysisError> {
    if !allow_fallback {
        return Err(AnalysisError::Int8Unavailable {
            reason: reason.to_string(),
        });
    }
    let fallback = Fallback {
        requested: "int8".into(),
        ran: "f32".into(),
        reason: reason.to_string(),
        scope: Scope::Techniques,
    };
    tracing::warn!("the neural tier runs in f32 ({fallback})");
    Ok((Precision::F32, Some(fallback)))
}

fn quoted(path: &Path) -> String {
    format!("\"{}\"", path.display())
}

const EMBEDDED: &str = "embedded in this binary (use --model PATH to load a model file)";

/// Loads the fast model: `path`, or the embedded one.
fn load_fast(path: Option<&Path>) -> Result<FastModel, AnalysisError> {
    match path {
        Some(p) => FastModel::load(p).map_err(|source| AnalysisError::FastModel {
            location: quoted(p),
            source,
        }),
        None => FastModel::embedded().map_err(|source| AnalysisError::FastModel {
            location: EMBEDDED.into(),
            source,
        }),
    }
}

/// The detector of `tier` with the options' model file, threshold and
/// precision, and the fallbacks taken (at most the int8 one).
pub(crate) fn load_detector(
    tier: Tier,
    options: &AnalysisOptions,
    capabilities: Capabilities,
) -> Result<(Detector, Precision, Vec<Fallback>), AnalysisError> {
    if let Some(t) = options.threshold {
        if !(0.0..=1.0).contains(&t) {
            return Err(AnalysisError::InvalidOption(format!(
                "the threshold must be between 0 and 1, got {t}"
            )));
        }
    }
    match tier {
        Tier::Fast => {
            let mut model = load_fast(options.model.as_deref())?;
            if let Some(t) = options.threshold {
                model.info.decode.threshold = t;
            }
            tracing::debug!(model = %model.provenance(), decode = ?model.info.decode, "model loaded");
            Ok((Detector::fast(model), Precision::F32, Vec::new()))
        }
        Tier::Neural => {
            let (mut precision, fallback) =
                resolve_precision(options.precision, capabilities, options.allow_fallback)?;
            let mut fallbacks: Vec<Fallback> = fallback.into_iter().collect();
            let mut neural = match &options.model {
                Some(p) => NeuralModel::load(p).map_err(|source| AnalysisError::NeuralModel {
                    location: quoted(p),
                    source,
                })?,
                None if !NeuralModel::has_embedded() => return Err(AnalysisError::NoNeuralModel),
                None => NeuralModel::embedded().map_err(|source| AnalysisError::NeuralModel {
                    location: "embedded in this binary".into(),
                    source,
                })?,
            };
            if let Some(t) = options.threshold {
                neural.info.decode.threshold = t;
            }
            if precision == Precision::Int8 && !neural.set_precision(precision.encoder()) {
                let (p, fallback) = int8_fallback(
                    "the int8 kernels do not fit this model's layers",
                    options.allow_fallback,
                )?;
                precision = p;
                fallbacks.extend(fallback);
            }
            tracing::debug!(model = %neural.provenance(), decode = ?neural.info.decode, %precision, "model loaded");
            let tier = NeuralTier {
                neural,
                fast: load_fast(None)?,
            };
            Ok((Detector::neural(tier), precision, fallbacks))
        }
    }
}

/// The sourcing stage loaded for a tier, with the fallback taken (if any)
/// and the neural attribution tagger it runs (if it runs that one).
pub(crate) type LoadedSourcing = (
    SourcingStage,
    Option<Fallback>,
    Option<Arc<NeuralAttribution>>,
);

/// The sourcing stage that goes with `tier`: the neural attribution tagger
/// at `precision` with the neural tier, the linear one with the fast tier.
pub(crate) fn load_sourcing(
    tier: Tier,
    precision: Precision,
    allow_fallback: bool,
) -> Result<LoadedSourcing, AnalysisError> {
    match tier {
        Tier::Fast => Ok((SourcingStage::shipped(), None, None)),
        Tier::Neural => match crate::tagger::neural_sourcing_stage(precision) {
            Ok((stage, tagger)) => Ok((stage, None, Some(tagger))),
            Err(e) if allow_fallback => {
                let stage = SourcingStage::shipped();
                let name = stage.tagger().describe();
                let prefix = linear_prefix(&name);
                let fallback = Fallback {
                    requested: "the neural attribution tagger".into(),
                    ran: "the linear tagger".into(),
                    reason: crate::error::error_chain(&e),
                    scope: Scope::Tagger(prefix),
                };
                tracing::warn!("sourcing runs the linear attribution tagger ({fallback})");
                Ok((stage, Some(fallback), None))
            }
            Err(e) => Err(e),
        },
    }
}

/// The provenance prefix of the linear tagger's spans (its name before `@`).
fn linear_prefix(describe: &str) -> String {
    describe.split('@').next().unwrap_or(describe).to_string()
}

/// The sourcing stage that goes with the options' tier (for tasks that need
/// only the attributions, such as `unspin predict --task attribution`):
/// the neural attribution tagger with the neural tier, the linear one with
/// the fast tier. A fallback, when allowed and taken, is logged.
///
/// # Errors
/// When the tier's tagger cannot load (and no fallback is allowed), or int8
/// is asked for and cannot run.
pub fn sourcing_stage(options: &AnalysisOptions) -> Result<SourcingStage, AnalysisError> {
    sourcing_stage_with(options, Capabilities::detect())
}

/// [`sourcing_stage`] for a CPU with the given capabilities.
///
/// # Errors
/// As [`sourcing_stage`].
pub fn sourcing_stage_with(
    options: &AnalysisOptions,
    capabilities: Capabilities,
) -> Result<SourcingStage, AnalysisError> {
    let tier = options.resolved_tier();
    let precision = match tier {
        Tier::Fast => Precision::F32,
        Tier::Neural => {
            resolve_precision(options.precision, capabilities, options.allow_fallback)?.0
        }
    };
    Ok(load_sourcing(tier, precision, options.allow_fallback)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_INT8: Capabilities = Capabilities {
        int8: false,
        int8_fast: false,
    };
    const INT8: Capabilities = Capabilities {
        int8: true,
        int8_fast: true,
    };
    /// int8 runs, not faster than f32 (the exact AVX2 kernel, when
    /// `UNSPIN_INT8_KERNEL=avx2` picks it).
    const SLOW_INT8: Capabilities = Capabilities {
        int8: true,
        int8_fast: false,
    };

    #[test]
    fn auto_is_int8_where_it_is_fast_and_never_an_error() {
        for (caps, want) in [
            (INT8, Precision::Int8),
            (SLOW_INT8, Precision::F32),
            (NO_INT8, Precision::F32),
        ] {
            for allow in [false, true] {
                assert_eq!(
                    resolve_precision(Precision::Auto, caps, allow).unwrap(),
                    (want, None),
                    "{caps:?}"
                );
            }
        }
        assert_eq!(Precision::default(), Precision::Auto);
    }

    #[test]
    fn int8_without_vnni_is_an_error_unless_a_fallback_is_allowed() {
        let e = resolve_precision(Precision::Int8, NO_INT8, false).unwrap_err();
        assert!(matches!(e, AnalysisError::Int8Unavailable { .. }));
        assert!(e.to_string().contains(NO_INT8_REASON), "{e}");
        assert!(e.to_string().contains("--allow-fallback"), "{e}");
        let (p, fallback) = resolve_precision(Precision::Int8, NO_INT8, true).unwrap();
        assert_eq!(p, Precision::F32);
        assert_eq!(
            fallback.map(|f| f.to_string()).as_deref(),
            Some(format!("int8 requested; ran f32: {NO_INT8_REASON}").as_str())
        );
        assert_eq!(
            resolve_precision(Precision::Int8, INT8, false).unwrap(),
            (Precision::Int8, None)
        );
        assert_eq!(
            resolve_precision(Precision::F32, NO_INT8, false).unwrap(),
            (Precision::F32, None)
        );
    }

    #[test]
    fn a_missing_model_file_names_the_path() {
        let options = AnalysisOptions {
            model: Some("/no/such/model.safetensors".into()),
            ..AnalysisOptions::default()
        };
        let e = load_detector(Tier::Fast, &options, INT8).unwrap_err();
        assert!(e.to_string().contains("/no/such/model.safetensors"), "{e}");
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn thresholds_outside_0_1_are_refused() {
        let options = AnalysisOptions {
            threshold: Some(1.5),
            ..AnalysisOptions::default()
        };
        assert!(matches!(
            load_detector(Tier::Fast, &options, INT8),
            Err(AnalysisError::InvalidOption(_))
        ));
    }
}
