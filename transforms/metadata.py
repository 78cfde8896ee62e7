"""Article metadata that analysts ask for first: outlet, authors, exact time, dateline. Pure.

* :func:`outlet_from_url` — the URL's registered domain (``www.bbc.co.uk`` → ``bbc.co.uk``),
  from the Public Suffix List bundled with the ``tld`` package (no download); the host itself
  for an IP address or a single-label host.
* :func:`clean_authors` — bylines as they come from meta tags, JSON-LD, feeds and page text
  ("By Jane Doe and John Roe, Reuters", "DOE, Jane", "jane@x.com (Jane Doe)") into a list of
  person names; organisations (the outlet, news agencies, "Staff") are not authors.
* :func:`parse_timestamp` — an ISO 8601 / RFC 822 date-time into an aware UTC datetime when
  the string carries a time *and* a zone (a time without a zone is not an instant: None).
* :func:`find_dateline` — the place of a wire dateline at the start of the body
  ("BRUSSELS (Reuters) -", "NICOSIA, Aug 8 -", "KYIV, Ukraine (AP) —"); the body is not
  changed, so that every character offset stays valid.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import re
from urllib.parse import urlsplit

# --------------------------------------------------------------------------- outlet


def host_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def outlet_from_url(url: str | None) -> str | None:
    """The registered domain of a URL (``news.example.co.uk`` → ``example.co.uk``)."""
    host = host_of(url)
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    from tld import get_fld

    fld = get_fld(host, fix_protocol=True, fail_silently=True)
    return fld or host.removeprefix("www.")


def clean_outlet(name: str | None) -> str | None:
    """A publisher name as declared by a page or feed, tidied (None when it is only a URL)."""
    if not name:
        return None
    name = " ".join(str(name).split()).strip(" -|:·")
    if not name or "://" in name or len(name) > 100:
        return None
    return name


# --------------------------------------------------------------------------- authors

#: Words that make a byline part an organisation or a role, not a person.
_NOT_PERSON = {
    "staff",
    "reporter",
    "reporters",
    "correspondent",
    "correspondents",
    "editor",
    "editors",
    "editorial",
    "desk",
    "team",
    "newsroom",
    "agency",
    "agencies",
    "news",
    "wire",
    "wires",
    "press",
    "associated",
    "reuters",
    "afp",
    "ap",
    "bloomberg",
    "dpa",
    "efe",
    "ansa",
    "xinhua",
    "pa",
    "board",
    "admin",
    "administrator",
    "contributor",
    "contributors",
    "guest",
    "unknown",
    "anonymous",
}
_ROLE_SUFFIX_RE = re.compile(
    r"\s*[,|–—-]\s*(?:(?:senior|chief|special|staff|foreign|political|economics?|business|"
    r"science|health|technology|sports?|security|diplomatic|investigative|national|"
    r"international|legal|climate|energy|europe|africa|asia|middle east|us|uk|world|"
    r"deputy|associate|managing|contributing|executive)\s+)*"
    r"(?:writer|reporter|correspondent|editor|columnist|journalist|analyst|contributor|"
    r"producer|photographer|bureau chief)\b.*$",
    re.IGNORECASE,
)
_SPLIT_RE = re.compile(r"\s*(?:;|\||\band\b|&|\bund\b|\bet\b|\by\b|,(?=\s*[A-Z][^,]*\s))\s*")
_EMAIL_RE = re.compile(r"\S+@\S+")
_BY_RE = re.compile(r"^\s*(?:written\s+)?(?:by|von|par|por|di|door|av)[:\s]+", re.IGNORECASE)
_NAME_CHARS_RE = re.compile(r"^[^\W\d_][\w.'’\- ]*[\w.]$", re.UNICODE)


def _person_name(part: str) -> str | None:
    named = re.search(r"\S+@\S+\s*\(([^()]+)\)", part)  # RSS: "jane@x.com (Jane Doe)"
    if named:
        part = named[1]
    part = _EMAIL_RE.sub(" ", part)
    part = re.sub(r"\(.*?\)|https?://\S+|\bin [A-Z][a-z]+(?: [A-Z][a-z]+)*$", " ", part)
    part = _BY_RE.sub("", part)
    part = _ROLE_SUFFIX_RE.sub("", part)
    part = " ".join(part.split()).strip(" ,.;:-–—|")
    if not part or not _NAME_CHARS_RE.match(part):
        return None
    words = part.split()
    if not 1 < len(words) <= 5:
        return None  # a single word is a brand or a handle; six words are a sentence
    if any(w.lower().strip(".") in _NOT_PERSON for w in words):
        return None
    if part.isupper() or part.islower():
        return " ".join(_name_case(w) for w in part.split())
    return part


def _name_case(word: str) -> str:
    """A shouted or lower-case name word in name case ('DOE' → 'Doe'); others unchanged."""
    if not (word.isupper() or word.islower()) or (len(word) <= 2 and word.endswith(".")):
        return word
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


def _inverted(part: str) -> str | None:
    """'Doe, Jane' → 'Jane Doe' (a comma between two single names)."""
    m = re.fullmatch(r"\s*([^\W\d_][\w'’\-]+),\s*([^\W\d_][\w.'’\- ]+?)\s*", part)
    if m and len(m[2].split()) <= 2:
        return f"{m[2]} {m[1]}"
    return None


def clean_authors(values: list[str] | str | None, *, outlet: str | None = None) -> list[str]:
    """Person names from raw byline values, in order, without repeats."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    seen: set[str] = set()
    outlet_key = (outlet or "").lower()
    for value in values:
        if not isinstance(value, str):
            continue
        value = " ".join(value.split())
        swapped = _inverted(value)
        if swapped and swapped.upper() != swapped:
            swapped = " ".join(_name_case(w) for w in swapped.split())
        parts = [swapped] if swapped else _SPLIT_RE.split(_BY_RE.sub("", value))
        for part in parts:
            name = _person_name(part or "")
            if not name:
                continue
            key = name.lower()
            if key in seen or (outlet_key and key == outlet_key):
                continue
            seen.add(key)
            out.append(name)
    return out


#: A byline line at the very start of a body ("By Jane Doe and John Roe").
_BYLINE_LINE_RE = re.compile(r"^\s*By\s+([^\n]{3,120})\n", re.IGNORECASE)


#: A wire credit line closing the body: "(Reporting by A and B; Additional reporting by C;
#: Editing by D)". Reporters are authors; editors are not.
_CREDIT_RE = re.compile(
    r"\(?((?:Additional\s+)?(?:Reporting|Writing|Written)\s+by\s+[^()\n]{3,300}?)\)?\s*$",
    re.IGNORECASE,
)
_CREDIT_PART_RE = re.compile(
    r"(?:Additional\s+)?(?:reporting|writing|written)\s+by\s+(.+)", re.IGNORECASE
)


def byline_from_body(body: str) -> list[str]:
    """Authors named on a 'By …' line that opens the body, or in the wire credit line that
    closes it (when the page had no metadata)."""
    m = _BYLINE_LINE_RE.match(body)
    if m:
        return clean_authors(m[1])
    m = _CREDIT_RE.search(body[-400:])
    if not m:
        return []
    names: list[str] = []
    for part in m[1].split(";"):
        credit = _CREDIT_PART_RE.match(part.strip())
        if credit:
            for name in re.split(r"\s+and\s+|\s*,\s*|\s*&\s*", credit[1]):
                names.append(re.sub(r"\s+in\s+[A-Z][\w .]+$", "", name))
    return clean_authors(names)


# --------------------------------------------------------------------------- timestamps

_HAS_TIME_RE = re.compile(r"\d{1,2}:\d{2}")
_HAS_ZONE_RE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2}|\b(?:GMT|UTC|UT|[ECMP][SD]T)\b)\s*$", re.I)


def parse_timestamp(value: object) -> dt.datetime | None:
    """An aware UTC datetime from ISO 8601 or RFC 822 text with a time and a zone, else None."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _HAS_TIME_RE.search(text) or not _HAS_ZONE_RE.search(text):
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed.astimezone(dt.UTC)


def parse_day(value: object) -> dt.date | None:
    """The calendar date of an ISO or RFC 822 date or date-time (in its own zone)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


# --------------------------------------------------------------------------- dateline

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_CAPS_PLACE = r"[A-Z][A-Z'’.\-]+(?:[ /][A-Z][A-Z'’.\-]+){0,3}"
_REGION = r"(?:,\s*(?:[A-Z][a-z'’.\-]+\.?(?:\s[A-Z][a-z'’.\-]+\.?){0,2}|[A-Z]{2,3}))?"
_DATELINE_RE = re.compile(
    rf"^\s*(?P<place>{_CAPS_PLACE}){_REGION}"
    rf"(?:,?\s*{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?)?"
    r"\s*(?:\((?P<agency>[A-Za-z][\w .&/\-]{0,30})\))?"
    r"\s*(?:[-–—]{1,2}|:)\s+\S"
)
_PLACE_STOP = {"UPDATE", "CORRECTED", "REFILE", "BREAKING", "EXCLUSIVE", "ANALYSIS", "WRAPUP"}


def _title_place(text: str) -> str:
    def cap(word: str) -> str:
        return "/".join(
            "-".join(p[:1].upper() + p[1:].lower() for p in part.split("-"))
            for part in word.split("/")
        )

    return " ".join(cap(w) for w in text.split())


def find_dateline(body: str) -> str | None:
    """The place named by a dateline opening the body, in title case ("Brussels")."""
    m = _DATELINE_RE.match(body[:300])
    if not m:
        return None
    place = m["place"].strip()
    if place.upper() in _PLACE_STOP or len(place) < 3:
        return None
    head = body[: m.end()]
    region = re.match(
        rf"\s*{re.escape(place)}(,\s*[A-Za-z][\w'’.\- ]+?)(?=[,(\s–—-]*(?:{_MONTHS}|\(|[-–—:]))",
        head,
    )
    name = _title_place(place)
    if region and not re.fullmatch(rf",\s*{_MONTHS}", region[1]):
        extra = region[1].strip(", ").strip()
        if extra and not any(ch.isdigit() for ch in extra):
            name += ", " + (
                extra if not extra.isupper() or len(extra) <= 3 else _title_place(extra)
            )
    return name
