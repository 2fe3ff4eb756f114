"""Corpus statistics from per-article rows: the numbers of ``unspin corpus stats``.

A Spark job (``unspin.spark.stats``) or any table of per-document summaries
(``Analyzer.analyze_arrow(..., output="documents")``) gets the same rates,
shares and 95 % intervals as ``unspin corpus stats --format json`` on a
corpus holding the same articles, because each group is computed by the
corpus's own Rust code (``unspin_corpus::external``, bound as
``unspin._native.corpus_group_stats``): this module only turns rows into
what that code takes and assembles the report.

The bootstrap draws article *positions*, so a group's intervals equal the
corpus's only when its articles come in the same order as in the corpus
(the order they were added: :func:`group_stats` takes them in the order
given).

Articles whose techniques were not analysed (``not_analysed`` set:
``"language"``, ``"garbled"``, the corpus column and the ``documents``
output column of that name) are counted apart, as the corpus does: they are
in no number of their group but its ``not_analysed``, ``other_language`` and
``garbled`` counts (see :func:`set_apart`).

Not computed here: ``copies``, ``copy_share`` and ``copied_from`` (copy
detection compares articles with each other in the corpus); they are
``None``.
"""

from __future__ import annotations

import json
import math
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

__all__ = [
    "TECHNIQUES",
    "UNKNOWN",
    "BOOTSTRAP_MAX_ARTICLES",
    "BOOTSTRAP_BUDGET_ARTICLES",
    "RESAMPLES",
    "Article",
    "group_stats",
    "technique_rows",
    "bootstrapped",
    "seed_of",
    "iso_date",
    "parse_day",
    "report",
    "set_apart",
    "shown",
]

#: The 14 PTC technique labels, in taxonomy order (the report's columns).
def _labels() -> Tuple[str, ...]:
    from . import _native as native

    return tuple(t["label"] for t in native.techniques())


TECHNIQUES: Tuple[str, ...] = _labels()

#: The group of articles without an outlet, a date or an author.
UNKNOWN = "(unknown)"
#: Groups of at most this many articles get bootstrap intervals.
BOOTSTRAP_MAX_ARTICLES = 500
#: Bootstrap resamples per group.
RESAMPLES = 1000
#: At most this many articles in all are bootstrapped in one report.
BOOTSTRAP_BUDGET_ARTICLES = 20_000


#: One article's counts, as the corpus stores them (a mapping with the keys
#: ``words``, ``technique_spans``, ``quotes``, ``quotation_share``,
#: ``named_sources``, ``anonymous_sources``, ``check_worthy_claims``,
#: ``hedged_claims``, ``techniques`` (label → spans) and optionally
#: ``sourcing`` (default true) and ``not_analysed`` (default None: analysed)).
Article = Mapping[str, Any]


def _num(row: Article, key: str) -> float:
    v = row.get(key)
    try:
        v = float(v) if v is not None else 0.0
    except (TypeError, ValueError):
        v = 0.0
    return max(v, 0.0) if math.isfinite(v) else 0.0


def _native():
    """The compiled module (it carries the corpus statistics)."""
    from . import _native as native

    return native


def seed_of(by: str, name: str) -> int:
    """The bootstrap seed of group ``name`` of a report grouped ``by``."""
    return int(_native().corpus_stats_seed(by, name))


def _rows(articles: Sequence[Article]) -> list:
    """Articles as the tuples the compiled module takes."""
    out = []
    for a in articles:
        qs = a.get("quotation_share")
        qs = float(qs) if qs is not None else 0.0
        techniques = a.get("techniques") or {}
        items = techniques.items() if isinstance(techniques, Mapping) else techniques
        out.append((
            int(_num(a, "words")), int(_num(a, "technique_spans")), bool(a.get("sourcing", True)),
            int(_num(a, "quotes")), qs if math.isfinite(qs) else 0.0,
            int(_num(a, "named_sources")), int(_num(a, "anonymous_sources")),
            int(_num(a, "check_worthy_claims")), int(_num(a, "hedged_claims")),
            [(str(k), max(int(v), 0)) for k, v in items if v is not None],
            _reason(a.get("not_analysed")),
        ))
    return out


def _reason(v: Any) -> Optional[str]:
    """A ``not_analysed`` value: None (analysed) or the reason."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    v = str(v).strip()
    return v or None


def set_apart(articles: Iterable[Article]) -> Dict[str, int]:
    """How many of ``articles`` are counted apart (techniques not analysed),
    as the report's ``not_analysed``, ``other_language`` and ``garbled``."""
    counts = {"not_analysed": 0, "other_language": 0, "garbled": 0}
    for a in articles:
        r = _reason(a.get("not_analysed"))
        if r is None:
            continue
        counts["not_analysed"] += 1
        if r == "language":
            counts["other_language"] += 1
        elif r == "garbled":
            counts["garbled"] += 1
    return counts


def shown(by: str, key: int, row: Mapping[str, Any], min_articles: int) -> bool:
    """Whether a group is shown at ``min_articles`` (as the corpus decides):
    its key (analysed articles; by technique: articles with it) reaches it,
    or, at the default of 1, it has articles set apart."""
    return key >= min_articles or (
        by != "technique" and min_articles <= 1 and int(row.get("not_analysed") or 0) > 0)


def _no_copies(row: Dict[str, Any]) -> Dict[str, Any]:
    row["copies"] = row["copy_share"] = row["copied_from"] = None
    return row


def group_stats(articles: Sequence[Article], name: str, *, by: str = "outlet",
                techniques: Optional[Sequence[str]] = None, bootstrap: bool = True
                ) -> Dict[str, Any]:
    """The statistics of one group (``GroupStats`` of the CLI's JSON).

    ``articles`` in corpus order; ``bootstrap`` as chosen by
    :func:`bootstrapped` over all the report's groups (the seed is
    :func:`seed_of` ``(by, name)``, as in the corpus).
    """
    labels = _columns(techniques)
    return _no_copies(json.loads(_native().corpus_group_stats(
        by, name, _rows(articles), labels, bool(bootstrap))))


def technique_rows(articles: Sequence[Article], techniques: Optional[Sequence[str]] = None
                   ) -> List[Tuple[int, Dict[str, Any]]]:
    """The rows of a report ``--by technique``: ``(key, row)`` per technique,
    where ``key`` (articles with the technique) is what ``min_articles`` and
    the sort use."""
    labels = _columns(techniques)
    pairs = json.loads(_native().corpus_technique_rows(_rows(articles), labels))
    return [(int(k), _no_copies(r)) for k, r in pairs]


def _columns(techniques: Optional[Sequence[str]]) -> List[str]:
    if not techniques:
        return list(TECHNIQUES)
    out: List[str] = []
    for t in techniques:
        label = t.strip()
        if label not in TECHNIQUES:
            raise ValueError(
                f'unknown technique "{t}"; valid names (exact PTC labels): ' + "  ".join(TECHNIQUES)
            )
        if label not in out:
            out.append(label)
    return out


def bootstrapped(sizes: Mapping[str, int]) -> Dict[str, bool]:
    """Which groups get the bootstrap (as in the corpus: those of up to 500
    articles, smallest first, within 20,000 articles in all); ``sizes``
    counts each group's *analysed* articles (``not_analysed`` null)."""
    names = list(sizes)
    chosen = _native().corpus_bootstrapped([(g, int(sizes[g])) for g in names])
    return dict(zip(names, chosen))


def iso_date(published: Optional[str]) -> Optional[str]:
    """The ``YYYY-MM-DD`` day of an ISO 8601 date or date-time (as the corpus
    stores ``published_date``)."""
    if not isinstance(published, str):
        return None
    day = published.strip()
    if len(day.encode("utf-8")) < 10:
        return None
    day = day[:10]
    b = day
    ok = (b[0:4].isascii() and b[0:4].isdigit() and b[4] == "-" and b[5:7].isascii()
          and b[5:7].isdigit() and b[7] == "-" and b[8:10].isascii() and b[8:10].isdigit())
    if not ok:
        return None
    return day if 1 <= int(day[5:7]) <= 12 and 1 <= int(day[8:10]) <= 31 else None


def parse_day(text: str, end: bool) -> str:
    """``YYYY-MM-DD``, or ``YYYY-MM`` as its first (or, ``end``, last) day."""
    t = text.strip()
    parts = t.split("-")

    def digits(s: str, n: int) -> bool:
        return len(s) == n and s.isascii() and s.isdigit()

    ok = (len(parts) == 2 and digits(parts[0], 4) and digits(parts[1], 2)) or (
        len(parts) == 3 and digits(parts[0], 4) and digits(parts[1], 2) and digits(parts[2], 2))
    if not ok:
        raise ValueError(f'invalid date "{text}": not a date (expected YYYY-MM-DD or YYYY-MM)')
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(f'invalid date "{text}": the month must be 01 to 12')
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = 29 if month == 2 and leap else 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    if len(parts) == 3:
        day = int(parts[2])
        if not 1 <= day <= last:
            raise ValueError(f'invalid date "{text}": {year:04}-{month:02} has days 01 to {last}')
    else:
        day = 31 if end else 1
    return f"{year:04}-{month:02}-{day:02}"


def report(by: str, rows: Iterable[Tuple[int, Dict[str, Any]]], *, articles: int, words: float,
           techniques: Optional[Sequence[str]] = None, outlets: Sequence[str] = (),
           since: Optional[str] = None, until: Optional[str] = None, min_articles: int = 1,
           undated_excluded: int = 0, not_analysed: Optional[Mapping[str, int]] = None
           ) -> Dict[str, Any]:
    """The whole report (the CLI's JSON object) from ``(key, row)`` pairs:
    groups hidden by ``min_articles`` (see :func:`shown`) left out, the
    rest sorted by key (descending), then name. For groups other than
    techniques the key is the row's ``articles`` (its analysed articles),
    whatever was given. ``articles`` and ``words`` count the analysed
    articles; ``not_analysed`` is :func:`set_apart` of all selected ones."""
    rows = [(k if by == "technique" else int(r["articles"]), r) for k, r in rows]
    visible = [(k, r) for k, r in rows if shown(by, k, r, min_articles)]
    visible.sort(key=lambda kr: (-kr[0], kr[1]["group"].encode("utf-8")))
    apart = dict(not_analysed or {})
    return {
        "by": by,
        "filters": {"outlets": list(outlets), "since": since, "until": until,
                    "min_articles": min_articles},
        "techniques": _columns(techniques),
        "articles": articles,
        "words": int(words),
        "not_analysed": int(apart.get("not_analysed", 0)),
        "other_language": int(apart.get("other_language", 0)),
        "garbled": int(apart.get("garbled", 0)),
        "undated_excluded": undated_excluded,
        "confidence": 0.95,
        "bootstrap_max_articles": BOOTSTRAP_MAX_ARTICLES,
        "bootstrap_budget_articles": BOOTSTRAP_BUDGET_ARTICLES,
        "resamples": RESAMPLES,
        "groups": [r for _, r in visible],
        "hidden_groups": len(rows) - len(visible),
    }
