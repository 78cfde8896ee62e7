"""The words of quotation: reporting verbs with their class, nouns for people who speak.

Data files (see ``transforms/data/README.md``): ``reporting_verbs.tsv`` (lemma → class:
speech, writing, naming, quoting, …), ``speaker_nouns.txt`` (nouns for people who speak:
"spokesman", "protesters") and the lists of ``quote_words.txt``.
"""

from __future__ import annotations

import csv
import functools

from spacy.tokens import Token

from transforms.wordlists import DATA_DIR, word_lists

#: Reporting-verb classes that may introduce a direct quotation.
DIRECT_CLASSES = frozenset({"speech", "writing", "naming", "quoting"})
#: Reporting-verb classes whose clausal complement is a reported statement.
INDIRECT_CLASSES = frozenset({"speech", "writing"})

_WORDS = word_lists("quote_words.txt")
#: Verbs whose bare object can be a quoted phrase (said “no”, wrote “…”).
UTTERANCE_VERBS = _WORDS["utterance_verbs"]
#: Nouns that report a statement, with its owner and a "that" clause: "Trump's claim that …".
REPORTING_NOUNS = _WORDS["reporting_nouns"]
#: Nouns for people who speak for an organisation: "a spokesman for CP" links to CP.
REPRESENTATIVES = _WORDS["representatives"]
#: Nouns for messages: "a message reading “…”" is said by whoever posted it.
MESSAGE_NOUNS = _WORDS["message_nouns"]
#: Records that show someone: "footage of X asking, “…”" is X's.
DEPICTION_NOUNS = _WORDS["depiction_nouns"]
#: Documents that say things for whoever issued them: "the statement said".
DOCUMENT_NOUNS = _WORDS["document_nouns"]
#: Nouns for a part of a document: "part of the judge's statement" speaks as the statement.
PART_NOUNS = _WORDS["part_nouns"]
#: Verbs whose subject issues the document that is their object: "X issued a statement".
ISSUE_VERBS = _WORDS["issue_verbs"]
#: Documents and the verbs whose act makes them: "declared … the proclamation" (noun -> verbs).
DOCUMENT_ACTS = {
    noun: frozenset(verbs.split(","))
    for noun, verbs in (w.split("=", 1) for w in _WORDS["document_acts"])
}
#: Nouns that name an organisation by its kind: "the ministry", "the commission".
ORGANISATION_NOUNS = _WORDS["organisation_nouns"]
#: Abbreviated titles and the word they stand for: "Sen." → "senator".
TITLE_ABBREVIATIONS = dict(w.split("=", 1) for w in _WORDS["title_abbreviations"])
#: Offices whose holder the article names: "the senator said" → the person in focus.
TITLE_EPITHETS = _WORDS["title_epithets"]
#: Titles and the narrower titles that fit them: "the lawmaker" for a "Sen." (title -> titles).
TITLE_HYPERNYMS = {
    title: frozenset(narrower.split(","))
    for title, narrower in (w.split("=", 1) for w in _WORDS["title_hypernyms"])
}
#: Organisation nouns for a business: "the company", "the firm".
COMPANY_NOUNS = _WORDS["company_nouns"]
#: Last words of company names: "Inc", "Corp", "A/S".
CORPORATE_SUFFIXES = _WORDS["corporate_suffixes"]
#: Nouns that describe a person already named: "the veteran said".
EPITHET_NOUNS = _WORDS["epithet_nouns"]
#: Modifiers that make a title an epithet: "the former chairman", "the one-time minister".
EPITHET_MODIFIERS = _WORDS["epithet_modifiers"]
#: Nouns for whoever heads an organisation ("the UAW chief"), and the titles they stand for.
LEADER_NOUNS = _WORDS["leader_nouns"]
LEADER_TITLES = _WORDS["leader_titles"]


@functools.cache
def reporting_verbs() -> dict[str, str]:
    """lemma -> class, from ``data/reporting_verbs.tsv`` (loaded once per process)."""
    path = DATA_DIR / "reporting_verbs.tsv"
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["lemma"]: row["class"] for row in csv.DictReader(fh, delimiter="\t")}


@functools.cache
def speaker_nouns() -> frozenset[str]:
    """Nouns for people who speak ("spokesman", "protesters"), from ``data/speaker_nouns.txt``."""
    path = DATA_DIR / "speaker_nouns.txt"
    with open(path, encoding="utf-8") as fh:
        return frozenset(w for line in fh if (w := line.split("#")[0].strip().lower()))


def is_cue_verb(tok: Token, classes: frozenset[str]) -> bool:
    """Is the token a verb of one of these reporting classes?"""
    if tok.pos_ not in {"VERB", "AUX"} and tok.tag_ not in {"VBD", "VBZ", "VBP", "VBG", "VBN"}:
        return False
    cls = reporting_verbs().get(tok.lemma_.lower())
    if cls is None and tok.lower_ in {"says", "said"}:
        cls = "speech"
    return cls in classes


def verb_class(tok: Token) -> str | None:
    """The reporting class of a token's lemma, if it is a reporting verb."""
    return reporting_verbs().get(tok.lemma_.lower())
