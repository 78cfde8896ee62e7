"""Where a direct quote's own cue is: the reporting verb or other cue around the quote.

:func:`own_attribution` tries, in order (an introduction first for a quote that ends its
sentence and is followed by a new one):

1. the reporting verb right after the quote (“…,” she said / said Parly / according to X),
   or a person named right after it and the first reporting verb without a subject;
2. the verb of saying that governs it (called France an “excellent partner”);
3. the reporting verb right before it (Parly tweeted, “…” / Takuba, she said, is a “…”);
4. any verb in a tight frame when its subject can speak (“Go back,” Trump barked);
5. a verb introducing it with a colon or a comma (Kelly responded pointedly: “…”);
6. a bare "X: “…”".

A quote signed after a dash at the end of its paragraph (“…” ― Adriana Rodarte), the way
vox pops, epigraphs and letters are credited, is the signer's before anything else.

Quoted words inside a reported statement are the reporter's ("Haider said the railway had
promised it “by 2027”"). Who the speaker of a cue is, is :mod:`transforms.quotes.speakers`.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from transforms.analysis import Analysis
from transforms.quotes.lexicon import (
    DIRECT_CLASSES,
    UTTERANCE_VERBS,
    is_cue_verb,
    reporting_verbs,
    speaker_nouns,
    verb_class,
)
from transforms.quotes.regions import Direct, region_after, region_before, trailing
from transforms.quotes.speakers import (
    Attribution,
    attribution,
    cue_span,
    from_cue,
    link,
    own_subject,
    subject_of,
)

_TERMINAL = set(".!?…")
#: Irregular past forms of verbs of saying, for a verb that opens its sentence ("Said X, “…”").
_IRREGULAR_PAST = {"said": "say", "wrote": "write", "told": "tell", "spoke": "speak"}
#: Finite verb tags: a fronted verb's speaker phrase has none.
_FINITE = {"VBD", "VBZ", "VBP", "MD"}
_PERSONAL_PRONOUNS = {"he", "she", "they", "i", "we", "you"}
#: How a reported clause hangs on the verb that reports it.
_REPORTED_DEPS = {"ccomp", "xcomp", "advcl", "parataxis"}
#: A dash right after a closing mark, and what may follow a signature to its line's end.
_SIGNATURE_DASH = re.compile(r"[^\S\n]*[―—–][^\S\n]*")  # spaces, no-break spaces too
_SIGNATURE_END = re.compile(r"(?:[^\S\n]|[.,])*(?:\n|$)")


def own_attribution(an: Analysis, item: Direct) -> Attribution:
    """The attribution found around the quote itself (empty when none)."""
    if item.partial:
        return governing(an, item, partial=True) or Attribution()
    signed = _signature(an, item)
    if signed is not None:
        return signed
    doc, text = an.doc, an.text
    after = region_after(an, item)
    before = region_before(an, item)
    last = text[item.seg.start : item.seg.end].rstrip("\"'”’)")[-1:]
    ends = last in _TERMINAL
    # a quoted question or exclamation is followed by its attribution, even in capitals
    # (“What does that mean?” Mr. Trump asked): only a full stop ends the writer's sentence
    # (after a colon introduction, a question ends the writer's sentence too: "Clinton
    # responded: “What difference does it make?” Her critics cited it …")
    colon = _after_colon(an, before)
    stops = {".", "…", "?", "!"} if colon else {".", "…"}
    new_sentence = last in stops and bool(after) and doc[after.start].text[:1].isupper()
    steps = [
        lambda: _trailing_cue(an, after, new_sentence) or _named_then_verb(an, after),
        lambda: governing(an, item, partial=False),  # X described it as “…”
        lambda: _leading_cue(an, item, before),
    ]
    if new_sentence:
        # “….” The campaign did not elaborate: the introduction wins
        steps = [
            steps[1],
            steps[2],
            lambda: _fronted_verb(an, before),  # Added X: “….” Said Y, “…”
            lambda: _introducing_verb(an, before) if colon else None,
            steps[0],
        ]
    for step in steps:
        attr = step()
        if attr is not None:
            return attr
    # any verb in a tight frame: “Go back,” Trump barked / Kelly responded: “…”
    if last in {",", "!", "?", "—", "–"} or (not ends and last != "."):
        attr = _adjacent_verb(an, after[:5])
        if attr is not None:
            return attr
    attr = _fronted_verb(an, before) or _introducing_verb(an, before)
    if attr is not None:
        return attr
    # a bare "X: “…”"
    attr = _colon_speaker(an, before)
    if attr is not None:
        return attr
    return Attribution()


def _signature(an: Analysis, item: Direct) -> Attribution | None:
    """ "“…” ― Adriana Rodarte" ending its line: a dash after the closing mark, then a
    person's name and nothing else to the end of the line."""
    if item.seg.close_end is None:
        return None
    dash = _SIGNATURE_DASH.match(an.text, item.seg.close_end)
    if dash is None:
        return None
    start = an.token_at(dash.end())
    if an.tok_starts[start] != dash.end():
        return None
    name = next((m for m in an.mentions_in(start, start + 1) if m.start == start), None)
    if name is None or name.family != "PERSON":
        return None
    end_char = an.tok_starts[name.end - 1] + len(an.doc[name.end - 1].text)
    if _SIGNATURE_END.match(an.text, end_char) is None:
        return None
    return Attribution(speaker=an.doc[name.start : name.end], mention=name)


def _after_colon(an: Analysis, before: range) -> bool:
    """Does a colon introduce the quote ("X responded: “…”")?"""
    toks = [i for i in before if not an.doc[i].is_space]
    return bool(toks) and an.doc[toks[-1]].text == ":"


def _trailing_cue(an: Analysis, after: range, new_sentence: bool) -> Attribution | None:
    """Right after the quote: “…,” she said / said Parly / according to X. After a quote
    that ends its sentence, only a short attribution with no statement of its own ("“Who are
    they?” Trump said of Apple", not "….” The team said it would …")."""
    doc = an.doc
    words = [i for i in after if not doc[i].is_punct and not doc[i].is_space]
    for k, i in enumerate(after):
        attr = attribution(an, doc[i], inverted=bool(words) and i == words[0])
        if attr is None:
            continue
        if not trailing(attr, words):
            continue  # “…”, although they criticised …: not this quote's attribution
        if new_sentence and (k > 6 or own_complement(doc[i], an.quoted)):
            return None
        return attr
    return None


def _leading_cue(an: Analysis, item: Direct, before: range) -> Attribution | None:
    """Right before the quote: Parly tweeted, “…” / X said: “…” / Takuba, she said, is a
    “…” — a reporting verb close to the mark, or whose clause hangs on the quote's
    ancestors."""
    doc = an.doc
    ancestors = _ancestors(item)
    mark = before.stop
    for i in reversed(before):
        tok = doc[i]
        near = mark - i <= 8 or mark - tok.right_edge.i <= 2 or tok.head.i in ancestors
        if near and (attr := attribution(an, tok)) is not None:
            return attr
    return None


def _ancestors(item: Direct) -> set[int]:
    """Token indices above the quote's root, up to its sentence root."""
    out: set[int] = set()
    t = item.span.root
    for _ in range(12):
        if t.head.i == t.i:
            break
        t = t.head
        out.add(t.i)
    return out


def _adjacent_verb(an: Analysis, region: range) -> Attribution | None:
    """The first verb right after a quote, when its subject is next to it."""
    doc = an.doc
    for i in region:
        tok = doc[i]
        if tok.is_punct and tok.text not in {",", "—", "–"}:
            return None
        if tok.pos_ != "VERB":
            continue
        subj = own_subject(tok, an.quoted)
        if (
            subj is None
            or own_complement(tok, an.quoted)
            or not (region.start <= subj.i < region.stop + 6)
        ):
            return None
        attr = from_cue(an, cue_span(tok), subj)
        if not is_cue_verb(tok, DIRECT_CLASSES) and not (_agentive(attr) or subj.pos_ == "PROPN"):
            return None  # "When Trump wrapped up — “…” — the balloons cascaded down"
        return attr if attr.found else None
    return None


def _introducing_verb(an: Analysis, region: range) -> Attribution | None:
    """ "Kelly responded pointedly, with a smile: “…”" / "Hillary shot back, “…”"."""
    doc = an.doc
    toks = [i for i in region if not doc[i].is_space]
    if not toks or doc[toks[-1]].text not in {":", ","}:
        return None
    colon = doc[toks[-1]].text == ":"
    verbs = [i for i in reversed(toks[:-1]) if doc[i].pos_ == "VERB"]
    if colon:
        # the top verb of the introduction first: "Clinton has since apologized for what
        # happened:" is Clinton's apology, not what happened
        inside = set(toks)
        verbs.sort(key=lambda i: doc[i].head.i in inside and doc[i].head.i != i)
    for i in verbs:
        tok = doc[i]
        # (the parser may hang the introduction on the quotation's verb: "Sanders shot back,
        # “Secretary Clinton called them out.”" makes "shot" a complement of "called")
        top = tok.dep_ in {"ROOT", "conj"} or (tok.head.i > tok.i and an.quoted[tok.head.i])
        if not colon and (toks[-1] - i > 3 or not top):
            return None
        if not colon and any(
            c.dep_ in {"dobj", "ccomp"} and not an.quoted[c.i] for c in tok.children
        ):
            return None  # (the quotation itself may hang on the verb: "Getty agreed, “…”")
        subj = subject_of(tok, an.quoted)
        attr = from_cue(an, cue_span(tok), subj) if subj is not None else Attribution()
        if _agentive(attr):
            return attr
        return _opening_name(an, toks, tok) if colon else None
    return None


def _fronted_verb(an: Analysis, before: range) -> Attribution | None:
    """ "Remarked study co-author Tierra Curry, “…”" / "Added Maria Lopez: “…”": a verb of
    saying opening the sentence (quotative inversion), then the speaker's phrase up to a comma
    or colon right before the quote. The parser seldom sees the inversion (the verb becomes
    an adjective or a compound of the name), so the words are read as written."""
    doc = an.doc
    toks = [i for i in before if not doc[i].is_space]
    if not 3 <= len(toks) <= 10 or doc[toks[-1]].text not in {",", ":"}:
        return None
    verb, lo, hi = doc[toks[0]], toks[1], toks[-1]
    if not (verb.is_title and _opens_sentence(an, verb.i) and _fronted_form(verb)):
        return None
    if any(
        t.tag_ in _FINITE or t.lower_ == "that" or (t.is_punct and t.text not in "-‐")
        for t in doc[lo:hi]
    ):
        return None  # "Added that the plan, …": a clause, not a speaker's phrase
    named = [m for m in an.mentions_in(lo, hi) if m.end == hi]
    head = doc[hi - 1]
    if named and named[-1].family in {"PERSON", "ORG"}:
        mention = named[-1]
    elif head.pos_ == "PROPN" or head.lemma_.lower() in speaker_nouns():
        mention = link(an, doc[lo:hi], head)
    else:
        return None
    return Attribution(speaker=doc[lo:hi], cue=doc[verb.i : verb.i + 1], mention=mention)


def _fronted_form(verb: Token) -> bool:
    """Is the word a past form (or "says") of a verb of saying, whatever its tag?"""
    word = verb.lower_
    forms = {verb.lemma_.lower(), _IRREGULAR_PAST.get(word, "")}
    if word.endswith("ed"):
        forms |= {word[:-2], word[:-1]}  # added → add, noted → note
    elif word == "says":
        forms.add("say")
    verbs = reporting_verbs()
    return (word.endswith("ed") or word in _IRREGULAR_PAST or word == "says") and any(
        verbs.get(f) in DIRECT_CLASSES for f in forms
    )


def _opens_sentence(an: Analysis, i: int) -> bool:
    """Does token ``i`` start a sentence or a paragraph, or follow a quotation?"""
    doc = an.doc
    j = i - 1
    while j >= 0 and doc[j].is_space:
        if "\n" in doc[j].text:
            return True
        j -= 1
    return j < 0 or doc[j].text in _TERMINAL or bool(an.quoted[j]) or doc[j].is_quote


def _opening_name(an: Analysis, toks: list[int], verb: Token) -> Attribution | None:
    """A colon introduction that opens with a person's name, whatever the parser made its
    subject ("Jo Anne Val Tilburg of the University of California, Los Angeles disagreed
    with these findings: “…”")."""
    ms = an.mentions_in(toks[0], toks[0] + 1)
    if not ms or ms[0].start != toks[0] or ms[0].family != "PERSON" or ms[0].end > verb.i:
        return None
    m = ms[0]
    return Attribution(speaker=an.doc[m.start : m.end], cue=cue_span(verb), mention=m)


def _agentive(attr: Attribution) -> bool:
    """Can this speaker speak? (for verbs outside the lexicon: a person, a group, an
    organisation, a personal pronoun, or a noun for people)."""
    if not attr.found:
        return False
    if attr.pronoun:
        return attr.speaker.root.lower_ in _PERSONAL_PRONOUNS
    if attr.mention is not None:
        return attr.mention.family in {"PERSON", "ORG", "NORP"}
    return attr.speaker.root.lemma_.lower() in speaker_nouns()


def _named_then_verb(an: Analysis, after: range) -> Attribution | None:
    """ "“…,” Mr. Daniloff, now 81 and retired in Cambridge, said by telephone": a person
    named first after the quote, and the first reporting verb that has no subject."""
    doc = an.doc
    words = [i for i in after if not doc[i].is_punct and not doc[i].is_space]
    if not words:
        return None
    first = words[0]
    names = [m for m in an.mentions_in(first, first + 3) if first <= m.start <= first + 1]
    if not names or names[0].family != "PERSON":
        return None  # (a title may come first: "Mr. Daniloff")
    name = names[0]
    for i in words[1:16]:
        tok = doc[i]
        if i < name.end or not is_cue_verb(tok, DIRECT_CLASSES):
            continue
        if own_subject(tok, an.quoted) is not None:
            return None
        span = doc[name.start : name.end]
        return Attribution(speaker=span, cue=cue_span(tok), mention=name)
    return None


def governing(an: Analysis, item: Direct, partial: bool) -> Attribution | None:
    """The reporting verb up the tree from the quote (same sentence), with its speaker.

    For a partial quote the quote must be what is said or what something is called: a
    clausal complement, the predicate of "call"/"describe … as", or the object of an
    utterance verb (said “no”) — never any noun phrase (agreed a new “roadmap”).

    Quoted words inside a reported statement are the words of whoever reports it: in
    "Haider said the OeBB had promised to do it “by 2027”", Haider, not the OeBB — so the
    highest verb of saying on the way up wins; a verb of naming binds at once ("Clinton
    said Trump called her a “nasty woman”" → Trump).
    """
    t = item.span.root
    sent = an.sentence_of(t.i)
    found: Attribution | None = None
    first = True
    for _ in range(12):
        if t.head.i == t.i:
            break
        child, t = t, t.head
        if an.quoted[t.i]:
            continue
        if an.sentence_of(t.i) != sent:
            break
        if t.lower_ == "to" and t.head.lower_ == "according":
            if partial or found is not None:
                break
            return attribution(an, t.head)
        if not is_cue_verb(t, DIRECT_CLASSES):
            continue
        if first and partial and not _complement_relation(t, child):
            return None
        if not first and child.dep_ not in _REPORTED_DEPS:
            break
        attr = attribution(an, t)
        if attr is not None:
            found = attr
            if first and verb_class(t) == "naming":
                return found
            if own_subject(t, an.quoted) is None:
                return found  # "she said, adding that “…”": the same speaker, cue adding
        first = False
    return found


def _colon_speaker(an: Analysis, before: range) -> Attribution | None:
    doc = an.doc
    toks = [i for i in before if not doc[i].is_space]
    if not toks or doc[toks[-1]].text != ":":
        return None
    # the name must end right at the colon, in a clause of its own (a headline
    # "Kasich: ‘…’", "- Jeffrey M. Jones: “…”"), not after another quote or a verb
    if toks[0] > 0 and an.quoted[toks[0] - 1]:
        return None
    if any(doc[i].pos_ == "VERB" and doc[i].tag_ != "VBG" for i in toks):
        return None
    ms = [m for m in an.mentions_in(toks[0], toks[-1]) if m.family in {"PERSON", "ORG"}]
    if not ms or ms[-1].end != toks[-1]:
        return None
    m = ms[-1]
    colon = toks[-1]
    return Attribution(speaker=doc[m.start : m.end], cue=doc[colon : colon + 1], mention=m)


def own_complement(verb: Token, in_quote: bytearray) -> bool:
    """Does the verb report a statement of its own (a clausal complement outside quotes)?"""
    return any(c.dep_ in {"ccomp", "xcomp"} and not in_quote[c.i] for c in verb.children)


def _complement_relation(verb: Token, child: Token) -> bool:
    """Is ``child`` (on the path from a quoted phrase) what the verb says or calls something?"""
    dep = child.dep_
    if dep in {"ccomp", "xcomp", "oprd", "attr", "acomp"}:
        return True
    cls = verb_class(verb)
    if dep == "dobj":
        return cls == "naming" or verb.lemma_.lower() in UTTERANCE_VERBS
    if dep == "prep":
        word = child.lower_
        return word == "as" or (word in {"of", "about"} and cls == "speech")
    return False
