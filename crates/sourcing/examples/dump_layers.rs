//! Writes every sourcing layer (and the intermediate results of each rule
//! module) of a folder of text articles plus the Markdown sample to stdout, for
//! byte-for-byte regression checks of optimisations:
//! `cargo run --release -p unspin-sourcing --example dump_layers -- DIR MODEL > out.txt`.
use std::fmt::Write as _;

use unspin_document::layers;
use unspin_document::Document;
use unspin_pipeline::Stage;
use unspin_sourcing::attribution::AttributionModel;
use unspin_sourcing::{claims, entities, hedges, quotes, SourcingStage};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).expect("DIR");
    let model_path = args.get(2).expect("MODEL");
    let bytes = std::fs::read(model_path).expect("model");
    let model = AttributionModel::from_bytes(&bytes).expect("model");
    let stage = SourcingStage::new(std::sync::Arc::new(model));

    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    let mut docs: Vec<Document> = Vec::new();
    for p in &paths {
        if let Ok(d) = unspin_readers::read_text_path(p, &Default::default()) {
            docs.push(d);
        }
    }
    let md = unspin_testkit::workspace_root().join("examples/syria-ceasefire-opinion.md");
    docs.push(unspin_readers::read_markdown_path(&md, &Default::default()).expect("markdown"));

    let mut out = String::new();
    for mut d in docs {
        unspin_segment::SentenceStage
            .process(&mut d)
            .expect("sentences");
        writeln!(out, "### {}", d.id).unwrap();
        // Intermediate results, module by module.
        let found = entities::find_entities(&d);
        writeln!(out, "entities {found:?}").unwrap();
        let rules = quotes::rule_attributions(&d, &found);
        writeln!(out, "rules {rules:?}").unwrap();
        let attrs = stage.attributions(&d, &found);
        writeln!(out, "attrs {attrs:?}").unwrap();
        let markers = hedges::find_markers(&d);
        writeln!(out, "markers {markers:?}").unwrap();
        let cl = claims::find_claims(&d, &markers, &attrs, &found);
        writeln!(out, "claims {cl:?}").unwrap();
        // Tagger-independent variants: rules only, and no entities at all.
        let rules_only = quotes::reconcile(&d, Vec::new(), rules.clone(), &found);
        writeln!(out, "rules-reconciled {rules_only:?}").unwrap();
        let cl = claims::find_claims(&d, &markers, &rules_only, &found);
        writeln!(out, "rules-claims {cl:?}").unwrap();
        let cl = claims::find_claims(&d, &markers, &[], &[]);
        writeln!(out, "bare-claims {cl:?}").unwrap();
        // The stage's path (the context's tokens) gives the same claims.
        let cx = unspin_sourcing::SourcingContext::new(&d);
        for (a, e) in [
            (&attrs[..], &found[..]),
            (&rules_only[..], &found[..]),
            (&[][..], &[][..]),
        ] {
            assert_eq!(
                format!("{:?}", claims::find_claims_in(&cx, &markers, a, e)),
                format!("{:?}", claims::find_claims(&d, &markers, a, e)),
                "find_claims_in differs on {}",
                d.id
            );
        }
        drop(cx);
        // The layers.
        stage.process(&mut d).expect("stage");
        for name in [
            layers::ENTITY,
            layers::QUOTE,
            layers::SPEAKER,
            layers::CUE,
            layers::SOURCE,
            layers::HEDGE,
            layers::CLAIM,
        ] {
            for s in d.layer(name) {
                writeln!(
                    out,
                    "{name}\t{}\t{}\t{}\t{:08x}\t{:?}\t{}",
                    s.start(),
                    s.end(),
                    s.label,
                    s.score.to_bits(),
                    s.provenance,
                    serde_json::to_string(&s.attrs).unwrap()
                )
                .unwrap();
            }
        }
    }
    print!("{out}");
}
