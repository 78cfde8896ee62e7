"""Orchestration and I/O: Prefect flows and tasks, sources, lake, warehouse, CLI.

Importing the package sets Prefect's environment (project-local home, no telemetry) before
any module of it imports Prefect.
"""

from flows import prefect_env as _prefect_env  # noqa: F401
