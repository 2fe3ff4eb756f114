//! `unspin serve`: the web page and the HTTP API (crate `unspin-server`).

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::Context as _;
use clap::builder::TypedValueParser as _;
use unspin_analysis::Analyzer;
use unspin_server::{App, Limits, DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_PER_CLIENT};

use super::size::parse_size_usize;
use super::{Context, ModelArgs, Outcome};

const AFTER_HELP: &str = "\
Open the printed address in a browser to paste or drop an article and see its techniques \
highlighted. The same analysis is available as an HTTP API (JSON in, JSON out):

  curl -s localhost:8080/api/analyze -H 'Content-Type: application/json' \\
       -d '{\"text\": \"These corrupt traitors will destroy our great nation!\"}'

Endpoints: POST /api/analyze, GET /api/health, GET /api/techniques, GET /api/openapi.json \
(documented in docs/server.md). With --corpus DB, a research dashboard over a corpus file at \
/corpus (overview, outlets, techniques over time, techniques explorer, copies, search, exports) \
and the read-only JSON API behind it under /api/corpus/ (overview, outlets, timeline, spans, \
search, articles, copies, compare, export):

  unspin serve --corpus news.db          # then open http://127.0.0.1:8080/corpus
  curl -s 'localhost:8080/api/corpus/outlets?sort=spans_per_1k_words&per_page=10'

Tiers: the server runs the --tier chosen (default: neural when this binary carries its weights) \
and, without --model, the other tier from the binary's embedded models too; a request picks one \
with \"tier\" (default: the --tier one). A tier that cannot load is an error unless \
--allow-fallback, which serves without it (and logs why).

The server binds to 127.0.0.1 (this machine only) unless --host says otherwise, makes no \
outbound network requests, and answers 413 past --max-body, 503 at once when --max-concurrent \
analyses are already admitted, 429 at once when one client (IP address) has --max-per-client \
in progress (both with Retry-After), and 503 past --timeout. Each tier has its own queue with \
--workers workers; clients take turns in it. A request sent with \"Accept: text/event-stream\" \
gets its place in the queue at once, the fast tier's result as soon as it is ready, then the \
result of the tier asked for (server-sent events; see docs/server.md). --port 0 picks a free port; the address \
is printed on standard output. Stop it with Ctrl-C or SIGTERM: it stops accepting connections, lets requests in progress finish for up to --drain-timeout seconds, then cancels the analyses still running (answered 503 shutting_down), logs how many, and exits 0. An analysis whose request timed out or whose client went away is cancelled too, freeing its worker.";

/// Arguments of `unspin serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// Address to listen on. The default accepts connections from this machine only.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    host: IpAddr,
    /// Port to listen on (0: any free port).
    #[arg(short, long, default_value_t = 8080)]
    port: u16,
    /// Largest request body accepted (bytes; k, M, G = 1000-based, KiB, MiB, GiB =
    /// 1024-based, as for --max-bytes).
    #[arg(long, default_value = "2MiB", value_name = "SIZE", value_parser = parse_size_usize)]
    max_body: usize,
    /// Longest an analysis request may take, in seconds, before the server answers 503.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS", value_parser = parse_seconds)]
    timeout: f64,
    /// Analyses admitted at once (running or waiting for a worker); beyond, 503 at once.
    #[arg(long, default_value_t = DEFAULT_MAX_CONCURRENT, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    max_concurrent: usize,
    /// Analyses admitted at once from one client (IP address); beyond, 429 at once.
    #[arg(long, default_value_t = DEFAULT_MAX_PER_CLIENT, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    max_per_client: usize,
    /// Analyses of each tier running at once (default: the number of CPU cores).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    workers: Option<usize>,
    /// On Ctrl-C or SIGTERM, how long requests in progress may take to finish before their
    /// analyses are cancelled, in seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS", value_parser = parse_seconds)]
    drain_timeout: f64,
    /// A corpus file (`unspin corpus add`) to serve read-only: the dashboard at /corpus and its
    /// JSON API under /api/corpus/.
    #[arg(long, value_name = "DB")]
    corpus: Option<std::path::PathBuf>,
    #[command(flatten)]
    model: ModelArgs,
}

/// Runs `unspin serve` until Ctrl-C (or SIGTERM).
pub fn run(args: &Args, _ctx: &Context) -> anyhow::Result<Outcome> {
    let limits = Limits {
        max_body_bytes: args.max_body,
        timeout: Duration::from_secs_f64(args.timeout),
        max_concurrent: args.max_concurrent,
        max_per_client: args.max_per_client,
        workers: args.workers.unwrap_or_else(unspin_server::default_workers),
    };
    // The corpus is checked before the models load: a wrong path fails at once.
    let corpus = match &args.corpus {
        Some(path) => Some(
            unspin_server::CorpusDb::open(path)
                .with_context(|| format!("cannot serve the corpus \"{}\"", path.display()))?,
        ),
        None => None,
    };
    let mut app = App::with_tiers(Analyzer::load_tiers(&args.model.options(true))?, limits)?;
    if let Some(db) = corpus {
        app = app.with_corpus(db);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(2)
        // Analyses run on blocking threads, at most `workers` per tier at once.
        .max_blocking_threads(app.limits().workers * app.tier_names().len() + 2)
        .thread_name("unspin-serve")
        .build()
        .context("cannot start the async runtime")?;
    let drain = Duration::from_secs_f64(args.drain_timeout);
    let outcome = runtime.block_on(async {
        let addr = SocketAddr::new(args.host, args.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener
            .local_addr()
            .context("cannot read the bound address")?;
        if !args.host.is_loopback() {
            tracing::warn!(
                "listening on {local}, reachable from other machines; the server has no \
                 authentication"
            );
        }
        let limits = app.limits();
        tracing::info!(
            max_body_bytes = limits.max_body_bytes,
            timeout_s = limits.timeout.as_secs_f64(),
            max_concurrent = limits.max_concurrent,
            max_per_client = limits.max_per_client,
            workers = limits.workers,
            "unspin serve ready"
        );
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "unspin serve: listening on http://{local}/ (Ctrl-C to stop)"
        )?;
        out.flush()?;
        drop(out);
        let drained = unspin_server::serve_with_drain(listener, &app, shutdown_signal(), drain)
            .await
            .context("the server stopped")?;
        tracing::info!(
            cancelled = drained.cancelled,
            clean = drained.clean,
            "stopped: {} request(s) cancelled at the drain deadline",
            drained.cancelled
        );
        Ok(Outcome::Success)
    });
    // Cancelled analyses stop at their next check; do not wait on a straggler.
    runtime.shutdown_timeout(Duration::from_secs(1));
    outcome
}

/// Completes on Ctrl-C, or on SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown signal received");
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    let t: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if t.is_finite() && t > 0.0 && t <= 86_400.0 {
        Ok(t)
    } else {
        Err(format!("{t} is not between 0 and 86400 seconds"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds() {
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("inf").is_err());
        assert!(parse_seconds("NaN").is_err());
    }
}
