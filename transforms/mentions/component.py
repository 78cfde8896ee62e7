"""The ``newsetl_entities`` spaCy component: corrects and completes the model's entities.

Added after ``ner`` (:func:`add_entity_components`), it fixes the small model's systematic
errors with general rules and the gazetteer (``transforms/gazetteer.py``):

* leading determiners and trailing possessives are trimmed ("the Pentagon's" → "Pentagon");
* a spaced dash separates two names ("BRUSSELS - The European Union"); a shouted left part
  (a dateline or a rubric) is dropped;
* a span that is a known country or region becomes GPE/LOC ("Mali" tagged PERSON), unless
  the same word is part of a person's name in the article;
* a NORP followed by capitalized name words becomes one ORG ("Islamic" + "State");
* a name that modifies an organisational noun ("the Takuba task force") and is no known
  place becomes ORG;
* a ministry portfolio word inside a title ("French *Defense* Minister") is not an entity,
  and one followed by "Ministry"/"Department" is extended to the full ORG;
* what is no entity is dropped (time zones, table headings, units, diseases, a portfolio
  closing a title, a transcript's speaker tag: :mod:`transforms.mentions.repair`), units
  glued to a name are cut off, and company names cut at their "and" are joined;
* a well-known organisation (``transforms/data/organisations.tsv``) is ORG whatever the
  model said ("Twitter" tagged PERSON);
* a name-shaped speaker the text marks as a person is PERSON, cut to the name
  (:mod:`transforms.mentions.speakers`);
* known place and organisation names the model missed are added (origin ``gazetteer``, kept
  in the span extension ``newsetl_origin``).

The word lists are data (``transforms/data/mention_words.txt``).
"""

from __future__ import annotations

from collections import defaultdict

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from transforms.gazetteer import gazetteer
from transforms.mentions.model import NON_ENTITY_LABELS
from transforms.mentions.names import TITLES
from transforms.mentions.repair import (
    COMPANY_SUFFIXES,
    is_non_entity,
    join_fragments,
    join_hyphenated,
    join_particles,
    keeps_possessive,
    law_name,
    split_company_seat,
    split_place_prefix,
    strip_numbers,
    strip_unit_edges,
)
from transforms.mentions.shouting import Recaser, shouted_ranges
from transforms.mentions.speakers import speaker_persons
from transforms.mentions.tables import bracketed_nationals, table_names
from transforms.wordlists import word_lists

# Where a span came from when not the model ("gazetteer"); stored by span offsets, so it
# survives doc.ents being re-read and Doc.from_docs joining long-article segments.
if not Span.has_extension("newsetl_origin"):
    Span.set_extension("newsetl_origin", default=None)
# Whether the label is backed by the gazetteer or a layout rule (a results table, a name with
# a country in brackets) rather than read by the model: it then wins the article's label vote.
if not Span.has_extension("newsetl_firm"):
    Span.set_extension("newsetl_firm", default=False)

_WORDS = word_lists("mention_words.txt")
#: Prepositions that make their object a place ("a teacher from Kent").
LOCATIVE_PREPS = _WORDS["locative_preps"]
#: Nouns that make a preceding name the name of an organisation ("the Takuba task force").
ORG_HEAD_NOUNS = _WORDS["org_head_nouns"]
#: Government portfolios: in "Defense Minister" the word is part of a title, not an entity.
PORTFOLIOS = _WORDS["portfolios"]
PERSON_TITLE_HEADS = _WORDS["person_title_heads"]
ORG_TITLE_HEADS = _WORDS["org_title_heads"]
_POSSESSIVE = {"'s", "’s", "'", "’"}


def _trim(span: Span) -> Span | None:
    """Drop leading determiners and trailing possessives/punctuation from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    for i in range(start + 1, end):  # "World Health Organization (WHO": stop at the bracket
        if doc[i].text in {"(", "["}:
            end = i
            break
    while start < end and (
        doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct or doc[start].is_space
    ):
        start += 1
    while end > start and (
        doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct or doc[end - 1].is_space
    ):
        if doc[end - 1].text in _POSSESSIVE and keeps_possessive(doc, end, span.label_):
            break
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label)


_DASHES = {"-", "—", "–"}


def _split_at_spaced_dash(span: Span) -> list[Span]:
    """ "BRUSSELS - The European Union": a spaced dash separates two names (a dateline and the
    subject). A left part shouted in capitals is a dateline or a headline rubric ("SOCCER -"):
    dropped, since its type is unknown."""
    doc = span.doc
    for i in range(span.start + 1, span.end - 1):
        if doc[i].text in _DASHES and doc[i - 1].whitespace_ and doc[i].whitespace_:
            left = Span(doc, span.start, i, label=span.label)
            right = Span(doc, i + 1, span.end, label=span.label)
            keep = [] if left.text.isupper() else [left]
            return [*keep, *_split_at_spaced_dash(right)]
    return [span]


def _in_person_name(doc: Doc, span: Span) -> bool:
    """Is this one-word span part of a longer PERSON name elsewhere in the document?"""
    if len(span) != 1:
        return False
    word = span.text
    return any(
        e.label_ == "PERSON"
        and len(e) > 1
        and not (e.start < span.end and span.start < e.end)
        and word in {t.text for t in e}
        for e in doc.ents
    )


def _is_titlecase_name(token) -> bool:
    return token.text[:1].isupper() and not token.is_punct and not token.like_num


@Language.factory(
    "newsetl_entities",
    assigns=["doc.ents"],
    requires=["doc.ents", "token.dep", "token.pos"],
)
def make_entity_fixer(nlp: Language, name: str) -> EntityFixer:
    return EntityFixer(nlp)


class EntityFixer:
    """Corrects and completes the model's entities (see the module docstring)."""

    def __init__(self, nlp: Language):
        self.gaz = gazetteer()
        self.recaser = Recaser(nlp, self.gaz)
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_label: dict[str, list[str]] = defaultdict(list)
        for text, label in self.gaz.surface_forms():
            if len(text) >= 2 and text[0].isupper():
                by_label[label].append(text)
        for label, texts in by_label.items():
            self.matcher.add(label, list(nlp.tokenizer.pipe(texts)))

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        ents, firm = self._entities(doc)
        for ent in ents:
            for piece in _split_at_spaced_dash(ent):
                span = _trim(piece)
                if span is not None and span.label_ not in NON_ENTITY_LABELS:
                    span = strip_unit_edges(self.gaz, span)
                if span is not None and span.label_ not in NON_ENTITY_LABELS:
                    span = strip_numbers(span)
                if span is None:
                    continue
                for fixed in self._fix(doc, span):
                    spans.append(fixed)
        spans = filter_spans(join_fragments(doc, spans))
        spans, speakers = speaker_persons(doc, spans, self._may_be_speaker)
        firm |= speakers
        taken = {i for s in spans for i in range(s.start, s.end)}
        for match_id, start, end in self.matcher(doc):
            if any(i in taken for i in range(start, end)):
                continue
            if not self._standalone(doc, start, end):
                continue
            label = doc.vocab.strings[match_id]
            span = Span(doc, start, end, label=label)
            span._.newsetl_origin = "gazetteer"
            spans.append(span)
            taken.update(range(start, end))
        doc.ents = filter_spans(spans)
        for ent in doc.ents:
            if (ent.start, ent.end) in firm or self.gaz.organisation(ent.text) is not None:
                ent._.newsetl_firm = True
        return doc

    def _entities(self, doc: Doc) -> tuple[list[Span], set[tuple[int, int]]]:
        """The model's entities, those of shouted lines found again on re-cased words, and the
        names of results tables and lists (whose token ranges are returned as firm)."""
        ents = list(doc.ents)
        firm: set[tuple[int, int]] = set()
        for start, end in shouted_ranges(doc):
            ents = [e for e in ents if e.end <= start or e.start >= end]
            ents += self.recaser.entities(doc, start, end)
        named = {
            i for e in ents if e.label_ not in NON_ENTITY_LABELS for i in range(e.start, e.end)
        }
        for start, end in table_names(doc, self.recaser.common, named):
            ents = [e for e in ents if e.end <= start or e.start >= end]
            ents.append(Span(doc, start, end, label=self._table_label(doc, start, end)))
            firm.add((start, end))
        for start, end in bracketed_nationals(doc, self._is_country, self._may_be_person):
            ents = [e for e in ents if e.end <= start or e.start >= end]
            ents.append(Span(doc, start, end, label="PERSON"))
            firm.add((start, end))
        return join_hyphenated(doc, join_particles(doc, sorted(ents, key=lambda e: e.start))), firm

    def _is_country(self, text: str) -> bool:
        place = self.gaz.place(text)
        return place is not None and place.label == "GPE"

    def _may_be_person(self, text: str) -> bool:
        """Words that may be a person's name: none a company suffix, an organisation's head
        noun or a known name of something else."""
        words = text.split()
        if any(w.lower().rstrip(".") in COMPANY_SUFFIXES | ORG_HEAD_NOUNS for w in words):
            return False
        return (
            not any(
                self.gaz.place(w) or self.gaz.is_demonym(w) or self.gaz.organisation(w)
                for w in words
            )
            and self.gaz.place(text) is None
        )

    def _may_be_speaker(self, text: str) -> bool:
        """Words that may be a person's name, none of them a state or a province."""
        return self._may_be_person(text) and not any(
            self.gaz.is_subdivision(w) for w in text.split()
        )

    def _table_label(self, doc: Doc, start: int, end: int) -> str:
        """A name in a table row: a country (its national team), a person, or a club."""
        place = self.gaz.place(doc[start:end].text)
        if place is not None and place.label == "GPE":
            return "GPE"
        return "ORG"

    @staticmethod
    def _standalone(doc: Doc, start: int, end: int) -> bool:
        """A gazetteer match counts only when it is not part of a longer proper name."""
        if end < len(doc) and _is_titlecase_name(doc[end]) and doc[end].pos_ == "PROPN":
            return False
        if start > 0:
            prev = doc[start - 1]
            if _is_titlecase_name(prev) and prev.pos_ == "PROPN" and not prev.is_sent_start:
                return False
        return True

    def _fix(self, doc: Doc, span: Span) -> list[Span]:
        if span.label_ in NON_ENTITY_LABELS:
            return [span]
        if is_non_entity(self.gaz, span):
            return []
        known = self._by_gazetteer(doc, span)
        return [known] if known is not None else self._by_context(doc, span)

    def _by_gazetteer(self, doc: Doc, span: Span) -> Span | None:
        """The span relabelled as the known organisation or place it names, else None."""
        label = span.label_
        if self.gaz.organisation(span.text) is not None:
            return Span(doc, span.start, span.end, label="ORG")
        place = self.gaz.place(span.text)
        if place is not None and label != "NORP":
            if label == "PERSON" and _in_person_name(doc, span):
                return span
            if label == "FAC" and place.kind == "country":
                return span
            return Span(doc, span.start, span.end, label=place.label)
        if (
            label == "PERSON"
            and span.root.dep_ == "pobj"
            and span.root.head.lower_ in LOCATIVE_PREPS
            and self.gaz.is_subdivision(span.text)
            and not _in_person_name(doc, span)
        ):
            return Span(doc, span.start, span.end, label="GPE")
        if label not in {"NORP", "PERSON"} and len(span) == 1 and self.gaz.is_demonym(span.text):
            return Span(doc, span.start, span.end, label="NORP")
        return None

    def _by_context(self, doc: Doc, span: Span) -> list[Span]:
        """Corrections read from the words around the span."""
        split = split_place_prefix(self.gaz, span) or split_company_seat(span)
        if split is not None:
            return [self._by_gazetteer(doc, part) or part for part in split]
        law = law_name(span)
        if law is not None:
            return [law]
        label = span.label_
        root = span.root
        head = root.head
        if label == "NORP":
            end = span.end
            while (
                end < len(doc)
                and _is_titlecase_name(doc[end])
                and doc[end].pos_ == "PROPN"
                and doc[end].ent_type_ == ""
                and doc[end].lower_ not in TITLES
            ):
                end += 1
            if end > span.end:
                return [Span(doc, span.start, end, label="ORG")]
            return [span]
        if (
            root.dep_ == "compound"
            and head.i >= span.end
            and head.lower_ in ORG_HEAD_NOUNS
            and head.text.islower()
            and label in {"GPE", "PERSON", "PRODUCT", "LOC"}
        ):
            return [Span(doc, span.start, span.end, label="ORG")]
        if label == "ORG" and len(span) == 1 and span.text.lower() in PORTFOLIOS:
            nxt = doc[span.end] if span.end < len(doc) else None
            if nxt is not None and nxt.lower_ in PERSON_TITLE_HEADS:
                return []
            if nxt is not None and nxt.lower_ in ORG_TITLE_HEADS and nxt.text[:1].isupper():
                return [Span(doc, span.start, span.end + 1, label="ORG")]
        return [span]


def add_entity_components(nlp: Language) -> None:
    """Add the project's entity component after the model's NER (idempotent)."""
    if "ner" in nlp.pipe_names and "newsetl_entities" not in nlp.pipe_names:
        nlp.add_pipe("newsetl_entities", after="ner")
