"""Direct quotes with no cue of their own take the speaker of a neighbouring quote.

In order (:func:`inherit`): a multi-paragraph quote shares one attribution; a segment takes
the nearest attributed quote of its paragraph (“…,” she said. “…”); a quote that opens its
sentence takes an introduction ending with a colon just before it ("X released the following
statement:"), else the speaker of the previous paragraph's last quote (or another person who
is the subject of a main clause after it), else a person who speaks (or is the subject, or
the agent of a passive) in the sentence before, else the person who spoke last when the
writer's words since name nobody else. Partial quotes never inherit: a phrase
with no speaker of its own is a scare quote. A quote that inherits its speaker inherits the
cue too (so rows of one interrupted or multi-paragraph quotation share speaker and cue), or
has none when the speaker comes from the sentence before without a verb of saying.
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.analysis import Analysis
from transforms.quotes.lexicon import DIRECT_CLASSES, is_cue_verb, speaker_nouns
from transforms.quotes.regions import Direct, opens_paragraph, opens_sentence, previous_sentence
from transforms.quotes.speakers import Attribution, attribution, from_cue

_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}


def inherit(an: Analysis, items: list[Direct]) -> None:
    """Give the items without a speaker one from their neighbours (see the module docstring)."""
    chains: list[list[Direct]] = []
    for item in items:
        if item.seg.continued and chains:
            chains[-1].append(item)
        else:
            chains.append([item])
    by_para: dict[int, list[Direct]] = {}
    for item in items:
        if not item.partial:
            by_para.setdefault(item.seg.paragraph, []).append(item)
    _spread_chains(chains)
    _spread_paragraphs(an, by_para, later=False)
    last_by_para: dict[int, Direct] = {}
    last: Direct | None = None
    for item in items:
        if not item.attr.found and not item.partial and opens_sentence(an, item):
            attr = _introduction(an, item)
            if attr is None:
                prev = last_by_para.get(item.seg.paragraph - 1)
                if prev is not None and opens_paragraph(an, item):
                    # "“…,” Lopez said. Tom Baker disagreed. ¶ “…”": Baker takes the floor
                    attr = _intervening_speaker(an, prev, item) or prev.attr
            if attr is None:
                attr = _previous_sentence_speaker(an, item)
            if attr is None:
                attr = _last_speaker(an, item, last)
            if attr is not None:
                item.attr = attr
        if item.attr.found and not item.partial:
            last_by_para[item.seg.paragraph] = item
            last = item
    _spread_chains(chains)
    _spread_paragraphs(an, by_para, later=True)


def _spread_chains(chains: list[list[Direct]]) -> None:
    """The segments of a multi-paragraph quote share the first attribution found."""
    for ch in chains:
        src = next((it for it in ch if it.own), None) or next(
            (it for it in ch if it.attr.found), None
        )
        if src is not None and len(ch) > 1:
            for it in ch:
                if not it.attr.found:
                    it.attr = src.attr


def _spread_paragraphs(an: Analysis, by_para: dict[int, list[Direct]], later: bool) -> None:
    """A segment takes the previous attributed quote of its paragraph, else the next one
    with a cue of its own — at once when the segment opens its paragraph, ``later`` (after
    the sentence before has had its say) when the writer's words come first ("… when he
    revealed that a reboot is considered. “…” … “It was a good day,” she recalls")."""
    for group in by_para.values():
        for k, item in enumerate(group):
            if item.attr.found:
                continue
            prev = next((g for g in reversed(group[:k]) if g.attr.found), None)
            nxt = None
            if later or k > 0 or opens_paragraph(an, item):
                nxt = next((g for g in group[k + 1 :] if g.own), None)
            if prev is not None and opens_sentence(an, item):
                # "“…,” Smith said. Jones disagreed. “…”": another person in between speaks
                other = _intervening_speaker(an, prev, item)
                if other is not None:
                    item.attr = other
                    continue
            source = prev or nxt
            if source is not None:
                item.attr = source.attr


def _intervening_speaker(an: Analysis, prev: Direct, item: Direct) -> Attribution | None:
    """A person other than the previous quote's speaker who is the subject of a main clause
    between the two quotes, the nearest first ("“…,” Ebeling said, and her husband cut in.
    “…”"; not "as Jones shook his head", a subordinate clause) — unless the previous speaker
    speaks again in between ("People should …, he told reporters. “…”")."""
    attr = prev.attr
    ends = [prev.span.end, attr.speaker.end] + ([attr.cue.end] if attr.cue is not None else [])
    same = attr.mention.entity if attr.mention is not None else None
    found = None
    for i in range(item.span.start - 1, max(ends) - 1, -1):
        tok = an.tokens[i]
        if an.quoted[i] or tok.pos_ != "VERB":
            continue
        cue = is_cue_verb(tok, DIRECT_CLASSES)
        said = attribution(an, tok) if cue else None
        if said is not None and said.mention is not None and said.mention.entity is same:
            return None
        subj = next((c for c in tok.children if c.dep_ == "nsubj" and not an.quoted[c.i]), None)
        if found or tok.dep_ not in {"ROOT", "conj"} or subj is None or subj.i < max(ends):
            continue
        other = from_cue(an, an.doc[tok.i : tok.i + 1] if cue else None, subj)
        if _is_person(other) and (other.mention is None or other.mention.entity is not same):
            found = other
    return found


def _introduction(an: Analysis, item: Direct) -> Attribution | None:
    """ "X released the following statement: ¶ “…”" — a sentence ending with a colon."""
    prev = previous_sentence(an, item)
    if prev is None:
        return None
    toks = [t for t in prev if not t.is_space]
    if not toks or toks[-1].text != ":" or any(an.quoted[t.i] for t in toks):
        return None
    for t in reversed(toks):
        attr = attribution(an, t)
        if attr is not None:
            return attr
    root = prev.root
    subj = next((c for c in root.children if c.dep_ in _SUBJECT_DEPS), None)
    if subj is None:
        return None
    colon = toks[-1]
    attr = from_cue(an, an.doc[colon.i : colon.i + 1], subj)
    return attr if attr.found else None


def _previous_sentence_speaker(an: Analysis, item: Direct) -> Attribution | None:
    """A person who speaks (or at least is the subject) in the sentence before: the verb of
    saying highest in its tree first ("Ash said his members would protest" → Ash)."""
    prev = previous_sentence(an, item)
    if prev is None:
        return None
    cues = [t for t in prev if not an.quoted[t.i] and is_cue_verb(t, DIRECT_CLASSES)]
    for tok in sorted(cues, key=lambda t: (_depth(t), t.i)):
        attr = attribution(an, tok)
        if attr is not None and _is_person(attr):
            return attr
    root = prev.root
    if an.quoted[root.i]:
        return None
    subj = next((c for c in root.children if c.dep_ == "nsubj"), None) or _agent(root)
    if subj is None:
        return None
    cue = an.doc[root.i : root.i + 1] if is_cue_verb(root, DIRECT_CLASSES) else None
    attr = from_cue(an, cue, subj)
    return attr if _is_person(attr) else None


def _agent(verb: Token) -> Token | None:
    """The agent of a passive verb, its logical subject ("Their view was backed by Monique
    Landry. “…”": Landry)."""
    if not any(c.dep_ == "nsubjpass" for c in verb.children):
        return None
    by = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None


def _depth(tok: Token) -> int:
    """How many heads up to the root of its sentence (at most 12)."""
    n = 0
    while tok.head.i != tok.i and n < 12:
        tok, n = tok.head, n + 1
    return n


def _last_speaker(an: Analysis, item: Direct, last: Direct | None) -> Attribution | None:
    """A quote paragraph after the writer's words about nobody else goes on with the person
    who spoke last ("“We are ready,” said the mayor. ¶ The plan costs five million euros. ¶
    “Nobody will pay more tax.”"): within two paragraphs, no other person the subject of a
    clause or referred to by "he"/"she" in between."""
    if last is None or not opens_paragraph(an, item) or not _is_person(last.attr):
        return None
    if item.seg.paragraph - last.seg.paragraph > 2:
        return None
    speaker = last.attr.mention
    lo = max(last.span.end, last.attr.speaker.end)
    for i in range(lo, item.span.start):
        if an.quoted[i]:
            continue
        m = an.mention_at(i)
        if (
            m is not None
            and m.family == "PERSON"
            and (speaker is None or m.entity is not speaker.entity)
            and _subject(an, m)
        ):
            return None
        tok = an.tokens[i]
        if tok.lower_ in {"he", "she"} and speaker is not None:
            ante = an.antecedent(tok)
            if ante is None or ante.entity is not speaker.entity:
                return None
    return last.attr


def _subject(an: Analysis, m) -> bool:
    """Is the mention a subject (or a name in apposition to one)? A person named only as an
    object or a possessor does not take the floor ("The court ruled after a complaint by Tom
    Baker. ¶ “…”" goes on with the person who spoke last)."""
    head = an.doc[m.start : m.end].root
    if head.dep_ == "appos":
        head = head.head
    return head.dep_ in _SUBJECT_DEPS or (head.dep_ in {"ROOT", "conj"} and head.pos_ == "PROPN")


def _is_person(attr: Attribution) -> bool:
    """A person speaks: a person's name (or one in apposition), "he"/"she", or a noun for
    people ("the mayor")."""
    if not attr.found:
        return False
    if attr.mention is not None and attr.mention.family == "PERSON":
        return True
    head = attr.speaker.root
    if attr.pronoun:
        return head.lower_ in {"he", "she"}
    return head.pos_ == "NOUN" and head.lemma_.lower() in speaker_nouns()
