"""Planning a batch: what to do with each parsed article, given what the warehouse holds.

:func:`plan_articles` is pure: :func:`flows.tasks.plan_batch` reads what is loaded for the
batch's sources and bodies (:class:`Loaded`) and hands it over. Each article is new, changed,
unchanged (no work at all), to reprocess (new NLP version, full refresh), or rejected as a
duplicate (same body as an article loaded from another source, or another copy of the same
source identity in this run) — see docs/architecture.md "Identities".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from transforms.parse import Article, Reject


@dataclass
class Plan:
    """What to do with one batch of parsed records."""

    process: list[Article]  # parse + NLP + write + load
    rejects: list[Reject]
    kinds: dict[str, str] = field(default_factory=dict)  # source_uri -> new/changed/...
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    reprocessed: int = 0
    #: Articles rejected as duplicates of a loaded article from another source: if a later
    #: batch of the run replaces that article, they get a second chance (never lost).
    duplicates: list[Article] = field(default_factory=list)
    #: A ``duplicate_body`` reject's source identity -> the identity holding its body (the
    #: input files a run need not read again are those whose records depend on no other's).
    owners: dict[str, str] = field(default_factory=dict)
    fingerprints: dict = field(default_factory=dict)  # article_id -> its band hashes
    #: Link the articles to process to their story's first occurrence (near-duplicates) once
    #: their NLP is done (a batch of the run's sources; not second chances nor backfills).
    link: bool = False
    #: Every reject of the batch is already in the warehouse with the same verdict (reason,
    #: detail, content hash): upserting them would change nothing (plan_batch).
    rejects_recorded: bool = False
    #: The warehouse held nothing for the batch's sources and bodies when it was planned (a
    #: first run's batches): see flows.batches, which then need not plan it again.
    nothing_loaded: bool = False


@dataclass(frozen=True)
class Loaded:
    """What the warehouse holds for a batch's articles."""

    #: source_uri -> (article_id, content_sha256, nlp_version, language) of the loaded article
    by_source: dict[str, tuple[str, str, str | None, str | None]]
    #: article_id -> source_uri of the loaded article
    by_article: dict[str, str]


def legacy_position(owner: str, uri: str) -> bool:
    """Is ``owner`` the same file's record under an old positional identity (``#L3``, ``#[2]``),
    which content identities replace?"""
    if "#" not in owner or "#" not in uri:
        return False
    owner_file, fragment = owner.rsplit("#", 1)
    return owner_file == uri.rsplit("#", 1)[0] and bool(_POSITIONAL_RE.fullmatch(fragment))


_POSITIONAL_RE = re.compile(r"L\d+|\[\d+\]")


def _copy_reject(art: Article, copy: int) -> Reject:
    """The n-th copy of a source identity in one run, rejected under ``<identity>~<n>``."""
    content = "#body:" in art.source_uri
    return Reject(
        f"{art.source_uri}~{copy}",
        "duplicate_body" if content else "duplicate_source",
        (
            f"the same record again (copy {copy}) of {art.source_uri}"
            if content
            else f"copy {copy} of the source identity {art.source_uri} in this run"
        ),
        art.content_sha256,
    )


def plan_articles(
    articles: list[Article],
    rejects: list[Reject],
    loaded: Loaded,
    seen_sources: dict[str, int],
    nlp_version: str | None,
    full_refresh: bool,
    version_of: Callable[[str | None], str | None] | None = None,
) -> Plan:
    """Classify each article as new, changed, unchanged, to reprocess, or a duplicate.

    ``seen_sources`` counts the batch's source identities already read earlier in this run.
    A repeated identity is rejected under ``<identity>~<n>`` (the n-th copy), so that every
    input has its own row. A body already loaded under another source is a duplicate, unless
    that source gives it up in this same batch (its text changed), or it is the same file's
    record under an old positional identity (then it is taken over). ``version_of`` gives the
    NLP version an up-to-date article in a language carries (its language's pipeline); by
    default ``nlp_version`` for every article. An unchanged body whose language is not yet
    detected (``language_pending``) is judged by the language stored when it was loaded.
    """
    plan = Plan(process=[], rejects=list(rejects))
    seen = dict(seen_sources)
    by_source, by_article = loaded.by_source, loaded.by_article
    giving_up = {
        a.source_uri
        for a in articles
        if a.source_uri in by_source and by_source[a.source_uri][0] != a.article_id
    }
    batch_ids: dict[str, str] = {}
    for art in articles:
        copies = seen.get(art.source_uri, 0)
        seen[art.source_uri] = copies + 1
        if copies:
            plan.rejects.append(_copy_reject(art, copies + 1))
            continue
        owner = by_article.get(art.article_id)
        takeover = False
        if (
            owner is not None
            and owner != art.source_uri
            and (owner in giving_up or legacy_position(owner, art.source_uri))
        ):
            takeover, owner = True, None
        if (owner is not None and owner != art.source_uri) or art.article_id in batch_ids:
            first = (
                owner
                if owner is not None and owner != art.source_uri
                else batch_ids[art.article_id]
            )
            plan.owners[art.source_uri] = first
            plan.rejects.append(
                Reject(
                    art.source_uri,
                    "duplicate_body",
                    f"same body as article {art.article_id} from {first}",
                    art.content_sha256,
                )
            )
            if owner is not None:
                plan.duplicates.append(art)
            continue
        batch_ids[art.article_id] = art.source_uri
        old = by_source.get(art.source_uri)
        if old is None:
            kind = "changed" if takeover else "new"
        elif old[0] != art.article_id or old[1] != art.content_sha256:
            kind = "changed"
        elif full_refresh or old[2] != (
            nlp_version
            if version_of is None
            # same body: the language detected when it was loaded (the detector is not asked)
            else version_of(old[3] if art.language_pending else art.language)
        ):
            kind = "reprocessed"
        else:
            kind = "unchanged"
        setattr(plan, kind, getattr(plan, kind) + 1)
        if kind != "unchanged":
            plan.kinds[art.source_uri] = kind
            plan.process.append(art)
    return plan
