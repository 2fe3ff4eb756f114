#!/usr/bin/env python3
"""Soak test of `unspin serve`: many clients, mixed valid and invalid requests, for minutes.

Starts `target/release/unspin serve --port 0` (the address is read from its standard
output), runs N client threads for M minutes, each sending a random mix of

  * text      valid text of varied sizes (1 to 5 articles from ../shared/data/unlabeled-news)
  * html      the same as an HTML page
  * huge      a text just under --max-body (many articles), allowed but slow
  * badjson   a body that is not JSON                       (400 expected)
  * ctype     a valid body sent as text/plain                (415 expected)
  * oversize  a body over --max-body                         (413 or a reset connection expected)
  * drop      a valid request whose client closes the socket before the answer (no answer read)
  * health    GET /api/health

and samples the server's resident memory (VmRSS in /proc/PID/status) every few seconds.
Prints one row per minute (requests, status counts, p50/p99 latency of the answered
requests, largest RSS) and a summary: unexpected outcomes (anything but the expected
status, a deliberate 4xx or a 503 overloaded/timeout), whether the server is still
alive and answering, RSS at start and end. Finally it sends SIGTERM and reports how
long the drain took and the exit status.

    cargo build --release
    nice -n 5 python3 benches/server/soak.py [--clients 16] [--minutes 10] [--tier fast]

A short run (`--minutes 0.3`) is a smoke test. Standard library only. Exit status 1
when there were unexpected outcomes or the server died.
"""
import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "unlabeled-news"

KINDS = {
    # kind: (weight, expected statuses besides 503)
    "text": (40, {200}),
    "html": (15, {200}),  # or 400 when the extractor finds only boilerplate
    "huge": (4, {200}),
    "badjson": (10, {400}),
    "ctype": (8, {415}),
    "oversize": (5, {413}),
    "drop": (10, set()),
    "health": (8, {200}),
}


def parse_size(s):
    m = re.fullmatch(r"\s*(\d+)\s*(|k|M|G|KiB|MiB|GiB)\s*", s)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {s!r}")
    mult = {"": 1, "k": 1000, "M": 1000**2, "G": 1000**3,
            "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}[m.group(2)]
    return int(m.group(1)) * mult


def read_rss_kb(pid):
    """(VmRSS, VmHWM) in KiB, or (None, None) once the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None, None


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


class Corpus:
    def __init__(self, data, max_body):
        files = sorted(Path(data).glob("*.txt"))
        if not files:
            sys.exit(f"no .txt articles in {data}")
        self.articles = [f.read_text(encoding="utf-8", errors="replace") for f in files]
        self.max_body = max_body

    def text(self, rng, k=None):
        k = k or rng.choice([1, 1, 1, 2, 3, 5])
        return "\n\n".join(rng.choice(self.articles) for _ in range(k))

    def huge(self, rng):
        # Just under the limit once JSON-escaped (escaping adds a little).
        budget = int(self.max_body * 0.85)
        parts, size = [], 0
        while True:
            a = rng.choice(self.articles)
            if size + len(a.encode()) + 2 > budget:
                break
            parts.append(a)
            size += len(a.encode()) + 2
        return "\n\n".join(parts) if parts else self.articles[0][: budget // 2]

    def html(self, rng):
        paras = [p for p in self.text(rng).split("\n") if p.strip()]
        title = paras[0][:80] if paras else "Article"
        body = "".join(f"<p>{p.replace('&', '&amp;').replace('<', '&lt;')}</p>\n" for p in paras)
        return (f"<!doctype html><html><head><title>{title}</title></head><body>"
                f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
                f"<footer>Copyright</footer></body></html>")


def build(kind, corpus, rng, max_body):
    """(method, path, headers, body) of one request of `kind`."""
    json_ct = {"Content-Type": "application/json"}
    if kind == "health":
        return "GET", "/api/health", {}, None
    if kind in ("text", "drop"):
        return "POST", "/api/analyze", json_ct, json.dumps({"text": corpus.text(rng)}).encode()
    if kind == "html":
        return "POST", "/api/analyze", json_ct, json.dumps({"html": corpus.html(rng)}).encode()
    if kind == "huge":
        return "POST", "/api/analyze", json_ct, json.dumps({"text": corpus.huge(rng)}).encode()
    if kind == "badjson":
        body = rng.choice([b'{"text": "unterminated', b"[1, 2", b"not json at all",
                           b'{"text": 5}', b"", b'{"txt": "a"}'])
        return "POST", "/api/analyze", json_ct, body
    if kind == "ctype":
        return ("POST", "/api/analyze", {"Content-Type": rng.choice(["text/plain", "application/xml"])},
                json.dumps({"text": "Short."}).encode())
    if kind == "oversize":
        body = json.dumps({"text": "x" * (max_body + rng.randint(1, 100_000))}).encode()
        return "POST", "/api/analyze", json_ct, body
    raise ValueError(kind)


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []  # (t_end, kind, outcome, latency_s, expected)

        self.notes = []  # (kind, status, first bytes of the body) of unexpected answers

    def add(self, *row):
        with self.lock:
            self.rows.append(row)

    def note(self, kind, status, body):
        with self.lock:
            if len(self.notes) < 5:
                self.notes.append((kind, status, body))


def client(idx, args, corpus, host, port, stop_at, results):
    rng = random.Random(args.seed * 1000 + idx)
    kinds = list(KINDS)
    weights = [KINDS[k][0] for k in kinds]
    while time.monotonic() < stop_at:
        kind = rng.choices(kinds, weights)[0]
        method, path, headers, body = build(kind, corpus, rng, args.max_body)
        t0 = time.monotonic()
        if kind == "drop":
            # Send a whole valid request, then close before the answer.
            try:
                with socket.create_connection((host, port), timeout=10) as s:
                    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                            f"Content-Length: {len(body)}\r\n\r\n").encode()
                    s.sendall(head + body)
                    time.sleep(rng.uniform(0.0, 0.5))
                outcome, expected = "dropped", True
            except OSError as e:
                outcome, expected = type(e).__name__, False
            results.add(time.monotonic(), kind, outcome, None, expected)
            continue
        conn = http.client.HTTPConnection(host, port, timeout=args.client_timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            status = resp.status
            outcome = str(status)
            if status in KINDS[kind][1]:
                expected = True
            elif status == 503:
                try:
                    code = json.loads(data).get("error")
                except ValueError:
                    code = None
                expected = code in ("overloaded", "timeout")
                outcome = f"503 {code}"
            elif kind == "html" and status == 400 and b"no article text" in data:
                # The extractor found only boilerplate in a short generated page: a deliberate 400.
                expected = True
                outcome = "400 no-article"
            else:
                expected = False
            if not expected:
                results.note(kind, status, data[:300])
        except (ConnectionResetError, BrokenPipeError) as e:
            # The server answers 413 and closes while a large body is still being sent.
            outcome, expected = type(e).__name__, kind == "oversize"
        except (OSError, http.client.HTTPException) as e:
            outcome, expected = type(e).__name__, False
        finally:
            conn.close()
        results.add(time.monotonic(), kind, outcome, time.monotonic() - t0, expected)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=str(REPO / "target" / "release" / "unspin"))
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--tier", default="fast")
    ap.add_argument("--max-body", type=parse_size, default=parse_size("2MiB"),
                    help="passed to the server as --max-body (default 2MiB)")
    ap.add_argument("--server-timeout", type=float, default=30.0, help="the server's --timeout")
    ap.add_argument("--workers", type=int, help="the server's --workers (default: its own)")
    ap.add_argument("--client-timeout", type=float, default=120.0)
    ap.add_argument("--sample", type=float, default=3.0, help="seconds between RSS samples")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    if not Path(args.data).is_dir():
        sys.exit(f"skipped: no data at {args.data}")
    corpus = Corpus(args.data, args.max_body)
    cmd = [args.binary, "serve", "--port", "0", "--tier", args.tier, "--max-body", str(args.max_body),
           "--timeout", str(args.server_timeout)]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"unspin-soak-{os.getpid()}.log"
    log = open(log_path, "wb")
    env = dict(os.environ, RUST_LOG=os.environ.get("RUST_LOG", "warn,unspin=info"))
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, env=env)
    line = server.stdout.readline().decode(errors="replace")
    m = re.search(r"http://([\d.]+):(\d+)/", line)
    if not m:
        server.kill()
        sys.exit(f"the server did not print its address: {line!r} (log: {log_path})")
    host, port = m.group(1), int(m.group(2))
    print(f"# {' '.join(cmd)}  (pid {server.pid}, log {log_path})")
    print(f"# {args.clients} clients, {args.minutes} min, {len(corpus.articles)} articles, "
          f"max body {args.max_body} B")

    rss = []  # (t, rss_kb)
    hwm = [0]
    done = threading.Event()

    def sampler():
        while not done.is_set():
            r, h = read_rss_kb(server.pid)
            if r is not None:
                rss.append((time.monotonic(), r))
                hwm[0] = max(hwm[0], h)
            done.wait(args.sample)

    t_start = time.monotonic()
    rss_start, _ = read_rss_kb(server.pid)
    threading.Thread(target=sampler, daemon=True).start()
    results = Results()
    stop_at = t_start + args.minutes * 60
    threads = [threading.Thread(target=client, args=(i, args, corpus, host, port, stop_at, results),
                                daemon=True) for i in range(args.clients)]
    for t in threads:
        t.start()

    def row(minute, rows, rss_in):
        lat = [r[3] for r in rows if r[3] is not None]
        statuses = Counter(r[2] for r in rows)
        st = " ".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
        rss_max = max(rss_in) / 1024 if rss_in else float("nan")
        return (f"| {minute} | {len(rows)} | {st} | {percentile(lat, 50) * 1000:.0f} | "
                f"{percentile(lat, 99) * 1000:.0f} | {rss_max:.0f} |")

    print("| minute | requests | outcomes | p50 ms | p99 ms | RSS max MiB |")
    print("|---|---|---|---|---|---|")
    minute = 0
    printed = 0
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(timeout=1)
        now = time.monotonic()
        while now >= t_start + (minute + 1) * 60 or (not any(t.is_alive() for t in threads)
                                                      and printed <= minute):
            lo, hi = t_start + minute * 60, t_start + (minute + 1) * 60
            with results.lock:
                rows = [r for r in results.rows if lo <= r[0] < hi]
            print(row(minute + 1, rows, [v for (t, v) in rss if lo <= t < hi]), flush=True)
            printed = minute + 1
            minute += 1
            if not any(t.is_alive() for t in threads) and hi > now:
                break
        if server.poll() is not None:
            break

    alive = server.poll() is None
    answering = False
    if alive:
        try:
            c = http.client.HTTPConnection(host, port, timeout=10)
            c.request("GET", "/api/health")
            answering = c.getresponse().status == 200
            c.close()
        except (OSError, http.client.HTTPException):
            pass
    rss_end, _ = read_rss_kb(server.pid)
    done.set()
    rows = results.rows
    unexpected = Counter((r[1], r[2]) for r in rows if not r[4])
    by_kind = Counter(r[1] for r in rows)
    n_503 = sum(1 for r in rows if r[2].startswith("503"))
    print()
    print(f"total requests: {len(rows)} ({' '.join(f'{k}:{v}' for k, v in sorted(by_kind.items()))}); "
          f"503 overloaded/timeout: {n_503}")
    print(f"unexpected outcomes: {sum(unexpected.values())}"
          + (f" {dict(unexpected)}" if unexpected else ""))
    for kind, status, body in results.notes:
        print(f"  e.g. {kind} -> {status}: {body.decode(errors='replace')}")
    print(f"server alive: {alive}, answering /api/health: {answering}")
    print(f"RSS start {rss_start / 1024:.0f} MiB, end {(rss_end or 0) / 1024:.0f} MiB, "
          f"max sampled {max((v for _, v in rss), default=0) / 1024:.0f} MiB, "
          f"peak (VmHWM) {hwm[0] / 1024:.0f} MiB")
    if alive:
        t0 = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=60)
            print(f"SIGTERM: exited {code} after {time.monotonic() - t0:.1f} s")
        except subprocess.TimeoutExpired:
            server.kill()
            print("SIGTERM: still running after 60 s, killed")
            alive = False
    log.close()
    ok = alive and answering and not unexpected
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
