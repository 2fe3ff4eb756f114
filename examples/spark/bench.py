#!/usr/bin/env python3
"""Articles per second per core of unspin on Spark, local[1] against local[2].

    python examples/spark/bench.py [--articles 400] [--tiers fast,neural] [--masters 1,2]
                                   [--input ARTICLES.jsonl] [--cli target/release/unspin]

The same articles (by default the unlabelled news of ../shared/data/unlabeled-news, repeated to
--articles) go through ``unspin.spark.analyze(..., output="documents")`` in a fresh local[N]
session for each N, after one warm-up job that loads the analyser in every Python worker; the
timed job writes to Spark's ``noop`` sink, so only the analysis and the Arrow transfer count.
With --cli, ``unspin analyze`` on the same articles with N threads (RAYON_NUM_THREADS) is timed
beside it. The fast tier is warmed up with a whole run and timed --repeat times (the fastest
counts): on a machine shared with other work, the scaling figures are only as good as the
cores are idle (check ``uptime``). Prints one line per run and a table; the published figure of Spark NLP is printed
beside it for scale (see docs/spark.md for the source). The goal is local[2] >= 1.6x local[1].
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT.parent / "shared" / "data" / "unlabeled-news"

#: Spark NLP, CPU NER benchmark (docs/en/CPU_NER_Benchmarks.md in JohnSnowLabs/spark-nlp):
#: 1,000 texts of ~500 tokens through embeddings + NER in 1 min 1 s on 16 cores.
SPARK_NLP_PER_CORE = 1000 / 61 / 16


def load_articles(path: str | None, n: int) -> list:
    if path:
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
    else:
        files = sorted(NEWS.glob("*.txt"))
        if not files:
            sys.exit(f"error: no articles: {NEWS} is missing; pass --input ARTICLES.jsonl")
        rows = [{"text": p.read_text(encoding="utf-8")} for p in files]
    out = []
    while len(out) < n:
        for r in rows:
            if len(out) == n:
                break
            out.append({"id": f"b{len(out):06d}", "text": r.get("text"), "html": r.get("html")})
    return out


def spark_run(articles_path: Path, n: int, cores: int, tier: str, repeat: int) -> float:
    """Seconds of the fastest of ``repeat`` timed jobs in a fresh local[cores] session."""
    from pyspark.sql import SparkSession

    from unspin import spark as us

    spark = (SparkSession.builder.master(f"local[{cores}]").appName("unspin bench")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.python.worker.reuse", "true")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        df = spark.read.schema("id string, text string, html string").json(str(articles_path))
        # Several tasks per core so that no core waits for the slowest partition.
        df = df.repartition(4 * cores).cache()
        df.count()
        # Warm-up: every worker loads its analyser (half a second for the neural tier) and
        # the JVM compiles its Arrow paths: the fast tier's warm-up is a whole run.
        warm = df if tier == "fast" else df.limit(8 * cores).repartition(4 * cores)
        us.analyze(warm, tier=tier, output="documents").write.format("noop").mode(
            "overwrite").save()
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            us.analyze(df, tier=tier, output="documents").write.format("noop").mode(
                "overwrite").save()
            best = min(best, time.perf_counter() - started)
        return best
    finally:
        spark.stop()


def cli_run(cli: str, articles_path: Path, cores: int, tier: str, repeat: int) -> float:
    """Seconds of the fastest of ``repeat`` runs (after one warm-up for the fast tier)."""
    env = {**os.environ, "RAYON_NUM_THREADS": str(cores)}
    best = float("inf")
    for i in range(repeat + (tier == "fast")):
        started = time.perf_counter()
        subprocess.run([cli, "analyze", "--tier", tier, "-q", "--input", "jsonl",
                        str(articles_path)], check=True, env=env, stdout=subprocess.DEVNULL)
        if tier != "fast" or i > 0:
            best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=400, help="articles per run (default 400)")
    p.add_argument("--neural-articles", type=int, default=None,
                   help="articles per neural run (default: --articles / 4)")
    p.add_argument("--tiers", default="fast,neural", help="comma-separated (default fast,neural)")
    p.add_argument("--masters", default="1,2", help="cores of each local[N] (default 1,2)")
    p.add_argument("--input", default=None, help="JSON Lines with text or html (default: "
                   "../shared/data/unlabeled-news)")
    p.add_argument("--cli", default=None, help="also time this unspin binary on the same articles")
    p.add_argument("--repeat", type=int, default=2,
                   help="timed runs of the fast tier, the fastest counts (default 2; neural: 1)")
    p.add_argument("--json", default=None, help="write the results to this file")
    args = p.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for tier in [t.strip() for t in args.tiers.split(",") if t.strip()]:
            n = args.articles if tier == "fast" else (args.neural_articles or
                                                       max(args.articles // 4, 16))
            path = Path(tmp) / f"{tier}.jsonl"
            with path.open("w", encoding="utf-8") as f:
                for a in load_articles(args.input, n):
                    f.write(json.dumps(a) + "\n")
            for cores in [int(c) for c in args.masters.split(",")]:
                repeat = args.repeat if tier == "fast" else 1
                runs = [("spark", spark_run(path, n, cores, tier, repeat))]
                if args.cli:
                    runs.append(("cli", cli_run(args.cli, path, cores, tier, repeat)))
                for what, secs in runs:
                    row = {"tier": tier, "runner": what, "cores": cores, "articles": n,
                           "seconds": round(secs, 3), "articles_per_s": n / secs,
                           "articles_per_s_per_core": n / secs / cores}
                    results.append(row)
                    print(f"{tier:6} {what:5} {cores} core(s): {n} articles in {secs:7.2f} s = "
                          f"{n / secs:8.1f} articles/s, {n / secs / cores:8.1f} per core",
                          flush=True)

    print()
    print("| tier | runner | cores | articles/s | per core | speed-up vs 1 core |")
    print("|---|---|---:|---:|---:|---:|")
    for r in results:
        one = next((x for x in results if x["tier"] == r["tier"] and x["runner"] == r["runner"]
                    and x["cores"] == 1), None)
        speedup = f"{r['articles_per_s'] / one['articles_per_s']:.2f}x" if one else ""
        print(f"| {r['tier']} | {r['runner'] if r['runner'] == 'cli' else 'spark local[%d]' % r['cores']}"
              f" | {r['cores']} | {r['articles_per_s']:.1f} | {r['articles_per_s_per_core']:.1f} "
              f"| {speedup} |")
    print(f"| Spark NLP NER (published, 16 cores) | | 16 | {1000 / 61:.1f} | "
          f"{SPARK_NLP_PER_CORE:.2f} | |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
