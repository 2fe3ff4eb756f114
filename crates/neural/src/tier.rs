//! The neural tier: the encoder's probabilities blended with the fast tier's,
//! decoded into spans, classified, calibrated and explained.

use unspin_document::{attrs, layers, Document, Span};
use unspin_pipeline::timing;
use unspin_techniques::{
    assign_labels, decode, Classified, DecodeConfig, Decoded, DocTokens, FastModel, PROPAGANDA,
};

use crate::model::{Encoded, NeuralModel};
use crate::NeuralError;

/// The neural technique detector: a [`NeuralModel`] plus the [`FastModel`] it
/// is blended with (the fast tier brings article-level evidence the encoder's
/// 256-piece windows cannot see, such as how often a phrase recurs).
#[derive(Debug)]
pub struct NeuralTier {
    /// The encoder and its heads.
    pub neural: NeuralModel,
    /// The fast tier it is blended with.
    pub fast: FastModel,
}

/// Everything the tier computed for one document, for tuning and evaluation.
pub struct Analysis<'a> {
    /// The document's word tokens.
    pub tokens: DocTokens<'a>,
    /// Encoder output.
    pub encoded: Encoded,
    /// Neural propaganda probability of each word token.
    pub neural_probs: Vec<f32>,
    /// Fast-tier propaganda probability of each word token.
    pub fast_probs: Vec<f32>,
}

impl<'a> Analysis<'a> {
    /// Blended word probabilities: `blend · neural + (1 − blend) · fast`.
    pub fn blended(&self, blend: f32) -> Vec<f32> {
        self.neural_probs
            .iter()
            .zip(&self.fast_probs)
            .map(|(n, f)| blend * n + (1.0 - blend) * f)
            .collect()
    }
}

impl NeuralTier {
    /// The shipped neural model with the shipped fast model.
    ///
    /// # Errors
    /// When either is missing from the binary.
    pub fn embedded() -> Result<NeuralTier, NeuralError> {
        Ok(NeuralTier {
            neural: NeuralModel::embedded()?,
            fast: FastModel::embedded().map_err(|e| NeuralError::Format(e.to_string()))?,
        })
    }

    /// Provenance string of this tier's spans.
    pub fn provenance(&self) -> String {
        self.neural.provenance()
    }

    /// Runs the encoder and the fast tier's token model over `text`.
    ///
    /// # Errors
    /// When the tokenizer fails.
    pub fn run<'a>(&self, text: &'a str) -> Result<Analysis<'a>, NeuralError> {
        let tokens = DocTokens::new(text);
        let encoded = self.neural.encode(text)?;
        let words: Vec<(usize, usize)> = tokens.tokens.iter().map(|t| (t.start, t.end)).collect();
        let neural_probs = self.neural.word_probs(&encoded, &words);
        let fast_probs = timing::time("fast-tier features", || self.fast.token_probs(&tokens));
        Ok(Analysis {
            tokens,
            encoded,
            neural_probs,
            fast_probs,
        })
    }

    /// Spans of an analysis with explicit blending and decoding settings.
    pub fn decode_with(
        &self,
        a: &Analysis<'_>,
        skip: Option<&[bool]>,
        blend: f32,
        cfg: &DecodeConfig,
    ) -> Vec<Decoded> {
        decode(&a.tokens, &a.blended(blend), skip, cfg)
    }

    /// Technique probabilities of byte spans: the neural head's and the fast
    /// tier's, mixed by `tc_blend`, then calibrated (`tc_calibration`).
    pub fn technique_probs(
        &self,
        a: &Analysis<'_>,
        spans: &[(usize, usize)],
        tc_blend: f32,
    ) -> Vec<Vec<f32>> {
        let n = self.neural.technique_probs(&a.encoded, spans);
        let f = self.fast.classify_probs(a.tokens.text, spans);
        let inv_t = 1.0 / self.neural.info.tc_calibration.max(1e-3);
        n.into_iter()
            .zip(f)
            .map(|(n, f)| {
                let mut p: Vec<f32> = n
                    .iter()
                    .zip(&f)
                    .map(|(a, b)| (tc_blend * a + (1.0 - tc_blend) * b).max(1e-12).powf(inv_t))
                    .collect();
                let sum: f32 = p.iter().sum();
                for v in &mut p {
                    *v /= sum;
                }
                p
            })
            .collect()
    }

    /// Technique of each byte span of `text` (SemEval TC). When the same span
    /// occurs several times its occurrences get distinct labels, best first.
    ///
    /// # Errors
    /// When the tokenizer fails.
    pub fn classify(
        &self,
        text: &str,
        spans: &[(usize, usize)],
    ) -> Result<Vec<Classified>, NeuralError> {
        let a = self.run(text)?;
        let probs = self.technique_probs(&a, spans, self.neural.info.tc_blend);
        Ok(assign_labels(&self.neural.info.labels, spans, probs))
    }

    /// Detects, classifies, calibrates and explains: the spans of the
    /// `technique` layer. Text inside the `boilerplate` layer is never marked.
    ///
    /// # Errors
    /// When the tokenizer fails.
    pub fn analyze(&self, doc: &Document) -> Result<Vec<Span>, NeuralError> {
        let a = self.run(doc.text())?;
        timing::time("decode, classify, explain", || self.spans_of(doc, &a))
    }

    /// The technique spans of an analysis of `doc`'s text.
    fn spans_of(&self, doc: &Document, a: &Analysis<'_>) -> Result<Vec<Span>, NeuralError> {
        let boiler = doc.layer(layers::BOILERPLATE);
        let skip: Option<Vec<bool>> = (!boiler.is_empty()).then(|| {
            a.tokens
                .tokens
                .iter()
                .map(|t| {
                    boiler
                        .iter()
                        .any(|b| b.start() < t.end && t.start < b.end())
                })
                .collect()
        });
        let info = &self.neural.info;
        let found = self.decode_with(a, skip.as_deref(), info.blend, &info.decode);
        let spans: Vec<(usize, usize)> = found.iter().map(|d| (d.start, d.end)).collect();
        let probs = self.technique_probs(a, &spans, info.tc_blend);
        let classified: Vec<Classified> = probs
            .into_iter()
            .map(|p| {
                let best = (0..p.len())
                    .max_by(|&x, &y| p[x].total_cmp(&p[y]))
                    .unwrap_or(0);
                Classified {
                    label: info.labels[best].clone(),
                    score: p[best],
                    probs: p,
                }
            })
            .collect();
        let why = self.fast.explain_spans(doc.text(), &spans, &classified);
        let prov = self.provenance();
        Ok(found
            .iter()
            .zip(classified)
            .zip(why)
            .filter_map(|((d, c), why)| {
                let span_score = info.calibration.apply(d.score);
                Span::new(d.start, d.end, c.label).ok().map(|s| {
                    s.with_score(span_score * c.score)
                        .with_provenance(prov.clone())
                        .with(attrs::EXPLANATION, why)
                        .with(attrs::SPAN_SCORE, span_score)
                        .with(attrs::TECHNIQUE_SCORE, c.score)
                })
            })
            .collect())
    }

    /// Span identification only (label `propaganda`, calibrated score).
    ///
    /// # Errors
    /// When the tokenizer fails.
    pub fn detect(&self, doc: &Document) -> Result<Vec<Span>, NeuralError> {
        let a = self.run(doc.text())?;
        let info = &self.neural.info;
        let prov = self.provenance();
        Ok(self
            .decode_with(&a, None, info.blend, &info.decode)
            .into_iter()
            .filter_map(|d| {
                Span::new(d.start, d.end, PROPAGANDA).ok().map(|s| {
                    s.with_score(info.calibration.apply(d.score))
                        .with_provenance(prov.clone())
                })
            })
            .collect())
    }
}
