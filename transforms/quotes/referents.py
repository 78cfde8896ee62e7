"""Who a common-noun speaker stands for: "the commissioner", "the company", "the statement".

News names a speaker once and then refers to them by a description ("Ron Vale, the league's
commissioner, … ‘We will appeal,’ the commissioner said"). :class:`Referents` links such a
speaker — a singular definite description, or a document — to the entity the article names
for it, from the evidence of the text, in this order:

1. a **document** ("the statement", "the report") speaks for whoever issued it: the owner
   written in its own phrase ("Novo's statement", "the Ministry statement", "a statement from
   the ministry"), the subject of the verb that issues it ("Trump released a video that
   said"), else the issuer an earlier mention of a document gives ("X said in a
   statement", "X issued a statement", "a World Bank report"); with no issuer it stays a
   document, a nominal speaker — never a person nearby;
2. a **description the article gives a named person or organisation**: a title before the
   name ("AU trade commissioner Albert Muchanga"), an apposition ("Ron Vale, the league's
   commissioner"; "The mayor, Ivo Kranjc,"), a copula ("Vale is the commissioner"); the
   entity sharing most words with the speaker's phrase, then the latest ("the UAW chief" is
   the person titled UAW president: a leader noun stands for any head's title);
3. an **earlier mention of the same noun**: whom it named ("a Cathay spokesman … the
   spokesman" → Cathay), or nobody when it named nobody ("an aide … the aide");
4. an **organisation noun**: the latest organisation whose name holds the noun ("the
   commission" → "Commission on Presidential Debates"), and for a company noun ("the
   company", "the firm") the company the article is about — a corporate name, speaking
   often, the subject of its sentences;
5. an **office** ("the senator", "the lawmaker") whose holder no description resolves: the
   person in focus, only if the text gave them that office or a narrower one ("Sen. X" … "the
   lawmaker"); never a person merely near ("Mara Quist runs the shelter. … The minister
   said" is nominal);
6. an **epithet** — a capitalized noun ("the Maryland Democrat"), an age ("the 45-year-old"),
   a word of the ``epithet_nouns`` list — refers to the person who spoke last, if near;
7. otherwise nobody: the speaker is nominal ("the official", "the witness").

A speaker "it" right after a thing that spoke ("The report said … “…,” it added") is that
thing. :func:`speaker_kind` is the ``speaker_kind`` column. The words are data:
``transforms/data/quote_words.txt``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Token

from transforms.analysis import Analysis
from transforms.mentions.model import Mention
from transforms.quotes.chains import (
    act_before,
    carried_on,
    document_before,
    earlier_document,
    reporter_before,
)
from transforms.quotes.descriptions import (
    CONTENT_POS,
    ORGANISATION_FAMILIES,
    ORGANISATION_WORDS,
    company,
    determiner,
    document_names,
    epithet_mention,
    fits_office,
    is_epithet,
    is_leader,
    name_in_place,
    named_kind,
    narrowing_nouns,
    of_kind,
    of_object,
    pobj,
    roles_of,
    speaker_kind,
    title_epithet,
)
from transforms.quotes.lexicon import (
    COMPANY_NOUNS,
    DIRECT_CLASSES,
    DOCUMENT_NOUNS,
    ISSUE_VERBS,
    PART_NOUNS,
    REPRESENTATIVES,
    is_cue_verb,
)
from transforms.quotes.linking import link
from transforms.quotes.marks import paragraph_spans
from transforms.quotes.speakers import Attribution
from transforms.quotes.unnamed import Scope, unnamed_before, unnamed_nearer

#: The values of the ``speaker_kind`` column.
SPEAKER_KINDS = ("person", "organisation", "nominal", "pronoun", "none")
#: How far back (paragraphs) the person who spoke last may be for an epithet.
_FOCUS_PARAGRAPHS = 2
_SUBJECTS = {"nsubj", "nsubjpass"}


@dataclass
class _Said:
    """An attribution already resolved, in text order: where its speaker is, what it names."""

    pos: int
    attr: Attribution


class Referents:
    """The evidence of one article for common-noun speakers (computed when first needed)."""

    def __init__(self, an: Analysis):
        self.an = an
        self._roles: list[tuple[int, Mention, frozenset[str]]] = []
        self._roles_done = 0
        self._nouns: dict[str, list[int]] | None = None
        self._said: list[_Said] = []
        self._scope = Scope(an, self._said, self._paragraph)
        self._para_starts: list[int] | None = None

    # ------------------------------------------------------------------ entry point

    def resolve_all(self, attrs: list[Attribution]) -> None:
        """Resolve every attribution once, in text order, and set its ``kind``."""
        seen: set[int] = set()
        ordered = []
        for attr in attrs:
            if id(attr) not in seen and attr.found:
                seen.add(id(attr))
                ordered.append(attr)
            elif not attr.found:
                attr.kind = "none"
        ordered.sort(key=lambda a: a.speaker.start)
        for attr in ordered:
            self._resolve(attr)
            attr.kind = speaker_kind(attr)
            self._said.append(_Said(attr.speaker.start, attr))

    def _resolve(self, attr: Attribution) -> None:
        head = attr.speaker.root
        if attr.pronoun:
            if head.lower_ == "it":
                prev = self._previous_thing(head.i)
                if prev is not None:
                    attr.mention, attr.nominal = prev.mention, prev.mention is None
                elif (document := document_before(self.an, head, attr.mention)) is not None:
                    attr.mention, attr.nominal = self.refer(document, depth=0)
            elif (before := carried_on(self._scope, head)) is not None:
                attr.mention, attr.nominal = before.mention, before.nominal
                self._scope.carried.add(id(attr))
            elif (found := reporter_before(self._scope, head, attr.mention)) is not None:
                # "A spokesman for Airbus confirmed those terms. “…,” he said": Airbus
                attr.mention, attr.nominal = found
                self._scope.carried.add(id(attr))
            elif attr.mention is None:
                attr.nominal = unnamed_before(self._scope, head)
            elif unnamed_nearer(self._scope, head, attr.mention):
                attr.mention, attr.nominal = None, True
            return
        if attr.mention is not None and not epithet_mention(attr.mention, head):
            attr.mention = self._named_representative(head, attr.mention) or attr.mention
            return
        found, nominal = self.refer(head, depth=0)
        if found is not None or nominal:
            attr.mention, attr.nominal = found, nominal

    def _named_representative(self, head: Token, org: Mention) -> Mention | None:
        """ "Toyota spokesman Jerry Giaquinta told Reuters … The Toyota spokesman said": the
        person named before with this noun and this organisation ("a Toyota spokesman": no)."""
        lemma = head.lemma_.lower()
        if lemma not in REPRESENTATIVES or head.tag_ != "NN" or determiner(head) != "definite":
            return None
        if org.family not in ORGANISATION_FAMILIES or org.start <= head.i < org.end:
            return None
        person = self._described(head, lemma)
        org_words = {t.lemma_.lower() for t in self.an.doc[org.start : org.end]}
        roles = next((r for _, m, r in self._roles if m is person), frozenset())
        return person if person and person.family == "PERSON" and org_words & roles else None

    def _paragraph(self, token_i: int) -> int:
        """Index of the paragraph of a token."""
        if self._para_starts is None:
            self._para_starts = [a for a, _ in paragraph_spans(self.an.text)]
        char = self.an.tok_starts[token_i]
        return bisect.bisect_right(self._para_starts, char)

    # ------------------------------------------------------------------ the rules

    def refer(self, head: Token, depth: int) -> tuple[Mention | None, bool]:
        """(the entity a common noun stands for, or None; whether it is known to name
        nobody)."""
        lemma = head.lemma_.lower()
        if (own := self._own_phrase(head, lemma, depth)) is not None:
            return own
        if head.tag_ in {"NNS", "NNPS"} or determiner(head) == "indefinite":
            return None, False
        found = self._described(head, lemma)
        prior = self._same_noun(head, lemma)
        # "the LNP, a conservative party, … the Sustainable Australia party … the party"
        later = prior is not None and (found is None or found.start < prior.i)
        if later and (named := name_in_place(self.an, prior))[0]:
            return named[1], False
        if found is not None:
            return found, False
        if prior is not None:
            if (owner := self._prior_owner(head, prior, lemma, depth)) is not None:
                return owner, False
            organisation = lemma in ORGANISATION_WORDS
            if determiner(prior) == "indefinite" and not organisation:
                return None, True  # "an aide … the aide": nobody named
        if title_epithet(head, lemma):
            # "Sen. Bernie Sanders defended his call … “…,” the senator said"
            found = self._in_focus(head, lemma) if prior is None else self._said_as(prior)
            if found is not None:
                return found, False
        if lemma in ORGANISATION_WORDS:
            # "A sugar mill … closed … the Haitian American Sugar Company … the mill warned":
            # an organisation brought in by a common noun is named later
            found = named_kind(self.an, head, lemma)
            if found is None and lemma in COMPANY_NOUNS:
                found = company(self.an, head, self._role_index(head.i))
            return found, False
        if is_epithet(head, lemma) and not title_epithet(head, lemma):
            # an office ("the Minister said") was judged above: only with evidence
            return self._last_person(head), False
        return None, False

    def _own_phrase(
        self, head: Token, lemma: str, depth: int
    ) -> tuple[Mention | None, bool] | None:
        """What the noun's own phrase says: the document it is part of ("part of the judge's
        statement"), a document's issuer, whom a representative speaks for, an organisation's
        own name ("the company PT Tambang Timah": that one, known or not)."""
        if lemma in PART_NOUNS:
            whole = of_object(head)
            if whole is not None and depth < 2:
                return self.refer(whole, depth + 1)
        if lemma in DOCUMENT_NOUNS:
            return self._issuer(head, depth), True
        if (owner := self._spoken_for(head, lemma, depth)) is not None:
            return owner, False
        named, in_place = name_in_place(self.an, head)
        return (in_place, False) if named else None

    def _spoken_for(self, head: Token, lemma: str, depth: int) -> Mention | None:
        """ "A spokeswoman for the ministry said": the organisation it speaks for."""
        if lemma not in REPRESENTATIVES or head.tag_ != "NN":
            return None
        owner = self._owner_in_phrase(head, depth)
        return owner if owner is not None and owner.family in ORGANISATION_FAMILIES else None

    def _prior_owner(self, head: Token, prior: Token, lemma: str, depth: int) -> Mention | None:
        """Whom an earlier mention of the same noun named ("a Cathay spokesman … the
        spokesman"), when it is of the kind the speaker's nouns narrow it to."""
        owner = link(self.an, self.an.doc[prior.i : prior.i + 1], prior)
        if owner is None and lemma in REPRESENTATIVES:
            owner = self._owner_in_phrase(prior, depth)
        return owner if owner is not None and of_kind(owner, narrowing_nouns(head)) else None

    def _issuer(self, head: Token, depth: int) -> Mention | None:
        """Who issued a document: the owner in its own phrase, else the issuer an earlier
        mention of a document names."""
        owner = self._owner_in_phrase(head, depth) or self._issued_by(head)
        if owner is not None or depth > 1 or determiner(head) == "indefinite":
            return owner
        doc, quoted = self.an.doc, self.an.quoted
        lo = max(0, self.an.sent_starts[max(0, self.an.sentence_of(head.i) - 12)])
        for i in range(head.i - 1, lo - 1, -1):
            tok = doc[i]
            if quoted[i] or tok.pos_ != "NOUN" or tok.lemma_.lower() not in DOCUMENT_NOUNS:
                continue
            if not document_names(head) <= document_names(tok):
                continue  # "the Republican report" is not the Democrats' report before it
            owner = self._owner_in_phrase(tok, depth) or self._issued_by(tok)
            if owner is not None:
                return owner
            if tok.lemma_ == head.lemma_ and tok.dep_ != "compound":
                break  # the nearest statement before "the statement" is the one it names
        if (same := earlier_document(self._scope, head)) is not None:
            return same.mention  # "the U.S. Embassy report says … the report states"
        return act_before(self.an, head, self._entity_of)

    def _owner_in_phrase(self, noun: Token, depth: int = 0) -> Mention | None:
        """ "Novo's statement", "the Ministry statement", "a statement from/by the ministry",
        "a spokesman for CP": a name that depends on the noun itself, or the organisation
        noun there resolved in turn ("the institute's report", "a police press release",
        "a spokesman for the company")."""
        for child in noun.children:
            target = None
            if child.dep_ in {"poss", "compound", "nmod"}:
                target = child
                if child.dep_ == "compound" and child.lemma_.lower() not in ORGANISATION_WORDS:
                    # "a police press release": the compound before the compound
                    target = next((g for g in child.children if g.dep_ == "compound"), child)
            elif child.dep_ == "prep" and child.lower_ in {"from", "by", "of", "for"}:
                target = pobj(child)
            elif child.dep_ == "acl" and child.tag_ == "VBN":
                # "a statement released by X", "a tweet sent from Biden's account"
                by = [g for g in child.children if g.dep_ == "agent" or g.lower_ == "from"]
                target = pobj(by[0]) if by else None
            found = self._named(target) if target is not None else None
            if found is None and target is not None and depth < 2:
                found = self._organisation_noun(target, depth)
            if found is not None:
                return found
        return None

    def _organisation_noun(self, tok: Token, depth: int) -> Mention | None:
        """The organisation "the ministry", "the company", "police" stands for (:meth:`refer`)."""
        lemma = tok.lemma_.lower()
        if tok.tag_ != "NN" or lemma not in ORGANISATION_WORDS:
            return None
        if determiner(tok) == "indefinite":
            return None
        found, _ = self.refer(tok, depth + 1)
        return found if found is not None and found.family in ORGANISATION_FAMILIES else None

    def _named(self, tok: Token) -> Mention | None:
        """The person or organisation a word names: its mention, a pronoun's antecedent,
        or the owner of a word ("Biden's account")."""
        an = self.an
        for t in (tok, *(c for c in tok.children if c.dep_ == "poss")):
            for m in an.mentions_in(t.i, t.i + 1):
                if m.family in ORGANISATION_FAMILIES or m.family == "PERSON":
                    return an.misread.get(id(m), m)
            if t.pos_ == "PRON":
                ante = an.antecedent(t)
                if ante is not None:
                    return ante
        return None

    def _issued_by(self, noun: Token) -> Mention | None:
        """ "X said in a statement", "X issued a statement", "X confirmed the cuts in a
        statement", "X, in a post on X, congratulated …": the subject of the verb whose object
        (or "in" phrase: of any verb in the active) the document is."""
        verb = noun.head
        deps = _SUBJECTS
        if noun.dep_ == "pobj" and verb.lower_ == "in":
            verb = verb.head
            if verb.dep_ == "nsubj":
                return self._entity_of(verb)  # the "in" phrase hangs on the subject
            # "was named in a report" is no issuer
            deps = deps if is_cue_verb(verb, DIRECT_CLASSES) else {"nsubj"}
        elif noun.dep_ != "dobj" or verb.lemma_.lower() not in ISSUE_VERBS:
            return None
        subj = next((c for c in verb.children if c.dep_ in deps), None)
        if subj is None:
            return None
        return self._entity_of(subj)

    def _entity_of(self, tok: Token) -> Mention | None:
        """The entity a subject names: its mention, a pronoun's antecedent, a name in
        apposition, or a common noun resolved in turn."""
        an = self.an
        if tok.pos_ == "PRON":
            return an.antecedent(tok)
        for m in an.mentions_in(tok.i, tok.i + 1):
            if m.start <= tok.i < m.end:
                return an.misread.get(id(m), m)
        # "the company's chief executive, Laura Chen, said in a statement": the name beside
        found = link(an, an.doc[tok.i : tok.i + 1], tok)
        if found is None:
            found, _ = self.refer(tok, depth=2)
        return found

    def _described(self, head: Token, lemma: str) -> Mention | None:
        """The named person or organisation the article describes with this noun (a title
        before the name, an apposition, a copula), most words shared, then the latest."""
        words = {t.lemma_.lower() for t in head.subtree if t.pos_ in CONTENT_POS}
        names = {t.lemma_.lower() for t in head.subtree if t.pos_ == "PROPN"}
        best: tuple[int, int, Mention] | None = None
        for pos, m, roles in self._role_index(head.i):
            if pos >= head.i:
                break
            if self.an.quoted[pos] or (m.family == "PERSON" and lemma in ORGANISATION_WORDS):
                continue  # "Dara Osei, the company's chief executive" is not "the company"
            score = len(words & roles)
            if lemma not in roles and not is_leader(lemma, roles, len(names & roles)):
                continue
            if best is None or (score, pos) >= best[:2]:
                best = (score, pos, m)
        return best[2] if best else None

    def _role_index(self, upto: int) -> list[tuple[int, Mention, frozenset[str]]]:
        """The descriptions of the persons and organisations named before token ``upto``
        (computed as far as asked, once)."""
        named = self.an.named
        while self._roles_done < len(named) and named[self._roles_done].start < upto:
            m = named[self._roles_done]
            self._roles_done += 1
            if m.family in {"PERSON", "ORG"}:
                words = roles_of(self.an, m)
                if words:
                    self._roles.append((m.start, m, words))
        return self._roles

    def _same_noun(self, head: Token, lemma: str) -> Token | None:
        """The latest earlier singular noun with the same lemma, outside quotations."""
        if self._nouns is None:
            self._nouns = {}
            for tok in self.an.tokens:
                if tok.tag_ in {"NN", "NNP"} and not self.an.quoted[tok.i]:
                    self._nouns.setdefault(tok.lemma_.lower(), []).append(tok.i)
        found = self._nouns.get(lemma, [])
        k = bisect.bisect_left(found, head.i)
        return self.an.tokens[found[k - 1]] if k else None

    def _in_focus(self, head: Token, lemma: str) -> Mention | None:
        """The person in focus before a title, if the text gave them that office (a narrower
        title, a leader's title: :meth:`_holds`): the subject of the main clause of the
        nearest sentence before (this paragraph or the one before, three sentences at most)
        that has a person for subject, else the person who spoke last. Without that evidence
        nobody: "Mara Quist runs the shelter. … The minister said" is not Mara Quist."""
        an = self.an
        k = an.sentence_of(head.i)
        para = self._paragraph(head.i)
        for j in range(k, max(-1, k - 4), -1):
            if para - self._paragraph(an.sent_starts[j]) > 1:
                break
            root = an.sents[j].root
            if an.quoted[root.i]:
                continue
            for subj in root.children:
                if subj.dep_ not in _SUBJECTS or subj.i >= head.i or an.quoted[subj.i]:
                    continue
                if subj.pos_ == "PRON":
                    m = an.antecedent(subj) if subj.lower_ in {"he", "she"} else None
                else:
                    m = an.mention_at(subj.i)
                    m = an.misread.get(id(m), m) if m is not None else None
                if m is not None and m.family == "PERSON":
                    return m if self._holds(m, lemma, head.i) else None
        last = self._last_person(head)
        return last if last is not None and self._holds(last, lemma, head.i) else None

    def _holds(self, person: Mention, lemma: str, upto: int) -> bool:
        """Did the text give this person, before token ``upto``, that office
        (:func:`fits_office`)?"""
        same = [w for _, m, w in self._role_index(upto) if m.entity is person.entity or m is person]
        return fits_office(lemma, frozenset().union(*same))

    def _said_as(self, prior: Token) -> Mention | None:
        """The person an earlier speaker with the same title was ("the senator said … the
        senator added")."""
        for said in reversed(self._said):
            if said.attr.speaker.root.i == prior.i:
                m = said.attr.mention
                return m if m is not None and m.family == "PERSON" else None
        return None

    def _last_person(self, head: Token) -> Mention | None:
        """The person who spoke last, within a few sentences."""
        if not self._said:
            return None
        prev = self._said[-1]
        if self._paragraph(head.i) - self._paragraph(prev.pos) > _FOCUS_PARAGRAPHS:
            return None
        m = prev.attr.mention
        return m if m is not None and m.family == "PERSON" else None

    def _previous_thing(self, pos: int) -> Attribution | None:
        """The speaker before a speaker "it", when it is a thing (an organisation or a
        document) and near."""
        if not self._said:
            return None
        prev = self._said[-1]
        if self._paragraph(pos) - self._paragraph(prev.pos) > 1:
            return None
        attr = prev.attr
        if attr.pronoun and attr.speaker.root.lower_ != "it":
            return None
        if attr.mention is not None:
            return attr if attr.mention.family in ORGANISATION_FAMILIES else None
        lemma = attr.speaker.root.lemma_.lower()
        thing = attr.nominal or lemma in DOCUMENT_NOUNS or lemma in ORGANISATION_WORDS
        return attr if thing else None
