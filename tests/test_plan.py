"""Planning a batch against a real DuckDB warehouse (``plan_batch.fn``): identities, duplicates,
bodies moving between sources, identities of older versions taken over."""

from __future__ import annotations

import pytest

from flows.etl import plan_batch
from flows.settings import load_settings
from tests.warehouse_rows import build_warehouse, rows
from transforms.parse import Article

NLP = "test"


def article(article_id: str, uri: str, sha: str = "s") -> Article:
    return Article(article_id, uri, None, None, "T", None, "body", 1, sha, "utf-8", [])


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    given = rows()
    uris = {"a1": "/c/feed.jsonl#L1", "a2": "/c/feed.jsonl#x", "a3": "/c/a3.txt"}
    for row in given["articles"]:
        row["source_uri"] = uris.get(row["article_id"], row["source_uri"])
    wh = tmp_path_factory.mktemp("plan") / "wh"
    build_warehouse(wh, given)
    return load_settings(wh)


def plan(settings, articles, seen=None):
    return plan_batch.fn(articles, [], settings, seen or {}, NLP, False)


def test_an_old_positional_identity_is_taken_over_by_the_content_identity(settings):
    p = plan(settings, [article("a1", "/c/feed.jsonl#body:a1", "sha-a1")])
    assert (p.changed, p.new, p.rejects) == (1, 0, [])
    assert [a.source_uri for a in p.process] == ["/c/feed.jsonl#body:a1"]


def test_the_same_body_from_another_file_is_a_duplicate_kept_for_a_second_chance(settings):
    p = plan(settings, [article("a1", "/c/other.jsonl#body:a1")])
    assert [(r.source_uri, r.reason) for r in p.rejects] == [
        ("/c/other.jsonl#body:a1", "duplicate_body")
    ]
    assert [a.source_uri for a in p.duplicates] == ["/c/other.jsonl#body:a1"]


def test_a_body_given_up_in_the_same_batch_moves_to_its_new_record(settings):
    # x held a2's body; now x holds a new body and y holds a2's: y takes it over.
    p = plan(settings, [article("a2", "/c/feed.jsonl#y"), article("new", "/c/feed.jsonl#x")])
    assert p.rejects == []
    assert (p.changed, p.new) == (2, 0)


def test_repeated_identities_in_one_run_are_numbered_copies(settings):
    p = plan(
        settings,
        [article("n1", "/c/f.jsonl#body:n1"), article("n1", "/c/f.jsonl#body:n1")],
        seen={"/c/f.jsonl#body:n1": 1},
    )
    assert [(r.source_uri, r.reason) for r in p.rejects] == [
        ("/c/f.jsonl#body:n1~2", "duplicate_body"),
        ("/c/f.jsonl#body:n1~3", "duplicate_body"),
    ]
    q = plan(settings, [article("n2", "/c/g.jsonl#7")], seen={"/c/g.jsonl#7": 1})
    assert [(r.source_uri, r.reason) for r in q.rejects] == [("/c/g.jsonl#7~2", "duplicate_source")]


def test_languages_are_detected_only_for_the_articles_to_load(settings):
    """The flow parses with detect_language=False: an unchanged article keeps the language
    stored when it was loaded (the detector is never asked: it costs ~2 ms an article and
    seconds to load); a new one is detected before it is loaded."""
    import datetime as dt

    from transforms.parse import SourceItem, parse_item

    german = (
        "date 2024-03-04 Neues Gesetz\n\nDie Bundesregierung hat am Montag in Berlin ein neues "
        "Gesetz zum Schutz der Wälder beschlossen. Die Ministerin sagte, dass die Länder nun "
        "mehr Geld für die Aufforstung erhalten sollen, während die Opposition das Vorhaben "
        "als viel zu spät und zu klein kritisierte.\n"
    )
    [new] = parse_item(
        SourceItem("/c/de.txt", "text", german.encode()),
        today=dt.date(2026, 1, 1),
        detect_language=False,
    )
    assert (new.language_pending, new.language) == (True, None)
    with pytest.raises(ValueError, match="language not resolved"):
        new.row(run_id="r", ingested_at=dt.datetime(2026, 1, 1), nlp_version=NLP)
    import duckdb

    from flows import near_dups

    with duckdb.connect(str(settings.db_path)) as con:
        con.execute(near_dups.DDL)  # as a run creates it: the new article is compared
    unchanged = article("a4", "/corpus/a4.txt", "sha-a4")
    unchanged.language_pending = True  # as parse_item(detect_language=False) leaves it
    p = plan(settings, [unchanged, new])
    assert (p.unchanged, p.new, [a.article_id for a in p.process]) == (1, 1, [new.article_id])
    assert unchanged.language_pending  # never detected
    assert (new.language_pending, new.language) == (False, "de")
    [eager] = parse_item(
        SourceItem("/c/de.txt", "text", german.encode()), today=dt.date(2026, 1, 1)
    )
    assert (eager.language_pending, eager.language) == (False, "de")
