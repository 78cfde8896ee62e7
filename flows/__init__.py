"""Orchestration and I/O: Prefect flows and tasks, sources, lake, warehouse, CLI."""

# Prefect reads its settings when it is first imported: set the project's defaults (home,
# no telemetry, startup timeout) before any module of this package can import it.
from flows import prefect_env as _prefect_env  # noqa: F401
