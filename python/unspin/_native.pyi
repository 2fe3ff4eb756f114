"""Type stubs of the compiled module ``unspin._native`` (PyO3, ``python/src/``).

Use the package (``import unspin``): it re-exports :class:`Analyzer` with Python-level
``analyze``, ``analyze_many`` and ``analyze_arrow`` and their full docstrings.
"""

from typing import Any, Dict, List, Optional, Tuple, Union
from os import PathLike

__version__: str
DEFAULT_ID: str

class Analyzer:
    """The analysis models and pipeline, loaded once, with a rayon pool of ``threads``."""

    def __new__(
        cls,
        tier: Optional[str] = "neural",
        precision: Optional[str] = None,
        threads: Optional[int] = None,
        *,
        sourcing: bool = True,
        threshold: Optional[float] = None,
        allow_fallback: bool = False,
        model: Optional[Union[str, PathLike[str]]] = None,
        force_language: Optional[str] = None,
    ) -> "Analyzer": ...
    @property
    def tier(self) -> str:
        """``"neural"`` or ``"fast"``."""
    @property
    def threads(self) -> int: ...
    @property
    def sourcing(self) -> bool: ...
    @property
    def threshold(self) -> Optional[float]: ...
    @property
    def precision(self) -> str:
        """``"f32"`` or ``"int8"``."""
    @property
    def provenance(self) -> str:
        """The technique detector's model and version, e.g. ``neural-minilm@5bb02fbd``, with
        any fallback taken."""
    def analyze_json(
        self,
        text: Optional[str] = None,
        *,
        html: Optional[str] = None,
        markdown: Optional[str] = None,
        url: Optional[str] = None,
        id: Optional[str] = None,
    ) -> str:
        """One article as compact unspin JSON (the GIL released while it runs)."""
    def analyze_dict(
        self,
        text: Optional[str] = None,
        *,
        html: Optional[str] = None,
        markdown: Optional[str] = None,
        url: Optional[str] = None,
        id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """One article as a dict: equal to ``json.loads(analyze_json(...))``, made without the
        JSON text."""
    def _start(self, items: List[Any], as_json: bool = False) -> "Pending":
        """Starts analysing ``items`` (str, or dict with text/markdown/html/url and id) in the
        background on the pool."""
    def analyze_arrow(
        self,
        batch: Any,
        text_column: str = "text",
        id_column: str = "id",
        output: str = "spans",
    ) -> Any:
        """A ``pyarrow.RecordBatch`` or ``Table`` in, a ``pyarrow.RecordBatch`` out.

        ``output="spans"``: ``id: utf8, technique: utf8, start: int64, end: int64,
        score: float32, text: utf8`` (code-point offsets into the analysed text), one row per
        technique span. ``output="documents"``: ``id: utf8, words: int64,
        technique_spans: int64, quotes: int64, quotation_share: float64,
        named_sources: int64, anonymous_sources: int64, claims: int64,
        check_worthy_claims: int64, hedged_claims: int64, techniques: map<utf8, int64>,
        error: utf8`` (null when the row was fine), one row per input row. All nullable.
        """

class Pending:
    """A batch being analysed in the background."""

    def wait(self) -> None:
        """Waits, GIL released, until the batch is analysed."""
    def take(self) -> List[Union[Dict[str, Any], str, BaseException]]:
        """Per item, its dict (or JSON string with ``as_json``) or its exception."""

def extract_json(
    text: Optional[str] = None,
    *,
    html: Optional[str] = None,
    markdown: Optional[str] = None,
    url: Optional[str] = None,
    id: Optional[str] = None,
) -> str:
    """The readers alone: one article as compact unspin JSON, without analysis."""

def techniques() -> List[dict]:
    """The 14 techniques: ``label``, ``name``, ``definition``, ``example``, ``color``."""

# Corpus statistics (`unspin corpus stats`) over per-article rows, used by
# `unspin.spark.stats`. A row is `(words, technique_spans, sourcing, quotes,
# quotation_share, named_sources, anonymous_sources, check_worthy_claims,
# hedged_claims, [(technique, spans), ...])`, in corpus order.

_StatsRow = Tuple[
    int, int, bool, int, float, int, int, int, int, List[Tuple[str, int]], Optional[str]
]

def corpus_group_stats(
    by: str, name: str, rows: List[_StatsRow], techniques: List[str], bootstrap: bool
) -> str:
    """JSON of one group's statistics, as in `unspin corpus stats --format json`."""

def corpus_technique_rows(rows: List[_StatsRow], techniques: List[str]) -> str:
    """JSON list of `[articles with the technique, group statistics]` per technique."""

def corpus_bootstrapped(sizes: List[Tuple[str, int]]) -> List[bool]:
    """Which of the groups `(name, analysed articles)` get bootstrap intervals."""

def corpus_stats_seed(by: str, name: str) -> int:
    """The bootstrap seed of group `name` in a report grouped `by`."""
