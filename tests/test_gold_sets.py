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

from eval_speakers import KINDS, NOT_LISTED, SPEAKER_KINDS, SPLITS, main, speaker_ok
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


#: The speakers sets of 30 invented articles each, written afresh for a session's unselected
#: measure: modern web news (dev15: also older print news, 1994-2025), each in 30 countries
#: none of the earlier sets', the hard attributions in many surface forms beside the easy
#: ones. (split, (full, partial, other) quoted stretches, full quotations by attribution, by
#: speaker kind), as annotated: dev13 session 16's, dev14 session 17's, dev15 session 18's.
INVENTED_SETS = (
    (
        "dev13",
        (279, 49, 13),
        {
            "pronoun": 75,
            "continuation": 60,
            "name": 50,
            "pronoun-far": 46,
            "noun": 33,
            "document": 15,
        },
        {"person": 230, "organisation": 28, "nominal": 21},
    ),
    (
        "dev14",
        (271, 60, 13),
        {
            "name": 86,
            "continuation": 64,
            "pronoun-far": 51,
            "pronoun": 39,
            "noun": 23,
            "document": 8,
        },
        {"person": 238, "nominal": 18, "organisation": 15},
    ),
    (
        "dev15",
        (280, 50, 12),
        {
            "continuation": 85,
            "pronoun": 72,
            "name": 70,
            "noun": 26,
            "pronoun-far": 16,
            "document": 11,
        },
        {"person": 226, "nominal": 37, "organisation": 17},
    ),
)


def _invented_set(split, earlier, counts, attributions, speaker_kinds) -> set[str]:
    """A speakers set of 30 invented articles written for it (bench/gold/texts/SPLIT): none of
    its texts in an ``earlier`` set; its (full, partial, other) quoted stretches ``counts``
    and its full quotations' attributions and speaker kinds as annotated. Its text ids."""
    docs, items, _ = load_gold_docs(SPLITS[split])
    assert not set(docs) & earlier
    assert len(docs) == 30
    assert all(d["path"].startswith(f"bench/gold/texts/{split}/") for d in docs.values())
    kinds = Counter(it["kind"] for it in items)
    assert (kinds["full"], kinds["partial"], kinds["other"]) == counts
    full = [it for it in items if it["kind"] == "full"]
    assert Counter(it["attribution"] for it in full) == attributions
    assert Counter(it["speaker_kind"] for it in full) == speaker_kinds
    return set(docs)


def test_speaker_sets_are_big_enough_and_apart():
    _needs_shared()
    dev = load_gold_docs(SPLITS["dev"])
    held = load_gold_docs(SPLITS["heldout"])
    assert not set(dev[0]) & set(held[0])
    dev2 = load_gold_docs(SPLITS["dev2"])
    assert not set(dev2[0]) & (set(dev[0]) | set(held[0]))
    assert len(dev2[0]) >= 30
    dev3 = load_gold_docs(SPLITS["dev3"])
    assert not set(dev3[0]) & (set(dev[0]) | set(held[0]) | set(dev2[0]))
    assert len(dev3[0]) >= 20
    # chosen for the attributions the other dev sets hardly hold
    attributions = Counter(it["attribution"] for it in dev3[1] if it["kind"] == "full")
    assert attributions["continuation"] >= 8 and attributions["noun"] >= 4
    dev4 = load_gold_docs(SPLITS["dev4"])
    assert not set(dev4[0]) & (set(dev[0]) | set(held[0]) | set(dev2[0]) | set(dev3[0]))
    assert len(dev4[0]) >= 30
    # chosen for speakers introduced by a name, held-out's largest error kind
    attributions = Counter(it["attribution"] for it in dev4[1] if it["kind"] == "full")
    assert attributions["name"] >= 40
    dev5 = load_gold_docs(SPLITS["dev5"])
    earlier = set(dev[0]) | set(held[0]) | set(dev2[0]) | set(dev3[0]) | set(dev4[0])
    assert not set(dev5[0]) & earlier
    assert len(dev5[0]) >= 30
    # quotation-rich wire copy and Wikinews: organisation, document and continuation speakers
    attributions = Counter(it["attribution"] for it in dev5[1] if it["kind"] == "full")
    assert attributions["document"] >= 4 and attributions["continuation"] >= 4
    dev6 = load_gold_docs(SPLITS["dev6"])
    assert not set(dev6[0]) & (earlier | set(dev5[0]))
    assert len(dev6[0]) >= 30
    # weighted to held-out's weak kinds: continuations, common nouns, documents
    attributions = Counter(it["attribution"] for it in dev6[1] if it["kind"] == "full")
    assert attributions["continuation"] >= 10 and attributions["noun"] >= 10
    assert attributions["document"] >= 6
    dev7 = load_gold_docs(SPLITS["dev7"])
    assert not set(dev7[0]) & (earlier | set(dev5[0]) | set(dev6[0]))
    assert len(dev7[0]) >= 30
    # breadth: 1987 wire copy and the last Wikinews articles with quotations, interviews too
    attributions = Counter(it["attribution"] for it in dev7[1] if it["kind"] == "full")
    assert attributions["name"] >= 30 and attributions["pronoun-far"] >= 10
    assert attributions["continuation"] >= 10
    dev8 = load_gold_docs(SPLITS["dev8"])
    assert not set(dev8[0]) & (earlier | set(dev5[0]) | set(dev6[0]) | set(dev7[0]))
    assert len(dev8[0]) >= 20
    # drawn for held-out's weak kinds: quote runs, documents, common nouns
    attributions = Counter(it["attribution"] for it in dev8[1] if it["kind"] == "full")
    assert attributions["continuation"] >= 10 and attributions["document"] >= 10
    dev9 = load_gold_docs(SPLITS["dev9"])
    everything = earlier | set(dev5[0]) | set(dev6[0]) | set(dev7[0]) | set(dev8[0])
    assert not set(dev9[0]) & everything
    assert len(dev9[0]) >= 40
    # an unselected draw of 1987 wire copy: at least 150 full quotations with a named speaker
    assert sum(1 for it in dev9[1] if it["kind"] == "full" and it["speaker"]) >= 150
    dev10 = load_gold_docs(SPLITS["dev10"])
    assert not set(dev10[0]) & (everything | set(dev9[0]))
    # every Wikinews article with quotations that no speaker set held: four long interviews
    # and three short pieces of one quotation each
    assert len(dev10[0]) == 7
    assert sum(1 for it in dev10[1] if it["kind"] == "full" and it["speaker"]) >= 14
    dev11 = load_gold_docs(SPLITS["dev11"])
    assert not set(dev11[0]) & (everything | set(dev9[0]) | set(dev10[0]))
    # 30 invented articles written for the set (bench/gold/texts/dev11): modern web-news styles
    # and the hard attributions in many surface forms
    assert len(dev11[0]) == 30
    assert all(d["path"].startswith("bench/gold/texts/dev11/") for d in dev11[0].values())
    kinds = Counter(it["kind"] for it in dev11[1])
    assert (kinds["full"], kinds["partial"], kinds["other"]) == (273, 78, 25)
    attributions = Counter(it["attribution"] for it in dev11[1] if it["kind"] == "full")
    assert attributions["name"] >= 60 and attributions["noun"] >= 20
    assert attributions["continuation"] >= 50 and attributions["pronoun-far"] >= 10
    assert attributions["document"] >= 8
    dev12 = load_gold_docs(SPLITS["dev12"])
    assert not set(dev12[0]) & (everything | set(dev9[0]) | set(dev10[0]) | set(dev11[0]))
    # 30 more invented articles (bench/gold/texts/dev12), written afresh, apart from dev11's
    # texts, for session 15's unselected measure: modern web news, the hard attributions in
    # many surface forms beside the easy ones (a development set since session 16)
    assert len(dev12[0]) == 30
    assert all(d["path"].startswith("bench/gold/texts/dev12/") for d in dev12[0].values())
    assert not {d["path"] for d in dev12[0].values()} & {d["path"] for d in dev11[0].values()}
    kinds = Counter(it["kind"] for it in dev12[1])
    assert (kinds["full"], kinds["partial"], kinds["other"]) == (248, 56, 19)
    attributions = Counter(it["attribution"] for it in dev12[1] if it["kind"] == "full")
    assert attributions == {
        "pronoun": 88,
        "name": 59,
        "continuation": 37,
        "noun": 27,
        "document": 25,
        "pronoun-far": 12,
    }
    speaker_kinds = Counter(it["speaker_kind"] for it in dev12[1] if it["kind"] == "full")
    assert speaker_kinds == {"person": 190, "organisation": 36, "nominal": 22}
    before = everything | set(dev9[0]) | set(dev10[0]) | set(dev11[0]) | set(dev12[0])
    for split, counts, attributions, speaker_kinds in INVENTED_SETS:
        before |= _invented_set(split, before, counts, attributions, speaker_kinds)
    assert len(dev[0]) + len(held[0]) >= 60
    for _docs, items, _ in (dev, held):
        kinds = Counter(it["kind"] for it in items)
        assert kinds["full"] >= 100
        attributions = Counter(it["attribution"] for it in items if it["kind"] == "full")
        assert attributions["noun"] >= 7 and attributions["document"] >= 4


def test_unselected_and_held_out_errors_are_not_listed(capsys):
    # refused before any text is read or the model loaded (dev12, dev13 and dev14, sessions
    # 15's, 16's and 17's unselected measures, are development sets since sessions 16, 17, 18)
    assert "dev13" not in NOT_LISTED and "dev14" not in NOT_LISTED
    assert main(["--errors", "dev15"]) == 2
    assert "dev15 errors are not listed" in capsys.readouterr().out
    assert main(["--errors", "heldout"]) == 2
    assert "not for tuning" in capsys.readouterr().out


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


# --------------------------------------------------------------------------- PLOVER sentences


@pytest.fixture(scope="module")
def plover_gold():
    from eval_plover import SPLITS as PSPLITS
    from eval_plover import load

    return {split: load(split) for split in PSPLITS}


def test_plover_sentences_are_well_formed(plover_gold):
    from eval_plover import PLOVER_TYPES

    with open(ROOT / "transforms/data/plover_modes.tsv", encoding="utf-8") as fh:
        modes = {tuple(line.split("\t")[:2]) for line in fh if not line.startswith("#")}
    ids = set()
    for split, lines in plover_gold.items():
        for g in lines:
            assert g["split"] == split and g["id"] not in ids
            ids.add(g["id"])
            if g["type"] is None:
                assert g["actor"] is None and g["recipient"] is None and not g["mode"]
                continue
            types = g["type"].split("|")
            assert set(types) <= set(PLOVER_TYPES), g["id"]
            for mode in filter(None, g["mode"].split("|")):
                assert any((t, mode) in modes for t in types), (g["id"], mode)
            if g.get("reciprocal"):  # the parties are actor and recipient together
                parties = g["actor"].split("|") + (g["recipient"] or "").split("|")
                assert len(set(parties) - {"", "-"}) >= 2, g["id"]


def test_plover_sets_cover_every_type(plover_gold):
    from eval_plover import PLOVER_TYPES

    everything = plover_gold["dev"] + plover_gold["heldout"]
    coded = Counter(g["type"].split("|")[0] for g in everything if g["type"])
    assert sum(coded.values()) >= 150
    assert all(coded[t] >= 8 for t in PLOVER_TYPES), coded
    assert sum(g["type"] is None for g in everything) >= 20
    for t in PLOVER_TYPES:  # every type has held-out sentences
        assert any(g["type"] and t in g["type"] for g in plover_gold["heldout"]), t
    dev_texts = {g["text"] for g in plover_gold["dev"]}
    assert not dev_texts & {g["text"] for g in plover_gold["heldout"]}


@pytest.mark.parametrize(
    "split, coded",
    [
        ("dev3", 80),
        ("dev4", 40),
        ("dev5", 50),
        ("dev6", 55),
        ("dev7", 55),
        ("dev8", 55),
        ("dev9", 55),
        ("dev10", 120),
        ("dev11", 120),
    ],
)
def test_plover_random_sets_are_the_draw_of_their_script(plover_gold, split, coded):
    """dev3 to dev11 hold every sentence ``scripts/select_plover_<split>.py`` draws, in its
    order, coded or marked as having no event; enough are coded; no text is in another
    split."""
    import json
    import subprocess

    drawn_set = plover_gold[split]
    assert sum(g["type"] is not None for g in drawn_set) >= coded
    others = {g["text"] for s, lines in plover_gold.items() if s != split for g in lines}
    assert not others & {g["text"] for g in drawn_set}
    _needs_shared()
    out = subprocess.run(
        [sys.executable, str(ROOT / f"scripts/select_plover_{split}.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    drawn = [json.loads(line) for line in out.splitlines()]
    keys = ("id", "path", "record", "published", "text")
    assert [[d.get(k) for k in keys] for d in drawn] == [
        [g.get(k) for k in keys] for g in drawn_set
    ]


def test_plover_unselected_errors_are_not_listed(capsys):
    # refused before any text is read or the model loaded
    from eval_plover import NOT_LISTED
    from eval_plover import main as plover_main

    # dev10, session 17's unselected measure, is a development set since session 18
    assert "dev10" not in NOT_LISTED
    assert plover_main(["--errors", "dev11"]) == 2
    assert "dev11 errors are not listed" in capsys.readouterr().out
    assert plover_main(["--errors", "heldout"]) == 2
    assert "not for tuning" in capsys.readouterr().out


def test_plover_sentences_are_quoted_from_their_records(plover_gold):
    _needs_shared()
    import re

    from goldset import load_text

    for lines in plover_gold.values():
        for g in lines:
            body, published = load_text({**g, "doc": g["id"]})
            pattern = r"\s+".join(re.escape(w) for w in g["text"].split())
            assert re.search(pattern, body), g["id"]
            assert published is not None and published.isoformat() == g["published"], g["id"]


def _parsed(words, heads, deps):
    import spacy
    from spacy.tokens import Doc

    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps)


def test_top_event_is_the_one_nearest_the_root():
    from eval_plover import top_event

    # "Iran said it would attack ships and seize tankers ."
    words = ["Iran", "said", "it", "would", "attack", "ships", "and", "seize", "tankers", "."]
    heads = [1, 1, 4, 4, 1, 4, 4, 4, 7, 1]
    deps = ["nsubj", "ROOT", "nsubj", "aux", "ccomp", "dobj", "cc", "conj", "dobj", "punct"]
    doc = _parsed(words, heads, deps)
    attack = {"event_type": "THREATEN", "start_char": 19, "end_char": 25}
    seize = {"event_type": "COERCE", "start_char": 36, "end_char": 41}
    said = {"event_type": "STATEMENT", "start_char": 5, "end_char": 9}
    assert doc.text[19:25] == "attack" and doc.text[36:41] == "seize"
    assert top_event([seize, said, attack], doc) is attack  # depth 1 beats depth 2
    assert top_event([said], doc) is None  # own types are no PLOVER events
    ships = {"event_type": "ASSAULT", "start_char": 26, "end_char": 31}
    assert top_event([seize, ships], doc) is ships  # same depth: the first in the text
    # rows that carry the extractor's is_top_event column: only the marked ones compete
    marked = [{**r, "is_top_event": r is seize} for r in (attack, seize, said)]
    assert top_event(marked, doc)["start_char"] == 36
    assert top_event([{**attack, "is_top_event": False}], doc) is None


@pytest.mark.parametrize(
    ("gold", "row", "expected"),
    [
        (
            {"actor": "Afghanistan|Afghan warplanes", "recipient": "people|Pakistan"},
            {"actor_name": None, "actor_text": "Afghan warplanes", "target_text": "22 people"},
            (True, True),
        ),
        (
            {"actor": "United Kingdom|Britain", "recipient": "Japan|-"},
            {"actor_name": "United Kingdom", "actor_text": "Britain"},
            (True, True),
        ),
        (
            {"actor": "Kuwait", "recipient": None},
            {"actor_text": "Kuwait", "target_text": "tankers"},
            (True, False),
        ),
        (
            {"actor": "France|Yugoslavia", "recipient": None, "reciprocal": True},
            {"actor_text": "Yugoslavia", "target_name": "France", "target_text": "France"},
            (True, True),
        ),
        (
            {"actor": "France|Yugoslavia", "recipient": None, "reciprocal": True},
            {"actor_text": "Yugoslavia", "target_text": "the commission"},
            (True, False),
        ),
        (
            {"actor": "police", "recipient": "accused"},
            {"actor_text": "the riot police", "target_text": "the accused"},
            (True, True),
        ),
    ],
)
def test_plover_roles(gold, row, expected):
    from eval_plover import roles_ok

    assert roles_ok(gold, row) == expected
