//! `unspin serve` as a process: SIGTERM with an analysis in flight stops
//! accepting, waits up to `--drain-timeout`, cancels the analysis, answers
//! or closes its connection, and exits 0, never hanging.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A raw HTTP/1.1 exchange with `Connection: close`; the whole reply, or
/// what came before the connection closed or `timeout` passed.
fn http(addr: SocketAddr, request: &[u8], timeout: Duration) -> std::io::Result<String> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    stream.write_all(request)?;
    let mut reply = Vec::new();
    match stream.read_to_end(&mut reply) {
        Ok(_) => {}
        // A reset after a partial answer still counts as "closed".
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => return Err(e),
    }
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

fn health(addr: SocketAddr) -> Option<serde_json::Value> {
    let reply = http(
        addr,
        b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(10),
    )
    .ok()?;
    let body = reply.split("\r\n\r\n").nth(1)?;
    serde_json::from_str(body).ok()
}

#[test]
fn sigterm_drains_then_cancels_and_exits_0() {
    let drain_s = 1;
    let mut child = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .args(["serve", "--port", "0", "--tier", "fast", "--workers", "1"])
        .args(["--timeout", "600", "--drain-timeout", &drain_s.to_string()])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("unspin serve starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("the address line");
    let addr: SocketAddr = first
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));

    // A long text (about 1.5 MB, under the 2 MiB body limit): seconds of work.
    let mut text = String::new();
    while text.len() < 1_500_000 {
        text.push_str(unspin_server::SAMPLE_ARTICLE);
        text.push_str("\n\n");
    }
    let body = serde_json::json!({ "text": text }).to_string();
    let request = format!(
        "POST /api/analyze HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let slow = std::thread::spawn(move || http(addr, request.as_bytes(), Duration::from_secs(120)));

    // Wait until the analysis runs (or, on a very fast machine, is done).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut running = false;
    while Instant::now() < deadline && !slow.is_finished() {
        if health(addr).is_some_and(|h| h["running"] == 1) {
            running = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }

    let signalled = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    // Generous bound: the drain deadline, the cancellation grace and a slow machine.
    let limit = Duration::from_secs(drain_s + 30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if signalled.elapsed() > limit {
            let _ = child.kill();
            panic!("unspin serve still running {limit:?} after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = signalled.elapsed();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr is readable");
    assert!(status.success(), "exit {status:?}; stderr:\n{stderr}");
    assert!(stderr.contains("stopped:"), "{stderr}");

    // The in-flight request got an answer or a closed connection, never a hang.
    let reply = slow
        .join()
        .expect("no panic")
        .expect("no timeout: the request got an answer or a close");
    if running && reply.contains("HTTP/1.1 503") {
        assert!(reply.contains("shutting_down"), "{reply}");
        assert!(stderr.contains("1 request(s) cancelled"), "{stderr}");
    }
    eprintln!(
        "analysis in flight at SIGTERM: {running}; exit after {:.2} s; reply: {}",
        took.as_secs_f64(),
        reply.lines().next().unwrap_or("(connection closed)")
    );
    // Nothing listens any more.
    assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err());
}
