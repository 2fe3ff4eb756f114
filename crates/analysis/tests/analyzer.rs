//! The analyzer end to end: tiers, the SemEval operations, and the rule that
//! nothing falls back silently (the int8 path of a CPU without AVX2,
//! taken through injected capabilities).

use unspin_analysis::{AnalysisError, AnalysisOptions, Analyzer, Capabilities, Precision, Tier};
use unspin_document::{layers, Document};
use unspin_pipeline::Pipeline;

const TEXT: &str = "Betrayal\n\nThese corrupt traitors will destroy our great nation! Everyone \
    knows the shameful, disgraceful truth about the radical elite and their lies, the senator said.";

const NO_INT8: Capabilities = Capabilities {
    int8: false,
    int8_fast: false,
};

fn fast() -> AnalysisOptions {
    AnalysisOptions {
        tier: Some(Tier::Fast),
        ..AnalysisOptions::default()
    }
}

#[test]
fn the_fast_tier_runs_segmentation_techniques_and_sourcing() {
    let analyzer = Analyzer::new(&fast()).expect("the fast tier loads");
    assert_eq!(analyzer.tier(), Tier::Fast);
    assert!(analyzer.provenance().starts_with("fast-linear@"));
    assert!(analyzer.fallbacks().is_empty());
    assert_eq!(
        analyzer.stage_names(),
        ["sentences", "techniques-fast", "sourcing"]
    );
    let mut doc = Document::new("d", TEXT);
    analyzer.analyze(&mut doc).expect("analysis");
    let spans = doc.layer(layers::TECHNIQUE);
    assert!(!spans.is_empty());
    assert!(spans
        .iter()
        .all(|s| s.provenance.as_deref() == Some(analyzer.provenance())));
    assert!(doc.has_layer(layers::SENTENCE));
    // Detection and classification without the pipeline.
    let found = analyzer.detect(&doc).expect("detect");
    assert!(!found.is_empty());
    let ranges: Vec<(usize, usize)> = found.iter().map(|s| (s.start(), s.end())).collect();
    assert_eq!(
        analyzer
            .classify(doc.text(), &ranges)
            .expect("classify")
            .len(),
        ranges.len()
    );
    // Without sourcing.
    let bare = Analyzer::new(&AnalysisOptions {
        sourcing: false,
        ..fast()
    })
    .expect("loads");
    assert_eq!(bare.stage_names(), ["sentences", "techniques-fast"]);
}

#[test]
fn a_custom_pipeline_has_no_detector() {
    let pipeline = Pipeline::new(Vec::new(), &[]).expect("empty pipeline");
    let analyzer = Analyzer::from_pipeline(Tier::Fast, "test", pipeline);
    assert_eq!(analyzer.provenance(), "test");
    let doc = Document::new("d", "text");
    assert!(matches!(
        analyzer.detect(&doc),
        Err(AnalysisError::NoDetector)
    ));
}

#[test]
fn int8_without_vnni_fails_unless_a_fallback_is_allowed_and_then_says_so() {
    let int8 = AnalysisOptions {
        tier: Some(Tier::Neural),
        precision: Precision::Int8,
        ..AnalysisOptions::default()
    };
    let e = Analyzer::with_capabilities(&int8, NO_INT8).expect_err("no silent fallback");
    assert!(matches!(e, AnalysisError::Int8Unavailable { .. }), "{e}");
    assert!(e.to_string().contains("AVX2"), "{e}");
    // A server would not start either.
    assert!(Analyzer::load_tiers_with(&int8, NO_INT8).is_err());

    let allowed = AnalysisOptions {
        allow_fallback: true,
        ..int8
    };
    let tiers = Analyzer::load_tiers_with(&allowed, NO_INT8).expect("falls back to f32");
    let names: Vec<Tier> = tiers.iter().map(Analyzer::tier).collect();
    assert_eq!(names, [Tier::Neural, Tier::Fast]);
    let neural = &tiers[0];
    let note = format!(
        " (int8 requested; ran f32: {})",
        unspin_analysis::NO_INT8_REASON
    );
    assert!(neural.provenance().starts_with("neural-minilm@"));
    assert!(
        neural.provenance().ends_with(&note),
        "{}",
        neural.provenance()
    );
    assert_eq!(neural.fallbacks().len(), 1);
    let mut doc = Document::new("d", TEXT);
    neural.analyze(&mut doc).expect("analysis");
    let spans = doc.layer(layers::TECHNIQUE);
    assert!(!spans.is_empty());
    for s in spans {
        let p = s.provenance.as_deref().unwrap_or_default();
        assert!(p.starts_with("neural-minilm@") && p.ends_with(&note), "{p}");
    }
    // The fast tier beside it took no fallback.
    assert!(tiers[1].fallbacks().is_empty());
}
