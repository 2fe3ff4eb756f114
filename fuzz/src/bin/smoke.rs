//! A bounded, libFuzzer-free fuzz loop for stable toolchains: runs the seed
//! corpus (`fuzz/corpus/<target>/`) and the inputs that once crashed
//! (`fuzz/regressions/<target>/`), then mutates them with byte flips,
//! insertions of format tokens, splices and truncations, and runs each target
//! for a fixed time. A panic is reported with the input saved under
//! `fuzz/artifacts/<target>/`, and the exit status is 1.
//!
//! Usage: `smoke [SECONDS_PER_TARGET] [TARGET...]` (default 20 s; html,
//! markdown, warc, analyze, and http when built with the `http` feature).
//! Deterministic for a given `UNSPIN_FUZZ_SEED`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const TOKENS: &[&[u8]] = &[
    b"](",
    b"[",
    b")",
    b"(",
    b":\n\n",
    b"\n\n",
    b"# ",
    b"> ",
    b"* ",
    b"1. ",
    b"By ",
    b"\xe2\x80\x94 ",
    b"\xe2\x80\x9c",
    b"...",
    b"Copyright \xc2\xa9",
    b"September 28, 2016",
    b"<p>",
    b"</p>",
    b"<a href=\"",
    b"<body>",
    b"<!--",
    b"&amp;",
    b"&#",
    b"<script>",
    b"WARC/1.0\r\n",
    b"Content-Length: ",
    b"\r\n\r\n",
    b"WARC-Type: response\r\n",
    b"HTTP/1.1 200 OK\r\n",
    b"Content-Type: text/html\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\x1f\x8b",
    b" said ",
    b"according to ",
    b"\"",
    b"\xe2\x80\x9d",
    b"Mr. ",
    b". ",
    b"GET ",
    b"POST ",
    b"HEAD ",
    b" HTTP/1.1\r\n",
    b"/api/analyze",
    b"/api/health",
    b"/api/techniques",
    b"Content-Type: application/json\r\n",
    b"{\"text\": \"",
    b"{\"html\": \"",
    b"\", \"format\": \"html\"",
    b"\", \"format\": \"ptc\"",
    b"\", \"tier\": \"neural\"",
    b", \"min_score\": 0.5",
    b", \"id\": \"",
    b"\\u",
    b"\"}",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(input.len() + 1);
        match rng.below(6) {
            0 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                input.splice(at..at, t.iter().copied());
            }
            2 if !input.is_empty() => {
                let end = (at + rng.below(64)).min(input.len());
                input.drain(at..end);
            }
            3 => input.truncate(at),
            4 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                let len = rng.below(256).min(other.len() - from);
                input.splice(at..at, other[from..from + len].iter().copied());
            }
            _ => {
                let b = rng.next() as u8;
                input.insert(at, b);
            }
        }
    }
}

fn seeds(dir: &Path) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| std::fs::read(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    out.push(Vec::new());
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let mut targets: Vec<String> = args.collect();
    if targets.is_empty() {
        targets = vec![
            "html".into(),
            "markdown".into(),
            "warc".into(),
            "analyze".into(),
        ];
        if cfg!(feature = "http") {
            targets.push("http".into());
        }
    }
    let seed: u64 = std::env::var("UNSPIN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_cafe);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // Panics are caught and reported below; keep the default message quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failed = false;
    for target in &targets {
        let run: fn(&[u8]) = match target.as_str() {
            "html" => unspin_fuzz::html,
            "markdown" => unspin_fuzz::markdown,
            "warc" => unspin_fuzz::warc,
            "analyze" => unspin_fuzz::analyze,
            #[cfg(feature = "http")]
            "http" => unspin_fuzz::http,
            other => {
                eprintln!("unknown target {other:?} (html, markdown, warc, analyze, http)");
                std::process::exit(2);
            }
        };
        // The seeds and the inputs that once crashed (`fuzz/regressions/`),
        // each run once as it is before the mutations.
        let mut corpus = seeds(&root.join("corpus").join(target));
        corpus.extend(seeds(&root.join("regressions").join(target)));
        let mut rng = Rng(seed | 1);
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut runs = 0u64;
        while Instant::now() < deadline {
            let input = match corpus.get(runs as usize) {
                Some(seed) => seed.clone(),
                None => {
                    let mut input = corpus[rng.below(corpus.len())].clone();
                    mutate(&mut rng, &corpus, &mut input);
                    input
                }
            };
            runs += 1;
            if catch_unwind(AssertUnwindSafe(|| run(&input))).is_err() {
                let dir = root.join("artifacts").join(target);
                let _ = std::fs::create_dir_all(&dir);
                let path = dir.join(format!("crash-{runs}"));
                let _ = std::fs::write(&path, &input);
                eprintln!("{target}: panic on input saved to {}", path.display());
                failed = true;
                break;
            }
        }
        println!("{target}: {runs} inputs in {seconds} s");
    }
    if failed {
        std::process::exit(1);
    }
}
