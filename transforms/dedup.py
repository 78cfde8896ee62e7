"""Near-duplicate bodies (reprints of the same wire story): shingles, MinHash, LSH bands. Pure.

An article's body is normalized (lower case, words and numbers only) and cut into
overlapping word ``SHINGLE_WORDS``-grams. Two bodies are near-duplicates when

    similarity = max(Jaccard(A, B), containment)   ≥ ``THRESHOLD``   and their figures agree

where containment = |A ∩ B| / min(|A|, |B|), counted only when the shorter body has at least
``MIN_CONTAINED_SHINGLES`` shingles (a reprint cut to its first paragraphs is contained in the
original; a two-line brief sharing a stock phrase is not a reprint), and the figures agree:
at least half the numbers of the body with fewer numbers appear in the other (wire services
send the same template every day — "The Federal Reserve entered the U.S. Government
securities market to arrange 2.5 billion dlrs of customer repurchase agreements" — and only
the figures tell two days apart).

Finding candidates without comparing every pair: a MinHash signature (datasketch's,
``NUM_PERM`` permutations) is cut into ``BANDS`` bands of ``ROWS`` rows; two bodies that
agree on a whole band are candidates, and candidates are then compared exactly. The band
hashes are what the warehouse stores (``_near_dup_bands``); with 32 bands of 4 rows a pair
at Jaccard 0.5 is a candidate with probability 1 - (1 - 0.5⁴)³² = 0.87, at 0.7 with 0.9996.
The threshold and its precision/recall are measured by ``bench/eval_near_duplicates.py``
(see docs/near_duplicates.md).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

import numpy as np

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS = 32
ROWS = 4
#: Chosen on bench/gold/near_duplicates_dev.jsonl (docs/near_duplicates.md).
THRESHOLD = 0.5
MIN_CONTAINED_SHINGLES = 40
#: Bodies with fewer shingles than this are never linked (too short to tell a reprint).
MIN_SHINGLES = 10
#: Changing how bands are computed must change this (the stored bands are rebuilt).
INDEX_VERSION = f"w{SHINGLE_WORDS}-p{NUM_PERM}-b{BANDS}x{ROWS}-v1"

_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
_FIGURE_RE = re.compile(
    r"\d[\d.,/\-]*\d|\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|nil)\b",
    re.IGNORECASE,
)
#: Bodies shorter than this (in shingles) must give every figure of the other: a short
#: templated notice differs from the next one only in a figure or two.
SHORT_SHINGLES = 60
#: Two dated bodies further apart than this are different stories, however alike.
MAX_DAYS_APART = 7
#: Share of the figures of the body with fewer figures that the other must also give.
MIN_FIGURE_OVERLAP = 0.5


def tokens(body: str) -> list[str]:
    return _TOKEN_RE.findall(body.lower())


def shingles(body: str, k: int = SHINGLE_WORDS) -> set[str]:
    words = tokens(body)
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The ``NUM_PERM`` affine permutations (a odd, b) of datasketch 2.0's ``MinHash(seed=1)``
    ("affine32" scheme), drawn as it draws them, once per process."""
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def signature(shingle_set: set[str]) -> np.ndarray:
    """The MinHash signature (``NUM_PERM`` uint32 values) of a shingle set: exactly what
    datasketch 2.0's ``MinHash(num_perm=NUM_PERM, seed=1).update_batch`` gives (the 32-bit
    SHA-1 prefix of each shingle, MurmurHash3's finalizer, ``a·h + b`` mod 2³², the minimum per
    permutation), computed here with numpy: importing datasketch (which imports scipy and
    redis) cost each NLP worker ~1.4 s of CPU. ``tests/transforms/test_dedup.py`` holds it to
    datasketch's values."""
    a, b = _permutations()
    hv = np.array(
        [
            int.from_bytes(hashlib.sha1(s.encode("utf-8")).digest()[:4], "little")
            for s in sorted(shingle_set)
        ],
        dtype=np.uint32,
    ).reshape(-1, 1)
    if not hv.size:
        return np.full(NUM_PERM, np.uint32(0xFFFFFFFF), dtype=np.uint32)
    hv = hv ^ (hv >> np.uint32(16))  # MurmurHash3's fmix32 (a bijection)
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    hv = hv ^ (hv >> np.uint32(16))
    return (hv * a + b).min(axis=0)


def band_hashes(sig: np.ndarray) -> list[int]:
    """One signed 64-bit hash per band (band number mixed in), for a DuckDB BIGINT column."""
    out = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "little")).digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return out


def figures(body: str) -> frozenset[str]:
    """The numbers a body gives ("6-3/16", "1.5", "1987"), separators kept."""
    return frozenset(m.rstrip(".,").lower() for m in _FIGURE_RE.findall(body))


def figures_agree(a: frozenset[str], b: frozenset[str], *, short: bool = False) -> bool:
    """Do two bodies give the same figures? Templated reports (the Fed's daily operations,
    dividends, results tables) share nearly all their words and differ in their numbers;
    a reprint keeps them. Short bodies must give all the figures of the other (the one with
    fewer); longer ones at least ``MIN_FIGURE_OVERLAP`` of them."""
    small = min(len(a), len(b))
    if small == 0:
        return True
    shared = len(a & b)
    if short:
        return shared == small
    return small < 2 or shared / small >= MIN_FIGURE_OVERLAP


def near_duplicate(fa: Fingerprint, fb: Fingerprint, days_apart: int | None = None) -> float | None:
    """The similarity of two bodies when they are near-duplicates, else None."""
    if days_apart is not None and abs(days_apart) > MAX_DAYS_APART:
        return None
    if not (fa.usable and fb.usable):
        return None
    sim = similarity(fa.shingles, fb.shingles)
    if sim < THRESHOLD:
        return None
    short = min(len(fa.shingles), len(fb.shingles)) < SHORT_SHINGLES
    if not figures_agree(fa.figures, fb.figures, short=short):
        return None
    return sim


def similarity(a: set[str], b: set[str]) -> float:
    """max(Jaccard, containment of the shorter) — see the module docstring."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    jaccard = inter / len(a | b)
    small = min(len(a), len(b))
    contained = inter / small if small >= MIN_CONTAINED_SHINGLES else 0.0
    return max(jaccard, contained)


@dataclass(frozen=True)
class Fingerprint:
    """What near-duplicate detection needs of one body."""

    shingles: frozenset[str]
    bands: tuple[int, ...]
    figures: frozenset[str] = frozenset()

    @property
    def usable(self) -> bool:
        return len(self.shingles) >= MIN_SHINGLES


def bands_of(shingle_set: set[str]) -> tuple[int, ...]:
    """The LSH band hashes of a body's shingles (none for a body too short to link)."""
    return tuple(band_hashes(signature(shingle_set))) if len(shingle_set) >= MIN_SHINGLES else ()


def fingerprint(body: str, bands: tuple[int, ...] | None = None) -> Fingerprint:
    """The body's fingerprint; ``bands`` when its band hashes are already known (computed by
    an NLP worker, or stored in the warehouse): the MinHash is the costly part."""
    sh = shingles(body)
    return Fingerprint(frozenset(sh), bands_of(sh) if bands is None else bands, figures(body))


def best_match(
    fp: Fingerprint,
    candidates: dict[str, Fingerprint],
    days_apart: dict[str, int | None] | None = None,
) -> tuple[str, float] | None:
    """The most similar near-duplicate among candidates: (article_id, similarity)."""
    best: tuple[str, float] | None = None
    for article_id, other in sorted(candidates.items()):
        sim = near_duplicate(fp, other, (days_apart or {}).get(article_id))
        if sim is not None and (best is None or sim > best[1]):
            best = (article_id, sim)
    return best
