"""Adding a table = its schema, its extractor, its staging model.

A toy NLP table, ``sentences`` (one row per sentence), is declared in the registry
(``transforms.schemas.TABLES``) for the length of this module, with an extractor defined here.
Nothing else is edited, and a real flow run (Prefect test harness, real Parquet, real DuckDB)
creates it, writes its lake parts, loads it, replaces an article's rows with the article,
counts it in the run's summary, the ledger and the Prefect artifact, and ``newsetl check``
verifies it. The third step, its staging model, is what the staging test asks for.

(The NLP runs in-process here, ``n_process=1``: spawned NLP workers import the registry as
it is written in ``transforms/schemas.py``.)
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
import yaml

from flows import integrity
from flows.cli import format_summary
from flows.settings import load_settings
from transforms import schemas
from transforms.ids import stable_id

ROOT = Path(__file__).resolve().parents[2]
STAGING = ROOT / "sql" / "models" / "staging"

SENTENCES = pa.schema(
    [
        pa.field("sentence_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("sentence_index", pa.int32(), nullable=False),
        pa.field("start_char", pa.int32(), nullable=False),
        pa.field("end_char", pa.int32(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
    ],
    metadata={"grain": "one row per sentence", "key": "sentence_id"},
)


def sentence_rows(an, art) -> list[dict]:
    """The toy table's extractor: the sentences of the article's analysis."""
    return [
        {
            "sentence_id": stable_id(art.article_id, s.start_char, s.end_char),
            "article_id": art.article_id,
            "sentence_index": i,
            "start_char": s.start_char,
            "end_char": s.end_char,
            "text": s.text,
        }
        for i, s in enumerate(an.sents)
    ]


TOY = schemas.Table(
    "sentences",
    SENTENCES,
    schemas.PARTITION,
    derived=True,
    nlp=True,
    extractor=f"{__name__}:sentence_rows",
)


def staging_gaps() -> tuple[list[str], list[str]]:
    """(tables without a staging model or source entry, staging sources without a table)."""
    sources = yaml.safe_load((STAGING / "__sources.yml").read_text())["sources"][0]["tables"]
    declared = {t["name"] for t in sources}
    missing = [
        t for t in schemas.TABLES if t not in declared or not (STAGING / f"stg_{t}.sql").exists()
    ]
    return missing, sorted(declared - set(schemas.TABLES))


def test_every_table_has_its_staging_model():
    assert staging_gaps() == ([], [])


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory, prefect_harness):
    from flows.etl import news_etl

    tmp = tmp_path_factory.mktemp("registry")
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "date 2024-04-11 Bridge closed\n\n"
        "The council voted on Tuesday to close the old bridge. Repairs start next month.\n"
    )
    (corpus / "b.txt").write_text(
        "date 2024-05-02 Dock strike\n\nDock workers in Antwerp walked out on Monday.\n"
    )
    settings = load_settings(tmp / "wh", n_process=1, batch_size=10)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(schemas.TABLES, "sentences", TOY)
        gaps = staging_gaps()
        first = news_etl(sources=[str(corpus)], settings=settings, run_models=False)
        with duckdb.connect(str(settings.db_path), read_only=True) as con:
            rows1 = con.execute(
                "SELECT a.source_uri, s.sentence_index, s.text FROM sentences s "
                "JOIN articles a USING (article_id) ORDER BY ALL"
            ).fetchall()
        (corpus / "b.txt").write_text(
            "date 2024-05-02 Dock strike\n\nDock workers in Antwerp walked out on Monday. "
            "The union said the strike would last until Friday.\n"
        )
        second = news_etl(sources=[str(corpus)], settings=settings, run_models=False)
        with duckdb.connect(str(settings.db_path), read_only=True) as con:
            rows2 = con.execute(
                "SELECT a.source_uri, s.sentence_index, s.text FROM sentences s "
                "JOIN articles a USING (article_id) ORDER BY ALL"
            ).fetchall()
            ledger = con.execute(
                "SELECT rows_written['sentences'] FROM runs ORDER BY started_at"
            ).fetchall()
        report = integrity.check(settings)
        summary_text = format_summary(second)
    return {
        "corpus": corpus,
        "settings": settings,
        "gaps": gaps,
        "first": first,
        "second": second,
        "rows1": rows1,
        "rows2": rows2,
        "ledger": ledger,
        "check": report,
        "summary_text": summary_text,
    }


def test_the_new_table_is_created_loaded_and_replaced_with_its_article(toy_run):
    a, b = str(toy_run["corpus"] / "a.txt"), str(toy_run["corpus"] / "b.txt")
    assert toy_run["rows1"] == [
        (a, 0, "The council voted on Tuesday to close the old bridge."),
        (a, 1, "Repairs start next month."),
        (b, 0, "Dock workers in Antwerp walked out on Monday."),
    ]
    assert toy_run["rows2"] == [
        *toy_run["rows1"][:2],
        (b, 0, "Dock workers in Antwerp walked out on Monday."),
        (b, 1, "The union said the strike would last until Friday."),
    ]


def test_the_new_table_is_in_the_lake_and_checked(toy_run):
    lake = toy_run["settings"].lake_dir / "sentences"
    months = sorted(p.name for p in lake.iterdir())
    assert months == ["published_month=2024-04", "published_month=2024-05"]
    # b.txt's old version had a part of its own in articles, mentions (Antwerp, Monday),
    # events ("walked out") and sentences, compacted away: the lake holds the tables' rows
    assert toy_run["second"]["parts_compacted"] == 4
    assert toy_run["check"].ok, toy_run["check"].problems


def test_the_new_table_is_counted_everywhere(toy_run):
    assert toy_run["first"]["written"]["sentences"] == 3
    assert toy_run["second"]["written"]["sentences"] == 2
    assert toy_run["ledger"] == [(3,), (2,)]
    assert "  sentences written  2" in toy_run["summary_text"].splitlines()


def test_without_its_staging_model_the_staging_test_names_it(toy_run):
    assert toy_run["gaps"] == (["sentences"], [])
