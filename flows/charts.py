"""The report's charts: SVG drawn in Python, no library, no script (flows/report.py lays them out).

Every chart has a title for screen readers, round tick values, and axis labels that never
overlap: labels are placed by their width (:func:`tick_indices`), months are labelled on the
calendar (every month, quarter, half-year or year, the year written where it changes), and
the labels at the plot's edges are anchored inside it. Every piece of text is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import math
from collections.abc import Callable, Sequence

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
    "interrupted": "#f28e2b",
    "aborted": "#edc948",
    "running": "#4e79a7",
}
#: Width of one character of a 12px axis label, at most (digits and capitals of system-ui
#: fonts are narrower), in SVG units; and the least room between two labels.
CHAR_WIDTH = 7.2
LABEL_GAP = 12.0
#: Month steps tried for a time axis: every month, quarter, half-year, year, 2 years, ...
MONTH_STEPS = (1, 3, 6, 12, 24, 60, 120)

WIDTH = 920
LEFT, RIGHT = 52, 16


def esc(value: object) -> str:
    """HTML-escape any value for text or a quoted attribute."""
    return html.escape("" if value is None else str(value), quote=True)


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


def fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def label_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def fits(positions: Sequence[float], texts: Sequence[str], indices: Sequence[int]) -> bool:
    """Do the labels at ``indices``, centred on their positions, keep LABEL_GAP apart?"""
    for a, b in itertools.pairwise(indices):
        right = positions[a] + label_width(texts[a]) / 2
        left = positions[b] - label_width(texts[b]) / 2
        if left - right < LABEL_GAP:
            return False
    return True


def tick_indices(positions: Sequence[float], texts: Sequence[str]) -> list[int]:
    """Every k-th label, with the smallest k whose labels do not overlap."""
    n = len(positions)
    for k in range(1, n + 1):
        chosen = list(range(0, n, k))
        if fits(positions, texts, chosen):
            return chosen
    return [0] if n else []


def month_ticks(months: Sequence[dt.date], positions: Sequence[float]) -> list[tuple[int, str]]:
    """(index, label) of the months to label: on the calendar (every month, quarter, …, year),
    the smallest step whose labels do not overlap. The year is written at the first label and
    where it changes ("Oct 2019", "Jan 2020", "Apr", …); yearly steps show the year alone."""
    for step in MONTH_STEPS:
        if step < 12:
            chosen = [i for i, m in enumerate(months) if (m.month - 1) % step == 0]
        else:
            every = step // 12
            chosen = [i for i, m in enumerate(months) if m.month == 1 and m.year % every == 0]
        if not chosen and months:
            chosen = [0]
        texts: dict[int, str] = {}
        year = None
        for i in chosen:
            m = months[i]
            if step >= 12:
                texts[i] = str(m.year)
            else:
                texts[i] = m.strftime("%b %Y") if m.year != year else m.strftime("%b")
            year = m.year
        if fits(positions, [texts.get(i, "") for i in range(len(months))], chosen):
            return [(i, texts[i]) for i in chosen]
    return [(0, str(months[0].year))] if months else []


def _anchor(x: float, text: str) -> tuple[float, str]:
    """Keep a label inside the plot: anchored at its start or end near the edges."""
    half = label_width(text) / 2
    if x - half < LEFT - 8:
        return x, "start"
    if x + half > WIDTH - RIGHT + 8:
        return x, "end"
    return x, "middle"


def x_labels(ticks: list[tuple[float, str]], y: float) -> list[str]:
    parts = []
    for x, text in ticks:
        x, anchor = _anchor(x, text)
        parts.append(
            f'<text class="tick x-tick" x="{x:.1f}" y="{y}" text-anchor="{anchor}">'
            f"{esc(text)}</text>"
        )
    return parts


def chart_open(
    chart_id: str,
    title: str,
    height: int,
    ticks: list[float],
    y: Callable[[float], float],
    unit: str = "",
) -> list[str]:
    """The opening of a chart's SVG: its title and the horizontal grid with its tick labels."""
    parts = [
        f'<svg class="chart" id="{esc(chart_id)}" data-chart="{esc(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{esc(chart_id)}-title">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
    ]
    for t in ticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" '
            f'y2="{y(t):.1f}"/><text class="tick y-tick" x="{LEFT - 6}" y="{y(t) + 4:.1f}" '
            f'text-anchor="end">{fmt(t)}{unit}</text>'
        )
    return parts


def chart_close(y0: float) -> list[str]:
    return [
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y0:.1f}" y2="{y0:.1f}"/>',
        "</svg>",
    ]


def legend(chart_id: str, names: Sequence[tuple[str, str]]) -> str:
    """Buttons that hide and show a chart's series: (name, muted note) per series."""
    return (
        '<div class="legend">'
        + "".join(
            f'<button type="button" class="legend-item" data-chart="{esc(chart_id)}" '
            f'data-series="{k}" aria-pressed="true"><span class="swatch" '
            f'style="background:{PALETTE[k % len(PALETTE)]}"></span>{esc(name)}'
            + (f' <span class="muted">{esc(note)}</span>' if note else "")
            + "</button>"
            for k, (name, note) in enumerate(names)
        )
        + "</div>"
    )


def line_chart(
    chart_id: str, title: str, months: list[dt.date], series, unit: str = "article"
) -> str:
    """Monthly lines, one per (name, label, values), with a clickable legend."""
    height, top, bottom = 340, 16, 48
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - top - bottom
    ticks = nice_ticks(max((max(v) for _, _, v in series), default=0))
    n = len(months)

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / ticks[-1]

    parts = chart_open(chart_id, title, height, ticks, y)
    positions = [x(i) for i in range(n)]
    parts += x_labels([(positions[i], t) for i, t in month_ticks(months, positions)], height - 22)
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
                    f"<title>{esc(name)}, {months[i]:%b %Y}: {v} {unit}"
                    f"{'s' if v != 1 else ''}</title></circle>"
                )
        parts.append("</g>")
    parts += chart_close(y(0))
    return legend(chart_id, [(name, label) for name, label, _ in series]) + "".join(parts)


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
    height, top, bottom = 320, 16, 48
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - top - bottom
    n = len(months)
    totals = [sum(v[i] for _, v in series) for i in range(n)]
    ticks = nice_ticks(max(totals, default=0))
    slot = plot_w / max(n, 1)
    col_w = max(2.0, min(36.0, slot * 0.75))

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / ticks[-1]

    parts = chart_open(chart_id, title, height, ticks, y)
    positions = [LEFT + slot * i + slot / 2 for i in range(n)]
    parts += x_labels([(positions[i], t) for i, t in month_ticks(months, positions)], height - 22)
    for k, (name, values) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        parts.append(f'<g class="series" data-series="{k}">')
        for i, v in enumerate(values):
            if not v:
                continue
            below = sum(series[j][1][i] for j in range(k))
            parts.append(
                f'<rect class="column" x="{positions[i] - col_w / 2:.1f}" '
                f'y="{y(below + v):.1f}" width="{col_w:.1f}" '
                f'height="{y(below) - y(below + v):.1f}" fill="{colour}">'
                f"<title>{esc(name)}, {months[i]:%b %Y}: {v} event"
                f"{'s' if v != 1 else ''}</title></rect>"
            )
        parts.append("</g>")
    parts += chart_close(y(0))
    return legend(chart_id, [(name, "") for name, _ in series]) + "".join(parts)


def run_columns(chart_id: str, title: str, runs: list[dict]) -> str:
    """One column per run: its duration, coloured by status, labelled with its start time."""
    height, top, bottom = 220, 12, 40
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - top - bottom
    seconds = [float(r["seconds"] or 0) for r in runs]
    ticks = nice_ticks(max(seconds, default=0))
    slot = plot_w / max(len(runs), 1)
    col_w = max(3.0, min(40.0, slot * 0.7))

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / ticks[-1]

    parts = chart_open(chart_id, title, height, ticks, y, unit="s")
    positions = [LEFT + slot * i + slot / 2 for i in range(len(runs))]
    texts = [_started(r["started_at"]) for r in runs]
    chosen = tick_indices(positions, texts)
    parts += x_labels([(positions[i], texts[i]) for i in chosen], height - 16)
    for run, secs, cx in zip(runs, seconds, positions, strict=True):
        colour = STATUS_COLOURS.get(run["status"], PALETTE[9])
        h = max(1.0, y(0) - y(secs))
        parts.append(
            f'<rect class="column" x="{cx - col_w / 2:.1f}" y="{y(0) - h:.1f}" '
            f'width="{col_w:.1f}" height="{h:.1f}" fill="{colour}"><title>'
            f"{esc(run['run_id'])}: {esc(run['status'])}, {secs:,.1f}s</title></rect>"
        )
    parts += chart_close(y(0))
    return "".join(parts)


def _started(value) -> str:
    """A run's start as an axis label (UTC): "5 Dec 02:31"."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
        return f"{value.day} {value:%b %H:%M}"
    return str(value)


TONE_NEGATIVE, TONE_POSITIVE = "#e15759", "#4e79a7"


def tone_bars(chart_id: str, title: str, rows: list[tuple[str, float | None, str]]) -> str:
    """Horizontal bars around 0 for a tone from -1 to +1: (label, tone or None, note)."""
    label_w, half, note_w, row_h = 300, 230, 160, 26
    width = label_w + 2 * half + note_w
    height = row_h * len(rows) + 8
    peak = max((abs(v) for _, v, _ in rows if v is not None), default=0) or 1
    scale = half / max(peak, 0.05)  # the strongest tone shown fills its half
    zero = label_w + half
    parts = [
        f'<svg class="chart" id="{esc(chart_id)}" data-chart="{esc(chart_id)}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{esc(chart_id)}-title">',
        f'<title id="{esc(chart_id)}-title">{esc(title)}</title>',
        f'<line class="axis" x1="{zero}" x2="{zero}" y1="2" y2="{height - 2}"/>',
    ]
    for i, (label, value, note) in enumerate(rows):
        top = 4 + i * row_h
        shown = label if len(label) <= 42 else label[:41] + "…"
        parts.append(
            f'<text class="bar-label" x="{label_w - 8}" y="{top + 17}" text-anchor="end">'
            f"{esc(shown)}<title>{esc(label)}</title></text>"
        )
        if value is None:
            parts.append(
                f'<text class="bar-note" x="{zero + 6}" y="{top + 17}">no tone scored</text>'
            )
            continue
        w = max(2.0, abs(value) * scale)
        x = zero if value >= 0 else zero - w
        colour = TONE_POSITIVE if value >= 0 else TONE_NEGATIVE
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{top + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"><title>{esc(label)}: {value:+.2f} ({esc(note)})</title></rect>'
            f'<text class="bar-note" x="{label_w + 2 * half + 6}" y="{top + 17}">'
            f"{value:+.2f} · {esc(note)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
