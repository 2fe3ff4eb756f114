//! What the browser tests (`tests/browser.rs`, `tests/browser_corpus.rs`)
//! share: finding Chromium, node and playwright-core (or saying why the test
//! is skipped), starting `unspin serve` on a free loopback port, and running
//! a Playwright script against it with a deadline.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one browser script may run.
const SCRIPT_DEADLINE: Duration = Duration::from_secs(300);

/// Kills the server when the test ends, however it ends.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where screenshots go.
pub fn artifacts() -> PathBuf {
    root().join("target/browser-artifacts")
}

/// Chromium (`$CHROMIUM` or `/usr/bin/chromium`) when the browser tooling
/// is all there; otherwise prints `SKIP: {test}: why` and gives `None`, or
/// panics under `UNSPIN_REQUIRE_BROWSER=1`.
pub fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let Some(reason) = missing_tool(&chromium) else {
        return Some(chromium);
    };
    if std::env::var_os("UNSPIN_REQUIRE_BROWSER").is_some_and(|v| v == "1") {
        panic!("UNSPIN_REQUIRE_BROWSER=1 but {reason}");
    }
    println!("SKIP: {test}: {reason}");
    eprintln!("SKIP: {test}: {reason}");
    None
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

/// Starts `unspin serve --port 0 … extra` and returns it with the URL it
/// prints.
pub fn start_server<S: AsRef<OsStr>>(extra: &[S]) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_unspin"))
        .args(["serve", "--host", "127.0.0.1", "--port", "0", "--quiet"])
        .args(extra)
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

/// Runs `node tests/browser/{script} URL` with Chromium and the screenshot
/// folder; panics with the script's output when it fails or takes longer
/// than [`SCRIPT_DEADLINE`], and returns that output (for more checks).
pub fn run_script(script: &str, url: &str, chromium: &Path) -> String {
    let artifacts = artifacts();
    let mut node = Command::new("node")
        .arg(root().join("tests/browser").join(script))
        .arg(url)
        .env("CHROMIUM", chromium)
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
    let deadline = Instant::now() + SCRIPT_DEADLINE;
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
        "--- {script} stdout ---\n{out}\n--- stderr ---\n{err}\nscreenshots: {}",
        artifacts.display()
    );
    match status {
        None => panic!("{script} took more than {SCRIPT_DEADLINE:?}\n{report}"),
        Some(s) => assert!(
            s.success(),
            "{script}: browser checks failed ({s})\n{report}"
        ),
    }
    report
}
