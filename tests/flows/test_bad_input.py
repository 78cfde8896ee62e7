"""Every kind of bad input through `newsetl run`: each ends in articles or rejects, with a reason.

The corpus is built here. The run is a real CLI process against a real Prefect server; when the
tests run as root, the run drops to user `nobody` so that a file without read permission is
really unreadable.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, VENV_BIN

pytestmark = pytest.mark.slow

BODY = (
    "The city council voted on Tuesday to close the old bridge to traffic after engineers "
    "found cracks in two of its supports.\n\n"
    "\u201cIt is no longer safe,\u201d Mayor Ana Lopes told reporters, adding that repairs "
    "would start next month and last until the end of the year."
)


def text(title: str, body: str = BODY, date: str = "2024-04-11") -> str:
    return f" date {date} {title}\n\n{body}\n"


def build_corpus(root: Path) -> dict[str, tuple[str, str]]:
    """Write the bad-input corpus; returns {relative uri: (table, reason or flag)}."""
    expected: dict[str, tuple[str, str]] = {}

    def put(name: str, data: bytes, table: str, what: str) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[name] = (table, what)

    put("good.txt", text("A good article").encode(), "articles", "")
    put("empty.txt", b"", "rejects", "empty")
    put("whitespace.txt", b"  \n\n\t \n", "rejects", "empty")
    put("binary.txt", bytes(range(256)) * 40, "rejects", "binary")
    put(
        "bad_utf8.txt",
        text("Broken bytes", BODY.replace("traffic", "tr\xe4ffic"))
        .encode()
        .replace(b"\xc3\xa4", b"\xff\xfe"),
        "articles",
        "invalid_utf8_replaced",
    )
    put(
        "utf16.txt",
        text("Sixteen bits", BODY.replace("Tuesday", "Wednesday")).encode("utf-16"),
        "articles",
        "utf-16",
    )
    put(
        "cp1252.txt",
        text("Caf\u00e9 owners", BODY.replace("Lopes", "Lop\u00e9s")).encode("cp1252"),
        "articles",
        "encoding_fallback",
    )
    put(
        "impossible_date.txt",
        text("Leap day", BODY + " Impossible.", "2021-02-30").encode(),
        "articles",
        "invalid_date",
    )
    put(
        "future_date.txt",
        text("From the future", BODY + " Future.", "2999-01-01").encode(),
        "articles",
        "future_date",
    )
    put("no_header.txt", f"Bridge closes\n\n{BODY} No header.\n".encode(), "articles", "no_header")
    put(
        "huge_5mb.txt",
        text("Huge", ("Word after word after word. " * 190_000)).encode(),
        "rejects",
        "too_large",
    )
    one_line = "The council met on Monday and agreed a budget for the new school year. " * 2800
    put("one_line_200k.txt", text("One line", one_line.strip()).encode(), "articles", "")
    put("good_copy.txt", text("Same body, another name").encode(), "rejects", "duplicate_body")
    put(
        "german.txt",
        text(
            "Abstimmung",
            (
                "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke für den Verkehr zu sperren. "
                "Die Bürgermeisterin sagte, dass die Reparaturen im nächsten Monat beginnen und bis zum "
                "Ende des Jahres dauern würden. Es ist nicht sicher, und die Stadt wird die Kosten mit "
                "dem Land teilen."
            ),
        ).encode(),
        "articles",  # loaded with language 'de'; the English NLP skips it
        "",
    )
    put(
        "html.txt",
        text(
            "Markup",
            "<html><body><p>The council voted on <b>Monday</b> to "
            "close the bridge.</p><p>&ldquo;It is unsafe,&rdquo; the mayor said.</p></body></html>",
        ).encode(),
        "articles",
        "html_stripped",
    )
    put(
        "nul.txt",
        text("Nul bytes", BODY + " Nul.").encode().replace(b"bridge", b"bri\x00dge"),
        "articles",
        "control_chars_removed",
    )
    put(
        "unbalanced.txt",
        text(
            "Unbalanced",
            (
                "The minister said on Friday: \u201cWe will not give up.\n\n"
                "Negotiations resume next week in Geneva, officials said."
            ),
        ).encode(),
        "articles",
        "",
    )
    put("notes.md", b"# not an article", "rejects", "unsupported_type")
    lines = [
        json.dumps(
            {
                "id": "j1",
                "title": "JSON one",
                "published": "2025-03-04T09:30:00Z",
                "body": "Kenya's tea exports rose to a record in June, the board said.",
            }
        ),
        '{"id": "j2", "body": "broken',
        json.dumps({"id": "j3", "title": "No body here"}),
        json.dumps(
            {
                "id": "j4",
                "title": "JSON four",
                "published": "2025-07-15",
                "text": "Lufthansa cancelled 40 flights at Frankfurt on Wednesday.",
            }
        ),
    ]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n")
    expected["feed.jsonl#j1"] = ("articles", "")
    broken = hashlib.sha256(lines[1].encode()).hexdigest()[:16]
    expected[f"feed.jsonl#json:{broken}"] = ("rejects", "malformed_json")
    expected["feed.jsonl#j3"] = ("rejects", "missing_body")
    expected["feed.jsonl#j4"] = ("articles", "")
    (root / "loop").mkdir()
    (root / "loop" / "a.txt").symlink_to(root / "loop" / "b.txt")
    (root / "loop" / "b.txt").symlink_to(root / "loop" / "a.txt")
    expected["loop/a.txt"] = ("rejects", "symlink_loop")
    expected["loop/b.txt"] = ("rejects", "symlink_loop")
    outside = root.parent / "outside.txt"
    outside.write_text(text("Outside"))
    (root / "escape.txt").symlink_to(outside)
    expected["escape.txt"] = ("rejects", "symlink_outside")
    put("locked.txt", text("Locked", BODY + " Locked.").encode(), "rejects", "unreadable")
    (root / "locked.txt").chmod(0)
    return expected


def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.fixture(scope="module")
def bad_run(prefect_server):
    _, env = prefect_server
    top = Path(tempfile.mkdtemp(prefix="newsetl-bad-"))
    try:
        top.chmod(0o777)
        corpus = top / "corpus"
        corpus.mkdir()
        expected = build_corpus(corpus)
        wh = top / "wh"
        home = top / "home"
        for d in (wh, home):
            d.mkdir()
            d.chmod(0o777)
        run_env = dict(env, HOME=str(home), PREFECT_HOME=str(home / "prefect"))
        for path in corpus.rglob("*"):
            if path.name != "locked.txt" and not path.is_symlink():
                path.chmod(0o777 if path.is_dir() else 0o644)
        done = subprocess.run(
            [
                *_as_nobody(),
                str(VENV_BIN / "newsetl"),
                "run",
                str(corpus),
                "--warehouse",
                str(wh),
                "--no-progress",
                # The run is user nobody, who may not exec the venv's interpreter again (it can
                # sit under /root): dbt's multiprocessing helper would fail. The models have
                # their own tests; this one is about input.
                "--no-models",
            ],
            env=run_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        con = duckdb.connect(str(wh / "news.duckdb"), read_only=True)
        articles = con.execute(
            "SELECT source_uri, encoding, flags, published_date, word_count, body FROM articles"
        ).fetchall()
        rejects = con.execute("SELECT source_uri, reason, detail FROM rejects").fetchall()
        con.close()
        yield {
            "corpus": corpus,
            "expected": expected,
            "articles": articles,
            "rejects": rejects,
            "stdout": done.stdout,
        }
    finally:
        shutil.rmtree(top, ignore_errors=True)


def rel(corpus: Path, uri: str) -> str:
    return (
        os.path.relpath(uri, corpus)
        if "#" not in uri
        else (os.path.relpath(uri.split("#")[0], corpus) + "#" + uri.split("#", 1)[1])
    )


def test_every_input_is_accounted_for(bad_run):
    corpus = bad_run["corpus"]
    got = {rel(corpus, r[0]): "articles" for r in bad_run["articles"]}
    got.update({rel(corpus, r[0]): "rejects" for r in bad_run["rejects"]})
    assert got == {k: v[0] for k, v in bad_run["expected"].items()}
    n_in = len(bad_run["expected"])
    assert len(bad_run["articles"]) + len(bad_run["rejects"]) == n_in == 26


def test_each_reject_has_its_reason(bad_run):
    corpus = bad_run["corpus"]
    reasons = {rel(corpus, uri): reason for uri, reason, _ in bad_run["rejects"]}
    want = {k: v[1] for k, v in bad_run["expected"].items() if v[0] == "rejects"}
    if os.geteuid() == 0 and shutil.which("setpriv") is None:  # pragma: no cover
        want.pop("locked.txt")
    assert reasons == want
    details = {rel(corpus, uri): detail for uri, _, detail in bad_run["rejects"]}
    assert details["huge_5mb.txt"].endswith("characters > limit 1,000,000")
    assert details["good_copy.txt"].startswith("same body as article ")


def test_each_flagged_article_keeps_its_flag(bad_run):
    corpus = bad_run["corpus"]
    rows = {rel(corpus, r[0]): r for r in bad_run["articles"]}
    assert rows["bad_utf8.txt"][2] == ["invalid_utf8_replaced"]
    assert "tr\ufffd\ufffdffic" in rows["bad_utf8.txt"][5]
    assert (rows["utf16.txt"][1], rows["utf16.txt"][2]) == ("utf-16", [])
    assert (rows["cp1252.txt"][1], rows["cp1252.txt"][2]) == ("cp1252", ["encoding_fallback"])
    assert "Lop\u00e9s" in rows["cp1252.txt"][5]
    assert (rows["impossible_date.txt"][2], rows["impossible_date.txt"][3]) == (
        ["invalid_date"],
        None,
    )
    assert (rows["future_date.txt"][2], rows["future_date.txt"][3]) == (["future_date"], None)
    assert (rows["no_header.txt"][2], rows["no_header.txt"][3]) == (["no_header"], None)
    assert rows["html.txt"][2] == ["html_stripped"]
    assert rows["html.txt"][5] == (
        "The council voted on Monday to close the bridge.\n\n"
        "\u201cIt is unsafe,\u201d the mayor said."
    )
    assert rows["nul.txt"][2] == ["control_chars_removed"] and "\x00" not in rows["nul.txt"][5]
    assert rows["one_line_200k.txt"][4] == 14 * 2800
    assert rows["good.txt"][2] == [] and rows["unbalanced.txt"][2] == []
