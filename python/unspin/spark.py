"""unspin on Spark: analyse a DataFrame of articles, and corpus statistics.

>>> from unspin import spark as us                                   # doctest: +SKIP
>>> spans = us.analyze(df, tier="fast")                              # doctest: +SKIP
>>> docs = us.analyze(df, tier="fast", output="documents")           # doctest: +SKIP
>>> report = us.stats(docs, by="outlet")                             # doctest: +SKIP

:func:`analyze` runs :meth:`unspin.Analyzer.analyze_arrow` inside
``mapInArrow``: Arrow record batches go from the JVM to the Python worker
and into Rust without a pandas conversion. Each Python worker process loads
one :class:`unspin.Analyzer` per tier, lazily, on its first batch, and
keeps it for every later task (the weights are inside the wheel: nothing is
broadcast). An analyser uses as many threads as the task has cores
(``spark.task.cpus``, 1 by default), so ``local[N]`` or N executor cores run
N tasks of one thread each.

:func:`stats` computes the numbers of ``unspin corpus stats`` (rates,
shares and their 95 % intervals) per outlet, month, author or technique from
the per-document summaries, with ``groupBy().applyInPandas``; each group is
computed by the corpus's own Rust code (``unspin_corpus::external``, through
:mod:`unspin.spark_stats`). See ``docs/spark.md``.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Dict, Iterator, List, Optional, Sequence

__all__ = [
    "SPANS_SCHEMA",
    "DOCUMENTS_SCHEMA",
    "PASSTHROUGH",
    "analyze",
    "stats",
    "task_threads",
]

#: The Spark schema of ``output="spans"`` (before the passed-through columns).
SPANS_SCHEMA = "id string, technique string, start long, `end` long, score float, text string"

#: The Spark schema of ``output="documents"`` (before the passed-through columns).
DOCUMENTS_SCHEMA = (
    "id string, words long, technique_spans long, quotes long, quotation_share double, "
    "named_sources long, anonymous_sources long, claims long, check_worthy_claims long, "
    "hedged_claims long, techniques map<string,long>, not_analysed string, error string"
)

#: Input columns copied to every output row of their article when present.
PASSTHROUGH = ("outlet", "published", "authors")

# One analyser per (tier, precision, threads) per Python worker process.
_ANALYZERS: Dict[tuple, Any] = {}
_LOCK = threading.Lock()


def task_threads() -> int:
    """The cores this task may use: ``spark.task.cpus`` (1 outside a task)."""
    try:
        from pyspark import TaskContext

        tc = TaskContext.get()
        if tc is not None:
            try:
                n = int(tc.cpus())
            except Exception:  # pyspark < 3.3
                n = int(tc.getLocalProperty("spark.task.cpus") or 1)
            return max(n, 1)
    except Exception:
        pass
    return max(int(os.environ.get("UNSPIN_SPARK_THREADS", "1")), 1)


def _analyzer(tier: str, precision: Optional[str], threads: int):
    key = (tier, precision, threads)
    a = _ANALYZERS.get(key)
    if a is None:
        with _LOCK:
            a = _ANALYZERS.get(key)
            if a is None:
                import unspin

                a = unspin.Analyzer(tier=tier, precision=precision, threads=threads)
                _ANALYZERS[key] = a
    return a


def _output_schema(output: str, keep: Sequence[Any]):
    from pyspark.sql.types import StructType, _parse_datatype_string

    base = _parse_datatype_string(SPANS_SCHEMA if output == "spans" else DOCUMENTS_SCHEMA)
    fields = list(base.fields) + list(keep)
    return StructType(fields)


def _analyze_batches(batches: Iterator[Any], tier: str, precision: Optional[str],
                     text_col: str, id_col: str, output: str, keep: List[str],
                     arrow_schema: Any) -> Iterator[Any]:
    import pyarrow as pa

    analyzer = None
    for batch in batches:
        if batch.num_rows == 0:
            continue
        if analyzer is None:
            analyzer = _analyzer(tier, precision, task_threads())
        inputs = {"id": batch.column(batch.schema.get_field_index(id_col))}
        if text_col in batch.schema.names:
            inputs["text"] = batch.column(batch.schema.get_field_index(text_col))
        for extra in ("markdown", "html"):
            if extra in batch.schema.names:
                inputs[extra] = batch.column(batch.schema.get_field_index(extra))
        inputs = {k: v.cast(pa.string()) for k, v in inputs.items()}
        out = analyzer.analyze_arrow(pa.RecordBatch.from_pydict(inputs), text_column="text",
                                     id_column="id", output=output)
        columns = [out.column(out.schema.get_field_index(f.name)) for f in arrow_schema
                   if f.name not in keep]
        if keep:
            if output == "documents" and out.num_rows == batch.num_rows:
                rows = pa.array(range(batch.num_rows), type=pa.int64())
            else:
                position = {}
                for i, v in enumerate(inputs["id"].to_pylist()):
                    position.setdefault(v, i)
                rows = pa.array([position.get(v) for v in out.column(0).to_pylist()],
                                type=pa.int64())
            for name in keep:
                columns.append(batch.column(batch.schema.get_field_index(name)).take(rows))
        columns = [c.cast(f.type) for c, f in zip(columns, arrow_schema)]
        yield pa.RecordBatch.from_arrays(columns, schema=arrow_schema)


def analyze(df: Any, text_col: str = "text", id_col: str = "id", tier: str = "fast",
            output: str = "spans", precision: Optional[str] = None,
            keep: Optional[Sequence[str]] = None) -> Any:
    """Analyses every row of ``df`` with unspin; returns a DataFrame.

    ``df`` has an id column (``id_col``, any type, read as a string) and the
    article in ``text_col`` (plain text) and/or ``markdown`` or ``html``
    (read for rows whose text is null). ``output="spans"``: one row per technique
    span (``id, technique, start, end, score, text``; offsets in Unicode code
    points of the analysed text). ``output="documents"``: one row per input
    row (``id, words, technique_spans, quotes, quotation_share,
    named_sources, anonymous_sources, claims, check_worthy_claims,
    hedged_claims, techniques, not_analysed, error``; ``not_analysed`` is
    null unless the techniques were not analysed (``language``,
    ``garbled``: then the counts mean nothing); ``error`` is null unless that row
    failed, and then the other columns are null). The columns named in ``keep`` (default: those of
    :data:`PASSTHROUGH` that ``df`` has, e.g. ``outlet`` and ``published``)
    are copied to each output row of their article.

    ``tier`` is ``"fast"`` or ``"neural"``; ``precision`` (neural) ``"auto"``,
    ``"f32"`` or ``"int8"`` (default: ``"auto"``, the analyser's choice).
    """
    if output not in ("spans", "documents"):
        raise ValueError(f'output must be "spans" or "documents", not {output!r}')
    if tier not in ("fast", "neural"):
        raise ValueError(f'tier must be "fast" or "neural", not {tier!r}')
    names = list(df.columns)
    if id_col not in names:
        raise ValueError(f"no id column {id_col!r} (columns: {', '.join(names)})")
    if text_col not in names and "html" not in names and "markdown" not in names:
        raise ValueError(f"no text column {text_col!r} and no 'markdown' or 'html' column "
                         f"(columns: {', '.join(names)})")
    keep = [c for c in (PASSTHROUGH if keep is None else keep) if c in names]
    clash = set(keep) & set(_output_schema(output, []).fieldNames())
    if clash:
        raise ValueError(f"columns to keep clash with the output: {sorted(clash)}")
    wanted = [id_col] + [c for c in (text_col, "markdown", "html") if c in names] + keep
    wanted = list(dict.fromkeys(wanted))
    sub = df.select(*wanted)
    kept_fields = [sub.schema[c] for c in keep]
    schema = _output_schema(output, kept_fields)
    arrow_schema = _to_arrow_schema(schema)

    def run(batches):
        return _analyze_batches(batches, tier, precision, text_col, id_col, output, keep,
                                arrow_schema)

    return sub.mapInArrow(run, schema)


def _to_arrow_schema(schema: Any) -> Any:
    try:
        from pyspark.sql.pandas.types import to_arrow_schema
    except ImportError:  # pragma: no cover
        from pyspark.sql.types import to_arrow_schema  # type: ignore
    return to_arrow_schema(schema)


# --------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------

_NUMBERS = ("words", "technique_spans", "quotes", "quotation_share", "named_sources",
            "anonymous_sources", "check_worthy_claims", "hedged_claims")


def stats(documents: Any, by: str = "outlet", techniques: Optional[Sequence[str]] = None,
          outlets: Sequence[str] = (), since: Optional[str] = None,
          until: Optional[str] = None, min_articles: int = 1, order_by: Optional[str] = "id",
          outlet_col: str = "outlet", published_col: str = "published",
          authors_col: str = "authors") -> Dict[str, Any]:
    """``unspin corpus stats`` over a DataFrame of per-document summaries.

    ``documents`` is what ``analyze(..., output="documents")`` returns (rows
    with an ``error`` are left out, as the corpus does not store them), with
    an outlet column for ``by="outlet"``, a published date (ISO 8601) for
    ``by="month"``, ``since`` and ``until``, and an array of authors for
    ``by="author"``. ``by="technique"`` gives one row per technique.

    Returns the report as a dict shaped like ``unspin corpus stats --format
    json`` (``copies``, ``copy_share`` and ``copied_from`` are None: copy
    detection needs the corpus). The bootstrap intervals are those of the
    corpus when ``order_by`` sorts each group's articles in the order they
    were added to it (the corpus draws resamples by position); the other
    numbers do not depend on the order.

    Each group is computed by the corpus's own Rust code
    (``unspin_corpus::external`` in the compiled module).
    """
    from pyspark.sql import functions as F
    from . import spark_stats as S

    if by not in ("outlet", "month", "author", "technique"):
        raise ValueError(f'by must be outlet, month, author or technique, not {by!r}')
    labels = S._columns(techniques)
    names = set(documents.columns)
    df = documents
    if "error" in names:
        df = df.where(F.col("error").isNull())
    needs = {"outlet": [outlet_col], "month": [published_col], "author": [authors_col]}
    for c in needs.get(by, []) + ([outlet_col] if outlets else []) + (
            [published_col] if since or until else []):
        if c not in names:
            raise ValueError(f"stats by {by} needs a column {c!r}")
    has_published = published_col in names
    date = (_iso_date_col(F.col(published_col)) if has_published else F.lit(None).cast("string"))
    df = df.withColumn("_date", date)
    if outlets:
        named = [o.lower() for o in outlets if o.lower() != S.UNKNOWN]
        cond = F.lower(F.col(outlet_col)).isin(named) if named else F.lit(False)
        if any(o.lower() == S.UNKNOWN for o in outlets):
            cond = cond | F.col(outlet_col).isNull()
        df = df.where(cond)
    s_day = S.parse_day(since, False) if since else None
    u_day = S.parse_day(until, True) if until else None
    if s_day and u_day and s_day > u_day:
        raise ValueError(f"the date range is empty: since {since} is after until {until}")
    undated_excluded = 0
    if s_day or u_day:
        undated_excluded = df.where(F.col("_date").isNull()).count()
        if s_day:
            df = df.where(F.col("_date") >= s_day)
        if u_day:
            df = df.where(F.col("_date") <= u_day)
    order = order_by if order_by and order_by in names else None
    cols = [F.coalesce(F.col(c).cast("double"), F.lit(0.0)).alias(c) for c in _NUMBERS]
    cols.append(F.col("techniques"))
    cols.append((F.col(order) if order else F.monotonically_increasing_id()).alias("_order"))
    if "sourcing" in names:
        cols.append(F.col("sourcing").cast("boolean").alias("sourcing"))
    else:
        cols.append(F.lit(True).alias("sourcing"))
    # Articles whose techniques were not analysed are counted apart.
    reason = (F.col("not_analysed").cast("string") if "not_analysed" in names
              else F.lit(None).cast("string"))
    cols.append(reason.alias("not_analysed"))
    unknown = F.lit(S.UNKNOWN)

    def blank_to_unknown(c):
        return F.when(c.isNull() | (F.trim(c) == ""), unknown).otherwise(c)

    if by == "outlet":
        keyed = df.select(blank_to_unknown(F.col(outlet_col)).alias("_group"), *cols)
    elif by == "month":
        keyed = df.select(blank_to_unknown(F.substring("_date", 1, 7)).alias("_group"), *cols)
    elif by == "author":
        authors = F.array_distinct(F.filter(F.coalesce(F.col(authors_col),
                                                       F.array().cast("array<string>")),
                                            lambda a: a.isNotNull() & (F.trim(a) != "")))
        keyed = df.select(F.explode(F.when(F.size(authors) > 0, authors)
                                    .otherwise(F.array(unknown))).alias("_group"), *cols)
    else:
        keyed = df.select(F.lit("").alias("_group"), *cols)

    analysed = reason.isNull()
    totals = df.agg(F.sum(F.when(analysed, 1).otherwise(0)).alias("n"),
                    F.sum(F.when(analysed, F.coalesce(F.col("words").cast("double"),
                                                      F.lit(0.0)))).alias("w"),
                    F.sum(F.when(~analysed, 1).otherwise(0)).alias("apart"),
                    F.sum(F.when(reason == "language", 1).otherwise(0)).alias("language"),
                    F.sum(F.when(reason == "garbled", 1).otherwise(0)).alias("garbled"),
                    ).collect()[0]
    # Which groups get the bootstrap depends on every group's size: decided
    # on the driver, as the corpus decides it over the whole report.
    boot: Dict[str, Any] = {}
    if by != "technique":
        sizes = {r["_group"]: int(r["n"] or 0) for r in keyed.groupBy("_group").agg(
            F.sum(F.when(F.col("not_analysed").isNull(), 1).otherwise(0)).alias("n")).collect()}
        boot = S.bootstrapped(sizes)
    by_name = by

    def per_group(pdf):
        import pandas as pd

        from unspin import spark_stats as SS

        pdf = pdf.sort_values("_order", kind="stable")
        arts = pdf.to_dict("records")
        for a in arts:
            t = a.get("techniques")
            a["techniques"] = dict(t) if t is not None else {}
        if by_name == "technique":
            rows = SS.technique_rows(arts, labels)
        else:
            name = arts[0]["_group"]
            rows = [(len(arts), SS.group_stats(
                arts, name, by=by_name, techniques=labels, bootstrap=bool(boot.get(name))))]
        return pd.DataFrame({"key": [k for k, _ in rows],
                             "row": [json.dumps(r) for _, r in rows]})

    result = keyed.groupBy("_group").applyInPandas(per_group, "key long, row string").collect()
    # The exact sum the corpus makes (in article order) only matters past 2^53 words.
    return S.report(by, [(r["key"], json.loads(r["row"])) for r in result],
                    articles=int(totals["n"] or 0), words=float(totals["w"] or 0.0),
                    not_analysed={"not_analysed": int(totals["apart"] or 0),
                                  "other_language": int(totals["language"] or 0),
                                  "garbled": int(totals["garbled"] or 0)},
                    techniques=labels, outlets=list(outlets), since=s_day, until=u_day,
                    min_articles=min_articles, undated_excluded=undated_excluded)


def _iso_date_col(c):
    """``spark_stats.iso_date`` as a column expression."""
    from pyspark.sql import functions as F

    day = F.substring(F.trim(c), 1, 10)
    ok = day.rlike(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    month = F.substring(day, 6, 2).cast("int")
    dom = F.substring(day, 9, 2).cast("int")
    return F.when(ok & month.between(1, 12) & dom.between(1, 31), day)
