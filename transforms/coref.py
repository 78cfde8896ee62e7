"""Pronoun resolution within an article: "she said" → the right earlier person.

:func:`resolve_pronouns` answers every pronoun of an article once, in text order, when the
article's :class:`~transforms.analysis.Analysis` is built; the extractors read the answers
(``Analysis.antecedent``), so an answer never depends on which extractor asked first.

Rule-based and salience-driven (after Lappin & Leass / Hobbs-style heuristics):

* personal pronouns (he/she/…) resolve to PERSON entities, "it/its" to organisations and
  places, "they/their" to organisations, places and groups (NORP) or to persons in plural;
* candidates are entity mentions — and pronouns already resolved, so that chains carry on
  ("she … she", "it said … it said") — in the same sentence before the pronoun or in the
  previous ``WINDOW`` sentences (``WIDE_WINDOW`` for the subject of a verb of saying when
  nobody fits nearer); the pronouns that extend chains are the personal pronouns outside
  quotations and the subjects of a verb of saying outside quotations (speakers stay in
  focus); other "it"/"they" resolve against the chains without extending them;
* a candidate that was the grammatical subject scores higher (the subject of the main clause
  more than that of an embedded clause), nearer ones score higher, those of the pronoun's
  own paragraph higher (a new paragraph brings a new subject into focus), and
  entities mentioned often score a little higher; the subject of a verb of saying is the
  likeliest antecedent of the next "she said" (speakers stay in focus in news reports) until
  another person becomes the topic — the subject of a main clause that reports no speech;
* gender is used only where the text gives it (titles such as Mrs/Mr, nouns such as
  spokeswoman/spokesman next to the name, or an earlier unambiguous pronoun); a person known
  to match the pronoun's gender is preferred to one whose gender is unknown;
* quotations (the analysis's ``quoted`` mask): names inside quotations are not antecedents of
  pronouns outside them (in “We beat Google,” he said, "he" is not Google), and pronouns
  inside quotations — which speak of the speaker's own world (“my grandmother … she”) —
  neither extend chains nor teach genders;
* a bare surname the recognizer took for a nationality or a region ("said Cuban" after "Mark
  Cuban") stands for the person it names (:func:`misread_surnames`).

The word lists (gendered words, verbs of saying) are data: ``transforms/data/coref_words.txt``.
The total cost is linear in the length of the article.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import replace

from spacy.tokens import Token

from transforms.document import Document
from transforms.mentions.model import Mention
from transforms.quotes.marks import paragraph_spans
from transforms.tokenfind import tokens_with
from transforms.wordlists import word_lists

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
#: What knowing a candidate's gender adds to its salience, by the pronoun's gender. Most
#: people in the news whose gender the text does not give are men (about three in four of
#: the people quoted, by the Gender Gap Tracker's counts), so a person known to be a woman is
#: far likelier than an unknown one to be "she" (odds 1 : 1/4), one known to be a man only a
#: little likelier to be "he" (1 : 3/4): the bonus scales with the log of those odds — "he
#: noted" after a newly named speaker is his, not the earlier speaker's whom a "he" taught.
KNOWN_GENDER_BONUS = {"f": 2.5, "m": round(2.5 * math.log(4 / 3) / math.log(4), 2)}
#: What a first name of the other gender takes off a candidate's salience: more than any
#: other evidence gives, so that such a person is the antecedent only when nobody else fits
#: (the census lists say 9 in 10 of its bearers, not all, and they are American).
NAME_MISMATCH = 20.0
THING_PRONOUNS = {"it", "its", "itself"}
PLURAL_PRONOUNS = {"they", "them", "their", "theirs", "themselves"}
_PRONOUN_FORMS = frozenset(PRONOUN_GENDER) | THING_PRONOUNS | PLURAL_PRONOUNS
_WORDS = word_lists("coref_words.txt")
FEMALE_WORDS = _WORDS["female"]
MALE_WORDS = _WORDS["male"]
#: First names that at least 90 % of their bearers in the census share with one gender
#: (``first_names.txt``). Soft evidence: the lists are American ("Jean", "Andrea" and the
#: surname "Tran" are women's names there), so a name never rules a person out.
_FIRST_NAMES = word_lists("first_names.txt")
FIRST_NAME_GENDER = {
    **{n: "m" for n in _FIRST_NAMES["male"]},
    **{n: "f" for n in _FIRST_NAMES["female"]},
}
#: Verbs of saying: their subjects stay in focus for the next pronoun speaker.
SAYING = _WORDS["saying"]
#: Nouns for a place: a name that modifies one, or is the object of its "of", is a place
#: (``place_words.txt``, the list the events extractor reads too, and the nouns that are a
#: place only beside a name: "Borno state").
_PLACE_WORDS = word_lists("place_words.txt")
PLACE_NOUNS = _PLACE_WORDS["place_nouns"] | _PLACE_WORDS["named_place_nouns"]
#: Prepositions of place: "in Bayan Lepas" names no person.
_LOCATIVE = {"in", "at", "near", "across", "throughout", "around", "into"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
#: The arguments of a verb that a personal pronoun cannot share a referent with.
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "dative"}


def is_resolvable_pronoun(token: Token) -> bool:
    """A pronoun :func:`resolve_pronouns` answers (he/she/it/they and their forms)."""
    low = token.lower_
    if low in PRONOUN_GENDER:
        return True
    return (low in THING_PRONOUNS or low in PLURAL_PRONOUNS) and (
        token.pos_ == "PRON" or token.tag_ in {"PRP", "PRP$"}
    )


def _is_speaker(token: Token) -> bool:
    """Is this token the subject of a verb of saying?"""
    return token.dep_ in SUBJECT_DEPS and token.head.lemma_.lower() in SAYING


def resolve_pronouns(
    document: Document, mentions: list[Mention], misread: dict[int, Mention] | None = None
) -> dict[int, Mention | None]:
    """Token index -> antecedent mention (a mention of the entity), for every pronoun of the
    article that :func:`is_resolvable_pronoun` accepts, resolved in text order.

    ``document`` gives the sentences and the quoted-token mask; ``misread`` is the output of
    :func:`misread_surnames` (computed here when None).
    """
    resolver = _Resolver(document, mentions, misread)
    answers: dict[int, Mention | None] = {}
    # only the tokens spelled as a pronoun it answers are tested (the others cannot pass)
    for token in map(document.tokens.__getitem__, tokens_with(document.doc, _PRONOUN_FORMS)):
        if is_resolvable_pronoun(token):
            answers[token.i] = resolver.resolve(token)
    return answers


class _Resolver:
    """The salience state of :func:`resolve_pronouns`, fed one pronoun at a time in order."""

    def __init__(
        self,
        document: Document,
        mentions: list[Mention],
        misread: dict[int, Mention] | None,
    ):
        self.document = document
        self.doc = document.doc
        self.quoted = document.quoted
        self.sent_starts = list(document.sent_starts) or [0]
        self.segment_starts = [g.start for g in document.segments]
        self.para_starts = [document.token_at(a) for a, _ in paragraph_spans(document.text)]
        self._quote_speakers: dict[int, set[int]] = {}
        known = [m for m in mentions if m.entity is not None]
        if misread is None:
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
        self.gender: dict[int, str] = {}
        #: the gender a person's first name suggests (:func:`first_name_gender`)
        self.name_gender: dict[int, str] = {}
        for m in self.mentions:
            if m.family == "PERSON" and m.entity is not None:
                named = first_name_gender(m.entity.tokens)
                if named is not None:
                    self.name_gender[id(m.entity)] = named
                g = self._gender_evidence(m)
                # a word near the name that says the other gender than its first name is
                # another person's ("Fujisawa's widow, Michiko Fujisawa"); a title is not
                if g and (named in {None, g} or _word_gender({m.title or ""}) == g):
                    self.gender.setdefault(id(m.entity), g)
        # chains: pronoun token index -> antecedent mention, in text order
        self.chain: list[tuple[int, Mention]] = []
        self.chain_starts: list[int] = []

    def sentence_of(self, i: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, i) - 1)

    def _gender_evidence(self, m: Mention) -> str | None:
        words = {m.title or ""}
        # the name's own sentence: "… Crandall told a briefing. A spokeswoman …" is not his
        first, end = self.document.sentence_bounds(m.start)
        lo, hi = max(first, m.start - 3), min(end, m.end + 6)
        words |= {t.lower_ for t in self.doc[lo:hi]}
        return _word_gender(words)

    def _kind_ok(self, pronoun: str, m: Mention) -> bool:
        if pronoun in PRONOUN_GENDER:
            if m.family != "PERSON" or place_shaped(self.doc[m.start : m.end].root):
                return False
            g = self.gender.get(id(m.entity))
            return g is None or g == PRONOUN_GENDER[pronoun]
        if pronoun in THING_PRONOUNS:
            return m.family in {"ORG", "PLACE", "FAC", "PRODUCT"}
        if pronoun in PLURAL_PRONOUNS:
            return m.family in {"ORG", "PLACE", "NORP"}
        return False

    def _speaker_ok(self, token: Token, m: Mention) -> bool:
        """A place does not speak as "they" ("Maria arrived in Lisbon. “…,” they said")."""
        return not (token.lower_ == "they" and m.family == "PLACE" and _is_speaker(token))

    def _hidden(self, pos: int, token: Token) -> bool:
        """A name inside a quotation does not antecede a pronoun outside it."""
        q = self.quoted
        return bool(q[pos]) and not q[token.i]

    def resolve(self, token: Token) -> Mention | None:
        """The antecedent of the next pronoun (pronouns come in text order). Outside
        quotations, a personal pronoun or the subject of a verb of saying extends the chains,
        and a personal pronoun teaches its antecedent's gender."""
        pronoun = token.lower_
        result = self._best(token, pronoun, WINDOW)
        if result is None and pronoun in PRONOUN_GENDER and _is_speaker(token):
            # "she said" with nobody in the last sentences: the speaker the article is about
            result = self._best(token, pronoun, WIDE_WINDOW)
        quoted = bool(self.quoted[token.i])
        personal = pronoun in PRONOUN_GENDER
        if result is not None and not quoted and (personal or _is_speaker(token)):
            self.chain.append((token.i, result))
            self.chain_starts.append(token.i)
            taught = PRONOUN_GENDER.get(pronoun)
            if personal and token.dep_ in SUBJECT_DEPS and self._may_teach(result, taught):
                # only a subject teaches a gender: a possessive is often someone else's
                # ("Monsod accused the negotiator of softening his stand")
                self.gender.setdefault(id(result.entity), taught)
        return result

    def _may_teach(self, m: Mention, gender: str | None) -> bool:
        """A pronoun teaches its antecedent's gender unless the first name says the other
        (a "she" given to "Marcos Anaya" is more likely a wrong answer than a lesson)."""
        named = self.name_gender.get(id(m.entity))
        return gender is not None and (named is None or named == gender)

    def _speakers_of_quote(self, token: Token) -> set[int]:
        """The entities (ids) that speak the quotation a pronoun is in: the subjects of a
        verb of saying in the writer's words of its sentences ("“… its personnel …,” IRNA
        said"): a third-person pronoun inside a quotation is not its own speaker."""
        char = token.idx
        k = bisect.bisect_right(self.segment_starts, char) - 1
        if k < 0:
            return set()
        if k in self._quote_speakers:
            return self._quote_speakers[k]
        out: set[int] = set()
        self._quote_speakers[k] = out
        seg = self.document.segments[k]
        first = self.document.token_at(seg.outer_start)
        last = self.document.token_at(max(seg.outer_end - 1, seg.outer_start))
        lo = self.sent_starts[self.sentence_of(first)]
        nxt = self.sentence_of(last) + 1
        hi = self.sent_starts[nxt] if nxt < len(self.sent_starts) else len(self.doc)
        for i in range(lo, hi):
            tok = self.doc[i]
            if self.quoted[i] or not _is_speaker(tok):
                continue
            m = self._mention_at(i)
            if m is None and is_resolvable_pronoun(tok):
                m = self._best(tok, tok.lower_, WINDOW)
            if m is not None:
                out.add(id(m.entity))
        return out

    def _coarguments(self, token: Token) -> set[int]:
        """The entities (ids) named as another argument of the pronoun's own verb: a
        pronoun is never its co-argument (binding theory's principle B: in "he was pardoned
        by Trump" or "Trump pardoned him", "he"/"him" is not Trump). Reflexives and
        possessives are left alone ("Trump praised his staff")."""
        if token.dep_ not in _ARGUMENT_DEPS or token.lower_.endswith("self"):
            return set()
        verb = token.head
        args = [c for c in verb.children if c.dep_ in _ARGUMENT_DEPS and c.i != token.i]
        args += [g for c in verb.children if c.dep_ == "agent" for g in c.children]
        out: set[int] = set()
        for arg in args:
            m = self._mention_at(arg.i)
            if m is not None and m.entity is not None:
                out.add(id(m.entity))
        return out

    def _mention_at(self, i: int) -> Mention | None:
        k = bisect.bisect_right(self.starts, i) - 1
        while k >= 0 and self.mentions[k].start > i - 12:
            if self.mentions[k].start <= i < self.mentions[k].end:
                return self.mentions[k]
            k -= 1
        return None

    def _focus_moved(self, i: int, pos: int, m: Mention) -> bool:
        """Has another person become the topic between a candidate (at ``pos``) and the
        pronoun (at ``i``): the subject of the main clause of a sentence of the writer's
        that reports no speech ("Lyng made the remark …"; not "Baker said …", another
        speaker, whom the pronoun's gender tells apart)?"""
        for k in range(self.sentence_of(pos) + 1, self.sentence_of(i)):
            for subj in _main_sentence_subjects(self.document.sents[k]):
                if self.quoted[subj.i] or _is_speaker(subj):
                    continue
                other = self._mention_at(subj.i)
                if other is not None and other.family == "PERSON" and other.entity is not m.entity:
                    return True
        return False

    def _best(self, token: Token, pronoun: str, window: int) -> Mention | None:
        sent = self.sentence_of(token.i)
        first = self.sent_starts[max(0, sent - window)]
        lo = bisect.bisect_left(self.starts, first)
        hi = bisect.bisect_left(self.starts, token.i)
        candidates: list[tuple[int, Mention]] = [(m.start, m) for m in self.mentions[lo:hi]]
        c_lo = bisect.bisect_left(self.chain_starts, first)
        c_hi = bisect.bisect_left(self.chain_starts, token.i)
        candidates += self.chain[c_lo:c_hi]
        freq: dict[int, int] = {}
        for _, m in candidates:
            freq[id(m.entity)] = freq.get(id(m.entity), 0) + 1
        best: tuple[float, Mention] | None = None
        speaking = _is_speaker(token)
        own = self._speakers_of_quote(token) if self.quoted[token.i] else set()
        own |= self._coarguments(token)
        for pos, m in candidates:
            if not self._kind_ok(pronoun, m) or self._hidden(pos, token):
                continue
            if not self._speaker_ok(token, m):
                continue
            if id(m.entity) in own:
                continue
            if pos <= token.i < (m.end if pos == m.start else pos + 1):
                continue
            score = self._score(token, pronoun, sent, speaking, pos, m, freq[id(m.entity)])
            if best is None or score > best[0]:
                best = (score, m)
        return best[1] if best else None

    def _score(
        self,
        token: Token,
        pronoun: str,
        sent: int,
        speaking: bool,
        pos: int,
        m: Mention,
        freq: int,
    ) -> float:
        """Salience of a candidate at token ``pos`` (a mention, or a pronoun of a chain) for
        a pronoun in sentence ``sent`` (``speaking``: the subject of a verb of saying)."""
        distance = sent - self.sentence_of(pos)
        tok = self.doc[pos]
        head = self.doc[m.start : m.end].root if pos == m.start else tok
        # the subject, a name in apposition to it ("Its chief, Ana Lopes, said") or
        # coordinated with it ("said Carroll McEntee and McGinley analyst Denis Karnosky")
        beside = head.dep_ in {"appos", "conj"}
        subject = head.dep_ in SUBJECT_DEPS or (beside and head.head.dep_ in SUBJECT_DEPS)
        # A possessive pronoun inside the same clause rarely points at its own subject's
        # object; a subject pronoun rarely points at a mention in its own clause.
        same_clause = distance == 0 and head.head == token.head
        score = 10.0 - 3.0 * distance + min(freq, 4)
        if subject:
            # the subject of the main clause is the likeliest antecedent, the subject of a
            # clause embedded in it less so ("Hutchinson questioned the findings, saying
            # Caudipteryx might have … “However,” he told Science News")
            verb = head.head if not beside else head.head.head
            score += 4.0 if _main_clause(verb) else 2.0
        if speaking and (_is_speaker(head) or (beside and _is_speaker(head.head))):
            # speakers stay in focus, until another person is the subject of a main clause
            # ("“…,” said spokesman Dale. ¶ Lyng made the remark … ¶ “…,” he said": Lyng)
            score += 0.0 if self._focus_moved(token.i, pos, m) else 3.0
        if pronoun in PRONOUN_GENDER and self.gender.get(id(m.entity)):
            # known to match beats unknown: "she" after "Berg … she"
            score += KNOWN_GENDER_BONUS[PRONOUN_GENDER[pronoun]]
        elif pronoun in PRONOUN_GENDER and (named := self.name_gender.get(id(m.entity))):
            # a first name's gender counts as much for, and more against ("Marcos" is no
            # "she"), without ruling the person out when nobody else fits
            fits = named == PRONOUN_GENDER[pronoun]
            score += KNOWN_GENDER_BONUS[PRONOUN_GENDER[pronoun]] if fits else -NAME_MISMATCH
        if bisect.bisect_right(self.para_starts, pos) != bisect.bisect_right(
            self.para_starts, token.i
        ):
            score -= 2.0  # a new paragraph is a new topic: "Another actor, Lauren Landa, …"
        score += pos / 10_000  # nearer wins ties
        if same_clause and pronoun in {"he", "she", "they", "it"}:
            score -= 8.0
        return score


def place_shaped(root: Token) -> bool:
    """Does a name the recognizer took for a person stand where a place does: the object of
    a preposition of place ("in Bayan Lepas"), of the "of" of a place noun ("the villages of
    El Rodeo and La Trinidad"), a modifier of a place noun ("Mae Chaem district"), or an
    adjective ("Moldovan wine")? Such a name is no antecedent of "he" or "she"."""
    while root.dep_ == "conj" and root.head.pos_ == "PROPN":
        root = root.head
    if root.tag_ == "JJ":
        return True
    head = root.head
    if root.dep_ == "pobj" and root.left_edge.i == head.i + 1:
        # right after the preposition ("Outside, Slim Gharbi, 27, said" is a misparse)
        if head.lower_ in _LOCATIVE:
            return True
        return head.lower_ == "of" and head.head.lemma_.lower() in PLACE_NOUNS
    return root.dep_ in {"compound", "amod", "nmod"} and head.lemma_.lower() in PLACE_NOUNS


def _word_gender(words: set[str]) -> str | None:
    """The gender gendered words give, when they agree."""
    female, male = words & FEMALE_WORDS, words & MALE_WORDS
    if female and not male:
        return "f"
    if male and not female:
        return "m"
    return None


def first_name_gender(name: tuple[str, ...]) -> str | None:
    """The gender a person's first name suggests (census lists), when the name holds a
    surname too (a bare "Morgan" may be one) and the first name stands alone ("Jean-Jacques"
    is no "Jean")."""
    if len(name) < 2 or name[1] == "-":
        return None
    return FIRST_NAME_GENDER.get(name[0])


def _main_sentence_subjects(sent) -> list[Token]:
    """The subjects of a sentence's root (and of the verbs coordinated with it)."""
    root = sent.root
    verbs = [root, *(c for c in root.children if c.dep_ == "conj")]
    return [c for v in verbs for c in v.children if c.dep_ in {"nsubj", "nsubjpass"}]


def _main_clause(verb: Token) -> bool:
    """Is this verb the root of its sentence, or a verb coordinated with it?"""
    while verb.dep_ == "conj" and verb.head is not verb:
        verb = verb.head
    return verb.dep_ == "ROOT" or verb.head is verb


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
