"""`Analyzer.analyze_arrow`: the schema as documented, the same spans and counts as `analyze`."""

from __future__ import annotations

import collections

import pytest

import unspin

pa = pytest.importorskip("pyarrow")

SPANS = pa.schema(
    [
        ("id", pa.utf8()),
        ("technique", pa.utf8()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("score", pa.float32()),
        ("text", pa.utf8()),
    ]
)
DOCUMENTS = pa.schema(
    [
        ("id", pa.utf8()),
        ("words", pa.int64()),
        ("technique_spans", pa.int64()),
        ("quotes", pa.int64()),
        ("quotation_share", pa.float64()),
        ("named_sources", pa.int64()),
        ("anonymous_sources", pa.int64()),
        ("claims", pa.int64()),
        ("check_worthy_claims", pa.int64()),
        ("hedged_claims", pa.int64()),
        ("techniques", pa.map_(pa.utf8(), pa.int64())),
        ("not_analysed", pa.utf8()),
        ("error", pa.utf8()),
    ]
)


@pytest.fixture(scope="module")
def fast() -> unspin.Analyzer:
    return unspin.Analyzer("fast")


@pytest.fixture(scope="module")
def table(articles: list) -> "pa.Table":
    rows = articles[:12]
    return pa.table({"id": [r["id"] for r in rows], "text": [r["text"] for r in rows]})


def test_schemas_are_as_documented(fast: unspin.Analyzer, table: "pa.Table") -> None:
    spans = fast.analyze_arrow(table.to_batches()[0])
    assert isinstance(spans, pa.RecordBatch)
    assert spans.schema == SPANS
    docs = fast.analyze_arrow(table, output="documents")
    assert docs.schema == DOCUMENTS
    empty = fast.analyze_arrow(table.slice(0, 0), output="documents")
    assert empty.schema == DOCUMENTS and empty.num_rows == 0
    assert fast.analyze_arrow(table.slice(0, 0)).schema == SPANS
    with pytest.raises(ValueError, match="output"):
        fast.analyze_arrow(table, output="rows")


def test_spans_equal_analyze(fast: unspin.Analyzer, table: "pa.Table") -> None:
    got = fast.analyze_arrow(table).to_pylist()
    want = []
    for row in table.to_pylist():
        doc = fast.analyze(row["text"], id=row["id"])
        for s in doc["layers"]["technique"]:
            want.append((row["id"], s["label"], s["start"], s["end"], s["score"], s["text"]))
            assert row["text"][s["start"] : s["end"]] == s["text"]
    assert len(want) > 20
    rounded = [(r["id"], r["technique"], r["start"], r["end"], r["score"], r["text"]) for r in got]
    # float32 scores: compare after the same rounding to float32 as the JSON's shortest form.
    f32 = lambda x: pa.scalar(x, pa.float32()).as_py()  # noqa: E731
    assert [(a, b, c, d, f32(e), g) for a, b, c, d, e, g in want] == rounded


def test_documents_are_the_corpus_counts(fast: unspin.Analyzer, table: "pa.Table") -> None:
    got = fast.analyze_arrow(table, output="documents").to_pylist()
    assert [g["id"] for g in got] == table.column("id").to_pylist()
    for row, g in zip(table.to_pylist(), got):
        doc = fast.analyze(row["text"], id=row["id"])
        s = doc["sourcing"]["summary"]
        assert g["error"] is None
        assert g["words"] == doc["summary"]["words"]
        assert g["technique_spans"] == doc["summary"]["technique_spans"] == len(doc["layers"]["technique"])
        for key in ("quotes", "quotation_share", "named_sources", "anonymous_sources", "claims",
                    "check_worthy_claims", "hedged_claims"):
            assert g[key] == s[key], key
        counts = collections.Counter(sp["label"] for sp in doc["layers"]["technique"])
        assert dict(g["techniques"]) == dict(counts)


def test_html_markdown_fallback_ids_and_bad_rows(fast: unspin.Analyzer) -> None:
    html = "<html><body><article><h1>Betrayal</h1><p>These corrupt traitors will destroy our great nation, the senator said.</p></article></body></html>"
    md = "# Betrayal\n\nThese corrupt traitors will destroy our great nation, the senator said.\n"
    batch = pa.record_batch(
        {
            "text": ["Betrayal\n\nThese corrupt traitors will destroy our nation.", None, None, "  ", None],
            "markdown": [None, md, None, None, None],
            "html": [None, None, html, None, None],
        }
    )
    docs = fast.analyze_arrow(batch, output="documents").to_pylist()
    assert [d["id"] for d in docs] == ["0", "1", "2", "3", "4"]
    assert [d["error"] is None for d in docs] == [True, True, True, False, False]
    assert "empty" in docs[3]["error"] and docs[3]["words"] is None and docs[3]["techniques"] is None
    assert "no \"text\"" in docs[4]["error"]
    assert docs[1]["words"] == fast.analyze(markdown=md)["summary"]["words"]
    assert docs[2]["words"] == fast.analyze(html=html)["summary"]["words"]
    spans = fast.analyze_arrow(batch).to_pylist()
    from_html = [s for s in spans if s["id"] == "2"]
    assert from_html == [
        {"id": "2", "technique": s["label"], "start": s["start"], "end": s["end"],
         "score": pytest.approx(s["score"]), "text": s["text"]}
        for s in fast.analyze(html=html, id="2")["layers"]["technique"]
    ]


def test_a_table_of_several_batches_and_integer_ids(fast: unspin.Analyzer, table: "pa.Table") -> None:
    texts = table.column("text").to_pylist()[:4]
    chunked = pa.Table.from_batches(
        [pa.record_batch({"text": texts[:2]}), pa.record_batch({"text": texts[2:]})]
    )
    docs = fast.analyze_arrow(chunked, output="documents")
    assert docs.column("id").to_pylist() == ["0", "1", "2", "3"]
    numbered = pa.table({"key": pa.array([10, 11, None, 13], pa.int64()), "body": texts})
    docs = fast.analyze_arrow(numbered, text_column="body", id_column="key", output="documents")
    assert docs.column("id").to_pylist() == ["10", "11", "2", "13"]
    large = pa.table({"text": pa.array(texts, pa.large_utf8())})
    assert fast.analyze_arrow(large).num_rows == fast.analyze_arrow(chunked).num_rows > 0


def test_wrong_columns_and_objects(fast: unspin.Analyzer) -> None:
    with pytest.raises(ValueError, match="no column \"text\""):
        fast.analyze_arrow(pa.table({"body": ["x"]}))
    with pytest.raises(ValueError, match="must hold strings"):
        fast.analyze_arrow(pa.table({"text": [1, 2]}))
    with pytest.raises(ValueError, match="strings or integers"):
        fast.analyze_arrow(pa.table({"text": ["a"], "id": [1.5]}))
    with pytest.raises(TypeError):
        fast.analyze_arrow(["not", "arrow"])


def test_pandas_round_trip(fast: unspin.Analyzer, table: "pa.Table") -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"id": table.column("id").to_pylist(), "text": table.column("text").to_pylist()})
    spans = fast.analyze_arrow(pa.Table.from_pandas(df, preserve_index=False)).to_pandas()
    assert list(spans.columns) == SPANS.names
    assert spans.groupby("technique").size().sum() == len(spans) > 0
