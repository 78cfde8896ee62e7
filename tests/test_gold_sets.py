"""The hand-annotated development sets in bench/gold and the helpers that read them.

No model is loaded: these tests check that every gold line points at exactly one place of its
text, that the annotated texts have every quotation listed, and that the scoring helpers judge
names the way bench/gold/README.md says.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "bench"))

from eval_speakers import KINDS, SPEAKER_KINDS, SPLITS, speaker_ok
from goldset import (
    GoldError,
    load_gold_docs,
    locate_quote,
    uncovered_marks,
)

ATTRIBUTIONS = {"name", "noun", "pronoun", "pronoun-far", "continuation", "document", "none"}


def _needs_shared() -> None:
    if not SHARED.exists():
        pytest.skip("../shared is absent: the gold sets point into its corpora")


@pytest.fixture(scope="module", params=sorted(SPLITS))
def speaker_split(request):
    _needs_shared()
    docs, items, skipped = load_gold_docs(SPLITS[request.param])
    assert skipped == []
    return request.param, docs, items


def test_speaker_lines_are_well_formed(speaker_split):
    split, docs, items = speaker_split
    assert all(d["split"] == split for d in docs.values())
    for it in items:
        where = f"{split} line {it['_line']}"
        assert it["kind"] in KINDS, where
        assert it["speaker_kind"] in SPEAKER_KINDS, where
        assert it["attribution"] in ATTRIBUTIONS, where
        named = it["speaker_kind"] in ("person", "organisation")
        assert (it["speaker"] is not None) == named, where
        if it["kind"] == "other":
            assert it["speaker_kind"] == "none" and it.get("note"), where


def test_every_quotation_of_an_annotated_text_is_listed(speaker_split):
    _, docs, items = speaker_split
    spans: dict[str, list[tuple[int, int]]] = {d: [] for d in docs}
    for it in items:
        body = docs[it["doc"]]["body"]
        spans[it["doc"]].append(locate_quote(body, it["quote"], it.get("nth"), it["doc"]))
    for doc, found in spans.items():
        assert len(set(found)) == len(found), f"{doc}: a quotation listed twice"
        assert uncovered_marks(docs[doc]["body"], found) == [], doc


def test_speaker_sets_are_big_enough_and_apart():
    _needs_shared()
    dev = load_gold_docs(SPLITS["dev"])
    held = load_gold_docs(SPLITS["heldout"])
    assert not set(dev[0]) & set(held[0])
    assert len(dev[0]) + len(held[0]) >= 60
    for _docs, items, _ in (dev, held):
        kinds = Counter(it["kind"] for it in items)
        assert kinds["full"] >= 100
        attributions = Counter(it["attribution"] for it in items if it["kind"] == "full")
        assert attributions["noun"] >= 7 and attributions["document"] >= 4


BODY = (
    "Daniel Whitfield was jailed. Judge Eleanor Whitfield said he lied when asked. "
    "“You lied,” Judge Whitfield said. Dr. Priya Raghunathan led the study. "
    "When Raghunathan spoke, “Four months,” she said."
)


def test_locate_quote_whole_or_head_and_tail():
    assert BODY[slice(*locate_quote(BODY, "You lied,"))] == "You lied,"
    s, e = locate_quote(BODY, "Daniel … jailed.")
    assert BODY[s:e] == "Daniel Whitfield was jailed."
    with pytest.raises(GoldError, match="occurs 3 times"):
        locate_quote(BODY, "Whitfield")
    s, e = locate_quote(BODY, "Whitfield", nth=3)
    assert BODY[s - 6 : e] == "Judge Whitfield"
    # a hard-wrapped text: any run of whitespace matches any other
    assert locate_quote('They said "we\n  will appeal" today', "we will appeal") == (11, 27)


def test_a_missing_quotation_leaves_its_marks_uncovered():
    spans = [locate_quote(BODY, "You lied,")]
    assert [BODY[a] for a in uncovered_marks(BODY, spans)] == ["“", "”"]
    spans.append(locate_quote(BODY, "Four months,"))
    assert uncovered_marks(BODY, spans) == []
    assert uncovered_marks('Opec"s committee', []) == []  # a mark typed for an apostrophe


@pytest.mark.parametrize(
    ("gold", "kind", "name", "text", "why"),
    [
        ("Eleanor Whitfield", "person", "Eleanor Whitfield", "Judge Whitfield", "name"),
        ("Eleanor Whitfield", "person", None, "Judge Whitfield", ""),  # two Whitfields
        ("Priya Raghunathan", "person", None, "Raghunathan", "surname"),
        ("Priya Raghunathan", "person", None, "Dr. Priya Raghunathan", "name"),
        ("Paul Sarbanes", "person", None, "Committee chairman Sen. Paul Sarbanes", "phrase"),
        ("Jean-Pierre Amani", "person", "Jean - Pierre Amani", "he", "name"),
        ("MONUSCO|United Nations mission", "organisation", None, "the mission", ""),
        ("Merrill Lynch|Merrill Lynch and Co", "organisation", "Merrill Lynch", "it", "name"),
        ("Highveld Steel|Highveld", "organisation", None, "Highveld", "name"),
        ("Sadiq Khan", "person", None, "the mayor", ""),
    ],
)
def test_speaker_ok(gold, kind, name, text, why):
    row = {"speaker_name": name, "speaker_text": text}
    assert speaker_ok(gold, kind, row, BODY) == why


def test_speaker_ok_needs_a_speaker():
    assert (
        speaker_ok("Sadiq Khan", "person", {"speaker_name": None, "speaker_text": None}, "") == ""
    )


def test_gold_paths_are_relative_to_the_repository():
    for path in SPLITS.values():
        text = Path(path).read_text(encoding="utf-8")
        assert "/work/" not in text


# --------------------------------------------------------------------------- entities

ENTITY_LABELS = {
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
}


@pytest.mark.parametrize("name", ["entities_wikinews.tsv", "entities_reuters.tsv"])
def test_entity_lists_are_well_formed(name):
    from eval_entities import NON_ENTITY, load_gold

    gold = load_gold(ROOT / "bench" / "gold" / name)
    assert len(gold) >= 150
    for key, label in gold.items():
        assert label == NON_ENTITY or set(label.split("|")) <= ENTITY_LABELS, key


def test_eval_entities_on_a_small_warehouse(tmp_path):
    import json

    import duckdb
    from eval_entities import main

    with duckdb.connect(str(tmp_path / "news.duckdb")) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.dim_entities (canonical_name varchar, entity_label varchar, "
            "article_count integer, mention_count integer)"
        )
        con.execute(
            "insert into marts.dim_entities values ('United States', 'GPE', 9, 20), "
            "('UTC', 'ORG', 8, 8), ('Twitter', 'PERSON', 7, 9), ('Türkiye', 'GPE', 7, 8), "
            "('Nowhere Corp', 'ORG', 6, 6), ('White  House', 'FAC', 5, 5), ('Mali', 'GPE', 1, 1)"
        )
    gold = tmp_path / "gold.tsv"
    gold.write_text(
        "# a comment\nname\tlabel\tnote\nUnited States\tGPE\t\nUTC\t-\ttime zone\n"
        "Twitter\tORG\t\nturkiye\tGPE\t\nWhite House\tORG|FAC\t\nMali\tGPE\t\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    assert main([str(tmp_path), "--gold", str(gold), "--top", "6", "--json", str(out)]) == 0
    res = json.loads(out.read_text())
    assert {k: res[k] for k in ("top", "right", "wrong", "non-entity", "unchecked")} == {
        "top": 6,
        "right": 3,  # United States, Türkiye (accent-blind), White House (FAC accepted)
        "wrong": 1,  # Twitter as PERSON
        "non-entity": 1,  # UTC
        "unchecked": 1,  # Nowhere Corp; Mali is below the top 6
    }
    assert [r["name"] for r in res["rows"]][-1] == "White  House"


def test_eval_entities_without_models_is_a_one_line_error(tmp_path):
    import duckdb
    from eval_entities import main

    duckdb.connect(str(tmp_path / "news.duckdb")).close()
    with pytest.raises(SystemExit, match=r"has no marts\.dim_entities \(run `newsetl models"):
        main([str(tmp_path), "--gold", str(ROOT / "bench/gold/entities_wikinews.tsv")])
