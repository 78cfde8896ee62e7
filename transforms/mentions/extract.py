"""Named-entity mentions of one article: the rows of the ``mentions`` table.

:func:`extract_mentions` reads the entities left on the Doc by the ``newsetl_entities``
component (:mod:`transforms.mentions.component`) and resolves them within the article
(:mod:`transforms.mentions.resolve`): one label per surface name, acronyms defined in the
text, short organisation names merged with the long ones they stand for, and bare later
mentions the model missed that match a known alias (origin ``alias``). Mentions get their
sentence from the article's :class:`~transforms.document.Document` and a ``mention_id`` =
hash of (article_id, character span).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from spacy.tokens import Doc, Span

from transforms.document import Document
from transforms.gazetteer import name_key
from transforms.ids import stable_id
from transforms.mentions.component import EntityFixer
from transforms.mentions.model import NON_ENTITY_LABELS, Entity, Mention
from transforms.mentions.names import TITLES, initials, person_tokens, shouting
from transforms.mentions.resolve import EntityResolver


def extract_mentions(doc: Doc, article_id: str, document: Document | None = None) -> list[Mention]:
    """Resolve the doc's entities into mentions with entity ids (document order).

    ``document`` is the article's text layer (built here when not given).
    """
    res = EntityResolver(document if document is not None else Document(doc))
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


def _resolve_one(res: EntityResolver, m: Mention, acronym_of: dict) -> None:
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


def _unify_labels(mentions: list[Mention], res: EntityResolver) -> None:
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
        firm = Counter(m.label for m in group if m.firm)
        if fixed:
            winner = sorted(fixed)[0]
        elif firm:
            winner = firm.most_common(1)[0][0]
        elif preferred:
            winner = preferred[0]
        else:
            winner = max(
                labels,
                key=lambda lab: (labels[lab], -min(m.start for m in group if m.label == lab)),
            )
        for m in group:
            m.label = winner


def _alias_mentions(res: EntityResolver, mentions: list[Mention]) -> list[Mention]:
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
    keys = sorted(patterns)
    added: list[Mention] = []
    for k, start, end in _occurrences(doc, keys):
        if any(i in taken for i in range(start, end)):
            continue
        form = keys[k]
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


def _occurrences(doc: Doc, forms: list[tuple[str, ...]]) -> list[tuple[int, int, int]]:
    """(index of the form, start, end) of every occurrence of the forms (token texts) in the
    doc, by start then longest first: what a ``PhraseMatcher`` on ``ORTH`` finds, without
    building one (and a Doc per form) for each article."""
    strings = doc.vocab.strings
    hashed = [tuple(strings[w] for w in form) for form in forms]
    by_first: dict[int, list[int]] = defaultdict(list)
    for k, form in enumerate(hashed):
        by_first[form[0]].append(k)
    orth = doc.to_array("ORTH").tolist()
    found = []
    for i in (i for i, h in enumerate(orth) if h in by_first):
        for k in by_first[orth[i]]:
            end = i + len(hashed[k])
            if tuple(orth[i:end]) == hashed[k]:
                found.append((k, i, end))
    return sorted(found, key=lambda x: (x[1], -x[2]))


def _merge_short_org_names(res: EntityResolver) -> None:
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
    if shouting(text):
        return False
    if len(form) == 1 and not (
        ent.family == "PERSON" and len(ent.tokens) > 1 and form[0] == ent.tokens[-1]
    ):
        seen = [m for m in ent.mentions if m.text == form[0]]
        if seen and all(doc[m.start].is_sent_start for m in seen):
            return False  # only ever seen opening a line: a table row or rubric, not a name
    return True


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


def _finalize(res: EntityResolver, mentions: list[Mention], article_id: str) -> None:
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
        if shouting(ent.name):
            calm = [n for n in names if not shouting(n) and name_key(n) == name_key(ent.name)]
            # "LONDON" only ever in a dateline: written as a name, not shouted.
            ent.name = calm[0] if calm else ent.name.title()
    for m in mentions:
        m.mention_id = stable_id("mention", article_id, m.start_char, m.end_char)
        if m.entity is not None and m.label != "NORP":
            m.label = m.entity.label if m.entity.family == m.family else m.label
