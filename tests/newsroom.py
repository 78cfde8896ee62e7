"""A small news site served from 127.0.0.1 for the web extraction tests: a feed and the pages
it links, written for the tests (boilerplate, bylines, dates in several places, failures).

``Newsroom()`` starts a threaded HTTP server on a free port; ``.stop()`` stops it. Every
request is logged (path, status, User-Agent, conditional headers) in ``.log``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NAV = """<header class="site"><a href="/">Harbour Times</a>
<nav><a href="/world">World</a> | <a href="/business">Business</a> | <a href="/sport">Sport</a>
| <a href="/login">Sign in</a></nav></header>"""
FOOT = """<aside><h3>Most read</h3><ul><li><a href="/x1">Celebrity chef opens third
restaurant</a></li><li><a href="/x2">Ten tips for a better sleep</a></li></ul></aside>
<footer>© 2025 Harbour Times Ltd. All rights reserved. <a href="/privacy">Privacy</a> ·
<a href="/cookies">Cookies</a> · Subscribe to our newsletter for daily updates.</footer>"""


def page(title: str, paragraphs: list[str], head: str = "", byline: str = "", lang="en") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>{title} | Harbour Times</title>{head}</head><body>{NAV}
<main><article><h1>{title}</h1>{byline}{body}</article></main>{FOOT}</body></html>"""


PORTS = [
    "ROTTERDAM (Harbour Wire) - Dock workers in Rotterdam joined a strike on Tuesday that has "
    "already closed two container terminals in Antwerp, the union said, as talks with port "
    "employers over automation broke down for the third time this month.",
    "The union said the walkout would last until Friday and warned that more ports along the "
    "North Sea coast could follow if employers did not return to the table with a new offer on "
    "job guarantees for the 4,300 workers affected.",
    '"We have no choice," said union leader Piet Jansen, adding that members had voted '
    "overwhelmingly for the action at a meeting on Monday night.",
    "Shipping lines diverted at least 14 vessels to Hamburg and Bremerhaven, according to port "
    "data, and freight forwarders warned of delays of up to a week for goods bound for Germany.",
]
RATES = [
    "FRANKFURT - The European Central Bank left its deposit rate unchanged at 2.5 percent on "
    "Thursday, saying inflation in the euro zone was moving back towards its target of two "
    "percent while growth remained weak in the largest member states.",
    "ECB President Christine Lagarde told reporters that the bank was not on a pre-set course "
    "and that decisions would be taken meeting by meeting, depending on the data.",
    "Economists polled before the meeting had expected no change, although several said the "
    "bank could cut again in June if wage growth slowed further.",
]
FLOOD = [
    "NICOSIA, Aug 8 - Heavy rain flooded streets in the Cypriot capital on Friday, forcing "
    "the closure of schools and government offices and cutting power to about 12,000 homes, "
    "officials said.",
    "The civil defence service said it had rescued 30 people from cars trapped by the water "
    "and that two people were taken to hospital with minor injuries.",
    "Meteorologists said the storm was the strongest to hit the island in August since records "
    "began, and warned of more rain over the weekend.",
]
FLAKY = [
    "LISBON - Portugal's rail operator cancelled most long-distance trains on Monday as "
    "workers began a three-day strike over pay, leaving thousands of commuters stranded at "
    "stations in Lisbon and Porto.",
    "The government said it would meet union representatives on Wednesday and called on both "
    "sides to find an agreement before the summer holidays.",
]
GERMAN = [
    "Die Bundesregierung hat am Mittwoch ein neues Förderprogramm für den Ausbau der "
    "Windenergie auf See beschlossen, teilte das Wirtschaftsministerium in Berlin mit.",
    "Bis zum Jahr 2030 sollen vor den Küsten der Nord- und Ostsee Anlagen mit einer Leistung "
    "von insgesamt dreißig Gigawatt entstehen, hieß es in der Mitteilung des Ministeriums.",
    "Die Opposition kritisierte, dass die Finanzierung des Programms noch nicht gesichert sei "
    "und die Netzbetreiber mit dem Ausbau der Leitungen nicht hinterherkämen.",
]


def build_site(base: str) -> dict[str, tuple[int, dict, bytes]]:
    """path → (status, headers, body)."""
    html = "text/html; charset=utf-8"
    jsonld = (
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        '"@type":"NewsArticle","headline":"Dock strike spreads to Rotterdam",'
        '"datePublished":"2025-03-04T09:30:00+01:00","author":[{"@type":"Person",'
        '"name":"Anna de Vries"},{"@type":"Person","name":"Tom Baker"}],'
        '"publisher":{"@type":"Organization","name":"Harbour Times"}}</script>'
    )
    site = {
        "/news/ports-strike": page("Dock strike spreads to Rotterdam", PORTS, jsonld),
        "/news/ecb-holds": page(
            "ECB holds rates",
            RATES,
            '<meta property="article:published_time" content="2025-03-06T13:45:00Z">'
            '<meta name="author" content="Maria Lopez, Senior Economics Correspondent">'
            '<meta property="og:site_name" content="Harbour Times">',
        ),
        "/news/cyprus-floods": page(
            "Floods in Nicosia",
            FLOOD,
            '<meta property="og:site_name" content="Harbour Times">',
            byline='<p class="byline">By <a rel="author" href="/staff/eleni">Eleni '
            "Georgiou</a></p>",
        ),
        "/de/windkraft": page(
            "Windkraft auf See",
            GERMAN,
            '<meta property="og:site_name" content="Harbour Times">',
            lang="de",
        ),
        "/wire/ports-reprint": page(
            "Rotterdam dockers walk out",
            [*PORTS, "(Reporting by Anna de Vries; Editing by Tom Baker)"],
            '<meta property="og:site_name" content="Harbour Wire">'
            '<meta name="date" content="2025-03-04">',
        ),
        "/private/memo": page("Internal memo", RATES),
    }
    routes: dict[str, tuple[int, dict, bytes]] = {
        path: (200, {"Content-Type": html}, text.encode("utf-8")) for path, text in site.items()
    }
    routes["/old/ecb"] = (301, {"Location": "/news/ecb-holds"}, b"")
    routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n",
    )
    items = [
        ("Dock strike spreads", "/news/ports-strike", "Tue, 04 Mar 2025 08:30:00 GMT", ""),
        ("ECB holds rates", "/old/ecb", "", "<dc:creator>Maria Lopez</dc:creator>"),
        ("Floods in Nicosia", "news/cyprus-floods", "", ""),
        ("Windkraft", "/de/windkraft", "Wed, 05 Mar 2025 10:00:00 +0100", ""),
        ("Rotterdam dockers walk out", "/wire/ports-reprint", "", ""),
        ("Internal memo", "/private/memo", "", ""),
        ("Gone", "/news/missing", "", ""),
        ("Slow", "/news/slow", "", ""),
        ("Flaky", "/news/flaky", "", ""),
    ]
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link>"
        + (f"<pubDate>{d}</pubDate>" if d else "")
        + f"{extra}</item>"
        for t, link, d, extra in items
    )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Harbour Times - World'
        f"</title><link>{base}/</link><description>x</description>{entries}</channel></rss>"
    ).encode()
    routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, feed)
    return routes


class Newsroom:
    def __init__(self, slow_seconds: float = 3.0):
        self.log: list[dict] = []
        self.slow_seconds = slow_seconds
        self.flaky_calls = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.routes = build_site(self.base)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def requests(self, path: str) -> list[dict]:
        return [r for r in self.log if r["path"] == path]

    def _handler(self):
        room = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                status, headers, body = self._route(path)
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"' if status == 200 else None
                if etag and path == "/feed.xml":
                    headers = {**headers, "ETag": etag}
                    if self.headers.get("If-None-Match") == etag:
                        status, body = 304, b""
                if status == 200 and "gzip" in (self.headers.get("Accept-Encoding") or ""):
                    body = gzip.compress(body)
                    headers = {**headers, "Content-Encoding": "gzip"}
                with room._lock:
                    room.log.append(
                        {
                            "path": path,
                            "status": status,
                            "agent": self.headers.get("User-Agent"),
                            "if_none_match": self.headers.get("If-None-Match"),
                        }
                    )
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:  # the client may have given up (the slow page's timeout)
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body)

            def _route(self, path):
                if path == "/news/slow":
                    time.sleep(room.slow_seconds)
                    return 200, {"Content-Type": "text/html"}, page("Slow", FLOOD).encode()
                if path == "/news/flaky":
                    with room._lock:
                        room.flaky_calls += 1
                        first = room.flaky_calls == 1
                    if first:
                        return 500, {"Content-Type": "text/plain"}, b"try again"
                    return (
                        200,
                        {"Content-Type": "text/html; charset=utf-8"},
                        page("Flaky but fine", FLAKY).encode(),
                    )
                return room.routes.get(path, (404, {"Content-Type": "text/plain"}, b"not found"))

        return Handler
