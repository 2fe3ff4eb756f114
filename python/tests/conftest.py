"""Shared fixtures: the repository, ../shared data, the unspin binary to compare with."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Dict, List

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_NAME = "syria-ceasefire-opinion.md"


def _require_shared() -> bool:
    return os.environ.get("UNSPIN_REQUIRE_SHARED") == "1"


def _missing(what: str) -> None:
    """Skips visibly, or fails under UNSPIN_REQUIRE_SHARED=1 (as the Rust tests do)."""
    message = f"SKIP: {what}"
    if _require_shared():
        pytest.fail(f"{what} (UNSPIN_REQUIRE_SHARED=1)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared`` beside the repository (UNSPIN_SHARED overrides)."""
    path = Path(os.environ.get("UNSPIN_SHARED", REPO.parent / "shared"))
    if not (path / "data").is_dir():
        _missing(f"no shared data at {path}")
    return path


@pytest.fixture(scope="session")
def sample() -> str:
    """The sample article (a scraped Markdown page)."""
    return (REPO / "examples" / SAMPLE_NAME).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def articles(shared: Path) -> List[Dict[str, str]]:
    """The first 24 unlabelled news articles as ``{"id", "text"}`` rows."""
    folder = shared / "data" / "unlabeled-news"
    files = sorted(folder.glob("article*.txt"))[:24]
    if len(files) < 24:
        _missing(f"fewer than 24 articles in {folder}")
    return [{"id": f.stem, "text": f.read_text(encoding="utf-8")} for f in files]


@pytest.fixture(scope="session")
def unspin_bin() -> Path:
    """The unspin binary: UNSPIN_BIN, else the newer of target/release and target/debug."""
    given = os.environ.get("UNSPIN_BIN")
    if given:
        path = Path(given)
        if not path.is_file():
            pytest.fail(f"UNSPIN_BIN={given} is not a file")
        return path
    built = [REPO / "target" / p / "unspin" for p in ("release", "debug")]
    built = [p for p in built if p.is_file()]
    if not built:
        _missing("no unspin binary (set UNSPIN_BIN or run `cargo build --release`)")
    return max(built, key=lambda p: p.stat().st_mtime)


def run_cli(unspin_bin: Path, *args: str, stdin: str = "") -> List[dict]:
    """Runs ``unspin ARGS`` and parses its JSON (one document, or JSON Lines)."""
    out = subprocess.run(
        [str(unspin_bin), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "RUST_LOG": "off"},
    ).stdout
    out = out.strip()
    if out.startswith("{\n"):
        return [json.loads(out)]
    return [json.loads(line) for line in out.splitlines()]
