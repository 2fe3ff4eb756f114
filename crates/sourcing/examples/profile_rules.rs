//! Loops one rule step over a folder of text articles (for a profiler):
//! `profile_rules DIR STEP REPS` with STEP one of entities, quotes, hedges, claims.
use unspin_pipeline::Stage;
use unspin_sourcing::{claims, entities, hedges, quotes, SourcingStage};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = &args[1];
    let step = args[2].as_str();
    let reps: usize = args[3].parse().expect("reps");
    let stage = SourcingStage::shipped();
    let mut docs = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        if let Ok(mut d) = unspin_readers::read_text_path(e.path(), &Default::default()) {
            unspin_segment::SentenceStage
                .process(&mut d)
                .expect("sentences");
            let found = entities::find_entities(&d);
            let attrs = if step == "claims" {
                stage.attributions(&d, &found)
            } else {
                Vec::new()
            };
            let markers = hedges::find_markers(&d);
            docs.push((d, found, attrs, markers));
        }
    }
    let started = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..reps {
        for (d, found, attrs, markers) in &docs {
            n += match step {
                "entities" => entities::find_entities(d).len(),
                "quotes" => quotes::rule_attributions(d, found).len(),
                "hedges" => hedges::find_markers(d).len(),
                "claims" => claims::find_claims(d, markers, attrs, found).len(),
                _ => panic!("step"),
            };
        }
    }
    let bytes: usize = docs.iter().map(|d| d.0.text().len()).sum::<usize>() * reps;
    println!(
        "{step}: {n} items, {:.2} MB/s",
        bytes as f64 / 1e6 / started.elapsed().as_secs_f64()
    );
}
