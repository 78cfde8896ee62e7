"""Feeds, pages and object storage, end to end with real servers on 127.0.0.1.

A news site (tests/newsroom.py, a threaded HTTP server started and stopped here) serves a
feed whose entries cover the cases of issue 15: a slow page (timeout), a 404, a 500 that
succeeds on retry, a redirect, a page whose date is only in its metadata, a page in German,
a reprint of another page, a page disallowed by robots.txt, relative links, gzip, and a feed
that answers 304 to the second run. An S3 server (moto's server mode) serves a prefix of
JSON-lines files that `newsetl run s3://…` loads.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, VENV_BIN
from tests.newsroom import Newsroom

UTC = dt.UTC
WEB_ENV = {
    "NEWSETL_FETCH_TIMEOUT": "1",
    "NEWSETL_FETCH_RETRIES": "1",
    "NEWSETL_FETCH_RETRY_DELAY": "0.2",
    "NEWSETL_USER_AGENT": "newsetl-test/1.0 (+tests)",
}


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def web_runs(tmp_path_factory, prefect_harness):
    from flows.etl import news_etl

    saved = {k: os.environ.get(k) for k in WEB_ENV}
    os.environ.update(WEB_ENV)
    room = Newsroom(slow_seconds=2.5)
    wh = tmp_path_factory.mktemp("web") / "wh"
    feed = room.base + "/feed.xml"
    try:
        first = news_etl(sources=[feed], warehouse_dir=str(wh), run_models=True)
        log1 = list(room.log)
        db = wh / "news.duckdb"
        articles1 = rows(
            db,
            "SELECT source_uri, url, title, outlet, authors, published_date, published_at, "
            "dateline, language, duplicate_of, duplicate_similarity, nlp_version, article_id "
            "FROM articles ORDER BY source_uri",
        )
        room.log.clear()
        second = news_etl(sources=[feed], warehouse_dir=str(wh), run_models=False)
        log2 = list(room.log)
        yield {
            "base": room.base,
            "db": db,
            "first": first,
            "second": second,
            "log1": log1,
            "log2": log2,
            "articles": {r[0].removeprefix(room.base): r[1:] for r in articles1},
        }
    finally:
        room.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_first_run_loads_pages_and_rejects_the_rest(web_runs):
    assert sorted(web_runs["articles"]) == [
        "/de/windkraft",
        "/news/cyprus-floods",  # a relative link in the feed
        "/news/flaky",  # 500, then 200 on the retry
        "/news/ports-strike",
        "/old/ecb",  # redirected: identity is the link, url is where it landed
        "/wire/ports-reprint",
    ]
    base = web_runs["base"]
    assert sorted(
        (uri.removeprefix(base), reason, detail)
        for uri, reason, detail in rows(
            web_runs["db"], "SELECT source_uri, reason, detail FROM rejects"
        )
    ) == [
        ("/news/missing", "http_error", "HTTP 404"),
        ("/news/slow", "fetch_timeout", "no complete answer within 1s"),
        ("/private/memo", "robots_disallowed", "disallowed by robots.txt"),
    ]
    s = web_runs["first"]
    assert (s["records_seen"], s["articles_new"], s["rejected"]) == (9, 6, 3)
    # feed + 6 pages with 200; the 404 and the timeout failed; the memo was never requested
    assert (s["fetched"], s["not_modified"], s["robots_skipped"], s["fetch_failed"]) == (7, 0, 1, 2)
    assert (s["near_duplicates"], s["nlp_skipped_language"]) == (1, 1)
    assert s["models"]["success"]


def test_requests_are_polite(web_runs):
    log = web_runs["log1"]
    assert {r["agent"] for r in log} == {WEB_ENV["NEWSETL_USER_AGENT"]}
    paths = [r["path"] for r in log]
    assert paths.count("/robots.txt") == 1  # once per host and run
    assert "/private/memo" not in paths
    assert [r["status"] for r in log if r["path"] == "/news/flaky"] == [500, 200]
    assert paths.count("/news/slow") == 2  # one retry, then given up
    assert [r["status"] for r in log if r["path"] in ("/old/ecb", "/news/ecb-holds")] == [301, 200]


def test_article_metadata(web_runs):
    a = web_runs["articles"]
    base = web_runs["base"]
    ports = a["/news/ports-strike"]
    assert ports[:11] == (
        base + "/news/ports-strike",
        "Dock strike spreads to Rotterdam",
        "Harbour Times",
        ["Anna de Vries", "Tom Baker"],
        dt.date(2025, 3, 4),
        dt.datetime(2025, 3, 4, 8, 30, tzinfo=UTC),  # JSON-LD 09:30+01:00
        "Rotterdam",
        "en",
        None,
        None,
        ports[10],
    )
    ecb = a["/old/ecb"]
    assert ecb[:8] == (
        base + "/news/ecb-holds",
        "ECB holds rates",
        "Harbour Times",
        ["Maria Lopez"],  # "Maria Lopez, Senior Economics Correspondent"
        dt.date(2025, 3, 6),
        dt.datetime(2025, 3, 6, 13, 45, tzinfo=UTC),  # only in article:published_time
        "Frankfurt",
        "en",
    )
    floods = a["/news/cyprus-floods"]
    # No date anywhere (the footer's "© 2025" is not one); a rel=author byline.
    assert floods[2:7] == ("Harbour Times", ["Eleni Georgiou"], None, None, "Nicosia")
    flaky = a["/news/flaky"]
    assert (flaky[2], flaky[6]) == ("127.0.0.1", "Lisbon")  # no declared name: the host


def test_reprint_is_linked_and_other_languages_skip_the_nlp(web_runs):
    a = web_runs["articles"]
    ports, reprint = a["/news/ports-strike"], a["/wire/ports-reprint"]
    assert reprint[2:4] == ("Harbour Wire", ["Anna de Vries"])  # its credit line
    assert reprint[4:6] == (dt.date(2025, 3, 4), None)  # <meta name="date">: a day, no time
    # The reprint adds a credit line: every shingle of the original is in it.
    assert (reprint[8], reprint[9]) == (ports[11], 1.0)
    german = a["/de/windkraft"]
    assert german[4:8] == (
        dt.date(2025, 3, 5),
        dt.datetime(2025, 3, 5, 9, 0, tzinfo=UTC),  # the feed's pubDate, +0100
        None,
        "de",
    )
    assert german[10] == "none:language"
    db = web_runs["db"]
    counts = dict(
        rows(
            db,
            "SELECT a.language, count(m.mention_id) FROM articles a "
            "LEFT JOIN mentions m USING (article_id) GROUP BY ALL",
        )
    )
    assert counts["de"] == 0 and counts["en"] > 20


def test_marts_count_reprints_once_and_by_outlet(web_runs):
    db = web_runs["db"]
    assert rows(
        db,
        "SELECT outlet, article_count, original_count, reprint_count FROM marts.dim_outlets "
        "ORDER BY outlet",
    ) == [
        ("127.0.0.1", 1, 1, 0),
        ("Harbour Times", 4, 4, 0),
        ("Harbour Wire", 1, 0, 1),
    ]
    stories = rows(
        db,
        "SELECT title, article_count, outlets FROM marts.dim_stories WHERE reprint_count > 0",
    )
    assert stories == [("Dock strike spreads to Rotterdam", 2, ["Harbour Times", "Harbour Wire"])]
    (jansen,) = rows(
        db,
        "SELECT article_count FROM marts.dim_entities WHERE canonical_name = 'Piet Jansen'",
    )
    assert jansen == (1,)  # named in the original and in the reprint: one story


def test_report_shows_outlets(web_runs, tmp_path):
    from flows.report import write_report
    from flows.settings import load_settings

    page = write_report(load_settings(web_runs["db"].parent), tmp_path / "r.html").read_text()
    assert 'id="chart-outlets"' in page
    assert "Harbour Wire" in page and "1 reprint" in page


def test_second_run_fetches_only_what_changed(web_runs):
    log = web_runs["log2"]
    assert [(r["path"], r["status"]) for r in log if r["path"] == "/feed.xml"] == [
        ("/feed.xml", 304)
    ]
    assert log[0]["if_none_match"]
    # Only the page that failed transiently is tried again; nothing loaded is refetched.
    assert sorted({r["path"] for r in log}) == ["/feed.xml", "/news/slow", "/robots.txt"]
    s = web_runs["second"]
    assert (s["articles_new"], s["articles_unchanged"], s["rejected"]) == (0, 8, 1)
    assert (s["fetched"], s["not_modified"], s["fetch_failed"]) == (0, 1, 1)
    ledger = rows(
        web_runs["db"],
        "SELECT fetched, not_modified, robots_skipped, fetch_failed, nlp_skipped_language "
        "FROM runs ORDER BY started_at",
    )
    assert ledger == [(7, 0, 1, 2, 1), (0, 1, 0, 1, 0)]


# --------------------------------------------------------------------------- object storage


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }
    try:
        yield env
    finally:
        server.stop()


def test_s3_prefix_is_listed_and_streamed(s3_server, tmp_path):
    import boto3

    s3 = boto3.client("s3", **{"endpoint_url": s3_server["AWS_ENDPOINT_URL"]}, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    s3.create_bucket(Bucket="newsroom")
    recs = [
        {"id": "s1", "title": "Tea exports", "published": "2025-03-04T09:30:00Z",
         "url": "https://www.kenyanews.example/tea", "author": "Wanjiru Kamau",
         "body": "NAIROBI - Kenya's tea exports rose to a record in June, the tea board said."},
        {"id": "s2", "title": "Flights", "published": "2025-07-15",
         "body": "Lufthansa cancelled 40 flights at Frankfurt on Wednesday because of a strike."},
    ]  # fmt: skip
    s3.put_object(
        Bucket="newsroom",
        Key="dumps/2025/a.jsonl",
        Body="".join(json.dumps(r) + "\n" for r in recs).encode(),
    )
    s3.put_object(Bucket="newsroom", Key="dumps/2025/b.jsonl", Body=b'{"id": "s3", "body": ')
    s3.put_object(Bucket="newsroom", Key="dumps/.staging/c.jsonl", Body=b"{}")
    s3.put_object(Bucket="newsroom", Key="dumps/notes.csv", Body=b"a,b")
    wh = tmp_path / "wh"
    env = {**os.environ, **s3_server, "NEWSETL_N_PROCESS": "1"}
    done = subprocess.run(
        [str(VENV_BIN / "newsetl"), "run", "s3://newsroom/dumps/", "--warehouse", str(wh),
         "--no-progress", "--no-models"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "testing" not in done.stdout + done.stderr  # credentials are never printed
    db = wh / "news.duckdb"
    assert rows(
        db, "SELECT source_uri, outlet, authors, published_at, dateline FROM articles ORDER BY 1"
    ) == [
        (
            "s3://newsroom/dumps/2025/a.jsonl#s1",
            "kenyanews.example",
            ["Wanjiru Kamau"],
            dt.datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
            "Nairobi",
        ),
        ("s3://newsroom/dumps/2025/a.jsonl#s2", None, [], None, None),
    ]
    rejects = rows(db, "SELECT source_uri, reason FROM rejects ORDER BY 1")
    # A malformed record is known by the hash of its bytes (docs/architecture.md).
    assert [(uri.split("#")[0], reason) for uri, reason in rejects] == [
        ("s3://newsroom/dumps/2025/b.jsonl", "malformed_json"),
        ("s3://newsroom/dumps/notes.csv", "unsupported_type"),
    ]
    assert rejects[0][0].startswith("s3://newsroom/dumps/2025/b.jsonl#json:")


def test_page_urls_html_files_and_url_lists(tmp_path, prefect_harness):
    """Sources other than a feed: a page URL named directly, a saved .html file, a text file
    of URLs (a feed and a page), each discovered and read as the flow does."""
    from flows import remote, web
    from flows.settings import load_settings

    room = Newsroom()
    try:
        saved = tmp_path / "saved.html"
        saved.write_bytes(room.routes["/news/ecb-holds"][2])
        urls = tmp_path / "follow.txt"
        urls.write_text(f"# what we follow\n{room.base}/feed.xml\n{room.base}/news/ports-strike\n")
        ctx = web.context_from_settings(load_settings(tmp_path / "wh"))
        entries = remote.discover(
            [f"{room.base}/news/cyprus-floods", str(saved), f"file://{urls}"], ctx
        )
        kinds = [(e.uri.removeprefix(room.base), e.kind) for e in entries]
        assert kinds[:2] == [("/news/cyprus-floods", "page"), (str(saved), "html")]
        # follow.txt: not an article (every line is a URL) → the feed's 9 entries and the
        # page, which is one of them; cyprus-floods, named first, is read once: 8 more pages
        assert [k for _, k in kinds[2:]] == ["page"] * 8
        assert ("/news/ports-strike", "page") in kinds[2:]
        named = [e.meta["ref"] for e in entries if e.kind == "page" and e.meta["ref"].named]
        assert [r.url.removeprefix(room.base) for r in named] == ["/news/cyprus-floods"]
        from prefect import flow

        @flow
        def fetch_named():  # page fetches are task runs: submitted from a flow
            return web.fetch_pages(named, ctx)

        items = fetch_named()
        assert [(i.kind, i.meta["url"]) for i in items] == [
            ("html", f"{room.base}/news/cyprus-floods")
        ]
        # A page named by the user is not checked against robots.txt (it is not crawled).
        assert "/robots.txt" not in [r["path"] for r in room.log]
    finally:
        room.stop()
