"""``--runner dask``: the NLP on a real Dask cluster of two worker processes (127.0.0.1) gives
exactly the tables of the default runner; each worker loads the model once and writes its own
Parquet parts, which the loader commits (checked by ``newsetl check``)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import MODEL, SAMPLE
from tests.tables import ARTICLES, tables

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    """A Dask cluster of two single-threaded worker processes on 127.0.0.1."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",
        ) as local,
        Client(local, set_as_default=False) as client,
    ):
        yield local, client


@pytest.fixture(scope="module")
def runs(tmp_path_factory, prefect_harness, cluster):
    from flows.etl import news_etl

    tmp = tmp_path_factory.mktemp("dask")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ARTICLES:
        shutil.copy(SAMPLE / name, corpus / name)
    (corpus / "empty.txt").write_text("")
    local, _ = cluster
    out = {}
    for runner, address in (("local", None), ("dask", local.scheduler_address)):
        wh = tmp / runner
        out[runner] = news_etl(
            sources=[str(corpus)],
            warehouse_dir=str(wh),
            batch_size=3,
            n_process=1,
            run_models=False,
            runner=runner,
            dask_address=address,
        )
        out[f"{runner}_tables"] = tables(wh / "news.duckdb")
        out[f"{runner}_wh"] = wh
    return out


def test_dask_runner_gives_the_tables_of_the_default_runner(runs):
    local, dask = runs["local_tables"], runs["dask_tables"]
    assert set(dask) == set(local)
    for name in local:
        assert dask[name] == local[name], name
    # Not vacuous: six articles with their rows, and the empty file rejected.
    assert len(local["articles"]) == 6
    assert len(local["mentions"]) > 50 and len(local["quotes"]) > 3 and len(local["events"]) > 3
    assert [r[1] for r in local["rejects"]] == ["empty"]
    # Three batches of three files (the last holds only the empty file): two went to the cluster.
    assert runs["dask"]["nlp_articles"] == 6 and runs["dask"]["batches"] == 3


def test_workers_wrote_the_parts_the_loader_committed(runs):
    import duckdb

    from flows.integrity import check
    from flows.settings import load_settings

    def parts(wh):
        con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
        try:
            return con.execute("SELECT path, row_count FROM _lake_parts ORDER BY 1").fetchall()
        finally:
            con.close()

    local, dask = parts(runs["local_wh"]), parts(runs["dask_wh"])
    # The default runner writes one part per table, month and batch; on the cluster each of
    # the two workers wrote its chunk's parts (``part-<run>-<batch>.<chunk>.parquet``).
    assert all(p.endswith(("-00001.parquet", "-00002.parquet")) for p, _ in local)
    assert {p.rsplit("-", 1)[1] for p, _ in dask} >= {"00001.0.parquet", "00001.1.parquet"}
    assert sum(n for _, n in dask) == sum(n for _, n in local)
    # Every part in the lake is registered, with its worker's checksum: the check passes.
    on_disk = sorted(
        p.relative_to(runs["dask_wh"]).as_posix()
        for p in (runs["dask_wh"] / "lake").rglob("*")
        if p.is_file()
    )
    assert on_disk == [p for p, _ in dask]
    report = check(load_settings(str(runs["dask_wh"])))
    assert report.ok, report.problems


def test_a_part_that_is_not_what_its_worker_wrote_is_refused(tmp_path):
    """The flow checks the manifests before the loader commits anything."""
    import pyarrow as pa

    from flows import lake
    from flows.runners import verify_parts
    from flows.warehouse import WarehouseError

    digest = lake.write_table(pa.table({"a": [1, 2]}), tmp_path / "lake/t/part-r-00001.0.parquet")
    good = ("t", "lake/t/part-r-00001.0.parquet", 2, digest)
    verify_parts(tmp_path, [good])
    with pytest.raises(WarehouseError, match="does not match its checksum"):
        verify_parts(tmp_path, [(*good[:3], "0" * 64)])
    with pytest.raises(WarehouseError, match=r"is not in the lake at .*--lake-url"):
        verify_parts(tmp_path, [("t", "lake/t/part-r-00001.1.parquet", 2, digest)])


def test_each_worker_loaded_the_model_once_and_both_worked(runs, cluster):
    from transforms.nlp import get_pipeline

    _, client = cluster
    info = client.run(lambda: tuple(get_pipeline.cache_info())[:2])  # (hits, misses)
    assert len(info) == 2
    for hits, misses in info.values():
        assert misses == 1  # loaded once, by the worker plugin
        assert hits >= 1  # then found loaded by the chunks the worker analysed


def test_temporary_local_cluster(prefect_harness):
    """Without an address the runner starts its own two-worker cluster and stops it."""
    from flows.nlp_runner import run_bounded
    from flows.runners import DaskNlpRunner
    from transforms.pipeline import NlpInput

    texts = [
        "Mayor Ana Lopes said on Tuesday that the bridge would close.",
        "Dock workers in Antwerp walked out on Monday, the union said.",
        "Kenya's tea exports rose to a record in June, the board said.",
    ]
    articles = [NlpInput(f"a{i}", t, None) for i, t in enumerate(texts)]
    with DaskNlpRunner(MODEL, n_workers=2) as runner:
        assert runner.task_runner is None  # nothing started before there is work
        runner.start()
        assert runner.slots() == 2
        addresses = set(runner.task_runner.client.scheduler_info()["workers"])
        assert all(a.startswith("tcp://127.0.0.1:") for a in addresses)
        result = runner(articles)
        cluster = runner.task_runner._cluster
    assert cluster.status.name == "closed"
    expected = run_bounded(MODEL, articles)
    assert result.errors == expected.errors == {}
    for table, rows in expected.tables.items():
        key = sorted(map(repr, rows))
        assert sorted(map(repr, result.tables[table])) == key, table
    assert result.articles == expected.articles
