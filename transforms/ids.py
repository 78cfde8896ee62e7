"""Stable identifiers: derived from content and spans, never from row order or time."""

from __future__ import annotations

import hashlib

ID_HEX_CHARS = 16


def stable_id(*parts: object) -> str:
    """A 64-bit hex id from the given parts (``None`` and ints allowed), stable across runs."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:ID_HEX_CHARS]


def normalize_ws(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def article_id_for(body: str) -> str:
    """The article id: a hash of the whitespace-normalized body (same text = same article)."""
    return stable_id("article", normalize_ws(body))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
