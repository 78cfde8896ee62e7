"""Places, peoples and known names: countries (ISO 3166-1 via pycountry), regions, demonyms,
aliases, well-known organisations, and words that look like names but are none.

The data lives in ``transforms/data/*.tsv`` (see its README) so users can extend it. Loaded
once per process (:func:`gazetteer`).
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).with_name("data")
_COMMA_NAME_RE = re.compile(r"^(?P<base>[^,]+),\s*(?P<qual>.+)$")


_LEADING_THE_RE = re.compile(r"(?i)^the\s+")
_POSSESSIVE_S_RE = re.compile(r"(?i)'s$")


@functools.lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """Normalize a name for matching: NFKC, casefold, no dots or apostrophe-s, one space.

    Kept per text (a worker asks for the same names again and again: each entity's span is
    looked up as an organisation, a place and a non-entity, and again by the resolver)."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    text = _LEADING_THE_RE.sub("", text.strip())
    text = _POSSESSIVE_S_RE.sub("", text)
    text = text.replace(".", "").replace("-", " ")
    return " ".join(text.casefold().split())


def fold(text: str) -> str:
    """name_key without diacritics ("Kābul" -> "kabul")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return name_key("".join(c for c in decomposed if not unicodedata.combining(c)))


def _rows(name: str) -> list[dict[str, str]]:
    path = DATA_DIR / name
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _display(country) -> str:
    common = getattr(country, "common_name", None)
    if common:
        return common
    m = _COMMA_NAME_RE.match(country.name)
    if m:  # "Korea, Republic of" -> "Republic of Korea"
        qual = re.sub(r"(?i)\bthe$", "the", m["qual"])
        return f"{qual} {m['base']}"
    return country.name


#: Place kinds that are political entities (GPE); every other kind is a location (LOC).
GPE_KINDS = frozenset({"country", "nation"})


@dataclass(frozen=True)
class Place:
    name: str  # canonical display name
    kind: str  # "country", "nation" or a region kind (continent, region, sea …)
    code: str | None  # ISO 3166-1 alpha-2 for countries (and the state of a nation)

    @property
    def label(self) -> str:
        return "GPE" if self.kind in GPE_KINDS else "LOC"


@dataclass
class Gazetteer:
    places: dict[str, Place] = field(default_factory=dict)  # name_key -> place
    demonyms: dict[str, str] = field(default_factory=dict)  # exact form -> alpha2
    ambiguous_demonyms: set[str] = field(default_factory=set)
    country_names: dict[str, str] = field(default_factory=dict)  # alpha2 -> display
    subdivisions: dict[str, set[str]] = field(default_factory=dict)  # fold -> alpha2 codes
    organisations: dict[str, str] = field(default_factory=dict)  # name_key -> kind
    non_entities: dict[str, str] = field(default_factory=dict)  # name_key -> kind

    def place(self, text: str) -> Place | None:
        return self.places.get(name_key(text))

    def subdivision_country(self, text: str) -> str | None:
        """Country of a subdivision name ("Kent", "Texas"), if unambiguous."""
        codes = self.subdivisions.get(fold(text))
        return next(iter(codes)) if codes and len(codes) == 1 else None

    def is_subdivision(self, text: str) -> bool:
        return fold(text) in self.subdivisions

    def country_of_demonym(self, text: str) -> str | None:
        """ISO code for an unambiguous demonym form ("French", "Malians"), else None."""
        form = unicodedata.normalize("NFKC", text).replace("’", "'").strip()
        return self.demonyms.get(form)

    def is_demonym(self, text: str) -> bool:
        form = unicodedata.normalize("NFKC", text).replace("’", "'").strip()
        return form in self.demonyms or form in self.ambiguous_demonyms

    def organisation(self, text: str) -> str | None:
        """The kind of a well-known organisation ("platform", "media" …), else None."""
        return self.organisations.get(name_key(text))

    def non_entity(self, text: str) -> str | None:
        """The kind of a name-like form that is no entity ("time_zone", "table" …), else None."""
        return self.non_entities.get(name_key(text))

    def surface_forms(self) -> list[tuple[str, str]]:
        """(surface text, label) pairs to look for in text: place names and aliases, and the
        names of well-known organisations."""
        places = [(text, p.label) for text, p in self._surfaces]
        return places + [(text, "ORG") for text in self._org_names]

    _surfaces: list[tuple[str, Place]] = field(default_factory=list)
    _org_names: list[str] = field(default_factory=list)


@functools.cache
def gazetteer() -> Gazetteer:
    gaz = Gazetteer()
    display = {r["alpha2"]: r["display"] for r in _rows("country_display.tsv")}
    surfaces: list[tuple[str, Place]] = []

    def add(text: str, place: Place) -> None:
        key = name_key(text)
        if key and key not in gaz.places:
            gaz.places[key] = place
            surfaces.append((text, place))

    countries = {c.alpha_2: c for c in pycountry.countries}
    for code, country in countries.items():
        name = display.get(code) or _display(country)
        gaz.country_names[code] = name
    gaz.country_names.setdefault("XK", display.get("XK", "Kosovo"))
    for code, country in countries.items():
        place = Place(gaz.country_names[code], "country", code)
        add(gaz.country_names[code], place)
        for attr in ("common_name", "name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                add(value, place)
    # States that no longer exist but that news and archives name (the Soviet Union in 1987
    # newswire): their ISO 3166-3 former alpha-2 codes, never a current code.
    for row in _rows("former_states.tsv"):
        if row["alpha2"] not in gaz.country_names:
            gaz.country_names[row["alpha2"]] = row["name"]
            add(row["name"], Place(row["name"], "country", row["alpha2"]))
    for row in _rows("country_aliases.tsv"):
        code = row["alpha2"]
        if code in gaz.country_names:
            add(row["alias"], Place(gaz.country_names[code], "country", code))
    for row in _rows("nations.tsv"):
        if row["alpha2"] in gaz.country_names:
            add(row["name"], Place(row["name"], "nation", row["alpha2"]))
    for row in _rows("regions.tsv"):
        add(row["name"], Place(row["name"], row["kind"], None))
    gaz._surfaces = surfaces
    _load_names(gaz)
    return gaz


def _load_names(gaz: Gazetteer) -> None:
    """Subdivisions, organisations, non-entities and demonyms."""
    for sub in pycountry.subdivisions:
        name = re.sub(r"\s*\[.*?\]", "", sub.name)
        key = fold(name)
        if key and key not in gaz.places:
            gaz.subdivisions.setdefault(key, set()).add(sub.country_code)
    for row in _rows("organisations.tsv"):
        gaz.organisations[name_key(row["name"])] = row["kind"]
        gaz._org_names.append(row["name"])
    for row in _rows("non_entities.tsv"):
        gaz.non_entities[name_key(row["form"])] = row["kind"]
    for row in _rows("demonyms.tsv"):
        form = row["form"]
        if row.get("ambiguous") == "1":
            gaz.ambiguous_demonyms.add(form)
        elif row["alpha2"] in gaz.country_names:
            gaz.demonyms[form] = row["alpha2"]
