//! Development harness (temporary): train on 85 % of PTC train, score on 15 %.
use unspin_document::Document;
use unspin_techniques::train::{si_f1_docs, train, TrainConfig};

fn main() {
    let docs = unspin_readers::read_ptc_dir("/work/shared/data/ptc/train").unwrap();
    let split_seed: u64 = std::env::var("SPLIT").ok().map(|s| s.parse().unwrap()).unwrap_or(13);
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let (_, val_ids) = unspin_readers::split_ids(&ids, 0.15, split_seed);
    let (val, tr): (Vec<Document>, Vec<Document>) = docs.into_iter().partition(|d| val_ids.contains(&d.id));
    let (val, tr) = (&val[..], &tr[..]);
    let mut cfg = TrainConfig::default();
    for a in std::env::args().skip(1) {
        let (k, v) = a.split_once('=').unwrap();
        match k {
            "si_epochs" => cfg.si_epochs = v.parse().unwrap(),
            "tc_epochs" => cfg.tc_epochs = v.parse().unwrap(),
            "si_lr" => cfg.si_lr = v.parse().unwrap(),
            "tc_lr" => cfg.tc_lr = v.parse().unwrap(),
            "si_l2" => cfg.si_l2 = v.parse().unwrap(),
            "tc_l2" => cfg.tc_l2 = v.parse().unwrap(),
            "seeds" => cfg.seeds = v.parse().unwrap(),
            "folds" => cfg.folds = v.parse().unwrap(),
            _ => panic!("{k}"),
        }
    }
    let (model, report) = train(tr, &cfg).unwrap();
    println!("{}", serde_json::to_string(&report).unwrap());
    let preds: Vec<Vec<(usize, usize)>> = val.iter().map(|d| model.detect(d).iter().map(|s| (s.start(), s.end())).collect()).collect();
    println!("val SI F1 {:.4}", si_f1_docs(val, &preds));
    // TC accuracy on gold spans
    let (mut ok, mut n) = (0, 0);
    for d in val {
        let spans: Vec<(usize, usize)> = d.layer("technique").iter().map(|s| (s.start(), s.end())).collect();
        let c = model.classify(d.text(), &spans);
        for (g, p) in d.layer("technique").iter().zip(c) { n += 1; if g.label == p.label { ok += 1; } }
    }
    println!("val TC acc {:.4} ({ok}/{n})", ok as f64 / n as f64);
}
