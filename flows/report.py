"""The HTML report: one self-contained page drawn from the marts (``newsetl report``).

Everything is inline — styles, charts (SVG drawn here, in Python) and one small script that
lets a reader hide and show series — and a Content-Security-Policy forbids loading anything
else, so the page opens offline and never touches the network. Every piece of text that comes
from the warehouse (names, titles, quotes, errors) is HTML-escaped.

Sections: most-mentioned entities over time, top quoted speakers with example quotes, event
types over time, strongest co-occurrences, run history. A section whose mart is empty says so
instead of drawing an empty chart.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flows import warehouse
from flows.settings import Settings

REPORT_FILE = "report.html"
TOP_ENTITIES = 8
TOP_SPEAKERS = 10
TOP_PAIRS = 15
TOP_EVENT_TYPES = 9
RUNS_SHOWN = 20
QUOTE_CHARS = 280

#: Tableau 10: distinguishable, colour-blind-aware categorical colours.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
STATUS_COLOURS = {
    "completed": "#59a14f",
    "failed": "#e15759",
    "aborted": "#edc948",
    "running": "#4e79a7",
}
MARTS = (
    "dim_entities",
    "entity_daily_mentions",
    "fct_quotes",
    "fct_events",
    "top_speakers",
    "entity_cooccurrence",
    "event_timeline",
    "dim_outlets",
)
TOP_OUTLETS = 15


def esc(value: object) -> str:
    """HTML-escape any value for text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


# --------------------------------------------------------------------------- data


@dataclass
class ReportData:
    generated_at: dt.datetime
    warehouse: str
    totals: dict[str, object]
    months: list[dt.date]
    entity_series: list[tuple[str, str, list[int]]]  # (name, label, monthly mentions)
    speakers: list[dict]
    speaker_quotes: dict[str, list[dict]]
    event_months: list[dt.date]
    event_series: list[tuple[str, list[int]]]  # (event type, monthly counts)
    pairs: list[dict]
    runs: list[dict]
    outlets: list[dict] = field(default_factory=list)


def _rows(con, sql: str, params: Sequence = ()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _missing_marts(con) -> list[str]:
    have = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    return [m for m in MARTS if m not in have]


def load_data(con, warehouse_label: str) -> ReportData:
    """Read everything the report shows from the marts (and the runs ledger's staging view)."""
    totals = _rows(
        con,
        """
        select
            (select count(*) from staging.stg_articles) as articles,
            (select min(published_date) from staging.stg_articles) as first_date,
            (select max(published_date) from staging.stg_articles) as last_date,
            (select count(*) from marts.dim_entities) as entities,
            (select count(*) from staging.stg_mentions) as mentions,
            (select count(*) from marts.fct_quotes) as quotes,
            (select count(*) from marts.fct_events) as events,
            (select count(*) from staging.stg_runs) as runs
        """,
    )[0]

    top = _rows(
        con,
        """
        select entity_id, canonical_name, entity_label
        from marts.dim_entities
        order by mention_count desc, article_count desc, canonical_name
        limit ?
        """,
        [TOP_ENTITIES],
    )
    monthly = _rows(
        con,
        """
        select entity_id, date_trunc('month', mention_date)::date as month,
               sum(mention_count)::bigint as mentions
        from marts.entity_daily_mentions
        where entity_id in (select unnest(?))
        group by all
        """,
        [[t["entity_id"] for t in top]],
    )
    bounds = con.execute(
        "select min(mention_date), max(mention_date) from marts.entity_daily_mentions"
    ).fetchone()
    months = _month_range(bounds[0], bounds[1]) if bounds[0] is not None else []
    index = {m: i for i, m in enumerate(months)}
    entity_series = []
    for t in top:
        values = [0] * len(months)
        for row in monthly:
            if row["entity_id"] == t["entity_id"]:
                values[index[row["month"]]] = int(row["mentions"])
        if any(values):
            entity_series.append((t["canonical_name"], t["entity_label"], values))

    speakers = _rows(
        con,
        "select * from marts.top_speakers where speaker_rank <= ? order by speaker_rank",
        [TOP_SPEAKERS],
    )
    quotes = _rows(
        con,
        """
        select speaker_entity_id, quote_text, is_direct, article_title, published_date
        from marts.fct_quotes
        where speaker_entity_id in (select unnest(?))
        qualify row_number() over (
            partition by speaker_entity_id
            order by is_direct desc, is_partial, quote_length desc, quote_id
        ) <= 2
        order by speaker_entity_id, is_direct desc, quote_length desc
        """,
        [[s["speaker_entity_id"] for s in speakers]],
    )
    speaker_quotes: dict[str, list[dict]] = {}
    for q in quotes:
        speaker_quotes.setdefault(q["speaker_entity_id"], []).append(q)

    timeline = _rows(con, "select * from marts.event_timeline")
    event_months: list[dt.date] = []
    event_series: list[tuple[str, list[int]]] = []
    if timeline:
        event_months = _month_range(
            min(r["event_month"] for r in timeline), max(r["event_month"] for r in timeline)
        )
        eindex = {m: i for i, m in enumerate(event_months)}
        totals_by_type: dict[str, int] = {}
        for r in timeline:
            totals_by_type[r["event_type"]] = (
                totals_by_type.get(r["event_type"], 0) + r["event_count"]
            )
        ranked = sorted(totals_by_type, key=lambda t: (-totals_by_type[t], t))
        shown = ranked[:TOP_EVENT_TYPES]
        buckets = {t: [0] * len(event_months) for t in shown}
        if len(ranked) > len(shown):
            buckets["other types"] = [0] * len(event_months)
        for r in timeline:
            key = r["event_type"] if r["event_type"] in shown else "other types"
            buckets[key][eindex[r["event_month"]]] += int(r["event_count"])
        event_series = list(buckets.items())

    pairs = _rows(
        con,
        """
        select * from marts.entity_cooccurrence
        order by article_count desc, jaccard desc, sentence_count desc, entity_a_name, entity_b_name
        limit ?
        """,
        [TOP_PAIRS],
    )
    runs = _rows(
        con,
        "select * from staging.stg_runs order by started_at desc limit ?",
        [RUNS_SHOWN],
    )
    outlets = _rows(
        con,
        "select * from marts.dim_outlets order by article_count desc, outlet limit ?",
        [TOP_OUTLETS],
    )
    return ReportData(
        generated_at=dt.datetime.now(dt.UTC),
        warehouse=warehouse_label,
        totals=totals,
        months=months,
        entity_series=entity_series,
        speakers=speakers,
        speaker_quotes=speaker_quotes,
        event_months=event_months,
        event_series=event_series,
        pairs=pairs,
        runs=list(reversed(runs)),
        outlets=outlets,
    )


# --------------------------------------------------------------------------- charts


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` (1, 2, 5 × 10^k steps)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 5, 10) if s * power >= raw)
    if maximum < 5:
        step = max(step, 1)
    ticks, value = [0.0], 0.0
    while value < maximum:
        value += step
        ticks.append(value)
    return ticks


def _chart_open(
    chart_id: str,
    title: str,
    width: int,
    height: int,
    left: float,
    right: float,
    ticks: list[float],
    y: Callable[[float], float],
) -> list[str]:
    """The opening of a chart's SVG: its title and the horizontal grid with its tick labels."""
    parts = [
        f'<svg class="chart" id="{esc(chart_id)}" data-chart="{esc(chart_id)}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{esc(chart_id)}-title">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
    ]
    for t in ticks:
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{_fmt(t)}</text>'
        )
    return parts


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _month_label(month: dt.date) -> str:
    return month.strftime("%b %Y")


def _label_every(n: int, room: int) -> int:
    return max(1, math.ceil(n / room))


def _show_label(i: int, n: int, every: int) -> bool:
    """Label every ``every``-th month and the last, never two labels closer than ``every``."""
    return i == n - 1 or (i % every == 0 and n - 1 - i >= every)


def line_chart(chart_id: str, title: str, months: list[dt.date], series) -> str:
    """Monthly lines, one per (name, values), with a clickable legend."""
    width, height = 920, 340
    left, right, top, bottom = 52, 16, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((max(v) for _, _, v in series), default=0)
    ticks = nice_ticks(peak)
    y_max = ticks[-1]
    n = len(months)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / y_max

    parts = _chart_open(chart_id, title, width, height, left, right, ticks, y)
    every = _label_every(n, 12)
    for i, m in enumerate(months):
        if _show_label(i, n, every):
            anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
            parts.append(
                f'<text class="tick" x="{x(i):.1f}" y="{height - bottom + 18}" '
                f'text-anchor="{anchor}">{esc(_month_label(m))}</text>'
            )
    for k, (name, label, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<g class="series" data-series="{k}">')
        parts.append(
            f'<polyline class="line" fill="none" stroke="{colour}" stroke-width="2.2" '
            f'points="{points}"><title>{esc(name)} ({esc(label)})</title></polyline>'
        )
        for i, v in enumerate(values):
            if v:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                    f"<title>{esc(name)}, {esc(_month_label(months[i]))}: {v} mention"
                    f"{'s' if v != 1 else ''}</title></circle>"
                )
        parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>'
    )
    parts.append("</svg>")
    legend = "".join(
        f'<button type="button" class="legend-item" data-chart="{esc(chart_id)}" '
        f'data-series="{k}" aria-pressed="true"><span class="swatch" '
        f'style="background:{PALETTE[k % len(PALETTE)]}"></span>{esc(name)} '
        f'<span class="muted">{esc(label)}</span></button>'
        for k, (name, label, _) in enumerate(series)
    )
    return f'<div class="legend">{legend}</div>' + "".join(parts)


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float, str]]) -> str:
    """Horizontal bars: (label, value, note shown after the bar)."""
    label_w, bar_w, note_w, row_h = 300, 460, 160, 26
    width = label_w + bar_w + note_w
    height = row_h * len(rows) + 8
    peak = max((v for _, v, _ in rows), default=0) or 1
    parts = [
        f'<svg class="chart" id="{esc(chart_id)}" data-chart="{esc(chart_id)}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{esc(chart_id)}-title">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
    ]
    for i, (label, value, note) in enumerate(rows):
        top = 4 + i * row_h
        w = max(2.0, bar_w * value / peak)
        shown = label if len(label) <= 42 else label[:41] + "…"
        parts.append(
            f'<text class="bar-label" x="{label_w - 8}" y="{top + 17}" text-anchor="end">'
            f"{esc(shown)}<title>{esc(label)}</title></text>"
            f'<rect class="bar" x="{label_w}" y="{top + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{PALETTE[0]}"><title>{esc(label)}: {esc(note)}</title></rect>'
            f'<text class="bar-note" x="{label_w + w + 6:.1f}" y="{top + 17}">{esc(note)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_columns(chart_id: str, title: str, months: list[dt.date], series) -> str:
    """Monthly stacked columns, one colour per (name, values)."""
    width, height = 920, 320
    left, right, top, bottom = 52, 16, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(months)
    totals = [sum(v[i] for _, v in series) for i in range(n)]
    ticks = nice_ticks(max(totals, default=0))
    y_max = ticks[-1]
    slot = plot_w / max(n, 1)
    col_w = max(2.0, min(36.0, slot * 0.75))

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / y_max

    parts = _chart_open(chart_id, title, width, height, left, right, ticks, y)
    every = _label_every(n, 12)
    for i, m in enumerate(months):
        cx = left + slot * i + slot / 2
        if _show_label(i, n, every):
            parts.append(
                f'<text class="tick" x="{cx:.1f}" y="{height - bottom + 18}" '
                f'text-anchor="middle">{esc(_month_label(m))}</text>'
            )
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        parts.append(f'<g class="series" data-series="{k}">')
        for i, v in enumerate(values):
            if not v:
                continue
            below = sum(series[j][1][i] for j in range(k))
            cx = left + slot * i + slot / 2
            parts.append(
                f'<rect class="column" x="{cx - col_w / 2:.1f}" y="{y(below + v):.1f}" '
                f'width="{col_w:.1f}" height="{y(below) - y(below + v):.1f}" fill="{colour}">'
                f"<title>{esc(name)}, {esc(_month_label(months[i]))}: {v} event"
                f"{'s' if v != 1 else ''}</title></rect>"
            )
        parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>'
    )
    parts.append("</svg>")
    legend = "".join(
        f'<button type="button" class="legend-item" data-chart="{esc(chart_id)}" '
        f'data-series="{k}" aria-pressed="true"><span class="swatch" '
        f'style="background:{PALETTE[k % len(PALETTE)]}"></span>{esc(name)}</button>'
        for k, (name, _) in enumerate(series)
    )
    return f'<div class="legend">{legend}</div>' + "".join(parts)


def run_columns(chart_id: str, title: str, runs: list[dict]) -> str:
    """One column per run: its duration, coloured by status."""
    width, height = 920, 200
    left, right, top, bottom = 52, 16, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    seconds = [float(r["seconds"] or 0) for r in runs]
    ticks = nice_ticks(max(seconds, default=0))
    y_max = ticks[-1]
    slot = plot_w / max(len(runs), 1)
    col_w = max(3.0, min(40.0, slot * 0.7))

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / y_max

    parts = [
        f'<svg class="chart" id="{esc(chart_id)}" data-chart="{esc(chart_id)}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{esc(chart_id)}-title">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
    ]
    for t in ticks:
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end">'
            f"{_fmt(t)}s</text>"
        )
    for i, (run, secs) in enumerate(zip(runs, seconds, strict=True)):
        cx = left + slot * i + slot / 2
        colour = STATUS_COLOURS.get(run["status"], PALETTE[9])
        h = max(1.0, y(0) - y(secs))
        parts.append(
            f'<rect class="column" x="{cx - col_w / 2:.1f}" y="{y(0) - h:.1f}" width="{col_w:.1f}" '
            f'height="{h:.1f}" fill="{colour}"><title>{esc(run["run_id"])}: {esc(run["status"])}, '
            f"{secs:,.1f}s</title></rect>"
        )
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


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
            "Mentions per month of the most-mentioned entities",
            data.months,
            data.entity_series,
        )
        if data.entity_series and data.months
        else _empty("No dated entity mentions in the warehouse yet.")
    )
    return _section(
        "entities",
        "Most-mentioned entities over time",
        body,
        "Mentions per month (by article publication date) of the entities mentioned most "
        f"often overall (up to {TOP_ENTITIES}); click a name to hide or show its line. "
        "Source: marts.entity_daily_mentions, marts.dim_entities.",
    )


def section_speakers(data: ReportData) -> str:
    if not data.speakers:
        return _section(
            "speakers", "Top quoted speakers", _empty("No attributed quotes in the warehouse yet.")
        )
    chart = bar_chart(
        "chart-speakers",
        "Quotes per speaker",
        [
            (
                s["speaker_name"],
                s["quote_count"],
                f"{_n(s['quote_count'], 'quote')}, {_n(s['article_count'], 'article')}",
            )
            for s in data.speakers
        ],
    )
    items = []
    for s in data.speakers:
        quotes = data.speaker_quotes.get(s["speaker_entity_id"]) or [
            {
                "quote_text": s["example_quote_text"],
                "is_direct": True,
                "article_title": s["example_article_title"],
                "published_date": s["example_published_date"],
            }
        ]
        shown = "".join(
            f"<blockquote>{'“' if q['is_direct'] else ''}{esc(_clip(q['quote_text']))}"
            f"{'”' if q['is_direct'] else ''}"
            f'<div class="muted">— {esc(q["article_title"] or "untitled")}, '
            f"{esc(_date(q['published_date']))}</div></blockquote>"
            for q in quotes
        )
        items.append(
            f"<li><b>{esc(s['speaker_name'])}</b> "
            f'<span class="muted">{esc(s["speaker_label"])} · {_n(s["quote_count"], "quote")}</span>'
            f"{shown}</li>"
        )
    return _section(
        "speakers",
        "Top quoted speakers",
        f'{chart}<ul class="speakers">{"".join(items)}</ul>',
        "Speakers resolved to an entity, by number of quotes attributed to them, with example "
        "quotes. Source: marts.top_speakers, marts.fct_quotes.",
    )


def section_events(data: ReportData) -> str:
    body = (
        stacked_columns(
            "chart-events",
            "Events per month by type",
            data.event_months,
            data.event_series,
        )
        if data.event_series
        else _empty("No typed events in the warehouse yet.")
    )
    return _section(
        "events",
        "Event types over time",
        body,
        "Typed events per month, placed by the event's own date when it is known to a month "
        "or better, else by the article's publication date. "
        f"The {TOP_EVENT_TYPES} most frequent types are shown, the rest grouped. "
        "Source: marts.event_timeline.",
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
        "(articles with both / articles with either). Source: marts.entity_cooccurrence.",
    )


def section_outlets(data: ReportData) -> str:
    if not data.outlets:
        return _section("outlets", "Outlets", _empty("No articles yet."))
    chart = bar_chart(
        "chart-outlets",
        "Articles per outlet",
        [
            (
                o["outlet"],
                o["article_count"],
                f"{_n(o['quote_count'], 'quote')}"
                + (f", {_n(o['reprint_count'], 'reprint')}" if o["reprint_count"] else ""),
            )
            for o in data.outlets
        ],
    )
    return _section(
        "outlets",
        "Articles and quotes per outlet",
        chart,
        f"The {TOP_OUTLETS} outlets with the most articles, with the quotes their articles carry "
        "and how many of their articles reprint a story loaded before. Source: marts.dim_outlets.",
    )


def section_runs(data: ReportData) -> str:
    if not data.runs:
        return _section("runs", "Run history", _empty("No runs yet."))
    chart = run_columns("chart-runs", "Run durations, oldest to newest", data.runs)
    head = (
        "<tr><th>started (UTC)</th><th>status</th><th class=num>seconds</th>"
        "<th class=num>seen</th><th class=num>new</th><th class=num>changed</th>"
        "<th class=num>rejected</th><th class=num>mentions</th><th class=num>quotes</th>"
        "<th class=num>events</th><th>sources / error</th></tr>"
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
        detail = ", ".join(r["sources"] or [])
        if r["error"]:
            detail = f"{detail} — {r['error']}"
        rows.append(
            f"<tr><td>{esc(started_text)}</td>"
            f'<td class="status-{esc(r["status"])}">{esc(r["status"])}</td>'
            f"<td class=num>{esc(seconds)}</td><td class=num>{r['records_seen']:,}</td>"
            f"<td class=num>{r['articles_new']:,}</td><td class=num>{r['articles_changed']:,}</td>"
            f"<td class=num>{r['rejected']:,}</td><td class=num>{r['mentions_written']:,}</td>"
            f"<td class=num>{r['quotes_written']:,}</td><td class=num>{r['events_written']:,}</td>"
            f"<td>{esc(_clip(detail, 400))}</td></tr>"
        )
    return _section(
        "runs",
        "Run history",
        f'{chart}<table class="runs">{head}{"".join(rows)}</table>',
        f"The last {RUNS_SHOWN} runs: duration coloured by status (green completed, red "
        "failed, yellow aborted, blue running). Source: staging.stg_runs.",
    )


def render(data: ReportData) -> str:
    """The whole page."""
    t = data.totals
    span = (
        f"{t['first_date']} to {t['last_date']}"
        if t["first_date"] is not None
        else "no dated articles"
    )
    stats = "".join(
        f'<div class="stat"><b>{value}</b>{esc(label)}</div>'
        for label, value in (
            ("articles", f"{t['articles']:,}"),
            ("entities", f"{t['entities']:,}"),
            ("mentions", f"{t['mentions']:,}"),
            ("quotes", f"{t['quotes']:,}"),
            ("events", f"{t['events']:,}"),
            ("runs", f"{t['runs']:,}"),
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
        + section_events(data)
        + section_pairs(data)
        + section_outlets(data)
        + section_runs(data)
        + f"</main><script>{SCRIPT}</script></body></html>\n"
    )


def write_report(settings: Settings, output: str | os.PathLike | None = None) -> Path:
    """Write the report (default ``<warehouse>/report.html``); returns its path."""
    path = Path(output) if output else settings.warehouse_dir / REPORT_FILE
    con = warehouse.connect(settings.db_path, read_only=True, timeout=settings.lock_timeout)
    try:
        missing = _missing_marts(con)
        if missing:
            raise warehouse.WarehouseError(
                f"the warehouse has no {', '.join(missing)} yet: run `newsetl models "
                f"--warehouse {settings.warehouse_dir}` first"
            )
        data = load_data(con, str(settings.warehouse_dir))
    finally:
        con.close()
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
