"""Input files a run settled are not read again while they and the warehouse are unchanged
(flows/input_files.py): one in-process flow per step on one warehouse, each step's files read
recorded; every figure below is counted by hand from the corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from flows import input_files

BODY_B = (
    "The harbour authority closed the north pier on Monday after a crane collapsed.\n\n"
    "Nobody was hurt, a spokesman said."
)
# The same length as BODY_B: an edit in place that leaves the file's size alone.
BODY_B2 = BODY_B.replace("Monday", "Friday")
BODY_C = "Farmers in Kenya planted more tea this year, the board said on Tuesday."
BODY_D = "The central bank left its main rate at 4 percent on Thursday, as expected."


def record(rid: str, body: str) -> str:
    return json.dumps({"id": rid, "title": f"Story {rid}", "published": "2025-03-04", "body": body})


def make_corpus(root: Path) -> Path:
    root.mkdir(parents=True)
    lines = [
        record("f1", "Kenya's tea exports rose to a record in June, the board said."),
        '{"id": "f2", "body": "broken',
        record("f3", "Lufthansa cancelled 40 flights at Frankfurt on Wednesday."),
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n")
    (root / "b.txt").write_text(f"Pier closed\n\n{BODY_B}\n")
    (root / "dup.txt").write_text(f"Pier shut\n\n{BODY_B}\n")  # b.txt's body: a duplicate
    (root / "empty.txt").write_text("")
    return root


@pytest.fixture(scope="module")
def steps(tmp_path_factory, prefect_harness):
    """Run the flow step by step; returns step -> (summary, names of the files read)."""
    from flows import batches
    from flows.etl import news_etl

    tmp = tmp_path_factory.mktemp("inputs")
    corpus = make_corpus(tmp / "corpus")
    wh = tmp / "wh"
    read: list[str] = []
    skip = input_files.InputFiles.skip

    def spy(self, con, entries):
        todo = skip(self, con, entries)
        read[:] = sorted(Path(e.uri).name for e in todo)
        return todo

    mp = pytest.MonkeyPatch()
    mp.setattr(input_files.InputFiles, "skip", spy)
    searches: list[int] = []  # the backfill's searches for stale articles, in this step
    search = batches.stale_articles

    def counted(*args):
        searches.append(1)
        return search(*args)

    mp.setattr(batches, "stale_articles", counted)
    out: dict[str, tuple[dict, list[str]]] = {}

    def run(step: str, batch_size: int = 2, **kw) -> None:
        read.clear()
        searches.clear()
        try:
            summary = news_etl(
                sources=[str(corpus)],
                warehouse_dir=str(wh),
                batch_size=batch_size,
                run_models=False,
                **kw,
            )
        except RuntimeError as exc:
            summary = {"error": str(exc)}
        summary["stale_searches"] = len(searches)
        out[step] = (summary, list(read))

    try:
        run("first")
        run("again")
        run("third")
        with (corpus / "feed.jsonl").open("a") as fh:  # appended to
            fh.write(record("f4", "Shares in Tokyo fell for a third day on Friday.") + "\n")
        run("appended")
        b = corpus / "b.txt"
        st = b.stat()
        b.write_text(f"Pier closed\n\n{BODY_B2}\n")  # changed in place: same size, same mtime
        os.utime(b, ns=(st.st_atime_ns, st.st_mtime_ns))
        out["b_same_size"] = ({"size": b.stat().st_size == st.st_size}, [])
        run("edited")
        (corpus / "c.txt").write_text(f"Tea\n\n{BODY_C}\n")
        (corpus / "d.txt").write_text(f"Rates\n\n{BODY_D}\n")
        load = batches.load_warehouse

        def failing_load(parts, incoming, *args, **kw):
            # the flow hands the task its keys in Prefect's quote (flows/batches.py)
            if any(uri.endswith("d.txt") for _, uri in incoming.unwrap()):
                raise RuntimeError("the disk is full")
            return load(parts, incoming, *args, **kw)

        mp.setattr(batches, "load_warehouse", failing_load)
        run("failed", batch_size=1)  # c.txt is loaded, then d.txt's batch fails
        mp.setattr(batches, "load_warehouse", load)
        run("after_failure")
        con = duckdb.connect(str(wh / "news.duckdb"))
        con.execute("DELETE FROM rejects WHERE reason = 'empty'")  # by hand
        con.close()
        run("after_hand_delete")
        run("full_refresh", full_refresh=True)
        digest = input_files.code_digest
        mp.setattr(input_files, "code_digest", lambda: "a new parser")
        run("new_parser")
        mp.setattr(input_files, "code_digest", digest)
        run("old_parser")
        run("last")
    finally:
        mp.undo()
    out["wh"] = ({"path": str(wh)}, [])
    return out


ALL = ["b.txt", "dup.txt", "empty.txt", "feed.jsonl"]


def test_a_run_with_nothing_new_reads_only_what_another_file_decides(steps):
    first, read = steps["first"]
    assert read == ALL
    for step in ("again", "third"):
        summary, read = steps[step]
        # dup.txt's record is a duplicate of b.txt's article: read every time (b.txt may go).
        assert read == ["dup.txt"]
        # the counts of a run that read everything: 6 records (f1, the broken line, f3, b,
        # dup, empty), 3 unchanged, 3 rejects
        assert (
            summary["records_seen"],
            summary["articles_unchanged"],
            summary["rejected"],
            summary["articles_new"],
            summary["parts_written"],
        ) == (6, 3, 3, 0, 0)
        assert summary["reject_reasons"] == {
            "malformed_json": 1,
            "duplicate_body": 1,
            "empty": 1,
        }
    assert first["records_seen"] == 6


def test_a_file_appended_to_is_read_again_and_only_its_new_record_loaded(steps):
    summary, read = steps["appended"]
    assert read == ["dup.txt", "feed.jsonl"]
    assert (summary["articles_new"], summary["articles_unchanged"], summary["records_seen"]) == (
        1,
        3,
        7,
    )


def test_a_file_changed_in_place_with_its_size_and_mtime_kept_is_read_again(steps):
    assert steps["b_same_size"][0] == {"size": True}
    summary, read = steps["edited"]
    assert read == ["b.txt", "dup.txt"]
    # b.txt's new body replaces its article; dup.txt (read with it) takes BODY_B over.
    assert (summary["articles_changed"], summary["articles_new"], summary["rejected"]) == (2, 0, 2)
    con = duckdb.connect(str(Path(steps["wh"][0]["path"]) / "news.duckdb"), read_only=True)
    bodies = dict(
        con.execute("SELECT regexp_extract(source_uri, '[^/]+$'), body FROM articles").fetchall()
    )
    con.close()
    assert (bodies["b.txt"], bodies["dup.txt"]) == (BODY_B2, BODY_B)


def test_a_failed_run_is_read_again_and_its_files_loaded(steps):
    failed, read = steps["failed"]
    assert failed == {"error": "the disk is full", "stale_searches": 0}
    # the others were settled by the run before (dup.txt too: it holds its article now)
    assert read == ["c.txt", "d.txt"]
    summary, read = steps["after_failure"]
    # c.txt was loaded before the failure: the warehouse changed, every file is read again
    assert read == sorted([*ALL, "c.txt", "d.txt"])
    assert (summary["articles_new"], summary["articles_unchanged"]) == (1, 6)


def test_rows_deleted_by_hand_make_every_file_read_and_the_reject_recorded_again(steps):
    summary, read = steps["after_hand_delete"]
    assert read == sorted([*ALL, "c.txt", "d.txt"])
    assert (summary["articles_new"], summary["articles_unchanged"], summary["rejected"]) == (
        0,
        7,
        2,
    )
    con = duckdb.connect(str(Path(steps["wh"][0]["path"]) / "news.duckdb"), read_only=True)
    reasons = con.execute("SELECT reason FROM rejects ORDER BY 1").fetchall()
    con.close()
    assert reasons == [("empty",), ("malformed_json",)]


def test_a_full_refresh_or_another_parser_reads_everything(steps):
    everything = sorted([*ALL, "c.txt", "d.txt"])
    summary, read = steps["full_refresh"]
    assert read == everything
    assert summary["articles_reprocessed"] == 7
    summary, read = steps["new_parser"]
    assert read == everything
    assert (summary["articles_unchanged"], summary["articles_new"]) == (7, 0)
    # each file's row is that of the last reading: the old parser's were replaced
    assert steps["old_parser"][1] == everything
    summary, read = steps["last"]
    assert read == []
    assert (summary["articles_unchanged"], summary["records_seen"], summary["rejected"]) == (
        7,
        9,
        2,
    )


def test_the_backfill_looks_for_stale_articles_only_once_the_warehouse_or_settings_changed(
    steps,
):
    searched = {step: steps[step][0].get("stale_searches") for step in steps if step != "wh"}
    assert searched == {
        "first": 0,  # no article at its start: none searched, the state and settings marked
        "again": 0,
        "third": 0,
        "appended": 1,  # f4 loaded
        "b_same_size": None,
        "edited": 1,
        "failed": 0,  # the run failed before its backfill
        "after_failure": 1,
        "after_hand_delete": 1,  # a reject deleted by hand
        "full_refresh": 1,  # every article reprocessed by the run itself: none left
        "new_parser": 1,  # other settings
        "old_parser": 1,
        "last": 0,
    }


def test_a_records_file_is_found_through_its_identity():
    files = {"/c/feed.jsonl", "/c/a#b.txt"}
    assert input_files._file_of("/c/feed.jsonl#f1", files) == "/c/feed.jsonl"
    assert input_files._file_of("/c/feed.jsonl#body:ab~2", files) == "/c/feed.jsonl"
    assert input_files._file_of("/c/a#b.txt", files) == "/c/a#b.txt"
    assert input_files._file_of("/c/a#b.txt~2", files) == "/c/a#b.txt"
    assert input_files._file_of("/c/other.txt", files) is None
