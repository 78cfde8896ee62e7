"""bench/eval_quotes.py's attribution kinds: how the text attributes a gold PolNeAR quotation
(the kinds bench/gold/README.md defines for our own speaker sets)."""

from __future__ import annotations

import re
import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from eval_quotes import (
    Item,
    attribution_kind,
    gold_items,
    source_targets,
    speaker_ok,
    speaker_ok_strict,
)

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


STRICT_TEXT = (
    "Hillary Clinton spoke in Ohio.\n\n"
    "“We will win,” Clinton spokesman Brian Fallon said.\n\n"
    "“We agree,” said a spokesman for the campaign.\n\n"
    "Mike Lee, who said “never,” left early."
)


def _at(part: str, nth: int = 0) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(part)}(?!\w)", STRICT_TEXT)]
    return starts[nth], starts[nth] + len(part)


def _gold(source: str, content: str) -> Item:
    return Item(content=[_at(content)], source=[_at(source)])


def _ours(source: str, entity: str | None, nth: int = 0, name: str | None = None) -> Item:
    return Item(content=[], source=[_at(source, nth)], entity_id=entity, name=name)


def test_strict_speaker_is_the_person_the_source_names(nlp):
    doc = nlp(STRICT_TEXT)
    mentions = {_at("Hillary Clinton"): "clinton", _at("Clinton", 1): "clinton"}
    mentions |= {_at("Brian Fallon"): "fallon", _at("Mike Lee"): "lee"}
    fallon = _gold("Clinton spokesman Brian Fallon", "We will win")
    spokesman = _gold("a spokesman for the campaign", "We agree")
    lee = _gold("who", "never")

    def verdicts(g: Item, p: Item) -> tuple[str, str]:
        return speaker_ok(g, p, mentions, STRICT_TEXT), speaker_ok_strict(
            g, p, mentions, STRICT_TEXT, doc
        )

    assert [how for how, _ in source_targets(doc, fallon)] == ["name"]
    assert [tok.text for _, tok in source_targets(doc, spokesman)] == ["spokesman"]
    assert [tok.text for _, tok in source_targets(doc, lee)] == ["Lee"]
    # the lenient check takes any overlap; the strict one wants Fallon, not Clinton
    assert verdicts(fallon, _ours("Clinton", "clinton", nth=1)) == ("overlap", "")
    assert verdicts(fallon, _ours("Brian Fallon", "fallon")) == ("overlap", "name")
    assert verdicts(fallon, _ours("Clinton spokesman Brian Fallon", None)) == ("overlap", "name")
    # an unlinked name is compared by its last word with our speaker's name
    assert speaker_ok_strict(fallon, _ours("Ohio", "x", name="Brian Fallon"), {}, "", doc) == (
        "name"
    )
    # a common noun: our speaker must cover its head
    assert verdicts(spokesman, _ours("the campaign", None)) == ("overlap", "")
    assert verdicts(spokesman, _ours("a spokesman", None)) == ("overlap", "noun")
    # a relative pronoun stands for the noun its clause modifies
    assert verdicts(lee, _ours("Mike Lee", "lee")) == ("relative", "name")
    assert verdicts(lee, _ours("Hillary Clinton", "clinton")) == ("", "")
