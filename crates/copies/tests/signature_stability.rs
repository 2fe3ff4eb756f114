//! Signatures are stored in corpora: a faster `Body::new` or
//! `Body::signature` must give exactly what the first version gave. The
//! reference below is that first version, written plainly.

use unspin_copies::signature::{Body, HASHES, SHINGLE_WORDS};
use unspin_copies::text::{paragraphs, words, ParagraphKind};
use xxhash_rust::xxh3::xxh3_64;

/// The first `Body::new`: per-word strings, a joined string per shingle.
fn reference_body(text: &str, title: Option<&str>) -> (Vec<u64>, Vec<u64>, usize) {
    let mut sequence = Vec::new();
    let mut total = 0;
    for p in paragraphs(text, title) {
        if p.kind != ParagraphKind::Body {
            continue;
        }
        let buf: Vec<String> = words(&text[p.start..p.end]).collect();
        total += buf.len();
        if buf.len() < SHINGLE_WORDS {
            sequence.push(xxh3_64(buf.join(" ").as_bytes()));
            continue;
        }
        for window in buf.windows(SHINGLE_WORDS) {
            sequence.push(xxh3_64(window.join(" ").as_bytes()));
        }
    }
    let mut set = sequence.clone();
    set.sort_unstable();
    set.dedup();
    (sequence, set, total)
}

/// The first `Body::signature`: the multiply-shift family from SplitMix64.
fn reference_signature(set: &[u64]) -> Option<Vec<u32>> {
    if set.is_empty() {
        return None;
    }
    let mut state: u64 = 0x756e_7370_636f_7079;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let family: Vec<(u64, u64)> = (0..HASHES).map(|_| (next() | 1, next())).collect();
    let mut mins = vec![u32::MAX; HASHES];
    for &h in set {
        for (m, (a, b)) in mins.iter_mut().zip(&family) {
            let v = (a.wrapping_mul(h).wrapping_add(*b) >> 32) as u32;
            *m = (*m).min(v);
        }
    }
    Some(mins)
}

fn check(text: &str, title: Option<&str>) {
    let body = Body::new(text, title);
    let (sequence, set, words) = reference_body(text, title);
    assert_eq!(
        body.sequence,
        sequence,
        "shingles of {:?}",
        &text[..text.len().min(80)]
    );
    assert_eq!(body.set, set);
    assert_eq!(body.words, words);
    assert_eq!(
        body.signature().map(|s| s.0),
        reference_signature(&set),
        "signature of {:?}",
        &text[..text.len().min(80)]
    );
}

#[test]
fn signatures_match_the_reference_on_edge_cases() {
    for text in [
        "",
        "...\n",
        "Short line.\n",
        "Four words only here.\n\nAnother body line that has quite a few more words in it.\n",
        "ΟΔΥΣΣΕΥΣ ΚΑΙ Η ΘΑΛΑΣΣΑ ΣΤΗΝ ΑΘΗΝΑ ΣΗΜΕΡΑ ΤΟ ΠΡΩΙ ΞΑΝΑ.\n",
        "ΑΣ'Β ΚΑΣ.Σ ΣΑΣ ΟΣ ΠΑΣ ΜΑΣ ΤΑΣ ΝΑΣ ΣΑΣ ΓΙΑΣ.\n",
        "İstanbul'da DİYARBAKIR ve IĞDIR şehirlerinde büyük bir toplantı yapıldı.\n",
        "Straße GROSS ǅemal ﬁnance Ⅻ ½ ³ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 words in this one line.\n",
        "  Leading spaces and\ttabs\tin a sentence that goes on for a while.  \n\r\n",
        "Mixed CASE and numb3rs 2016 like 1,000,000 and U.S. and e-mail, done.\n",
        "By Jane Doe\n\nThe Headline\n\nCopyright 2016 Example. All rights reserved.\n",
    ] {
        check(text, None);
        check(text, Some("The Headline"));
    }
    let sample = unspin_testkit::sample_text();
    check(
        &sample,
        Some("Putin Ups the Ante: Syria Ceasefire Sabotage Triggers Major Offensive in Aleppo"),
    );
}

#[test]
fn signatures_match_the_reference_on_real_articles() {
    for dir in ["data/unlabeled-news", "data/ptc/train/articles"] {
        let Some(dir) = unspin_testkit::shared_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("the folder lists")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        for path in paths.iter().step_by(4) {
            let text = std::fs::read_to_string(path).expect("the article reads");
            let title = text.lines().next();
            check(&text, None);
            check(&text, title);
        }
    }
}
