"""`analyze_many`: input order, laziness, and the GIL released (measured)."""

from __future__ import annotations

import itertools
import os
import random
import sys
import threading
import time

import pytest

import unspin


def test_results_come_in_input_order(articles: list) -> None:
    analyzer = unspin.Analyzer("fast", threads=2)
    # Short and long articles mixed, so that later items finish first.
    items = [{"id": f"n{k}", "text": a["text"][: 200 + 997 * (k % 5)]} for k, a in enumerate(articles * 2)]
    many = list(analyzer.analyze_many(items, batch_size=5))
    assert [m["id"] for m in many] == [i["id"] for i in items]
    assert many == [analyzer.analyze(i["text"], id=i["id"]) for i in items]
    assert list(analyzer.analyze_many([])) == []


def test_the_iterable_is_read_lazily() -> None:
    analyzer = unspin.Analyzer("fast")
    endless = (f"Title {k}\n\nThe corrupt traitors struck again, day {k}." for k in itertools.count())
    first = list(itertools.islice(analyzer.analyze_many(endless, batch_size=2), 3))
    assert [d["metadata"]["title"] for d in first] == ["Title 0", "Title 1", "Title 2"]


def _run(analyzer: unspin.Analyzer, texts: list) -> None:
    for _ in analyzer.analyze_many(texts, batch_size=8):
        pass


def test_two_python_threads_run_in_parallel(articles: list) -> None:
    """Two threads, each with its own one-thread Analyzer, take clearly less than twice the
    time of one: the GIL is released while Rust works. Measured: up to 5 tries, tolerant ratio
    (a machine busy with other work can make one try fail)."""
    cores = os.cpu_count() or 1
    if cores < 2:
        pytest.skip("SKIP: one CPU core, two threads cannot run in parallel here")
    if os.getloadavg()[0] > cores + 1:
        pytest.skip(
            f"SKIP: the machine is busy (load {os.getloadavg()[0]:.1f} on {cores} cores): "
            "two threads would not get two cores, so the timing would not mean anything"
        )
    a, b = unspin.Analyzer("fast", threads=1), unspin.Analyzer("fast", threads=1)
    texts = [r["text"] for r in articles] * 4
    _run(a, texts[:8])  # warm up
    ratios = []
    for _ in range(5):
        start = time.perf_counter()
        _run(a, texts)
        one = time.perf_counter() - start
        threads = [threading.Thread(target=_run, args=(x, texts)) for x in (a, b)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        two = time.perf_counter() - start
        ratios.append(two / one)
        if ratios[-1] < 1.7:
            break
    assert min(ratios) < 1.7, f"two threads took {min(ratios):.2f}x one thread's time (GIL held?)"


def _turns_during(call) -> int:
    """How many times a Python loop turns while another thread is inside ``call()``."""
    state = {"inside": False, "done": False}

    def work() -> None:
        state["inside"] = True
        call()
        state["done"] = True

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        while not state["inside"]:
            pass
        turns = 0
        while not state["done"]:
            turns += 1
        worker.join()
    finally:
        sys.setswitchinterval(old)
    return turns


def test_python_runs_while_rust_works(articles: list) -> None:
    """A Python loop keeps turning while another thread is inside one long Rust call, so the
    call released the GIL. It counts loop turns against a call that holds the GIL (``sorted``
    of a shuffled list: the loop turns only around it, however long it takes), not seconds,
    so a busy machine does not change the verdict."""
    pa = pytest.importorskip("pyarrow")
    analyzer = unspin.Analyzer("fast", threads=1)
    table = pa.table({"text": [a["text"] for a in articles] * 10})
    shuffled = list(range(500_000))
    random.Random(7).shuffle(shuffled)
    held = _turns_during(lambda: sorted(shuffled))
    released = _turns_during(lambda: analyzer.analyze_arrow(table))
    assert released > 10 * max(held, 20_000), f"{released} turns in Rust, {held} in sorted()"


def test_one_analyzer_shared_by_threads(articles: list) -> None:
    analyzer = unspin.Analyzer("fast", threads=2)
    texts = [r["text"] for r in articles[:6]]
    want = [analyzer.analyze(t) for t in texts]
    results: dict = {}

    def work(k: int) -> None:
        results[k] = list(analyzer.analyze_many(texts, batch_size=2))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[k] == want for k in range(3))


def test_techniques_and_properties() -> None:
    techniques = unspin.techniques()
    assert len(techniques) == 14
    assert {"label", "name", "definition", "example", "color"} <= set(techniques[0])
    assert all(t["color"].startswith("#") for t in techniques)
    analyzer = unspin.Analyzer("fast", threads=1, sourcing=False)
    assert (analyzer.tier, analyzer.threads, analyzer.sourcing, analyzer.precision) == ("fast", 1, False, "auto")
    assert analyzer.provenance.startswith("fast-")
    assert "tier='fast'" in repr(analyzer)
    labels = {t["label"] for t in techniques}
    doc = analyzer.analyze("Betrayal\n\nThese corrupt traitors will destroy our great nation.")
    assert {s["label"] for s in doc["layers"]["technique"]} <= labels
