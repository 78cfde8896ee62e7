"""Time expressions → (date, precision), resolved against an article's publication date.

:func:`resolve` turns the text of one time expression ("on Friday", "earlier this week",
"by the end of the year", "August 31", "two weeks ago") into a :class:`Resolved` date with a
precision, given the publication date and the tense of the clause it dates.

Conventions (also the annotation guideline of ``bench/gold``):

* ``precision`` is ``day``, ``week``, ``month`` or ``year``. For a period the date is the
  **first day of the period** (the Monday of a week — the Saturday for "weekend" —, the 1st of
  a month, January 1 of a year), so ``date_trunc(precision, event_date)`` gives the period.
  The one exception is a deadline, "(by) the end of …", which gives the **last day** of the
  period with that period's precision: "by the end of the year" in 2021 → 2021-12-31, ``year``.
* Weekdays follow the news convention: in a past or present clause "on Friday" is the latest
  Friday on or before the publication date (in an article of Saturday 2021-07-10: 2021-07-09;
  in an article of Friday: that same Friday); in a future clause ("will meet on Friday") the
  next Friday on or after it. "last Friday" is always before, "next Friday" always after.
* A day and month without a year ("August 31") take the year that puts them nearest to the
  publication date on the side the clause's tense suggests: a future clause never points back,
  a past clause points back unless the date is within a few weeks ahead (reported speech and
  deadlines: "said it was in talks … by the end of July" in a June article). A bare month
  ("in March") works the same way at month level.
* "this/last/next week|month|year", "earlier/later this …", "early/late next …" → that
  period; "N days/weeks/months/years ago" → that day or period.
* Durations ("two days", "nearly two decades", "the next three weeks"), clock times alone
  ("4:00 a.m."), seasons, decades and anaphoric expressions ("the next morning", "at the
  time") give ``None``: the caller then falls back to the publication date.

Where the maintained library fits, it is used: dateparser (``DateDataParser``) parses calendar
dates in all their written forms ("Aug. 31", "31st of August", "September 3, 2020",
"2021-08-31", "7/3/2021"). Our own rules cover what dateparser does not resolve, or not the
news way: "earlier this week", "by the end of the year", "mid-July", "this weekend" (unparsed
by dateparser 1.5); weekdays and the year of a year-less date by the tense of the clause
(dateparser's ``PREFER_DATES_FROM`` is strict, so "July 10" in a future clause of a July 10
article would become next year); periods, which dateparser anchors on the base's day of month
("July 2021" → 2021-07-10) where we return the period's start; and "N days/weeks ago".
"N days earlier" is relative to another event, not to publication: not resolved.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

Tense = Literal["past", "present", "future"]
PRECISIONS = ("day", "week", "month", "year")
#: ``date_precision`` of an event that has no usable time expression (publication date used).
PUBLISHED = "published"

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            (),
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
}
MIN_YEAR, MAX_YEAR = 1800, 2200


@dataclass(frozen=True)
class Resolved:
    """A resolved time expression."""

    date: dt.date
    precision: str  # one of PRECISIONS


# --------------------------------------------------------------------------- period helpers


def week_start(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def add_months(d: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``d``'s month."""
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


def period_start(d: dt.date, precision: str) -> dt.date:
    if precision == "week":
        return week_start(d)
    if precision == "month":
        return d.replace(day=1)
    if precision == "year":
        return d.replace(month=1, day=1)
    return d


def period_end(d: dt.date, precision: str) -> dt.date:
    if precision == "week":
        return week_start(d) + dt.timedelta(days=6)
    if precision == "month":
        return d.replace(day=calendar.monthrange(d.year, d.month)[1])
    if precision == "year":
        return d.replace(month=12, day=31)
    return d


def shift(d: dt.date, unit: str, n: int) -> dt.date:
    """``d`` moved by n units (the start of the target period for week/month/year)."""
    if unit == "day":
        return d + dt.timedelta(days=n)
    if unit == "week":
        return week_start(d) + dt.timedelta(weeks=n)
    if unit == "month":
        return add_months(d, n)
    return dt.date(d.year + n, 1, 1)


# --------------------------------------------------------------------------- normalization

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_LEAD = re.compile(
    r"^(?:(?:on|in|at|by|during|from|of|as of|as early as|as late as|around|about|"
    r"sometime|some time|shortly|just|early on|late on|overnight on|overnight)\s+)+"
)
#: Expressions that bound or measure a span of time rather than date an event.
_NOT_A_DATE = re.compile(
    r"^(?:since|until|till|before|after|within|over|through|throughout|for|between|"
    r"up to|in the (?:next|past|last|coming)|the (?:next|past|last) (?:few|several|\d+|two|"
    r"three|four|five|six|seven|eight|nine|ten))\b"
)
#: A time of day bounding a dated expression: dropped, the day is what dates the event.
_CLOCK_PREFIX = re.compile(
    r"^(?:(?:shortly|just|soon|right|late|early)\s+)?(?:(?:before|after|around|at|until)\s+)?"
    r"(?:midnight|noon|midday|dawn|dusk|daybreak)\s+(?:on\s+)?(?=[a-z0-9])"
)
_TIME_OF_DAY = r"(?:morning|afternoon|evening|night|midday|noon|lunchtime)"


def normalize(text: str) -> str:
    """Lowercase, typographic quotes folded, leading prepositions and "the" dropped.

    Returns "" for expressions that bound or measure time ("since 2011", "for two days").
    """
    s = " ".join(text.translate(_QUOTES).lower().split())
    s = s.strip(" .,;:!?\"'()[]")
    s = re.sub(r"'s\b", "", s)
    s = _CLOCK_PREFIX.sub("", s)  # "shortly before midnight Wednesday night" → the Wednesday
    s = re.sub(r"\bthis (past|coming)\b", r"\1", s)  # "this past Friday" = "past Friday"
    if _NOT_A_DATE.match(s):
        return ""
    s = _LEAD.sub("", s)
    if _NOT_A_DATE.match(s):
        return ""
    s = re.sub(r"^the\s+", "", s)
    return s


# --------------------------------------------------------------------------- own rules

_UNIT = r"(day|week|month|year)s?"
_RE_DAYWORD = re.compile(
    rf"^(?:(?:early|late|earlier|later)\s+)?(yesterday|today|tonight|tomorrow|last night|"
    rf"this {_TIME_OF_DAY}|day before yesterday|day after tomorrow)(?:\s+{_TIME_OF_DAY})?$"
)
_RE_WEEKDAY = re.compile(
    r"^(?:(last|this|next|past|coming|early|late|earlier|later|overnight)\s+)?(?:on\s+)?"
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    rf"(?:\s+{_TIME_OF_DAY}|\s+night)?$"
)
_RE_RELPERIOD = re.compile(
    r"^(?:(?:early|late|earlier|later|mid|middle of)\s*-?\s*)?"
    r"(this|last|next|past|coming|previous|current|following)\s+(week|weekend|month|year)$"
)
_RE_IN_PERIOD = re.compile(r"^(?:earlier|later|early|late)\s+(?:in\s+)?the\s+(week|month|year)$")
_RE_QUAL_MONTH = re.compile(r"^(last|next|this|past|coming)\s+([a-z]+)$")
_RE_EDGE = re.compile(
    r"^(end|close|beginning|start|middle|turn)\s+of\s+(?:the\s+)?"
    r"(?:(this|last|next|current|coming|previous)\s+)?(week|month|year)$"
)
_RE_EDGE_NAMED = re.compile(
    r"^(?:(end|close|beginning|start|middle|turn)\s+of|(early|mid|late))\s*-?\s*"
    r"(?:the\s+)?([a-z]+|\d{4})(?:\s+(\d{4}))?$"
)
_RE_AGO = re.compile(
    rf"^(a couple of|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    rf"eleven|twelve|\d{{1,3}})\s+{_UNIT}\s+ago$"
)
_RE_YEAR = re.compile(r"^(?:the\s+year\s+|year\s+)?(\d{4})$")
_RE_MONTH = re.compile(r"^([a-z]+)\.?(?:\s+(?:of\s+)?(\d{4}))?$")
_RE_CLOCK = re.compile(
    r"\d\s*(?:a\.?m\.?|p\.?m\.?|gmt|utc|bst|cet|est|edt|pst|h)\b|\d:\d\d|"
    r"^(?:midnight|noon|midday|dawn|dusk)$"
)
_RE_HAS_CALENDAR = re.compile(
    r"\d|\b(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b"
)


def _weekday(m: re.Match, published: dt.date, tense: Tense) -> Resolved:
    qual, name = m[1], m[2]
    wd = WEEKDAYS[name]
    back = (published.weekday() - wd) % 7
    ahead = (wd - published.weekday()) % 7
    if qual in {"last", "past"}:
        delta = -(back or 7)
    elif qual in {"next", "coming"}:
        delta = ahead or 7
    elif tense == "future":
        delta = ahead
    else:
        delta = -back
    return Resolved(published + dt.timedelta(days=delta), "day")


_REL_OFFSET = {
    "this": 0,
    "current": 0,
    "last": -1,
    "past": -1,
    "previous": -1,
    "next": 1,
    "coming": 1,
    "following": 1,
}


def _relperiod(m: re.Match, published: dt.date) -> Resolved:
    n = _REL_OFFSET[m[1]]
    unit = m[2]
    if unit == "weekend":
        saturday = week_start(published) + dt.timedelta(days=5)
        if published.weekday() == 6 and n == -1:
            n = 0  # "last weekend" in a Sunday article: the one just ending
        return Resolved(saturday + dt.timedelta(weeks=n), "week")
    return Resolved(shift(published, unit, n), unit)


def _edge(kind: str, d: dt.date, precision: str) -> Resolved:
    if kind in {"end", "close"}:
        return Resolved(period_end(d, precision), precision)
    return Resolved(period_start(d, precision), precision)


#: Days of penalty for a date on the wrong side of publication for the clause's tense. A past
#: clause may still point a little ahead (reported speech, deadlines: "said it was in talks …
#: by the end of July" in June); a future clause never points back.
_WRONG_SIDE = {"past": 275, "future": 1000, "present": 0}


def _closest_year(month: int, day: int, reference: dt.date, tense: Tense) -> dt.date:
    """The occurrence of a year-less day and month (day=1 for a month) nearest to the
    reference date, on the side its tense suggests."""

    def cost(d: dt.date) -> int:
        delta = (d - reference).days
        wrong = (delta > 0 and tense == "past") or (delta < 0 and tense == "future")
        return abs(delta) + (_WRONG_SIDE[tense] if wrong else 0)

    cands = [
        _safe_date(y, month, day) for y in (reference.year - 1, reference.year, reference.year + 1)
    ]
    return min(cands, key=cost)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:  # February 29
        return dt.date(year, month, 28)


def _month_year(month: int, year: int | None, published: dt.date, tense: Tense) -> dt.date:
    if year is not None:
        return dt.date(year, month, 1)
    return _closest_year(month, 1, published.replace(day=1), tense)


def _own_rules(s: str, published: dt.date, tense: Tense) -> Resolved | bool | None:
    """Our rules; ``False`` when none applies (then dateparser may try)."""
    if m := _RE_DAYWORD.match(s):
        word = m[1]
        offset = {
            "yesterday": -1,
            "last night": -1,
            "tomorrow": 1,
            "day before yesterday": -2,
            "day after tomorrow": 2,
        }.get(word, 0)
        return Resolved(published + dt.timedelta(days=offset), "day")
    if m := _RE_WEEKDAY.match(s):
        return _weekday(m, published, tense)
    if m := _RE_RELPERIOD.match(s):
        return _relperiod(m, published)
    if m := _RE_IN_PERIOD.match(s):
        return Resolved(shift(published, m[1], 0), m[1])
    if (m := _RE_QUAL_MONTH.match(s)) and m[2] in MONTHS:
        this_month = published.replace(day=1)
        d = dt.date(published.year, MONTHS[m[2]], 1)
        if m[1] in {"last", "past"} and d >= this_month:
            d = d.replace(year=d.year - 1)
        elif m[1] in {"next", "coming"} and d <= this_month:
            d = d.replace(year=d.year + 1)
        return Resolved(d, "month")
    if m := _RE_EDGE.match(s):
        kind, rel, unit = m[1], m[2] or "this", m[3]
        base = shift(published, unit, _REL_OFFSET[rel]) if unit != "day" else published
        return _edge(kind, base, unit)
    if m := _RE_YEAR.match(s):
        year = int(m[1])
        return Resolved(dt.date(year, 1, 1), "year") if MIN_YEAR <= year <= MAX_YEAR else None
    if m := _RE_EDGE_NAMED.match(s):
        kind = m[1] or m[2]
        name, year = m[3], m[4]
        if name.isdigit() and year is None and MIN_YEAR <= int(name) <= MAX_YEAR:
            return _edge(kind, dt.date(int(name), 1, 1), "year")
        if name in MONTHS:
            month_start = _month_year(MONTHS[name], int(year) if year else None, published, tense)
            return _edge(kind, month_start, "month")
        return None
    if (m := _RE_MONTH.match(s)) and m[1] in MONTHS:
        year = int(m[2]) if m[2] else None
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            return None
        return Resolved(_month_year(MONTHS[m[1]], year, published, tense), "month")
    return False


# --------------------------------------------------------------------------- dateparser


#: dateparser fills a missing year from RELATIVE_BASE; we choose the year ourselves
#: (:func:`_closest_year`), so one parser with a fixed base (a leap year, for February 29)
#: serves every article — a parser per publication date would recompile dateparser's
#: patterns for each (≈0.25 s a call).
_BASE = dt.datetime(2000, 6, 15, 12, 0)


@functools.cache
def _parser():
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": _BASE,
            "PREFER_DATES_FROM": "current_period",
            "RETURN_TIME_AS_PERIOD": True,
            "PREFER_DAY_OF_MONTH": "first",
        },
    )


def warm() -> None:
    """dateparser's parser built and its English data read (~0.2 CPU-s at the first date), so
    that a process forked after this does not pay it; the dates' cache is left untouched."""
    _parser().get_date_data("31 August 2021")


_DP_PERIODS = {"day": "day", "week": "week", "month": "month", "year": "year"}
_HAS_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b|'\d\d\b")


@functools.lru_cache(maxsize=4096)
def _parse_calendar(s: str) -> tuple[dt.date, str] | None:
    """dateparser's reading of a calendar expression: (date, period), once per string."""
    try:
        data = _parser().get_date_data(s)
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None
    if data is None or data.date_obj is None:
        return None
    precision = _DP_PERIODS.get(data.period or "")
    if precision is None:
        return None
    return data.date_obj.date(), precision


def _dateparser(s: str, published: dt.date, tense: Tense) -> Resolved | None:
    """A calendar date in any written form ("Aug. 31", "31st of August", "2021-08-31")."""
    parsed = _parse_calendar(s)
    if parsed is None:
        return None
    d, precision = parsed
    if not _HAS_YEAR.search(s):
        if precision == "year":
            return None  # a year that is not in the text is the parser's base
        d = _closest_year(d.month, d.day if precision == "day" else 1, published, tense)
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        return None
    return Resolved(period_start(d, precision), precision)


_UNITS = {"day": "day", "week": "week", "month": "month", "year": "year"}


def _ago(m: re.Match, published: dt.date) -> Resolved:
    """ "two days ago", "three weeks earlier" (relative to publication)."""
    n = NUMBERS.get(m[1]) or int(m[1])
    unit = m[2]
    if unit == "day":
        return Resolved(published - dt.timedelta(days=n), "day")
    if unit == "week":
        return Resolved(week_start(published - dt.timedelta(weeks=n)), "week")
    if unit == "month":
        return Resolved(add_months(published, -n), "month")
    return Resolved(dt.date(published.year - n, 1, 1), "year")


# --------------------------------------------------------------------------- API


def resolve(text: str, published: dt.date | None, tense: Tense = "past") -> Resolved | None:
    """Resolve one time expression against the publication date (None when not usable).

    Without a publication date only self-contained calendar dates (with a year) resolve.
    """
    s = normalize(text)
    if not s or len(s) > 60:
        return None
    if published is None:
        if not _HAS_YEAR.search(s) or not _RE_HAS_CALENDAR.search(s):
            return None
        published = dt.date(2000, 1, 1)  # never used: the expression carries its year
        return _resolve_cached(s, published, "present")
    return _resolve_cached(s, published, tense)


@functools.lru_cache(maxsize=8192)
def _resolve_cached(s: str, published: dt.date, tense: Tense) -> Resolved | None:
    own = _own_rules(s, published, tense)
    if own is not False:
        return own
    if _RE_CLOCK.search(s) and not any(m in s.split() for m in MONTHS):
        return None  # a clock time alone says nothing about the day
    if m := _RE_AGO.match(s):
        return _ago(m, published)
    if _RE_HAS_CALENDAR.search(s) and _looks_calendar(s):
        return _dateparser(s, published, tense)
    return None


_RE_DURATION = re.compile(
    rf"^(?:nearly |almost |about |around |more than |over |some |at least |the (?:next|past|last) )?"
    rf"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    rf"several|few|a few|many|\d+-)\s*-?\s*{_UNIT}$|decades?|centur(?:y|ies)|\d0s$"
)


def _looks_calendar(s: str) -> bool:
    """Worth handing to dateparser: a calendar date, not a duration or a number."""
    if _RE_DURATION.search(s):
        return False
    words = s.replace(",", " ").replace(".", " ").split()
    if any(w in MONTHS for w in words):
        return True
    return bool(re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", s))


# --------------------------------------------------------------------------- finding

_FIND = re.compile(
    r"\b(?:(?:last|this|next|early|late|earlier|later)\s+)?"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    rf"(?:\s+{_TIME_OF_DAY})?\b|"
    r"\b(?:yesterday|today|tonight|tomorrow)\b|"
    r"\b(?:earlier|later)\s+this\s+(?:week|month|year)\b|"
    r"\b(?:last|next|this)\s+(?:week|weekend|month|year)\b",
    re.IGNORECASE,
)


def find_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the time expressions our rules know, for those a NER may miss."""
    return [(m.start(), m.end()) for m in _FIND.finditer(text)]
