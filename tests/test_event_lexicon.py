"""scripts/build_event_lexicon.py: its parsing of the field's dictionaries, on lines checked by
hand, and the data files it wrote (transforms/data/plover_*.tsv) being current."""

from __future__ import annotations

import csv
import sys

import pytest

from tests.conftest import ROOT, SHARED

sys.path.insert(0, str(ROOT / "scripts"))

import build_event_lexicon as bel

LEXICONS = SHARED / "lexicons"
DATA = ROOT / "transforms" / "data"

TABLE = bel.parse_cameo2plover(
    """# CAMEO to PLOVER conversion table
03: AGREE
030: AGREE,  , diplomatic # Express intent to cooperate
08: CONCEDE
080: CONCEDE,   ,  # Yield
08: RETREAT
084: RETREAT,   ,  # Return, release
090: ACCUSE, investigate,  # Investigate
10: REQUEST
101: REQUEST, assist,  # Demand material cooperation
1011: REQUEST, assist, economic # Demand economic cooperation
163: COERCE, restrict,   diplomatic # Impose embargo, boycott, or sanctions
1712: ASSAULT, seize, human_security  # Destroy property
"""
)


def test_cameo2plover_lines():
    assert TABLE["090"] == ("ACCUSE", "investigate", "")
    assert TABLE["1011"] == ("REQUEST", "assist", "economic")
    assert TABLE["03"] == ("AGREE", "", "")
    assert "08" not in TABLE  # two types under one cue category: no 2-digit fallback


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("090", ("ACCUSE", "investigate", "exact")),
        ("0311", ("AGREE", "", "prefix")),  # 4-digit code the table lacks -> its 3-digit parent
        ("0341", ("AGREE", "", "prefix")),  # -> 2-digit cue category (no mode)
        ("0841", ("RETREAT", "", "prefix")),
        ("021", ("REQUEST", "assist", "project")),  # appeal for material cooperation = 101
        ("0211", ("REQUEST", "assist", "project")),
        ("012", ("-", "", "dropped")),
        ("---", ("-", "", "none")),
        ("", ("-", "", "none")),
        ("163", ("SANCTION", "discontinue", "fixed")),
        ("1712", ("ASSAULT", "destroy", "fixed")),
    ],
)
def test_to_plover(code, expected):
    p = bel.to_plover(code, TABLE)
    assert (p.type, p.mode, p.mapping) == expected


def test_verb_lines():
    v = bel.parse_verb("ASK", "---", "+ASK_FOR {+ASKED_FOR +ASKING_FOR +ASKS_FOR} [020]", "")
    assert (v.word, v.particle, v.before, v.code) == ("ASK", "for", "", "020")
    v = bel.parse_verb("CANCEL", "160", "QUIT {QUITS QUITTING }  ", "")
    assert (v.word, v.particle, v.code) == ("QUIT", "", "160")
    v = bel.parse_verb("CANCEL", "---", "+CALL_OFF [160]", "")
    assert (v.word, v.particle, v.code) == ("CALL", "off", "160")


def test_pattern_lines():
    p = bel.parse_pattern("RUSH", "- * (TO) [042:043]  # RUSH", "")
    assert (p.before, p.after, p.preps, p.code) == ([], [], [("to", "")], "042:043")
    p = bel.parse_pattern("ACT", "- $ * (AS &NEGOTIATOR) (IN TALK) (WITH +)  [045] # ACT", "")
    assert p.before == ["$"] and p.source == "before" and p.target == "prep:with"
    assert p.preps == [("as", "&NEGOTIATOR"), ("in", "TALK"), ("with", "+")]
    p = bel.parse_pattern("FILE", "- * CLAIM (AGAINST) +   [115]  # FILE", "")
    assert (p.after, p.preps, p.target, p.code) == (
        ["CLAIM"],
        [("against", "+")],
        "prep:against",
        "115",
    )
    p = bel.parse_pattern("STAGE", "- &AIRCRAFT * {MOCK ATTACKS}   [062:062]  # STAGE", "")
    assert (p.before, p.after) == (["&AIRCRAFT"], ["MOCK ATTACKS"])
    p = bel.parse_pattern("ADD", "- * (TO {BANNED PARTIES}) $  [1722]  # ADD", "")
    assert (p.preps, p.after, p.source) == ([("to", "BANNED PARTIES")], ["$"], "after")
    assert bel._split_code("042:043") == ("042", "043")
    assert bel._split_code(":173") == ("", "173")
    assert bel._split_code("080!") == ("080", "")


def test_synonym_sets_and_blocks():
    text = """####### SYNONYM SETS #######
&AIRCRAFT
+PLANE
+WAR_PLANE
####### VERB PATTERNS #######
---  BURN   [---]  ---
BURN   # shan   8/6/93
- * &AIRCRAFT  [1712]  # BURN

---  CANCEL   [---]  ---
+CALL_OFF [160]
- * TALKS   [164:164]  # END
######## TRANSFORMATIONS ##########
~ a (a b ATTACK) SAY = a b 015
"""
    synsets, verbs, patterns = bel.parse_petrarch(text)
    assert synsets == {"&AIRCRAFT": [["PLANE"], ["WAR", "PLANE"]]}
    assert [(v.block, v.word, v.particle, v.code) for v in verbs] == [
        ("BURN", "BURN", "", "---"),
        ("CANCEL", "CALL", "off", "160"),
    ]
    assert [(p.block, p.after, p.code) for p in patterns] == [
        ("BURN", ["&AIRCRAFT"], "1712"),
        ("CANCEL", ["TALKS"], "164:164"),
    ]


MANUAL = r"""
\chapter{Event Categories}
\section{RETREAT}
\subsection{Requires recipient: No}
\begin{table}[htp]
\caption{RETREAT modes}
\begin{center}
\begin{tabular}{|l|p{13cm}|}
\hline
Name & Content \\
\hline
withdraw & Retreat from territory\\
%return & Return property \\
resign & Official resignation \\
\hline
\end{tabular}
\end{center}
\end{table}%
\subsection{Quad category: MATERIAL COOPERATION}
\begin{table}[htp]
\caption{PLOVER conflict--cooperation scores}
\begin{tabular}{|lc|lc|}
\cellcolor{gray!25}RETREAT	&	\cellcolor{gray!25}6.5	& RETREAT: Resign & 4.5 \\
RETREAT: Withdraw	&	8	&	&	\\
\end{tabular}
\end{table}
"""


def test_manual_snippet():
    types, modes = bel.parse_manual(MANUAL)
    assert types == {
        "RETREAT": {
            "type": "RETREAT",
            "quad_class": "material_cooperation",
            "requires_recipient": "no",
            "score": "6.5",
        }
    }
    assert [(m["mode"], m["description"], m["score"]) for m in modes] == [
        ("resign", "Official resignation", "4.5"),
        ("withdraw", "Retreat from territory", "8"),
    ]


def _rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader((x for x in fh if not x.startswith("#")), delimiter="\t"))


def test_data_files_have_attribution_and_every_type():
    for name in ("plover_verbs.tsv", "plover_patterns.tsv", "plover_synsets.tsv"):
        assert "MIT License" in (DATA / name).read_text(encoding="utf-8").split("\n", 1)[0]
    for name in ("plover_types.tsv", "plover_modes.tsv", "plover_patterns.tsv"):
        assert "CC BY-SA 4.0" in (DATA / name).read_text(encoding="utf-8")[:2000]
    types = {r["type"]: r for r in _rows("plover_types.tsv")}
    assert tuple(types) == bel.PLOVER_TYPES
    assert types["ASSAULT"]["quad_class"] == "material_conflict"
    assert types["ASSAULT"]["score"] == "-9"
    patterns = _rows("plover_patterns.tsv")
    assert len(patterns) == 4668
    assert {r["plover_type"] for r in patterns} == {*bel.PLOVER_TYPES, "-"}
    modes = {(r["type"], r["mode"]) for r in _rows("plover_modes.tsv")}
    for r in patterns + _rows("plover_verbs.tsv"):
        if r["plover_mode"]:
            assert (r["plover_type"], r["plover_mode"]) in modes, r["source_line"]


def test_a_pattern_row_as_built():
    rows = [
        r for r in _rows("plover_patterns.tsv") if r["source_line"].startswith("- * (TO BORDER)")
    ]
    row = next(r for r in rows if r["block"] == "ACCELERATE")
    assert (row["preps"], row["cameo"], row["plover_type"], row["plover_mode"]) == (
        "to: border",
        "154",
        "MOBILIZE",
        "troops",
    )


def test_the_data_files_are_current():
    """The committed files are what the script builds from ../shared/lexicons now."""
    if not LEXICONS.exists():
        pytest.skip("../shared/lexicons is absent")
    assert bel.main(["--check", "--lexicons", str(LEXICONS), "--out", str(DATA)]) == 0
