"""unspin: how a news or opinion article persuades, and what it rests on.

The same Rust analysis as the ``unspin`` command line (``unspin analyze``), with its models
inside the package: no download, no GPU.

>>> import unspin
>>> result = unspin.analyze("Betrayal\\n\\nThese corrupt traitors will destroy our nation.", tier="fast")
>>> [(s["label"], s["text"]) for s in result["layers"]["technique"]]  # doctest: +SKIP
[('Name_Calling,Labeling', 'corrupt traitors'), ...]

- :func:`analyze` -- one article, as the JSON of ``unspin analyze --format json`` (a dict).
- :class:`Analyzer` -- models loaded once; ``analyze``, ``analyze_many`` (parallel, without the
  GIL, results in input order) and ``analyze_arrow`` (pyarrow in, pyarrow out).
- :func:`extract` -- the readers alone (text, Markdown, HTML, URL -> clean text and metadata).
- :func:`techniques` -- the 14 techniques with their names, definitions and colours.

Offsets are Unicode code points: ``text[span["start"]:span["end"]] == span["text"]``.
``docs/python.md`` in the repository has more.
"""

from __future__ import annotations

import gc
import itertools
import json
import threading
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from . import _native
from ._errors import InputError, ModelError, UnspinError

__all__ = [
    "Analyzer",
    "analyze",
    "extract",
    "techniques",
    "UnspinError",
    "InputError",
    "ModelError",
    "__version__",
]

__version__: str = _native.__version__

Item = Union[str, Mapping[str, Any]]


class Analyzer(_native.Analyzer):
    """The analysis, loaded once and reused: models, pipeline and a pool of ``threads`` threads.

    ``Analyzer(tier="neural", precision=None, threads=None, *, sourcing=True, threshold=None,
    allow_fallback=False, model=None, force_language=None)``

    - ``tier``: ``"neural"`` (a fine-tuned MiniLM encoder blended with the fast tier; a few
      articles a second per core) or ``"fast"`` (linear models; hundreds of articles a second).
    - ``precision``: ``"auto"`` (default: int8 where it is fast, on x86-64 CPUs with AVX2 and
      ARM CPUs with the dot product, else f32), ``"f32"`` or ``"int8"`` (neural tier, about
      twice as fast, with AVX-512 VNNI, AVX-VNNI, AVX2 alone or ARM's ``sdot``; elsewhere
      :class:`ModelError` unless ``allow_fallback=True``).
    - ``threads``: worker threads of this analyzer (default: one per core, or
      ``RAYON_NUM_THREADS``). Every call runs on them with the GIL released.
    - ``sourcing``: also compute quotes and speakers, cited sources, hedges and check-worthy
      claims (``--no-sourcing`` when False).
    - ``threshold``: propaganda probability (0 to 1) from which a word is marked (default: the
      model's own).
    - ``allow_fallback``: when something asked for cannot run here (int8 without its kernels),
      run the nearest thing and say so in :attr:`provenance` and the spans' provenance.
    - ``model``: a model file to use instead of the embedded one (``unspin --model``): a fast
      model written by ``unspin train``, or with ``tier="neural"`` a ``neural.safetensors`` with
      its ``tokenizer.json`` beside it.
    - ``force_language``: ``"en"`` analyses every text as English (``--force-language en``).
      Without it, a text in another language or mostly not letters gets a ``warnings`` entry
      and no technique or sourcing layers (the models are English-only); see
      ``docs/json-format.md``.

    Raises :class:`ModelError` when a model cannot load, ``ValueError`` for an unknown tier or
    precision or a threshold outside 0 to 1.
    """

    def analyze(
        self,
        text: Optional[str] = None,
        *,
        html: Optional[str] = None,
        markdown: Optional[str] = None,
        url: Optional[str] = None,
        id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Analyses one article, given as exactly one of ``text`` (plain text, read as
        ``unspin analyze --input text``), ``markdown=`` (Markdown or a scraped Markdown page),
        ``html=`` (an HTML page: the main article is extracted) or ``url=`` (fetched politely:
        robots.txt honoured, one request a second per host).

        Returns the unspin JSON document (``docs/json-format.md``) as a dict: ``schema_version``,
        ``id`` (``id``, default ``"document"``; a URL's page name), ``text``, ``metadata``,
        ``warnings`` (another language, too short, garbled: check it before reading an absent
        layer as "nothing found"), ``layers`` (``technique``, ``sentence``, ``quote``, ... spans
        with code-point offsets), ``summary`` and ``sourcing``.

        Raises :class:`InputError` when the article cannot be read, :class:`UnspinError` when
        the analysis fails, ``TypeError`` when no article or several are given.
        """
        return self.analyze_dict(text, html=html, markdown=markdown, url=url, id=id)

    def analyze_many(
        self,
        items: Iterable[Item],
        batch_size: int = 64,
        *,
        errors: str = "raise",
        as_json: bool = False,
    ) -> Iterator[Any]:
        """Analyses many articles on this analyzer's threads, yielding one dict per item in
        input order.

        Each item is a ``str`` (plain text) or a mapping with one of ``"text"``,
        ``"markdown"``, ``"html"``, ``"url"`` and optionally ``"id"`` (str or int). Items are
        taken ``batch_size`` at a time; while one batch is analysed (in Rust, GIL released), the
        previous one is handed out, so Python code consuming the results runs in parallel with
        the analysis. The iterable is read lazily: a generator of a million articles works.

        ``errors="raise"`` (default) raises an item's exception (:class:`InputError`,
        :class:`UnspinError`, ``TypeError``) at its place, after the items before it;
        ``errors="return"`` yields the exception object in its place instead and goes on.

        ``as_json=True`` yields each result as its JSON string (one line, as ``unspin analyze``
        writes JSON Lines) instead of a dict: for writing results out, it skips building Python
        objects, which happens under the GIL, one article at a time.
        """
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, not {batch_size!r}")
        if errors not in ("raise", "return"):
            raise ValueError(f'errors must be "raise" or "return", not {errors!r}')
        return self._many(iter(items), batch_size, errors == "raise", as_json)

    def _many(
        self, items: Iterator[Item], batch_size: int, raise_errors: bool, as_json: bool
    ) -> Iterator[Any]:
        pending = None
        while True:
            chunk = list(itertools.islice(items, batch_size))
            # The next batch starts before this one is handed out: Rust analyses it while
            # Python turns this one into dicts and the caller consumes them.
            started = self._start(chunk, as_json) if chunk else None
            if pending is not None:
                for result in _take(pending):
                    if isinstance(result, BaseException):
                        if raise_errors:
                            raise result
                    yield result
            if started is None:
                return
            pending = started

    def analyze_arrow(
        self,
        batch: Any,
        text_column: str = "text",
        id_column: str = "id",
        output: str = "spans",
    ) -> Any:
        """Analyses the articles of a ``pyarrow.RecordBatch`` or ``pyarrow.Table`` (any object
        with ``__arrow_c_array__`` or ``__arrow_c_stream__``) on this analyzer's threads, GIL
        released, and returns a ``pyarrow.RecordBatch``.

        Input: ``text_column`` holds the articles as plain text (utf8, large_utf8 or
        string_view); where it is missing or null in a row, a ``markdown`` column, then an
        ``html`` column, is read instead (as ``unspin analyze --input jsonl`` reads those
        fields). ``id_column`` (strings or integers) names each row; where it is missing or null,
        the row number (from 0, across a table's batches) is the id. The string buffers are read
        in place (zero-copy), through the Arrow C data interface.

        ``output="spans"``: one row per technique span, in input order, then text order:

        ========= ======= =====================================================
        id        utf8    the row's id
        technique utf8    the PTC technique label, e.g. ``Loaded_Language``
        start     int64   Unicode code-point offset into the analysed text
        end       int64   end offset (exclusive), code points
        score     float32 calibrated confidence, 0 to 1
        text      utf8    the span's text (``analysed_text[start:end]``)
        ========= ======= =====================================================

        A row that cannot be read or analysed gives no spans (``output="documents"`` says why).

        ``output="documents"``: one row per input row, in order, with the counts the corpus
        store keeps per article (``docs/corpus.md``; null when ``error`` is set):

        =================== ================== ==============================================
        id                  utf8               the row's id
        words               int64              words in the analysed text
        technique_spans     int64              technique spans
        quotes              int64              quotes (direct, indirect, mixed, block)
        quotation_share     float64            share of the text's words inside quotes
        named_sources       int64              cited sources with a name
        anonymous_sources   int64              anonymous sources ("officials said")
        claims              int64              candidate claims (sentences)
        check_worthy_claims int64              claims judged check-worthy
        hedged_claims       int64              claims with a hedge
        techniques          map<utf8, int64>   span count per technique label (labels found)
        error               utf8               why the row failed; null when it did not
        =================== ================== ==============================================

        A bad row never fails the batch. Raises ``ValueError`` when no article column exists or
        a column has the wrong type, ``TypeError`` for a non-Arrow ``batch``.
        """
        return super().analyze_arrow(batch, text_column, id_column, output)


def _take(pending: Any) -> List[Any]:
    """A finished batch's results as Python objects, made with the cyclic garbage collector
    paused: they are thousands of small dicts and lists without cycles, which the collector
    would otherwise scan again and again while they are made."""
    pending.wait()  # without the GIL and with the collector running
    if not gc.isenabled():
        return pending.take()
    gc.disable()
    try:
        return pending.take()
    finally:
        gc.enable()


_shared: Dict[Tuple[str, bool, Optional[float], Optional[str]], Analyzer] = {}
_shared_lock = threading.Lock()


def _analyzer(
    tier: str, sourcing: bool, threshold: Optional[float], force_language: Optional[str]
) -> Analyzer:
    """The process's shared analyzer for these settings (loaded on first use)."""
    key = (tier, bool(sourcing), threshold, force_language)
    with _shared_lock:
        analyzer = _shared.get(key)
        if analyzer is None:
            analyzer = Analyzer(
                tier,
                sourcing=bool(sourcing),
                threshold=threshold,
                force_language=force_language,
            )
            _shared[key] = analyzer
        return analyzer


def analyze(
    text: Optional[str] = None,
    *,
    html: Optional[str] = None,
    markdown: Optional[str] = None,
    url: Optional[str] = None,
    tier: str = "neural",
    sourcing: bool = True,
    threshold: Optional[float] = None,
    id: Optional[str] = None,
    force_language: Optional[str] = None,
) -> Dict[str, Any]:
    """Analyses one article: exactly the JSON of ``unspin analyze --format json`` as a dict.

    Give exactly one of ``text`` (plain text), ``markdown=``, ``html=`` or ``url=``; see
    :meth:`Analyzer.analyze`. The models for each (``tier``, ``sourcing``, ``threshold``,
    ``force_language``) are
    loaded on the first call and kept; for many articles, use :class:`Analyzer` and
    :meth:`Analyzer.analyze_many`.

    Raises :class:`InputError` (unreadable article), :class:`ModelError` (a model cannot load),
    :class:`UnspinError` (the analysis failed), ``ValueError`` (unknown tier, threshold outside
    0 to 1), ``TypeError`` (no article or several).
    """
    return _analyzer(tier, sourcing, threshold, force_language).analyze(
        text, html=html, markdown=markdown, url=url, id=id
    )


def extract(
    text: Optional[str] = None,
    *,
    html: Optional[str] = None,
    markdown: Optional[str] = None,
    url: Optional[str] = None,
    id: Optional[str] = None,
) -> Dict[str, Any]:
    """The readers alone (``unspin extract``): the clean article text, its metadata (title,
    authors, date, site, URL, language) and structure layers (``title``, ``paragraph``,
    ``heading``, ``list_item``, ``blockquote``, ``link``, ``boilerplate``), as an unspin JSON
    document without analysis. Give exactly one of ``text``, ``markdown=``, ``html=``, ``url=``.

    Raises :class:`InputError` when the article cannot be read.
    """
    return json.loads(_native.extract_json(text, html=html, markdown=markdown, url=url, id=id))


def techniques() -> List[Dict[str, str]]:
    """The 14 techniques of the PTC taxonomy, in label order: dicts with ``label`` (as in
    ``layers["technique"][i]["label"]``), ``name``, ``definition``, ``example`` and ``color``
    (``#rrggbb``, the highlight colour of the reports)."""
    return _native.techniques()
