"""transforms.dedup's MinHash, computed with numpy, against datasketch's (the reference its
band hashes were first stored with): the same values, so that the stored bands stay valid."""

from __future__ import annotations

import random

import numpy as np
from datasketch import MinHash

from transforms import dedup


def _reference(shingle_set: set[str]) -> np.ndarray:
    mh = MinHash(num_perm=dedup.NUM_PERM, seed=1)
    mh.update_batch([s.encode("utf-8") for s in sorted(shingle_set)])
    return mh.hashvalues


def test_the_signature_is_datasketchs_minhash_value_for_value():
    rng = random.Random(16)
    words = ["tanker", "sanctions", "Öl", "minister", "said", "1.5", "dlrs", "新闻", "quota"]
    bodies = [
        " ".join(
            rng.choice(words) + str(rng.randrange(n + 2)) for _ in range(rng.randrange(3, 400))
        )
        for n in range(120)
    ]
    for body in bodies:
        sh = dedup.shingles(body)
        ours, ref = dedup.signature(sh), _reference(sh)
        assert ours.dtype == ref.dtype == np.uint32
        assert ours.tolist() == ref.tolist()
        assert dedup.band_hashes(ours) == dedup.band_hashes(ref)


def test_band_hashes_of_a_known_body_are_pinned():
    """Pinned values (computed with datasketch 2.0.0): a change of the MinHash fails here even
    without datasketch."""
    body = " ".join(f"The council voted {n} times on the harbour budget." for n in range(3))
    assert dedup.bands_of(dedup.shingles(body))[:3] == PINNED


PINNED = (-8529220776583941081, -7684794726338233318, -8676799951406252395)
