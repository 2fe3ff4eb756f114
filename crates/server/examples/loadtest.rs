//! A bounded load test of `POST /api/analyze` on loopback.
//!
//! ```text
//! cargo run --release -p unspin-server --example loadtest -- [REQUESTS] [SECONDS] [TIER]
//! ```
//!
//! Starts the server in-process on `127.0.0.1` (an ephemeral port, the
//! embedded models: `TIER` — `fast` (default) or `neural` — as the default
//! tier and the other one beside it, as `unspin serve` does; default
//! limits), then sends the sample article
//! (`examples/syria-ceasefire-opinion.md`) from 1, 4 and 16 concurrent
//! clients, each from its own loopback address (127.0.0.1, .2, …: separate
//! clients to the queue's fairness), over keep-alive HTTP/1.1 connections:
//! `REQUESTS` requests per level (default 200), or fewer if `SECONDS`
//! (default 60) pass first. For the neural tier the same levels run again
//! with `Accept: text/event-stream`, measuring the time to the first result
//! (the fast tier's preliminary one) beside the time to the final one. Two
//! last runs show the deliberate refusals: 16 clients against a server
//! admitting only 4 analyses at once (`503 overloaded`), and 16 connections
//! from one address (`429 too_many_requests` past its 8 places). Prints
//! requests/s, time to the first result (p50), p50/p99/max latency and the
//! count of each non-2xx status.
//!
//! The client is a few lines of raw HTTP/1.1 over tokio's `TcpStream`: no
//! HTTP client dependency, and nothing but loopback is ever contacted.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use unspin_analysis::{AnalysisOptions, Analyzer, Tier};
use unspin_server::{App, Limits, SAMPLE_ARTICLE};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What one level of concurrency gave.
#[derive(Default)]
struct Outcome {
    latencies: Vec<Duration>,
    /// Time to the first result (the whole answer without events).
    firsts: Vec<Duration>,
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

/// One row of the table: the server's limits, how many clients, whether
/// they all come from one address, and whether they ask for events.
struct Level {
    limits: Limits,
    clients: usize,
    one_address: bool,
    events: bool,
}

async fn run(requests: usize, budget: Duration, tier: Tier) -> Result<(), BoxError> {
    let body = serde_json::json!({ "text": SAMPLE_ARTICLE, "id": "sample" }).to_string();
    let request = |events: bool| {
        let accept = if events {
            "text/event-stream\r\nConnection: close"
        } else {
            "application/json"
        };
        Arc::new(
            format!(
                "POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
                 Accept: {accept}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    };
    let words = SAMPLE_ARTICLE.split_whitespace().count();
    println!(
        "{tier} tier (the other served beside it); sample article: {} bytes, {words} words; \
         {requests} requests per level, at most {} s each; {} CPU cores",
        SAMPLE_ARTICLE.len(),
        budget.as_secs(),
        unspin_server::default_workers()
    );
    println!();
    println!(
        "| server limits | clients | answer | requests | 2xx | req/s | first result p50 ms | p50 ms | p99 ms | max ms | non-2xx |"
    );
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
    let level = |limits: &Limits, clients, one_address, events| Level {
        limits: limits.clone(),
        clients,
        one_address,
        events,
    };
    let defaults = Limits::default();
    let overload = Limits {
        max_concurrent: 4,
        ..Limits::default()
    };
    let mut levels = Vec::new();
    let streams: &[bool] = if tier == Tier::Fast {
        &[false]
    } else {
        &[false, true]
    };
    for &events in streams {
        for clients in [1, 4, 16] {
            levels.push(level(&defaults, clients, false, events));
        }
    }
    levels.push(level(&overload, 16, false, false));
    levels.push(level(&defaults, 16, true, false));
    for l in &levels {
        let addr = start_server(l.limits.clone(), tier).await?;
        let request = request(l.events);
        // Warm up (page cache, allocator) outside the measurement.
        load(addr, &request, l, 2, budget).await;
        let o = load(addr, &request, l, requests, budget).await;
        report(l, &o);
    }
    Ok(())
}

async fn start_server(limits: Limits, tier: Tier) -> Result<SocketAddr, BoxError> {
    let options = AnalysisOptions {
        tier: Some(tier),
        ..AnalysisOptions::default()
    };
    let app = App::with_tiers(Analyzer::load_tiers(&options)?, limits)?;
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
    level: &Level,
    total: usize,
    budget: Duration,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + budget;
    let tasks: Vec<_> = (0..level.clients)
        .map(|i| {
            let (next, request) = (next.clone(), request.clone());
            let from = if level.one_address { 1 } else { i as u8 + 1 };
            let events = level.events;
            tokio::spawn(async move {
                client(addr, from, events, &request, &next, total, deadline).await
            })
        })
        .collect();
    let mut outcome = Outcome::default();
    for task in tasks {
        if let Ok(o) = task.await {
            outcome.latencies.extend(o.latencies);
            outcome.firsts.extend(o.firsts);
            for (status, n) in o.statuses {
                *outcome.statuses.entry(status).or_default() += n;
            }
            outcome.errors += o.errors;
        }
    }
    outcome.elapsed = started.elapsed();
    outcome
}

/// Connects to `addr` from 127.0.0.`from`.
async fn connect(addr: SocketAddr, from: u8) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(127, 0, 0, from)),
        0,
    ))?;
    socket.connect(addr).await
}

/// One keep-alive connection from 127.0.0.`from`, reconnecting when the
/// server closes it (after every answer when it streams `events`).
async fn client(
    addr: SocketAddr,
    from: u8,
    events: bool,
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
            None => match connect(addr, from).await {
                Ok(s) => BufReader::new(s),
                Err(_) => {
                    o.errors += 1;
                    continue;
                }
            },
        };
        match exchange(stream, request, events, sent).await {
            Ok((status, first, keep, stream)) => {
                o.latencies.push(sent.elapsed());
                if (200..300).contains(&status) {
                    o.firsts.push(first);
                }
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

/// Sends one request and reads its response: status, the time from `sent`
/// to the first result, whether the connection stays open, and the
/// connection. A stream of events (`events`, sent with `Connection:
/// close`) is read to its end; its first result is the first `result`
/// event.
async fn exchange(
    mut stream: BufReader<TcpStream>,
    request: &[u8],
    events: bool,
    sent: Instant,
) -> Result<(u16, Duration, bool, BufReader<TcpStream>), BoxError> {
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
    if events && status == 200 {
        let mut first = None;
        let mut finished = false;
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                break;
            }
            if line.starts_with("event: result") {
                first.get_or_insert_with(|| sent.elapsed());
            } else if line.starts_with("event: error") {
                return Err("an error event".into());
            } else if line.starts_with("data: ") && line.contains("\"final\":true") {
                finished = true;
            }
        }
        if !finished {
            return Err("the stream ended before the final result".into());
        }
        let first = first.ok_or("no result event")?;
        return Ok((status, first, false, stream));
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).await?;
    Ok((status, sent.elapsed(), keep, stream))
}

/// The nearest-rank percentile `p` of `values`, in milliseconds (0 when empty).
fn percentile_ms(values: &[Duration], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(level: &Level, o: &Outcome) {
    let lat = &o.latencies;
    let pct = |p: f64| percentile_ms(lat, p);
    let (limits, clients) = (&level.limits, level.clients);
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
    let clients = if level.one_address {
        format!("{clients} (one address)")
    } else {
        clients.to_string()
    };
    let answer = if level.events { "events" } else { "JSON" };
    println!(
        "| max_concurrent {}, max_per_client {}, workers {} | {clients} | {answer} | {done} | {ok} | {rps:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
        limits.max_concurrent,
        limits.max_per_client,
        limits.workers,
        percentile_ms(&o.firsts, 0.50),
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
