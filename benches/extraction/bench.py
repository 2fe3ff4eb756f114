#!/usr/bin/env python3
"""Main-text and metadata extraction benchmark: unspin's HTML reader against
trafilatura on the same pages, on one CPU core.

Datasets (under ../shared/data/extraction, see each SOURCE.md):
  fundus     fundus-parser-testdata: 258 news pages, gold body (summary,
             section headlines, paragraphs) + title, authors, date
  mozilla    mozilla-readability-test-pages: 130 pages, gold = text of
             Readability.js's expected.html + title, byline, publishedTime
  trafeval   trafilatura-eval: 990 pages, must-contain / must-not-contain
             snippets + title, author, date
  htmldate   htmldate-eval MediaCloud 2020: 200 news pages, gold date only

Body scores:
  fundus, mozilla: token-level P/R/F1 (lowercased \\w+ tokens, multiset
      overlap) of the extracted body against the gold text, averaged per page.
  trafeval: snippet P/R/F1 as in trafilatura's own evaluation: a "with"
      snippet found is a true positive, not found a false negative; a
      "without" snippet found is a false positive (counted over all pages).
Metadata: exact match after normalisation (title: case/whitespace/quotes;
  author: set of names; date: the day), over pages whose gold has the field.
Speed: pages/s of the extraction call alone (no file I/O), both pinned to
  CPU 0; trafilatura is timed in-process, unspin inside its Rust example.

Usage:
  python benches/extraction/bench.py [--sets fundus,mozilla,trafeval,htmldate]
      [--limit N] [--no-trafilatura] [--trafilatura-modes default,fast]
      [--dump DIR]
"""

import argparse
import collections
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "extraction"


def pin_one_core():
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass


# ---------------------------------------------------------------- datasets


def load_fundus():
    base = DATA / "fundus-parser-testdata"
    gold_cache = {}
    pages = []
    for line in open(base / "DERIVED_index.jsonl", encoding="utf-8"):
        r = json.loads(line)
        gpath = base / r["gold_json"]
        if gpath not in gold_cache:
            gold_cache[gpath] = json.load(open(gpath, encoding="utf-8"))
        g = gold_cache[gpath][r["version_key"]]
        body = g.get("body") or {}
        parts = list(body.get("summary") or [])
        for sec in body.get("sections") or []:
            parts += list(sec.get("headline") or [])
            parts += list(sec.get("paragraphs") or [])
        pages.append({
            "set": "fundus", "id": f"fundus/{r['country']}/{r['publisher']}/{r['version_key']}",
            "path": base / r["html"], "url": r.get("url"),
            "gold_text": "\n".join(parts),
            "title": g.get("title"), "authors": g.get("authors") or [],
            "has_author": True, "date": (g.get("publishing_date") or "")[:10] or None,
        })
    return pages


BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
              "table", "tr", "td", "th", "section", "article", "br", "figure", "figcaption", "dd", "dt", "header"}


def html_text(html):
    import lxml.html
    tree = lxml.html.fromstring(html)
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag.lower() in BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    return tree.text_content()


def load_mozilla():
    base = DATA / "mozilla-readability-test-pages" / "test" / "test-pages"
    pages = []
    for case in sorted(p for p in base.iterdir() if p.is_dir()):
        meta = json.load(open(case / "expected-metadata.json", encoding="utf-8"))
        expected = gzip.decompress((case / "expected.html.gz").read_bytes()).decode("utf-8")
        pages.append({
            "set": "mozilla", "id": f"mozilla/{case.name}", "path": case / "source.html.gz", "url": None,
            "gold_text": html_text(expected), "title": meta.get("title"),
            "authors": [meta["byline"]] if meta.get("byline") else [], "has_author": bool(meta.get("byline")),
            "date": (meta.get("publishedTime") or "")[:10] or None,
        })
    return pages


def load_trafeval():
    base = DATA / "trafilatura-eval" / "tests"
    gold = json.load(open(base / "evaldata.json", encoding="utf-8"))
    pages = []
    for url, g in gold.items():
        path = base / "cache" / (g["file"] + ".gz")
        if not path.exists():
            path = base / "eval" / (g["file"] + ".gz")
        author = g.get("author")
        authors = author if isinstance(author, list) else ([author] if author else [])
        pages.append({
            "set": "trafeval", "id": f"trafeval/{g['file']}", "path": path, "url": url,
            "with": g.get("with") or [], "without": g.get("without") or [],
            "title": g.get("title") or None, "authors": authors, "has_author": "author" in g,
            "date": (g.get("date") or "")[:10] or None,
        })
    return pages


def load_htmldate():
    base = DATA / "htmldate-eval" / "tests"
    raw = open(base / "eval_mediacloud_2020.json", encoding="utf-8").read().replace("NaN", "null")
    gold = json.loads(raw)
    pages = []
    for url, g in gold.items():
        pages.append({
            "set": "htmldate", "id": f"htmldate/{g['file']}", "path": base / "test_set" / (g["file"] + ".gz"),
            "url": url, "title": None, "authors": [], "has_author": False, "date": g.get("date"),
        })
    return pages


LOADERS = {"fundus": load_fundus, "mozilla": load_mozilla, "trafeval": load_trafeval, "htmldate": load_htmldate}

# ---------------------------------------------------------------- scoring

TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text):
    # Soft hyphens (U+00AD) are invisible hyphenation hints: some golds keep
    # them and some extractors drop them, so neither side's are counted.
    return collections.Counter(TOKEN.findall((text or "").replace("\u00ad", "").lower()))


def prf(pred, gold):
    p, g = tokens(pred), tokens(gold)
    overlap = sum((p & g).values())
    np_, ng = sum(p.values()), sum(g.values())
    prec = overlap / np_ if np_ else 0.0
    rec = overlap / ng if ng else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def squash(s):
    return " ".join((s or "").replace("\u00a0", " ").replace("\u00ad", "").split())


def norm_title(s):
    s = squash(s).lower()
    s = re.sub(r"[\u2018\u2019\u201a\u201b\u2032]", "'", s)
    s = re.sub(r"[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033]", '"', s)
    s = re.sub(r"[\u2013\u2014]", "-", s)
    return s.strip(" .:")


def norm_authors(values):
    names = set()
    for v in values or []:
        for part in re.split(r";|,| and | und | & ", v or ""):
            n = squash(re.sub(r"^(by|von|par|por)\s+", "", squash(part), flags=re.I)).lower().strip(" .")
            if n:
                names.add(n)
    return names


# ---------------------------------------------------------------- runners


def run_unspin(pages, workdir):
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "unspin-readers", "--example", "extract_bench"],
                   cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    exe = target / "release" / "examples" / "extract_bench"
    manifest = Path(workdir) / "pages.tsv"
    with open(manifest, "w", encoding="utf-8") as f:
        for i, p in enumerate(pages):
            raw = Path(workdir) / f"{i}.html"
            raw.write_bytes(p["raw"])
            f.write(f"{i}\t{raw}\t{p['url'] or ''}\n")
    cmd = [str(exe), str(manifest)]
    if hasattr(os, "sched_getaffinity"):
        cmd = ["taskset", "-c", str(sorted(os.sched_getaffinity(0))[0])] + cmd
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    results = {}
    for line in out.splitlines():
        r = json.loads(line)
        results[int(r["id"])] = {
            "text": r.get("text") or "", "title": r.get("title"), "authors": r.get("authors") or [],
            "date": (r.get("published") or "")[:10] or None, "secs": r["secs"], "error": r.get("error"),
        }
    return [results[i] for i in range(len(pages))]


def run_trafilatura(pages, fast):
    import trafilatura
    results = []
    for p in pages:
        t0 = time.perf_counter()
        try:
            doc = trafilatura.bare_extraction(p["raw"], url=p["url"], with_metadata=True, include_comments=False,
                                              fast=fast, as_dict=True)
        except Exception as e:  # noqa: BLE001 - a crash on one page is a result too
            doc = None
            print(f"trafilatura failed on {p['id']}: {e}", file=sys.stderr)
        secs = time.perf_counter() - t0
        doc = doc or {}
        author = doc.get("author")
        results.append({
            "text": doc.get("text") or "", "title": doc.get("title"),
            "authors": [a for a in (author or "").split(";") if a.strip()],
            "date": (doc.get("date") or "")[:10] or None, "secs": secs,
        })
    return results


# ---------------------------------------------------------------- report


def evaluate(pages, results):
    rows = collections.defaultdict(lambda: collections.defaultdict(float))
    for p, r in zip(pages, results):
        s = rows[p["set"]]
        s["pages"] += 1
        s["secs"] += r["secs"]
        if "gold_text" in p:
            prec, rec, f1 = prf(r["text"], p["gold_text"])
            s["P"] += prec
            s["R"] += rec
            s["F1"] += f1
            s["scored"] += 1
        if "with" in p:
            text = squash(r["text"])
            for w in p["with"]:
                s["tp" if squash(w) in text else "fn"] += 1
            for w in p["without"]:
                if squash(w) in text:
                    s["fp"] += 1
        if p.get("title"):
            s["title_n"] += 1
            s["title_ok"] += norm_title(r["title"]) == norm_title(p["title"])
        if p.get("has_author"):
            gold, got = norm_authors(p["authors"]), norm_authors(r["authors"])
            if gold:
                s["author_n"] += 1
                s["author_ok"] += got == gold
            if got and got != gold:
                s["author_wrong"] += 1
            s["author_pages"] += 1
        if p.get("date"):
            s["date_n"] += 1
            s["date_ok"] += r["date"] == p["date"][:10]
    out = {}
    for name, s in rows.items():
        o = {"pages": int(s["pages"]), "pages_per_s": s["pages"] / s["secs"] if s["secs"] else 0.0}
        if s["scored"]:
            o.update(P=s["P"] / s["scored"], R=s["R"] / s["scored"], F1=s["F1"] / s["scored"])
        if s["tp"] + s["fn"]:
            prec = s["tp"] / (s["tp"] + s["fp"]) if s["tp"] + s["fp"] else 0.0
            rec = s["tp"] / (s["tp"] + s["fn"])
            o.update(P=prec, R=rec, F1=2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        for k in ("title", "author", "date"):
            if s[f"{k}_n"]:
                o[k] = (s[f"{k}_ok"] / s[f"{k}_n"], int(s[f"{k}_n"]))
        if s["author_pages"]:
            o["author_wrong"] = (s["author_wrong"] / s["author_pages"], int(s["author_pages"]))
        out[name] = o
    total_secs = sum(r["secs"] for r in results)
    out["all"] = {"pages": len(pages), "pages_per_s": len(pages) / total_secs if total_secs else 0.0}
    return out


def fmt(x):
    return "–" if x is None else f"{x:.3f}"


def print_table(systems, sets):
    print("\n### Main text (token P/R/F1 per page, mean; trafeval: snippet P/R/F1)\n")
    print("| set | pages | system | P | R | F1 | pages/s (1 core) |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for name in sets + ["all"]:
        for sys_name, ev in systems.items():
            o = ev.get(name)
            if not o:
                continue
            print(f"| {name} | {o['pages']} | {sys_name} | {fmt(o.get('P'))} | {fmt(o.get('R'))} | {fmt(o.get('F1'))} "
                  f"| {o['pages_per_s']:.1f} |")
    print("\n### Metadata (exact match after normalisation; n = pages with that gold field)\n")
    print("| set | system | title | author | date | wrong author given |")
    print("|---|---|---:|---:|---:|---:|")
    for name in sets:
        for sys_name, ev in systems.items():
            o = ev.get(name)
            if not o:
                continue
            cell = lambda k: f"{o[k][0]:.3f} (n={o[k][1]})" if k in o else "–"  # noqa: E731
            print(f"| {name} | {sys_name} | {cell('title')} | {cell('author')} | {cell('date')} | {cell('author_wrong')} |")


#: Page-size buckets of the speed table (decompressed HTML bytes).
SIZE_BUCKETS = [(0, 50_000, "< 50 KB"), (50_000, 100_000, "50-100 KB"), (100_000, 250_000, "100-250 KB"),
                (250_000, 500_000, "250-500 KB"), (500_000, None, ">= 500 KB")]


def print_size_table(pages, raw_results):
    """Pages/s per page-size bucket for each system, and unspin's speed over each other system's."""
    print("\n### Speed by page size (pages/s on 1 core; ratio: unspin over that system)\n")
    names = list(raw_results)
    others = [n for n in names if n != "unspin"]
    head = "| page size | pages | mean KB | " + " | ".join(names) + "".join(f" | unspin ÷ {n}" for n in others) + " |"
    print(head)
    print("|---|---:|---:|" + "---:|" * (len(names) + len(others)))
    for lo, hi, label in SIZE_BUCKETS:
        idx = [i for i, p in enumerate(pages) if len(p["raw"]) >= lo and (hi is None or len(p["raw"]) < hi)]
        if not idx:
            continue
        kb = sum(len(pages[i]["raw"]) for i in idx) / len(idx) / 1000
        speed = {n: len(idx) / max(sum(raw_results[n][i]["secs"] for i in idx), 1e-9) for n in names}
        cells = [f"{speed[n]:.1f}" for n in names]
        ratios = [f"{speed['unspin'] / speed[n]:.1f}×" for n in others if "unspin" in speed]
        print(f"| {label} | {len(idx)} | {kb:.0f} | " + " | ".join(cells + ratios) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", default="fundus,mozilla,trafeval,htmldate")
    ap.add_argument("--limit", type=int, default=0, help="at most N pages per set")
    ap.add_argument("--no-trafilatura", action="store_true")
    ap.add_argument("--trafilatura-modes", default="default,fast")
    ap.add_argument("--dump", help="write per-page results (JSON lines) into this folder")
    ap.add_argument("--reuse", help="read trafilatura's results from an earlier --dump folder instead of running it "
                    "(for development; report numbers from a fresh run)")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"SKIP: {DATA} not found", file=sys.stderr)
        return 0
    pin_one_core()
    sets = [s for s in args.sets.split(",") if s]
    pages = []
    for s in sets:
        ps = LOADERS[s]()
        pages += ps[: args.limit] if args.limit else ps
    for p in pages:
        p["raw"] = gzip.decompress(Path(p["path"]).read_bytes())
    print(f"{len(pages)} pages from {', '.join(sets)}", file=sys.stderr)
    systems, raw_results = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        raw_results["unspin"] = run_unspin(pages, tmp)
    if args.reuse:
        for f in sorted(Path(args.reuse).glob("trafilatura*.jsonl")):
            by_id = {json.loads(line)["id"]: json.loads(line) for line in open(f, encoding="utf-8")}
            raw_results[f"{f.stem} (reused)"] = [by_id[p["id"]] for p in pages]
    elif not args.no_trafilatura:
        import trafilatura
        for mode in args.trafilatura_modes.split(","):
            raw_results[f"trafilatura {trafilatura.__version__} {mode}"] = run_trafilatura(pages, fast=mode == "fast")
    for name, res in raw_results.items():
        systems[name] = evaluate(pages, res)
    print_table(systems, sets)
    print_size_table(pages, raw_results)
    if args.dump:
        d = Path(args.dump)
        d.mkdir(parents=True, exist_ok=True)
        for name, res in raw_results.items():
            with open(d / (name.split()[0] + ("_fast" if name.endswith("fast") else "") + ".jsonl"), "w") as f:
                for p, r in zip(pages, res):
                    rec = {"id": p["id"], **r}
                    if "gold_text" in p:
                        rec["prf"] = prf(r["text"], p["gold_text"])
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
