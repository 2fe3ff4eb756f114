//! A bounded load test of `POST /api/analyze` on loopback.
//!
//! ```text
//! cargo run --release -p unspin-server --example loadtest -- [REQUESTS] [SECONDS] [TIER]
//! ```
//!
//! Starts the server in-process on `127.0.0.1` (an ephemeral port, the
//! embedded model of `TIER` — `fast` (default) or `neural` — with its
//! sourcing stage, default limits), then sends the sample article
//! (`examples/syria-ceasefire-opinion.md`) from 1, 4 and 16 concurrent
//! clients over keep-alive HTTP/1.1 connections: `REQUESTS` requests per
//! level (default 200), or fewer if `SECONDS` (default 60) pass first. A
//! last run repeats 16 clients against a server admitting only 4 analyses at
//! once, to show the deliberate `503 overloaded` answers. Prints requests/s,
//! p50/p99/max latency and the count of each non-2xx status.
//!
//! The client is a few lines of raw HTTP/1.1 over tokio's `TcpStream`: no
//! HTTP client dependency, and nothing but loopback is ever contacted.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use unspin_analysis::{AnalysisOptions, Analyzer, Tier};
use unspin_server::{App, Limits, SAMPLE_ARTICLE};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What one level of concurrency gave.
#[derive(Default)]
struct Outcome {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, usize>,
    errors: usize,
    elapsed: Duration,
}

fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    let seconds: u64 = args.next().map_or(Ok(60), |a| a.parse())?;
    let tier: Tier = args.next().map_or(Ok(Tier::Fast), |a| a.parse())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(
        requests.max(1),
        Duration::from_secs(seconds.max(1)),
        tier,
    ))
}

async fn run(requests: usize, budget: Duration, tier: Tier) -> Result<(), BoxError> {
    let body = serde_json::json!({ "text": SAMPLE_ARTICLE, "id": "sample" }).to_string();
    let request = Arc::new(
        format!(
            "POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    );
    let words = SAMPLE_ARTICLE.split_whitespace().count();
    println!(
        "{tier} tier; sample article: {} bytes, {words} words; {requests} requests per level, at most {} s each; \
         {} CPU cores",
        SAMPLE_ARTICLE.len(),
        budget.as_secs(),
        unspin_server::default_workers()
    );
    println!();
    println!(
        "| server limits | clients | requests | 2xx | req/s | p50 ms | p99 ms | max ms | non-2xx |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    let defaults = Limits::default();
    let overload = Limits {
        max_concurrent: 4,
        ..Limits::default()
    };
    for (limits, clients) in [
        (&defaults, 1),
        (&defaults, 4),
        (&defaults, 16),
        (&overload, 16),
    ] {
        let addr = start_server(limits.clone(), tier).await?;
        // Warm up (page cache, allocator) outside the measurement.
        load(addr, &request, 2, 2, budget).await;
        let o = load(addr, &request, clients, requests, budget).await;
        report(limits, clients, &o);
    }
    Ok(())
}

async fn start_server(limits: Limits, tier: Tier) -> Result<SocketAddr, BoxError> {
    let options = AnalysisOptions {
        tier: Some(tier),
        ..AnalysisOptions::default()
    };
    let app = App::new(Analyzer::new(&options)?, limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = unspin_server::serve(listener, &app, std::future::pending()).await;
    });
    Ok(addr)
}

/// `clients` connections send `total` requests between them (or stop when
/// `budget` has passed).
async fn load(
    addr: SocketAddr,
    request: &Arc<Vec<u8>>,
    clients: usize,
    total: usize,
    budget: Duration,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + budget;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (next, request) = (next.clone(), request.clone());
            tokio::spawn(async move { client(addr, &request, &next, total, deadline).await })
        })
        .collect();
    let mut outcome = Outcome::default();
    for task in tasks {
        if let Ok(o) = task.await {
            outcome.latencies.extend(o.latencies);
            for (status, n) in o.statuses {
                *outcome.statuses.entry(status).or_default() += n;
            }
            outcome.errors += o.errors;
        }
    }
    outcome.elapsed = started.elapsed();
    outcome
}

/// One keep-alive connection, reconnecting when the server closes it.
async fn client(
    addr: SocketAddr,
    request: &[u8],
    next: &AtomicUsize,
    total: usize,
    deadline: Instant,
) -> Outcome {
    let mut o = Outcome::default();
    let mut conn: Option<BufReader<TcpStream>> = None;
    while next.fetch_add(1, Ordering::Relaxed) < total && Instant::now() < deadline {
        let sent = Instant::now();
        let stream = match conn.take() {
            Some(s) => s,
            None => match TcpStream::connect(addr).await {
                Ok(s) => BufReader::new(s),
                Err(_) => {
                    o.errors += 1;
                    continue;
                }
            },
        };
        match exchange(stream, request).await {
            Ok((status, keep, stream)) => {
                o.latencies.push(sent.elapsed());
                *o.statuses.entry(status).or_default() += 1;
                if keep {
                    conn = Some(stream);
                }
            }
            Err(_) => o.errors += 1,
        }
    }
    o
}

/// Sends one request and reads its response: status, whether the
/// connection stays open, and the connection.
async fn exchange(
    mut stream: BufReader<TcpStream>,
    request: &[u8],
) -> Result<(u16, bool, BufReader<TcpStream>), BoxError> {
    stream.get_mut().write_all(request).await?;
    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .ok_or("no status line")?
        .parse()?;
    let mut length = 0usize;
    let mut keep = true;
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err("connection closed in the headers".into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse()?;
            } else if name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close")
            {
                keep = false;
            }
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok((status, keep, stream))
}

fn report(limits: &Limits, clients: usize, o: &Outcome) {
    let mut lat = o.latencies.clone();
    lat.sort();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() as f64 * p).ceil() as usize).clamp(1, lat.len()) - 1;
        lat[i].as_secs_f64() * 1000.0
    };
    let done = lat.len();
    let ok: usize = o
        .statuses
        .iter()
        .filter(|(s, _)| (200..300).contains(*s))
        .map(|(_, n)| n)
        .sum();
    let rps = done as f64 / o.elapsed.as_secs_f64();
    let mut non_2xx: Vec<String> = o
        .statuses
        .iter()
        .filter(|(s, _)| !(200..300).contains(*s))
        .map(|(s, n)| format!("{n} × {s}"))
        .collect();
    if o.errors > 0 {
        non_2xx.push(format!("{} connection errors", o.errors));
    }
    println!(
        "| max_concurrent {}, workers {} | {clients} | {done} | {ok} | {rps:.0} | {:.1} | {:.1} | {:.1} | {} |",
        limits.max_concurrent,
        limits.workers,
        pct(0.50),
        pct(0.99),
        pct(1.0),
        if non_2xx.is_empty() {
            "none".to_string()
        } else {
            non_2xx.join(", ")
        }
    );
}
