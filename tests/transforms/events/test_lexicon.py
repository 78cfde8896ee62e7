"""The event lexicon (transforms/events/lexicon.py): data users extend, errors that name
the line, the types."""

from __future__ import annotations

import pytest

from tests.transforms.helpers import events_of, only
from transforms.events.lexicon import (
    EVENT_TYPES,
    LEXICON_PATH,
    LexiconError,
    lexicon,
    parse_lexicon,
)


def test_the_lexicon_is_data_that_users_extend(nlp):
    sentence = "The rebels torched the village."
    # our lexicon lacks "torch"; the field's dictionary codes it (PETRARCH2: CAMEO 19, ASSAULT)
    row = only(events_of(nlp, sentence), "torched")
    assert (row["event_type"], row["trigger_lemma"]) == ("ASSAULT", "torch")
    base = LEXICON_PATH.read_text(encoding="utf-8")
    # a row of our lexicon comes before the field's dictionary: "-" says "not an event"
    assert events_of(nlp, sentence, lex=parse_lexicon(base + "torch\tVERB\t-\t\t\n")) == []
    text = base + "torch\tVERB\tPROTEST\tobj=village\tburn\n"
    row = only(events_of(nlp, sentence, lex=parse_lexicon(text)), "torched")
    assert (row["event_type"], row["trigger_lemma"], row["actor_text"]) == (
        "PROTEST",
        "torch",
        "The rebels",
    )


def test_lexicon_errors_name_the_line():
    with pytest.raises(LexiconError, match="first non-comment line"):
        parse_lexicon("attack\tVERB\tASSAULT\n")
    head = "lemma\tpos\ttype\twhen\tnote\n"
    with pytest.raises(LexiconError, match="line 2: unknown type 'ATTACK'"):
        parse_lexicon(head + "attack\tVERB\tATTACK\t\t\n")
    with pytest.raises(LexiconError, match="line 2: unknown class @nowhere"):
        parse_lexicon(head + "attack\tVERB\tASSAULT\tobj=@nowhere\t\n")
    with pytest.raises(LexiconError, match="line 2: unknown condition 'colour'"):
        parse_lexicon(head + "attack\tVERB\tASSAULT\tcolour=red\t\n")
    with pytest.raises(LexiconError, match="line 2: pos must be VERB, NOUN, ADJ or CLASS"):
        parse_lexicon(head + "quickly\tADV\tASSAULT\t\t\n")


def test_packaged_lexicon_types_are_plover_or_ours():
    lex = lexicon()
    types = {e.type for rows in lex.entries.values() for e in rows}
    assert types <= set(EVENT_TYPES) | {"LIGHT", "-"}
    assert set(EVENT_TYPES) - {"CONCEDE"} <= types | {"CONCEDE"}
    assert len(EVENT_TYPES) == 20 and len(set(EVENT_TYPES)) == 20
