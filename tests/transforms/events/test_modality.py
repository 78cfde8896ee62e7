"""Negation and modality (transforms/events/modality.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.transforms.helpers import events_of, only


@pytest.mark.parametrize(
    ("sentence", "trigger", "negated", "modality"),
    [
        ("The rebels did not attack the town.", "attack", True, "asserted"),
        ("Hungary never signed the treaty.", "signed", True, "asserted"),
        ("No arrests were made.", "arrests", True, "asserted"),
        ("Venezuela has not released the detained activists.", "released", True, "asserted"),
        ("Ghana refused to extradite the businessman.", "extradite", True, "asserted"),
        ("Poland will sign the agreement next week.", "sign", False, "future"),
        ("The two leaders are going to meet in Geneva.", "meet", False, "future"),
        ("The shells are to be delivered to Poland.", "delivered", False, "future"),
        ("Israel could strike Iranian nuclear sites.", "strike", False, "hypothetical"),
        ("If talks fail, the union may call a strike.", "strike", False, "hypothetical"),
        ("Washington urged Beijing to release the detainees.", "release", False, "hypothetical"),
        ("The government said it had arrested the suspects.", "arrested", False, "reported"),
        ('"We attacked the convoy," the commander said.', "attacked", False, "reported"),
        ("According to the police, gunmen attacked the bank.", "attacked", False, "reported"),
        ("The minister said the army would withdraw from the city.", "withdraw", False, "future"),
        ("Iran said it did not attack the tanker.", "attack", True, "reported"),
        ("A bomb was reported to have killed a journalist.", "killed", False, "reported"),
        ("Protesters called for the governor's resignation.", "resignation", False, "hypothetical"),
        ("The minister offered to resign.", "resign", False, "hypothetical"),
    ],
)
def test_negation_and_modality(nlp, sentence, trigger, negated, modality):
    row = only(events_of(nlp, sentence), trigger)
    assert (row["negated"], row["modality"]) == (negated, modality)


def test_a_resolved_date_after_publication_makes_the_event_future(nlp):
    row = only(events_of(nlp, "The talks with the unions resume next Tuesday."), "talks")
    assert (row["event_date"], row["modality"]) == (dt.date(2021, 7, 13), "future")
