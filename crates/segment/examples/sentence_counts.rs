//! Prints how many sentences the splitter finds in each input, to measure the
//! effect of a change to the splitter on real text.
//!
//! ```text
//! cargo run --release -p unspin-segment --example sentence_counts -- \
//!     examples/syria-ceasefire-opinion.md ../shared/data/ptc/train/articles
//! cargo run --release -p unspin-segment --example sentence_counts -- --sentences FILE...
//! ```
//!
//! Each argument is a file or a folder (its files, sorted by name). Files are
//! read with `unspin_readers::read_any`, so a Markdown page is split as the
//! analysers see it (its extracted text), a `.txt` file as it is. Prints one
//! `PATH<TAB>COUNT` line per document and a `total` line; with `--sentences`
//! it prints `PATH<TAB>INDEX<TAB>SENTENCE` lines instead (line breaks inside a
//! sentence shown as `\n`), ready for `diff` between two versions. A file
//! that cannot be read is reported on stderr and skipped (exit status 1).

use std::path::PathBuf;
use std::process::ExitCode;

use unspin_readers::{read_any, IngestOptions, InputFormat};

fn main() -> ExitCode {
    let mut print_sentences = false;
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--sentences" {
            print_sentences = true;
            continue;
        }
        let path = PathBuf::from(&arg);
        if path.is_dir() {
            let Ok(entries) = std::fs::read_dir(&path) else {
                eprintln!("cannot list {arg}");
                return ExitCode::FAILURE;
            };
            let mut inside: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path);
        }
    }
    if files.is_empty() {
        eprintln!("usage: sentence_counts [--sentences] FILE_OR_FOLDER...");
        return ExitCode::FAILURE;
    }
    let options = IngestOptions::default();
    let (mut documents, mut total, mut failed) = (0usize, 0usize, 0usize);
    for file in &files {
        let docs = match read_any(file, InputFormat::Auto, &options) {
            Ok(docs) => docs,
            Err(e) => {
                eprintln!("{}: {e}", file.display());
                failed += 1;
                continue;
            }
        };
        for doc in docs {
            let text = doc.text();
            let ranges = unspin_segment::sentences(text);
            if print_sentences {
                for (i, r) in ranges.iter().enumerate() {
                    let s = text[r.clone()].replace('\n', "\\n");
                    println!("{}\t{i}\t{s}", file.display());
                }
            } else {
                println!("{}\t{}", file.display(), ranges.len());
            }
            documents += 1;
            total += ranges.len();
        }
    }
    if !print_sentences {
        println!("total\t{total} sentences in {documents} documents");
    }
    if failed > 0 {
        eprintln!("{failed} files could not be read");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
