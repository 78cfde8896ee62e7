"""Imported by the NLP workers' fork server after :mod:`flows.nlp_preload`, when the run's model
is the one the environment names (:func:`flows.nlp_runner.start_server` asks for it then).

The server is a fresh process started by the flow's, with its environment: it resolves the
model the same way the run's settings did (:func:`flows.settings.environment_model`) and loads
it once, so that every worker it forks finds it loaded in pages shared with the server instead
of loading it again (~0.65 CPU-s a worker, before its first chunk), as the workers of raw
``nlp.pipe`` are forked with the model loaded. A run whose model is another (a deployment's
``model`` parameter) does not ask for this module, and its workers load their model
themselves (:func:`flows.nlp_runner._warm`), as they do when this load failed.

Importing this module does that work only in the fork server (:data:`IN_FORK_SERVER`).
"""

from __future__ import annotations

import contextlib
import gc

from flows.nlp_preload import IN_FORK_SERVER

if IN_FORK_SERVER:
    with contextlib.suppress(Exception):  # a worker loads its model itself
        from flows.settings import environment_model
        from transforms.nlp import get_pipeline

        get_pipeline(environment_model())
    gc.collect()
    gc.freeze()  # as flows.nlp_preload: the model's objects kept out of the workers' scans
