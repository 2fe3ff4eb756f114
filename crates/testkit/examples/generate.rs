//! Writes the synthetic corpus of the corpus benchmarks to a JSON Lines file,
//! for profiling `corpus add` by hand:
//!
//! ```sh
//! cargo run --release -p unspin-testkit --example generate -- 10000 /tmp/corpus.jsonl
//! ```
//!
//! Reads `../shared/data/unlabeled-news`; see [`unspin_testkit::generate`].

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(n), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: generate N OUTPUT.jsonl");
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("generate: N must be a number of articles, not {n:?}");
        std::process::exit(2);
    };
    let Some(news) = unspin_testkit::shared_dir("data/unlabeled-news") else {
        std::process::exit(1);
    };
    match unspin_testkit::generate(&news, n, std::path::Path::new(&out)) {
        Ok(bytes) => println!("{n} articles, {bytes} bytes of text, in {out}"),
        Err(e) => {
            eprintln!("generate: cannot write {out}: {e}");
            std::process::exit(1);
        }
    }
}
