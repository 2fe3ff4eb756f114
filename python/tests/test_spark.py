"""unspin on Spark: a local[2] job over >= 1,000 articles gives the CLI's spans, and
``unspin.spark.stats`` gives the numbers of ``unspin corpus stats`` on the same articles.

Needs pyspark and Java (skipped with a message when missing, unless UNSPIN_REQUIRE_SPARK=1),
../shared/data/unlabeled-news (skipped when missing, unless UNSPIN_REQUIRE_SHARED=1) and the
``unspin`` binary (UNSPIN_BIN, target/release/unspin or target/debug/unspin, or on PATH).
The tests that need no Spark (the statistics against a corpus file) run without it.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("UNSPIN_SHARED", ROOT.parent / "shared"))
NEWS = "data/unlabeled-news"
MIN_ARTICLES = 1000
OUTLETS = ["Daily Planet", "The Weekly Beacon", "Herald Tribune"]
NOT_COMPARED = {"copies", "copy_share", "copied_from"}  # copy detection needs the corpus


def _require(env: str) -> bool:
    return os.environ.get(env) == "1"


def shared_dir(relative: str) -> Path:
    path = SHARED / relative
    if path.exists():
        return path
    if _require("UNSPIN_REQUIRE_SHARED"):
        pytest.fail(f"{path} not found, and UNSPIN_REQUIRE_SHARED=1 requires it")
    print(f"SKIP: {path} not found (set UNSPIN_REQUIRE_SHARED=1 to fail instead)",
          file=sys.stderr)
    pytest.skip(f"{path} not found")


def unspin_bin() -> str:
    """UNSPIN_BIN, else the newer of target/release/unspin and target/debug/unspin, else PATH."""
    given = os.environ.get("UNSPIN_BIN")
    if given:
        return given
    built = [p for p in (ROOT / "target/release/unspin", ROOT / "target/debug/unspin")
             if p.is_file()]
    if built:
        return str(max(built, key=lambda p: p.stat().st_mtime))
    if shutil.which("unspin"):
        return shutil.which("unspin")
    if _require("UNSPIN_REQUIRE_SHARED"):
        pytest.fail("no unspin binary (set UNSPIN_BIN or run cargo build --release)")
    print("SKIP: no unspin binary (set UNSPIN_BIN or run cargo build --release)", file=sys.stderr)
    pytest.skip("no unspin binary")


SET_APART = [
    "Die Regierung hat am Montag in Berlin einen neuen Plan für die Versorgung der Familien "
    "vorgestellt. Nach Ansicht der Opposition wird der Plan an der Lage der Menschen, die seit "
    "vielen Monaten auf Hilfe warten, kaum etwas ändern. Die Ministerin sagte, man werde die "
    "Mittel im kommenden Jahr deutlich erhöhen und die Anträge schneller bearbeiten.",
    "Der Stadtrat hat am Abend beschlossen, die Gebühren für Kindergärten im nächsten Jahr nicht "
    "zu erhöhen. Die Bürgermeisterin erklärte, die Stadt könne sich diese Entlastung leisten, "
    "weil die Steuereinnahmen höher als erwartet ausgefallen seien. Kritiker warnen jedoch vor "
    "neuen Schulden in den kommenden Jahren.",
    "| 2016 | 12.4 | 33.1 | 45.0 | 7.25 |\n| 2017 | 13.9 | 31.7 | 44.2 | 8.10 |\n"
    "| 2018 | 15.2 | 30.3 | 43.9 | 9.05 |\n| 2019 | 16.8 | 29.0 | 42.1 | 9.90 |",
]


def make_articles() -> list:
    """>= 1,000 distinct articles from the unlabelled news: each article, then variants
    (without its first paragraph; its first half), with outlets and dates for most."""
    files = sorted(shared_dir(NEWS).glob("*.txt"))
    originals, seen = [], set()
    for f in files:
        text = f.read_text(encoding="utf-8").strip()
        if text and text not in seen:
            seen.add(text)
            originals.append(text)
    texts = list(originals)
    for cut in (lambda ps: ps[1:], lambda ps: ps[: max(1, len(ps) // 2)]):
        for text in originals:
            variant = "\n\n".join(cut(text.split("\n\n"))).strip()
            if variant and variant not in seen:
                seen.add(variant)
                texts.append(variant)
    # Inputs unspin cannot judge, which the statistics count apart: two German
    # articles and a table of numbers (our own texts).
    texts += SET_APART
    articles = [{
        "id": f"a{i:05d}",
        "text": text,
        "outlet": OUTLETS[i % 3] if i % 7 else None,
        "published": f"2016-{i % 5 + 1:02d}-{i % 28 + 1:02d}" if i % 11 else None,
    } for i, text in enumerate(texts)]
    assert len(articles) >= MIN_ARTICLES, len(articles)
    return articles


@pytest.fixture(scope="module")
def articles():
    return make_articles()


@pytest.fixture(scope="module")
def jsonl(articles, tmp_path_factory):
    """The articles as JSON Lines: ``site_name`` is what the CLI reads as the outlet."""
    path = tmp_path_factory.mktemp("spark") / "articles.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps({**a, "site_name": a["outlet"]}) + "\n")
    return path


@pytest.fixture(scope="module")
def cli_docs(jsonl):
    """``unspin analyze --tier fast`` on the articles: id -> JSON document."""
    out = subprocess.run([unspin_bin(), "analyze", "--tier", "fast", "-q", "--input", "jsonl",
                          str(jsonl)], check=True, capture_output=True, text=True).stdout
    docs = {}
    for line in out.splitlines():
        if line.strip():
            d = json.loads(line)
            docs[d["id"]] = d
    return docs


@pytest.fixture(scope="module")
def corpus(jsonl, tmp_path_factory):
    """A corpus added (fast tier) from the same articles."""
    db = tmp_path_factory.mktemp("corpus") / "news.db"
    subprocess.run([unspin_bin(), "corpus", "add", str(db), str(jsonl), "--tier", "fast", "-q"],
                   check=True, capture_output=True, text=True)
    return db


def cli_stats(db: Path, by: str, *extra: str) -> dict:
    out = subprocess.run([unspin_bin(), "corpus", "stats", str(db), "--by", by, "--format",
                          "json", *extra], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def assert_same_report(cli, ours, path="report"):
    """Every number equal (floats within 1e-9 relative), copy fields aside."""
    if isinstance(cli, dict):
        assert isinstance(ours, dict), path
        assert set(cli) == set(ours), (path, set(cli) ^ set(ours))
        for k in cli:
            if k not in NOT_COMPARED:
                assert_same_report(cli[k], ours[k], f"{path}.{k}")
    elif isinstance(cli, list):
        assert isinstance(ours, list) and len(cli) == len(ours), (path, cli, ours)
        for i, (a, b) in enumerate(zip(cli, ours)):
            assert_same_report(a, b, f"{path}[{i}]")
    elif isinstance(cli, float) or isinstance(ours, float):
        assert cli is not None and ours is not None, (path, cli, ours)
        assert math.isclose(cli, ours, rel_tol=1e-9, abs_tol=1e-12), (path, cli, ours)
    else:
        assert cli == ours, (path, cli, ours)


def corpus_rows(db: Path) -> list:
    """The corpus's per-article rows, in article id order (as `corpus stats` reads them)."""
    con = sqlite3.connect(db)
    tech: dict = {}
    for aid, t, n in con.execute("SELECT article_id, technique, spans FROM article_techniques"):
        tech.setdefault(aid, {})[t] = n
    rows = []
    for r in con.execute(
            "SELECT id, outlet, published_date, words, technique_spans, sourcing, quotes, "
            "quotation_share, named_sources, anonymous_sources, check_worthy_claims, "
            "hedged_claims, not_analysed FROM articles ORDER BY id"):
        rows.append(dict(zip(
            ["id", "outlet", "published_date", "words", "technique_spans", "sourcing", "quotes",
             "quotation_share", "named_sources", "anonymous_sources", "check_worthy_claims",
             "hedged_claims", "not_analysed"], r), techniques=tech.get(r[0], {})))
    con.close()
    return rows


# ---------------------------------------------------------------------------------------------
# The statistics on their own (no Spark): the corpus's own rows give the CLI's report.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ["outlet", "month", "technique"])
def test_stats_equal_corpus_stats_on_the_corpus_rows(corpus, by):
    """unspin_corpus::external (through unspin.spark_stats) gives the CLI's report from the
    corpus's own per-article rows."""
    from unspin import spark_stats as S

    rows = corpus_rows(corpus)
    assert len(rows) >= MIN_ARTICLES
    if by == "technique":
        groups = S.technique_rows(rows)
    else:
        members: dict = {}
        for r in rows:
            key = r["outlet"] if by == "outlet" else (r["published_date"] or "")[:7]
            members.setdefault(key if key and key.strip() else S.UNKNOWN, []).append(r)
        boot = S.bootstrapped({g: sum(r["not_analysed"] is None for r in m)
                               for g, m in members.items()})
        groups = [(len(m), S.group_stats(m, g, by=by, bootstrap=boot[g]))
                  for g, m in members.items()]
    analysed = [r for r in rows if r["not_analysed"] is None]
    ours = S.report(by, groups, articles=len(analysed), words=sum(r["words"] for r in analysed),
                    not_analysed=S.set_apart(rows))
    cli = cli_stats(corpus, by)
    assert_same_report(cli, ours)
    # The German articles and the table are counted apart, not as "0 techniques".
    # (The hand-made German articles and the table, plus any non-English
    # page among the unlabelled news drawn.)
    set_apart = sum(r["not_analysed"] is not None for r in rows)
    assert cli["not_analysed"] == set_apart >= 3
    assert cli["other_language"] >= 2 and cli["garbled"] >= 1
    assert cli["other_language"] + cli["garbled"] == set_apart
    assert cli["articles"] == len(rows) - set_apart
    methods = {g["ci_method"] for g in cli["groups"]}
    assert methods == ({"analytical"} if by == "technique" else {"bootstrap"}), methods


def test_stats_port_small_groups_and_filters(corpus):
    """min_articles and the technique columns, as the CLI does them."""
    from unspin import spark_stats as S

    rows = corpus_rows(corpus)[:30]
    cli_like = S.report("outlet", [(30, S.group_stats(rows, "x", techniques=["Doubt"]))],
                        articles=30, words=sum(r["words"] for r in rows),
                        techniques=["Doubt"], min_articles=31)
    assert cli_like["groups"] == [] and cli_like["hidden_groups"] == 1
    g = S.group_stats(rows, "x", techniques=["Doubt", "Doubt"])
    assert [t["technique"] for t in g["techniques"]] == ["Doubt"]
    with pytest.raises(ValueError, match="Loaded_Language"):
        S.group_stats(rows, "x", techniques=["Doubts"])
    assert S.bootstrapped({"a": 10, "b": 501, "c": 30, "d": 500}) == {
        "a": True, "b": False, "c": True, "d": True}


# ---------------------------------------------------------------------------------------------
# Spark
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        if _require("UNSPIN_REQUIRE_SPARK"):
            pytest.fail("pyspark is not installed, and UNSPIN_REQUIRE_SPARK=1 requires it")
        print("SKIP: pyspark not installed (pip install 'pyspark>=3.5,<4')", file=sys.stderr)
        pytest.skip("pyspark not installed")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        if _require("UNSPIN_REQUIRE_SPARK"):
            pytest.fail("no Java runtime, and UNSPIN_REQUIRE_SPARK=1 requires one")
        print("SKIP: no Java runtime for Spark", file=sys.stderr)
        pytest.skip("no Java runtime")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (SparkSession.builder.master("local[2]").appName("unspin tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def frame(spark, jsonl):
    schema = "id string, text string, outlet string, published string"
    return spark.read.schema(schema).json(str(jsonl)).repartition(4)


@pytest.fixture(scope="module")
def spark_docs(frame):
    from unspin import spark as us

    return us.analyze(frame, tier="fast", output="documents").cache()


def test_spark_spans_equal_the_cli(frame, cli_docs, articles):
    from unspin import spark as us

    rows = us.analyze(frame, tier="fast", output="spans").collect()
    ours = {}
    for r in rows:
        ours.setdefault(r["id"], []).append((r["technique"], r["start"], r["end"], r["text"],
                                             r["score"], r["outlet"], r["published"]))
    by_id = {a["id"]: a for a in articles}
    assert set(cli_docs) == set(by_id)
    compared = 0
    for doc_id, doc in cli_docs.items():
        expected = sorted((s["label"], s["start"], s["end"], s["text"])
                          for s in doc["layers"].get("technique", []))
        got = sorted(ours.get(doc_id, []))
        assert [g[:4] for g in got] == expected, doc_id
        scores = sorted((s["label"], s["start"], s["end"], s["score"])
                        for s in doc["layers"].get("technique", []))
        for g, s in zip(got, scores):
            assert abs(g[4] - s[3]) <= 1e-6, (doc_id, g, s)
            assert (g[5], g[6]) == (by_id[doc_id]["outlet"], by_id[doc_id]["published"])
        compared += len(expected)
    assert len(cli_docs) >= MIN_ARTICLES and compared > 10 * MIN_ARTICLES, compared


def test_spark_documents_equal_the_cli_summaries(spark_docs, cli_docs):
    rows = {r["id"]: r for r in spark_docs.collect()}
    assert set(rows) == set(cli_docs)
    for doc_id, doc in cli_docs.items():
        r = rows[doc_id]
        assert r["error"] is None, (doc_id, r["error"])
        assert r["words"] == doc["summary"]["words"], doc_id
        assert r["technique_spans"] == doc["summary"]["technique_spans"], doc_id
        assert dict(r["techniques"] or {}) == doc["summary"]["techniques"], doc_id
        skipped = [w["code"] for w in doc["warnings"] if "technique" in w["skipped_layers"]]
        assert r["not_analysed"] == (skipped[0] if skipped else None), doc_id
        if skipped:
            continue
        s = doc["sourcing"]["summary"]
        for key in ("quotes", "named_sources", "anonymous_sources", "claims",
                    "check_worthy_claims", "hedged_claims"):
            assert r[key] == s[key], (doc_id, key)
        assert math.isclose(r["quotation_share"], s["quotation_share"], abs_tol=1e-12), doc_id


@pytest.mark.parametrize("by", ["outlet", "month", "technique"])
def test_spark_stats_equal_corpus_stats(spark_docs, corpus, by):
    from unspin import spark as us

    cli = cli_stats(corpus, by)
    ours = us.stats(spark_docs, by=by)
    assert ours["articles"] == cli["articles"] >= MIN_ARTICLES
    assert ours["not_analysed"] == cli["not_analysed"] >= 3
    assert_same_report(cli, ours)


def test_spark_stats_filters_equal_corpus_stats(spark_docs, corpus):
    from unspin import spark as us

    cli = cli_stats(corpus, "outlet", "--since", "2016-02", "--until", "2016-03-20",
                    "--technique", "Loaded_Language", "--technique", "Doubt",
                    "--outlet", "Daily Planet", "--outlet", "(unknown)")
    ours = us.stats(spark_docs, by="outlet", since="2016-02", until="2016-03-20",
                    techniques=["Loaded_Language", "Doubt"],
                    outlets=["Daily Planet", "(unknown)"])
    assert cli["undated_excluded"] > 0
    assert_same_report(cli, ours)


def test_spark_output_schema_is_as_documented(spark, spark_docs, frame, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from unspin import spark as us

    spans = us.analyze(frame.limit(20), tier="fast", output="spans")
    assert [(f.name, f.dataType.simpleString()) for f in spans.schema.fields] == [
        ("id", "string"), ("technique", "string"), ("start", "bigint"), ("end", "bigint"),
        ("score", "float"), ("text", "string"), ("outlet", "string"), ("published", "string")]
    assert [(f.name, f.dataType.simpleString()) for f in spark_docs.schema.fields] == [
        ("id", "string"), ("words", "bigint"), ("technique_spans", "bigint"),
        ("quotes", "bigint"), ("quotation_share", "double"), ("named_sources", "bigint"),
        ("anonymous_sources", "bigint"), ("claims", "bigint"), ("check_worthy_claims", "bigint"),
        ("hedged_claims", "bigint"), ("techniques", "map<string,bigint>"),
        ("not_analysed", "string"), ("error", "string"),
        ("outlet", "string"), ("published", "string")]
    spans.write.parquet(str(tmp_path / "spans"))
    table = pq.read_table(tmp_path / "spans")
    assert table.schema.field("start").type == pa.int64()
    assert table.schema.field("score").type == pa.float32()
    assert table.num_rows > 0
    # Slicing the analysed text at the reported offsets gives the span's text.
    texts = {r["id"]: r["text"] for r in frame.limit(20).collect()}
    for r in table.to_pylist():
        assert texts[r["id"]][r["start"]:r["end"]] == r["text"], r


def test_spark_bad_rows_are_reported_not_fatal(spark):
    from unspin import spark as us

    df = spark.createDataFrame([("ok", "These corrupt traitors lie."), ("empty", "   "),
                                ("none", None)], "id string, text string")
    rows = {r["id"]: r for r in us.analyze(df, output="documents").collect()}
    assert rows["ok"]["error"] is None and rows["ok"]["words"] > 0
    assert rows["empty"]["error"] and rows["none"]["error"]
    with pytest.raises(ValueError, match="no id column"):
        us.analyze(df.select("text"))
    with pytest.raises(ValueError, match="output"):
        us.analyze(df, output="tokens")


def test_example_job_writes_partitioned_parquet(spark, articles, tmp_path):
    import pyarrow.parquet as pq

    source = tmp_path / "in.jsonl"
    with source.open("w", encoding="utf-8") as f:
        for a in articles[:60]:
            f.write(json.dumps(a) + "\n")
    out = tmp_path / "out"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    done = subprocess.run([sys.executable, str(ROOT / "examples/spark/analyze_corpus.py"),
                           str(source), str(out), "--master", "local[2]", "--stats", "outlet",
                           "--quiet"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "spans" / "outlet=Daily Planet").is_dir()
    assert any((out / "documents" / "outlet=Daily Planet").glob("month=2016-0*"))
    docs = pq.read_table(out / "documents")
    assert docs.num_rows == 60
    report = json.loads((out / "stats-outlet.json").read_text())
    # Articles not analysed (another language) are counted apart.
    assert sum(g["articles"] for g in report["groups"]) + report["not_analysed"] == 60
