"""Parsing: header, body, dates, encodings, JSON records, and every reject kind of the parser."""

from __future__ import annotations

import codecs
import datetime as dt
import json

import pytest

from transforms.ids import article_id_for
from transforms.parse import (
    Article,
    Reject,
    SourceItem,
    decode,
    parse_date,
    parse_item,
    parse_text,
)

TODAY = dt.date(2026, 11, 28)
BODY = (
    "The council voted on Tuesday to close the old bridge to traffic.\n\n"
    '"It is no longer safe," the mayor said, adding that repairs would start next month.'
)


def one(item: SourceItem) -> Article | Reject:
    results = parse_item(item, today=TODAY)
    assert len(results) == 1
    return results[0]


def test_seed_article(seed_path):
    art = parse_text(str(seed_path), seed_path.read_bytes(), today=TODAY)
    assert art.published_date == dt.date(2021, 7, 10)
    assert art.title == (
        "The United States and France are increasing their cooperation in special forces."
    )
    paragraphs = art.body.split("\n\n")
    assert len(paragraphs) == 14
    assert paragraphs[0].startswith("On Friday, the US and French defense chiefs agreed")
    assert paragraphs[-1].endswith("while in Washington.")
    assert art.flags == [] and art.encoding == "utf-8"
    assert art.word_count == len(art.body.split())


def test_header_with_and_without_leading_space():
    a = parse_text("a.txt", f" date 2024-04-11 Title A\n\n{BODY}\n".encode(), today=TODAY)
    b = parse_text("b.txt", f"date 2024-04-11 Title B\n\n{BODY}".encode(), today=TODAY)
    assert a.published_date == b.published_date == dt.date(2024, 4, 11)
    assert (a.title, b.title) == ("Title A", "Title B")
    assert a.body == b.body == BODY
    # Same body under two names is one article.
    assert a.article_id == b.article_id == article_id_for(BODY)


def test_article_id_ignores_whitespace_only_differences():
    spaced = BODY.replace(" ", "  ").replace("\n\n", "\n \n")
    assert article_id_for(spaced) == article_id_for(BODY)
    assert article_id_for(BODY + " Extra.") != article_id_for(BODY)


def test_no_header_keeps_first_line_as_title_and_null_date():
    art = parse_text("n.txt", f"Bridge closed after vote\n\n{BODY}\n".encode(), today=TODAY)
    assert art.title == "Bridge closed after vote"
    assert art.published_date is None
    assert art.body == BODY
    assert art.flags == ["no_header"]


def test_crlf_is_normalized():
    art = parse_text(
        "c.txt", f"date 2024-01-02 T\r\n\r\n{BODY}".replace("\n", "\r\n").encode(), today=TODAY
    )
    assert art.body == BODY


@pytest.mark.parametrize(
    ("raw", "expected", "encoding", "flags"),
    [
        ("café “quoted”".encode(), "café “quoted”", "utf-8", []),
        (codecs.BOM_UTF8 + "café".encode(), "café", "utf-8-sig", []),
        ("café “x”".encode("utf-16"), "café “x”", "utf-16", []),
        ("café “x”".encode("cp1252"), "café “x”", "cp1252", ["encoding_fallback"]),
        (
            "naïve ".encode() + b"\xff\xfe broken",
            "naïve \ufffd\ufffd broken",
            "utf-8",
            ["invalid_utf8_replaced"],
        ),
    ],
)
def test_decode(raw, expected, encoding, flags):
    assert decode(raw) == (expected, encoding, flags)


def test_cp1252_file_is_flagged_on_the_row():
    text = f"date 2024-01-02 Caf\u00e9 owners protest\n\n{BODY} \u201cNo,\u201d said Ren\u00e9."
    art = parse_text("w.txt", text.encode("cp1252"), today=TODAY)
    assert art.encoding == "cp1252"
    assert art.flags == ["encoding_fallback"]
    assert art.body.endswith("\u201cNo,\u201d said Ren\u00e9.")


@pytest.mark.parametrize(
    ("header", "flag"),
    [("date 2021-02-30 Impossible", "invalid_date"), ("date 2999-01-01 Future", "future_date")],
)
def test_bad_dates_load_with_null_date_and_a_flag(header, flag):
    art = one(SourceItem("d.txt", "text", f"{header}\n\n{BODY}".encode()))
    assert isinstance(art, Article)
    assert art.published_date is None
    assert art.flags == [flag]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n\t  \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00" * 20, "binary"),
        (b"date 2024-01-01 Only a title\n\n   \n", "empty_body"),
    ],
)
def test_text_rejects(payload, reason):
    result = one(SourceItem("/x/bad.txt", "text", payload))
    assert isinstance(result, Reject)
    assert (result.source_uri, result.reason) == ("/x/bad.txt", reason)


def test_nul_bytes_are_removed_and_flagged():
    art = one(
        SourceItem(
            "z.txt",
            "text",
            f"date 2024-01-02 T\n\n{BODY}".encode().replace(b"bridge", b"bri\x00dge"),
        )
    )
    assert "bridge" in art.body and "\x00" not in art.body
    assert art.flags == ["control_chars_removed"]


def test_html_markup_is_stripped():
    raw = (
        "date 2024-01-02 Council vote\n\n<html><body><p>The council voted on <b>Tuesday</b>.</p>"
        "<p>&ldquo;It is unsafe,&rdquo; the mayor said.</p><script>var x = 1;</script></body></html>"
    )
    art = one(SourceItem("h.txt", "text", raw.encode()))
    assert art.body == "The council voted on Tuesday.\n\n“It is unsafe,” the mayor said."
    assert art.flags == ["html_stripped"]


def test_non_english_text_is_loaded_with_its_language():
    german = (
        "date 2024-01-02 Abstimmung\n\nDer Stadtrat hat am Dienstag beschlossen, die alte Brücke "
        "für den Verkehr zu sperren. Die Bürgermeisterin sagte, dass die Reparaturen im "
        "nächsten Monat beginnen und bis zum Ende des Jahres dauern würden. Es ist nicht "
        "sicher, und die Stadt wird die Kosten mit dem Land teilen."
    )
    result = one(SourceItem("de.txt", "text", german.encode()))
    assert isinstance(result, Article)
    assert (result.language, result.title) == ("de", "Abstimmung")


def test_jsonl_record():
    rec = {
        "id": "a1",
        "url": "https://example.com/a1",
        "title": "T",
        "published": "2025-03-04T09:30:00Z",
        "body": BODY,
    }
    art = one(SourceItem("/f/feed.jsonl", "jsonl", json.dumps(rec).encode(), "L3"))
    assert art.source_uri == "/f/feed.jsonl#a1"
    assert (art.source_id, art.url, art.title) == ("a1", "https://example.com/a1", "T")
    assert art.published_date == dt.date(2025, 3, 4)
    assert art.body == BODY


def test_jsonl_text_key_and_no_id():
    rec = {"title": "T", "published": "2025-03-04", "text": BODY}
    art = one(SourceItem("/f/feed.jsonl", "jsonl", json.dumps(rec).encode(), "L7"))
    # Without an id, a record is known by its body, never by its line.
    assert art.source_uri == f"/f/feed.jsonl#body:{art.article_id}" and art.source_id is None
    moved = one(SourceItem("/f/feed.jsonl", "jsonl", json.dumps(rec).encode(), "L1"))
    retitled = one(
        SourceItem("/f/feed.jsonl", "jsonl", json.dumps({**rec, "title": "U"}).encode(), "L9")
    )
    assert moved.source_uri == retitled.source_uri == art.source_uri


def _sha16(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]


@pytest.mark.parametrize(
    ("line", "reason", "uri"),
    [
        (
            b'{"id": "x", "body": "unterminated',
            "malformed_json",
            "/f/feed.jsonl#json:" + _sha16(b'{"id": "x", "body": "unterminated'),
        ),
        (
            b'["not", "an", "object"]',
            "malformed_json",
            "/f/feed.jsonl#json:" + _sha16(b'["not", "an", "object"]'),
        ),
        (b'{"id": "x9", "title": "no body"}', "missing_body", "/f/feed.jsonl#x9"),
        (b'{"id": "x9", "title": "T", "body": "  "}', "empty_body", "/f/feed.jsonl#x9"),
    ],
)
def test_jsonl_rejects(line, reason, uri):
    result = one(SourceItem("/f/feed.jsonl", "jsonl", line, "L2"))
    assert isinstance(result, Reject)
    assert (result.reason, result.source_uri) == (reason, uri)


def test_json_file_with_a_list_of_records():
    recs = [{"id": "a", "body": BODY}, {"id": "b", "title": "none"}]
    results = parse_item(SourceItem("/f/x.json", "json", json.dumps(recs).encode()), today=TODAY)
    assert [type(r).__name__ for r in results] == ["Article", "Reject"]
    assert [r.source_uri for r in results] == ["/f/x.json#a", "/f/x.json#b"]


@pytest.mark.parametrize(
    ("value", "date", "flags"),
    [
        ("2024-04-11T25:99:00", None, ["invalid_date"]),
        ("2024-04-11T23:59:60Z", dt.date(2024, 4, 11), []),
        ("2024-04-11T10:00:00+02:00", dt.date(2024, 4, 11), []),
        ("2024-04-11 10:00", dt.date(2024, 4, 11), []),
        ("2024-04-11T10:00:00.123456789Z", dt.date(2024, 4, 11), []),
        ("2024-04-11Tnoon", None, ["invalid_date"]),
    ],
)
def test_a_datetime_needs_a_real_time_of_day(value, date, flags):
    assert parse_date(value, today=TODAY) == (date, flags)


@pytest.mark.parametrize(
    ("rid", "uri_id"),
    [
        ({"b": 2, "a": 1}, '{"a":1,"b":2}'),
        ([1, "x"], '[1,"x"]'),
        (12, "12"),
        (1.5, "1.5"),
        ("a#b\x1b", "a\\x23b\\x1b"),
    ],
)
def test_record_ids_are_text_never_a_python_repr(rid, uri_id):
    rec = {"id": rid, "body": BODY}
    art = one(SourceItem("/f/feed.jsonl", "jsonl", json.dumps(rec).encode(), "L1"))
    assert (art.source_id, art.source_uri) == (uri_id, f"/f/feed.jsonl#{uri_id}")


def test_lone_surrogates_and_deep_nesting_never_raise():
    art = one(
        SourceItem(
            "/f/f.jsonl",
            "jsonl",
            json.dumps({"id": "s", "body": "a SURROGATE b. " + BODY})
            .replace("SURROGATE", "\\ud800")
            .encode(),
            "L1",
        )
    )
    assert "a \ufffd b." in art.body and art.flags == ["invalid_utf8_replaced", "no_title"]
    deep = one(SourceItem("/f/f.jsonl", "jsonl", b"[" * 100_000, "L4"))
    assert (deep.reason, deep.detail) == ("malformed_json", "line 4: nested too deeply")
    digits = one(SourceItem("/f/f.jsonl", "jsonl", b'{"id": ' + b"9" * 5000 + b"}", "L5"))
    assert digits.reason == "malformed_json"
