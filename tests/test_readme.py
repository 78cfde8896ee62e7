"""README.md tells the truth about the sample warehouse: every example query prints the output
the README shows, and every `newsetl query "…"` the README shows runs."""

from __future__ import annotations

import importlib.util

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location(
    "readme_examples", ROOT / "scripts" / "readme_examples.py"
)
readme_examples = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme_examples)

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_has_examples_and_commands():
    examples = readme_examples.examples(README)
    assert len(examples) >= 8
    assert all(e.shown.endswith("rows)\n") or e.shown.endswith("row)\n") for e in examples)
    assert len(readme_examples.commands(README)) >= 2


def test_every_readme_example_prints_what_the_readme_shows(sample_run):
    wh = sample_run["wh"]
    stale = []
    for example in readme_examples.examples(README):
        got = readme_examples.output(wh, example.sql)
        if got != example.shown:
            stale.append(f"{example.sql}\nREADME shows:\n{example.shown}\nquery prints:\n{got}")
    assert not stale, (
        "README examples are stale: after `make run`, run "
        "`.venv/bin/python scripts/readme_examples.py`\n\n" + "\n".join(stale)
    )


def test_every_newsetl_query_in_the_readme_runs(sample_run):
    for sql in readme_examples.commands(README):
        last = readme_examples.output(sample_run["wh"], sql).splitlines()[-1]
        assert last.endswith(("rows)", "row)")) and last != "(0 rows)", (sql, last)


def test_readme_documents_every_exit_code():
    import re

    from flows.cli import EXIT_CODES

    section = README[README.index("**Exit codes.**") :]
    section = section[: section.index("\n\n", section.index("| code |"))]
    documented = [int(n) for n in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)]
    assert documented == sorted(EXIT_CODES)
