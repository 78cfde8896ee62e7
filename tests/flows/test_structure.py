"""The shape of flows/: settings read in one place, one way to open DuckDB, nothing written to
the environment. (The import-cycle test covering flows/ is tests/transforms/test_structure.py.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOWS = sorted((ROOT / "flows").rglob("*.py"))
#: Prefect reads its own settings (home, telemetry) from the environment when it is first
#: imported: flows/prefect_env.py sets their defaults before that, and nothing else may.
ENV_WRITERS = {"flows/prefect_env.py"}
#: NEWSETL_DEBUG (show the traceback of an error) is read where the error is printed, which
#: may be before any settings could be resolved.
ENV_READS_ALLOWED = {("flows/cli.py", "NEWSETL_DEBUG")}


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"))


def is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def env_writes(path: Path) -> list[int]:
    """Lines that change os.environ (assignment, del, update/setdefault/pop…, putenv)."""
    lines = []
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            if any(isinstance(t, ast.Subscript) and is_environ(t.value) for t in targets):
                lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            mutating = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__"}
            if (is_environ(func.value) and func.attr in mutating) or func.attr == "putenv":
                lines.append(node.lineno)
    return lines


def newsetl_reads(path: Path) -> set[str]:
    """NEWSETL_* names the module reads from the environment (os.environ[...] / .get / getenv)."""
    names = set()
    for node in ast.walk(tree(path)):
        key = None
        if isinstance(node, ast.Subscript) and is_environ(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            func = node.func
            if (is_environ(func.value) and func.attr == "get") or func.attr == "getenv":
                key = node.args[0]
        if isinstance(key, ast.Constant) and str(key.value).startswith("NEWSETL_"):
            names.add(key.value)
    return names


def test_the_checks_see_what_they_look_for(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text(
        "import os\nos.environ['A'] = '1'\nos.environ.update(B='2')\n"
        "x = os.environ.get('NEWSETL_X')\ny = os.getenv('NEWSETL_Y')\n"
    )
    assert env_writes(sample) == [2, 3]
    assert newsetl_reads(sample) == {"NEWSETL_X", "NEWSETL_Y"}


@pytest.mark.parametrize("path", FLOWS, ids=rel)
def test_nothing_writes_the_environment(path):
    if rel(path) not in ENV_WRITERS:
        assert env_writes(path) == []


@pytest.mark.parametrize("path", FLOWS, ids=rel)
def test_settings_are_read_from_the_environment_in_one_place(path):
    if rel(path) != "flows/settings.py":
        assert {(rel(path), n) for n in newsetl_reads(path)} <= ENV_READS_ALLOWED


@pytest.mark.parametrize("path", FLOWS, ids=rel)
def test_duckdb_is_opened_by_one_helper(path):
    """Only flows/warehouse.py calls duckdb.connect (inside ``connection``); everything else
    opens the warehouse with ``warehouse.connection`` (a context manager). flows/ducklake.py
    opens in-memory sessions (no file) to attach a DuckLake: ``ducklake.session``, once."""
    calls = [
        node.lineno
        for node in ast.walk(tree(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("connect", "_open")
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in ("duckdb", "warehouse")
    ]
    if rel(path) == "flows/ducklake.py":
        source = path.read_text(encoding="utf-8").splitlines()
        assert [source[n - 1].strip() for n in calls] == [
            'return duckdb.connect(config={"autoinstall_known_extensions": False, **(config or {})})'
        ]
    elif rel(path) != "flows/warehouse.py":
        assert calls == []


def test_the_default_sources_are_written_once():
    holders = [rel(p) for p in FLOWS if '"data/sample"' in p.read_text(encoding="utf-8")]
    assert holders == ["flows/settings.py"]


MAX_MODULE_LINES = 600


@pytest.mark.parametrize("path", FLOWS, ids=rel)
def test_no_module_of_flows_is_over_600_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_MODULE_LINES
