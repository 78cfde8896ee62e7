"""The key part of a parse cache that belongs to this tree's code.

Scripts that keep parsed Docs between runs (``bench_extract.py``, ``eval_quotes.py --cache``)
must parse again when our own pipeline components change, not only when the model or the
extraction version does: :func:`component_digest` hashes the source of ``transforms.nlp`` (and
``transforms.unwrap``, the text the model reads) and,
for each of the pipeline's own components, its module's subpackage (``transforms.mentions.*``
for the entity component). spaCy's components are covered by the model's version.
"""

from __future__ import annotations

import hashlib
import inspect
import sys


def component_digest(nlp) -> str:
    """A hex digest of the source of the tree's code that shapes the parse."""
    # unwrap and wirecase: the text the model reads
    prefixes = {"transforms.nlp", "transforms.unwrap", "transforms.wirecase"}
    for _, pipe in nlp.pipeline:
        name = getattr(pipe, "__module__", None) or type(pipe).__module__
        parts = name.split(".")
        if parts[0] == "transforms":
            prefixes.add(".".join(parts[:2]) if len(parts) > 2 else name)
    digest = hashlib.sha256()
    for name, module in sorted(sys.modules.items()):
        ours = any(name == p or name.startswith(p + ".") for p in prefixes)
        if ours and getattr(module, "__file__", None):
            digest.update(inspect.getsource(module).encode("utf-8") + b"\x00")
    return digest.hexdigest()
