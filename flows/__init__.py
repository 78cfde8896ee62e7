"""Orchestration and I/O: Prefect flows and tasks, sources, lake, warehouse, CLI."""
