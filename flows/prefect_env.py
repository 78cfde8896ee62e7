"""Prefect's environment, set before Prefect is imported: project-local home, no telemetry.

Without ``PREFECT_API_URL`` Prefect 3 starts a temporary local server for each run (offline).
With ``newsetl server`` running, point ``PREFECT_API_URL`` at it to see runs in the UI.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The first start of a temporary server migrates its database: allow for a slow machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}


def configure() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


configure()
