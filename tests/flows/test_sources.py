"""Discovery and reading: directories, globs, symlink rules, streamed JSON lines."""

from __future__ import annotations

import os

from flows.sources import Cursor, Entry, discover, read_batch


def _tree(tmp_path):
    root = tmp_path / "news"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text("date 2024-01-01 A\n\nBody A.")
    (root / "sub" / "b.txt").write_text("date 2024-01-02 B\n\nBody B.")
    (root / "c.jsonl").write_text(
        '{"id": 1, "body": "x"}\n\n{"id": 2, "body": "y"}\n{"id": 3, "body": "z"}\n'
    )
    (root / "notes.md").write_text("# not news")
    (root / ".hidden.txt").write_text("skipped")
    return root


def test_directory_is_walked_recursively_in_order(tmp_path):
    root = _tree(tmp_path)
    entries = discover([root])
    assert [(os.path.relpath(e.uri, root), e.kind, e.reason) for e in entries] == [
        ("a.txt", "text", None),
        ("c.jsonl", "jsonl", None),
        ("notes.md", "error", "unsupported_type"),
        ("sub/b.txt", "text", None),
    ]


def test_glob_and_overlapping_sources_list_each_file_once(tmp_path):
    root = _tree(tmp_path)
    entries = discover([str(root / "**" / "*.txt"), root / "a.txt"])
    assert [os.path.relpath(e.uri, root) for e in entries] == ["a.txt", "sub/b.txt"]


def test_missing_source_is_an_error_entry(tmp_path):
    (entry,) = discover([tmp_path / "nope.txt"])
    assert (entry.kind, entry.reason) == ("error", "unreadable")


def test_symlinks_inside_are_read_outside_and_loops_rejected(tmp_path):
    root = _tree(tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("date 2024-01-01 S\n\nSecret.")
    (root / "in_link.txt").symlink_to(root / "a.txt")
    (root / "out_link.txt").symlink_to(outside)
    (root / "dir_out").symlink_to(tmp_path, target_is_directory=True)
    (root / "loop1.txt").symlink_to(root / "loop2.txt")
    (root / "loop2.txt").symlink_to(root / "loop1.txt")
    got = {os.path.relpath(e.uri, root): (e.kind, e.reason) for e in discover([root])}
    assert got["in_link.txt"] == ("text", None)
    assert got["out_link.txt"] == ("error", "symlink_outside")
    assert got["dir_out"] == ("error", "symlink_outside")
    assert got["loop1.txt"] == ("error", "symlink_loop")
    assert got["loop2.txt"] == ("error", "symlink_loop")


def test_jsonl_is_streamed_across_batches_by_cursor(tmp_path):
    root = _tree(tmp_path)
    entries = [e for e in discover([root]) if e.kind != "error"]
    seen = []
    cursor = Cursor()
    while cursor.entry < len(entries):
        items, cursor = read_batch(entries, cursor, 2, max_bytes=10_000)
        seen.append([(os.path.basename(i.source_uri), i.position) for i in items])
    assert seen == [
        [("a.txt", None), ("c.jsonl", "L1")],
        [("c.jsonl", "L3"), ("c.jsonl", "L4")],
        [("b.txt", None)],
    ]


def test_unreadable_and_too_large_files_become_error_items(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 100)
    locked = tmp_path / "locked.txt"
    locked.write_text("date 2024-01-01 L\n\nLocked.")
    locked.chmod(0)
    try:
        entries = [Entry(str(big), "text"), Entry(str(locked), "text")]
        items, _ = read_batch(entries, Cursor(), 10, max_bytes=50)
        assert (items[0].kind, items[0].reason) == ("error", "too_large")
        if os.geteuid() != 0:  # root reads anything; the permission case is then moot
            assert (items[1].kind, items[1].reason) == ("error", "unreadable")
    finally:
        locked.chmod(0o644)


def test_fifo_named_directly_or_by_glob_is_never_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    entries = discover([tmp_path / "pipe.txt", str(tmp_path / "pi*.txt"), tmp_path])
    assert [(e.uri, e.kind, e.reason, e.detail) for e in entries] == [
        (str(tmp_path / "pipe.txt"), "error", "unsupported_type", "not a regular file (a FIFO)")
    ]
    # Swapped in after discovery: refused at open, without blocking.
    items, _ = read_batch([Entry(str(tmp_path / "pipe.txt"), "text")], Cursor(), 5, max_bytes=99)
    assert [(i.kind, i.reason) for i in items] == [("error", "unsupported_type")]


def test_symlink_loop_named_directly(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (entry,) = discover([tmp_path / "a.txt"])
    assert (entry.kind, entry.reason) == ("error", "symlink_loop")


def test_file_name_that_is_not_utf8_is_escaped_and_read(tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(raw, "wb") as fh:
        fh.write(b"date 2024-01-01 C\n\nBody.")
    (entry,) = discover([tmp_path])
    assert entry.uri == f"{tmp_path}/caf\\xe9.txt" and entry.kind == "text"
    items, _ = read_batch([entry], Cursor(), 5, max_bytes=999)
    assert items[0].payload == b"date 2024-01-01 C\n\nBody."


def test_json_array_is_streamed_by_element_with_a_cap_per_element(tmp_path):
    import json

    recs = [{"id": i, "body": "x" * (500 if i == 2 else 5)} for i in range(5)]
    path = tmp_path / "a.json"
    path.write_text("\ufeff [\n" + ",\n".join(json.dumps(r) for r in recs) + "\n] \n")
    (entry,) = discover([path])
    seen, cursor = [], Cursor()
    while cursor.entry < 1:
        items, cursor = read_batch([entry], cursor, 2, max_bytes=100)
        seen.append([(i.position, i.reason or json.loads(i.payload)["id"]) for i in items])
    assert seen == [
        [("[0]", 0), ("[1]", 1)],
        [(seen[1][0][0], "too_large"), ("[3]", 3)],
        [("[4]", 4)],
    ]
    assert seen[1][0][0].startswith("json:")


def test_json_array_deep_nesting_and_truncation_are_rejects(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('[{"id": 1, "body": "ok"}, ' + "[" * 50_000 + "]" * 50_000 + ', {"id": 2')
    (entry,) = discover([deep])
    items, _ = read_batch([entry], Cursor(), 10, max_bytes=10**6)
    assert [(i.position, i.kind) for i in items][:2] == [("[0]", "jsonl"), ("[1]", "jsonl")]
    assert (items[2].kind, items[2].reason) == ("error", "malformed_json")


def test_overlong_jsonl_line_is_skipped_not_held(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"id": "a", "body": "x"}\n' + b"y" * 5000 + b'\n{"id": "b", "body": "z"}\n')
    (entry,) = discover([path])
    items, _ = read_batch([entry], Cursor(), 10, max_bytes=1000)
    assert [(i.position, i.kind, i.reason) for i in items] == [
        ("L1", "jsonl", None),
        (items[1].position, "error", "too_large"),
        ("L3", "jsonl", None),
    ]
    assert items[1].detail == "line 2 is longer than 1,000 bytes"
