"""``bench/eval_plover.py --ci``: each figure's 95 % interval, a percentile bootstrap over
sentences. Small inputs whose bootstrap distributions are worked out by hand; no model loaded."""

from __future__ import annotations

import math
import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

from eval_plover import Tally, bootstrap_intervals, percentile_interval, report


def test_percentile_interval_takes_the_indices_of_the_tails():
    # B = 40 at 95 %: floor(40 * 0.025) = 1 and ceil(40 * 0.975) - 1 = 38
    assert percentile_interval(list(range(40))) == (1, 38)
    assert percentile_interval(list(reversed(range(40)))) == (1, 38)
    # B = 2000: indices 50 and 1949
    assert percentile_interval([i / 1999 for i in range(2000)]) == (50 / 1999, 1949 / 1999)
    lo, hi = percentile_interval([])
    assert math.isnan(lo) and math.isnan(hi)


def test_a_figure_every_draw_gives_alike_has_no_width():
    assert bootstrap_intervals([{"type": True}] * 5) == {"type": (1.0, 1.0)}
    assert bootstrap_intervals([{"type": False}] * 5) == {"type": (0.0, 0.0)}


def test_two_sentences_one_right():
    # a draw of two holds 0, 1 or 2 right ones with chances 1/4, 1/2, 1/4: about 500 of the
    # 2,000 draws give 0.0 and about 500 give 1.0, so both tails reach the ends
    assert bootstrap_intervals([{"type": True}, {"type": False}]) == {"type": (0.0, 1.0)}


def test_three_right_of_four():
    # right ones in a draw of four ~ Binomial(4, 3/4): P(0) = 1/256, P(<= 1) = 13/256 ~ 0.051,
    # so the 2.5 % point is at one right (0.25); P(4) = 81/256 ~ 0.32 > 2.5 %, so the 97.5 %
    # point is 1.0
    out = bootstrap_intervals([{"type": True}] * 3 + [{"type": False}])
    assert out == {"type": (0.25, 1.0)}


def test_each_figure_counts_only_its_own_sentences():
    # the no-event sentence counts for false events only, the coded one for type only; a
    # draw without a sentence of the kind gives that figure no value (not a zero)
    sentences = [{"found": True, "type": True}, {"false_event": False}]
    assert bootstrap_intervals(sentences) == {
        "false_event": (0.0, 0.0),
        "found": (1.0, 1.0),
        "type": (1.0, 1.0),
    }


def test_ten_right_of_thirty():
    # right ones in a draw of 30 ~ Binomial(30, 1/3): P(<= 4) = 0.012, P(<= 5) = 0.036, so the
    # 2.5 % point is 5/30; P(<= 14) = 0.957, P(<= 15) = 0.981, so the 97.5 % point is 15/30
    # (the usual +- 1.96 standard errors, 1/3 +- 0.169, says about the same)
    sentences = [{"type": i % 3 == 0} for i in range(30)]
    assert bootstrap_intervals(sentences) == {"type": (5 / 30, 15 / 30)}
    assert bootstrap_intervals(sentences) == bootstrap_intervals(sentences)  # deterministic


def test_report_prints_and_returns_the_intervals(capsys):
    gold = [{"type": "AGREE"}, {"type": "ASSAULT"}, {"type": None}]
    t = Tally()
    for outcome in (
        {"found": True, "type": True, "actor_found": True, "recipient_found": False},
        {"found": True, "type": False, "actor_found": True, "recipient_found": True},
        {"false_event": False},
    ):
        t.sentences.append({})
        for name, ok in outcome.items():
            t.add(name, ok)
    t.add("actor", True)  # the type-right sentence's roles, outside any sentence's record
    out = report("tiny", gold, t, ci=True)
    assert out["type_accuracy"] == 0.5 and out["type_accuracy_ci"] == [0.0, 1.0]
    # every coded sentence had an event found: "no event found" is 0 in every draw
    assert out["no_event_found"] == 0.0 and out["no_event_found_ci"] == [0.0, 0.0]
    assert out["actor_accuracy_ci"] == [1.0, 1.0]
    assert out["false_event_rate_ci"] == [0.0, 0.0]
    assert "mode_accuracy_ci" not in out  # no mode column: no figure, no interval
    printed = capsys.readouterr().out
    assert "type accuracy (top event)      0.500  (1/2)  [0.000, 1.000]" in printed
    assert report("tiny", gold, t)["type_accuracy"] == 0.5
    assert "[" not in capsys.readouterr().out.split("\n")[2]  # without ci: no interval
