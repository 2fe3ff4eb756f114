//! Runs the sourcing stage over a folder of text articles in a loop (for a
//! profiler): `cargo run --release -p unspin-sourcing --example profile_stage -- DIR [reps]`.
use unspin_pipeline::Stage;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).expect("DIR");
    let reps: usize = args.get(2).map_or(3, |r| r.parse().expect("reps"));
    let mut docs = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        if let Ok(mut d) = unspin_readers::read_text_path(e.path(), &Default::default()) {
            unspin_segment::SentenceStage
                .process(&mut d)
                .expect("sentences");
            docs.push(d);
        }
    }
    let stage = unspin_sourcing::SourcingStage::shipped();
    let started = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..reps {
        for d in &docs {
            let mut d = d.clone();
            stage.process(&mut d).expect("stage");
            n += d.layer(unspin_document::layers::CLAIM).len();
        }
    }
    // Step by step.
    let mut t = [0f64; 8];
    for d in &docs {
        let mut clock = std::time::Instant::now();
        let mut lap = |k: usize| {
            t[k] += clock.elapsed().as_secs_f64();
            clock = std::time::Instant::now();
        };
        let cx = unspin_sourcing::SourcingContext::new(d);
        lap(0);
        let found = unspin_sourcing::entities::find_entities_in(&cx);
        lap(1);
        let tagged = stage.tagger().attributions(d.text());
        lap(2);
        let rules = unspin_sourcing::quotes::rule_attributions_in(&cx, &found);
        lap(3);
        let attrs = unspin_sourcing::quotes::reconcile_in(&cx, tagged, rules, &found);
        lap(4);
        let m = unspin_sourcing::sources::find_sources_in(&cx, &attrs, &found);
        lap(5);
        let mk = unspin_sourcing::hedges::find_markers_in(&cx);
        lap(6);
        let c = unspin_sourcing::claims::find_claims(d, &mk, &attrs, &found);
        lap(7);
        n += m.len() + c.len();
    }
    let b1: usize = docs.iter().map(|d| d.text().len()).sum();
    for (name, secs) in [
        "context",
        "entities",
        "tagger",
        "quote rules",
        "reconcile",
        "sources",
        "hedges",
        "claims",
    ]
    .iter()
    .zip(t)
    {
        println!("  {name:<12} {:>8.2} MB/s", b1 as f64 / 1e6 / secs);
    }
    let bytes: usize = docs.iter().map(|d| d.text().len()).sum::<usize>() * reps;
    let secs = started.elapsed().as_secs_f64();
    println!("{n} claims, {:.2} MB/s", bytes as f64 / 1e6 / secs);
}
