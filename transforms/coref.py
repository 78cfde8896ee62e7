"""Pronoun resolution within an article: "she said" → the right earlier person.

Rule-based and salience-driven (after Lappin & Leass / Hobbs-style heuristics):

* personal pronouns (he/she/…) resolve to PERSON entities, "it/its" to organisations and
  places, "they/their" to organisations, places and groups (NORP) or to persons in plural;
* candidates are entity mentions — and pronouns already resolved, so chains carry on — in the
  same sentence before the pronoun or in the previous ``WINDOW`` sentences (``WIDE_WINDOW``
  for the subject of a verb of saying when nobody fits nearer);
* a candidate that was the grammatical subject scores higher, nearer ones score higher, and
  entities mentioned often score a little higher; the subject of a verb of saying is the
  likeliest antecedent of the next "she said" (speakers stay in focus in news reports);
* gender is used only where the text gives it (titles such as Mrs/Mr, nouns such as
  spokeswoman/spokesman next to the name, or an earlier unambiguous pronoun); a person known
  to match the pronoun's gender is preferred to one whose gender is unknown;
* quotations (``quoted``: one flag per token; by default found by the quotes module's mark
  pairing): names inside
  quotations are not antecedents of pronouns outside them (in “We beat Google,” he said,
  "he" is not Google), and pronouns inside quotations — which speak of the speaker's own
  world (“my grandmother … she”) — neither extend chains nor teach genders.

Usage: ``resolver = PronounResolver(doc, mentions)``, then ``resolver.resolve(token)``
returns the antecedent :class:`~transforms.mentions.Mention` (a mention of the entity) or
None. Results are cached; resolve pronouns in any order (earlier personal pronouns are
resolved first, once, so that chains "she … she" carry on); the total cost is linear in the
length of the article.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc, Token

from transforms.mentions import Entity, Mention

WINDOW = 3
#: How far back a speaker pronoun ("she said") looks when nobody fits in the last WINDOW.
WIDE_WINDOW = 8
PRONOUN_GENDER = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
THING_PRONOUNS = {"it", "its", "itself"}
PLURAL_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
FEMALE_WORDS = frozenset(
    """mrs ms miss madam dame lady queen princess sister mother wife daughter spokeswoman
    chairwoman congresswoman businesswoman woman girl actress duchess countess baroness""".split()
)
MALE_WORDS = frozenset(
    """mr sir lord king prince father brother husband son spokesman chairman congressman
    businessman man boy actor duke count baron""".split()
)
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
#: Verbs of saying: their subjects stay in focus for the next pronoun speaker.
SAYING = frozenset(
    """say tell add state write tweet ask explain note argue claim insist warn announce
    declare reply respond continue conclude acknowledge admit describe call""".split()
)


def is_resolvable_pronoun(token: Token) -> bool:
    low = token.lower_
    return token.pos_ == "PRON" or (
        token.tag_ in {"PRP", "PRP$"}
        and (low in PRONOUN_GENDER or low in THING_PRONOUNS or low in PLURAL_PRONOUNS)
    )


def _is_speaker(token: Token) -> bool:
    """Is this token the subject of a verb of saying?"""
    return token.dep_ in SUBJECT_DEPS and token.head.lemma_.lower() in SAYING


class PronounResolver:
    def __init__(self, doc: Doc, mentions: list[Mention], quoted: Sequence[int] | None = None):
        self.doc = doc
        from transforms.quotes import quoted_mask, sentences  # (quotes imports this module)

        if quoted is None:
            quoted = quoted_mask(doc)
        self.quoted = quoted
        self.sent_starts = [s.start for s in sentences(doc)] or [0]
        known = [m for m in mentions if m.entity is not None]
        misread = misread_surnames(known)
        # a bare surname taken for a nationality or a region stands for the person it names
        self.mentions = sorted(
            (
                replace(m, label="PERSON", entity=p.entity, mention_id=p.mention_id)
                if id(m) in misread and (p := misread[id(m)])
                else m
                for m in known
            ),
            key=lambda m: m.start,
        )
        self.starts = [m.start for m in self.mentions]
        self.cache: dict[int, Mention | None] = {}
        self.gender: dict[int, str] = {}
        for m in self.mentions:
            if m.family == "PERSON" and m.entity is not None:
                g = self._gender_evidence(m)
                if g:
                    self.gender.setdefault(id(m.entity), g)
        # chains: pronoun token index -> antecedent mention, in text order
        self.chain: list[tuple[int, Mention]] = []
        self.chain_starts: list[int] = []
        self._cursor = 0  # personal pronouns before this token index are resolved

    def sentence_of(self, i: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, i) - 1)

    def _gender_evidence(self, m: Mention) -> str | None:
        words = {m.title or ""}
        lo, hi = max(0, m.start - 3), min(len(self.doc), m.end + 6)
        words |= {t.lower_ for t in self.doc[lo:hi]}
        female, male = words & FEMALE_WORDS, words & MALE_WORDS
        if female and not male:
            return "f"
        if male and not female:
            return "m"
        return None

    def _kind_ok(self, pronoun: str, m: Mention) -> bool:
        if pronoun in PRONOUN_GENDER:
            if m.family != "PERSON":
                return False
            g = self.gender.get(id(m.entity))
            return g is None or g == PRONOUN_GENDER[pronoun]
        if pronoun in THING_PRONOUNS:
            return m.family in {"ORG", "PLACE", "FAC", "PRODUCT"}
        if pronoun in PLURAL_PRONOUNS:
            return m.family in {"ORG", "PLACE", "NORP"}
        return False

    def resolve(self, token: Token) -> Mention | None:
        """The antecedent mention of a pronoun token, or None."""
        if token.i in self.cache:
            return self.cache[token.i]
        pronoun = token.lower_
        if (
            pronoun not in PRONOUN_GENDER
            and pronoun not in THING_PRONOUNS
            and pronoun not in PLURAL_PRONOUNS
        ):
            return None
        # Resolve earlier personal pronouns first (once) so chains ("she … she") are there.
        if self._cursor < token.i:
            q = self.quoted
            for t in self.doc[self._cursor : token.i]:
                if t.i not in self.cache and t.lower_ in PRONOUN_GENDER and not (q and q[t.i]):
                    self._resolve_one(t, t.lower_)
            self._cursor = token.i
        return self._resolve_one(token, pronoun)

    def _hidden(self, pos: int, token: Token) -> bool:
        """A name inside a quotation does not antecede a pronoun outside it."""
        q = self.quoted
        return q is not None and bool(q[pos]) and not q[token.i]

    def _resolve_one(self, token: Token, pronoun: str) -> Mention | None:
        result = self._best(token, pronoun, WINDOW)
        if result is None and pronoun in PRONOUN_GENDER and _is_speaker(token):
            # "she said" with nobody in the last sentences: the speaker the article is about
            result = self._best(token, pronoun, WIDE_WINDOW)
        self.cache[token.i] = result
        if result is not None:
            k = bisect.bisect_left(self.chain_starts, token.i)
            self.chain.insert(k, (token.i, result))
            self.chain_starts.insert(k, token.i)
            quoted = self.quoted is not None and bool(self.quoted[token.i])
            if pronoun in PRONOUN_GENDER and id(result.entity) not in self.gender and not quoted:
                self.gender[id(result.entity)] = PRONOUN_GENDER[pronoun]
        return result

    def _best(self, token: Token, pronoun: str, window: int) -> Mention | None:
        sent = self.sentence_of(token.i)
        first = self.sent_starts[max(0, sent - window)]
        lo = bisect.bisect_left(self.starts, first)
        hi = bisect.bisect_left(self.starts, token.i)
        candidates: list[tuple[int, Mention]] = [(m.start, m) for m in self.mentions[lo:hi]]
        c_lo = bisect.bisect_left(self.chain_starts, first)
        c_hi = bisect.bisect_left(self.chain_starts, token.i)
        candidates += self.chain[c_lo:c_hi]
        best: tuple[float, Mention] | None = None
        freq: dict[int, int] = {}
        for _, m in candidates:
            freq[id(m.entity)] = freq.get(id(m.entity), 0) + 1
        speaking = _is_speaker(token)
        for pos, m in candidates:
            if not self._kind_ok(pronoun, m) or self._hidden(pos, token):
                continue
            if pos <= token.i < (m.end if pos == m.start else pos + 1):
                continue
            distance = sent - self.sentence_of(pos)
            tok = self.doc[pos]
            head = self.doc[m.start : m.end].root if pos == m.start else tok
            # the subject, or a name in apposition to it ("Its chief, Ana Lopes, said")
            subject = head.dep_ in SUBJECT_DEPS or (
                head.dep_ == "appos" and head.head.dep_ in SUBJECT_DEPS
            )
            # A possessive pronoun inside the same clause rarely points at its own subject's
            # object; a subject pronoun rarely points at a mention in its own clause.
            same_clause = distance == 0 and head.head == token.head
            score = 10.0 - 3.0 * distance + (4.0 if subject else 0.0) + min(freq[id(m.entity)], 4)
            if speaking and (
                _is_speaker(head) or (head.dep_ == "appos" and _is_speaker(head.head))
            ):
                score += 3.0
            if pronoun in PRONOUN_GENDER and self.gender.get(id(m.entity)):
                score += 2.5  # known to match beats unknown: "she" after "Berg … she"
            score += pos / 10_000  # nearer wins ties
            if same_clause and pronoun in {"he", "she", "they", "it"}:
                score -= 8.0
            if best is None or score > best[0]:
                best = (score, m)
        return best[1] if best else None


def misread_surnames(mentions: list[Mention]) -> dict[int, Mention]:
    """``id(mention)`` -> the person's latest full-name mention, for bare surnames the entity
    recognizer took for a nationality or a region ("said Cuban" after "Mark Cuban", "West"
    after "Cornel West"). Countries and cities are left alone ("Washington")."""
    out: dict[int, Mention] = {}
    by_surname: dict[str, Mention] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.entity is None:
            continue
        if m.family == "PERSON" and len(m.entity.tokens) > 1:
            by_surname[m.entity.tokens[-1]] = m
        elif m.label in {"NORP", "LOC"} and m.end - m.start == 1 and m.text in by_surname:
            out[id(m)] = by_surname[m.text]
    return out


def entity_of(m: Mention | None) -> Entity | None:
    return m.entity if m is not None else None
