//! [`Analyzer`]: the loaded models and the pipeline that runs them.

use unspin_document::{layers, Document, Span};
use unspin_pipeline::{Pipeline, Stage};
use unspin_segment::SentenceStage;

use crate::detector::Detector;
use crate::error::AnalysisError;
use crate::load::{load_detector, load_sourcing, resolve_precision, Fallback, Scope};
use crate::options::{AnalysisOptions, Capabilities, Precision, Tier};

/// The analysis the options ask for, loaded and ready: sentence
/// segmentation, the technique tier, then (unless turned off) the sourcing
/// stage with the tier's attribution tagger.
///
/// Built once, then shared: [`analyze`](Analyzer::analyze) takes `&self`
/// and may run on many threads at once.
pub struct Analyzer {
    tier: Tier,
    detector: Option<Detector>,
    pipeline: Pipeline,
    provenance: String,
    fallbacks: Vec<Fallback>,
    /// The layers skipped for a text [`judge`](crate::judge) says unspin
    /// cannot judge; `None`: every text is analysed, unjudged.
    english_only: Option<Vec<&'static str>>,
    force_english: bool,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("tier", &self.tier)
            .field("provenance", &self.provenance)
            .field("stages", &self.stage_names())
            .finish_non_exhaustive()
    }
}

impl Analyzer {
    /// Loads what `options` ask for on this CPU.
    ///
    /// # Errors
    /// When a model cannot be loaded, an option is out of range, or
    /// something asked for cannot run here and
    /// [`allow_fallback`](AnalysisOptions::allow_fallback) is off; the error
    /// names what could not load.
    pub fn new(options: &AnalysisOptions) -> Result<Analyzer, AnalysisError> {
        Analyzer::with_capabilities(options, Capabilities::detect())
    }

    /// [`Analyzer::new`] as on a CPU with `capabilities` (tests use this to
    /// take the paths of CPUs without int8 support).
    ///
    /// # Errors
    /// As [`Analyzer::new`].
    pub fn with_capabilities(
        options: &AnalysisOptions,
        capabilities: Capabilities,
    ) -> Result<Analyzer, AnalysisError> {
        let tier = options.resolved_tier();
        // The sourcing stage (with the neural tier, a second encoder) loads
        // on its own thread beside the detector: they are independent, and
        // loading is most of the time of a single short analysis. It loads
        // at the precision the options resolve to; in the rare case that
        // the detector then falls back to another, it loads again.
        let expected = match tier {
            Tier::Fast => Precision::F32,
            Tier::Neural => {
                resolve_precision(options.precision, capabilities, options.allow_fallback)
                    .map_or(Precision::F32, |(p, _)| p)
            }
        };
        let (detected, sourcing) = std::thread::scope(|scope| {
            let sourcing = options
                .sourcing
                .then(|| scope.spawn(|| load_sourcing(tier, expected, options.allow_fallback)));
            let detected = load_detector(tier, options, capabilities);
            (detected, sourcing.map(|h| h.join()))
        });
        let (detector, precision, mut fallbacks) = detected?;
        let mut stages: Vec<Box<dyn Stage>> = vec![Box::new(SentenceStage), detector.stage()];
        let mut english_only = vec![layers::TECHNIQUE];
        if let Some(loaded) = sourcing {
            english_only.extend(layers::SOURCING);
            let loaded = match loaded {
                Ok(loaded) if precision == expected => loaded,
                Ok(_) => load_sourcing(tier, precision, options.allow_fallback),
                Err(panic) => std::panic::resume_unwind(panic),
            };
            let (stage, fallback, tagger) = loaded?;
            fallbacks.extend(fallback);
            if let Some(tagger) = tagger {
                detector.share_trunk(tagger);
            }
            stages.push(Box::new(stage));
        }
        let pipeline = Pipeline::new(stages, &[]).map_err(AnalysisError::Pipeline)?;
        let mut provenance = detector.provenance();
        for f in &fallbacks {
            provenance.push_str(&format!(" ({f})"));
        }
        Ok(Analyzer {
            tier,
            detector: Some(detector),
            pipeline,
            provenance,
            fallbacks,
            english_only: Some(english_only),
            force_english: options.force_english,
        })
    }

    /// An analyzer running a pipeline of your own as `tier` (for tests and
    /// experiments); `provenance` names it. Its texts are not judged first
    /// (no language warnings, nothing skipped). It has no detector:
    /// [`detect`](Analyzer::detect) and [`classify`](Analyzer::classify)
    /// return [`AnalysisError::NoDetector`].
    pub fn from_pipeline(
        tier: Tier,
        provenance: impl Into<String>,
        pipeline: Pipeline,
    ) -> Analyzer {
        Analyzer {
            tier,
            detector: None,
            pipeline,
            provenance: provenance.into(),
            fallbacks: Vec::new(),
            english_only: None,
            force_english: false,
        }
    }

    /// What a server runs: the options' tier first (the default of requests
    /// that name none), then the other tier from this binary's embedded
    /// models when it has them and no model file was given.
    ///
    /// # Errors
    /// When the first tier cannot load; when the second cannot and
    /// [`allow_fallback`](AnalysisOptions::allow_fallback) is off
    /// ([`AnalysisError::OtherTier`]). With it on, the server runs without
    /// the second tier, and says so in the log.
    pub fn load_tiers(options: &AnalysisOptions) -> Result<Vec<Analyzer>, AnalysisError> {
        Analyzer::load_tiers_with(options, Capabilities::detect())
    }

    /// [`Analyzer::load_tiers`] as on a CPU with `capabilities`.
    ///
    /// # Errors
    /// As [`Analyzer::load_tiers`].
    pub fn load_tiers_with(
        options: &AnalysisOptions,
        capabilities: Capabilities,
    ) -> Result<Vec<Analyzer>, AnalysisError> {
        let first = Analyzer::with_capabilities(options, capabilities)?;
        let other = first.tier.other();
        let mut tiers = vec![first];
        let wanted = options.model.is_none()
            && (other == Tier::Fast || unspin_neural::NeuralModel::has_embedded());
        if wanted {
            let other_options = AnalysisOptions {
                tier: Some(other),
                model: None,
                threshold: None,
                ..options.clone()
            };
            match Analyzer::with_capabilities(&other_options, capabilities) {
                Ok(a) => tiers.push(a),
                Err(e) if options.allow_fallback => {
                    tracing::warn!(
                        "serving without the {other} tier, which cannot load: {}",
                        crate::error::error_chain(&e)
                    );
                }
                Err(e) => {
                    return Err(AnalysisError::OtherTier {
                        tier: other,
                        source: Box::new(e),
                    })
                }
            }
        }
        Ok(tiers)
    }

    /// Runs the pipeline on `doc`, adding its layers. Spans made by
    /// something that ran in place of what was asked for (an allowed
    /// fallback) say so in their provenance.
    ///
    /// The text is [judged](crate::judge) first and the warnings replace
    /// `doc.warnings`: a text in another language or mostly not letters
    /// gets its sentences only, and its warning lists the layers skipped
    /// (unless [`force_english`](AnalysisOptions::force_english)).
    ///
    /// # Errors
    /// When a stage fails on this document.
    pub fn analyze(&self, doc: &mut Document) -> Result<(), AnalysisError> {
        self.analyze_forcing(doc, self.force_english)
    }

    /// [`analyze`](Analyzer::analyze), forcing English (or not) for this
    /// document whatever the options said: for a server whose requests
    /// may each ask for `force_language`.
    ///
    /// # Errors
    /// When a stage fails on this document.
    pub fn analyze_forcing(
        &self,
        doc: &mut Document,
        force_english: bool,
    ) -> Result<(), AnalysisError> {
        if !self.judge(doc, force_english) {
            return SentenceStage.process(doc).map_err(AnalysisError::Stage);
        }
        self.pipeline.run(doc).map_err(AnalysisError::Stage)?;
        for fallback in &self.fallbacks {
            mark_fallback(doc, fallback, self.detector.as_ref())?;
        }
        Ok(())
    }

    /// [`analyze`](Analyzer::analyze) under a cancellation token: the
    /// pipeline stops between stages, and the neural tier between encoder
    /// windows, once `token` is cancelled (from another thread), and the
    /// result is then [`StageError::Cancelled`](unspin_pipeline::StageError::Cancelled)
    /// (inside [`AnalysisError::Stage`]); `doc` is then partly analysed.
    /// A token cancelled before the call runs nothing.
    ///
    /// # Errors
    /// When a stage fails on this document, or the token is cancelled.
    pub fn analyze_with(
        &self,
        doc: &mut Document,
        token: &unspin_pipeline::Cancel,
    ) -> Result<(), AnalysisError> {
        token.check().map_err(|e| AnalysisError::Stage(e.into()))?;
        unspin_pipeline::cancel::scope(token, || self.analyze(doc))
    }

    /// Analyses a document that was analysed before (read back from JSON or
    /// a corpus): removes the layers analysis writes (`sentence`,
    /// `technique` and the sourcing layers), keeps what the reader found
    /// (title, paragraphs, block quotes, boilerplate, links), then runs
    /// [`analyze`](Analyzer::analyze).
    ///
    /// # Errors
    /// When a stage fails on this document.
    pub fn reanalyze(&self, doc: &mut Document) -> Result<(), AnalysisError> {
        for layer in [layers::SENTENCE, layers::TECHNIQUE]
            .into_iter()
            .chain(layers::SOURCING)
        {
            doc.remove_layer(layer);
        }
        self.analyze(doc)
    }

    /// Sets `doc.warnings` from [`judge`](crate::judge); `false` when the
    /// English-only layers must be skipped.
    fn judge(&self, doc: &mut Document, force_english: bool) -> bool {
        let Some(english_only) = &self.english_only else {
            doc.warnings.clear();
            return true;
        };
        doc.warnings = crate::judge(
            doc.text(),
            doc.metadata.language.as_deref(),
            english_only,
            force_english,
        );
        !doc.warnings.iter().any(|w| w.skips_analysis())
    }

    /// Whether every text is analysed as English
    /// ([`force_english`](AnalysisOptions::force_english)).
    pub fn forces_english(&self) -> bool {
        self.force_english
    }

    /// The tier this analyzer runs.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// The technique detector's provenance (model name and version), with
    /// a note per fallback taken, e.g. `neural-minilm@5bb02fbd (int8
    /// requested; ran f32: no AVX2)`.
    pub fn provenance(&self) -> &str {
        &self.provenance
    }

    /// The fallbacks taken while loading (empty unless
    /// [`allow_fallback`](AnalysisOptions::allow_fallback) was set and
    /// something asked for could not run).
    pub fn fallbacks(&self) -> &[Fallback] {
        &self.fallbacks
    }

    /// The names of the pipeline's stages, in order (e.g. `sentences`,
    /// `techniques-fast`, `sourcing`).
    pub fn stage_names(&self) -> Vec<&str> {
        self.pipeline.names()
    }

    /// The technique detector.
    ///
    /// # Errors
    /// [`AnalysisError::NoDetector`] for an analyzer made by
    /// [`from_pipeline`](Analyzer::from_pipeline).
    pub fn detector(&self) -> Result<&Detector, AnalysisError> {
        self.detector.as_ref().ok_or(AnalysisError::NoDetector)
    }

    /// Span identification only (SemEval SI): `propaganda` spans with
    /// scores, byte offsets, without running the pipeline.
    ///
    /// # Errors
    /// When the neural tier's tokenizer fails, or there is no detector.
    pub fn detect(&self, doc: &Document) -> Result<Vec<Span>, AnalysisError> {
        self.detector()?.detect(doc)
    }

    /// The technique of each byte span of `text` (SemEval TC).
    ///
    /// # Errors
    /// When the neural tier's tokenizer fails, or there is no detector.
    pub fn classify(
        &self,
        text: &str,
        spans: &[(usize, usize)],
    ) -> Result<Vec<unspin_techniques::Classified>, AnalysisError> {
        self.detector()?.classify(text, spans)
    }
}

/// Appends ` (NOTE)` to the provenance of the spans `fallback` concerns.
fn mark_fallback(
    doc: &mut Document,
    fallback: &Fallback,
    detector: Option<&Detector>,
) -> Result<(), AnalysisError> {
    let note = format!(" ({fallback})");
    let targets: Vec<String> = match &fallback.scope {
        Scope::Techniques => vec![layers::TECHNIQUE.to_string()],
        Scope::Tagger(_) => doc.layers().keys().cloned().collect(),
    };
    let detector_provenance = detector.map(Detector::provenance);
    for layer in targets {
        let concerned = |s: &Span| match (&fallback.scope, s.provenance.as_deref()) {
            (Scope::Techniques, Some(p)) => {
                !matches!(detector_provenance.as_deref(), Some(d) if d != p)
            }
            (Scope::Tagger(prefix), Some(p)) => p.starts_with(prefix.as_str()),
            (_, None) => false,
        };
        if !doc.layer(&layer).iter().any(concerned) {
            continue;
        }
        let spans: Vec<Span> = doc
            .layer(&layer)
            .iter()
            .map(|s| {
                let mut s = s.clone();
                if concerned(&s) {
                    if let Some(p) = &mut s.provenance {
                        p.push_str(&note);
                    }
                }
                s
            })
            .collect();
        doc.set_layer(&layer, spans)
            .map_err(AnalysisError::Document)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tagger_fallback_is_noted_on_the_tagger_spans_only() {
        let mut doc = Document::new("d", "He said it was over.");
        let tagged = |start, end, provenance: &str| {
            Span::new(start, end, "quote")
                .expect("span")
                .with_provenance(provenance)
        };
        doc.set_layer(
            "quote",
            vec![
                tagged(0, 2, "attribution-tagger"),
                tagged(3, 7, "attribution-tagger+quote-rules"),
                tagged(8, 19, "quote-rules"),
            ],
        )
        .expect("layer");
        let fallback = Fallback {
            requested: "the neural attribution tagger".into(),
            ran: "the linear tagger".into(),
            reason: "no weights".into(),
            scope: Scope::Tagger("attribution-tagger".into()),
        };
        mark_fallback(&mut doc, &fallback, None).expect("marked");
        let provenances: Vec<&str> = doc
            .layer("quote")
            .iter()
            .filter_map(|s| s.provenance.as_deref())
            .collect();
        let note = " (the neural attribution tagger requested; ran the linear tagger: no weights)";
        assert_eq!(
            provenances,
            [
                format!("attribution-tagger{note}").as_str(),
                format!("attribution-tagger+quote-rules{note}").as_str(),
                "quote-rules",
            ]
        );
    }
}
