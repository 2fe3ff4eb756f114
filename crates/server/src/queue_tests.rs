//! The queue through a real listener: a streamed request's place at once,
//! the fast tier's preliminary result, then the final one; per-client
//! shares with `429` and `Retry-After`; a closed stream cancels its work.
//!
//! The "neural" tier here is a test stage that spins on the text "spin"
//! until cancelled (and is done at once on any other text); the "fast" tier
//! is done at once. Clients are raw HTTP/1.1 over tokio's `TcpStream`, from
//! 127.0.0.1 or 127.0.0.2 (two clients, as the queue sees them).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::mpsc;
use unspin_analysis::{Analyzer, Tier};
use unspin_document::{layers, Document};
use unspin_pipeline::{Pipeline, Stage, StageError};

use crate::test_stages::Spin;
use crate::{serve, App, Limits};

/// Done at once.
struct Quick;

impl Stage for Quick {
    fn name(&self) -> &str {
        "quick"
    }
    fn assigns(&self) -> &[&str] {
        &[layers::TECHNIQUE]
    }
    fn process(&self, doc: &mut Document) -> Result<(), StageError> {
        doc.set_layer(layers::TECHNIQUE, Vec::new())?;
        Ok(())
    }
}

struct Server {
    addr: SocketAddr,
    app: App,
    started: Arc<AtomicUsize>,
    cancelled: Arc<AtomicUsize>,
}

/// A server with a spinning "neural" tier (the default) and a quick "fast" one.
async fn server(limits: Limits) -> Server {
    let started = Arc::new(AtomicUsize::new(0));
    let cancelled = Arc::new(AtomicUsize::new(0));
    let spin = Spin {
        started: started.clone(),
        cancelled: cancelled.clone(),
    };
    let neural = Pipeline::new(vec![Box::new(spin)], &[]).expect("pipeline");
    let fast = Pipeline::new(vec![Box::new(Quick)], &[]).expect("pipeline");
    let app = App::with_tiers(
        vec![
            Analyzer::from_pipeline(Tier::Neural, "spin", neural),
            Analyzer::from_pipeline(Tier::Fast, "quick", fast),
        ],
        limits,
    )
    .expect("two tiers");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let served = app.clone();
    tokio::spawn(async move { serve(listener, &served, std::future::pending()).await });
    Server {
        addr,
        app,
        started,
        cancelled,
    }
}

/// Sends `POST /api/analyze` with `body` from 127.0.0.`from`, asking for
/// events when `events`; returns the open connection.
async fn post(addr: SocketAddr, from: u8, body: &Value, events: bool) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::new(
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, from)),
            0,
        ))
        .expect("bind the client address");
    let mut stream = socket.connect(addr).await.expect("connect");
    let body = body.to_string();
    let accept = if events {
        "text/event-stream"
    } else {
        "application/json"
    };
    let head = format!(
        "POST /api/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Accept: {accept}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    stream
}

/// The whole reply on a connection, as text.
async fn reply(mut stream: TcpStream) -> String {
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes).await;
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The events of a streamed reply, `(name, data)` in order, as they come;
/// `next` gives `None` when the stream ends. Dropping it closes the
/// connection.
struct Events {
    rx: mpsc::UnboundedReceiver<(String, Value)>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Events {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl Events {
    async fn recv(&mut self) -> Option<(String, Value)> {
        self.rx.recv().await
    }
}

fn events(stream: TcpStream) -> Events {
    let (tx, rx) = mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        let mut name = String::new();
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                let data = serde_json::from_str(data).expect("each data line is JSON");
                if tx.send((std::mem::take(&mut name), data)).is_err() {
                    return;
                }
            }
        }
    });
    Events { rx, reader }
}

async fn next(events: &mut Events) -> (String, Value) {
    tokio::time::timeout(Duration::from_secs(20), events.recv())
        .await
        .expect("an event within 20 s")
        .expect("the stream goes on")
}

async fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ok() {
        assert!(Instant::now() < deadline, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn health(app: &App) -> Value {
    let queues: serde_json::Map<String, Value> = app
        .inner_lanes()
        .map(|l| {
            (
                l.tier().to_string(),
                serde_json::to_value(l.health()).unwrap(),
            )
        })
        .collect();
    Value::Object(queues)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_gives_its_place_at_once_then_the_fast_result_then_the_final_one() {
    let s = server(Limits {
        workers: 1,
        ..Limits::default()
    })
    .await;
    // Another client's analysis holds the only neural worker.
    let busy = post(s.addr, 2, &serde_json::json!({ "text": "spin" }), false).await;
    wait_for("the first analysis starts", || {
        s.started.load(Ordering::SeqCst) == 1
    })
    .await;
    let mut rx = events(post(s.addr, 1, &serde_json::json!({ "text": "fine" }), true).await);
    let (name, status) = next(&mut rx).await;
    assert_eq!(name, "status", "{status}");
    assert_eq!(status["state"], "queued");
    assert_eq!(status["position"], 1);
    assert_eq!(status["tier"], "neural");
    let (name, early) = next(&mut rx).await;
    assert_eq!(name, "result", "{early}");
    assert_eq!(
        (&early["tier"], &early["final"]),
        (&"fast".into(), &false.into())
    );
    assert_eq!(early["document"]["id"], "document");
    assert!(early["document"]["layers"]["technique"].is_array());
    assert_eq!(health(&s.app)["neural"]["queued"], 1);
    // The other client goes away: its analysis is cancelled, ours runs.
    drop(busy);
    let (name, status) = next(&mut rx).await;
    assert_eq!(
        (name.as_str(), &status["state"]),
        ("status", &"running".into())
    );
    let (name, done) = next(&mut rx).await;
    assert_eq!(name, "result", "{done}");
    assert_eq!(
        (&done["tier"], &done["final"]),
        (&"neural".into(), &true.into())
    );
    assert!(
        rx.recv().await.is_none(),
        "the stream ends after the final result"
    );
    assert_eq!(s.cancelled.load(Ordering::SeqCst), 1);
    let h = health(&s.app);
    assert_eq!(
        (&h["neural"]["running"], &h["neural"]["queued"]),
        (&0.into(), &0.into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_client_cannot_take_every_place() {
    let s = server(Limits {
        workers: 1,
        max_concurrent: 4,
        max_per_client: 1,
        ..Limits::default()
    })
    .await;
    let _busy = post(s.addr, 1, &serde_json::json!({ "text": "spin" }), false).await;
    wait_for("the first analysis starts", || {
        s.started.load(Ordering::SeqCst) == 1
    })
    .await;
    let refused = reply(
        post(
            s.addr,
            1,
            &serde_json::json!({ "text": "x", "tier": "fast" }),
            false,
        )
        .await,
    )
    .await;
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    assert!(
        refused.to_ascii_lowercase().contains("retry-after: 1"),
        "{refused}"
    );
    assert!(refused.contains("too_many_requests"), "{refused}");
    // Another client is served meanwhile.
    let other = reply(
        post(
            s.addr,
            2,
            &serde_json::json!({ "text": "x", "tier": "fast" }),
            false,
        )
        .await,
    )
    .await;
    assert!(other.starts_with("HTTP/1.1 200"), "{other}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_a_stream_cancels_its_analysis() {
    let s = server(Limits {
        workers: 1,
        ..Limits::default()
    })
    .await;
    let mut rx = events(post(s.addr, 1, &serde_json::json!({ "text": "spin" }), true).await);
    let (_, status) = next(&mut rx).await;
    assert_eq!(status["state"], "running", "{status}");
    wait_for("the analysis starts", || {
        s.started.load(Ordering::SeqCst) == 1
    })
    .await;
    drop(rx);
    wait_for("the analysis is cancelled", || {
        s.cancelled.load(Ordering::SeqCst) == 1
    })
    .await;
    wait_for("the worker is free", || {
        health(&s.app)["neural"]["running"] == 0
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_past_its_timeout_ends_with_an_error_event() {
    let s = server(Limits {
        workers: 1,
        timeout: Duration::from_millis(1000),
        ..Limits::default()
    })
    .await;
    let mut rx = events(post(s.addr, 1, &serde_json::json!({ "text": "spin" }), true).await);
    let mut seen = Vec::new();
    while let Ok(Some((name, data))) =
        tokio::time::timeout(Duration::from_secs(20), rx.recv()).await
    {
        seen.push((name, data));
    }
    let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    // The fast tier's preliminary result comes in between, unless a loaded
    // machine delays it past the 0.3 s deadline.
    assert!(
        names == ["status", "result", "error"] || names == ["status", "error"],
        "{seen:?}"
    );
    if names.len() == 3 {
        assert_eq!(seen[1].1["final"], false, "{seen:?}");
    }
    assert_eq!(seen[names.len() - 1].1["error"], "timeout");
    wait_for("the analysis is cancelled", || {
        s.cancelled.load(Ordering::SeqCst) == 1
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_carries_json_only() {
    let s = server(Limits::default()).await;
    let body = serde_json::json!({ "text": "x", "format": "html" });
    let refused = reply(post(s.addr, 1, &body, true).await).await;
    assert!(refused.starts_with("HTTP/1.1 400"), "{refused}");
    assert!(refused.contains("text/event-stream"), "{refused}");
}
