"""The quote lexicons (transforms/quotes/lexicon.py and its data files)."""

from __future__ import annotations

from transforms.quotes.lexicon import reporting_verbs, speaker_nouns
from transforms.wordlists import DATA_DIR


def test_lexicons_follow_their_rules():
    """transforms/data/README.md: sorted by class then lemma, known classes, lowercase."""
    path = DATA_DIR / "reporting_verbs.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "lemma\tclass"
    rows = [tuple(line.split("\t")) for line in lines[1:]]
    assert all(len(r) == 2 and r[0] == r[0].strip().lower() and r[0] for r in rows)
    assert rows == sorted(rows, key=lambda r: (r[1], r[0]))
    assert len({lemma for lemma, _ in rows}) == len(rows)
    assert {cls for _, cls in rows} == {"speech", "writing", "naming", "quoting", "cognition"}
    verbs = reporting_verbs()
    assert verbs["say"] == "speech" and verbs["tweet"] == "writing"
    assert verbs["call"] == "naming" and verbs["continue"] == "quoting"
    nouns = speaker_nouns()
    assert "spokeswoman" in nouns and all(n == n.lower() for n in nouns)
