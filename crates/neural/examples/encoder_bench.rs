//! The Rust half of `benches/neural/compare.py`: runs the shipped encoder over
//! the first N articles of a folder and reports speed; writes each article's
//! piece probabilities so the script can check they agree with PyTorch.
//!
//! ```text
//! cargo run --release -p unspin-neural --example encoder_bench -- \
//!     DIR [--n 50] [--threads 2] [--out probs.jsonl] [--model models/neural/neural.safetensors] [--int8] [--measure-peak]
//! ```
//! Prints one JSON object: articles, pieces, window_tokens, precision, kernel
//! (the int8 kernel: `UNSPIN_INT8_KERNEL=avx2|avx2-7bit|avxvnni|avx512vnni|neon-dotprod` picks one
//! other than the fastest), seconds, tokens_per_s, articles_per_s,
//! gflop_per_s, peak_rss_mb; with `--measure-peak`, also fma_peak_gflop_per_s: the f32
//! FLOP/s that independent fused multiply-adds reach on the same threads, on the widest
//! registers the f32 kernels use in this build (512-bit, or 256-bit without the `avx512`
//! feature), at the clock the CPU runs such code at (turbo and AVX-512 frequency
//! included), a truer peak than the nominal clock in /proc/cpuinfo.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use unspin_neural::NeuralModel;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// f32 FLOP/s of one thread running independent FMAs for about `secs`
/// seconds: 12 chains (more than latency × ports), 512-bit where the f32
/// kernels use AVX-512, else 256-bit; `None` without FMA.
fn fma_peak_one(secs: f64) -> Option<f64> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        #[cfg(feature = "avx512")]
        #[target_feature(enable = "avx512f")]
        unsafe fn run512(iters: u64) -> f32 {
            let (b, c) = (_mm512_set1_ps(0.999_999), _mm512_set1_ps(1e-7));
            let mut a = [_mm512_set1_ps(1.0); 12];
            for _ in 0..iters {
                for v in a.iter_mut() {
                    *v = _mm512_fmadd_ps(*v, b, c);
                }
            }
            a.iter().map(|v| _mm512_reduce_add_ps(*v)).sum()
        }
        #[target_feature(enable = "avx,fma")]
        unsafe fn run256(iters: u64) -> f32 {
            let (b, c) = (_mm256_set1_ps(0.999_999), _mm256_set1_ps(1e-7));
            let mut a = [_mm256_set1_ps(1.0); 12];
            for _ in 0..iters {
                for v in a.iter_mut() {
                    *v = _mm256_fmadd_ps(*v, b, c);
                }
            }
            let mut out = [0.0f32; 8];
            let mut s = 0.0;
            for v in a {
                _mm256_storeu_ps(out.as_mut_ptr(), v);
                s += out.iter().sum::<f32>();
            }
            s
        }
        #[cfg(feature = "avx512")]
        let wide = is_x86_feature_detected!("avx512f");
        #[cfg(not(feature = "avx512"))]
        let wide = false;
        if !wide && !is_x86_feature_detected!("fma") {
            return None;
        }
        let lanes = if wide { 16.0 } else { 8.0 };
        // SAFETY: the CPU has the features each function is compiled for.
        let run = |iters| unsafe {
            #[cfg(feature = "avx512")]
            if wide {
                return run512(iters);
            }
            run256(iters)
        };
        let mut iters = 1u64 << 20;
        loop {
            let t = Instant::now();
            std::hint::black_box(run(iters));
            let s = t.elapsed().as_secs_f64();
            if s >= secs {
                return Some(iters as f64 * 12.0 * lanes * 2.0 / s / 1e9);
            }
            iters *= 2;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = secs;
        None
    }
}

/// [`fma_peak_one`] on `threads` threads at once, summed.
fn fma_peak(threads: usize) -> Option<f64> {
    let each: Vec<Option<f64>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads)
            .map(|_| s.spawn(|| fma_peak_one(0.5)))
            .collect();
        hs.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    each.into_iter().sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let (mut n, mut threads, mut out, mut model) =
        (50usize, 2usize, None::<PathBuf>, None::<PathBuf>);
    let (mut int8, mut measure_peak) = (false, false);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--n" => n = args.next().ok_or("--n N")?.parse()?,
            "--threads" => threads = args.next().ok_or("--threads N")?.parse()?,
            "--out" => out = Some(args.next().ok_or("--out FILE")?.into()),
            "--model" => model = Some(args.next().ok_or("--model FILE")?.into()),
            "--int8" => int8 = true,
            "--measure-peak" => measure_peak = true,
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir =
        dir.ok_or("usage: encoder_bench DIR [--n 50] [--threads 2] [--out FILE] [--model FILE] [--int8] [--measure-peak]")?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()?;
    let mut model = match model {
        Some(p) => NeuralModel::load(&p)?,
        None => NeuralModel::embedded()?,
    };
    if int8 && !model.set_precision(unspin_neural::encoder::Precision::Int8) {
        return Err("this CPU has no int8 kernel (AVX2 at least)".into());
    }
    // The int8 kernel in use (UNSPIN_INT8_KERNEL=avx2|avx2-7bit|avxvnni|avx512vnni|neon-dotprod
    // picks a slower one to measure it).
    let kernel = unspin_neural::int8::kernel().filter(|_| int8);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files.truncate(n);
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let id = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            std::fs::read_to_string(p).map(|t| (id, t))
        })
        .collect::<Result<_, _>>()?;

    // Tokenise first (timed apart), then encode: windows of all articles in parallel.
    let t0 = Instant::now();
    let pieces: Vec<unspin_neural::Pieces> = texts
        .iter()
        .map(|(_, t)| model.pieces(t))
        .collect::<Result<_, _>>()?;
    let tokenize_s = t0.elapsed().as_secs_f64();
    let window = model.info.window;
    let mut window_tokens = 0usize;
    let mut flops = 0.0;
    for (ids, _) in &pieces {
        let n = ids.len();
        for a in model.window_starts(n) {
            let l = (a + window - 2).min(n) - a + 2;
            if n > 0 {
                window_tokens += l;
                flops += model.encoder().flops(l);
            }
        }
    }
    let t1 = Instant::now();
    let encoded: Vec<_> = pieces
        .par_iter()
        .map(|(ids, offs)| model.encode_pieces(ids, offs.clone()))
        .collect();
    let encode_s = t1.elapsed().as_secs_f64();
    if let Some(path) = out {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for ((id, _), e) in texts.iter().zip(&encoded) {
            let line =
                serde_json::json!({ "id": id, "probs": e.piece_probs, "pieces": e.offsets.len() });
            writeln!(f, "{line}")?;
        }
    }
    let peak = if measure_peak {
        fma_peak(threads)
    } else {
        None
    };
    let total_pieces: usize = pieces.iter().map(|p| p.0.len()).sum();
    let summary = serde_json::json!({
        "articles": texts.len(),
        "pieces": total_pieces,
        "window_tokens": window_tokens,
        "threads": threads,
        "precision": if int8 { "int8" } else { "f32" },
        "kernel": kernel.map(|k| k.name()),
        "tokenize_seconds": tokenize_s,
        "seconds": encode_s,
        "tokens_per_s": window_tokens as f64 / encode_s,
        "articles_per_s": texts.len() as f64 / (encode_s + tokenize_s),
        "gflop_per_s": flops / encode_s / 1e9,
        "peak_rss_mb": peak_rss_mb(),
        "fma_peak_gflop_per_s": peak,
    });
    println!("{summary}");
    Ok(())
}
