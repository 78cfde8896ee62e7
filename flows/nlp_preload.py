"""Imported once by the NLP workers' fork server (:mod:`flows.nlp_runner`), before it forks them.

The fork server is a fresh process (started with ``exec``, no threads of the flow's), and every
worker is a ``fork`` of it: what it imports here each worker finds imported, in pages shared
with the server, instead of importing it again — spaCy, the extractors, the language
detector's models, dateparser's and VADER's data (about a CPU-second a worker). The model
itself is loaded after this, by :mod:`flows.nlp_preload_model`, when the run's model is the
environment's (else by each worker, :func:`flows.nlp_runner._warm`).

Importing this module does that work; it is only ever imported by the fork server. Nothing
here may fail the server: a worker imports whatever is missing itself.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys


def _preload() -> None:
    import flows.nlp_runner  # noqa: F401  (what a worker unpickles its tasks from)
    import transforms.pipeline  # noqa: F401  (spaCy and the extractors)
    from transforms import dates, language, tone

    language.warm()  # the detector's models for Latin-script text (~100 MB, shared by the workers)
    # the extraction's first-use costs, paid here once rather than in each worker: dateparser's
    # parser and English data (~0.2 CPU-s), VADER's lexicon (no threads, no open files: both
    # fork-safe)
    dates.warm()
    tone.warm()


#: Imported by the fork server (``python -c 'from multiprocessing.forkserver import main; …'``),
#: not by a module that merely lists every module (a structure test).
IN_FORK_SERVER = sys.argv == ["-c"] and "multiprocessing.forkserver" in sys.modules

if IN_FORK_SERVER:
    with contextlib.suppress(Exception):  # a worker imports and loads what it needs itself
        _preload()
    # The preloaded objects are never freed: kept out of the collector's scans, so that a
    # worker's collections neither walk them nor copy their pages (copy-on-write).
    gc.collect()
    gc.freeze()
    # The server ends when the flow's process does (it reads the end of a pipe): at once,
    # without tearing the preloaded modules down (~0.5 s of CPU, while the caller's pipes,
    # which the server inherited, stay open). A forked worker ends with os._exit: never this.
    atexit.register(os._exit, 0)
