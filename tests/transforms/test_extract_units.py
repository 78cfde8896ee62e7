"""The extract components alone: metadata, pages, feeds, near-duplicates, language."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from transforms import dedup
from transforms.feeds import normalize_url, parse_feed, parse_feed_list, sniff
from transforms.language import detect_language
from transforms.metadata import (
    clean_authors,
    find_dateline,
    outlet_from_url,
    parse_timestamp,
)
from transforms.pages import decode_html, extract_page
from transforms.parse import Article, SourceItem, parse_item

UTC = dt.UTC


@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("BRUSSELS (Reuters) - The European Union said on Monday", "Brussels"),
        ("NICOSIA, Aug 8 – Heavy rain flooded the streets", "Nicosia"),
        ("WASHINGTON, March 3 (Reuters) - The Senate voted", "Washington"),
        ("KYIV, Ukraine (AP) — Russian drones struck", "Kyiv, Ukraine"),
        ("NEW YORK — Stocks fell", "New York"),
        ("SAN FRANCISCO/NEW YORK (Reuters) - Two banks", "San Francisco/New York"),
        ("The council voted on Tuesday - to close it", None),
        ("UPDATE 2-Oil rises on supply worries", None),
        ("U.S. stocks - fell sharply", None),
    ],
)
def test_dateline(body, place):
    assert find_dateline(body) == place


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (["By Jane Doe and John Roe, Reuters"], ["Jane Doe"]),
        ("DOE, Jane", ["Jane Doe"]),
        ("jane@example.com (Jane Doe)", ["Jane Doe"]),
        ("By JOHN SMITH", ["John Smith"]),
        ("Maria Lopez, Senior Economics Correspondent", ["Maria Lopez"]),
        ("Ana Silva; Bo Li", ["Ana Silva", "Bo Li"]),
        (["Reuters Staff", "Associated Press", "admin"], []),
        (["Anna de Vries", "anna de vries"], ["Anna de Vries"]),
        (["https://example.com/staff/jane"], []),
    ],
)
def test_clean_authors(raw, names):
    assert clean_authors(raw) == names


def test_bylines_in_the_body():
    from transforms.metadata import byline_from_body

    assert byline_from_body("By Jo Dunne and Kim Park\nLISBON - Trains stopped.") == [
        "Jo Dunne",
        "Kim Park",
    ]
    credit = (
        "Trains stopped.\n\n(Reporting by Jo Dunne in Lisbon and Kim Park; Additional "
        "reporting by Ana Silva; Editing by Tom Baker)"
    )
    assert byline_from_body(credit) == ["Jo Dunne", "Kim Park", "Ana Silva"]
    assert byline_from_body("Trains stopped on Monday, the union said.") == []


def test_outlet_and_timestamps():
    assert outlet_from_url("https://www.bbc.co.uk/news/world-1") == "bbc.co.uk"
    assert outlet_from_url("https://edition.cnn.com/2025/03/04/x") == "cnn.com"
    assert outlet_from_url("http://127.0.0.1:8000/a") == "127.0.0.1"
    assert outlet_from_url(None) is None
    assert parse_timestamp("2024-05-03T10:15:00+02:00") == dt.datetime(
        2024, 5, 3, 8, 15, tzinfo=UTC
    )
    assert parse_timestamp("Fri, 03 May 2024 10:15:00 GMT") == dt.datetime(
        2024, 5, 3, 10, 15, tzinfo=UTC
    )
    # A date, or a time without a zone, is not an instant.
    assert parse_timestamp("2024-05-03") is None
    assert parse_timestamp("2024-05-03T10:15:00") is None


ARTICLE = (
    "LISBON - Portugal's rail operator cancelled most long-distance trains on Monday as "
    "workers began a three-day strike over pay, leaving thousands of commuters stranded.",
    "The government said it would meet union representatives on Wednesday and called on "
    "both sides to find an agreement before the summer holidays began in July.",
)


def html_page(head: str = "", byline: str = "", title: str = "Rail strike") -> str:
    paras = "".join(f"<p>{p}</p>" for p in ARTICLE)
    return (
        f'<html lang="en"><head><title>{title} | Daily Bugle</title>{head}</head><body>'
        '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>{title}</h1>{byline}{paras}</article>"
        "<footer>© 2025 Daily Bugle. Privacy · Cookies</footer></body></html>"
    )


def test_page_text_without_boilerplate_or_headline():
    page = extract_page(html_page(), "https://www.dailybugle.example/world/rail")
    assert page.body == "\n\n".join(ARTICLE)
    assert page.title == "Rail strike"
    assert page.outlet == "dailybugle.example"  # no declared name: the registered domain
    assert page.published_date is None  # the copyright year is not a date


def test_page_dates_from_jsonld_meta_time_and_url():
    jsonld = (
        '<script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"x"},'
        '{"@type":"NewsArticle","datePublished":"2025-03-04T09:30:00+01:00",'
        '"author":{"@type":"Person","name":"Rosa Mendes"},'
        '"publisher":{"@type":"Organization","name":"Daily Bugle"}}]}</script>'
    )
    page = extract_page(html_page(jsonld), "https://dailybugle.example/a")
    assert page.published_at == dt.datetime(2025, 3, 4, 8, 30, tzinfo=UTC)
    assert (page.published_date, page.date_source) == (dt.date(2025, 3, 4), "jsonld")
    assert (page.authors, page.outlet) == (["Rosa Mendes"], "Daily Bugle")

    meta = '<meta property="article:published_time" content="2025-03-06T13:45:00Z">'
    page = extract_page(html_page(meta), "https://dailybugle.example/a")
    assert page.published_at == dt.datetime(2025, 3, 6, 13, 45, tzinfo=UTC)
    assert page.date_source == "meta"

    byline = '<p>By <time datetime="2025-03-07">March 7</time></p>'
    page = extract_page(html_page(byline=byline), "https://dailybugle.example/a")
    assert (page.published_date, page.published_at) == (dt.date(2025, 3, 7), None)

    page = extract_page(html_page(), "https://dailybugle.example/2025/02/11/rail-strike")
    assert (page.published_date, page.date_source) == (dt.date(2025, 2, 11), "htmldate")

    hints = {"published": "Tue, 04 Mar 2025 08:30:00 GMT", "authors": ["Rosa Mendes"]}
    page = extract_page(html_page(), "https://dailybugle.example/a", hints=hints)
    assert page.published_at == dt.datetime(2025, 3, 4, 8, 30, tzinfo=UTC)
    assert (page.date_source, page.authors) == ("feed", ["Rosa Mendes"])


def test_page_bylines_in_markup():
    byline = '<p class="byline">By <a rel="author" href="/s/jd">Jo Dunne</a></p>'
    page = extract_page(html_page(byline=byline), "https://dailybugle.example/a")
    assert page.authors == ["Jo Dunne"]
    meta = '<meta name="author" content="Kim Park, Staff Writer">'
    assert extract_page(html_page(meta), None).authors == ["Kim Park"]


def test_decode_html_encodings():
    text = "<p>Café São Paulo – “quoted”</p>"
    assert decode_html(text.encode("cp1252"), "windows-1252") == (text, "cp1252")
    meta = '<meta charset="iso-8859-1">' + "<p>Café</p>"
    assert decode_html(meta.encode("latin-1")) == (meta, "cp1252")
    assert decode_html(text.encode("utf-8")) == (text, "utf-8")
    assert decode_html(b"\xef\xbb\xbf" + text.encode("utf-8"))[0] == text


def test_html_item_becomes_an_article_with_metadata():
    meta = '<meta property="article:published_time" content="2025-03-06T13:45:00Z">'
    item = SourceItem(
        "https://dailybugle.example/a", "html", html_page(meta).encode(), meta={"url": None}
    )
    (art,) = parse_item(item, today=dt.date(2026, 1, 1))
    assert isinstance(art, Article)
    assert (art.dateline, art.language, art.published_date) == ("Lisbon", "en", dt.date(2025, 3, 6))
    assert art.body.startswith("LISBON - Portugal's")


RSS = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Daily Bugle - World</title><link>https://dailybugle.example/</link>
<item><title>Caf\xe9 strike</title><link>/news/a?utm_source=rss&amp;id=3</link>
<pubDate>Tue, 04 Mar 2025 09:30:00 +0100</pubDate><dc:creator>Rosa Mendes</dc:creator></item>
<item><title>No link</title><description>short</description></item>
<item><guid>https://dailybugle.example/news/b</guid><title>B</title></item>
<item><title>Again</title><link>https://dailybugle.example/news/a?id=3</link></item>
</channel></rss>"""


def test_feed_entries_links_and_fields():
    feed = parse_feed(RSS, "https://dailybugle.example/feed.xml")
    assert feed.title == "Daily Bugle - World"
    links = [e.link for e in feed.entries]
    assert links == [
        "https://dailybugle.example/news/a?utm_source=rss&id=3",
        None,
        "https://dailybugle.example/news/b",
    ]  # the fourth repeats the first once tracking parameters are dropped
    first = feed.entries[0]
    assert (first.title, first.authors, first.published) == (
        "Café strike",
        ("Rosa Mendes",),
        "Tue, 04 Mar 2025 09:30:00 +0100",
    )
    again = parse_feed(RSS.replace(b"Caf\xe9 strike", b"Caf\xe9 strike ends"), "https://x/f")
    assert again.entries[0].fingerprint != first.fingerprint
    assert parse_feed(b"<html><body>not a feed</body></html>").problem.startswith("not an RSS")


def test_atom_and_feed_lists():
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>One</title><link rel="alternate" href="https://a.example/1"/>
<updated>2025-03-04T10:00:00Z</updated><author><name>Lee Chan</name></author></entry></feed>"""
    (entry,) = parse_feed(atom).entries
    assert (entry.link, entry.authors, entry.published) == (
        "https://a.example/1",
        ("Lee Chan",),
        "2025-03-04T10:00:00Z",
    )
    opml = b"""<?xml version="1.0"?><opml version="2.0"><body><outline text="news">
<outline type="rss" xmlUrl="https://a.example/feed"/><outline xmlUrl="https://b.example/rss"/>
</outline></body></opml>"""
    assert sniff(opml) == "opml"
    assert parse_feed_list(opml) == ["https://a.example/feed", "https://b.example/rss"]
    urls = b"# my feeds\nhttps://a.example/feed\n\nhttps://b.example/rss\n"
    assert sniff(urls) == "urls"
    assert parse_feed_list(urls) == ["https://a.example/feed", "https://b.example/rss"]
    assert sniff(RSS) == "feed" and sniff(b"<!DOCTYPE html><html>") == "html"
    assert (
        normalize_url("HTTP://Example.com:80/a?b=1&utm_medium=x#top") == "http://example.com/a?b=1"
    )


WIRE = (
    "The central bank raised its main interest rate by a quarter point to 4.25 percent on "
    "Thursday, its third increase this year, saying inflation of 6.1 percent in March was "
    "still far above its target.\n\nThe governor told reporters that further increases could "
    "not be ruled out if wage growth stayed strong, and that the bank would watch energy "
    "prices closely over the coming months.\n\nEconomists had expected the move, which takes "
    "borrowing costs to their highest level since 2008, after a run of strong data on jobs "
    "and consumer spending in the first quarter."
)


def test_near_duplicates():
    original = dedup.fingerprint(WIRE)
    reprint = dedup.fingerprint(WIRE + "\n\n(Reporting by Ana Silva; Editing by Tom Baker)")
    cut = dedup.fingerprint(WIRE.split("\n\n")[0] + "\n\n" + WIRE.split("\n\n")[1])
    next_month = dedup.fingerprint(
        WIRE.replace("4.25", "4.50").replace("third", "fourth").replace("6.1", "5.8")
    )
    other = dedup.fingerprint(
        "Dock workers in Antwerp walked out on Monday over plans to automate two terminals, "
        "the union said, and warned the strike would last until Friday unless talks resumed."
    )
    # 97 words (93 shingles), all in the reprint, whose 8-word note adds 8: Jaccard 93/101.
    assert dedup.similarity(original.shingles, reprint.shingles) == 1.0
    assert (len(original.shingles & reprint.shingles), len(reprint.shingles)) == (93, 101)
    assert dedup.near_duplicate(original, reprint) == 1.0
    assert dedup.near_duplicate(original, cut) == 1.0  # contained in the original
    assert dedup.near_duplicate(original, next_month) is None  # the figures differ
    assert dedup.near_duplicate(original, other) is None
    assert dedup.near_duplicate(original, reprint, days_apart=30) is None
    assert set(original.bands) & set(reprint.bands)
    match = dedup.best_match(reprint, {"a": original, "b": other, "c": next_month})
    assert match is not None and match[0] == "a"


def test_language_detection():
    german = (
        "Die Bundesregierung hat am Mittwoch ein neues Förderprogramm für den Ausbau der "
        "Windenergie auf See beschlossen, teilte das Wirtschaftsministerium in Berlin mit. "
        "Bis zum Jahr 2030 sollen vor den Küsten Anlagen mit einer Leistung von dreißig "
        "Gigawatt entstehen."
    )
    assert detect_language(german) == "de"
    assert detect_language(WIRE) == "en"
    assert detect_language(WIRE.upper()) == "en"  # shouted text is lowered, not dropped
    # Not prose: a results table and a one-liner are not judged.
    assert detect_language("Shr 45 cts vs 58 cts\nNet 1.1 mln vs 829,000\nSales 7.9 mln") is None
    assert detect_language("Le gouvernement a annoncé lundi") is None


def test_json_record_metadata():
    rec = {
        "id": "r1",
        "url": "https://www.example.co.uk/news/1",
        "published": "2025-03-04T09:30:00+01:00",
        "author": ["Rosa Mendes", {"name": "Lee Chan"}],
        "body": WIRE,
    }
    (art,) = parse_item(
        SourceItem("/f.jsonl", "jsonl", json.dumps(rec).encode(), "L1"), today=dt.date(2026, 1, 1)
    )
    assert (art.outlet, art.authors) == ("example.co.uk", ["Rosa Mendes", "Lee Chan"])
    assert art.published_at == dt.datetime(2025, 3, 4, 8, 30, tzinfo=UTC)
    assert art.published_date == dt.date(2025, 3, 4)


def test_plain_english_is_settled_before_lingua_with_lingua_s_answer():
    from transforms.language import lingua_language, plainly_english, prose_words

    # A long English wire story (95 tokens, 3 of them numbers): 32 of its 92 words are
    # function words, 6 are "the": settled by the first pass, and lingua says the same.
    words = prose_words(WIRE)
    assert (len(words), plainly_english(words), lingua_language(words)) == (92, True, "en")
    # Too short for the first pass: lingua decides (English all the same).
    short = prose_words(WIRE[:300])
    assert (plainly_english(short), detect_language(WIRE[:300])) == (False, "en")
    # A German story quoting an English sentence: the English words are not a quarter of
    # it, so lingua decides — German.
    german = (
        "Die Bundesregierung hat am Mittwoch in Berlin ein neues Programm für den Ausbau der "
        "Windenergie auf See beschlossen. Bis zum Jahr 2030 sollen vor den Küsten Anlagen mit "
        "einer Leistung von dreißig Gigawatt entstehen, teilte das Ministerium mit. Die "
        "Betreiber begrüßten den Plan, warnten aber vor langen Genehmigungsverfahren und "
        'fehlenden Netzen. Der britische Minister sagte dazu: "The plan is good news for the '
        'whole of the North Sea and for the industry that we have built there."'
    )
    words = prose_words(german)
    assert (len(words) >= 60, plainly_english(words), detect_language(german)) == (
        True,
        False,
        "de",
    )
    # The same function words with accented letters in the other words: not plain English.
    accented = [w if len(w) < 5 else w.replace("o", "ö") for w in prose_words(WIRE)]
    assert plainly_english(accented) is False


GERMAN_TEXT = (
    "date 2025-03-05 Windkraft\n\nDie Bundesregierung hat am Mittwoch in Berlin ein neues "
    "Förderprogramm für den Ausbau der Windenergie auf See beschlossen, sagte Olaf Scholz. "
    "Bis zum Jahr 2030 sollen vor den Küsten Anlagen mit einer Leistung von dreißig Gigawatt "
    "entstehen, hieß es."
)


def test_language_routing_to_another_pipeline(tmp_path):
    import dataclasses

    import spacy

    from flows import tasks, warehouse
    from flows.nlp_runner import NlpRunner
    from flows.settings import load_settings
    from transforms.nlp import EXTRACTION_VERSION
    from transforms.schemas import to_table

    # A real spaCy pipeline on disk, with WikiNER labels like spaCy's German models.
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler").add_patterns(
        [{"label": "PER", "pattern": "Olaf Scholz"}, {"label": "LOC", "pattern": "Berlin"},
         {"label": "MISC", "pattern": "Windenergie"}]
    )  # fmt: skip
    nlp.meta.update(name="test_de", version="1.2.0")
    nlp.to_disk(tmp_path / "de_model")
    (art,) = parse_item(
        SourceItem("/x/de.txt", "text", GERMAN_TEXT.encode()), today=dt.date(2026, 1, 1)
    )
    assert art.language == "de"
    plain = load_settings(tmp_path / "wh", n_process=1)
    routed = dataclasses.replace(plain, language_models=(("de", str(tmp_path / "de_model")),))
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    with NlpRunner(plain.model, 1) as runner:
        skipped, _ = tasks.transform_batch.fn([art], runner, "r1", now, "en@1", plain)
        tables, failed = tasks.transform_batch.fn([art], runner, "r1", now, "en@1", routed)
    assert skipped["articles"].column("nlp_version").to_pylist() == ["none:language"]
    assert skipped["mentions"].num_rows == 0
    assert failed == []
    de_version = f"de_model@1.2.0+newsetl.{EXTRACTION_VERSION}"
    assert tables["articles"].column("nlp_version").to_pylist() == [de_version]
    got = sorted((m["text"], m["label"]) for m in tables["mentions"].to_pylist())
    assert got == [("Berlin", "LOC"), ("Olaf Scholz", "PERSON")]  # MISC has no OntoNotes label
    assert tables["quotes"].num_rows == tables["events"].num_rows == 0

    # Stale or not depends on the article's language: adding the model makes it stale.
    con = duckdb_connect(tmp_path / "wh.duckdb")
    warehouse.ensure_schema(con)
    row = art.row(run_id="r0", ingested_at=now, nlp_version="none:language")
    con.register("_a", to_table("articles", [row]))
    con.execute("INSERT INTO articles BY NAME SELECT * FROM _a")

    def stale(by_language):
        return [
            r["article_id"]
            for r in warehouse.stale_articles(
                con, nlp_version="en@1", run_id="r1", everything=False, skip=[], limit=10,
                by_language=by_language, other_languages="none:language",
            )
        ]  # fmt: skip

    assert stale({}) == []
    assert stale({"de": de_version}) == [art.article_id]


def duckdb_connect(path):
    import duckdb

    return duckdb.connect(str(path))
