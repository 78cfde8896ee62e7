"""Session 16's structural changes, written on plover_dev7's and plover_dev8's diagnosis: an
event noun that is the direct object of a verb with no event of its own is that clause's event
when the clause's subject is a party doing the act (extraction version 72); Reuters' capital after
"U.S." on an event noun is no name (version 74). Session 17's, written on the misses of
plover_dev3 to dev9 pooled: money reallocated, or switched where credit is spoken of, is AID
(version 75). Session 18's, on the misses of dev, dev3 to dev10: lifting, easing or cutting a
barrier to trade is a concession, CONCEDE (version 77). The sentences are made up (none is a gold
sentence); each is parsed once."""

from __future__ import annotations

import pytest

from tests.transforms.helpers import events_of, top_event

SENTENCES = {
    "preparing lawsuits": "Iran is preparing lawsuits against the Danish government.",
    "to fulfill pledges": "Kenya has still to fulfill pledges to reduce tariffs.",
    "likely to bring a promise": "Peru is likely to bring a promise to buy Chilean copper.",
    "fears lawsuits": "Peru fears lawsuits.",
    "wants cooperation": "Chile wants Japanese cooperation on fishing.",
    "will need a pledge": "Chile will need a pledge of support.",
    "a report prepares": "The report prepared a promise.",
    "U.S. Attack on": "Egypt will not comment on the U.S. Attack on Libya, diplomats said.",
    "U.S. Pressure for": "Taipei could not act due to U.S. Pressure for a stronger currency.",
    "U.S. Civil War": "Egypt will not comment on the U.S. Civil War, diplomats said.",
    "reallocated": "The bank has reallocated 7 mln dlrs in credit guarantees for sales to Peru.",
    "switched credit": "The agency switched 3 mln dlrs in loan guarantees to Chile.",
    "switched, no credit": "Investors switched 3 mln dlrs into Chilean bonds.",
    "lifted duties": "Chile lifted the duties on Peruvian copper.",
    "cut import taxes": "Kenya will cut import taxes on 40 goods.",
    "eased trade embargo": "The unions eased the trade embargo on Fiji.",
    "lifted curfew": "The army lifted the curfew in Lima.",
    "cut taxes": "Peru cut taxes on fuel.",
    "removed barriers": "The city removed the barriers to growth.",
}


@pytest.fixture(scope="module")
def rows(nlp):
    return {name: events_of(nlp, text) for name, text in SENTENCES.items()}


def test_a_verb_with_no_event_carries_its_object_noun(rows):
    assert {name: top_event(rows[name]) for name in list(SENTENCES)[:7]} == {
        "preparing lawsuits": ("lawsuits", "ACCUSE", "Iran"),
        "to fulfill pledges": ("pledges", "AGREE", "Kenya"),
        "likely to bring a promise": ("promise", "AGREE", "Peru"),
        # the subject fears, wants or needs the act: not its doer, no row
        "fears lawsuits": None,
        "wants cooperation": None,
        "will need a pledge": None,
        # the subject is no party
        "a report prepares": None,
    }
    assert rows["preparing lawsuits"][0]["target_text"] == "the Danish government"


def test_the_wire_capital_after_us_is_no_name(rows):
    assert {name: top_event(rows[name]) for name in list(SENTENCES)[7:10]} == {
        "U.S. Attack on": ("Attack", "ASSAULT", "United States"),
        "U.S. Pressure for": ("Pressure", "REQUEST", "United States"),
        # a capital followed by another: a name, a historical reference
        "U.S. Civil War": None,
    }
    assert rows["U.S. Attack on"][0]["target_name"] == "Libya"


def test_money_reallocated_or_switched_as_credit_is_aid(rows):
    assert {name: top_event(rows[name]) for name in list(SENTENCES)[10:13]} == {
        "reallocated": ("reallocated", "AID", "The bank"),
        "switched credit": ("switched", "AID", "The agency"),
        # money switched with no credit, loan or aid in the sentence: a market move
        "switched, no credit": None,
    }
    assert rows["switched credit"][0]["target_name"] == "Chile"


def test_trade_barriers_lifted_or_cut_are_concessions(rows):
    assert {name: top_event(rows[name]) for name in list(SENTENCES)[13:]} == {
        "lifted duties": ("lifted", "CONCEDE", "Chile"),
        "cut import taxes": ("cut", "CONCEDE", "Kenya"),
        "eased trade embargo": ("eased", "CONCEDE", "The unions"),
        # a curfew is no barrier to trade: easing it stays RETREAT (CAMEO 0813)
        "lifted curfew": ("lifted", "RETREAT", "The army"),
        # taxes with no import or trade spoken of: domestic policy, no event
        "cut taxes": None,
        # barriers with no trade or imports spoken of: no concession
        "removed barriers": None,
    }
