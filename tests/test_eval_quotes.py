"""bench/eval_quotes.py's attribution kinds: how the text attributes a gold PolNeAR quotation
(the kinds bench/gold/README.md defines for our own speaker sets)."""

from __future__ import annotations

import re
import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from eval_quotes import attribution_kind, gold_items

TEXT = (
    "Tom Baker, the mayor, spoke on Monday.\n\n"
    "“We will appeal,” he said.\n\n"
    "“It is wrong.”\n\n"
    "“The deal is done,” the statement said.\n\n"
    "“We agree,” the commissioner said.\n\n"
    "“No,” said Jane Doe."
)


def _span(text: str, part: str) -> dict:
    """The first occurrence of ``part`` as whole words."""
    start = re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text).start()
    return {"start": start, "end": start + len(part), "text": part}


def _attribution(n: int, source: str, cue: str | None, content: str) -> dict:
    return {
        "id": f"E{n}",
        "source": [_span(TEXT, source)],
        "cue": [_span(TEXT, cue)] if cue else [],
        "content": [_span(TEXT, content)],
        "no_source": False,
    }


def test_gold_quotations_get_the_kind_of_their_attribution(nlp):
    rec = {
        "text": TEXT,
        "attributions": [
            _attribution(1, "he", "said", "“We will appeal,”"),
            _attribution(2, "Tom Baker", None, "“It is wrong.”"),
            _attribution(3, "the statement", "said", "“The deal is done,”"),
            _attribution(4, "the commissioner", "said", "“We agree,”"),
            _attribution(5, "Jane Doe", "said", "“No,”"),
        ],
    }
    doc = nlp(TEXT)
    kinds = [attribution_kind(TEXT, doc, g) for g in gold_items(rec, True, False)]
    assert kinds == ["pronoun", "continuation", "document", "noun", "name"]
