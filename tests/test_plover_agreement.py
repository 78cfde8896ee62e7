"""bench/plover_agreement.py on two hand-made codings of six sentences (figures checked by hand
in the comments)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def _line(sid, type_, actor=None, recipient=None, mode="", **extra):
    return {"id": sid, "text": f"sentence {sid}", "type": type_, "mode": mode,
            "actor": actor, "recipient": recipient, **extra}  # fmt: skip


FIRST = [
    _line("s1", "AGREE", "Japan", "United States|U.S."),
    _line("s2", "REQUEST", "Iran", "Iraq", mode="assist"),
    _line("s3", "CONSULT", "The United States", "Japan", reciprocal=True),
    _line("s4", "ACCUSE", "X", "Y"),
    _line("s5", None),
    _line("s6", None),
]
SECOND = [
    _line("s1", "AGREE|COOPERATE", "japan", "U.S."),
    _line("s2", "REJECT|REQUEST", "Iran", "-", mode="change"),
    _line("s3", "CONSULT", "Japan", "-"),
    _line("s4", "REJECT", "X", "Y"),
    _line("s5", "AGREE", "A", "B"),
    _line("s6", None),
]


def _write(path: Path, lines: list[dict]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_agreement_figures(tmp_path, capsys):
    from plover_agreement import main

    first, second = _write(tmp_path / "a.jsonl", FIRST), _write(tmp_path / "b.jsonl", SECOND)
    assert main([str(first), str(second), "--json", str(tmp_path / "out.json")]) == 0
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["coded"] == [4, 5]
    # event or none: 5 of 6 agree; p_e = (4*5 + 2*1) / 36, kappa = (30 - 22) / (36 - 22) = 4/7
    assert out["event_agreement"] == pytest.approx(5 / 6)
    assert out["event_kappa"] == pytest.approx(4 / 7)
    # both coded s1-s4; types share one in s1-s3; primary types equal in s1 and s3;
    # p_e = (AGREE 1*1 + CONSULT 1*1) / 16, kappa = (1/2 - 1/8) / (7/8) = 3/7
    assert out["both_coded"] == 4
    assert out["type_lenient"] == 0.75 and out["type_strict"] == 0.5
    assert out["type_kappa"] == pytest.approx(3 / 7)
    # modes judged on s2 only (assist against change); actors agree on s1-s3 (s3 reciprocal:
    # parties share Japan); recipients: s1 (U.S.) and s3, not s2 (Iraq against none)
    assert out["mode"] == [0, 1] and out["actor"] == [3, 3] and out["recipient"] == [2, 3]
    assert out["confusions"] == [["ACCUSE -> REJECT", 1]]
    assert out["event_only_first"] == [] and out["event_only_second"] == ["s5"]
    assert out["type_disagreements"] == ["s4"]
    printed = capsys.readouterr().out
    assert "event or none      agreement 0.833  kappa 0.571" in printed
    assert "  s4 sentence s4\n     1: ACCUSE | \n     2: REJECT | " in printed


def test_different_sentences_are_refused(tmp_path):
    from plover_agreement import main

    first = _write(tmp_path / "a.jsonl", FIRST)
    second = _write(tmp_path / "b.jsonl", SECOND[:5])
    with pytest.raises(SystemExit, match="the files code different sentences: s6"):
        main([str(first), str(second)])
    changed = [*SECOND[:5], {**SECOND[5], "text": "another"}]
    with pytest.raises(SystemExit, match="s6: the two files give different texts"):
        main([str(first), str(_write(tmp_path / "c.jsonl", changed))])


def test_a_sample_is_compared_on_its_own_sentences(tmp_path):
    from plover_agreement import main

    first = _write(tmp_path / "a.jsonl", FIRST)
    second = _write(tmp_path / "b.jsonl", [SECOND[0], SECOND[3]])  # s1 and s4 coded again
    assert main([str(first), str(second), "--sample", "--json", str(tmp_path / "o.json")]) == 0
    out = json.loads((tmp_path / "o.json").read_text())
    # s1: AGREE against AGREE|COOPERATE (lenient and strict agree); s4: ACCUSE against REJECT
    assert out["coded"] == [2, 2] and out["both_coded"] == 2
    assert out["type_lenient"] == 0.5 and out["type_strict"] == 0.5
    assert out["type_disagreements"] == ["s4"]
    extra = _write(tmp_path / "c.jsonl", [SECOND[0], _line("s9", None)])
    with pytest.raises(SystemExit, match="codes sentences the first does not: s9"):
        main([str(first), str(extra), "--sample"])
