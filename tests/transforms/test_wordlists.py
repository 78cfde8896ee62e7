"""Word lists as data (transforms/wordlists.py and transforms/data/*_words.txt)."""

from __future__ import annotations

import pytest

from transforms.wordlists import DATA_DIR, WordListError, parse_word_lists, word_lists


def test_the_format():
    text = "# a comment\n[future]\n# why\nplan intend  # inline\nexpect\n\n[aux]\nwill 'll\n"
    assert parse_word_lists(text) == {
        "future": frozenset({"plan", "intend", "expect"}),
        "aux": frozenset({"will", "'ll"}),
    }


def test_errors_name_the_line():
    with pytest.raises(WordListError, match=r"<text>:1: words before any \[name\] line"):
        parse_word_lists("plan\n[future]\n")
    with pytest.raises(WordListError, match=r"<text>:3: list \[a\] is defined twice"):
        parse_word_lists("[a]\nx\n[a]\ny\n")


@pytest.mark.parametrize(
    ("filename", "lists"),
    [
        ("coref_words.txt", 3),
        ("event_words.txt", 42),
        ("language_words.txt", 1),
        ("mention_words.txt", 11),
        ("place_words.txt", 2),
        ("quote_words.txt", 19),
        ("tokenizer_words.txt", 2),
    ],
)
def test_every_packaged_list_loads_and_is_used(filename, lists):
    got = word_lists(filename)
    assert len(got) == lists and all(got.values())
    code = "".join(p.read_text() for p in DATA_DIR.parent.rglob("*.py"))
    unused = [name for name in got if f'"{name}"' not in code]
    assert unused == []
