"""Events: who did what to whom, where and when — PLOVER-typed rows from the dependency parse.

:func:`extract_events` reads the article's Doc (the one spaCy pass), its resolved mentions and
its publication date, and returns rows of the ``events`` table (``schemas.EVENTS``): one row per
(trigger, actor, target), traceable to the trigger's character span.

**Triggers.** Only words of the lexicon (``transforms/data/event_lexicon.tsv``, data that users
extend) produce rows: verbs ("agreed", "pulls out") and event nouns ("visit", "sanctions").
The lexicon gives the type — one of PLOVER's 16 categories (AGREE CONSULT SUPPORT CONCEDE
COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST SANCTION MOBILIZE COERCE ASSAULT,
definitions from the PLOVER manual, REQUEST as in POLECAT) or one of ours for what news needs
beyond PLOVER:

* ``STATEMENT`` — public announcements and declarations (*announced*, *declared victory*,
  *claimed responsibility*, *issued statements*). PLOVER dropped CAMEO's comment categories;
  attribution verbs (*say, tell, state, add, write, tweet*) are **not** events: the quotes
  table holds every quotation with its speaker, and an event inside a reported clause gets
  ``modality = 'reported'``.
* ``ELECTION`` — elections, referendums, being elected, winning a vote.
* ``ACCIDENT`` — crashes, collisions, derailments, fires, explosions, collapses.
* ``DISASTER`` — earthquakes, floods, storms and other natural hazards.

``NULL`` is allowed for lexicon rows typed ``NULL`` (an event of no category). Conditions in
the lexicon pick the type from the context: "pull" is an event only with "out"/"back",
"close" is RETREAT for military sites but SANCTION for an embassy, "strike" is PROTEST for a
union and ASSAULT with an object, "kill" is ACCIDENT/DISASTER when the cause is a crash or a
hazard. Support verbs (``LIGHT``: *held talks*, *imposed sanctions*, *paid a visit*) make the
noun the trigger with the verb's subject as actor. A noun that merely names an earlier event
again without saying anything new (*since the attack*, *the protest was peaceful*) is not a
row: an event noun needs a support verb, a participant (*her visit*, *attack on civilians*,
*Russian strikes*), a time or a place, or to be the subject of a verb that narrates it
(*protests filled the streets*). The object of another trigger is that trigger's business
(*rejected the demand*, *attributed the bombing to*) unless it names participants of its own
(*called for Rosselló's resignation*); a capitalised event noun inside a name (*the Iran–Iraq
War*) is a historical reference, not a row.

**Roles.** actor = PLOVER source: subject (inherited through *to*-infinitives, coordination
and relative clauses), *by*-agent of a passive, possessor or entity modifier of a noun.
target = recipient: direct object, or the category's preposition (*with* for meetings and
agreements, *against* for attacks and accusations, *on* for sanctions, *to* for aid and
visits, *from* for withdrawals). A common noun stands for the entity that modifies it (*the
US and French defense chiefs* → United States, France; *its troops* → the owner), pronouns go
through the article's :class:`~transforms.coref.PronounResolver`, and *his/her country* to
the country its owner is introduced with (*French President Emmanuel Macron* → France).
Definite descriptions resolve to what the article named: *the group/company* → the last
organisation, *the government* → the country named most, *the president/governor* → the one
person named with that title. Inside a quotation *I/we* is the speaker and *he/she* is not.
The implicit subject of an infinitive is the object of *urge/order/instruct…* ("instructed
agencies to investigate") and the subject otherwise. Where
:class:`~transforms.coref.PronounResolver` (read-only here) lacks something, this module works
around it: a subject of an enclosing clause is tried first ("France reduces its operations"),
an appositive title makes a name a person even when the NER typed it otherwise, and a quoted
third-person pronoun never resolves to the quotation's speaker.
Coordinated participants of a symmetric event (*X and Y met/agreed/signed*) become actor and
target; otherwise each coordinated actor or target gives its own row (at most
``MAX_ROWS_PER_TRIGGER``), and a (trigger, actor, target) is never repeated. ``actor_text``
is the words in the sentence, ``actor_name``/``actor_entity_id`` the resolved entity (NULL
when no entity is named: *gunmen*, *police*).

**Location.** A place (GPE/LOC/FAC mention) governed by a locative preposition of the trigger
or of its object, else a place in the trigger's clause, else the first place in the sentence
that is not the actor or the target.

**Date.** The time expression of the trigger's clause — a DATE/TIME entity or one of the
relative expressions of :mod:`transforms.dates` — resolved against the publication date by
:func:`transforms.dates.resolve` with the clause's tense. A noun trigger or an infinitive,
coordinated or *when*-clause takes the date of the clause it belongs to; a reported event never
takes the date of the reporting verb (nor of *was reported to have…*), a requested, offered or
rejected event not the date of the request or rejection, a pluperfect clause not the date of
its main clause. With several expressions the most precise wins ("next month on August 2" →
August 2); *scheduled/postponed for|to* a date dates the event, in the future. Without a usable expression, ``event_date`` is the
publication date and ``date_precision = 'published'`` (``date_text`` NULL); an article without
publication date then has NULL ``event_date``/``date_precision``.

**Negation and modality.** ``negated``: *not/n't/never* on the trigger or its support verb,
*no* on an event noun (*no arrests were made*), or a complement of *refuse/fail/decline*.
``modality``, first that applies: ``hypothetical`` (could, may, might, should, would outside
reported speech, *if/unless/whether*, the complement of a request, threat or proposal),
``future`` (will, shall, going to, *is to*, *due to*, plan/expect/promise/agree to, *would* in
reported speech, a resolved date after publication), ``reported`` (complement of a reporting
verb, inside quotation marks, *according to*, *reportedly*), else ``asserted``.

**Confidence** is a ranking score in [0, 1], not a calibrated probability: higher for verbs
than nouns, for unconditional or condition-matched lexicon rows, and when actor and target
resolve to entities.

``event_id`` = hash of (article_id, trigger span, actor span, target span): stable across runs.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from transforms.coref import PronounResolver
from transforms.dates import PUBLISHED, Resolved, find_spans, period_start, resolve
from transforms.ids import stable_id
from transforms.mentions import Mention
from transforms.quotes import quote_segments

LEXICON_PATH = Path(__file__).parent / "data" / "event_lexicon.tsv"
PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
OWN_TYPES = ("STATEMENT", "ELECTION", "ACCIDENT", "DISASTER")
EVENT_TYPES = PLOVER_TYPES + OWN_TYPES
MODALITIES = ("asserted", "future", "hypothetical", "reported")
MAX_ROWS_PER_TRIGGER = 4
FLAGS = frozenset({"sym", "swap", "recv", "harm", "light", "strict", "theme"})
SLOTS = frozenset(
    {
        "prt",
        "prep",
        "obj",
        "subj",
        "theme",
        "pobj",
        "mod",
        "xcomp",
        "ccomp",
        "mark",
        "gov",
        "oprd",
        "ctx",
    }
)

# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Cond:
    slot: str
    values: frozenset[str]  # lowercase words; "*" any, "-" none
    negate: bool = False


@dataclass(frozen=True)
class Entry:
    lemma: str
    pos: str
    type: str | None  # an event type, None (NULL), "LIGHT" or "-"
    conds: tuple[Cond, ...]
    flags: frozenset[str]
    of_role: str | None
    line: int
    target_preps: tuple[str, ...] = ()


@dataclass
class Lexicon:
    entries: dict[tuple[str, str], list[Entry]]
    classes: dict[str, frozenset[str]]
    prefixes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.prefixes = frozenset(lemma[:4] for lemma, _ in self.entries)

    def rows(self, lemma: str, pos: str) -> list[Entry]:
        return self.entries.get((lemma, pos), [])

    def cls(self, name: str) -> frozenset[str]:
        return self.classes.get(name, frozenset())


class LexiconError(ValueError):
    pass


def parse_lexicon(text: str) -> Lexicon:
    """Parse the TSV lexicon (see its header); raises LexiconError on a malformed row."""
    lines = [
        (n, line.rstrip("\n"))
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines or lines[0][1].split("\t")[:3] != ["lemma", "pos", "type"]:
        raise LexiconError("the first non-comment line must be the header lemma/pos/type/...")
    classes: dict[str, frozenset[str]] = {}
    raw: list[tuple[int, list[str]]] = []
    for n, line in lines[1:]:
        cols = [*line.split("\t"), "", "", ""][:5]
        if cols[1] == "CLASS":
            if not cols[0].startswith("@"):
                raise LexiconError(f"line {n}: a class name starts with @")
            classes[cols[0]] = frozenset(cols[3].lower().split())
        else:
            raw.append((n, cols))
    entries: dict[tuple[str, str], list[Entry]] = {}
    for n, (lemma, pos, type_, when, _note) in raw:
        if pos not in {"VERB", "NOUN"}:
            raise LexiconError(f"line {n}: pos must be VERB, NOUN or CLASS, not {pos!r}")
        if type_ not in {*EVENT_TYPES, "LIGHT", "-", "NULL"}:
            raise LexiconError(f"line {n}: unknown type {type_!r}")
        conds: list[Cond] = []
        flags: set[str] = set()
        of_role = None
        target_preps: tuple[str, ...] = ()
        for item in when.split():
            if item in FLAGS:
                flags.add(item)
                continue
            if "=" not in item:
                raise LexiconError(f"line {n}: unknown flag {item!r}")
            slot, _, value = item.partition("=")
            negate = slot.startswith("!")
            slot = slot.lstrip("!")
            if slot == "of":
                if value not in {"actor", "target"}:
                    raise LexiconError(f"line {n}: of= takes actor or target")
                of_role = value
                continue
            if slot == "tp":
                target_preps = tuple(v for v in value.lower().split("|") if v)
                continue
            if slot not in SLOTS and not (slot.startswith("p:") and len(slot) > 2):
                raise LexiconError(f"line {n}: unknown condition {slot!r}")
            values: set[str] = set()
            for v in value.lower().split("|"):
                if v.startswith("@"):
                    if v not in classes:
                        raise LexiconError(f"line {n}: unknown class {v}")
                    values |= classes[v]
                elif v:
                    values.add(v)
            conds.append(Cond(slot, frozenset(values), negate))
        entry = Entry(
            lemma=lemma.lower(),
            pos=pos,
            type=None if type_ == "NULL" else type_,
            conds=tuple(conds),
            flags=frozenset(flags),
            of_role=of_role,
            line=n,
            target_preps=target_preps,
        )
        entries.setdefault((entry.lemma, pos), []).append(entry)
    return Lexicon(entries=entries, classes=classes)


@functools.cache
def lexicon() -> Lexicon:
    """The packaged lexicon, read once per process."""
    return parse_lexicon(LEXICON_PATH.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- word lists

REPORTING = frozenset(
    """say tell state add note write tweet post claim report announce confirm insist explain
    argue stress emphasise emphasize indicate reveal acknowledge admit allege deny warn predict
    believe think hear learn quote cite describe testify assert maintain contend recall remind
    reply respond comment concede suggest show estimate agree accuse blame know fear""".split()
)
#: Verbs whose subject is the speaker of a nearby quotation.
SPEECH = frozenset({"say", "tell", "add", "write", "tweet", "state", "post", "explain", "ask"})
FUTURE_GOVERNORS = frozenset(
    """plan intend expect aim hope schedule set prepare promise pledge vow agree decide commit
    want seek wish mean due going resolve need""".split()
)
HYPOTHETICAL_GOVERNORS = frozenset(
    """consider threaten propose suggest recommend urge ask call demand request appeal press
    encourage invite order warn offer instruct direct""".split()
)
#: A threat's target is the subject of these ("warned that insurers would face …").
THREAT_VERBS = frozenset({"face", "suffer", "pay", "lose", "regret", "feel"})
#: Verbs whose infinitive happens at another time than they do ("promised on Friday to …").
DATE_SHIFTING = frozenset(
    """ask urge call demand request order promise pledge vow plan intend decide agree hope want
    seek threaten expect prepare invite encourage press""".split()
)
HYPOTHETICAL_CCOMP = frozenset(
    {
        "propose",
        "suggest",
        "recommend",
        "urge",
        "demand",
        "request",
        "ask",
        "insist",
        "consider",
        "call",
    }
)
REPORTED_OBJECT = frozenset({"report", "describe", "cite", "claim", "confirm", "allege"})
FUTURE_OBJECT_GOVERNORS = frozenset(
    {"await", "expect", "plan", "schedule", "seek", "prepare", "require", "need", "want"}
)
HYPOTHETICAL_NOUNS = frozenset(
    {
        "resolution",
        "proposal",
        "motion",
        "bill",
        "possibility",
        "threat",
        "call",
        "demand",
        "request",
        "appeal",
        "offer",
        "suggestion",
        "order",
        "instruction",
    }
)
NEGATING_GOVERNORS = frozenset({"refuse", "fail", "decline", "reject", "deny", "avoid"})
HYPOTHETICAL_AUX = frozenset({"could", "may", "might", "should", "can", "must", "ought", "ca"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
FUTURE_ADJ = frozenset(
    {"due", "set", "scheduled", "expected", "poised", "likely", "about", "going", "slated", "bound"}
)
HAPPEN_VERBS = frozenset(
    """take happen occur break begin start resume continue erupt follow end open close last
    schedule hold set postpone reschedule delay""".split()
)
OBJECT_CONTROL = frozenset(
    """urge ask call order force allow invite encourage persuade tell warn pressure press
    request appeal help lead instruct direct authorize authorise command""".split()
)
ACCUSING = frozenset(
    {
        "accuse",
        "blame",
        "charge",
        "suspect",
        "convict",
        "condemn",
        "criticise",
        "criticize",
        "praise",
        "thank",
    }
)
PARTICIPATORY = frozenset(
    {"CONSULT", "AGREE", "SUPPORT", "PROTEST", "COOPERATE", "STATEMENT", "ELECTION"}
)
SYMMETRIC_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
#: Types whose object is the thing moved or given, not the recipient ("deployed troops").
THEME_OBJECT_TYPES = frozenset({"RETREAT", "MOBILIZE"})
#: Prepositions introducing the target, by category (after the direct object).
TARGET_PREPS: dict[str | None, tuple[str, ...]] = {
    "AGREE": ("with",),
    "CONSULT": ("with", "to", "between"),
    "SUPPORT": ("with", "for", "to"),
    "CONCEDE": ("to", "for"),
    "COOPERATE": ("with", "to"),
    "AID": ("to", "for"),
    "RETREAT": ("from", "out", "of", "against"),
    "REQUEST": ("to", "on", "upon", "from"),
    "ACCUSE": ("against", "into", "on", "at"),
    "REJECT": (),
    "THREATEN": ("against", "with"),
    "PROTEST": ("against", "to", "outside"),
    "SANCTION": ("on", "against", "from"),
    "MOBILIZE": ("against",),
    "COERCE": ("on", "against"),
    "ASSAULT": ("on", "against", "into", "at", "with"),
    "STATEMENT": (),
    "ELECTION": (),
    "ACCIDENT": ("with", "into"),
    "DISASTER": (),
    None: (),
}
#: Role of a noun's "of" object by category (the lexicon's of= overrides it).
OF_ROLE = {
    "ASSAULT": "target",
    "COERCE": "target",
    "SANCTION": "target",
    "ACCUSE": "target",
    "AID": "target",
    "RETREAT": "target",
    "SUPPORT": "target",
    "REJECT": "target",
}
LOCATIVE_PREPS = frozenset(
    """in at near outside inside across throughout around off along within into onto""".split()
)
NOT_TIME_PREPS = frozenset(
    {
        "since",
        "until",
        "till",
        "before",
        "after",
        "for",
        "throughout",
        "within",
        "over",
        "through",
        "between",
        "from",
        "to",
    }
)
#: Verbs whose "for"/"to" object is a date ("scheduled for March 24", "postponed to May").
SCHEDULING = frozenset(
    """schedule reschedule set slate plan fix postpone delay move push bring call
    adjourn defer""".split()
)


def _time_prep(prep: Token) -> bool:
    """Can the object of this preposition date an event? Not "since 2011", "for two days";
    "for" and "to" only after a scheduling verb ("is scheduled for March 24")."""
    low = prep.lower_
    if low not in NOT_TIME_PREPS:
        return True
    return low in {"for", "to"} and prep.head.lemma_ in SCHEDULING


#: Nouns for people or bodies that belong to someone: their owner is the actor
#: ("its troops", "the US and French defense chiefs", "the Comandos del Sur group").
AFFILIATION_NOUNS = frozenset(
    """troops troop force forces army military soldiers soldier fighters fighter militia police
    government governments administration authorities authority ministry ministries
    delegation delegations negotiators negotiator officials official minister ministers
    chief chiefs leader leaders leadership president spokesman spokeswoman spokesperson
    representative representatives envoy ambassador diplomat diplomats country nation state
    regime cabinet parliament navy units unit agency embassy mission side sides counterpart
    palace
    group groups movement party faction factions organisation organization company firm
    coalition alliance office department team rebels""".split()
)
#: Common nouns that can be a participant (actor or target) rather than a thing.
PARTICIPANT_NOUNS = AFFILIATION_NOUNS | frozenset(
    """people person persons civilian civilians resident residents villager villagers citizen
    citizens protester protesters demonstrator demonstrators worker workers student students
    journalist journalists reporter reporters activist activists policeman officer officers
    rebel militant militants insurgent insurgents guerrilla guerrillas gunman gunmen attacker
    attackers suspect suspects prisoner prisoners hostage hostages detainee detainees refugee
    refugees migrant migrants victim victims passenger passengers survivor survivors patient
    patients child children woman women man men family families prime premier governor mayor
    judge jury delegates donor donors investor investors lawmaker lawmakers legislator court
    regulator mediator insurer insurers operator operators airline airlines others other
    displaced wounded
    injured dead incumbent opponent opponents rival rivals candidate team staff employee
    employees crew community communities tribe farmer farmers miner miners driver drivers
    doctor doctors nurse nurses teacher teachers investigators investigator agent agents
    dissident dissidents critic critics opposition supporters supporter crowd crowds mob
    individual individuals member members union unions states countries nations ally allies
    neighbour neighbor neighbours neighbors bank banks firms companies businessman
    businesswoman entity entities public population expert experts analyst analysts scientist
    scientists researcher researchers adviser advisers advisor advisors observer observers
    inspector inspectors monitor monitors panel panels commission committee council board
    tribunal assembly senate congress reinforcements peacekeepers associates colleagues
    partner partners leaders locals residents husband wife son daughter brother sister
    father mother relatives family families parents management network broadcaster
    newspaper channel agency fans spectators voters nationals tourists pilgrims worshippers
    pupils teenagers youths boys girls infants babies elderly medics paramedics firefighters
    rescuers sailors seamen fishermen traders merchants shopkeepers vendors commuters
    travellers travelers inmates convicts defendants accused captives kidnappers jihadists
    extremists terrorists separatists assailants bandits pirates gangs gang cartel cartels
    smugglers traffickers poachers hackers rioters campaigners politicians deputies mps
    senators envoys ambassadors mediators rulers monarch king queen prince princess
    chancellor judges prosecutors lawyers attorneys policemen commanders generals guards
    security junta charity foundation university club protester demonstrator rebel
    soldier militant insurgent refugee migrant civilian resident official""".split()
)
PLACE_NOUNS = frozenset(
    """region area country province district capital territory border zone neighbourhood
    neighborhood island coast valley""".split()
)
QUANTIFIERS = frozenset(
    """some many all most several dozens hundreds thousands millions tens scores one two three
    four five six seven eight nine ten part majority rest number none each both few""".split()
)
#: Definite descriptions resolved to the organisation or country named last ("the group").
ORG_DEFINITES = frozenset(
    """group company firm mission alliance bloc agency organisation organization movement
    party union coalition airline bank network operator militia""".split()
)
COUNTRY_DEFINITES = frozenset({"government", "country", "nation", "regime", "administration"})
#: "an attack conducted by X": X did it (not "a statement read by X").
AGENT_VERBS = frozenset(
    """conduct carry launch stage claim commit perpetrate organise organize ascribe attribute
    blame order call lead mount make hold impose""".split()
)
#: Nouns for organisations that "it" can stand for (not persons: "the negotiator").
ORG_NOUNS = frozenset(
    """group company firm mission alliance bloc agency organisation organization movement
    party union coalition airline bank network operator militia government ministry army
    military administration authority parliament cabinet regime council committee court
    commission embassy office department team country nation state""".split()
)
#: Events that happen to places and things, whose target may be a place or an object.
SPATIAL_TYPES = frozenset(
    {"RETREAT", "ASSAULT", "COERCE", "MOBILIZE", "ACCIDENT", "DISASTER", "PROTEST"}
)
PHYSICAL_TARGETS = frozenset(
    """infrastructure pipeline pipelines refinery refineries port ports airport airports bridge
    bridges tower towers grid dam dams power installation installations facility facilities
    plant plants depot depots warehouse convoy convoys vehicle vehicles truck trucks car cars
    bus train trains ship ships vessel vessels tanker tankers jet plane aircraft helicopter
    drone drones building buildings home homes house houses school schools hospital
    hospitals church mosque temple market camp camps base bases site sites station stations
    checkpoint checkpoints office offices headquarters compound embassy consulate village
    villages town towns city cities neighbourhood neighborhood district exits road roads
    highway traffic servers network field fields centre centres center target targets
    municipality municipalities territory border""".split()
)
NEGATIVE_SUBJECTS = frozenset({"nobody", "none", "nothing", "noone", "neither"})
ROUND_NOUNS = frozenset({"round", "series", "wave", "spate", "string", "resumption", "start"})
FIRST_PERSON = frozenset(
    {"i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"}
)
ENTITY_FAMILIES = frozenset({"PERSON", "ORG", "PLACE", "FAC", "NORP", "EVENT", "PRODUCT"})
PLACE_FAMILIES = frozenset({"PLACE", "FAC"})
SKIP_NOUN_FAMILIES = frozenset({"PERSON", "ORG", "PLACE", "FAC", "NORP", "PRODUCT"})

# --------------------------------------------------------------------------- structures


@dataclass
class Trigger:
    token: Token
    entry: Entry
    kind: str  # "verb" | "noun"
    type: str | None
    light: Token | None = None  # the support verb of a noun trigger
    end_char: int = 0
    merged: Token | None = None  # a participle merged into a verb trigger

    def __post_init__(self) -> None:
        if not self.end_char:
            self.end_char = self.token.idx + len(self.token.text)


@dataclass
class Arg:
    """A participant: the words in the text and the entity they resolve to."""

    start_char: int
    end_char: int
    text: str
    mention: Mention | None = None
    name: str | None = None  # a name without entity (a proper noun the NER missed)

    def key(self) -> object:
        return id(self.mention.entity) if self.mention else (self.start_char, self.end_char)


class _Context:
    """Per-article indexes, built once (tokens are fetched once: spaCy makes a new Token
    object on every access)."""

    def __init__(
        self,
        doc: Doc,
        article_id: str,
        published: dt.date | None,
        mentions: list[Mention],
        lex: Lexicon,
    ):
        self.doc = doc
        self.article_id = article_id
        self.published = published
        self.mentions = mentions
        self.lex = lex
        self.tokens: list[Token] = list(doc)
        # Doc.text re-creates every token on each access: join the ones we hold instead.
        self.text = "".join([t.text_with_ws for t in self.tokens])
        self.sent_starts = [t.i for t in self.tokens if t.is_sent_start or t.i == 0]
        self.by_token: dict[int, Mention] = {}
        for m in mentions:
            if m.entity is not None and m.family in ENTITY_FAMILIES:
                for i in range(m.start, m.end):
                    self.by_token.setdefault(i, m)
        self._ids: dict[int, tuple[str, str]] = {}
        self._resolver: PronounResolver | None = None
        self._countries: dict[int, Mention | None] = {}
        self._ctx_words: dict[int, set[str]] = {}
        self._time_text: dict[int, str] | None = None
        self._places: dict[int, list[Mention]] | None = None
        self.quotes: list[tuple[int, int]] = []
        self.trigger_types: dict[int, str | None] = {}
        self.times: dict[int, list[Span]] = {}
        self.dateline_end = _dateline_end(self.tokens)

    # -- lookups

    @property
    def resolver(self) -> PronounResolver:
        if self._resolver is None:
            self._resolver = PronounResolver(self.doc, self.mentions)
        return self._resolver

    def mention_at(self, token: Token) -> Mention | None:
        return self.by_token.get(token.i)

    def ids(self, m: Mention) -> tuple[str, str]:
        """(entity_id, canonical name) of a mention, hashed once per entity."""
        ent = m.entity
        key = id(ent)
        got = self._ids.get(key)
        if got is None:
            got = (m.entity_id or "", m.canonical_name or "")
            self._ids[key] = got
        return got

    def sentence_index(self, i: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, i) - 1)

    def sentence_bounds(self, i: int) -> tuple[int, int]:
        k = self.sentence_index(i)
        end = self.sent_starts[k + 1] if k + 1 < len(self.sent_starts) else len(self.tokens)
        return self.sent_starts[k], end

    def window_words(self, i: int) -> set[str]:
        """Lowercased words of the sentence of token i and the two before it."""
        k = self.sentence_index(i)
        got = self._ctx_words.get(k)
        if got is None:
            lo = self.sent_starts[max(0, k - 2)]
            _, hi = self.sentence_bounds(i)
            got = {t.lower_ for t in self.tokens[lo:hi]} | {t.lemma_ for t in self.tokens[lo:hi]}
            self._ctx_words[k] = got
        return got

    def in_quote(self, char: int) -> bool:
        k = bisect.bisect_right(self.quotes, (char, float("inf"))) - 1
        return k >= 0 and self.quotes[k][0] <= char < self.quotes[k][1]

    def places_in_sentence(self, i: int) -> list[Mention]:
        """Place mentions of the sentence of token i, in order (computed once per sentence)."""
        k = self.sentence_index(i)
        if self._places is None:
            self._places = {}
            for m in self.mentions:
                if m.family in PLACE_FAMILIES and m.entity is not None:
                    self._places.setdefault(self.sentence_index(m.start), []).append(m)
            for ms in self._places.values():
                ms.sort(key=lambda m: m.start)
        return self._places.get(k, [])

    def usable_time(self, tok: Token) -> bool:
        """Is this token part of a time expression that resolves ("last year", not "in a
        month" or "nearly two decades")?"""
        if tok.ent_type_ not in {"DATE", "TIME"}:
            return False
        if self._time_text is None:
            self._time_text = {}
            for e in self.doc.ents:
                if e.label_ in {"DATE", "TIME"}:
                    for i in range(e.start, e.end):
                        self._time_text[i] = e.text
        text = self._time_text.get(tok.i)
        return text is not None and resolve(text, self.published or dt.date(2000, 1, 1)) is not None

    def in_dateline(self, token: Token) -> bool:
        return token.i < self.dateline_end


# --------------------------------------------------------------------------- API


def extract_events(
    doc: Doc,
    article_id: str,
    published: dt.date | None,
    mentions: list[Mention],
    lex: Lexicon | None = None,
) -> list[dict]:
    """Rows of the ``events`` table for one article (document order).

    ``lex`` replaces the packaged lexicon (see :func:`parse_lexicon`).
    """
    if len(doc) == 0:
        return []
    ctx = _Context(doc, article_id, published, mentions, lex or lexicon())
    triggers = _find_triggers(ctx)
    if not triggers:
        return []
    ctx.trigger_types = {t.token.i: t.type for t in triggers}
    sent_chars = [ctx.tokens[i].idx for i in ctx.sent_starts]
    ctx.quotes = [(g.start, g.end) for g in quote_segments(ctx.text, sent_chars)]
    ctx.times = _time_anchors(ctx, {t.token.i for t in triggers})
    rows: list[dict] = []
    seen: set[str] = set()
    for trig in triggers:
        for row in _rows_for(ctx, trig):
            if row["event_id"] not in seen:
                seen.add(row["event_id"])
                rows.append(row)
    return rows


def _dateline_end(tokens: list[Token]) -> int:
    """Token index after a leading dateline ("WARSAW —", "GOMA, Democratic Republic of
    Congo -"), 0 when there is none."""
    for i, t in enumerate(tokens[:14]):
        if t.text in {"—", "–", "-", "--"} and i > 0:
            words = [x for x in tokens[:i] if x.is_alpha]
            if words and words[0].text.isupper() and len(words[0].text) > 1:
                return i + 1
            return 0
        if t.is_space and "\n" in t.text:
            return 0
    return 0


# --------------------------------------------------------------------------- triggers


def _forms(token: Token, pos: str) -> list[str]:
    """Lexicon keys to try for a token: its lemma, its form, and simple de-inflections
    (the small model's lemmatizer errs: "staged" → "stag", "bases" → "basis")."""
    low = token.lower_
    out = [token.lemma_.lower(), low] if pos == "VERB" else [low, token.lemma_.lower()]
    if pos == "VERB":
        if low.endswith("ied"):
            out.append(low[:-3] + "y")
        if low.endswith("ed"):
            out += [low[:-1], low[:-2]]
            if len(low) > 4 and low[-3] == low[-4]:
                out.append(low[:-3])
        if low.endswith("ing"):
            out += [low[:-3], low[:-3] + "e"]
            if len(low) > 5 and low[-4] == low[-5]:
                out.append(low[:-4])
        if low.endswith("es"):
            out.append(low[:-2])
        if low.endswith("s"):
            out.append(low[:-1])
    else:
        if low.endswith("ies"):
            out.append(low[:-3] + "y")
        if low.endswith("es"):
            out.append(low[:-2])
        if low.endswith("s"):
            out.append(low[:-1])
    return out


def _lookup(lex: Lexicon, token: Token, pos: str) -> list[Entry]:
    for form in _forms(token, pos):
        rows = lex.rows(form, pos)
        if rows:
            return rows
    return []


def _named_event(token: Token) -> bool:
    """A capitalised event noun inside a name, mid-sentence: a historical event the article
    refers to ("the Iran–Iraq War", "the Cold War"), not one it reports."""
    if not token.text.istitle() or token.is_sent_start:
        return False
    return any(
        c.dep_ in {"compound", "amod", "nmod"} and c.i < token.i and c.text[:1].isupper()
        for c in token.children
    )


def _find_triggers(ctx: _Context) -> list[Trigger]:
    lex = ctx.lex
    nouns: dict[int, Trigger] = {}
    verb_tokens: list[Token] = []
    toks = ctx.tokens
    for token in toks:
        pos = token.pos_
        if pos not in {"NOUN", "PROPN", "VERB", "AUX"}:
            continue
        low = token.lower_
        if low[:4] not in lex.prefixes and token.lemma_.lower()[:4] not in lex.prefixes:
            continue
        if pos == "VERB" or (
            pos == "AUX" and token.dep_ not in {"aux", "auxpass"} and token.lemma_ != "be"
        ):
            if token.dep_ != "amod":  # "the detained activists", "captured militants"
                verb_tokens.append(token)
            continue
        if token.dep_ == "compound":
            continue
        m = ctx.mention_at(token)
        if m is not None and m.family in SKIP_NOUN_FAMILIES:
            continue
        if pos == "PROPN" and token.ent_type_ not in {"", "EVENT"}:
            continue
        if _named_event(token):
            continue
        trig = _noun_trigger(ctx, token)
        if trig is not None:
            nouns[token.i] = trig
    verbs: list[Trigger] = []
    for token in verb_tokens:
        rows = _lookup(lex, token, "VERB")
        for entry in rows:
            if entry.type == "LIGHT":
                if not _conds_hold(ctx, token, entry, "verb"):
                    continue
                noun = _light_object(token, nouns)
                if noun is None:
                    continue
                if nouns[noun.i].light is None:
                    nouns[noun.i].light = token
                    _retype(ctx, nouns[noun.i])
                break
            if _conds_hold(ctx, token, entry, "verb"):
                if entry.type != "-":
                    verbs.append(Trigger(token, entry, "verb", entry.type))
                break
    verbs = [t for t in verbs if not _metaphor(ctx, t)]
    verb_at = {t.token.i: t for t in verbs}
    light_at = {t.light.i: t for t in nouns.values() if t.light is not None}
    kept: list[Trigger] = []
    for trig in verbs:
        if not _merged_participle(trig, verb_at):
            kept.append(trig)
    for trig in nouns.values():
        if _keep_noun(ctx, trig, verb_at, light_at):
            kept.append(trig)
    for trig in kept:
        if "harm" in trig.entry.flags and trig.type == "ASSAULT":
            trig.type = _harm_type(ctx, trig, kept)
    kept.sort(key=lambda t: t.token.i)
    return kept


def _noun_trigger(ctx: _Context, token: Token) -> Trigger | None:
    # "sit-in", "pull-out": a hyphenated noun the tokenizer split.
    doc = ctx.doc
    if (
        token.i + 2 < len(doc)
        and not token.whitespace_
        and doc[token.i + 1].text == "-"
        and not doc[token.i + 1].whitespace_
    ):
        joined = f"{token.lower_}-{doc[token.i + 2].lower_}"
        rows = ctx.lex.rows(joined, "NOUN")
        if rows:
            entry = _first_entry(ctx, token, rows, "noun")
            if entry is not None and entry.type not in {"-", "LIGHT"}:
                end = doc[token.i + 2]
                return Trigger(token, entry, "noun", entry.type, end_char=end.idx + len(end.text))
    rows = _lookup(ctx.lex, token, "NOUN")
    if not rows:
        return None
    entry = _first_entry(ctx, token, rows, "noun")
    if entry is None or entry.type in {"-", "LIGHT"}:
        return None
    return Trigger(token, entry, "noun", entry.type)


def _metaphor(ctx: _Context, trig: Trigger) -> bool:
    """ "attack every gate", "fighting yesterday's war": a violent verb whose object is no
    possible target (rows that name their objects, "fired tear gas", are not checked)."""
    if trig.type != "ASSAULT" or any(c.slot in {"obj", "theme"} for c in trig.entry.conds):
        return False
    obj = next((c for c in trig.token.children if c.dep_ in {"dobj", "obj"}), None)
    if obj is None or obj.pos_ in {"PRON", "PROPN"} or ctx.mention_at(obj) is not None:
        return False
    obj = _of_quantifier(obj) or obj
    return not _target_ok(ctx, obj, trig) and obj.lemma_.lower() not in PLACE_NOUNS


def _first_entry(ctx: _Context, token: Token, rows: list[Entry], kind: str) -> Entry | None:
    for entry in rows:
        if entry.type == "LIGHT":
            continue
        if _conds_hold(ctx, token, entry, kind):
            return entry
    return None


def _retype(ctx: _Context, trig: Trigger) -> None:
    """Rows with a gov= condition ("open fire") are re-evaluated once the support verb is known."""
    rows = ctx.lex.rows(trig.entry.lemma, "NOUN")
    entry = _first_entry(ctx, trig.token, rows, "noun")
    if entry is not None and entry.type not in {"-", "LIGHT"}:
        trig.entry, trig.type = entry, entry.type


def _light_object(verb: Token, nouns: dict[int, Trigger]) -> Token | None:
    """The event noun a support verb governs: object, passive subject, prepositional object,
    or the noun it describes ("the withdrawal first announced on October 6")."""
    cands: list[Token] = []
    for c in verb.children:
        if c.dep_ in {"dobj", "nsubjpass", "attr"}:
            cands.append(c)
            cands.extend(x for x in c.children if x.dep_ == "conj")
            for p in c.children:
                if p.dep_ == "prep":
                    cands.extend(x for x in p.children if x.dep_ == "pobj")
        elif c.dep_ in {"prep", "prt"} and c.lower_ in {"into", "in", "for", "under", "to"}:
            cands.extend(x for x in c.children if x.dep_ == "pobj")
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        cands.append(verb.head)
    for c in cands:
        quant = _of_quantifier(c)
        if quant is not None and quant.i in nouns:
            return quant
        if c.i in nouns:
            return c
    return None


def _merged_participle(trig: Trigger, verb_at: dict[int, Trigger]) -> bool:
    """ "launched missiles targeting US troops": the participle is the launch itself."""
    t = trig.token
    if t.dep_ != "acl" or t.tag_ not in {"VBG", "VBN"}:
        return False
    head = t.head
    if head.dep_ in {"dobj", "nsubjpass"} and head.head.i in verb_at:
        main = verb_at[head.head.i]
        if main.type == trig.type:
            main.merged = t
            return True
    return False


#: Verbs that narrate what an event did: their event-noun subject is a specific occurrence
#: ("protests filled the streets", "clashes erupted", "the strike paralysed the city").
EVENT_SUBJECT_VERBS = frozenset(
    """fill spread erupt continue escalate rock sweep grip paralyse paralyze disrupt spill
    intensify flare rage draw attract shut block halt cause prompt trigger spark damage
    leave bring turn enter reach break""".split()
)


def _keep_noun(
    ctx: _Context, trig: Trigger, verb_at: dict[int, Trigger], light_at: dict[int, Trigger]
) -> bool:
    """Is this event noun a row of its own? (see the module docstring)"""
    t = trig.token
    flags = trig.entry.flags
    if trig.light is not None:
        return True
    if "light" in flags:
        return False
    participant = _noun_participant(ctx, t)
    gov = _governing_verb(t)
    if gov is not None and gov.i in light_at and t.dep_ == "pobj":
        other = light_at[gov.i]  # "began a military offensive with airstrikes"
        if other.type == trig.type and other is not trig:
            return False
    if gov is not None and gov.i in verb_at:
        gtrig = verb_at[gov.i]
        # An adjunct of the same category is the same event ("killed nine attackers in
        # clashes", "discussed shortages at a meeting"). The object of another trigger is
        # the same event ("signed an agreement") or an earlier one named again ("rejected
        # the demand"), unless it names its participants ("condemned this attack on
        # civilians").
        if gtrig.type == trig.type and t.dep_ in {"dobj", "nsubjpass", "pobj", "attr"}:
            return False
        if t.dep_ in {"dobj", "nsubjpass", "attr"} and not participant:
            return False
    if "strict" in flags:
        return participant
    if participant:
        return True
    if _noun_time_or_place(ctx, t):
        return True
    if any(c.dep_ == "det" and c.lower_ in {"no"} for c in t.children) and t.dep_ in {
        "attr",
        "nsubj",
        "nsubjpass",
    }:
        return True  # "There was no bombing", "No arrests were made"
    if (
        t.dep_ == "nsubj"
        and t.head.tag_ == "VBD"
        and t.head.lemma_ in EVENT_SUBJECT_VERBS
        and t.head.i not in verb_at
    ):
        return True  # "protests filled the streets daily", "clashes erupted"
    # "An earthquake struck", "a fire killed three": an accident or hazard doing something
    return (
        trig.type in {"ACCIDENT", "DISASTER"}
        and t.dep_ in {"nsubj", "nsubjpass"}
        and t.head.lemma_ not in {"be", "seem", "remain", "appear"}
        and any(c.dep_ in {"det", "poss", "nummod"} for c in t.children)
    )


def _governing_verb(t: Token) -> Token | None:
    """The verb a noun depends on, directly or through one preposition."""
    h = t.head
    if t.dep_ == "pobj" and h.dep_ in {"prep", "agent"}:
        h = h.head
    if h is t or h.i == t.i:
        return None
    return h if h.pos_ in {"VERB", "AUX"} else None


def _is_name(tok: Token) -> bool:
    """A proper name, including one the tagger took for a common noun ("MONUSCO")."""
    return tok.pos_ == "PROPN" or (tok.text.isupper() and len(tok.text) >= 3 and tok.is_alpha)


def _agentive(tok: Token) -> bool:
    """A common noun for people acting: listed, or a plural agent noun ("smugglers",
    "separatists", "civilians", "assailants")."""
    low, lemma = tok.lower_, tok.lemma_.lower()
    if low in PARTICIPANT_NOUNS or lemma in PARTICIPANT_NOUNS or lemma in PERSON_TITLES:
        return True
    return tok.tag_ == "NNS" and low.endswith(("ers", "ists", "ians", "ants", "ors"))


def _is_participant_token(ctx: _Context, p: Token) -> bool:
    if p.ent_type_ in {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"}:
        return False
    if ctx.mention_at(p) is not None or p.pos_ == "PRON" or _is_name(p):
        return True
    return _agentive(p)


def _noun_participant(ctx: _Context, t: Token) -> bool:
    for c in t.children:
        dep = c.dep_
        if dep == "poss" and not _is_time(c):
            return True
        if dep in {"compound", "amod", "nmod"} and _entity_modifier(ctx, c) is not None:
            return True
        if (
            dep == "acl"
            and c.tag_ == "VBN"
            and c.lemma_ in AGENT_VERBS
            and any(x.dep_ == "agent" for x in c.children)
        ):
            return True  # "the attack, reportedly conducted by the Taliban"
        if dep == "prep" and c.lower_ in {
            "by",
            "against",
            "on",
            "with",
            "between",
            "from",
            "to",
            "into",
            "of",
            "for",
        }:
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                physical = c.lower_ in {"on", "against", "into"} and (
                    p.lemma_.lower() in PHYSICAL_TARGETS or p.lemma_.lower() in PLACE_NOUNS
                )  # "attacks on villages"
                if not physical and not _is_participant_token(ctx, p):
                    continue
                if (
                    c.lower_ in {"for", "to", "from"}
                    and ctx.mention_at(p) is None
                    and p.pos_ != "PRON"
                    and p.lemma_.lower() not in AFFILIATION_NOUNS
                    and not any(
                        a.dep_ == "appos" and ctx.mention_at(a) is not None for a in p.children
                    )
                ):
                    continue
                return True
    return False


def _is_time(tok: Token) -> bool:
    return tok.ent_type_ in {"DATE", "TIME"}


def _is_place(ctx: _Context, tok: Token) -> bool:
    """A place: a place or building mention, a named organisation's site ("outside the
    Legislative Council Complex"), or a place noun ("in the region")."""
    m = ctx.mention_at(tok)
    if m is not None:
        return m.family in PLACE_FAMILIES or m.family == "ORG"
    return tok.lemma_.lower() in PLACE_NOUNS


def _noun_time_or_place(ctx: _Context, t: Token) -> bool:
    """A time or a place in the noun's phrase or its relative clause, or in the clause it is
    the subject of ("The strike took place in Iraq", "talks that began last year")."""

    def direct(tok: Token) -> bool:
        for c in tok.children:
            if ctx.usable_time(c) and c.dep_ in {"npadvmod", "poss", "nmod", "compound", "tmod"}:
                return True
            if c.dep_ == "prep" and _time_prep(c):
                for p in c.children:
                    if p.dep_ != "pobj":
                        continue
                    if ctx.usable_time(p) or (c.lower_ in LOCATIVE_PREPS and _is_place(ctx, p)):
                        return True
            if c.dep_ in {"compound", "nmod"} and _is_place(ctx, c) and ctx.mention_at(c):
                return True
        return False

    if direct(t):
        return True
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_ in ROUND_NOUNS:
        t = t.head.head  # "the next round of talks is scheduled to open in Havana"
    for c in t.children:
        if c.dep_ in {"relcl", "acl"} and any(
            ctx.usable_time(x)
            or (x.dep_ == "pobj" and x.head.lower_ in LOCATIVE_PREPS and _is_place(ctx, x))
            for x in _near(c.subtree)
        ):
            return True
    if t.dep_ in {"nsubj", "nsubjpass"} and t.head.lemma_ in HAPPEN_VERBS:
        return direct(t.head) or any(direct(c) for c in t.head.children if c.dep_ == "xcomp")
    return False


def _harm_type(ctx: _Context, trig: Trigger, triggers: list[Trigger]) -> str:
    """ "kill"/"injure": ACCIDENT or DISASTER when the cause is one, else ASSAULT."""
    lex = ctx.lex
    t = trig.token
    cause = _agent(t) or _subject(ctx, t)
    if cause is not None:
        words = {cause.lemma_.lower(), cause.lower_}
        if words & lex.cls("@hazard"):
            return "DISASTER"
        if words & (lex.cls("@accidentcause") | lex.cls("@vehicle")):
            return "ACCIDENT"
        return "ASSAULT"
    lo, hi = ctx.sentence_bounds(t.i)
    for other in triggers:
        if (
            other is not trig
            and lo <= other.token.i < hi
            and other.type in {"ACCIDENT", "DISASTER"}
        ):
            return other.type
    return "ASSAULT"


# --------------------------------------------------------------------------- conditions


def _conds_hold(ctx: _Context, token: Token, entry: Entry, kind: str) -> bool:
    return all(_cond(ctx, token, cond, kind) != cond.negate for cond in entry.conds)


#: Heads whose "of" object is what a condition is about ("a state of emergency", "a wave of
#: strikes", "acts of violence").
OF_HEADS = frozenset({"state", "series", "wave", "round", "spate", "string", "act", "acts"})


def _match(values: frozenset[str], tokens: list[Token | None]) -> bool:
    present = [t for t in tokens if t is not None]
    if "*" in values and present:
        return True
    if "-" in values and not present:
        return True
    present += [
        p
        for t in present
        if t.lemma_.lower() in OF_HEADS
        for c in t.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for p in c.children
        if p.dep_ == "pobj"
    ]
    return any(t.lower_ in values or t.lemma_.lower() in values for t in present)


def _cond(ctx: _Context, t: Token, cond: Cond, kind: str) -> bool:
    slot, values = cond.slot, cond.values
    if slot == "prt":
        return any(c.dep_ in {"prt", "prep", "advmod"} and c.lower_ in values for c in t.children)
    if slot == "prep":
        preps = [c for c in t.children if c.dep_ in {"prep", "agent", "dative"}]
        preps += [
            m
            for c in t.children
            if c.dep_ in {"ccomp", "advcl", "xcomp"}
            for m in c.children
            if m.dep_ == "mark"
        ]
        obj = _object(ctx, t, kind)
        if obj is not None:
            preps += [c for c in obj.children if c.dep_ == "prep"]
        return any(c.lower_ in values for c in preps)
    if slot == "obj":
        obj = _object(ctx, t, kind)
        if obj is None and kind == "verb" and (v := _shared_object_conj(t)) is not None:
            obj = _object(ctx, v, kind)  # "fired and landed a live round"
        return _match(values, [obj])
    if slot == "subj":
        return _match(values, [_agent(t) or _subject(ctx, t)])
    if slot == "theme":
        obj = _object(ctx, t, kind)
        return _match(values, [obj if obj is not None else _subject(ctx, t)])
    if slot == "pobj":
        return _match(
            values,
            [
                p
                for c in t.children
                if c.dep_ in {"prep", "agent"}
                for p in c.children
                if p.dep_ == "pobj"
            ],
        )
    if slot.startswith("p:"):
        prep = slot[2:]
        return _match(
            values,
            [
                p
                for c in t.children
                if c.dep_ == "prep" and c.lower_ == prep
                for p in c.children
                if p.dep_ == "pobj"
            ],
        )
    if slot == "mod":
        return _match(values, [c for c in t.children if c.dep_ in {"compound", "amod", "nmod"}])
    if slot == "xcomp":
        return _match(values, [c for c in t.children if c.dep_ == "xcomp"])
    if slot == "ccomp":
        return _match(values, [c for c in t.children if c.dep_ == "ccomp"])
    if slot == "mark":
        return _match(
            values,
            [
                m
                for c in t.children
                if c.dep_ in {"ccomp", "advcl", "xcomp"}
                for m in c.children
                if m.dep_ == "mark"
            ],
        )
    if slot == "gov":
        return _match(values, [_governing_verb(t)])
    if slot == "oprd":
        return _match(values, [c for c in t.children if c.dep_ in {"oprd", "acomp", "ccomp"}])
    if slot == "ctx":
        return bool(ctx.window_words(t.i) & values)
    return False


def _shared_object_conj(t: Token) -> Token | None:
    """The next coordinated verb when ``t`` has neither object nor preposition of its own and
    the conjunct shares ``t``'s subject: "police fired and landed a round on a protester"."""
    if any(
        c.dep_ in {"dobj", "obj", "dative", "ccomp", "xcomp"}
        or (c.dep_ == "prep" and c.lower_ in {"on", "at", "against", "into", "upon"})
        for c in t.children
    ):
        return None
    for c in t.children:
        if c.dep_ == "conj" and c.pos_ == "VERB" and not _has_own_subject(c):
            if any(x.dep_ == "dobj" for x in c.children):
                return c
            return None
    return None


def _of_quantifier(t: Token) -> Token | None:
    """ "three of the same companies" → companies; "dozens of homes" → homes."""
    if t.lower_ in QUANTIFIERS or t.like_num:
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj" and not (p.pos_ == "PRON" and t.lower_ == "one"):
                        # "most of them" → them; "one of them" stays one (not the group)
                        return p
    return None


#: Subtree walks stop after this many tokens: a run-on "sentence" of thousands of tokens must
#: not make extraction quadratic.
NEAR = 60


def _near(tokens: Iterable[Token]) -> Iterable[Token]:
    for n, tok in enumerate(tokens):
        if n >= NEAR:
            return
        yield tok


def _kid(ctx: _Context, t: Token, deps: set[str]) -> Token | None:
    """The first child with one of these relations, preferring one outside the dateline
    ("GOMA, Democratic Republic of Congo - At least 23 civilians were killed")."""
    fallback = None
    for c in t.children:
        if c.dep_ in deps:
            if c.i >= ctx.dateline_end:
                return c
            fallback = fallback or c
    return fallback


def _object(ctx: _Context, t: Token, kind: str = "verb") -> Token | None:
    if kind == "noun":
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in {"of", "on", "against"}:
                for p in c.children:
                    if p.dep_ == "pobj":
                        return p
        return None
    c = _kid(ctx, t, {"dobj", "obj"}) or _kid(ctx, t, {"nsubjpass"})
    if c is not None:
        if c.tag_ in {"WDT", "WP"} and t.dep_ == "relcl":
            return t.head  # "the dispute, which ambassadors resolved"
        return _of_quantifier(c) or c
    dep = t.dep_
    if dep == "relcl" and not any(c.dep_ in {"dobj", "nsubjpass"} for c in t.children):
        subj = _kid(ctx, t, {"nsubj"})
        if subj is not None and subj.tag_ not in {"WDT", "WP"} and subj.lower_ != "that":
            return t.head
    if dep == "acl" and t.tag_ == "VBN":
        return t.head
    if dep in {"conj", "xcomp"} and _is_passive(t):
        # "drowned or killed by landslides", "are to be delivered": the head's subject
        c = _kid(ctx, t.head, {"nsubj", "nsubjpass"})
        if c is not None:
            return _of_quantifier(c) or c
    return None


def _explicit_subject(ctx: _Context, t: Token) -> Token | None:
    c = _kid(ctx, t, {"nsubj", "csubj"})
    if c is not None:
        return c
    for a in t.children:  # the parser sometimes hangs the subject on the auxiliary
        if a.dep_ in {"aux", "auxpass"}:
            c = _kid(ctx, a, {"nsubj"})
            if c is not None:
                return c
    return None


def _subject(ctx: _Context, t: Token, depth: int = 0) -> Token | None:
    """The (possibly inherited) active subject of a verb."""
    c = _explicit_subject(ctx, t)
    if c is not None:
        if c.tag_ in {"WDT", "WP"} or c.lower_ == "that":
            return t.head if t.dep_ == "relcl" else None
        return _of_quantifier(c) or c
    if any(c.dep_ == "nsubjpass" for c in t.children) or depth > 4:
        return None
    head = t.head
    if head is t or head.i == t.i:
        return _recover_subject(ctx, t)
    dep = t.dep_
    if head.pos_ == "ADJ" and head.dep_ in {"acomp", "xcomp"} and dep == "xcomp":
        head = head.head  # "Wierzbicki is due to visit Canada"
    if dep == "xcomp" or (dep == "advcl" and _mark(t) == "to"):
        if head.lemma_ in OBJECT_CONTROL:
            obj = _kid(ctx, head, {"dobj", "obj"})
            if obj is not None:
                return obj
        got = _subject(ctx, head, depth + 1) or _agent(head)
        if got is None and _is_passive(head):  # "the army had been deployed to help evacuate"
            got = _kid(ctx, head, {"nsubjpass"})
        return got
    if dep == "conj" and head.pos_ in {"VERB", "AUX"}:
        return _subject(ctx, head, depth + 1)
    if dep == "relcl":
        return t.head
    if dep == "acl":
        if t.tag_ == "VBG":
            owner = _noun_agent_only(t.head)
            return owner if owner is not None else t.head
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
            return _noun_agent(ctx, t.head, depth)
        return None
    if dep == "pcomp" and head.lower_ == "of":
        # "accused the military of carrying out air strikes" (of on the verb or the object)
        gov = head.head
        if gov.lemma_ in ACCUSING:
            obj = _kid(ctx, gov, {"dobj", "obj"})
            if obj is not None:
                return obj
        elif gov.dep_ in {"dobj", "obj"} and gov.head.lemma_ in ACCUSING:
            return gov
    if (
        dep in {"advcl", "pcomp"}
        and t.tag_ in {"VBG", "VB"}
        and not any(c.dep_ == "mark" for c in t.children)
    ):
        v = head
        for _ in range(3):  # "the US was more forceful in blaming Iran"
            if v.pos_ in {"VERB", "AUX"} or v.head.i == v.i:
                break
            v = v.head
        return _subject(ctx, v, depth + 1)
    if dep in {"ccomp", "advcl", "parataxis"} and t.tag_ in {"VBD", "VBZ", "VBP"}:
        return _recover_subject(ctx, t)
    return None


def _recover_subject(ctx: _Context, t: Token) -> Token | None:
    """A finite verb the parser left without subject: the name right before it
    ("…her counterpart Lloyd Austin, French Defense Minister Florence Parly inked")."""
    if t.tag_ not in {"VBD", "VBZ", "VBP"} or t.i == 0:
        return None
    i = t.i - 1
    while i > 0 and ctx.tokens[i].pos_ == "ADV":
        i -= 1
    prev = ctx.tokens[i]
    if (
        prev.pos_ in {"NOUN", "PROPN"}
        and prev.head.i != t.i
        and prev.dep_ in {"appos", "conj", "compound", "npadvmod", "dep"}
        and not _is_time(prev)
        and not prev.is_sent_start
        and prev.i >= ctx.dateline_end
    ):
        return prev
    return None


def _noun_agent_only(noun: Token) -> Token | None:
    for c in noun.children:
        if c.dep_ == "poss":
            return c
        if c.dep_ == "prep" and c.lower_ == "by":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _noun_agent(ctx: _Context, noun: Token, depth: int) -> Token | None:
    """Who would do what a noun announces: "a commitment by the CDS to release",
    "a resolution to expel" (the subject of the verb the noun depends on)."""
    for c in noun.children:
        if c.dep_ == "poss":
            return c
        if c.dep_ == "prep" and c.lower_ == "by":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    gov = _governing_verb(noun)
    if gov is not None and noun.dep_ != "nsubj":
        return _subject(ctx, gov, depth + 1)
    return None


def _agent(t: Token) -> Token | None:
    for c in t.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by" and _is_passive(t)):
            for p in c.children:
                if p.dep_ == "pobj" and not _is_time(p) and p.lemma_ not in {"end", "time"}:
                    return _of_quantifier(p) or p
    return None


def _is_passive(t: Token) -> bool:
    for c in t.children:
        if c.dep_ in {"nsubjpass", "auxpass", "agent"}:
            return True
    return (
        t.tag_ == "VBN"
        and t.dep_ in {"acl", "relcl"}
        and not any(c.dep_ in {"nsubj", "aux"} for c in t.children)
    )


# --------------------------------------------------------------------------- arguments


#: Adjectives that follow their noun in titles ("attorneys general", "secretary-designate").
POSTPOSITIVE = frozenset({"general", "elect", "designate"})


def _np_bounds(ctx: _Context, head: Token) -> tuple[int, int]:
    """Token bounds of a compact noun phrase: determiners, modifiers and the head."""
    left = max(head.left_edge.i, head.i - 30)
    for c in head.children:
        if c.i > head.i:
            break
        if c.dep_ in {"relcl", "acl", "appos", "prep", "punct", "cc", "conj"}:
            left = c.i + 1 if c.right_edge.i < head.i else left
    left = max(left, ctx.dateline_end)
    right = head.i
    for c in head.rights:
        if c.dep_ in {"compound", "case"} or (
            c.dep_ == "amod" and c.i == right + 1 and c.lower_ in POSTPOSITIVE
        ):
            right = max(right, c.i)
        else:
            break
    toks = ctx.tokens
    while left < head.i and (
        toks[left].is_punct or toks[left].is_space or toks[left].dep_ in {"cc", "prep"}
    ):
        left += 1
    return left, right + 1


def _span_arg(ctx: _Context, start: int, end: int, mention: Mention | None) -> Arg:
    toks = ctx.tokens
    first, last = toks[start], toks[end - 1]
    s, e = first.idx, last.idx + len(last.text)
    return Arg(s, e, ctx.text[s:e], mention)


def _person_country(ctx: _Context, m: Mention) -> Mention | None:
    """The country a person is introduced with: "French President Emmanuel Macron"."""
    ent = m.entity
    if ent is None:
        return None
    key = id(ent)
    if key in ctx._countries:
        return ctx._countries[key]
    found = None
    for pm in ent.mentions:
        for i in range(pm.start - 1, max(-1, pm.start - 6), -1):
            tok = ctx.tokens[i]
            if tok.is_punct or tok.is_space:
                break
            cm = ctx.by_token.get(i)
            if cm is not None and cm is not pm and cm.country_code and cm.entity is not None:
                found = cm
                break
        if found is not None:
            break
    ctx._countries[key] = found
    return found


def _entity_modifier(ctx: _Context, c: Token) -> Mention | None:
    m = ctx.mention_at(c)
    if m is None:
        return None
    if m.family == "NORP" and not m.country_code:
        return None
    return m


def _state_modifier(ctx: _Context, noun: Token) -> Token | None:
    """The modifier of a noun that names who acts through it — an entity that is not a
    place without a country ("the US airstrike", "Israel's raid"), or None."""
    for c in noun.children:
        if c.dep_ in {"poss", "compound", "amod", "nmod"}:
            m = _entity_modifier(ctx, c)
            if m is not None and not (m.family == "PLACE" and not m.country_code):
                return c
    return None


_PERSON_PRONOUNS = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
_THING_PRONOUNS = frozenset({"it", "its", "itself"})
_PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})


#: Singular nouns for a person's role: an apposition headed by one makes its anchor a person
#: even when the NER typed the name otherwise ("Ricardo Rosselló Nevares, Puerto Rico's
#: governor, announced his resignation").
PERSON_TITLES = frozenset(
    """governor minister president mayor leader spokesman spokeswoman spokesperson chief
    official secretary senator congressman congresswoman lawmaker judge ambassador envoy king
    queen prince princess general commander director chairman chairwoman chair ceo premier
    chancellor founder journalist photojournalist reporter officer lawyer attorney prosecutor
    candidate activist member head deputy adviser advisor aide executive owner manager
    coach captain player actor singer writer author""".split()
)


def _titled_person(cand: Token) -> bool:
    return any(
        c.dep_ == "appos" and c.lemma_.lower() in PERSON_TITLES and c.tag_ == "NN"
        for c in cand.children
    )


def _compatible(ctx: _Context, pron: str, cand: Token) -> bool:
    m = ctx.mention_at(cand)
    if pron in _PERSON_PRONOUNS:
        if m is not None and m.family == "PERSON":
            return True
        return (m is not None or _is_name(cand)) and _titled_person(cand)
    if pron in _THING_PRONOUNS:
        if m is not None:
            return m.family in {"ORG", "PLACE", "FAC"}
        if _is_name(cand):
            return True  # a name the NER missed ("MONUSCO")
        return cand.pos_ == "NOUN" and cand.tag_ == "NN" and cand.lemma_.lower() in ORG_NOUNS
    if pron in _PLURAL_PRONOUNS:
        if m is not None:
            return m.family in {"ORG", "PLACE", "NORP"} or bool(cand.conjuncts)
        return cand.tag_ in {"NNS", "NNPS"} or bool(cand.conjuncts)
    return False


def _local_antecedent(ctx: _Context, pron: Token) -> Token | None:
    """A compatible subject of an enclosing clause in the same sentence ("France reduces its
    operations", "the government said it had arrested")."""
    low = pron.lower_
    h = pron
    for _ in range(10):
        nxt = h.head
        if nxt is h or nxt.i == h.i:
            break
        h = nxt
        if h.pos_ not in {"VERB", "AUX"}:
            continue
        subj = _explicit_subject(ctx, h)
        if (
            subj is None
            or subj.i == pron.i
            or pron.i in range(subj.left_edge.i, subj.right_edge.i + 1)
        ):
            continue
        if subj.pos_ == "PRON":
            continue
        if ctx.in_quote(pron.idx) and not ctx.in_quote(subj.idx):
            break  # the speaker outside a quotation is "I" inside it, not "he"
        if _compatible(ctx, low, subj):
            return subj
    return None


def _speaker(ctx: _Context, pron: Token) -> Token | None:
    """The speaker of the quotation a first-person pronoun is in: the subject of a speech verb
    outside quotation marks in that sentence or the next or previous one."""
    k = ctx.sentence_index(pron.i)
    for kk in (k, k + 1, k - 1):
        if not 0 <= kk < len(ctx.sent_starts):
            continue
        lo = ctx.sent_starts[kk]
        hi = ctx.sent_starts[kk + 1] if kk + 1 < len(ctx.sent_starts) else len(ctx.tokens)
        for tok in ctx.tokens[lo:hi]:
            if tok.lemma_ not in SPEECH or ctx.in_quote(tok.idx):
                continue
            subj = _explicit_subject(ctx, tok)
            if subj is not None and not ctx.in_quote(subj.idx) and subj.lower_ not in FIRST_PERSON:
                return subj
    return None


def _resolve_pronoun(ctx: _Context, t: Token, depth: int) -> tuple[Mention | None, Token | None]:
    """(mention, or a local common-noun antecedent token) for a pronoun."""
    low = t.lower_
    if low in FIRST_PERSON:
        if ctx.in_quote(t.idx):
            spk = _speaker(ctx, t)
            if spk is not None:
                return ctx.mention_at(spk), (None if ctx.mention_at(spk) else spk)
        return None, None
    local = _local_antecedent(ctx, t)
    if local is not None:
        m = ctx.mention_at(local)
        if m is not None:
            return m, None
        if local.pos_ == "PRON" or depth > 2:
            return None, None
        return None, local
    try:
        m = ctx.resolver.resolve(t)
    except (IndexError, KeyError, ValueError):
        return None, None
    if m is not None and ctx.in_quote(t.idx):
        # A third-person pronoun in a quotation is not its speaker, who says "I": "Yu said:
        # 'he fired a live shot'" (a workaround for the resolver, which may pick the speaker).
        spk = _speaker(ctx, t)
        sm = ctx.mention_at(spk) if spk is not None else None
        if sm is not None and (sm is m or (sm.entity_id and sm.entity_id == m.entity_id)):
            return None, None
    return m, None


def _args(ctx: _Context, head: Token | None, depth: int = 0) -> list[Arg]:
    """A participant phrase → one Arg per coordinated member, resolved to entities."""
    if head is None or depth > 3:
        return []
    if ctx.in_dateline(head):  # "WARSAW — Canada and Poland signed": the apposition
        appos = next(
            (c for c in head.children if c.dep_ == "appos" and not ctx.in_dateline(c)), None
        )
        if appos is not None:
            return _args(ctx, appos, depth + 1)
        after = [c for c in head.children if not ctx.in_dateline(c) and c.pos_ in {"NOUN", "PROPN"}]
        return _args(ctx, after[0], depth + 1) if after else []
    members = [head] + [
        c for c in head.conjuncts if c.i > head.i and not _subject_of_next_verb(ctx, c)
    ]
    if (
        head.dep_ == "pobj"
        and head.head.lower_ == "of"
        and (head.head.head.lower_ in QUANTIFIERS or head.head.head.like_num)
    ):
        # "dozens of homes and a health centre": the quantifier's conjuncts too
        members += [c for c in head.head.head.conjuncts if c.i > head.i]
    if len(members) == 1:  # "by state news firm Saba and al-Eryani": the apposition's
        for a in head.children:
            if a.dep_ == "appos" and a.i > head.i:
                members += [c for c in a.conjuncts if c.i > a.i and c.pos_ == "PROPN"]
    if len(members) == 1:
        groups = _np_coordination(ctx, head)
        if groups:
            return groups
    out: list[Arg] = []
    for t in members[:MAX_ROWS_PER_TRIGGER]:
        out.extend(_arg(ctx, t, depth))
    return out


_RANK = {"PERSON": 0, "ORG": 1, "PLACE": 2, "FAC": 3, "NORP": 4}


def _subject_of_next_verb(ctx: _Context, c: Token) -> bool:
    """ "the US pulls out of Afghanistan and France reduces its operations": the parser made
    France a conjunct of Afghanistan, but it is the subject of the verb that follows."""
    i = c.i + 1
    while i < len(ctx.tokens) and ctx.tokens[i].pos_ == "ADV":
        i += 1
    if i >= len(ctx.tokens) or ctx.tokens[i].tag_ not in {"VBZ", "VBD", "VBP"}:
        return False
    verb = ctx.tokens[i]
    if verb.pos_ != "VERB" or verb.dep_ in {"aux", "auxpass"}:
        return False
    if _explicit_subject(ctx, verb) is not None or any(
        c.dep_ == "nsubjpass" for c in verb.children
    ):
        return False
    subj = _recover_subject(ctx, verb)
    return subj is not None and subj.i == c.i


def _np_coordination(ctx: _Context, head: Token) -> list[Arg]:
    """ "US President Donald Trump and Turkish President Recep Tayyip Erdoğan", "the US and
    French defense chiefs": the parser does not always make the members conjuncts; split the
    phrase at its "and" and take the most specific entity of each side."""
    lo = max(head.left_edge.i, head.i - 30)
    if head.i - lo < 2:
        return []
    if ctx.mention_at(head) is None and head.lemma_.lower() not in AFFILIATION_NOUNS:
        return []
    toks = ctx.tokens
    cc = [
        t
        for t in toks[lo : head.i]
        if t.lower_ in {"and", "&"} and t.dep_ == "cc" and ctx.mention_at(t) is None
    ]
    if len(cc) != 1:
        return []
    cut = cc[0].i
    out: list[Arg] = []
    for a, b in ((lo, cut), (cut + 1, head.i + 1)):
        best: Mention | None = None
        for i in range(a, b):
            m = ctx.by_token.get(i)
            if m is None or m.family not in _RANK or (m.family == "NORP" and not m.country_code):
                continue
            if best is None or _RANK[m.family] <= _RANK[best.family]:
                best = m
        if best is None:
            return []
        out.append(_span_arg(ctx, best.start, best.end, best))
    if (
        out[0].mention is not None
        and out[1].mention is not None
        and out[0].mention.entity is out[1].mention.entity
    ):
        return []
    return out


#: "the president", "the governor": the person last named with that title.
TITLE_DEFINITES = frozenset(
    """president governor mayor king queen chancellor premier minister senator ambassador
    pope prince princess emperor""".split()
)


def _titled(ctx: _Context, t: Token, title: str) -> Mention | None:
    """The last person before ``t`` named with ``title`` ("President Donald Trump", "Ricardo
    Rosselló, Puerto Rico's governor"); None unless exactly one person carries it."""
    if any(c.dep_ == "prep" for c in t.children):
        return None  # "the president of the company"
    found: Mention | None = None
    for m in ctx.mentions:
        if m.start >= t.i:
            break
        head = ctx.tokens[m.end - 1]
        if m.family != "PERSON" and not _titled_person(head):
            continue
        words = ctx.tokens[max(0, m.start - 4) : m.end]
        titled = any(w.lemma_.lower() == title and w.i < m.end - 1 for w in words) or any(
            c.dep_ == "appos" and c.lemma_.lower() == title for c in head.children
        )
        if not titled:
            continue
        if found is not None and found.entity is not m.entity and found.entity_id != m.entity_id:
            return None  # two presidents: ambiguous
        found = m
    return found


def _definite(ctx: _Context, t: Token) -> Mention | None:
    """ "the group", "the company", "the government": the organisation or country named last
    (in this sentence before the noun, or the three before)."""
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in t.children):
        return None
    if any(c.dep_ in {"compound", "amod", "nmod", "poss"} for c in t.children):
        return None
    lemma = t.lemma_.lower()
    if lemma in ORG_DEFINITES:
        want = "ORG"
    elif lemma in COUNTRY_DEFINITES:
        want = "COUNTRY"
    elif lemma in TITLE_DEFINITES and t.tag_ == "NN":
        return _titled(ctx, t, lemma)
    else:
        return None
    if want == "COUNTRY":
        # "the government": the country the article has named most so far (last on ties)
        counts: dict[int, list] = {}
        for m in ctx.mentions:
            if m.start >= t.i:
                break
            if m.family in {"PLACE", "NORP"} and m.country_code and m.entity is not None:
                entry = counts.setdefault(id(m.entity), [0, m])
                entry[0] += 1
                entry[1] = m
        if not counts:
            return None
        return max(counts.values(), key=lambda e: (e[0], e[1].start))[1]
    k = ctx.sentence_index(t.i)
    lo = ctx.sent_starts[max(0, k - 3)]
    for i in range(t.i - 1, lo - 1, -1):
        m = ctx.by_token.get(i)
        if m is not None and m.start == i and m.family == "ORG":
            return m
    return None


def _arg(ctx: _Context, t: Token, depth: int = 0) -> list[Arg]:
    m = ctx.mention_at(t)
    if m is not None:
        lo, hi = _np_bounds(ctx, t)
        return [_span_arg(ctx, min(lo, m.start), max(hi, m.end), m)]
    if t.pos_ == "PRON" or t.tag_ in {"PRP", "PRP$"}:
        ante, local = _resolve_pronoun(ctx, t, depth)
        if local is not None and ante is None:
            # "the government said it had arrested": the antecedent's words and entity
            sub = _arg(ctx, local, depth + 1)
            if sub:
                return sub[:1]
        return [_span_arg(ctx, t.i, t.i + 1, ante)]
    lo, hi = _np_bounds(ctx, t)
    owner = _owner(ctx, t, depth) or ([d] if (d := _definite(ctx, t)) else [])
    if owner:
        return [_span_arg(ctx, lo, hi, o) for o in owner]
    arg = _span_arg(ctx, lo, hi, None)
    if _is_name(t):
        arg.name = arg.text  # a name the NER missed
    return [arg]


def _owner(ctx: _Context, t: Token, depth: int = 0) -> list[Mention]:
    """The entity a common noun stands for: its apposition, its owner ("its troops", "Congo's
    government"), its entity modifiers ("the US and French defense chiefs"), or "of X"."""
    low = t.lemma_.lower()
    affiliated = low in AFFILIATION_NOUNS or t.lower_ in AFFILIATION_NOUNS
    for c in t.children:
        if c.dep_ == "appos":
            m = ctx.mention_at(c)
            if m is not None:
                return [m]
    if _agentive(t) and t.tag_ == "NN":
        # "A man who identified himself as a UPLK spokesman, Jean-Pierre Amani, denied"
        for x in _near(t.subtree):
            if x.dep_ == "appos" and x.i > t.i:
                m = ctx.mention_at(x)
                if m is not None and m.family == "PERSON":
                    return [m]
    for c in t.children:
        if c.dep_ != "poss":
            continue
        if c.pos_ == "PRON" or c.tag_ == "PRP$":
            ante, local = _resolve_pronoun(ctx, c, depth)
            if ante is None and local is not None and depth < 2:
                sub = _owner(ctx, local, depth + 1) if ctx.mention_at(local) is None else []
                ante = sub[0] if sub else None
            if ante is not None:
                if ante.family == "PERSON" and low in {"country", "nation", "government"}:
                    country = _person_country(ctx, ante)
                    if country is not None:
                        return [country]
                if affiliated or ante.family != "PERSON":
                    return [ante]
        else:
            pm = ctx.mention_at(c)
            if pm is not None and (affiliated or pm.family != "PERSON"):
                return [pm]
    if not affiliated:
        return []
    found: list[Mention] = []
    for c in t.children:
        if c.dep_ in {"compound", "amod", "nmod"}:
            pm = _entity_modifier(ctx, c)
            if pm is not None:
                found.append(pm)
                for cc in c.conjuncts:
                    cm = _entity_modifier(ctx, cc)
                    if cm is not None and cm.entity is not pm.entity:
                        found.append(cm)
    if found:
        return found[:MAX_ROWS_PER_TRIGGER]
    for c in t.children:
        if c.dep_ == "prep" and c.lower_ in {"of", "from", "for"}:
            for p in c.children:
                pm = ctx.mention_at(p) if p.dep_ == "pobj" else None
                if pm is not None and pm.family in {"PLACE", "ORG", "NORP"}:
                    return [pm]
    return []


# --------------------------------------------------------------------------- roles


def _is_cause(ctx: _Context, tok: Token) -> bool:
    """An inanimate cause, not an actor: "the attack killed twelve", "the train collided"."""
    words = {tok.lemma_.lower(), tok.lower_}
    lex = ctx.lex
    return bool(
        words
        & (
            lex.cls("@hazard")
            | lex.cls("@vehicle")
            | lex.cls("@accidentcause")
            | lex.cls("@attacknoun")
            | lex.cls("@weapon")
        )
    )


def _actor_token(ctx: _Context, tok: Token | None) -> Token | None:
    """The actor, unless it is an inanimate cause or a thing ("the attack killed twelve",
    "the measures freeze assets"); "the US airstrike" stands for the United States."""
    if tok is not None and tok.lower_ in NEGATIVE_SUBJECTS:
        return None
    m = ctx.mention_at(tok) if tok is not None else None
    if m is not None and m.family in {"EVENT", "LAW", "WORK_OF_ART"}:
        return None  # "the Cold War ended": a named event is not an actor
    if tok is None or m is not None or tok.pos_ == "PRON" or _is_name(tok):
        return tok
    if _is_cause(ctx, tok):
        words = {tok.lemma_.lower(), tok.lower_}
        if words & (ctx.lex.cls("@attacknoun") | ctx.lex.cls("@weapon")):
            return _state_modifier(ctx, tok)
        return None
    if tok.like_num or _agentive(tok) or _owner(ctx, tok):
        return tok
    return None


def _target_ok(ctx: _Context, tok: Token, trig: Trigger) -> bool:
    """Objects that are participants, not things: "accused Rwanda", not "condemned the
    measures" or "agreed a roadmap"; a place noun ("the region") only for events in space."""
    if tok.tag_ in {"WP", "WDT", "WP$"}:
        return False  # "investigate who leaked the recording": an open question
    if tok.lemma_.lower() in PLACE_NOUNS and ctx.mention_at(tok) is None:
        return trig.type in SPATIAL_TYPES
    if tok.lemma_.lower() in PHYSICAL_TARGETS and ctx.mention_at(tok) is None:
        # "attacked the village", "evacuated villages", "visited the hospital"
        return trig.type in SPATIAL_TYPES | {"AID", "CONSULT"}
    if _is_participant_token(ctx, tok):
        return True
    if (tok.like_num or tok.ent_type_ == "CARDINAL") and "theme" not in trig.entry.flags:
        return True  # "killed five", "arrested four others", "the 36 must face charges"
    return bool(_owner(ctx, tok)) and "theme" not in trig.entry.flags


def _theme_place(ctx: _Context, theme: Token) -> Token | None:
    """ "its presence in Congo" → Congo; "closing military sites in northern Mali" → Mali."""
    for c in theme.children:
        if c.dep_ == "prep" and c.lower_ in {"in", "from", "at", "inside"}:
            for p in c.children:
                if p.dep_ == "pobj":
                    m = ctx.mention_at(p)
                    if m is not None and m.family in PLACE_FAMILIES:
                        return p
                    for x in _near(p.subtree):
                        mm = ctx.mention_at(x)
                        if mm is not None and mm.family in PLACE_FAMILIES:
                            return x
    return None


def _is_event_noun(ctx: _Context, tok: Token) -> bool:
    """A noun that is an event of its own, not a document ("agreements" under "concluded")."""
    if tok.pos_ != "NOUN":
        return False
    return any("light" not in e.flags for e in _lookup(ctx.lex, tok, "NOUN"))


def _ccomp_subject(ctx: _Context, t: Token, verbs: frozenset[str] | None = None) -> Token | None:
    ccomp = _kid(ctx, t, {"ccomp"})
    if ccomp is None or (verbs is not None and ccomp.lemma_ not in verbs):
        return None
    return _explicit_subject(ctx, ccomp)


def _is_theme(ctx: _Context, trig: Trigger, obj: Token) -> bool:
    """Is the object what is moved or given rather than the recipient? ("deployed troops",
    "withdraw its fighters", "provide $3 million")."""
    if "theme" in trig.entry.flags:
        return True
    if trig.type in {"RETREAT", "MOBILIZE"}:
        if _agentive(obj) and any(c.dep_ == "poss" for c in obj.children):
            return True  # "withdrew its reporters / their ambassador from …"
        words = {obj.lemma_.lower(), obj.lower_}
        lex = ctx.lex
        return bool(words & (lex.cls("@force") | lex.cls("@presence") | lex.cls("@site")))
    return False


def _roles(ctx: _Context, trig: Trigger) -> tuple[list[Arg], list[Arg], Token]:
    """(actors, targets, clause verb) of a trigger."""
    t = trig.token
    type_ = trig.type
    if trig.kind == "noun":
        return _noun_role_args(ctx, trig)
    passive = _is_passive(t)
    obj = _object(ctx, t, "verb")
    actor_tok = _agent(t) if passive else _subject(ctx, t)
    target_tok = obj
    if type_ == "MOBILIZE" and actor_tok is None and obj is not None:
        actor_tok, target_tok = obj, None  # "the army had been deployed"
    theme = None
    if target_tok is not None and _is_theme(ctx, trig, target_tok):
        theme, target_tok = target_tok, None
    if (
        "theme" in {c.slot for c in trig.entry.conds}
        and obj is None
        and not passive
        and actor_tok is not None
        and not _is_participant_token(ctx, actor_tok)
    ):
        # "the US military presence in Afghanistan will cease": the subject is the theme
        theme = actor_tok
        actor_tok = _owner_token(ctx, theme)
    if target_tok is not None and not _target_ok(ctx, target_tok, trig):
        owner = None
        if type_ in {"ACCUSE", "REJECT", "SUPPORT", "REQUEST", "CONCEDE"} and not _is_theme(
            ctx, trig, target_tok
        ):  # "alleged Iranian involvement", "rejected the EU's demand": its owner
            owner = next(
                (
                    c
                    for c in target_tok.children
                    if c.dep_ in {"poss", "amod", "compound", "nmod"}
                    and (
                        _entity_modifier(ctx, c) is not None or (c.dep_ == "poss" and _agentive(c))
                    )
                ),
                None,
            )
            if owner is None:  # "condemned the act of the NTC"
                of = next(
                    (
                        p
                        for c in target_tok.children
                        if c.dep_ == "prep" and c.lower_ == "of"
                        for p in c.children
                        if p.dep_ == "pobj" and ctx.mention_at(p) is not None
                    ),
                    None,
                )
                owner = of
        target_tok = owner
    if target_tok is None:
        target_tok = _prep_target(ctx, t, trig, exclude=actor_tok)
    if target_tok is None and obj is not None and not _is_event_noun(ctx, obj):
        target_tok = _prep_target(ctx, obj, trig, exclude=actor_tok)
    if target_tok is None and obj is None and (v := _shared_object_conj(t)) is not None:
        target_tok = _prep_target(ctx, v, trig, exclude=actor_tok)
    if target_tok is None and trig.merged is not None:
        m_obj = _object(ctx, trig.merged, "verb")
        if m_obj is not None and m_obj.i != t.i and _target_ok(ctx, m_obj, trig):
            target_tok = m_obj
    if target_tok is None and obj is None and type_ in {"REQUEST", "ACCUSE", "THREATEN"}:
        # "recommended the troops withdraw", "alleged the government is hiding figures",
        # "warned that insurers would face serious consequences"
        cs = _ccomp_subject(ctx, t, THREAT_VERBS if type_ == "THREATEN" else None)
        if cs is not None and _target_ok(ctx, cs, trig):
            target_tok = cs
    if target_tok is None and obj is None and type_ == "REQUEST":
        # "called for Rosselló's resignation": the demand is on the one who should resign
        wanted = next(
            (
                p
                for c in t.children
                if c.dep_ == "prep" and c.lower_ == "for"
                for p in c.children
                if p.dep_ == "pobj" and _is_event_noun(ctx, p)
            ),
            None,
        )
        if wanted is not None:
            target_tok = next(
                (
                    c
                    for c in wanted.children
                    if c.dep_ == "poss"
                    and (_entity_modifier(ctx, c) is not None or _agentive(c) or c.tag_ == "PRP$")
                ),
                None,
            )
    if target_tok is None and type_ == "AGREE":
        x = _kid(ctx, t, {"xcomp"})  # "agreed to buy Dutch rival Veldman Groep"
        xo = _kid(ctx, x, {"dobj"}) if x is not None else None
        if xo is not None and ctx.mention_at(xo) is not None:
            target_tok = xo
    if target_tok is None and type_ == "RETREAT":
        for where in (theme, t, actor_tok if obj is None else None):
            if where is not None:
                target_tok = _theme_place(ctx, where)
                if target_tok is not None:
                    break
    if actor_tok is None and "harm" in trig.entry.flags:
        actor_tok = _cause_actor(ctx, t)
    actor_tok = _actor_token(ctx, actor_tok)
    actors = _args(ctx, actor_tok)
    targets = _args(ctx, target_tok)
    if "swap" in trig.entry.flags:
        actors, targets = targets, actors
    return actors, targets, t


def _owner_token(ctx: _Context, theme: Token) -> Token | None:
    for c in theme.children:
        if c.dep_ in {"poss", "compound", "nmod", "amod"} and (
            _entity_modifier(ctx, c) is not None or c.tag_ == "PRP$"
        ):
            return c
    return None


def _cause_actor(ctx: _Context, t: Token) -> Token | None:
    """ "23 civilians were killed when gunmen attacked": the attackers; "killed in a US
    counter-terrorism operation": the owner of the operation."""
    for c in t.children:
        if c.dep_ == "advcl" and _mark(c) in {"when", "as", "after"}:
            s = _explicit_subject(ctx, c)
            if s is not None and any(e.type == "ASSAULT" for e in _lookup(ctx.lex, c, "VERB")):
                return s
        if c.dep_ == "prep" and c.lower_ in {"in", "during", "by"}:
            for p in c.children:
                if p.dep_ == "pobj" and p.lemma_.lower() in ctx.lex.cls("@attacknoun"):
                    owner = _state_modifier(ctx, p)
                    if owner is not None:
                        return owner
    return None


def _noun_role_args(ctx: _Context, trig: Trigger) -> tuple[list[Arg], list[Arg], Token]:
    t = trig.token
    type_ = trig.type
    light = trig.light
    clause = light if light is not None else (_governing_verb(t) or t)
    actor_tok, target_tok = _noun_roles(ctx, t, trig)
    lsubj = None
    if light is not None:
        light_rows = ctx.lex.rows(light.lemma_.lower(), "VERB")
        recv = any("recv" in e.flags for e in light_rows)
        lsubj = _agent(light) if _is_passive(light) else _subject(ctx, light)
        if lsubj is not None and lsubj.i == t.i:
            lsubj = None
        if recv:
            if target_tok is None:
                target_tok = lsubj
            lsubj = None
        elif actor_tok is None and lsubj is not None:
            actor_tok = lsubj
        if target_tok is None:
            target_tok = _prep_target(ctx, light, trig, exclude=actor_tok)
            if target_tok is None:
                target_tok = _kid(ctx, light, {"dative"})
    elif actor_tok is None and type_ in PARTICIPATORY and t.dep_ == "pobj":
        gov = _governing_verb(t)
        if gov is not None and t.head.lower_ in {
            "on",
            "during",
            "at",
            "for",
            "in",
            "after",
            "following",
            "before",
        }:
            actor_tok = _subject(ctx, gov)
    if actor_tok is None:
        actor_tok = _compound_actor(t)
    if target_tok is not None and not _target_ok(ctx, target_tok, trig):
        target_tok = None
    sym = trig.type in SYMMETRIC_TYPES or "sym" in trig.entry.flags
    if sym and target_tok is None and actor_tok is not None and actor_tok.lower_ == "their":
        # "their meeting", "put their signatures to the accord": the coordinated subject
        # of the support verb, else the clause's participants
        if lsubj is not None and lsubj.conjuncts:
            return _args(ctx, lsubj), [], clause
        pair = _their_participants(ctx, t, clause)
        if pair:
            return pair, [], clause
    actor_tok = _actor_token(ctx, actor_tok)
    return _args(ctx, actor_tok), _args(ctx, target_tok), clause


def _their_participants(ctx: _Context, t: Token, clause: Token) -> list[Arg]:
    """The two parties of "their talks": the clause's subject and the other entities of the
    sentence, else the people named just before."""
    found: list[Mention] = []
    seen: set[int] = set()

    def add(m: Mention | None) -> None:
        if (
            m is not None
            and m.entity is not None
            and id(m.entity) not in seen
            and (m.family in {"PERSON", "ORG", "PLACE"} or (m.family == "NORP" and m.country_code))
        ):
            seen.add(id(m.entity))
            found.append(m)

    subj = _subject(ctx, clause) if clause is not t else None
    if subj is not None:
        add(ctx.mention_at(subj))
        for o in _owner(ctx, subj):
            add(o)
    lo, hi = ctx.sentence_bounds(t.i)
    for i in range(lo, hi):
        m = ctx.by_token.get(i)
        if m is not None and m.start == i and m.family in {"PERSON", "PLACE", "ORG"}:
            tok = ctx.tokens[i]
            if tok.dep_ in {"nsubj", "dobj", "pobj", "appos", "conj"} or ctx.tokens[
                m.end - 1
            ].dep_ in {"nsubj", "dobj", "pobj", "appos", "conj"}:
                add(m)
        if len(found) >= 2:
            break
    k = ctx.sentence_index(t.i)
    for kk in range(k - 1, max(-1, k - 3), -1):
        if len(found) >= 2:
            break
        lo = ctx.sent_starts[kk]
        hi = ctx.sent_starts[kk + 1]
        for i in range(hi - 1, lo - 1, -1):
            m = ctx.by_token.get(i)
            if m is not None and m.family == "PERSON" and not ctx.in_quote(ctx.tokens[i].idx):
                add(m)
            if len(found) >= 2:
                break
    if len(found) < 2:
        return []
    return [_span_arg(ctx, m.start, m.end, m) for m in found[:2]]


def _noun_roles(ctx: _Context, t: Token, trig: Trigger) -> tuple[Token | None, Token | None]:
    actor = target = None
    own = ctx.mention_at(t)  # "the Vietnam War": the name is the event, not a party
    type_ = trig.type
    of_role = trig.entry.of_role or OF_ROLE.get(type_ or "", "actor")
    tpreps = TARGET_PREPS.get(type_, ())
    for c in t.children:
        if c.dep_ == "poss" and not _is_time(c):
            actor = c
    mods = []
    for c in t.children:
        if c.dep_ in {"compound", "amod", "nmod"}:
            m = _entity_modifier(ctx, c)
            # A city modifying an event says where ("a Kabul car bombing"), a country or an
            # organisation who ("Russian strikes", "the US airstrike", "her Pentagon visit").
            if m is not None and m is not own and not (m.family == "PLACE" and not m.country_code):
                mods.append(c)
    for c in t.children:
        if c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_ in AGENT_VERBS and actor is None:
            actor = _agent(c)  # "the attack, reportedly conducted by the Taliban"
        if c.dep_ != "prep":
            continue
        pobj = next((p for p in c.children if p.dep_ == "pobj"), None)
        if pobj is None or _is_time(pobj):
            continue
        prep = c.lower_
        if prep == "by" and actor is None:
            actor = pobj
        elif prep == "from" and type_ not in {"RETREAT", "SANCTION"} and actor is None:
            actor = pobj  # "pressure from the United States", "aid from Japan"
        elif prep == "between" and actor is None:
            actor = pobj
        elif prep == "of":
            if of_role == "actor" and actor is None:
                actor = pobj
            elif of_role == "target" and target is None:
                target = pobj
        elif prep in tpreps and target is None:
            target = pobj
    if mods:
        if actor is None:
            actor = mods[0]
        elif target is None and mods[0].i != actor.i:
            target = mods[0]
    return actor, target


def _compound_actor(t: Token) -> Token | None:
    """ "police violence", "rebel attacks": a people noun modifying the event."""
    for c in t.children:
        if c.dep_ == "compound" and c.pos_ == "NOUN" and _agentive(c):
            return c
    return None


def _prep_target(
    ctx: _Context, t: Token | None, trig: Trigger, exclude: Token | None
) -> Token | None:
    if t is None:
        return None
    preps = trig.entry.target_preps + TARGET_PREPS.get(trig.type, ())
    for c in t.children:
        if c.dep_ not in {"prep", "dative"} or c.lower_ not in preps:
            continue
        for p in c.children:
            cand = None
            if p.dep_ == "pobj" and (exclude is None or p.i != exclude.i) and not _is_time(p):
                cand = _of_quantifier(p) or p
                if c.lower_ == "at" and (
                    _is_place(ctx, cand) or cand.lemma_.lower() in PHYSICAL_TARGETS
                ):
                    continue  # "carried out the airstrike at Baghdad airport": where
            elif p.dep_ == "prep" and p.lower_ == "of":  # "out of Afghanistan"
                cand = next((q for q in p.children if q.dep_ == "pobj"), None)
            if cand is not None and _target_ok(ctx, cand, trig):
                return cand
    return None


def _pairs(
    actors: list[Arg], targets: list[Arg], trig: Trigger
) -> list[tuple[Arg | None, Arg | None]]:
    sym = (
        "sym" in trig.entry.flags
        or (trig.type in SYMMETRIC_TYPES and trig.kind == "noun")
        # "the war between the army and the RSF": both sides are parties
        or any(c.dep_ == "prep" and c.lower_ == "between" for c in trig.token.children)
    )
    if sym and len(actors) >= 2 and not targets:
        return [(actors[0], a) for a in actors[1:]][:MAX_ROWS_PER_TRIGGER]
    if sym and len(targets) >= 2 and not actors:
        return [(targets[0], a) for a in targets[1:]][:MAX_ROWS_PER_TRIGGER]
    out: list[tuple[Arg | None, Arg | None]] = []
    for a in actors or [None]:
        for b in targets or [None]:
            if a is not None and b is not None and a.key() == b.key():
                continue
            out.append((a, b))
    if not out:
        out = [(actors[0] if actors else None, None)]
    return out[:MAX_ROWS_PER_TRIGGER]


# --------------------------------------------------------------------------- location


def _location(ctx: _Context, trig: Trigger, clause: Token, used: set[int]) -> Mention | None:
    t = trig.token

    def place(tok: Token) -> Mention | None:
        m = ctx.mention_at(tok)
        if m is not None and m.family in PLACE_FAMILIES and id(m.entity) not in used:
            return m
        return None

    heads = [t] if clause is t else [t, clause]
    obj = _object(ctx, t, trig.kind)
    if obj is not None:
        heads.append(obj)
    for h in heads:
        if h.n_lefts + h.n_rights > 40:
            continue
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in LOCATIVE_PREPS:
                for p in c.children:
                    if p.dep_ != "pobj":
                        continue
                    m = place(p)
                    if m is None:
                        for x in _near(p.subtree):
                            m = place(x)
                            if m is not None:
                                break
                    if m is not None:
                        return m
    if trig.type in {"RETREAT", "CONSULT"}:
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in {"from", "out", "to"}:
                for x in _near(c.subtree):
                    m = place(x)
                    if m is not None:
                        return m
    lo, _ = ctx.sentence_bounds(t.i)
    best = None
    for m in ctx.places_in_sentence(t.i):
        if id(m.entity) not in used and m.start >= ctx.dateline_end:
            best = m
            break
    if best is None and lo == 0 and ctx.dateline_end:
        for i in range(ctx.dateline_end):
            m = ctx.by_token.get(i)
            if m is not None and m.family in PLACE_FAMILIES:
                return m
    return best


# --------------------------------------------------------------------------- time


def _time_spans(ctx: _Context, trigger_ids: set[int]) -> list[Span]:
    doc = ctx.doc
    ents = sorted((e for e in doc.ents if e.label_ in {"DATE", "TIME"}), key=lambda e: e.start)
    spans: list[Span] = []
    for e in ents:  # "Saturday" + "morning": one expression
        if spans and spans[-1].end == e.start:
            spans[-1] = doc[spans[-1].start : e.end]
        else:
            spans.append(e)
    covered = {i for s in spans for i in range(s.start, s.end)}
    trigger_sents = {ctx.sentence_index(i) for i in trigger_ids}
    for a, b in find_spans(ctx.text):
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is None or ctx.sentence_index(span.start) not in trigger_sents:
            continue
        if not any(i in covered for i in range(span.start, span.end)):
            spans.append(span)
            covered.update(range(span.start, span.end))
    return spans


def _time_anchors(ctx: _Context, trigger_ids: set[int]) -> dict[int, list[Span]]:
    """Time expressions, each attached to the verb or event noun it modifies."""
    anchors: dict[int, list[Span]] = {}
    for span in _time_spans(ctx, trigger_ids):
        root = span.root
        anchor: Token | None = None
        if (
            root.dep_ in {"compound", "nmod", "amod", "nummod", "poss"}
            and root.head.pos_ in {"NOUN", "PROPN"}
            and not (span.start <= root.head.i < span.end)
        ):
            # Inside a noun phrase it dates that noun only ("the 2016 peace agreement").
            if root.head.i in trigger_ids:
                anchors.setdefault(root.head.i, []).append(span)
            continue
        if root.dep_ == "pobj" and not _time_prep(root.head):
            continue
        h = root
        for _ in range(12):
            nxt = h.head
            if nxt is h or nxt.i == h.i:
                if h.pos_ in {"VERB", "AUX"} or h.i in trigger_ids:
                    anchor = h
                break
            if span.start <= nxt.i < span.end:
                h = nxt
                continue
            if nxt.i in trigger_ids or nxt.pos_ in {"VERB", "AUX"}:
                anchor = nxt
                break
            if nxt.pos_ in {"NOUN", "PROPN"} and h.dep_ == "prep" and h.lower_ == "by":
                break  # "a package by the end of July": the deadline of that noun
            h = nxt
        if anchor is None:
            continue
        if anchor.dep_ in {"aux", "auxpass"}:
            anchor = anchor.head
        if (
            anchor.lemma_ in {"start", "begin"}
            and anchor.tag_ == "VBG"
            and anchor.dep_ in {"advcl", "acl", "prep"}
            and not _has_own_subject(anchor)
        ):
            anchor = anchor.head  # "release 11 officers, starting next month"
        anchors.setdefault(anchor.i, []).append(span)
    return anchors


def _has_own_subject(t: Token) -> bool:
    return any(c.dep_ in {"nsubj", "nsubjpass", "csubj", "expl"} for c in t.children)


def _object_of_trigger(ctx: _Context, t: Token, clause: Token) -> bool:
    """An event noun that another event is about ("declined Honcharuk's offer yesterday",
    "called for his resignation"): that event's time is not its time."""
    if clause.i not in ctx.trigger_types:
        return False
    if t.head.i == clause.i and t.dep_ in {"dobj", "nsubjpass"}:
        return True
    return t.dep_ == "pobj" and t.head.lower_ == "for" and t.head.head.i == clause.i


def _pluperfect(v: Token) -> bool:
    return any(a.dep_ == "aux" and a.lower_ in {"had", "'d"} for a in v.children)


def _date_chain(ctx: _Context, trig: Trigger, clause: Token) -> list[Token]:
    t = trig.token
    chain: list[Token] = [t]
    if trig.kind == "noun":
        if trig.light is not None:
            chain.append(trig.light)
        else:
            chain.extend(c for c in t.children if c.dep_ in {"relcl", "acl"})
            if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lemma_ in ROUND_NOUNS:
                chain.append(t.head.head)  # "the next round of talks is scheduled to open …"
                g = _governing_verb(t.head.head)
                if g is not None:
                    chain.append(g)
                    chain.extend(c for c in g.children if c.dep_ == "xcomp")
            if clause is not t and not _object_of_trigger(ctx, t, clause):
                chain.append(clause)
                if t.dep_ in {"nsubj", "nsubjpass"} and clause.lemma_ in HAPPEN_VERBS:
                    chain.extend(c for c in clause.children if c.dep_ == "xcomp")
    # Event nouns that set the scene: "resolved at a meeting on Friday".
    for c in list(chain[:2]):
        if c.pos_ in {"VERB", "AUX"}:
            for p in c.children:
                if p.dep_ == "prep" and p.lower_ in {"at", "during", "in"}:
                    chain.extend(
                        x
                        for x in p.children
                        if x.dep_ == "pobj" and (p.lower_ != "in" or _lookup(ctx.lex, x, "NOUN"))
                    )
    h = chain[-1]
    for _ in range(5):
        dep = h.dep_
        if dep == "acl" and h.tag_ == "VBG":
            g = _governing_verb(h.head) or (
                _governing_verb(h.head.head.head) if h.head.dep_ == "pobj" else None
            )
            if g is None:
                break
            h = g  # "joined the calls by officials asking the US"
            chain.append(h)
        elif dep == "acomp" or (h.pos_ == "ADJ" and dep == "xcomp"):
            h = h.head  # "is due to visit"
            chain.append(h)
        elif dep == "xcomp" and h.head.lemma_ in DATE_SHIFTING:
            break  # "asked on Monday to waive": the waiving is not on Monday
        elif dep == "xcomp" and h.head.lemma_ in REPORTING and _is_passive(h.head):
            break  # "was yesterday reported to have killed": the report is dated, not this
        elif (
            dep == "xcomp"
            or (dep == "conj" and not _has_own_subject(h))
            or (
                dep == "advcl"
                and _mark(h) in {"when", "as", "while", None, "to"}
                and h.head.pos_ in {"VERB", "AUX"}
                and not _pluperfect(h)  # "as the president had requested": earlier
            )
        ):
            h = h.head
            chain.append(h)
        elif dep in {"pobj", "dobj"} and (
            h.head.pos_ == "VERB" or (h.head.pos_ == "ADP" and h.head.head.pos_ == "VERB")
        ):
            h = h.head if h.head.pos_ == "VERB" else h.head.head
            chain.append(h)
        else:
            break
    for c in list(chain[:2]):
        chain.extend(x for x in c.children if x.dep_ == "advcl" and _mark(x) in {"when", "as"})
    if trig.kind == "verb" and _shared_object_conj(t) is not None:
        chain.append(_shared_object_conj(t))  # "fired and landed a round … yesterday"
    return chain


def _tense(group: list[Token], modality: str) -> str:
    if modality == "future":
        return "future"
    for v in group:
        if (
            v.lemma_ in SCHEDULING
            and v.tag_ == "VBN"
            and v.dep_ != "amod"
            and not any(c.dep_ in {"aux", "auxpass"} and c.tag_ == "VBD" for c in v.children)
        ):
            return "future"  # "is scheduled for March 24" (not "was scheduled for …")
        if v.tag_ in {"VBD", "VBN"}:
            return "past"
        for c in v.children:
            if c.dep_ in {"aux", "auxpass"} and c.tag_ in {"VBD", "VBN"}:
                return "past"
    return "present"


def _date_for(
    ctx: _Context, trig: Trigger, clause: Token, modality: str
) -> tuple[Resolved | None, Span | None]:
    """The resolved date and its expression, following the inheritance rules."""
    chain = _date_chain(ctx, trig, clause)
    tense = _tense([trig.token, clause] if trig.light is None else [trig.light], modality)
    for tok in chain:
        spans = ctx.times.get(tok.i)
        if not spans:
            continue
        found = []
        for span in spans:
            res = resolve(span.text, ctx.published, tense)  # type: ignore[arg-type]
            if res is not None:
                found.append((res, span))
        if found:  # the most precise ("next month on August 2" → August 2), then the nearest
            return min(
                found,
                key=lambda rs: (_PRECISION_RANK[rs[0].precision], abs(rs[1].start - tok.i)),
            )
    return None, None


_PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def _mark(t: Token) -> str | None:
    for c in t.children:
        if c.dep_ == "mark" or (c.dep_ == "aux" and c.lower_ == "to"):
            return c.lower_
        if c.dep_ == "advmod" and c.lower_ in {"when", "while"}:
            return c.lower_
    return None


# --------------------------------------------------------------------------- negation, modality


def _verb_group(trig: Trigger, clause: Token) -> list[Token]:
    """The verbs whose auxiliaries and negation apply to the trigger."""
    t = trig.token
    group = [t]
    if trig.light is not None:
        group.append(trig.light)
    elif (
        trig.kind == "noun"
        and clause is not t
        and t.dep_ in {"nsubj", "nsubjpass", "attr"}
        and (clause.lemma_ in HAPPEN_VERBS or clause.lemma_ == "be")
    ):
        group.append(clause)  # "the talks will resume", "the meeting did not take place"
    h = group[-1]
    for _ in range(4):
        own_aux = any(c.dep_ in {"aux", "auxpass", "neg"} for c in h.children)
        if h.dep_ == "xcomp" or (h.dep_ == "conj" and not _has_own_subject(h) and not own_aux):
            h = h.head
            group.append(h)
        elif h.pos_ == "ADJ" and h.dep_ in {"acomp", "xcomp"}:
            h = h.head  # "is due to visit", "is likely to meet"
            group.append(h)
        else:
            break
    return group


def _negated(trig: Trigger, group: list[Token]) -> bool:
    t = trig.token
    if trig.kind == "noun":
        if any(c.dep_ == "det" and c.lower_ in {"no", "neither"} for c in t.children):
            return True
        gov = _governing_verb(t)
        if (
            gov is not None
            and t.dep_ in {"attr", "nsubj"}
            and gov.lemma_ == "be"
            and any(c.dep_ == "neg" for c in gov.children)
        ):
            return True
    for i, h in enumerate(group):
        if h is t and trig.kind == "noun":
            continue
        for c in h.children:
            if c.dep_ == "neg":
                return True
            if c.dep_ in {"aux", "auxpass"} and any(x.dep_ == "neg" for x in c.children):
                return True  # "had not, as of yesterday, announced"
        if i > 0 and h.lemma_ in NEGATING_GOVERNORS:
            return True
    h = group[-1]
    if h.dep_ == "xcomp" and h.head.lemma_ in NEGATING_GOVERNORS:
        return True
    if trig.kind == "verb":
        obj = next((c for c in t.children if c.dep_ in {"dobj", "nsubjpass"}), None)
        if obj is not None and any(c.dep_ == "det" and c.lower_ == "no" for c in obj.children):
            return True
    if t.dep_ == "pcomp" and t.head.lower_ == "without":
        return True
    if trig.kind == "verb":
        subj = next((c for c in t.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None and subj.lower_ in NEGATIVE_SUBJECTS:
            return True  # "nobody is shooting", "none were arrested"
    return False


def _modality(ctx: _Context, trig: Trigger, clause: Token, group: list[Token]) -> str:
    t = trig.token
    hypothetical = future = reported = False
    reported_clause = False
    if trig.kind == "noun":  # "called for his resignation", "demanded an investigation"
        gov = t.head if t.dep_ in {"dobj", "obj"} else None
        if t.dep_ == "pobj" and t.head.lower_ == "for":
            gov = t.head.head
        if gov is not None and ctx.trigger_types.get(gov.i) == "REQUEST":
            hypothetical = True
    # Climb from the trigger to the root, noting each clause it sits in.
    h = t
    visited = list(group)
    own_clause_end: int | None = None
    for _ in range(10):
        dep = h.dep_
        nxt = h.head
        if nxt is h or nxt.i == h.i:
            break
        lemma = nxt.lemma_.lower()
        if dep in {"xcomp", "ccomp", "advcl"}:
            # the complement of a request is hypothetical, of a promise future
            gtype = ctx.trigger_types.get(nxt.i)
            if gtype == "REQUEST":
                hypothetical = True
            elif gtype == "AGREE" and dep == "xcomp":
                future = True
        if dep == "ccomp":
            if lemma in REPORTING:
                reported_clause = True
            if lemma in HYPOTHETICAL_CCOMP:
                hypothetical = True  # "recommended the troops withdraw"
        elif dep == "xcomp":
            if lemma in REPORTING and _is_passive(nxt):
                reported_clause = True  # "was reported to have killed", "is said to be"
            if lemma in HYPOTHETICAL_GOVERNORS:
                hypothetical = True
            elif lemma in FUTURE_GOVERNORS:
                future = True
        elif dep in {"acl", "relcl"} and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in h.children
        ):
            if lemma in HYPOTHETICAL_NOUNS:
                hypothetical = True
            elif nxt.pos_ in {"NOUN", "PROPN"}:
                future = True  # "plans to pull out", "a commitment to release"
        elif dep == "advcl" and _mark(h) in {"if", "unless", "whether"}:
            hypothetical = True
        elif (
            dep == "pcomp"
            and nxt.lower_ == "of"
            and (
                nxt.head.lemma_ in REPORTING | ACCUSING
                or (nxt.head.dep_ in {"dobj", "obj"} and nxt.head.head.lemma_ in ACCUSING)
            )
        ):
            reported_clause = True  # "accused the military of carrying out air strikes"
        elif dep == "parataxis" and lemma in REPORTING:
            reported_clause = True
        elif dep == "dobj" and lemma in REPORTED_OBJECT and trig.kind == "noun":
            reported_clause = True  # "Reuters reported Monday's attack"
        elif dep == "dobj" and lemma in FUTURE_OBJECT_GOVERNORS and h is t and trig.kind == "noun":
            future = True  # "awaited approval"
        elif dep not in {
            "conj",
            "agent",
            "relcl",
            "acl",
            "advcl",
            "prep",
            "pobj",
            "dobj",
            "nsubj",
            "nsubjpass",
            "attr",
            "appos",
            "npadvmod",
            "pcomp",
            "oprd",
            "dep",
            "advmod",
            "acomp",
        }:
            break
        if dep == "conj" and _has_own_subject(h) and own_clause_end is None:
            own_clause_end = len(visited)  # "According to X, A would …, but B": B is not X's
        h = nxt
        visited.append(h)
    for v in group:
        for c in v.children:
            low = c.lower_
            if c.dep_ in {"aux", "auxpass"}:
                if low in HYPOTHETICAL_AUX:
                    hypothetical = True
                elif low in FUTURE_AUX:
                    future = True
                elif low in {"would", "'d"}:
                    if reported_clause:
                        future = True
                    else:
                        hypothetical = True
            elif (c.dep_ == "mark" and low in {"if", "unless", "whether"}) or (
                c.dep_ == "advcl" and _mark(c) in {"if", "unless"}
            ):
                hypothetical = True
        if v.lemma_ == "go" and v.tag_ == "VBG" and any(c.dep_ == "xcomp" for c in v.children):
            future = True
    for v in visited[: len(group) + 3]:
        if v.n_lefts + v.n_rights > 40:
            continue
        if v.lower_ in FUTURE_ADJ and any(c.dep_ == "xcomp" for c in v.children):
            future = True
        for c in v.children:
            if (
                c.dep_ == "acomp"
                and c.lower_ in FUTURE_ADJ
                and any(x.dep_ == "xcomp" for x in c.children)
            ):
                future = True
            if v.lemma_ == "be" and c.dep_ == "xcomp" and c in group:
                future = True  # "are to be delivered"
    for v in visited[: min(12, own_clause_end or 12)]:
        if v.n_lefts + v.n_rights > 40:
            continue  # the hub of a run-on "sentence": nothing to learn there
        for c in v.children:
            if (c.dep_ == "advmod" and c.lower_ in {"reportedly", "allegedly", "purportedly"}) or (
                c.dep_ == "prep" and c.lower_ == "according"
            ):
                reported = True
    if trig.kind == "noun" and any(
        c.dep_ == "amod"
        and c.lower_ in {"imminent", "upcoming", "planned", "proposed", "next", "forthcoming"}
        for c in t.children
    ):
        future = True
    if trig.kind == "noun" and any(
        c.dep_ == "amod" and c.lower_ in {"alleged", "reported", "suspected", "purported"}
        for c in t.children
    ):
        reported = True  # "alleged police violence"
    if reported_clause or ctx.in_quote(t.idx):
        reported = True
    if hypothetical:
        return "hypothetical"
    if future:
        return "future"
    if reported:
        return "reported"
    return "asserted"


def _later(res: Resolved, published: dt.date) -> bool:
    return period_start(res.date, res.precision) > period_start(published, res.precision)


# --------------------------------------------------------------------------- rows


def _confidence(trig: Trigger, actor: Arg | None, target: Arg | None) -> float:
    score = 0.55 if trig.kind == "verb" else 0.45
    if trig.entry.conds:
        score += 0.1
    if trig.light is not None:
        score += 0.1
    if actor is not None and actor.mention is not None:
        score += 0.2
    elif actor is not None:
        score += 0.1
    if target is not None and target.mention is not None:
        score += 0.1
    return round(min(score, 0.95), 2)


def _rows_for(ctx: _Context, trig: Trigger) -> list[dict]:
    t = trig.token
    actors, targets, clause = _roles(ctx, trig)
    group = _verb_group(trig, clause)
    modality = _modality(ctx, trig, clause, group)
    res, span = _date_for(ctx, trig, clause, modality)
    if (
        res is not None
        and ctx.published is not None
        and modality in {"asserted", "reported"}
        and _later(res, ctx.published)
    ):
        modality = "future"
    if res is not None:
        event_date, precision, date_text = res.date, res.precision, span.text if span else None
    elif ctx.published is not None:
        event_date, precision, date_text = ctx.published, PUBLISHED, None
    else:
        event_date, precision, date_text = None, None, None
    negated = _negated(trig, group)
    start, end = t.idx, trig.end_char
    trigger_text = ctx.text[start:end]
    rows = []
    for actor, target in _pairs(actors, targets, trig):
        used = {id(a.mention.entity) for a in (actor, target) if a is not None and a.mention}
        loc = _location(ctx, trig, clause, used)
        if (
            loc is None
            and trig.type == "RETREAT"
            and target is not None
            and target.mention is not None
            and target.mention.family in PLACE_FAMILIES
        ):
            loc = target.mention
        a_id, a_name = ctx.ids(actor.mention) if actor and actor.mention else (None, None)
        t_id, t_name = ctx.ids(target.mention) if target and target.mention else (None, None)
        a_name = a_name or (actor.name if actor else None)
        t_name = t_name or (target.name if target else None)
        l_id, l_name = ctx.ids(loc) if loc else (None, None)
        rows.append(
            {
                "event_id": stable_id(
                    "event",
                    ctx.article_id,
                    start,
                    end,
                    None if actor is None else f"{actor.start_char}:{actor.end_char}",
                    None if target is None else f"{target.start_char}:{target.end_char}",
                ),
                "article_id": ctx.article_id,
                "sentence_index": ctx.sentence_index(t.i),
                "start_char": start,
                "end_char": end,
                "trigger": trigger_text,
                "trigger_lemma": trig.entry.lemma,
                "event_type": trig.type,
                "actor_text": actor.text if actor else None,
                "actor_entity_id": a_id or None,
                "actor_name": a_name or None,
                "target_text": target.text if target else None,
                "target_entity_id": t_id or None,
                "target_name": t_name or None,
                "location_entity_id": l_id or None,
                "location_name": l_name or None,
                "event_date": event_date,
                "date_text": date_text,
                "date_precision": precision,
                "negated": negated,
                "modality": modality,
                "confidence": _confidence(trig, actor, target),
            }
        )
    return rows
