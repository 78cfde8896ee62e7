"""Named-entity mentions: the model's entities, corrected, resolved within the article, with ids.

Two steps:

1. ``newsetl_entities`` — a spaCy component after ``ner`` that corrects the small model's
   systematic errors with general rules and the gazetteer (``transforms/gazetteer.py``):

   * leading determiners and trailing possessives are trimmed ("the Pentagon's" → "Pentagon");
   * a span that is a known country or region becomes GPE/LOC ("Mali" tagged PERSON), unless
     the same word is part of a person's name in the article;
   * a NORP followed by capitalized name words becomes one ORG ("Islamic" + "State");
   * a name that modifies an organisational noun ("the Takuba task force") and is no known
     place becomes ORG;
   * a ministry portfolio word inside a title ("French *Defense* Minister") is not an entity,
     and one followed by "Ministry"/"Department" is extended to the full ORG;
   * known place names the model missed are added (origin ``gazetteer``).

2. :func:`extract_mentions` — in-article alias resolution and entity ids:

   * people: full names, then surnames ("Parly" → "Florence Parly"), titles stripped; two
     people with one surname stay apart (a bare surname goes to the candidate that fits its
     title, else the most recent one);
   * places: every spelling of a country is one entity ("US", "U.S.", "the United States");
   * organisations: acronyms defined in the text ("Federal Security Service (FSB)"), and
     shorter forms that end a longer name ("Cyber Command" → "US Cyber Command");
   * demonyms ("French", "Malian") link to their country where that is unambiguous;
   * bare later mentions the model missed but that match a known alias are added
     (origin ``alias``).

   ``entity_id`` = hash of (label family, normalized canonical name), the same across articles.
   Numeric and temporal labels (DATE, TIME, MONEY, PERCENT, QUANTITY, CARDINAL, ORDINAL) are
   kept as mentions with their label but have no entity (``entity_id`` NULL).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

# Where a span came from when not the model ("gazetteer"); stored by span offsets, so it
# survives doc.ents being re-read and Doc.from_docs joining long-article segments.
if not Span.has_extension("newsetl_origin"):
    Span.set_extension("newsetl_origin", default=None)

from transforms.gazetteer import gazetteer, name_key
from transforms.ids import stable_id

#: Label families: the part of an entity's identity that its label contributes.
FAMILY = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "FAC",
    "NORP": "NORP",
    "EVENT": "EVENT",
    "PRODUCT": "PRODUCT",
    "WORK_OF_ART": "WORK_OF_ART",
    "LAW": "LAW",
    "LANGUAGE": "LANGUAGE",
}
NON_ENTITY_LABELS = frozenset(
    {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
)
ORIGINS = ("model", "gazetteer", "alias")

#: Words that precede a person's name as a title or office (lowercase, no dots).
TITLES = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lord lady madam president vice prime
    minister secretary senator sen rep representative congressman congresswoman governor gov
    mayor judge justice chancellor king queen prince princess pope general gen colonel col
    lieutenant lt major maj captain capt sergeant sgt corporal private admiral adm commander
    cmdr chief officer detective inspector superintendent constable ambassador archbishop
    bishop cardinal rev reverend father sister brother sheikh emir ayatollah imam rabbi
    chairman chairwoman chair ceo director coach president-elect premier deputy assistant
    attorney prosecutor speaker leader spokesman spokeswoman spokesperson marshal field
    brigadier commissioner councillor councilor alderman magistrate dean rector crown""".split()
)
NAME_SUFFIXES = frozenset(
    {
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "v",
        "phd",
        "md",
        "kc",
        "qc",
        "mp",
        "mep",
        "obe",
        "mbe",
        "cbe",
        "esq",
    }
)
#: Prepositions that make their object a place ("a teacher from Kent").
LOCATIVE_PREPS = frozenset(
    {"in", "from", "near", "across", "outside", "inside", "throughout", "into", "at"}
)
SURNAME_PARTICLES = frozenset(
    {
        "de",
        "da",
        "di",
        "du",
        "del",
        "della",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "ter",
        "ten",
        "dos",
        "das",
        "st",
    }
)
#: Nouns that make a preceding name the name of an organisation ("the Takuba task force").
ORG_HEAD_NOUNS = frozenset(
    """force forces mission operation group brigade battalion regiment unit coalition alliance
    movement militia army party front committee commission council agency company firm
    bank network foundation institute organisation organization initiative programme
    program consortium union league federation club team""".split()
)
#: Government portfolios: in "Defense Minister" the word is part of a title, not an entity.
PORTFOLIOS = frozenset(
    """defense defence foreign interior finance economy economic health justice education
    agriculture trade labour labor energy transport transportation environment culture home
    commerce housing immigration tourism sport sports science industry development security
    infrastructure communications digital fisheries mining""".split()
)
PERSON_TITLE_HEADS = frozenset(
    {
        "minister",
        "secretary",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "chief",
        "official",
        "officials",
        "adviser",
        "advisor",
        "minister-designate",
        "ministers",
        "secretaries",
        "undersecretary",
        "commissioner",
    }
)
ORG_TITLE_HEADS = frozenset({"ministry", "department", "office", "committee", "agency"})
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9&\-\.]*[A-Z0-9]\.?$")
_POSSESSIVE = {"'s", "’s", "'", "’"}


# --------------------------------------------------------------------------- component


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
        e.label_ == "PERSON" and len(e) > 1 and word in {t.text for t in e} for e in doc.ents
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
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_label: dict[str, list[str]] = defaultdict(list)
        for text, label in self.gaz.surface_forms():
            if len(text) >= 2 and text[0].isupper():
                by_label[label].append(text)
        for label, texts in by_label.items():
            self.matcher.add(label, list(nlp.tokenizer.pipe(texts)))

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for ent in doc.ents:
            for piece in _split_at_spaced_dash(ent):
                span = _trim(piece)
                if span is None:
                    continue
                for fixed in self._fix(doc, span):
                    spans.append(fixed)
        spans = filter_spans(spans)
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
        return doc

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
        label = span.label_
        if label in NON_ENTITY_LABELS:
            return [span]
        place = self.gaz.place(span.text)
        if place is not None and label != "NORP":
            if label == "PERSON" and _in_person_name(doc, span):
                return [span]
            if label == "FAC" and place.kind == "country":
                return [span]
            new = "GPE" if place.kind == "country" else "LOC"
            return [Span(doc, span.start, span.end, label=new)]
        if (
            label == "PERSON"
            and span.root.dep_ == "pobj"
            and span.root.head.lower_ in LOCATIVE_PREPS
            and self.gaz.is_subdivision(span.text)
            and not _in_person_name(doc, span)
        ):
            return [Span(doc, span.start, span.end, label="GPE")]
        if label not in {"NORP", "PERSON"} and len(span) == 1 and self.gaz.is_demonym(span.text):
            return [Span(doc, span.start, span.end, label="NORP")]
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


# --------------------------------------------------------------------------- resolution


@dataclass
class Mention:
    """One entity mention; ``entity`` is filled by resolution."""

    start: int  # token index
    end: int
    start_char: int
    end_char: int
    text: str
    label: str
    origin: str
    sentence_index: int = 0
    entity: Entity | None = None
    country_code: str | None = None
    title: str | None = None  # the title word right before a person's name, if any
    mention_id: str = ""

    @property
    def family(self) -> str | None:
        return FAMILY.get(self.label)

    @property
    def entity_id(self) -> str | None:
        return self.entity.entity_id if self.entity else None

    @property
    def canonical_name(self) -> str | None:
        return self.entity.name if self.entity else None

    def row(self, article_id: str) -> dict:
        return {
            "mention_id": self.mention_id,
            "article_id": article_id,
            "sentence_index": self.sentence_index,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "text": self.text,
            "label": self.label,
            "entity_id": self.entity_id,
            "canonical_name": self.canonical_name,
            "country_code": self.country_code,
            "origin": self.origin,
        }


@dataclass
class Entity:
    family: str
    label: str
    name: str
    fixed_name: bool = False  # a gazetteer name: not replaced by longer forms
    tokens: tuple[str, ...] = ()
    country_code: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)

    @property
    def entity_id(self) -> str:
        return entity_id_for(self.family, self.name)

    @property
    def surname(self) -> str | None:
        return self.tokens[-1] if self.family == "PERSON" and self.tokens else None


def entity_id_for(family: str, name: str) -> str:
    """The cross-article entity id: label family + normalized canonical name."""
    return stable_id("entity", family, name_key(name))


def person_tokens(words: list[str]) -> tuple[list[str], str | None]:
    """Strip titles and suffixes from a person's name words; returns (name words, title)."""
    title = None
    words = [w for w in words if w not in {",", "."}]
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        title = words[0].lower().rstrip(".")
        words = words[1:]
    while len(words) > 1 and words[-1].lower().rstrip(".") in NAME_SUFFIXES:
        words = words[:-1]
    return words, title


class _Resolver:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.gaz = gazetteer()
        self.entities: list[Entity] = []
        self.by_key: dict[tuple[str, str], Entity] = {}
        self.acronyms: dict[str, Entity] = {}
        # (full-name mention, acronym mention, acronym) found by find_acronyms
        self.acronym_pairs: list[tuple[Mention, Mention, str]] = []
        self.sent_starts = [s.start for s in doc.sents]

    def sentence_of(self, token_i: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, token_i) - 1)

    # -- building mentions

    def mention_from_span(self, span: Span, origin: str) -> Mention:
        return Mention(
            start=span.start,
            end=span.end,
            start_char=span.start_char,
            end_char=span.end_char,
            text=span.text,
            label=span.label_,
            origin=origin,
            sentence_index=self.sentence_of(span.start),
        )

    def new_entity(self, m: Mention, name: str, tokens: tuple[str, ...] = ()) -> Entity:
        family = m.family or m.label
        ent = Entity(family=family, label=m.label, name=name, tokens=tokens)
        self.entities.append(ent)
        self.by_key[(family, name_key(name))] = ent
        return ent

    def attach(self, m: Mention, ent: Entity) -> None:
        m.entity = ent
        ent.mentions.append(m)
        ent.aliases.add(m.text)
        if ent.country_code and m.country_code is None:
            m.country_code = ent.country_code

    # -- per family

    def person(self, m: Mention) -> None:
        words, title = person_tokens([t.text for t in self.doc[m.start : m.end]])
        if title is None and m.start > 0:
            prev = self.doc[m.start - 1].text.lower().rstrip(".")
            title = prev if prev in TITLES else None
        m.title = title
        tokens = tuple(words)
        name = " ".join(tokens)
        exact = self.by_key.get(("PERSON", name_key(name)))
        if exact is not None:
            self.attach(m, exact)
            return
        if len(tokens) == 1:
            ent = self.pick_person(tokens[0], m)
            if ent is not None:
                self.attach(m, ent)
                return
            self.attach(m, self.new_entity(m, name, tokens))
            return
        # A full name: it may complete an earlier bare-surname entity.
        for ent in self.entities:
            if (
                ent.family == "PERSON"
                and len(ent.tokens) == 1
                and ent.tokens[0] == tokens[-1]
                and not any(
                    o is not ent
                    and o.family == "PERSON"
                    and len(o.tokens) > 1
                    and o.tokens[-1] == tokens[-1]
                    for o in self.entities
                )
            ):
                del self.by_key[("PERSON", name_key(ent.name))]
                ent.name, ent.tokens = name, tokens
                self.by_key[("PERSON", name_key(name))] = ent
                self.attach(m, ent)
                return
        self.attach(m, self.new_entity(m, name, tokens))

    def person_candidates(self, word: str) -> list[Entity]:
        last = [
            e
            for e in self.entities
            if e.family == "PERSON" and len(e.tokens) > 1 and e.tokens[-1] == word
        ]
        if last:
            return last
        return [
            e
            for e in self.entities
            if e.family == "PERSON"
            and len(e.tokens) > 1
            and e.tokens[0] == word
            and len(e.tokens) == 2
            and word[:1].isupper()
        ]

    def pick_person(self, word: str, m: Mention) -> Entity | None:
        """Which known person does a bare name refer to? None when nobody fits."""
        candidates = self.person_candidates(word)
        if len(candidates) <= 1:
            return candidates[0] if candidates else None

        def score(ent: Entity) -> tuple[int, int]:
            titles = {x.title for x in ent.mentions}
            s = 0
            if m.title is not None and m.title in titles:
                s += 2
            if m.title is None and titles and None not in titles:
                s -= 1
            last = max(x.start for x in ent.mentions)
            return s, last

        return max(candidates, key=score)

    def place(self, m: Mention) -> None:
        place = self.gaz.place(m.text)
        if place is not None:
            key = ("PLACE", name_key(place.name))
            ent = self.by_key.get(key)
            if ent is None:
                ent = self.new_entity(m, place.name)
                ent.fixed_name = True
                ent.country_code = place.code
            m.country_code = place.code
            self.attach(m, ent)
            return
        self.generic(m)
        code = self.gaz.subdivision_country(m.text)
        if code is not None and m.entity is not None:
            m.country_code = m.entity.country_code = code

    def norp(self, m: Mention) -> None:
        code = self.gaz.country_of_demonym(m.text)
        if code is not None:
            name = self.gaz.country_names[code]
            ent = self.by_key.get(("PLACE", name_key(name)))
            if ent is None:
                proxy = Mention(m.start, m.end, m.start_char, m.end_char, name, "GPE", m.origin)
                ent = self.new_entity(proxy, name)
                ent.fixed_name = True
                ent.country_code = code
            m.country_code = code
            m.entity = ent
            ent.mentions.append(m)
            return
        self.generic(m)

    def generic(self, m: Mention) -> None:
        words = [t.text for t in self.doc[m.start : m.end]]
        name = m.text
        family = m.family or m.label
        key = name_key(name)
        ent = self.by_key.get((family, key))
        if ent is None and family == "ORG":
            ent = self.acronyms.get(name.replace(".", ""))
            if ent is None and len(words) >= 2:
                ent = self.org_suffix_match(words)
        if ent is None:
            ent = self.new_entity(m, name, tuple(words))
        self.attach(m, ent)
        if (
            family == "ORG"
            and len(words) > 1
            and len(ent.tokens) < len(words)
            and not ent.fixed_name
        ):
            ent.name, ent.tokens = name, tuple(words)
            self.by_key[(family, key)] = ent

    def org_suffix_match(self, words: list[str]) -> Entity | None:
        """ "Cyber Command" after "US Cyber Command" (or before it): one organisation."""
        for ent in self.entities:
            if ent.family != "ORG" or len(ent.tokens) == len(words):
                continue
            short, long_ = (
                (words, ent.tokens) if len(words) < len(ent.tokens) else (ent.tokens, words)
            )
            if len(short) >= 2 and tuple(long_[-len(short) :]) == tuple(short):
                return ent
        return None

    # -- acronyms: "Federal Security Service (FSB)" and "FSB (Federal Security Service)"

    def find_acronyms(self, mentions: list[Mention]) -> list[Mention]:
        doc = self.doc
        added: list[Mention] = []
        by_start = {m.start: m for m in mentions}
        for m in mentions:
            if m.family != "ORG" and m.label not in {"FAC", "GPE", "LAW", "EVENT"}:
                continue
            i = m.end
            if i + 2 < len(doc) and doc[i].text == "(" and doc[i + 2].text == ")":
                inner = doc[i + 1]
                if _ACRONYM_RE.match(inner.text) and len(inner.text.replace(".", "")) >= 2:
                    acro = inner.text.replace(".", "")
                    if len(m.text.split()) >= 2:
                        inner_m = by_start.get(inner.i)
                        if inner_m is None:
                            span = Span(doc, inner.i, inner.i + 1, label=m.label)
                            inner_m = self.mention_from_span(span, "alias")
                            added.append(inner_m)
                        else:
                            inner_m.label = m.label
                        self.acronym_pairs.append((m, inner_m, acro))
        return added


def extract_mentions(doc: Doc, article_id: str) -> list[Mention]:
    """Resolve the doc's entities into mentions with entity ids (document order)."""
    res = _Resolver(doc)
    mentions = [res.mention_from_span(span, span._.newsetl_origin or "model") for span in doc.ents]
    mentions += res.find_acronyms(mentions)
    mentions.sort(key=lambda x: x.start)
    _unify_labels(mentions, res)
    acronym_of = {id(inner): (full, acro) for full, inner, acro in res.acronym_pairs}
    for m in mentions:
        _resolve_one(res, m, acronym_of)
    _merge_short_org_names(res)
    mentions += _alias_mentions(res, mentions)
    mentions.sort(key=lambda x: (x.start_char, x.end_char))
    _finalize(res, mentions, article_id)
    return mentions


def _resolve_one(res: _Resolver, m: Mention, acronym_of: dict) -> None:
    if m.label in NON_ENTITY_LABELS or m.family is None:
        return
    if id(m) in acronym_of:
        full, acro = acronym_of[id(m)]
        if full.entity is not None:
            res.acronyms[acro] = full.entity
            res.attach(m, full.entity)
            return
    if m.family == "PERSON":
        res.person(m)
    elif m.family == "PLACE":
        res.place(m)
    elif m.family == "NORP":
        res.norp(m)
    else:
        res.generic(m)


def _unify_labels(mentions: list[Mention], res: _Resolver) -> None:
    """One label per surface name in an article; bare surnames of known people are PERSON."""
    full_person_words: dict[str, int] = {}
    for m in mentions:
        if m.label == "PERSON":
            words, _ = person_tokens(m.text.split())
            if len(words) > 1:
                full_person_words.setdefault(words[-1], m.start)
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.label in NON_ENTITY_LABELS or m.label == "NORP":
            continue
        if (
            len(m.text.split()) == 1
            and m.text in full_person_words
            and m.start > full_person_words[m.text]
            and res.gaz.place(m.text) is None
        ):
            m.label = "PERSON"
        by_key[name_key(m.text)].append(m)
    for group in by_key.values():
        labels = Counter(m.label for m in group)
        if len(labels) == 1:
            continue
        preferred = [m.label for m in group if m.origin != "model"]
        fixed = {m.label for m in group if res.gaz.place(m.text) is not None}
        if fixed:
            winner = sorted(fixed)[0]
        elif preferred:
            winner = preferred[0]
        else:
            winner = max(
                labels,
                key=lambda lab: (labels[lab], -min(m.start for m in group if m.label == lab)),
            )
        for m in group:
            m.label = winner


def _alias_mentions(res: _Resolver, mentions: list[Mention]) -> list[Mention]:
    """Bare later mentions the model missed that match a known alias of an entity."""
    doc = res.doc
    taken = {i for m in mentions for i in range(m.start, m.end)}
    first_seen: dict[int, int] = {}
    patterns: dict[tuple[str, ...], list[Entity]] = defaultdict(list)
    for ent in res.entities:
        if not ent.mentions:
            continue
        first_seen[id(ent)] = min(m.start for m in ent.mentions)
        forms = {
            tuple(t.text for t in doc[m.start : m.end]) for m in ent.mentions if m.label != "NORP"
        }
        if ent.family == "PERSON" and len(ent.tokens) > 1:
            forms.add((ent.tokens[-1],))
        for form in forms:
            if _propagable(form, ent, doc) and ent not in patterns[form]:
                patterns[form].append(ent)
    if not patterns:
        return []
    matcher = PhraseMatcher(doc.vocab, attr="ORTH")
    keys = sorted(patterns)
    for i, form in enumerate(keys):
        matcher.add(str(i), [Doc(doc.vocab, words=list(form))])
    added: list[Mention] = []
    for match_id, start, end in sorted(matcher(doc), key=lambda x: (x[1], -x[2])):
        if any(i in taken for i in range(start, end)):
            continue
        form = keys[int(doc.vocab.strings[match_id])]
        ents = [e for e in patterns[form] if first_seen[id(e)] < start]
        if (
            not ents
            or not EntityFixer._standalone(doc, start, end)
            or _in_compound_word(doc, start, end)
        ):
            continue
        if doc[start].is_sent_start and doc[start].pos_ != "PROPN":
            continue
        m = res.mention_from_span(Span(doc, start, end, label=ents[0].label), "alias")
        ent = ents[0]
        if ent.family == "PERSON" and len(form) == 1:
            prev = doc[start - 1].text.lower().rstrip(".") if start > 0 else ""
            m.title = prev if prev in TITLES else None
            ent = res.pick_person(form[0], m) or ent
        m.label = ent.label
        res.attach(m, ent)
        added.append(m)
        taken.update(range(start, end))
    return added


_INITIAL_SKIP = frozenset({"of", "the", "for", "and", "on", "in", "de", "du", "des", "la", "&"})


def initials(words: tuple[str, ...]) -> str:
    """ "International Atomic Energy Agency" -> "IAEA" (function words skipped)."""
    return "".join(
        w[0].upper() for w in words if w.lower() not in _INITIAL_SKIP and w[:1].isalpha()
    )


def _merge_short_org_names(res: _Resolver) -> None:
    """One organisation whatever the order of its names in the article: an acronym equal to the
    initials of a longer name ("EU" / "European Union"), or the head word of exactly one longer
    name ("the Commission" / "European Commission")."""
    orgs = [e for e in res.entities if e.family == "ORG" and e.mentions]
    longs = [e for e in orgs if len(e.tokens) >= 2]
    for ent in orgs:
        if len(ent.tokens) != 1 or not longs:
            continue
        word = ent.tokens[0].replace(".", "")
        if word.isupper() and 2 <= len(word) <= 6:
            candidates = [e for e in longs if initials(e.tokens) == word]
        elif word[:1].isupper():
            candidates = [e for e in longs if e.tokens[-1] == word]
        else:
            candidates = []
        if len(candidates) != 1:
            continue
        target = candidates[0]
        for m in ent.mentions:
            m.entity = target
            target.mentions.append(m)
            target.aliases.add(m.text)
        ent.mentions = []
        for key, value in list(res.by_key.items()):
            if value is ent:
                res.by_key[key] = target
    res.entities = [e for e in res.entities if e.mentions or e.family != "ORG"]


def _propagable(form: tuple[str, ...], ent: Entity, doc: Doc) -> bool:
    """May this surface form be looked for elsewhere in the article as a mention of ``ent``?

    Not lowercase words, not long all-caps words (headlines and tables shout: "CHICAGO AT
    TORONTO"), not table filler ("N / A"), and not a one-word form the model only saw at the
    start of a sentence ("Men 's 200 metres").
    """
    text = "".join(form)
    if len(text) < 2 or not form[0][:1].isupper() or "/" in form:
        return False
    if _shouting(text):
        return False
    if len(form) == 1 and not (
        ent.family == "PERSON" and len(ent.tokens) > 1 and form[0] == ent.tokens[-1]
    ):
        seen = [m for m in ent.mentions if m.text == form[0]]
        if seen and all(doc[m.start].is_sent_start for m in seen):
            return False  # only ever seen opening a line: a table row or rubric, not a name
    return True


def _shouting(text: str) -> bool:
    """All capitals and longer than an acronym: a dateline or headline form ("LONDON")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 5 and all(c.isupper() for c in letters)


def _in_compound_word(doc: Doc, start: int, end: int) -> bool:
    """ "pre-Castro", "Castro-era": the match is glued to a hyphen, part of another word."""
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    if before is not None and before.text == "-" and not before.whitespace_ and start > 1:
        return not doc[start - 2].whitespace_
    return bool(
        after is not None
        and after.text == "-"
        and not doc[end - 1].whitespace_
        and not after.whitespace_
    )


def _finalize(res: _Resolver, mentions: list[Mention], article_id: str) -> None:
    for ent in res.entities:
        if ent.family == "PERSON" or ent.fixed_name:
            continue
        names = [m.text for m in ent.mentions if m.label != "NORP"]
        if not names:
            continue
        if ent.family != "ORG":
            longest = max(names, key=lambda n: (len(n.split()), len(n)))
            if len(longest.split()) > len(ent.name.split()):
                ent.name = longest
        if _shouting(ent.name):
            calm = [n for n in names if not _shouting(n) and name_key(n) == name_key(ent.name)]
            # "LONDON" only ever in a dateline: written as a name, not shouted.
            ent.name = calm[0] if calm else ent.name.title()
    for m in mentions:
        m.mention_id = stable_id("mention", article_id, m.start_char, m.end_char)
        if m.entity is not None and m.label != "NORP":
            m.label = m.entity.label if m.entity.family == m.family else m.label
