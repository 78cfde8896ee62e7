"""Extract from the web: feeds, feed lists and pages, fetched politely. All the HTTP I/O of E.

Politeness and economy (docs/sources.md):

* one ``httpx`` client per run with a clear ``User-Agent`` (``NEWSETL_USER_AGENT``), redirects
  followed (at most 5), gzip/deflate/br decoded, a timeout per request
  (``NEWSETL_FETCH_TIMEOUT``: connect, each read, and the whole body), bodies capped at the
  article size limit;
* at most ``NEWSETL_FETCH_CONCURRENCY`` requests at a time, at most 2 to the same host, and a
  host's ``Crawl-delay`` (capped at 10 s) between two requests to it;
* robots.txt (RFC 9309, parsed by protego) checked for every page found through a feed or
  a feed list (and for the target of a redirect to another host), once per host and run;
  a robots.txt answering 4xx allows everything, one that cannot be fetched (5xx, timeout)
  disallows the host for this run. URLs named by the user (feeds, lists, pages) are
  fetched as a browser or feed reader fetches them: robots.txt governs crawling;
* each page is one Prefect task run with retries (``NEWSETL_FETCH_RETRIES``, exponential
  back-off from ``NEWSETL_FETCH_RETRY_DELAY`` s) for what can pass: 5xx, 429, timeouts,
  connection errors; 4xx and robots refusals are final at once;
* conditional requests: the ETag and Last-Modified of every feed and page are remembered in
  the warehouse (``_fetch_state``) with the feed's last body; a feed that answers
  ``304 Not Modified`` is read from that body, a page that answers 304 is unchanged;
* a feed entry whose link was loaded before, with the same entry fingerprint (link, guid,
  title, dates, summary), is not fetched at all; a page that failed for good (4xx, robots)
  is not fetched again while its entry is unchanged; one that failed transiently is.

The state rows (:mod:`flows.fetch_state`) are written after the batch that loaded the page (pages) or at the end of the
source batches (feeds), so a run that dies leaves the next one to fetch again, never to skip.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from transforms.feeds import Feed, normalize_url, parse_feed, parse_feed_list, sniff
from transforms.parse import SourceItem

MAX_REDIRECTS = 5
PER_HOST = 2
MAX_CRAWL_DELAY = 10.0
#: Outcomes after which a page is not fetched again while its feed entry is unchanged.
FINAL_OUTCOMES = {"ok", "robots_disallowed", "http_error", "not_article"}


def is_web(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


class Transient(Exception):
    """A fetch failure worth retrying (5xx, 429, timeout, connection error)."""

    def __init__(self, reason: str, detail: str, status: int | None = None):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.status = reason, detail, status


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def charset(self) -> str | None:
        ctype = self.headers.get("content-type", "")
        for part in ctype.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset":
                return value.strip("\"' ") or None
        return None


@dataclass
class WebContext:
    """Everything the web side of one run shares: client, robots cache, state, counters."""

    user_agent: str
    timeout: float
    retries: int
    retry_delay: float
    concurrency: int
    max_bytes: int
    state: dict[str, dict] = field(default_factory=dict)  # url -> _fetch_state row
    pending: dict[str, dict] = field(default_factory=dict)  # rows to write
    counts: Counter = field(default_factory=Counter)
    _client: httpx.Client | None = None
    _robots: dict[str, object] = field(default_factory=dict)
    _robots_locks: dict[str, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _slots: threading.BoundedSemaphore | None = None
    _hosts: dict[str, threading.BoundedSemaphore] = field(default_factory=dict)
    _last_hit: dict[str, float] = field(default_factory=dict)

    # ------------------------------------------------------------------ client

    @property
    def client(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
                    follow_redirects=True,
                    max_redirects=MAX_REDIRECTS,
                    timeout=httpx.Timeout(self.timeout),
                    trust_env=False,
                )
                self._slots = threading.BoundedSemaphore(max(1, self.concurrency))
            return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def agent_token(self) -> str:
        return self.user_agent.split("/")[0].split()[0]

    @contextlib.contextmanager
    def _polite(self, host: str, delay: float):
        client = self.client  # creates the slots
        with self._lock:
            sem = self._hosts.setdefault(host, threading.BoundedSemaphore(PER_HOST))
        assert self._slots is not None
        with self._slots, sem:
            if delay:
                with self._lock:
                    wait = self._last_hit.get(host, 0.0) + delay - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            try:
                yield client
            finally:
                with self._lock:
                    self._last_hit[host] = time.monotonic()

    def get(self, url: str, headers: dict | None = None, *, delay: float = 0.0) -> Response:
        """One GET with a deadline on the whole body; raises Transient for what may pass."""
        host = urlsplit(url).netloc
        deadline = time.monotonic() + self.timeout
        try:
            with (
                self._polite(host, delay) as client,
                client.stream("GET", url, headers=headers or {}) as resp,
            ):
                chunks, size = [], 0
                for chunk in resp.iter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise PageTooLarge(f"more than {self.max_bytes:,} bytes")
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("body not complete within the timeout")
                return Response(
                    str(resp.url),
                    resp.status_code,
                    {k.lower(): v for k, v in resp.headers.items()},
                    b"".join(chunks),
                )
        except httpx.TimeoutException as exc:
            raise Transient(
                "fetch_timeout", f"no complete answer within {self.timeout:g}s"
            ) from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError("fetch_failed", f"more than {MAX_REDIRECTS} redirects") from exc
        except httpx.TransportError as exc:
            raise Transient("fetch_failed", f"{type(exc).__name__}: {exc}"[:300]) from exc
        except httpx.InvalidURL as exc:
            raise FetchError("fetch_failed", f"invalid URL: {exc}") from exc

    # ------------------------------------------------------------------ robots

    def robots(self, url: str):
        """The parsed robots.txt of the URL's host (cached for the run); None allows all."""

        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if root in self._robots:
                return self._robots[root]
            host_lock = self._robots_locks.setdefault(root, threading.Lock())
        with host_lock:  # one fetch of robots.txt per host, whatever the concurrency
            with self._lock:
                if root in self._robots:
                    return self._robots[root]
            return self._fetch_robots(root)

    def _fetch_robots(self, root: str):
        from protego import Protego

        try:
            resp = self.get(root + "/robots.txt")
            if resp.status >= 500:
                rules = Protego.parse("User-agent: *\nDisallow: /\n")
                rules._newsetl_reason = f"robots.txt answered HTTP {resp.status}"
            elif resp.status >= 400:
                rules = None
            else:
                rules = Protego.parse(resp.body.decode("utf-8", errors="replace"))
        except (Transient, FetchError, PageTooLarge) as exc:
            rules = Protego.parse("User-agent: *\nDisallow: /\n")
            rules._newsetl_reason = f"robots.txt unreachable ({exc})"
        with self._lock:
            self._robots.setdefault(root, rules)
            return self._robots[root]

    def allowed(self, url: str) -> tuple[bool, str, float]:
        """(allowed, why not, crawl delay) for a page URL."""
        rules = self.robots(url)
        if rules is None:
            return True, "", 0.0
        delay = min(float(rules.crawl_delay(self.agent_token) or 0.0), MAX_CRAWL_DELAY)
        if rules.can_fetch(url, self.agent_token):
            return True, "", delay
        why = getattr(rules, "_newsetl_reason", None) or "disallowed by robots.txt"
        return False, why, delay

    # ------------------------------------------------------------------ state

    def validators(self, url: str) -> dict[str, str]:
        row = self.state.get(url)
        if not row or row.get("outcome") != "ok":
            return {}
        headers = {}
        if row.get("etag"):
            headers["If-None-Match"] = row["etag"]
        if row.get("last_modified"):
            headers["If-Modified-Since"] = row["last_modified"]
        return headers

    def remember(self, url: str, kind: str, outcome: str, resp: Response | None = None, **extra):
        old = self.state.get(url) or {}
        row = {
            "url": url,
            "kind": kind,
            "etag": old.get("etag"),
            "last_modified": old.get("last_modified"),
            "content_sha256": old.get("content_sha256"),
            "entry_fingerprint": extra.get("entry_fingerprint", old.get("entry_fingerprint")),
            "outcome": outcome,
            "http_status": resp.status if resp is not None else extra.get("http_status"),
            "feed_body": old.get("feed_body"),
            "checked_at": dt.datetime.now(dt.UTC),
        }
        if resp is not None and resp.status == 200:
            row["etag"] = resp.headers.get("etag")
            row["last_modified"] = resp.headers.get("last-modified")
            row["content_sha256"] = hashlib.sha256(resp.body).hexdigest()
            if kind == "feed":
                row["feed_body"] = resp.body
        with self._lock:
            self.pending[url] = row

    def count(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.counts[key] += n


class FetchError(Exception):
    """A final fetch failure (no retry)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


class PageTooLarge(Exception):
    pass


def context_from_settings(settings) -> WebContext:
    return WebContext(
        user_agent=settings.user_agent,
        timeout=settings.fetch_timeout,
        retries=settings.fetch_retries,
        retry_delay=settings.fetch_retry_delay,
        concurrency=settings.fetch_concurrency,
        max_bytes=settings.max_bytes,
    )


def take_pending(ctx: WebContext, urls: set[str] | None = None) -> list[dict]:
    """Remove and return pending state rows (all, or those of the given URLs)."""
    with ctx._lock:
        keys = [u for u in ctx.pending if urls is None or u in urls]
        return [ctx.pending.pop(u) for u in keys]


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class PageRef:
    """A page to fetch: its identity, where it came from, and what the feed said of it."""

    url: str
    hints: dict = field(default_factory=dict, compare=False, hash=False)
    fingerprint: str | None = None
    feed: str | None = None
    prefetched: Response | None = field(default=None, compare=False, hash=False)
    #: Named by the user: fetched like a browser fetches it (robots.txt governs crawling).
    named: bool = False


def _fetch_feed_like(ctx: WebContext, url: str) -> Response | None:
    """GET a user-named URL (conditionally, retried with back-off); None when it answered 304."""
    for attempt in range(ctx.retries + 1):
        last = attempt == ctx.retries
        try:
            resp = ctx.get(url, ctx.validators(url))
        except Transient:
            if last:
                raise
            time.sleep(ctx.retry_delay * 2**attempt)
            continue
        if resp.status == 304:
            return None
        if resp.status >= 500 or resp.status == 429:
            if last:
                raise FetchError("http_error", f"HTTP {resp.status}")
            time.sleep(ctx.retry_delay * 2**attempt)
            continue
        if resp.status >= 400:
            raise FetchError("http_error", f"HTTP {resp.status}")
        return resp
    raise AssertionError("unreachable")


def expand_url(ctx: WebContext, url: str) -> tuple[list[PageRef], list[SourceItem]]:
    """A user-named http(s) URL → pages to fetch, and rejects/skips found on the way.

    A feed is expanded into its entries; a feed list into its feeds; a page is itself.
    """
    key = normalize_url(url)
    known = ctx.state.get(key) or ctx.state.get(url)
    if known and known["kind"] == "page":
        return [PageRef(key, named=True)], []
    try:
        resp = _fetch_feed_like(ctx, url)
    except (Transient, FetchError) as exc:
        ctx.count("fetch_failed")
        return [], [SourceItem(url, "error", reason=exc.reason, detail=exc.detail)]
    except PageTooLarge as exc:
        return [], [SourceItem(url, "error", reason="too_large", detail=str(exc))]
    if resp is None:  # 304: the feed (or list) as we read it last time
        ctx.count("not_modified")
        ctx.remember(url, known["kind"] if known else "feed", "ok", http_status=304)
        body, kind, base = (known or {}).get("feed_body") or b"", (known or {}).get("kind"), url
        if not body:
            return [], []
    else:
        body, base = resp.body, resp.url
        kind = sniff(resp.body, resp.headers.get("content-type"))
        if kind == "html":
            ctx.count("fetched")
            return [PageRef(key, prefetched=resp, named=True)], []
        ctx.count("fetched")
        ctx.remember(url, "feed" if kind == "feed" else "list", "ok", resp)
    return expand_payload(ctx, body, base, url, kind)


def expand_payload(
    ctx: WebContext, body: bytes, base: str, source: str, kind: str | None = None
) -> tuple[list[PageRef], list[SourceItem]]:
    """Expand the bytes of a feed or feed list (fetched, remembered, or a local file)."""
    kind = kind or sniff(body)
    if kind in ("opml", "urls", "list"):
        pages: list[PageRef] = []
        items: list[SourceItem] = []
        for feed_url in parse_feed_list(body, base):
            if is_web(feed_url):
                p, i = expand_url(ctx, feed_url)
                pages += p
                items += i
            else:
                items.append(
                    SourceItem(
                        feed_url, "error", reason="unsupported_type", detail="not an http(s) URL"
                    )
                )
        return pages, items
    feed = parse_feed(body, base)
    if feed.problem:
        return [], [SourceItem(source, "error", reason="not_a_feed", detail=feed.problem)]
    return feed_pages(ctx, feed, source)


def feed_pages(ctx: WebContext, feed: Feed, source: str) -> tuple[list[PageRef], list[SourceItem]]:
    pages: list[PageRef] = []
    items: list[SourceItem] = []
    for n, entry in enumerate(feed.entries, start=1):
        hints = {
            "title": entry.title,
            "authors": list(entry.authors),
            "published": entry.published,
            "feed_title": feed.title,
        }
        if not entry.link:
            if entry.content_html:
                uri = f"{source}#{entry.guid or n}"
                items.append(
                    SourceItem(
                        uri,
                        "html",
                        entry.content_html.encode("utf-8"),
                        meta={
                            "url": None,
                            "charset": "utf-8",
                            "hints": hints,
                            "source_id": entry.guid,
                        },
                    )
                )
            else:
                items.append(
                    SourceItem(
                        f"{source}#{entry.guid or n}",
                        "error",
                        reason="missing_body",
                        detail="feed entry without a link or content",
                    )
                )
            continue
        key = normalize_url(entry.link)
        old = ctx.state.get(key)
        if (
            old
            and old.get("entry_fingerprint") == entry.fingerprint
            and old.get("outcome") in FINAL_OUTCOMES
        ):
            items.append(SourceItem(key, "skip", reason="unchanged", detail=old["outcome"]))
            continue
        pages.append(PageRef(key, hints, entry.fingerprint, source))
    return pages, items


# --------------------------------------------------------------------------- fetching pages


def _retry_transient(task, task_run, state) -> bool:
    try:
        state.result()
    except Transient:
        return True
    except Exception:
        return False
    return False


def _fetch_page(ref: PageRef, ctx: WebContext) -> SourceItem:
    """Fetch one page → an ``html`` item, an error item, or a ``skip`` (304)."""
    if ref.prefetched is not None:
        resp = ref.prefetched
    else:
        ok, why, delay = (True, "", 0.0) if ref.named else ctx.allowed(ref.url)
        if not ok:
            raise FetchError("robots_disallowed", why)
        resp = ctx.get(ref.url, ctx.validators(ref.url), delay=delay)
    if resp.status == 304:
        raise NotModified()
    if resp.status >= 500 or resp.status == 429:
        raise Transient("http_error", f"HTTP {resp.status}", resp.status)
    if resp.status >= 400:
        raise FetchError("http_error", f"HTTP {resp.status}")
    if not ref.named and urlsplit(resp.url).netloc != urlsplit(ref.url).netloc:
        ok, why, _ = ctx.allowed(resp.url)
        if not ok:
            raise FetchError("robots_disallowed", f"redirected to {resp.url}: {why}")
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and not (ctype.startswith("text/") or "html" in ctype or "xml" in ctype):
        raise FetchError("not_article", f"content type {ctype}")
    return SourceItem(
        ref.url,
        "html",
        resp.body,
        meta={
            "url": resp.url,
            "charset": resp.charset,
            "hints": ref.hints,
            "response": resp,
        },
    )


class NotModified(Exception):
    pass


@task(cache_policy=NO_CACHE, retry_condition_fn=_retry_transient)
def fetch_page(ref: PageRef, ctx: WebContext) -> SourceItem | BaseException:
    """Fetch one page politely (robots.txt, conditional GET, bounded concurrency).

    A transient failure raises (Prefect retries the task with back-off) until the last
    attempt, whose failure is returned: the page becomes a reject, not a failed task."""
    from prefect.runtime import task_run

    try:
        return _fetch_page(ref, ctx)
    except Transient as exc:
        if (task_run.run_count or 1) <= ctx.retries:
            raise
        return exc
    except (FetchError, NotModified, PageTooLarge) as exc:
        return exc


def fetch_pages(refs: list[PageRef], ctx: WebContext) -> list[SourceItem]:
    """Fetch pages concurrently as Prefect task runs with retries; failures become items."""
    if not refs:
        return []
    delays = exponential_backoff(backoff_factor=ctx.retry_delay)(ctx.retries) if ctx.retries else 0
    runner = fetch_page.with_options(retries=ctx.retries, retry_delay_seconds=delays)
    futures = [runner.submit(ref, ctx) for ref in refs]
    items: list[SourceItem] = []
    for ref, fut in zip(refs, futures, strict=True):
        result = fut.result(raise_on_failure=False)
        kind = "page"
        if isinstance(result, SourceItem):
            resp = result.meta.pop("response")
            ctx.count("fetched")
            ctx.remember(ref.url, kind, "ok", resp, entry_fingerprint=ref.fingerprint)
            result.meta["source_id"] = None
            items.append(result)
            continue
        exc = _exception_of(result)
        if isinstance(exc, NotModified):
            ctx.count("not_modified")
            ctx.remember(ref.url, kind, "ok", http_status=304, entry_fingerprint=ref.fingerprint)
            items.append(SourceItem(ref.url, "skip", reason="unchanged", detail="304 Not Modified"))
            continue
        if isinstance(exc, Transient | FetchError):
            reason, detail = exc.reason, exc.detail
        elif isinstance(exc, PageTooLarge):
            reason, detail = "too_large", str(exc)
        else:
            reason, detail = "fetch_failed", f"{type(exc).__name__}: {exc}"[:300]
        if reason == "robots_disallowed":
            ctx.count("robots_skipped")
        else:
            ctx.count("fetch_failed")
        ctx.remember(
            ref.url,
            kind,
            reason,
            http_status=getattr(exc, "status", None),
            entry_fingerprint=ref.fingerprint,
        )
        items.append(SourceItem(ref.url, "error", reason=reason, detail=detail))
    return items


def _exception_of(result) -> BaseException:
    """The exception returned by the task, or held by its failed state."""
    if isinstance(result, BaseException):
        return result
    try:
        result.result()
    except BaseException as exc:  # the failed state re-raises its exception
        return exc
    return RuntimeError(f"unexpected fetch result {result!r}")


def absolute(base: str, link: str) -> str:
    return urljoin(base, link)
