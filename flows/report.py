"""The HTML report: one self-contained page drawn from the dbt reporting models (``newsetl report``).

This module only reads and draws: what the report shows — which entities rank first, which
are an outlet's boilerplate, which months and event types — is computed by the models in
``sql/models/reporting`` (schema ``reporting``), tested like the marts. Everything is inline —
styles, charts (SVG, :mod:`flows.charts`) and one small script that lets a reader hide and
show series — and a Content-Security-Policy forbids loading anything else, so the page opens
offline and never touches the network. Every piece of text that comes from the warehouse
(names, titles, quotes, errors) is HTML-escaped.

Sections: entities in the most articles over time, top quoted speakers with example quotes,
tone, event types over time, strongest co-occurrences, outlets, run history. A section whose model is empty
says so instead of drawing an empty chart.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from flows import warehouse
from flows.charts import bar_chart, esc, line_chart, run_columns, stacked_columns, tone_bars
from flows.settings import Settings
from transforms.schemas import nlp_tables

QUOTE_CHARS = 280
#: The reporting models the page reads (sql/models/reporting), in the order it reads them.
MODELS = (
    "rpt_summary",
    "rpt_top_entities",
    "rpt_entity_months",
    "rpt_top_speakers",
    "rpt_speaker_quotes",
    "rpt_event_months",
    "rpt_top_pairs",
    "rpt_top_outlets",
    "rpt_run_history",
)


# --------------------------------------------------------------------------- data


@dataclass
class ReportData:
    generated_at: dt.datetime
    warehouse: str
    summary: dict[str, object]
    entities: list[dict] = field(default_factory=list)
    months: list[dt.date] = field(default_factory=list)
    entity_series: list[tuple[str, str, list[int]]] = field(default_factory=list)
    speakers: list[dict] = field(default_factory=list)
    speaker_quotes: dict[str, list[dict]] = field(default_factory=dict)
    event_months: list[dt.date] = field(default_factory=list)
    event_series: list[tuple[str, list[int]]] = field(default_factory=list)
    pairs: list[dict] = field(default_factory=list)
    outlets: list[dict] = field(default_factory=list)
    runs: list[dict] = field(default_factory=list)


def _rows(con, model: str, order: str) -> list[dict]:
    cur = con.execute(f"select * from reporting.{model} order by {order}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _series(rows: list[dict], key: str, month: str, value: str) -> tuple[list, dict]:
    """Rows of (series, month, value), every month present → (months, {series: values})."""
    months = sorted({r[month] for r in rows})
    index = {m: i for i, m in enumerate(months)}
    series: dict = {}
    for r in rows:
        series.setdefault(r[key], [0] * len(months))[index[r[month]]] = int(r[value])
    return months, series


def missing_models(con) -> list[str]:
    have = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'reporting'"
        ).fetchall()
    }
    return [m for m in MODELS if m not in have]


def load_data(con, warehouse_label: str) -> ReportData:
    """Read what the report shows from the reporting models."""
    data = ReportData(
        generated_at=dt.datetime.now(dt.UTC),
        warehouse=warehouse_label,
        summary=_rows(con, "rpt_summary", "1")[0],
    )
    data.entities = _rows(con, "rpt_top_entities", "entity_rank")
    entity_rows = _rows(con, "rpt_entity_months", "entity_rank, month")
    data.months, by_entity = _series(entity_rows, "entity_id", "month", "article_count")
    names = {r["entity_id"]: (r["canonical_name"], r["entity_label"]) for r in entity_rows}
    data.entity_series = [(*names[e], values) for e, values in by_entity.items()]
    data.speakers = _rows(con, "rpt_top_speakers", "speaker_rank")
    for q in _rows(con, "rpt_speaker_quotes", "speaker_entity_id, quote_rank"):
        data.speaker_quotes.setdefault(q["speaker_entity_id"], []).append(q)
    event_rows = _rows(con, "rpt_event_months", "series_rank, event_month")
    data.event_months, by_type = _series(event_rows, "event_type", "event_month", "event_count")
    data.event_series = [(t, v) for t, v in by_type.items() if any(v)]
    data.pairs = _rows(con, "rpt_top_pairs", "pair_rank")
    data.outlets = _rows(con, "rpt_top_outlets", "outlet_rank")
    data.runs = _rows(con, "rpt_run_history", "run_number")
    return data


# --------------------------------------------------------------------------- page

CSS = """
:root { --ink: #1f2933; --muted: #66727f; --rule: #e3e7eb; --bg: #fbfbfa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif;
       color: var(--ink); background: var(--bg); }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 40px 0 4px; padding-top: 12px; border-top: 1px solid var(--rule); }
p.lead, .muted { color: var(--muted); }
p.note { color: var(--muted); font-size: 13px; margin: 2px 0 10px; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }
.stat { background: #fff; border: 1px solid var(--rule); border-radius: 6px; padding: 8px 14px; }
.stat b { display: block; font-size: 20px; }
svg.chart { width: 100%; height: auto; display: block; background: #fff;
            border: 1px solid var(--rule); border-radius: 6px; }
svg .grid { stroke: var(--rule); }
svg .axis { stroke: #9aa5b1; }
svg text { font-size: 12px; fill: var(--muted); }
svg .bar-label { fill: var(--ink); font-size: 13px; }
svg .bar-note { font-size: 12px; }
svg g.series.hidden { display: none; }
.legend { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
.legend-item { font: inherit; font-size: 13px; border: 1px solid var(--rule); background: #fff;
               border-radius: 14px; padding: 2px 10px; cursor: pointer; }
.legend-item[aria-pressed="false"] { opacity: 0.4; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
          margin-right: 6px; vertical-align: baseline; }
table { border-collapse: collapse; width: 100%; font-size: 13px; background: #fff; }
td:last-child { overflow-wrap: anywhere; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule);
         vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.speakers { list-style: none; padding: 0; margin: 12px 0; }
.speakers li { margin: 0 0 14px; }
blockquote { margin: 4px 0 4px 14px; padding-left: 10px; border-left: 3px solid var(--rule); }
.status-failed { color: #b42318; } .status-completed { color: #2f7d32; }
.empty { padding: 16px; background: #fff; border: 1px dashed var(--rule); border-radius: 6px;
         color: var(--muted); }
"""

# Toggle a chart's series from its legend. No other script; nothing is fetched.
SCRIPT = """
document.querySelectorAll('.legend-item').forEach(function (button) {
  button.addEventListener('click', function () {
    var chart = document.getElementById(button.dataset.chart);
    var group = chart && chart.querySelector('g.series[data-series="' + button.dataset.series + '"]');
    if (!group) { return; }
    var hidden = group.classList.toggle('hidden');
    button.setAttribute('aria-pressed', hidden ? 'false' : 'true');
  });
});
document.documentElement.dataset.charts = String(document.querySelectorAll('svg.chart').length);
"""

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _clip(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date(value) -> str:
    return value.isoformat() if value is not None else "undated"


def _empty(message: str) -> str:
    return f'<p class="empty">{esc(message)}</p>'


def _section(section_id: str, title: str, body: str, note: str = "") -> str:
    """One section of the page: its heading, the note on what it shows (HTML), its body."""
    note_html = f'<p class="note">{note}</p>' if note else ""
    return f'<section id="{section_id}"><h2>{esc(title)}</h2>{note_html}{body}</section>'


def section_entities(data: ReportData) -> str:
    body = (
        line_chart(
            "chart-entities",
            "Articles per month that mention the entities in the most articles",
            data.months,
            data.entity_series,
        )
        if data.entity_series and data.months
        else _empty("No dated entity mentions in the warehouse yet.")
    )
    return _section(
        "entities",
        "Entities in the most articles",
        body,
        "Articles per month (by publication date) that mention each of the entities named in "
        "the most articles; click a name to hide or show its line. An outlet's boilerplate "
        "(a credit or by-line in nearly all its articles, a transcript's speaker tags) and "
        "names that are not news entities (sql/seeds/entity_fixes.csv) are not counted. "
        "Source: reporting.rpt_entity_months (ranking: reporting.rpt_entity_ranking).",
    )


def section_tone(data: ReportData) -> str:
    rows = [
        (e["canonical_name"], _tone(e["avg_tone"]), _n(e["article_count"], "article"))
        for e in data.entities
    ]
    rows += [
        (f"{s['speaker_name']} (quoted)", _tone(s["avg_tone"]), _n(s["quote_count"], "quote"))
        for s in data.speakers[:5]
    ]
    body = (
        tone_bars("chart-tone", "Average tone, from negative (left) to positive (right)", rows)
        if any(v is not None for _, v, _ in rows)
        else _empty(
            "No tone scored yet (articles loaded before tone existed: newsetl run "
            "--full-refresh scores them)."
        )
    )
    return _section(
        "tone",
        "Tone",
        body,
        "The average tone (VADER, -1 to +1) of the articles that mention each entity above, "
        "and of the quotes of the five speakers quoted in the most articles. Tone measures the "
        "words, not the events: a report of an attack reads negative whoever it blames. "
        "Source: reporting.rpt_top_entities, reporting.rpt_top_speakers.",
    )


def _tone(value) -> float | None:
    return None if value is None else float(value)


def section_speakers(data: ReportData) -> str:
    if not data.speakers:
        return _section(
            "speakers", "Top quoted speakers", _empty("No attributed quotes in the warehouse yet.")
        )
    chart = bar_chart(
        "chart-speakers",
        "Articles quoting each speaker",
        [
            (
                s["speaker_name"],
                s["article_count"],
                f"{_n(s['article_count'], 'article')}, {_n(s['quote_count'], 'quote')}",
            )
            for s in data.speakers
        ],
    )
    items = []
    for s in data.speakers:
        shown = "".join(
            f"<blockquote>{'“' if q['is_direct'] else ''}{esc(_clip(q['quote_text']))}"
            f"{'”' if q['is_direct'] else ''}"
            f'<div class="muted">— {esc(q["article_title"] or "untitled")}, '
            f"{esc(_date(q['published_date']))}</div></blockquote>"
            for q in data.speaker_quotes.get(s["speaker_entity_id"], [])
        )
        items.append(
            f"<li><b>{esc(s['speaker_name'])}</b> "
            f'<span class="muted">{esc(s["speaker_label"])} · '
            f"{_n(s['quote_count'], 'quote')} in {_n(s['article_count'], 'article')}"
            + ("" if s["avg_tone"] is None else f" · tone {float(s['avg_tone']):+.2f}")
            + "</span>"
            f"{shown}</li>"
        )
    return _section(
        "speakers",
        "Top quoted speakers",
        f'{chart}<ul class="speakers">{"".join(items)}</ul>',
        "Speakers resolved to an entity, by the number of articles that quote them, then by "
        "quotes, with example quotes from different articles. Source: "
        "reporting.rpt_top_speakers, reporting.rpt_speaker_quotes.",
    )


def section_events(data: ReportData) -> str:
    body = (
        stacked_columns(
            "chart-events", "Events per month by type", data.event_months, data.event_series
        )
        if data.event_series
        else _empty("No typed events in the warehouse yet.")
    )
    return _section(
        "events",
        "Event types over time",
        body,
        "Typed events per month, placed by the event's own date when it is known to a month "
        "or better, else by the article's publication date, over the months the articles "
        "were published in (a history recalled decades back is left out). The most frequent "
        "types have a colour each, the rest are grouped. Source: reporting.rpt_event_months.",
    )


def section_pairs(data: ReportData) -> str:
    if not data.pairs:
        return _section(
            "cooccurrence",
            "Strongest co-occurrences",
            _empty("No two entities share an article yet."),
        )
    chart = bar_chart(
        "chart-cooccurrence",
        "Articles mentioning both entities",
        [
            (
                f"{p['entity_a_name']} — {p['entity_b_name']}",
                p["article_count"],
                f"{_n(p['article_count'], 'article')}, J={float(p['jaccard']):.2f}",
            )
            for p in data.pairs
        ],
    )
    return _section(
        "cooccurrence",
        "Strongest co-occurrences",
        chart,
        "Pairs of entities by the number of articles that mention both; J is the Jaccard index "
        "(articles with both / articles with either). Source: reporting.rpt_top_pairs.",
    )


#: dim_outlets' name for the articles whose source names no outlet.
UNKNOWN_OUTLET = "(unknown)"


def section_outlets(data: ReportData) -> str:
    if not data.outlets:
        return _section("outlets", "Articles and quotes per outlet", _empty("No articles yet."))
    if all(o["outlet"] == UNKNOWN_OUTLET for o in data.outlets):
        return _section(
            "outlets",
            "Articles and quotes per outlet",
            _empty(
                "No outlet is known for these articles: plain-text files name none (web pages, "
                "feeds, and JSON records with a publisher or a URL do)."
            ),
        )
    chart = bar_chart(
        "chart-outlets",
        "Articles per outlet",
        [
            (
                o["outlet"],
                o["article_count"],
                _n(o["quote_count"], "quote")
                + (f", {_n(o['reprint_count'], 'reprint')}" if o["reprint_count"] else ""),
            )
            for o in data.outlets
        ],
    )
    return _section(
        "outlets",
        "Articles and quotes per outlet",
        chart,
        "The outlets with the most articles, with the quotes their articles carry and how many "
        "of their articles reprint a story loaded before. Source: reporting.rpt_top_outlets.",
    )


def section_runs(data: ReportData) -> str:
    if not data.runs:
        return _section("runs", "Run history", _empty("No runs yet."))
    chart = run_columns("chart-runs", "Run durations, oldest to newest", data.runs)
    tables = nlp_tables()
    head = (
        "<tr><th>started (UTC)</th><th>status</th><th class=num>seconds</th>"
        "<th class=num>seen</th><th class=num>new</th><th class=num>changed</th>"
        "<th class=num>rejected</th>"
        + "".join(f"<th class=num>{esc(t)}</th>" for t in tables)
        + "<th>sources / error</th></tr>"
    )
    rows = []
    for r in reversed(data.runs):
        started = r["started_at"]
        started_text = (
            started.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
            if isinstance(started, dt.datetime)
            else str(started)
        )
        seconds = "" if r["seconds"] is None else f"{float(r['seconds']):,.1f}"
        written = r["rows_written"] or {}
        detail = ", ".join(r["sources"] or [])
        if r["error"]:
            detail = f"{detail} — {r['error']}"
        rows.append(
            f"<tr><td>{esc(started_text)}</td>"
            f'<td class="status-{esc(r["status"])}">{esc(r["status"])}</td>'
            f"<td class=num>{esc(seconds)}</td><td class=num>{r['records_seen']:,}</td>"
            f"<td class=num>{r['articles_new']:,}</td><td class=num>{r['articles_changed']:,}</td>"
            f"<td class=num>{r['rejected']:,}</td>"
            + "".join(f"<td class=num>{written.get(t, 0):,}</td>" for t in tables)
            + f"<td>{esc(_clip(detail, 400))}</td></tr>"
        )
    return _section(
        "runs",
        "Run history",
        f'{chart}<table class="runs">{head}{"".join(rows)}</table>',
        f"The last {len(data.runs)} runs, labelled by their start (UTC): duration coloured by "
        "status (green completed, red failed, orange interrupted, yellow aborted, blue "
        "running). Source: reporting.rpt_run_history.",
    )


def render(data: ReportData) -> str:
    """The whole page."""
    t = data.summary
    span = (
        f"{t['first_published_date']} to {t['last_published_date']}"
        if t["first_published_date"] is not None
        else "no dated articles"
    )
    stats = "".join(
        f'<div class="stat"><b>{value:,}</b>{esc(label)}</div>'
        for label, value in (
            ("articles", t["article_count"]),
            ("entities", t["entity_count"]),
            ("mentions", t["mention_count"]),
            ("quotes", t["quote_count"]),
            ("events", t["event_count"]),
            ("runs", t["run_count"]),
        )
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>newsetl report</title>"
        f"<style>{CSS}</style></head><body><main>"
        "<h1>newsetl report</h1>"
        f'<p class="lead">Warehouse <code>{esc(data.warehouse)}</code> · articles published '
        f"{esc(span)} · generated {esc(data.generated_at.strftime('%Y-%m-%d %H:%M'))} UTC</p>"
        f'<div class="stats">{stats}</div>'
        + section_entities(data)
        + section_speakers(data)
        + section_tone(data)
        + section_events(data)
        + section_pairs(data)
        + section_outlets(data)
        + section_runs(data)
        + f"</main><script>{SCRIPT}</script></body></html>\n"
    )


def write_report(settings: Settings, output: str | os.PathLike | None = None) -> Path:
    """Write the report (default ``<warehouse>/report.html``); returns its path."""
    path = Path(output) if output else settings.report_path
    with warehouse.connection(settings, read_only=True) as con:
        missing = missing_models(con)
        if missing:
            raise warehouse.WarehouseError(
                f"the warehouse has no reporting.{', reporting.'.join(missing)} yet: run "
                f"`newsetl models --warehouse {settings.warehouse_dir}` first"
            )
        data = load_data(con, str(settings.warehouse_dir))
    page = render(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # never leave a stray temporary file
        raise
    return path
