"""flows/nlp_preload.py: what the NLP workers' fork server loads before it forks them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# run as the fork server is started (``python -c`` with multiprocessing.forkserver imported)
SERVER = """
import multiprocessing.forkserver
import flows.nlp_preload as preload
from transforms import dates, language, tone
print(
    preload.IN_FORK_SERVER,
    dates._parser.cache_info().currsize,
    dates._parse_calendar.cache_info().currsize,
    tone._analyzer.cache_info().currsize,
    tone._emoji_chars.cache_info().currsize,
    flush=True,
)
"""


def test_the_fork_server_loads_the_extractions_first_use_data():
    proc = subprocess.run(
        [sys.executable, "-c", SERVER], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # dateparser's parser built (and its English data read), no date cached; VADER's lexicon
    assert proc.stdout.split() == ["True", "1", "0", "1", "1"]


def test_elsewhere_importing_it_loads_nothing():
    code = SERVER.replace("import multiprocessing.forkserver\n", "")
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.stdout.split() == ["False", "0", "0", "0", "0"]
