//! Trains the attribution tagger on PolNeAR train and prints dev scores.
//! `cargo run --release -p unspin-attribution --example attribution_experiment -- [bits] [epochs] [out]`
//! Environment: `NODEV=1` stops after training (held-out-train scores only);
//! `ROTATE=k` rotates the training articles by k, so that another slice is
//! held out.
use unspin_attribution::{evaluate, train, TrainConfig, TrainingArticle};

fn load(dir: &str) -> Vec<TrainingArticle> {
    unspin_attribution::read_training_articles(dir).expect("reads")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(base) = unspin_testkit::shared_dir("data/quotes/polnear/data") else {
        return;
    };
    let base = base.display().to_string();
    let mut train_set = load(&format!("{base}/train"));
    if let Ok(k) = std::env::var("ROTATE") {
        train_set.rotate_left(k.parse().unwrap());
    }
    let dev = load(&format!("{base}/dev"));
    let mut config = TrainConfig::default();
    if let Some(b) = args.get(1) {
        config.bits = b.parse().unwrap();
    }
    if let Some(e) = args.get(2) {
        config.max_epochs = e.parse().unwrap();
    }
    {
        use unspin_attribution::{attributions_from_tags, evaluate_with, gold_tags};
        let s = evaluate_with(&dev, |a| {
            let tags = gold_tags(&unspin_segment::tokenize(&a.text), &a.gold);
            attributions_from_tags(&a.text, &tags)
        });
        println!("GOLD TAGS through grouping:\n{s}");
        if args.get(4).is_some() {
            return;
        }
    }
    let (model, report) = train(&train_set, &config);
    println!(
        "holdout attribution F1 by epoch: {:?}",
        report
            .holdout_f1
            .iter()
            .map(|f| format!("{f:.3}"))
            .collect::<Vec<_>>()
    );
    println!("epochs {} in {:.1}s", report.epochs, report.seconds);
    println!("rows {} bytes {}", model.rows(), model.to_bytes().len());
    if std::env::var("NODEV").is_ok() {
        return;
    }
    println!("DEV\n{}", evaluate(&model, &dev));
    diagnose(&model, &dev);
    if let Some(out) = args.get(3) {
        std::fs::write(out, model.to_bytes()).unwrap();
    }
}

fn diagnose(model: &unspin_attribution::AttributionModel, dev: &[TrainingArticle]) {
    // Diagnostics: for content-matched pairs, what went wrong with the speaker?
    let (mut ok, mut none_pred, mut none_gold, mut wrong, mut cue_wrong) = (0, 0, 0, 0, 0);
    for a in dev {
        let pred = model.predict(&a.text);
        for g in &a.gold {
            let glen: usize = g.content.iter().map(|r| r.len()).sum();
            let best = pred.iter().find(|p| {
                let ov: usize = g
                    .content
                    .iter()
                    .map(|r| {
                        r.end
                            .min(p.content.end)
                            .saturating_sub(r.start.max(p.content.start))
                    })
                    .sum();
                ov * 2 >= glen && ov * 2 >= p.content.len() && ov > 0
            });
            if let Some(p) = best {
                let ov = |x: &Option<std::ops::Range<usize>>, ys: &Vec<std::ops::Range<usize>>| {
                    x.as_ref()
                        .is_some_and(|x| ys.iter().any(|y| x.start < y.end && y.start < x.end))
                };
                if !ov(&p.cue, &g.cue) {
                    cue_wrong += 1;
                }
                match (&p.source, g.source.is_empty()) {
                    (None, true) => ok += 1,
                    (None, false) => none_pred += 1,
                    (Some(_), true) => none_gold += 1,
                    (Some(_), false) => {
                        if ov(&p.source, &g.source) {
                            ok += 1
                        } else {
                            wrong += 1;
                            if wrong <= 40 {
                                let s = p.source.clone().unwrap();
                                let c = p.cue.clone().unwrap_or(0..0);
                                println!(
                                    "  pred src {:?} cue {:?} | gold src {:?}",
                                    &a.text[s],
                                    &a.text[c],
                                    g.source
                                        .iter()
                                        .map(|r| &a.text[r.clone()])
                                        .collect::<Vec<_>>()
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    let (mut miss_none, mut miss_overlap_small, mut miss_overlap_big) = (0, 0, 0);
    let mut shown = 0;
    for a in dev {
        let pred = model.predict(&a.text);
        for g in &a.gold {
            let glen: usize = g.content.iter().map(|r| r.len()).sum();
            let ovs: Vec<(usize, usize)> = pred
                .iter()
                .map(|p| {
                    (
                        g.content
                            .iter()
                            .map(|r| {
                                r.end
                                    .min(p.content.end)
                                    .saturating_sub(r.start.max(p.content.start))
                            })
                            .sum::<usize>(),
                        p.content.len(),
                    )
                })
                .collect();
            if ovs
                .iter()
                .any(|&(ov, pl)| ov > 0 && ov * 2 >= glen && ov * 2 >= pl)
            {
                continue;
            }
            match ovs.iter().filter(|(ov, _)| *ov > 0).max() {
                None => {
                    miss_none += 1;
                    if shown < 15 {
                        shown += 1;
                        println!(
                            "  MISSED cue {:?} content {:?}",
                            g.cue.iter().map(|r| &a.text[r.clone()]).collect::<Vec<_>>(),
                            &a.text[g.content[0].clone()]
                                .chars()
                                .take(80)
                                .collect::<String>()
                        );
                    }
                }
                Some(&(ov, pl)) => {
                    if ov * 2 < glen {
                        miss_overlap_small += 1
                    } else {
                        let _ = pl;
                        miss_overlap_big += 1
                    }
                }
            }
        }
    }
    println!("unmatched gold: no overlap {miss_none}, pred covers <half of gold {miss_overlap_small}, pred too long {miss_overlap_big}");
    println!("speaker ok {ok}, pred none {none_pred}, gold none {none_gold}, wrong {wrong}; cue not overlapping {cue_wrong}");
}
