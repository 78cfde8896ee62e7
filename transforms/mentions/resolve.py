"""In-article entity resolution: which entity each mention names (per label family).

:class:`EntityResolver` keeps the article's entities and attaches mentions to them:

* people: full names, then surnames ("Parly" → "Florence Parly", "De Blasio" → "Bill de
  Blasio"), or the first word of a name for names that open with the family name ("Kim" →
  "Kim Jong Un") or a first name used alone, titles stripped; two
  people with one surname stay apart (a bare surname goes to the candidate that fits its
  title, else the most recent one);
* places: every spelling of a country is one entity ("US", "U.S.", "the United States");
* organisations: acronyms defined in the text ("Federal Security Service (FSB)"), and
  shorter forms that end a longer name ("Cyber Command" → "US Cyber Command");
* demonyms ("French", "Malian") link to their country where that is unambiguous.
"""

from __future__ import annotations

from spacy.tokens import Span

from transforms.document import Document
from transforms.gazetteer import gazetteer, name_key
from transforms.mentions.model import Entity, Mention
from transforms.mentions.names import ACRONYM_RE, TITLES, person_tokens, spelled


class EntityResolver:
    """The entities of one article, and the mentions attached to them so far."""

    def __init__(self, document: Document):
        self.doc = document.doc
        self.document = document
        # Character spans the entity component marked firm (span extension "newsetl_firm",
        # kept by spaCy in user_data under ("._.", name, start_char, end_char)): read once
        # here rather than through one extension lookup per mention.
        self.firm = {
            (key[2], key[3])
            for key, value in self.doc.user_data.items()
            if value is True
            and isinstance(key, tuple)
            and len(key) >= 4
            and key[1] == "newsetl_firm"
        }
        self.gaz = gazetteer()
        self.entities: list[Entity] = []
        self.by_key: dict[tuple[str, str], Entity] = {}
        self.acronyms: dict[str, Entity] = {}
        # (full-name mention, acronym mention, acronym) found by find_acronyms
        self.acronym_pairs: list[tuple[Mention, Mention, str]] = []

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
            sentence_index=self.document.sentence_of(span.start),
            firm=(span.start_char, span.end_char) in self.firm,
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
        span = [t for t in self.doc[m.start : m.end] if not t.is_space]
        words, title = person_tokens([t.text for t in span])
        if title is None and m.start > 0:
            prev = self.doc[m.start - 1].text.lower().rstrip(".")
            title = prev if prev in TITLES else None
        m.title = title
        tokens = tuple(words)
        name = spelled(span, tokens)
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
        longer = self.longer_name(tokens)
        if longer is not None:
            self.attach(m, longer)
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

    def longer_name(self, tokens: tuple[str, ...]) -> Entity | None:
        """The one person whose longer name ends with these words, case aside: "De Blasio"
        (a sentence start, "Mayor de Blasio") is "Bill de Blasio", "Van Gaal" is "Louis van
        Gaal"; None when no person or two fit."""
        low = [t.lower() for t in tokens]
        found = [
            e
            for e in self.entities
            if e.family == "PERSON"
            and len(e.tokens) > len(tokens)
            and [t.lower() for t in e.tokens[-len(tokens) :]] == low
        ]
        return found[0] if len(found) == 1 else None

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
        words = [t.text for t in self.doc[m.start : m.end] if not t.is_space]
        name = " ".join(m.text.split())  # a name across a line break is written on one line
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
                if ACRONYM_RE.match(inner.text) and len(inner.text.replace(".", "")) >= 2:
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
