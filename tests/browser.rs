//! End-to-end browser test of `unspin serve`: starts the real binary on a
//! free loopback port and runs `node tests/browser/e2e.mjs URL`, which drives
//! headless Chromium (Debian's `chromium` package) with `playwright-core`.
//!
//! The test is **skipped** — it prints `SKIP: …` with the reason and passes —
//! only when the browser tooling is missing: no Chromium at
//! `/usr/bin/chromium` (or `$CHROMIUM`), no `node`, or no
//! `tests/browser/node_modules` (run `npm ci --prefix tests/browser`). Set
//! `UNSPIN_REQUIRE_BROWSER=1` to make a missing tool a failure instead.
//!
//! Screenshots land in `target/browser-artifacts/` (`report.png`,
//! `popover.png`, `report-phone.png`, `popover-phone.png`).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Why the browser test cannot run here, if it cannot.
fn missing_tool(chromium: &Path) -> Option<String> {
    if !chromium.is_file() {
        return Some(format!(
            "no Chromium at {} (install Debian's `chromium` package, or set CHROMIUM)",
            chromium.display()
        ));
    }
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        return Some("no `node` on PATH".into());
    }
    if !root()
        .join("tests/browser/node_modules/playwright-core/package.json")
        .is_file()
    {
        return Some(
            "tests/browser/node_modules has no playwright-core (run `npm ci --prefix tests/browser`)"
                .into(),
        );
    }
    None
}

/// Starts `unspin serve --port 0` and returns it with the URL it prints.
fn start_server() -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .args(["serve", "--host", "127.0.0.1", "--port", "0", "--quiet"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the unspin binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let url: String = line[at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                let _ = tx.send(url);
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(url) => (server, url),
        Err(_) => {
            drop(server);
            let mut err = String::new();
            let _ = stderr.read_to_string(&mut err);
            panic!("unspin serve did not print its address within 60 s; stderr:\n{err}");
        }
    }
}

#[test]
fn web_page_end_to_end_in_headless_chromium() {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if let Some(reason) = missing_tool(&chromium) {
        if std::env::var_os("UNSPIN_REQUIRE_BROWSER").is_some_and(|v| v == "1") {
            panic!("UNSPIN_REQUIRE_BROWSER=1 but {reason}");
        }
        println!("SKIP: browser end-to-end test: {reason}");
        eprintln!("SKIP: browser end-to-end test: {reason}");
        return;
    }
    let (_server, url) = start_server();
    let artifacts = root().join("target/browser-artifacts");
    let mut node = Command::new("node")
        .arg(root().join("tests/browser/e2e.mjs"))
        .arg(&url)
        .env("CHROMIUM", &chromium)
        .env("UNSPIN_E2E_ARTIFACTS", &artifacts)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let out = node.stdout.take().expect("piped");
    let err = node.stderr.take().expect("piped");
    let reader = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let (out, err) = (reader(Box::new(out)), reader(Box::new(err)));
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        if let Ok(Some(status)) = node.try_wait() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = node.kill();
            let _ = node.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (out, err) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    println!("{out}");
    let report = format!(
        "--- e2e.mjs stdout ---\n{out}\n--- stderr ---\n{err}\nscreenshots: {}",
        artifacts.display()
    );
    match status {
        None => panic!("the browser test took more than 300 s\n{report}"),
        Some(s) => assert!(s.success(), "browser checks failed ({s})\n{report}"),
    }
    assert!(
        artifacts.join("report.png").is_file(),
        "no screenshot\n{report}"
    );
}
