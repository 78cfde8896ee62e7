"""The lake in object storage: an S3 server (moto's server mode on 127.0.0.1) holds the Parquet
parts; DuckDB loads them through httpfs installed from its PyPI package; the tables are those
of a run with the lake on disk, and a changed article is compacted in the bucket too."""

from __future__ import annotations

import logging
import shutil

import pytest

from tests.conftest import SAMPLE
from tests.tables import ARTICLES, tables

pytestmark = pytest.mark.slow

KEY_ID, SECRET = "AKIANEWSETLTEST", "newsetl-secret-never-logged"


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 in server mode on 127.0.0.1 and the standard variables pointing at it."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        "AWS_ACCESS_KEY_ID": KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "NEWSETL_S3_ENDPOINT": f"http://{host}:{port}",
    }
    try:
        yield env
    finally:
        server.stop()


def bucket_keys(env: dict, bucket: str) -> list[str]:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=env["NEWSETL_S3_ENDPOINT"],
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


@pytest.fixture(scope="module")
def runs(tmp_path_factory, prefect_harness, s3_server):
    import boto3

    from flows.etl import news_etl

    mp = pytest.MonkeyPatch()
    for key, value in s3_server.items():
        mp.setenv(key, value)
    boto3.client(
        "s3", endpoint_url=s3_server["NEWSETL_S3_ENDPOINT"], region_name="us-east-1"
    ).create_bucket(Bucket="lakehouse")
    tmp = tmp_path_factory.mktemp("s3lake")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for name in ARTICLES:
        shutil.copy(SAMPLE / name, corpus / name)
    (corpus / "empty.txt").write_text("")
    handler = _Capture()
    logging.getLogger().addHandler(handler)
    out = {"tmp": tmp, "env": s3_server}
    try:
        for name, url in (("disk", None), ("s3", "s3://lakehouse/news/wh1")):
            out[name] = news_etl(
                sources=[str(corpus)],
                warehouse_dir=str(tmp / name),
                batch_size=3,
                n_process=1,
                run_models=False,
                lake_url=url,
            )
            out[f"{name}_tables"] = tables(tmp / name / "news.duckdb")
        out["keys_first"] = bucket_keys(s3_server, "lakehouse")
        # A changed article: its old rows leave the tables and, by compaction, the bucket.
        path = corpus / ARTICLES[0]
        path.write_text(path.read_text().replace("strike", "walkout", 1))
        out["s3_changed"] = news_etl(
            sources=[str(corpus)],
            warehouse_dir=str(tmp / "s3"),
            batch_size=3,
            n_process=1,
            run_models=False,
            lake_url="s3://lakehouse/news/wh1",
        )
        out["keys_after"] = bucket_keys(s3_server, "lakehouse")
        out["log"] = "\n".join(handler.lines)
    finally:
        logging.getLogger().removeHandler(handler)
        mp.undo()
    return out


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def test_s3_lake_loads_the_tables_of_a_disk_lake(runs):
    disk, s3 = runs["disk_tables"], runs["s3_tables"]
    assert set(s3) == set(disk)
    for name in disk:
        assert s3[name] == disk[name], name
    assert len(disk["articles"]) == 6 and len(disk["mentions"]) > 50


def test_parts_are_in_the_bucket_not_on_disk(runs):
    import duckdb

    wh = runs["tmp"] / "s3"
    assert not (wh / "lake").exists()
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    registered = sorted(r[0] for r in con.execute("SELECT path FROM _lake_parts").fetchall())
    con.close()
    keys = runs["keys_after"]
    assert keys == [f"news/wh1/{p}" for p in registered]
    assert len(runs["keys_first"]) == runs["s3"]["parts_written"] > 4
    assert all(k.startswith("news/wh1/lake/") and k.endswith(".parquet") for k in keys)


def test_changed_article_is_compacted_in_the_bucket(runs):
    changed = runs["s3_changed"]
    assert changed["articles_changed"] == 1 and changed["parts_compacted"] >= 1
    # The parts that held the old version were rewritten without it (or removed when it was
    # all they held): gone from the bucket; the new version's parts were added.
    gone = set(runs["keys_first"]) - set(runs["keys_after"])
    added = set(runs["keys_after"]) - set(runs["keys_first"])
    assert len(gone) >= changed["parts_compacted"] and added


def test_lake_in_bucket_equals_tables(runs):
    """DuckDB reads the bucket's parts (httpfs from the PyPI package, offline) and finds the
    rows of the tables, after the change too."""
    import duckdb

    from flows import lakefs

    wh = runs["tmp"] / "s3"
    con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
    mp = pytest.MonkeyPatch()
    for key, value in runs["env"].items():
        mp.setenv(key, value)
    try:
        base = lakefs.base(wh, "s3://lakehouse/news/wh1", runs["env"]["NEWSETL_S3_ENDPOINT"])
        lakefs.attach(con, base)
        for table in ("articles", "mentions", "quotes", "events"):
            files = [
                str(base / p)
                for (p,) in con.execute(
                    "SELECT path FROM _lake_parts WHERE table_name = ?", [table]
                ).fetchall()
            ]
            in_lake = con.execute(
                "SELECT count(*), count(DISTINCT article_id) FROM read_parquet(?)", [files]
            ).fetchone()
            in_table = con.execute(
                f"SELECT count(*), count(DISTINCT article_id) FROM {table}"
            ).fetchone()
            assert in_lake == in_table, table
    finally:
        mp.undo()
        con.close()


def test_credentials_never_logged(runs):
    assert runs["log"]  # the runs did log
    assert SECRET not in runs["log"] and KEY_ID not in runs["log"]


def test_bad_lake_url_is_one_clear_error(tmp_path):
    from flows.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match=r"s3://bucket/prefix, got 'ftp://x/y'"):
        load_settings(tmp_path, lake_url="ftp://x/y")
