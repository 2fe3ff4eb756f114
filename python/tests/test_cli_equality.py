"""`unspin.analyze` gives exactly the JSON of `unspin analyze --format json`: no field ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import unspin

from conftest import run_cli


def test_sample_equals_the_cli_neural(unspin_bin: Path, sample: str) -> None:
    cli = run_cli(unspin_bin, "analyze", "--format", "json", "--input", "markdown", "-", stdin=sample)
    assert len(cli) == 1
    py = unspin.analyze(markdown=sample, id="stdin")
    assert py["layers"]["technique"], "the sample has technique spans"
    assert py == cli[0]


@pytest.mark.parametrize("tier", ["fast", "neural"])
def test_articles_equal_the_cli(unspin_bin: Path, articles: list, tmp_path: Path, tier: str) -> None:
    rows = articles[:4] if tier == "neural" else articles
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    cli = run_cli(unspin_bin, "analyze", "--tier", tier, "--input", "jsonl", str(jsonl))
    assert [d["id"] for d in cli] == [r["id"] for r in rows]
    analyzer = unspin.Analyzer(tier)
    many = list(analyzer.analyze_many(rows, batch_size=3))
    assert many == cli
    first = rows[0]
    assert unspin.analyze(first["text"], tier=tier, id=first["id"]) == cli[0]


def test_no_sourcing_and_threshold_equal_the_cli(unspin_bin: Path, articles: list) -> None:
    text = articles[0]["text"]
    cli = run_cli(
        unspin_bin, "analyze", "--tier", "fast", "--no-sourcing", "--threshold", "0.3",
        "--input", "text", "-", stdin=text,
    )
    py = unspin.analyze(text, tier="fast", sourcing=False, threshold=0.3, id="stdin")
    assert "sourcing" not in py
    assert py == cli[0]


def test_extract_equals_the_cli(unspin_bin: Path, sample: str) -> None:
    cli = run_cli(unspin_bin, "extract", "--input", "markdown", "-", stdin=sample)[0]
    assert (cli.pop("path"), cli.pop("format")) == ("<stdin>", "markdown")
    py = unspin.extract(markdown=sample, id="stdin")
    assert py == cli
    assert py["metadata"]["title"] and "technique" not in py["layers"]
