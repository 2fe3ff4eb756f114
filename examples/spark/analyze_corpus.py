#!/usr/bin/env python3
"""Analyse a collection of articles with unspin on Spark.

    python examples/spark/analyze_corpus.py INPUT OUTPUT [--tier fast|neural] [--master local[2]]
    spark-submit --master yarn ... examples/spark/analyze_corpus.py INPUT OUTPUT --tier neural

INPUT: JSON Lines (one object per line) or Parquet (a file or a folder; the
format is taken from the name: ``.parquet`` or a folder of them is Parquet,
anything else JSON Lines), with an ``id`` column and the article in
``text`` (plain text) and/or ``html``, optionally ``outlet`` (or
``site_name``), ``published`` (ISO 8601 date) and ``authors``.

OUTPUT gets:
  OUTPUT/spans/       Parquet, one row per technique span
                      (id, technique, start, end, score, text, published)
  OUTPUT/documents/   Parquet, one row per article (id, words, technique_spans,
                      quotes, quotation_share, named_sources, anonymous_sources,
                      claims, check_worthy_claims, hedged_claims, techniques,
                      error, published)
both partitioned by outlet=…/month=… (YYYY-MM) when the input has those
columns; and with --stats BY (outlet, month, author, technique; repeatable)
OUTPUT/stats-BY.json, the report of ``unspin corpus stats --by BY --format
json`` over the analysed articles. Offsets are Unicode code points of the
analysed text. See docs/spark.md.

Run with plain ``python`` it starts Spark in local mode (``--master``,
default ``local[*]``); under ``spark-submit`` the master and resources come
from spark-submit, and the executors need the ``unspin`` wheel (ship a packed
virtual environment with ``--archives``, see docs/spark.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Analyse articles (JSON Lines or Parquet) with unspin on Spark; write Parquet.",
        epilog="Examples:\n"
        "  python examples/spark/analyze_corpus.py news.jsonl out --master 'local[2]'\n"
        "  python examples/spark/analyze_corpus.py news.parquet out --tier neural --stats outlet\n"
        "  spark-submit --archives unspin-env.tar.gz#env examples/spark/analyze_corpus.py \\\n"
        "      hdfs:///news/2016 hdfs:///unspin/2016 --stats month",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("input", help="JSON Lines or Parquet file or folder (any Spark path)")
    p.add_argument("output", help="output folder (any Spark path); replaced if it exists")
    p.add_argument("--tier", choices=["fast", "neural"], default="fast",
                   help="technique detector (default: fast)")
    p.add_argument("--master", default=None,
                   help="Spark master when run with plain python (default local[*]); "
                   "ignored under spark-submit, which sets its own")
    p.add_argument("--partitions", type=int, default=None,
                   help="repartition the input into this many tasks (default: 4 per core)")
    p.add_argument("--only", choices=["spans", "documents"], default=None,
                   help="write only this output (each output analyses the articles once)")
    p.add_argument("--stats", action="append", default=[],
                   choices=["outlet", "month", "author", "technique"],
                   help="also write OUTPUT/stats-BY.json (repeatable)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    # Local mode from plain python: the workers must run this same interpreter
    # (the one that has unspin installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from unspin import spark as us

    builder = (SparkSession.builder.appName("unspin analyze_corpus")
               .config("spark.ui.showConsoleProgress",
                       str(sys.stderr.isatty() and not args.quiet).lower())
               # Partition values (outlet=1843, month=2016-01) stay strings when read back.
               .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false"))
    if "PYSPARK_GATEWAY_PORT" not in os.environ:
        # Plain python (spark-submit starts the JVM first, with its own master, and sets the
        # gateway).
        builder = builder.master(args.master or os.environ.get("MASTER", "local[*]"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr))

    started = time.time()
    source = args.input.rstrip("/")
    is_parquet = source.endswith(".parquet") or (
        Path(source).is_dir() and any(Path(source).glob("*.parquet")))
    df = spark.read.parquet(source) if is_parquet else spark.read.json(source)
    if "outlet" not in df.columns and "site_name" in df.columns:
        df = df.withColumnRenamed("site_name", "outlet")
    if "id" not in df.columns or not ({"text", "html"} & set(df.columns)):
        print(f"error: {args.input}: needs an 'id' column and a 'text' or 'html' column "
              f"(has: {', '.join(df.columns)})", file=sys.stderr)
        return 2
    if "published" in df.columns:
        df = df.withColumn("published", F.col("published").cast("string"))
        df = df.withColumn("month", F.substring(us._iso_date_col(F.col("published")), 1, 7))
    cores = spark.sparkContext.defaultParallelism
    df = df.repartition(args.partitions or 4 * cores)
    keep = [c for c in ("outlet", "published", "month", "authors") if c in df.columns]
    partition_by = [c for c in ("outlet", "month") if c in df.columns]
    out = args.output.rstrip("/")

    if args.only != "documents":
        spans = us.analyze(df, tier=args.tier, output="spans", keep=keep)
        spans.write.mode("overwrite").partitionBy(*partition_by).parquet(out + "/spans")
        log(f"spans: {out}/spans")
    if args.only != "spans" or args.stats:
        docs = us.analyze(df, tier=args.tier, output="documents", keep=keep)
        docs.write.mode("overwrite").partitionBy(*partition_by).parquet(out + "/documents")
        docs = spark.read.parquet(out + "/documents")
        n = docs.count()
        failed = docs.where(F.col("error").isNotNull()).count()
        log(f"documents: {out}/documents ({n} articles, {failed} failed)")
        for by in args.stats:
            report = us.stats(docs, by=by)
            target = f"{out}/stats-{by}.json"
            text = json.dumps(report, indent=2)
            if "://" in target and not target.startswith("file://"):
                spark.sparkContext.parallelize([text], 1).saveAsTextFile(target)
            else:
                Path(target.removeprefix("file://")).write_text(text + "\n")
            log(f"stats by {by}: {target} ({len(report['groups'])} groups)")
    log(f"done in {time.time() - started:.1f} s")
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
