"""People who speak: a name-shaped speaker the text marks as a person is a PERSON entity.

The small model tags some people as organisations, places or works ("Gáspár Maróth" ORG,
"Crystal C'Bearing of the Northern Arapaho" WORK_OF_ART), cuts their names or misses them
("Regina Ip from the pro-Beijing camp said": no entity). :func:`speaker_persons` corrects the
names that are the subject of a verb of saying, when the text gives evidence of a person:

* a title right before the name ("Legislator Tanya Chan", "Sen. Paul Sarbanes", "Prosecutor
  Kama Melly QC"), or a noun for a person's role in lower case ("archbishop Wojciech Polak",
  "committee member Ulf Danielsson");
* an initial opening a name of two words or more ("B Shiva Parvathi");
* a first name of the census lists (``transforms/data/first_names.txt``) opening a name of two
  to four words ("Regina Ip");
* an apposition with a noun for a person ("Gáspár Maróth, the minister, said");
* a relative clause on "who" right after the name, wherever it stands ("we spoke to Pema
  Wangchuk Lhamo, who runs a guesthouse": an organisation; an organisation or a place takes
  "which"), one to four words;
* a lone word that is the surname of a person named in full earlier ("Ben Radmall … Radmall
  conceded");
* a name the parser hung on the noun for the person's role before it ("Foreign Ministry
  spokesman Per Paust told Reuters": "Per" taken for a preposition);
* whatever the tagger made of its words: a name closing the inverted subject after a quotation
  ("“…,” said study co-author and Royal Society University Research Fellow Martin How": "How"
  an adverb), or closing a subject headed by a title ("Former US Ambassador to the United
  Nations Nikki Haley wrote": an organisation), when a first name opens it or a title comes
  right before it; a name in apposition to a noun for a role in the subject ("The mayor, Ivo
  Kranjc, said": an organisation; "said … San Diego's chancellor, Pradeep Khosla": missed).

The name is a run of capitalized proper nouns ending at the subject's head; a name with a
company suffix or an organisation's head noun, a word that is a known place (a state or
province too: "Maryland" is also a first name), nationality or organisation, a name after a
determiner ("the Maryland Democrat": a description), or a name the article also writes as the start of a longer organisation
("Dean Witter" beside "Dean Witter Reynolds Inc") is left alone. The corrected span replaces
the overlapping ones (the part of a longer span before the name keeps its label: "[Hong Kong]
[Carrie Lam]").
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Doc, Span, Token

from transforms.gazetteer import gazetteer
from transforms.mentions.names import TITLES
from transforms.quotes.lexicon import speaker_nouns
from transforms.quotes.marks import QUOTE_TOKEN_RE
from transforms.wordlists import word_lists

_NAMES = word_lists("first_names.txt")
FIRST_NAMES = _NAMES["female"] | _NAMES["male"] | _NAMES["either"]
SAYING = word_lists("coref_words.txt")["saying"]
_QUOTE_WORDS = word_lists("quote_words.txt")
_MENTION_WORDS = word_lists("mention_words.txt")
#: Words no person's name holds ("Justice Department", "Vanadium Corp").
_NOT_IN_NAMES = (
    _QUOTE_WORDS["organisation_nouns"]
    | _QUOTE_WORDS["company_nouns"]
    | _QUOTE_WORDS["corporate_suffixes"]
    | _MENTION_WORDS["org_head_nouns"]
    | _MENTION_WORDS["company_suffixes"]
)
#: Titles that only precede a person's name (not "General" of General Motors, "Major" of
#: Major League Baseball); any title written with its full stop counts too ("Gen.").
HONORIFICS = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame senator sen rep representative congressman
    congresswoman governor gov mayor judge minister ambassador legislator chancellor
    spokesman spokeswoman spokesperson president premier""".split()
)
MAX_NAME_WORDS = 4


def speaker_persons(
    doc: Doc, spans: list[Span], may_be_person: Callable[[str], bool]
) -> tuple[list[Span], set[tuple[int, int]]]:
    """``spans`` with the speakers the text marks as persons corrected; also the (start, end)
    of the PERSON spans made here (backed by a rule: they win the article's label vote)."""
    made: set[tuple[int, int]] = set()
    for verb in doc:
        if verb.pos_ not in {"VERB", "AUX"} or verb.lemma_.lower() not in SAYING:
            continue
        for head in verb.children:
            if head.dep_ != "nsubj" or any(
                sp.label_ == "PERSON" and sp.start <= head.i < sp.end for sp in spans
            ):
                continue
            name = person_name(doc, head) or _name_after_role(doc, head)
            surname = name is None and (name := _named_surname(doc, head, spans)) is not None
            if name is None or not may_be_person(name.text):
                continue
            if _starts_an_organisation(name, spans):
                continue
            missed = not any(sp.start <= head.i < sp.end for sp in spans)
            spans = _replace(doc, spans, name)
            made.add((name.start, name.end))
            if surname and missed:
                # the model missed it: found as a known name's alias, as the resolver's would
                Span(doc, name.start, name.end, label="PERSON")._.newsetl_origin = "alias"
        for name in (inverted_name(doc, verb), _name_closing_title(doc, verb)):
            spans = _correct(doc, spans, name, may_be_person, made)
    for name in aged_names(doc) + apposed_names(doc) + relative_names(doc, spans):
        spans = _correct(doc, spans, name, may_be_person, made)
    return spans, made


def _correct(
    doc: Doc,
    spans: list[Span],
    name: Span | None,
    may_be_person: Callable[[str], bool],
    made: set[tuple[int, int]],
) -> list[Span]:
    """``spans`` with ``name`` a PERSON (recorded in ``made``), unless it is already part of
    one, may not be a person's name or opens an organisation's."""
    if (
        name is None
        or any(sp.label_ == "PERSON" and sp.start < name.end <= sp.end for sp in spans)
        or not may_be_person(name.text)
        or _starts_an_organisation(name, spans)
    ):
        return spans
    made.add((name.start, name.end))
    return _replace(doc, spans, name)


#: The ages an apposition gives a person ("Vicent Soler, 58,").
_AGES = range(1, 111)


def aged_names(doc: Doc) -> list[Span]:
    """Names followed by an age in apposition, wherever they stand ("Vicent Soler, 58, a
    season-ticket holder, said": missed; "Sophie Lindström, 34, from Gothenburg": an
    organisation): two to four capitalized proper nouns right before ", <number>," (the
    number a whole age), none a word of an organisation's name, not after a determiner."""
    out = []
    for tok in doc[2:-1]:
        i = tok.i
        if not (tok.text.isdigit() and int(tok.text) in _AGES):
            continue
        if doc[i - 1].text != "," or doc[i + 1].text != ",":
            continue
        name = _name_before_comma(doc, i - 1, 2)
        if name is not None:
            out.append(name)
    return out


#: Relative pronouns for persons only: an organisation or a place takes "which" (and
#: "whose" is either's).
_PERSONAL_RELATIVES = frozenset({"who", "whom"})
#: Prepositions whose object is a place ("on Capitol Hill, who": the lawmakers there).
_PLACE_PREPS = _MENTION_WORDS["locative_preps"] | {"on"}
#: Words inside the names of organisations ("Center for Astrophysics", "Bailey & Glasser").
_NAME_JOINERS = frozenset({"of", "for", "and", "&"})


def relative_names(doc: Doc, spans: list[Span]) -> list[Span]:
    """Names that a relative clause on "who"/"whom" describes, wherever they stand ("we
    spoke to Pema Wangchuk Lhamo, who runs a guesthouse": an organisation; "His wife,
    Dilnoza, who paints": a place): one to four capitalized proper nouns right before
    ", who", as :func:`aged_names` reads them ("the Sharks, who": a description). Groups
    take "who" too, so not a plural or an acronym ("Republicans, who", "GT, who"), a people
    (a NORP span), the end of a longer name ("Bailey & Glasser, who", "Center for
    Astrophysics, who") or the object of a preposition of place."""
    out = []
    for tok in doc[2:]:
        if tok.lower_ not in _PERSONAL_RELATIVES or doc[tok.i - 1].text != ",":
            continue
        name = _name_before_comma(doc, tok.i - 1, 1)
        if name is None or _after_place_or_name(doc, name.start):
            continue
        if any(t.tag_ == "NNPS" or t.is_upper for t in name):
            continue
        if any(
            (sp.label_ == "NORP" and sp.start < name.end and name.start < sp.end)
            or sp.start < name.start < sp.end
            for sp in spans
        ):
            continue
        out.append(name)
    return out


def _after_place_or_name(doc: Doc, start: int) -> bool:
    """Does a preposition of place ("on Capitol Hill") or a word inside an organisation's
    name after a capitalized word ("Center for Astrophysics") come right before ``start``?"""
    prev = doc[start - 1].lower_ if start > 0 else ""
    return prev in _PLACE_PREPS or (
        prev in _NAME_JOINERS and start > 1 and _capitalized(doc, start - 2)
    )


def _name_before_comma(doc: Doc, end: int, fewest: int) -> Span | None:
    """The run of ``fewest`` to four capitalized proper nouns (a double name's hyphen
    inside) right before the comma at ``end``, not after a determiner, none a word of an
    organisation's name; else None."""
    start = end
    while start > 0 and (_name_word(doc[start - 1]) or _double_name(doc, start - 1)):
        start -= 1
    if not fewest <= end - start <= MAX_NAME_WORDS or doc[start].text == "-":
        return None
    if start > 0 and doc[start - 1].lower_ in {"the", "a", "an"}:
        return None
    if any(t.lower_ in _NOT_IN_NAMES or not t.is_alpha for t in doc[start:end] if t.text != "-"):
        return None
    return doc[start:end]


def inverted_name(doc: Doc, verb: Token) -> Span | None:
    """The person's name closing the inverted subject of a verb of saying right after a
    quotation, whatever the tagger made of its words ("“…,” said study co-author and Royal
    Society University Research Fellow Martin How.": "How" tagged an adverb; "“…,” said
    Jo Bloggs, 34, a nurse"): the words after the verb up to a comma or the sentence's end
    must end with a run of two to four capitalized words that opens with a census first name
    and has the shape of a person's name (:func:`person_shaped`), or that follows a title or
    a noun for a person's role ("said spokesman Kwabena Otchere")."""
    if not _after_quotation(doc, verb):
        return None
    end = verb.i + 1
    while end < len(doc) and end - verb.i <= _MAX_INVERTED and not _ends_subject(doc, end):
        end += 1
    if end - verb.i > _MAX_INVERTED:
        return None  # no comma or end of sentence: not a subject's phrase alone
    return _closing_name(doc, verb.i + 1, end)


def _name_closing_title(doc: Doc, verb: Token) -> Span | None:
    """The person's name closing a subject whose head is a title or a noun for a person,
    right before the verb of saying ("Former US Ambassador to the United Nations Nikki Haley
    wrote": the model tags "Nikki Haley" an organisation, the parser makes it the object of
    "to"): the name as :func:`inverted_name` reads it."""
    head = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
    if head is None or verb.i - head.i < 3:
        return None
    low = head.lower_
    if low not in speaker_nouns() and low.rstrip(".") not in TITLES:
        return None
    name = _closing_name(doc, head.i + 1, verb.i)
    # the name reaches into the subject's phrase (its last word may hang on the verb: "Tomas
    # Then told", "Then" an adverb)
    return name if name is not None and name.start <= head.right_edge.i else None


def apposed_names(doc: Doc) -> list[Span]:
    """Names in apposition to a noun for a person's role (:func:`_role`), wherever they stand
    ("The mayor, Ivo Kranjc, said", tagged an organisation; "said University of California,
    San Diego's chancellor, Pradeep Khosla", missed; "according to its director, Oyunchimeg
    Batbayar,": an organisation; "whose founder, Nino Beridze-Gelashvili, grew up": missed):
    the apposition is two to four capitalized words after a comma, closed by punctuation,
    none a word of an organisation's name. The parser's apposition is read, or the words
    right after the role's comma when it hung them elsewhere ("Batbayar" an adverbial)."""
    out = []
    for tok in doc:
        if tok.dep_ == "appos" and _role(tok.head):
            lo, hi = tok.left_edge.i, tok.right_edge.i + 1
        elif _role(tok) and tok.i + 2 < len(doc) and doc[tok.i + 1].text == ",":
            lo = hi = tok.i + 2
            while hi < len(doc) and hi - lo <= MAX_NAME_WORDS and _capitalized(doc, hi):
                hi += 1
        else:
            continue
        if lo == 0 or doc[lo - 1].text != ",":
            continue
        while lo < hi and doc[lo].lower_.rstrip(".") in TITLES:
            lo += 1  # "the director, Dr Meerjady Sabrina Flora": the name after the title
        if not 2 <= hi - lo <= MAX_NAME_WORDS:
            continue
        if hi < len(doc) and not doc[hi].is_punct:
            continue
        if all(_capitalized(doc, i) and doc[i].lower_ not in _NOT_IN_NAMES for i in range(lo, hi)):
            out.append(doc[lo:hi])
    return out


def _closing_name(doc: Doc, lo: int, end: int) -> Span | None:
    """The name a run of capitalized words (after ``lo``) ending at ``end`` closes with."""
    start = end
    while start > lo and _capitalized(doc, start - 1):
        start -= 1
    for i in range(max(start, end - MAX_NAME_WORDS), end - 1):
        if person_shaped([t.text for t in doc[i:end] if t.text != "-"]):
            return doc[i:end]
    prev = doc[start - 1]
    if 2 <= end - start <= MAX_NAME_WORDS and (_honorific(prev) or _role(prev)):
        words = doc[start:end]
        if not any(t.lower_ in _NOT_IN_NAMES for t in words):
            return words
    return None


#: The longest inverted subject read for a name ("said … Martin How"), in tokens.
_MAX_INVERTED = 16


def _after_quotation(doc: Doc, verb: Token) -> bool:
    """Does the verb follow a closing quotation mark (“…,” said; “…” said)?"""
    i = verb.i - 1
    while i >= 0 and doc[i].is_space:
        i -= 1
    return i >= 0 and QUOTE_TOKEN_RE.match(doc[i].text) is not None


def _ends_subject(doc: Doc, i: int) -> bool:
    """Does token ``i`` end an inverted subject's phrase: punctuation (a hyphen inside a
    word aside) or a line break? (Not the parser's sentence start: it may split a name whose
    last word it took for an adverb, "… Nadia | Why.")"""
    tok = doc[i]
    if tok.text == "-" and not tok.whitespace_ and not doc[i - 1].whitespace_:
        return False
    return tok.is_punct or (tok.is_space and "\n" in tok.text)


def _double_name(doc: Doc, i: int) -> bool:
    """Is token ``i`` the hyphen of a double name ("Okonkwo-Baptiste"), no space around it?"""
    return doc[i].text == "-" and _capitalized(doc, i) and _name_word(doc[i - 1])


def _capitalized(doc: Doc, i: int) -> bool:
    """A word of a name in title case (whatever its tag), or a hyphen inside one."""
    tok = doc[i]
    if tok.text == "-":
        return not tok.whitespace_ and not doc[i - 1].whitespace_ and i > 0
    return tok.is_alpha and tok.text[:1].isupper() and not tok.is_upper


def person_name(doc: Doc, head: Token) -> Span | None:
    """The person's name ending at ``head`` (a capitalized proper noun) when the text marks it
    as a person's, else None. The name is the run of capitalized proper nouns ending at the
    head, from its first first name on ("Hong Kong [Carrie Lam]"), or whole after a title or
    with a person in apposition."""
    if head.pos_ != "PROPN" or not head.text[:1].isupper():
        return None
    start = head.i
    while start > 0 and (
        _name_word(doc[start - 1])
        or _wrapped(doc, start - 1)
        or (start > 1 and _double_name(doc, start - 1))  # "Renata Okonkwo-Baptiste"
    ):
        start -= 1
    if start > 0 and doc[start - 1].lower_ in {"the", "a", "an"}:
        return None  # a description: "the Maryland Democrat"
    titled = start > 0 and (_honorific(doc[start - 1]) or _role(doc[start - 1]))
    while start < head.i and doc[start].lower_.rstrip(".") in TITLES:
        low = doc[start].lower_
        titled = (
            titled or _honorific(doc[start]) or (low in speaker_nouns() and low not in _NOT_ROLES)
        )
        start += 1
    title = _last_title(doc, start, head.i)
    if not titled and title is not None:
        # a title inside the run: the words before it are its modifiers ("Financial
        # Secretary Piers Jacobs", whom the model took for an organisation)
        start, titled = title + 1, True
        while doc[start].is_space:
            start += 1
    if any(t.lower_ in _NOT_IN_NAMES for t in doc[start : head.i + 1]):
        return None
    # an initial opening the name ("B Shiva Parvathi", "J. Makumbi")
    titled = titled or (head.i > start and _initial(doc[start]))
    for i in range(start, head.i):
        if doc[i].text in FIRST_NAMES:
            return doc[i : head.i + 1] if head.i + 1 - i <= MAX_NAME_WORDS else None
    if head.i + 1 - start > MAX_NAME_WORDS:
        return None
    apposed = any(
        c.dep_ == "appos" and c.pos_ == "NOUN" and c.lemma_.lower() in speaker_nouns()
        for c in head.children
    )
    return doc[start : head.i + 1] if titled or apposed else None


def _name_after_role(doc: Doc, head: Token) -> Span | None:
    """The name after a noun for a person's role that the parser made the subject's head,
    the name hanging on it ("Foreign Ministry spokesman Per Paust told Reuters": "Per", a
    Scandinavian first name, taken for the preposition): two to four capitalized words
    ending the subject, the last a proper noun (in English a preposition or a common noun
    is not capitalized inside a sentence)."""
    if not _role(head):
        return None
    start, end = head.i + 1, head.right_edge.i + 1
    words = doc[start:end]
    if not 2 <= len(words) <= MAX_NAME_WORDS or words[-1].pos_ != "PROPN":
        return None
    if not all(t.is_alpha and t.text[:1].isupper() and not t.is_upper for t in words):
        return None
    if any(t.lower_ in _NOT_IN_NAMES for t in words):
        return None
    return words


def _name_word(tok: Token) -> bool:
    return tok.pos_ == "PROPN" and tok.text[:1].isupper()


def _wrapped(doc: Doc, i: int) -> bool:
    """A line break of hard-wrapped text between two words of a name."""
    return doc[i].is_space and "\n" in doc[i].text and i > 0 and _name_word(doc[i - 1])


def _last_title(doc: Doc, start: int, head: int) -> int | None:
    """The last word of a run of capitalized words (``start`` to the name's ``head``) that is
    a person's title ("Secretary", "Minister", "Sen."), not a word that also opens names of
    other things ("General", "Chief"), with one to three words after it."""
    for i in range(head - 1, start, -1):
        low = doc[i].lower_
        titled = _honorific(doc[i]) or low in speaker_nouns()
        if low.rstrip(".") in TITLES and low not in _NOT_ROLES and titled:
            return i if head - i <= 3 else None
    return None


def _named_surname(doc: Doc, head: Token, spans: list[Span]) -> Span | None:
    """A lone capitalized word that is the surname of a person the text named in full
    before ("Ben Radmall … ¶ Radmall conceded that …": the model left "Radmall" untagged)."""
    if head.pos_ not in {"PROPN", "NOUN"} or not head.text[:1].isupper() or not head.is_alpha:
        return None  # (the tagger takes an unknown surname opening a sentence for a noun)
    prev = doc[head.i - 1] if head.i > 0 else None
    if prev is not None and (
        (prev.pos_ == "PROPN" and prev.text[:1].isupper())
        or not (prev.whitespace_ or prev.is_space)
    ):
        return None  # part of a longer name ("Gallego-Lazo")
    if any(sp.start < head.i < sp.end for sp in spans):
        return None
    names = {
        s.text
        for s in spans
        if s.start < head.i and s.label_ == "PERSON" and len(s) >= 2 and s[-1].text == head.text
    }
    # one person of that surname ("Tony Mendez … Jonna Mendez … Mendez said": no telling)
    return doc[head.i : head.i + 1] if len(names) == 1 else None


def person_shaped(words: list[str]) -> bool:
    """Is a name of two to four words opening with a census first name, holding no
    organisation word and no known place, people or organisation (nor being one), a person's
    ("Jacqueline De León"; not "Jacqueline Kennedy Foundation", "America Rising")?"""
    if not (2 <= len(words) <= MAX_NAME_WORDS and words[0] in FIRST_NAMES):
        return False
    if any(w.lower().strip(".") in _NOT_IN_NAMES for w in words):
        return False
    gaz = gazetteer()
    whole = " ".join(words)
    return not (
        gaz.organisation(whole)
        or gaz.place(whole)
        or any(gaz.place(w) or gaz.is_demonym(w) or gaz.organisation(w) for w in words)
    )


def _honorific(tok: Token) -> bool:
    low = tok.lower_
    return low in HONORIFICS or (low.endswith(".") and low.rstrip(".") in TITLES)


#: Titles that are also adjectives or collectives before a capitalized word ("major
#: Hollywood studios", "police Commissioner"): no evidence of a person's name.
_NOT_ROLES = frozenset(
    """major general private field crown chief deputy assistant vice prime chair leader
    speaker crowd audience people police source person man woman""".split()
)


def _initial(tok: Token) -> bool:
    return len(tok.text.rstrip(".")) == 1 and tok.text[0].isupper() and tok.text[0].isalpha()


def _role(tok: Token) -> bool:
    """A noun for a person's role written in lower case right before a name ("committee
    member Ulf Danielsson", "archbishop Wojciech Polak", "study co-author Karen Alley")."""
    low = tok.lower_
    return (
        tok.pos_ == "NOUN"
        and tok.text.islower()
        and low not in _NOT_ROLES
        and (low in speaker_nouns() or low in TITLES)
    )


def _starts_an_organisation(name: Span, spans: list[Span]) -> bool:
    words = [t.text for t in name]
    for s in spans:
        if s.label_ == "ORG" and len(s) > len(name) and [t.text for t in s[: len(name)]] == words:
            return True
    return False


def _replace(doc: Doc, spans: list[Span], name: Span) -> list[Span]:
    out = []
    for s in spans:
        if s.end <= name.start or s.start >= name.end:
            out.append(s)
        elif (
            s.label_ != "PERSON"
            and s.start < name.start
            and any(t.lower_.rstrip(".") not in TITLES for t in doc[s.start : name.start])
        ):
            out.append(Span(doc, s.start, name.start, label=s.label_))  # not "Dr" alone
    out.append(Span(doc, name.start, name.end, label="PERSON"))
    return sorted(out, key=lambda s: s.start)
