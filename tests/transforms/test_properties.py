"""Property-based tests: random and adversarial text never crashes the parsers or the NLP
extraction, and every offset stays inside the body with its text equal to the body slice."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.parse import Article, Reject, SourceItem, parse_item
from transforms.pipeline import NlpInput, extract

TODAY = dt.date(2026, 1, 1)
QUOTES = "\"'“”‘’„«»‹›"
# Text built from news-like pieces and the characters that break naive code.
PIECES = st.sampled_from(
    [
        "said",
        "she said",
        "told reporters",
        "according to",
        "Parly",
        "Florence Parly",
        "the US",
        "U.S.",
        "Federal Security Service (FSB)",
        "on Friday",
        "by the end of the year",
        "will sign",
        "did not attack",
        "Mali",
        "French",
        "“",
        "”",
        '"',
        "'",
        "«",
        "»",
        ",",
        ".",
        ":",
        "\n",
        "\n\n",
        "(",
        ")",
        "—",
        "-",
        "—“",
        "”,",
        "…",
        "\t",
        " ",
        "Mr.",
        "Dr",
        "said Parly",
        "he",
        "it",
    ]
)
NEWSY = st.lists(
    st.one_of(PIECES, st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8)),
    max_size=60,
).map(" ".join)
ANY_TEXT = st.one_of(NEWSY, st.text(max_size=300), st.text(alphabet=QUOTES + " a.\n", max_size=80))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["text", "jsonl", "json"]))
def test_parse_never_raises_on_bytes(data, kind):
    for result in parse_item(SourceItem("/x/f", kind, data, "L1"), today=TODAY):
        assert isinstance(result, Article | Reject)
        if isinstance(result, Article):
            assert result.body and result.body == result.body.strip()
            assert result.word_count == len(result.body.split())


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_parse_never_raises_on_text(title, body):
    raw = f" date 2024-02-29 {title}\n\n{body}".encode("utf-8", errors="surrogatepass")
    results = parse_item(SourceItem("/x/f.txt", "text", raw), today=TODAY)
    assert len(results) == 1


def _check_rows(body: str, tables: dict[str, list[dict]]) -> None:
    for table, rows in tables.items():
        for row in rows:
            assert 0 <= row["start_char"] < row["end_char"] <= len(body), (table, row)
            assert (
                body[row["start_char"] : row["end_char"]]
                == row["text" if table != "events" else "trigger"]
            ), (table, row)
            for prefix in ("speaker", "cue"):
                start = row.get(f"{prefix}_start_char")
                if start is not None:
                    end = row[f"{prefix}_end_char"]
                    assert 0 <= start < end <= len(body)
                    expected = row["speaker_text"] if prefix == "speaker" else row["cue"]
                    assert body[start:end] == expected, (table, prefix, row)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=ANY_TEXT)
def test_extraction_never_raises_and_offsets_slice_the_body(nlp, body):
    doc = nlp(body)
    art = NlpInput("prop", body, TODAY)
    result = extract(doc, art)
    _check_rows(body, result.tables)
