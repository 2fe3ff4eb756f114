#!/usr/bin/env python3
"""Articles per second per core: the ``unspin`` CLI against the Python package, same run.

    python python/bench/bench.py                     # fast and neural tiers, 2 threads
    python python/bench/bench.py --tier fast --n 400 --threads 1 --repeat 3

For each tier, the same N articles of ``../shared/data/unlabeled-news`` (plain text) go through

- the CLI: ``RAYON_NUM_THREADS=T unspin analyze --tier X --input jsonl ARTICLES.jsonl > /dev/null``
  (process start, model loading, reading, analysis, JSON Lines written), and
- Python: ``unspin.Analyzer(X, threads=T)`` then ``list(analyzer.analyze_many(items))``
  (model loading, analysis, one dict per article), and ``analyzer.analyze_arrow(table,
  output="documents")`` (one pyarrow row per article),

alternating CLI and Python ``--repeat`` times; the best time of each counts. Two measures:
articles per second of wall time divided by the threads (what a quiet machine gives per core),
and articles per CPU second (user + system time of the process: the same thing on a quiet
machine, and still fair on a busy one, where the wall time depends on what else runs). The goal
of issue 16: Python at least 90 % of the CLI per core.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def articles(folder: Path, n: int) -> list:
    files = sorted(folder.glob("article*.txt"))
    if not files:
        sys.exit(f"error: no article*.txt in {folder}")
    picked = [files[k % len(files)] for k in range(n)]
    return [
        {"id": f"{p.stem}-{k}", "text": p.read_text(encoding="utf-8")}
        for k, p in enumerate(picked)
    ]


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class Timer:
    """Wall and CPU seconds of a block, for this process or its children."""

    def __init__(self, who: int) -> None:
        self.who = who

    def __enter__(self) -> "Timer":
        self.wall, self.cpu = time.perf_counter(), cpu(self.who)
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu(self.who) - self.cpu


def cli_seconds(binary: Path, tier: str, threads: int, jsonl: Path) -> tuple:
    env = {**os.environ, "RAYON_NUM_THREADS": str(threads), "RUST_LOG": "off"}
    with Timer(resource.RUSAGE_CHILDREN) as t:
        subprocess.run(
            [str(binary), "--quiet", "analyze", "--tier", tier, "--input", "jsonl", str(jsonl)],
            stdout=subprocess.DEVNULL,
            env=env,
            check=True,
        )
    return t.wall, t.cpu


def python_seconds(tier: str, threads: int, items: list) -> tuple:
    import unspin

    with Timer(resource.RUSAGE_SELF) as t:
        analyzer = unspin.Analyzer(tier, threads=threads)
        out = list(analyzer.analyze_many(items))
    assert len(out) == len(items)
    return t.wall, t.cpu


def arrow_seconds(tier: str, threads: int, items: list) -> tuple:
    import pyarrow as pa

    import unspin

    table = pa.table({"id": [i["id"] for i in items], "text": [i["text"] for i in items]})
    with Timer(resource.RUSAGE_SELF) as t:
        analyzer = unspin.Analyzer(tier, threads=threads)
        out = analyzer.analyze_arrow(table, output="documents")
    assert out.num_rows == len(items) and out.column("error").null_count == len(items)
    return t.wall, t.cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", choices=["fast", "neural", "both"], default="both")
    parser.add_argument("--n", type=int, default=0, help="articles (default 400 fast, 24 neural)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--bin", type=Path, default=None, help="unspin binary (default: UNSPIN_BIN or target/release/unspin)")
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "unlabeled-news")
    parser.add_argument("--no-arrow", action="store_true", help="skip analyze_arrow")
    args = parser.parse_args()
    binary = args.bin or Path(os.environ.get("UNSPIN_BIN", REPO / "target" / "release" / "unspin"))
    if not binary.is_file():
        sys.exit(f"error: no unspin binary at {binary} (cargo build --release, or --bin)")
    tiers = ["fast", "neural"] if args.tier == "both" else [args.tier]
    rows = []
    for tier in tiers:
        n = args.n or (400 if tier == "fast" else 24)
        items = articles(args.data, n)
        with tempfile.TemporaryDirectory() as tmp:
            jsonl = Path(tmp) / "articles.jsonl"
            jsonl.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
            cli, py, arrow = [], [], []
            for _ in range(args.repeat):
                cli.append(cli_seconds(binary, tier, args.threads, jsonl))
                py.append(python_seconds(tier, args.threads, items))
                if not args.no_arrow:
                    arrow.append(arrow_seconds(tier, args.threads, items))
        for measure, index, scale in (("wall", 0, args.threads), ("cpu", 1, 1)):
            rate = lambda runs: n / min(r[index] for r in runs) / scale  # noqa: E731
            row = {"tier": tier, "threads": args.threads, "articles": n, "measure": measure}
            row["cli"] = rate(cli)
            row["python"] = rate(py)
            row["ratio"] = row["python"] / row["cli"]
            if arrow:
                row["arrow"] = rate(arrow)
                row["arrow_ratio"] = row["arrow"] / row["cli"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(
        "| tier | threads | articles | per | CLI | `analyze_many` | ratio | `analyze_arrow` | ratio |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        per = "core (wall)" if r["measure"] == "wall" else "CPU second"
        arrow_cells = f"{r['arrow']:.1f} | {r['arrow_ratio']:.2f}" if "arrow" in r else "- | -"
        print(
            f"| {r['tier']} | {r['threads']} | {r['articles']} | {per} | {r['cli']:.1f} | "
            f"{r['python']:.1f} | {r['ratio']:.2f} | {arrow_cells} |"
        )


if __name__ == "__main__":
    main()
