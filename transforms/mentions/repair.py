"""Repairs of entity spans: what is no entity, and names the model cut in pieces.

Used by the ``newsetl_entities`` component (:mod:`transforms.mentions.component`):

* :func:`is_non_entity` — a span that looks like a name but names nothing: a form of the
  gazetteer's non-entity list (time zones, earnings-table headings, units, currencies,
  diseases, degrees, ratings: ``transforms/data/non_entities.tsv``), a span without a capital
  letter ("dlrs vs"), a company suffix alone ("Co Inc"), a portfolio closing a title ("Secretary of *State*"), a transcript's speaker
  tag ("((WN))");
* :func:`strip_unit_edges` — units and currencies glued to a name ("U.S. *Dlrs*");
* :func:`strip_numbers` — scores and ranks glued to a name ("Leicestershire 296", "H. Morris
  69");
* :func:`keeps_possessive` — an organisation named with a possessive ("Moody's said");
* :func:`split_place_prefix` — a place glued to the name after it ("Senator from *Vermont*
  Bernie Sanders");
* :func:`split_company_seat` — a company and its seat ("Acme Inc *of* Chicago");
* :func:`law_name` — a law named by its head noun ("United States Constitution", "Patriot Act");
* :func:`join_fragments` — a company name cut at its "and" ("Standard and Poor's Corp",
  "Merrill Lynch and Co Inc", "S and P");
* :func:`join_particles` — a person's name cut at a lowercase particle ("Erik *ten* Hag").
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from transforms.gazetteer import Gazetteer
from transforms.mentions.names import SURNAME_PARTICLES
from transforms.wordlists import word_lists

_WORDS = word_lists("mention_words.txt")
PORTFOLIOS = _WORDS["portfolios"]
PERSON_TITLE_HEADS = _WORDS["person_title_heads"]
#: Words that end a company's legal name ("Corp", "Inc", "Co"): lowercase, no dots.
COMPANY_SUFFIXES = _WORDS["company_suffixes"]
#: Head nouns that make a capitalized name the name of a law or treaty.
LAW_HEADS = _WORDS["law_heads"]
#: Kinds of non-entities that may also be glued to the edge of a name.
_EDGE_KINDS = {"unit", "currency", "table", "time_zone"}
_AND = {"and", "&"}
#: What follows a possessive: the noun phrase it determines.
_NOMINAL = {"NOUN", "PROPN", "ADJ", "NUM", "ADV", "X", "SYM"}
_BRACKETS = {"(", ")", "[", "]"}


def is_non_entity(gaz: Gazetteer, span: Span) -> bool:
    """Does this name-like span name nothing (see the module docstring)?"""
    if not any(c.isupper() for c in span.text):
        return True  # "dlrs vs", "cts": no proper name is written without a capital
    if gaz.non_entity(span.text) is not None:
        return True
    if all(t.text.lower().rstrip(".") in COMPANY_SUFFIXES for t in span):
        return True  # "Co Inc" left alone by a name cut at its "and"
    return _closes_title(span) or _speaker_tag(span)


def _closes_title(span: Span) -> bool:
    """ "Secretary of State", "Minister of State": the portfolio ends an office's title."""
    doc = span.doc
    if span.start < 2 or doc[span.start - 1].lower_ != "of":
        return False
    head = doc[span.start - 2].lower_.rsplit("-", 1)[-1]
    words = {t.lower_ for t in span}
    return head in PERSON_TITLE_HEADS and words <= PORTFOLIOS


def _speaker_tag(span: Span) -> bool:
    """ "((WN)) How did …": a short capitalized tag in brackets opening a paragraph names the
    interviewer in a transcript; it is markup, not a mention."""
    doc = span.doc
    if len(span) != 1 or not span.text.isupper() or len(span.text) > 4:
        return False
    i = span.start - 1
    while i >= 0 and doc[i].text in _BRACKETS:
        i -= 1
    opened = span.start - 1 - i
    j = span.end
    while j < len(doc) and doc[j].text in _BRACKETS:
        j += 1
    closed = j - span.end
    starts_paragraph = i < 0 or "\n" in doc[i].text or doc[i + 1].is_sent_start
    return opened >= 1 and closed >= 1 and starts_paragraph


def strip_unit_edges(gaz: Gazetteer, span: Span) -> Span | None:
    """Drop units, currencies, table headings and time zones at either edge of a name."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and gaz.non_entity(doc[start].text) in _EDGE_KINDS:
        start += 1
    while end > start and gaz.non_entity(doc[end - 1].text) in _EDGE_KINDS:
        end -= 1
    if start >= end:
        return None
    if (start, end) == (span.start, span.end):
        return span
    return Span(doc, start, end, label=span.label)


#: Labels whose names may end in a number ("Windows 95", "World War 2", "Chapter 11").
_NUMBERED_LABELS = {"EVENT", "PRODUCT", "LAW", "WORK_OF_ART", "FAC"}


def strip_numbers(span: Span) -> Span | None:
    """Drop numbers at the edges of a name: a person or a place never ends in one; an
    organisation keeps a short number ("Channel 4") but not a score ("Kent 108-3", "Durham
    114")."""
    if span.label_ in _NUMBERED_LABELS:
        return span
    doc = span.doc
    start, end = span.start, span.end

    def glued(token) -> bool:
        if span.label_ == "PERSON" and token.lower_ in SURNAME_PARTICLES:
            return False  # "Ten Hag"
        if not (token.like_num or token.text.replace("-", "").replace(".", "").isdigit()):
            return False
        if span.label_ != "ORG":
            return True
        return "-" in token.text or sum(c.isdigit() for c in token.text) > 2

    while start < end and (glued(doc[start]) or doc[start].text == "."):
        start += 1
    while end > start and glued(doc[end - 1]):
        end -= 1
    if start >= end:
        return None
    if (start, end) == (span.start, span.end):
        return span
    return Span(doc, start, end, label=span.label)


def split_place_prefix(gaz: Gazetteer, span: Span) -> list[Span] | None:
    """ "a senator from [Vermont Bernie Sanders]": after "from"/"of", a known place (one or two
    words) followed by two or more name words is the place and a person."""
    doc = span.doc
    if span.label_ not in {"ORG", "PERSON"} or span.start == 0 or len(span) < 3:
        return None
    if doc[span.start - 1].lower_ not in {"from", "of"}:
        return None
    for k in (1, 2):
        place, rest = doc[span.start : span.start + k], doc[span.start + k : span.end]
        if len(rest) < 2 or not all(t.text[:1].isupper() and t.is_alpha for t in rest):
            continue
        if gaz.place(place.text) is not None or gaz.is_subdivision(place.text):
            return [
                Span(doc, place.start, place.end, label="GPE"),
                Span(doc, rest.start, rest.end, label="PERSON"),
            ]
    return None


def split_company_seat(span: Span) -> list[Span] | None:
    """ "[Daniels Pharmaceuticals Inc of St. Petersburg]": a company's legal name, then "of" and
    the place where it sits — two names."""
    doc = span.doc
    if span.label_ != "ORG":
        return None
    for k in range(span.start + 1, span.end - 2):
        if _is_suffix(doc[k]) and doc[k + 1].lower_ == "of" and doc[k + 2].text[:1].isupper():
            return [
                Span(doc, span.start, k + 1, label="ORG"),
                Span(doc, k + 2, span.end, label="GPE"),
            ]
    return None


def law_name(span: Span) -> Span | None:
    """A capitalized name ending in a law's head noun is a law (LAW), whatever the model said."""
    last = span[-1]
    if span.label_ in {"LAW", "EVENT", "WORK_OF_ART"} or len(span) < 2:
        return None
    if last.lower_ in LAW_HEADS and last.text[:1].isupper():
        return Span(span.doc, span.start, span.end, label="LAW")
    return None


def keeps_possessive(doc: Doc, end: int, label: str) -> bool:
    """Is the "'s" at ``doc[end - 1]`` part of an organisation's name ("Moody's said",
    "McDonald's and …")? A possessive determines the noun phrase after it; when none follows,
    the "'s" belongs to the name."""
    if label != "ORG":
        return False
    nxt = doc[end] if end < len(doc) else None
    return nxt is None or nxt.pos_ not in _NOMINAL


def join_fragments(doc: Doc, spans: list[Span]) -> list[Span]:
    """Join company names cut at their "and": "Standard and [Poor's Corp]", "[American
    Telephone] and [Telegraph Co]", "[Merrill Lynch] and Co Inc", "S and [P]"."""
    by_start = {s.start: s for s in spans}
    by_end = {s.end: s for s in spans}
    out: list[Span] = []
    dropped: set[int] = set()
    for span in sorted(spans, key=lambda s: s.start):
        if id(span) in dropped:
            continue
        joined = _join_left(doc, span, by_end) or _join_right(doc, span, by_start)
        if joined is None:
            out.append(span)
            continue
        new, absorbed = joined
        for other in absorbed:
            dropped.add(id(other))
        out = [s for s in out if id(s) not in dropped]
        out.append(new)
    return out


def _is_suffix(token) -> bool:
    return token.text[:1].isupper() and token.text.lower().rstrip(".") in COMPANY_SUFFIXES


def _name_word(token) -> bool:
    return token.text[:1].isupper() and token.is_alpha and not token.is_stop


def _join_left(doc: Doc, span: Span, by_end: dict[int, Span]) -> tuple[Span, list] | None:
    """[left] and [span], where ``span`` ends with a company suffix and the left part has none:
    one company. The left part is the model's own span or untagged name words."""
    and_i = span.start - 1
    if span.label_ != "ORG" or and_i < 1 or doc[and_i].lower_ not in _AND:
        return None
    if not _is_suffix(doc[span.end - 1]) and not _initial(doc[span.start]):
        return None
    left = by_end.get(and_i)
    if left is not None:
        if left.label_ not in {"ORG", "PERSON"} or any(_is_suffix(t) for t in left):
            return None
        names = [t for t in span if not _is_suffix(t)]
        if (left.label_ == "PERSON" and names) or len(names) > 2:
            return None  # "John Smith and Acme Corp": a person and a company
        if left.text.isupper() and len(left.text) > 1 and not _initial(doc[span.start]):
            return None  # "IBM and Apple Inc": two companies
        return Span(doc, left.start, span.end, label="ORG"), [left, span]
    start = and_i
    while start > 0 and _name_word(doc[start - 1]) and doc[start - 1].ent_type_ == "":
        start -= 1
    if start == and_i or and_i - start > 3:
        return None
    if _initial(doc[span.start]) != _initial(doc[start]) or (
        _initial(doc[start]) and and_i - start != 1
    ):
        return None
    return Span(doc, start, span.end, label="ORG"), [span]


def _join_right(doc: Doc, span: Span, by_start: dict[int, Span]) -> tuple[Span, list] | None:
    """[span] and Co (Inc): the company's own "and Co" the model left out."""
    i = span.end
    if span.label_ not in {"ORG", "PERSON"} or i + 1 >= len(doc) or doc[i].lower_ not in _AND:
        return None
    end = i + 1
    while end < len(doc) and _is_suffix(doc[end]):
        end += 1
    if end == i + 1:
        return None
    absorbed = [span]
    other = by_start.get(i + 1)
    if other is not None:
        if other.end > end:
            return None
        absorbed.append(other)
    return Span(doc, span.start, end, label="ORG"), absorbed


def _initial(token) -> bool:
    """A single capital letter: "S" of "S and P"."""
    return len(token.text) == 1 and token.text.isupper()


def join_particles(doc: Doc, ents: list[Span]) -> list[Span]:
    """A person's name with a lowercase particle that the model cut: "Erik ten Hag" ("ten"
    taken for a number), "Ursula von der Leyen" ("Leyen" a place); then the surname written
    alone with its particle capitalized ("Ten Hag", "Von der Leyen", "De Vries" after "Peter
    de Vries") is that person too."""
    out = list(ents)
    tails: set[tuple[str, ...]] = set()
    for e in sorted(ents, key=lambda s: s.start):
        if e.label_ != "PERSON":
            continue
        end = _joined_end(doc, e)
        if end > e.end:
            out = _replace(doc, out, e.start, end)
        inner = [i for i in range(e.start + 1, end) if _particle(doc[i])]
        if inner and end - inner[0] > 1:
            tails.add(tuple(t.lower_ for t in doc[inner[0] : end]))
    for tail in tails:
        for i in range(len(doc) - len(tail) + 1):
            words = doc[i : i + len(tail)]
            if doc[i].is_title and tuple(t.lower_ for t in words) == tail:
                out = _replace(doc, out, i, i + len(tail))
    return sorted(out, key=lambda s: s.start)


def _joined_end(doc: Doc, e: Span) -> int:
    """Where a person's name ends once the particle and the surname after it are joined
    (``e.end`` when nothing is to join)."""
    first = e.end
    while first > e.start + 1 and _particle(doc[first - 1]):
        first -= 1
    p = e.end
    while p < len(doc) and _particle(doc[p]):
        p += 1
    q = p
    while q < len(doc) and q - p < 2 and doc[q].is_title and doc[q].is_alpha:
        q += 1
    if (first == e.end and p == e.end) or q == p:
        return e.end
    if not any(first <= t.head.i < q for t in doc[e.start : first]):
        return e.end  # "paid Anna ten Dollars": the name does not hang on the words after it
    return q


def _particle(token) -> bool:
    return token.is_lower and token.text in SURNAME_PARTICLES


def _replace(doc: Doc, ents: list[Span], start: int, end: int) -> list[Span]:
    """The entities with a PERSON over ``start:end`` in place of those it overlaps (unless
    a PERSON already covers it)."""
    if any(e.label_ == "PERSON" and e.start <= start and end <= e.end for e in ents):
        return ents
    kept = [e for e in ents if e.end <= start or e.start >= end]
    return [*kept, Span(doc, start, end, label="PERSON")]


def join_hyphenated(doc: Doc, ents: list[Span]) -> list[Span]:
    """A person's name the model cut at the hyphen of a double surname ("[Renata Okonkwo-]
    [Baptiste]" ORG and PERSON, "[Agnieszka Wróblewska]-[Nowak]"): two spans joined by a hyphen
    with no space on either side, the left one of two words or more (a given name, then the
    first part), are one name — a person's when either part is, else of their label when they
    agree; a person's name the model ended at such a hyphen takes the capitalized word after
    it ("[Jolanta Kwiatkowska]-Lis"). Two surnames alone stay apart ("the Trump-Pence
    ticket")."""
    out: list[Span] = []
    for e in sorted(ents, key=lambda s: s.start):
        prev = out[-1] if out else None
        if prev is not None and _hyphen_joined(doc, prev, e):
            labels = {prev.label_, e.label_}
            label = "PERSON" if "PERSON" in labels else (prev.label_ if len(labels) == 1 else "")
            if label:
                out[-1] = Span(doc, prev.start, e.end, label=label)
                continue
        out.append(e)
    taken = {i for e in out for i in range(e.start, e.end)}
    for k, e in enumerate(out):
        end = e.end
        if (
            e.label_ == "PERSON"
            and end + 1 < len(doc)
            and end + 1 not in taken
            and doc[end + 1].is_alpha
            and _hyphen_joined(doc, e, doc[end + 1 : end + 2])
        ):
            out[k] = Span(doc, e.start, end + 2, label="PERSON")  # "[Jolanta Kwiatkowska]-Lis"
    return out


def _hyphen_joined(doc: Doc, left: Span, right: Span) -> bool:
    """Are ``left`` and ``right`` the two sides of a hyphen inside a word?"""
    gap = right.start - left.end
    if gap == 1:
        hyphen = doc[left.end]  # [A]-[B]
    elif gap == 0 and doc[left.end - 1].text == "-":
        hyphen = doc[left.end - 1]  # [A-][B]
    else:
        return False
    words = [t for t in doc[left.start : hyphen.i] if t.is_alpha]
    return (
        hyphen.text == "-"
        and not hyphen.whitespace_
        and not doc[hyphen.i - 1].whitespace_
        and len(words) >= 2
        and all(t.text[:1].isupper() for t in words)
        and doc[hyphen.i + 1].is_title
    )
