"""Consistency checks for the gazetteer data in ``transforms/data`` (demonyms, aliases, regions).

These test the TSV files themselves, not the code that loads them. ``_key`` copies the name
normalization of ``transforms.gazetteer.name_key`` (NFKC, casefold, no leading "the", no dots,
hyphens as spaces) so that collisions the loader would silently drop are caught here.

"Georgia" is pycountry's own name for GE, so it is not listed as an alias. It is also a US state;
the mention code, not this data, has to settle which one a text means.
"""

from __future__ import annotations

import collections
import csv
from pathlib import Path

import pytest

from transforms.gazetteer import name_key

pycountry = pytest.importorskip("pycountry")

DATA = Path(__file__).resolve().parents[2] / "transforms" / "data"

DEMONYM_KINDS = {"adj", "person", "plural"}
REGION_KINDS = {"continent", "region", "subregion", "sea", "ocean", "territory", "range", "desert"}
REGION_SOURCES = {"M49", "continent", "common"}
# Region names that are also a country name or alias; the country reading wins when loading.
REGION_COUNTRY_OVERLAP = {"Antarctica", "Micronesia"}
# ISO 3166-1 codes that are not UN member states: territories, Antarctica, Taiwan, and the two
# observer states. Every other code (the 193 members), plus PS, TW and XK, needs a demonym.
NOT_UN_MEMBERS = set(
    "AQ AS AI AW AX BL BM BQ BV CC CK CW CX EH FK FO GF GG GI GL GP GS GU HK HM IM IO JE KY MF "
    "MO MP MQ MS NC NF NU PF PM PN PR PS RE SH SJ SX TC TF TK TW UM VA VG VI WF YT".split()
)


def _key(text: str) -> str:
    return name_key(text)  # the loader's own normalization: aliases must not collide under it


def _load(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def former_states() -> list[dict[str, str]]:
    header, rows = _load("former_states.tsv")
    assert header == ["alpha2", "name"]
    return rows


@pytest.fixture(scope="module")
def codes(former_states) -> set[str]:
    return {c.alpha_2 for c in pycountry.countries} | {"XK"} | {r["alpha2"] for r in former_states}


def test_former_states_carry_their_former_iso_codes(former_states, country_name_keys):
    """ISO 3166-3's former alpha-2 codes, none of them a current code; names no current
    country has; sorted by code. (A state renamed, not dissolved — Zaire, Burma, West
    Germany — is an alias of its country, not a former state.)"""
    former = {c.alpha_2 for c in pycountry.historic_countries}
    current = {c.alpha_2 for c in pycountry.countries}
    assert [r["alpha2"] for r in former_states] == ["CS", "DD", "SU", "YU"]
    for row in former_states:
        assert row["alpha2"] in former and row["alpha2"] not in current, row
        assert _key(row["name"]) not in country_name_keys, row


@pytest.fixture(scope="module")
def country_name_keys() -> dict[str, set[str]]:
    """name_key -> codes, over pycountry's name, official_name and common_name."""
    keys: dict[str, set[str]] = collections.defaultdict(set)
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                keys[_key(value)].add(c.alpha_2)
    return keys


@pytest.fixture(scope="module")
def demonyms() -> list[dict[str, str]]:
    header, rows = _load("demonyms.tsv")
    assert header == ["alpha2", "form", "kind", "ambiguous"]
    return rows


@pytest.fixture(scope="module")
def aliases() -> list[dict[str, str]]:
    header, rows = _load("country_aliases.tsv")
    assert header == ["alpha2", "alias"]
    return rows


@pytest.fixture(scope="module")
def regions() -> list[dict[str, str]]:
    header, rows = _load("regions.tsv")
    assert header == ["name", "kind", "source"]
    return rows


def test_rows_are_complete_and_trimmed(demonyms, aliases, regions):
    for rows in (demonyms, aliases, regions):
        for row in rows:
            assert None not in row, row  # no extra columns
            for value in row.values():
                assert value and value == value.strip(), row


def test_files_are_sorted(demonyms, aliases, regions):
    dem = [(r["alpha2"], r["form"]) for r in demonyms]
    assert dem == sorted(dem)
    ali = [(r["alpha2"], r["alias"]) for r in aliases]
    assert ali == sorted(ali)
    reg = [(r["kind"], r["name"]) for r in regions]
    assert reg == sorted(reg)


def test_demonym_codes_and_kinds(demonyms, codes):
    for row in demonyms:
        assert row["alpha2"] in codes, row
        assert row["kind"] in DEMONYM_KINDS, row
        assert row["ambiguous"] in {"0", "1"}, row


def test_demonyms_unique_per_country(demonyms):
    pairs = collections.Counter((r["alpha2"], r["form"]) for r in demonyms)
    assert [p for p, n in pairs.items() if n > 1] == []


def test_ambiguity_flag_matches_data(demonyms):
    codes_of: dict[str, set[str]] = collections.defaultdict(set)
    for row in demonyms:
        codes_of[row["form"]].add(row["alpha2"])
    for row in demonyms:
        shared = len(codes_of[row["form"]]) > 1
        assert (row["ambiguous"] == "1") == shared, row
    # The same form must carry the same kind everywhere it appears.
    kinds_of: dict[str, set[str]] = collections.defaultdict(set)
    for row in demonyms:
        kinds_of[row["form"]].add(row["kind"])
    assert {f: k for f, k in kinds_of.items() if len(k) > 1} == {}


def test_every_state_has_a_demonym(demonyms):
    expected = {c.alpha_2 for c in pycountry.countries} - NOT_UN_MEMBERS | {"PS", "TW", "XK"}
    assert len(expected) == 196
    assert expected - {r["alpha2"] for r in demonyms} == set()


def test_demonym_spot_checks(demonyms):
    rows = {(r["alpha2"], r["form"], r["kind"], r["ambiguous"]) for r in demonyms}
    for row in [
        ("FR", "French", "adj", "0"),
        ("FR", "Frenchman", "person", "0"),
        ("FR", "Frenchmen", "plural", "0"),
        ("ML", "Malian", "adj", "0"),
        ("ML", "Malians", "plural", "0"),
        ("US", "American", "adj", "0"),
        ("GB", "British", "adj", "0"),
        ("GB", "Briton", "person", "0"),
        ("NL", "Dutch", "adj", "0"),
        ("DK", "Dane", "person", "0"),
        ("PH", "Filipinos", "plural", "0"),
        ("AE", "Emirati", "adj", "0"),
        ("SA", "Saudi", "adj", "0"),
        ("MM", "Burmese", "adj", "0"),
        ("IE", "Irish", "adj", "0"),
        ("SD", "Sudanese", "adj", "0"),
        ("SS", "South Sudanese", "adj", "0"),
        ("PS", "Palestinian", "adj", "0"),
        ("XK", "Kosovar", "adj", "0"),
        ("CD", "Congolese", "adj", "1"),
        ("CG", "Congolese", "adj", "1"),
        ("KR", "Korean", "adj", "1"),
        ("KP", "Korean", "adj", "1"),
        ("DO", "Dominican", "adj", "1"),
        ("DM", "Dominican", "adj", "1"),
    ]:
        assert row in rows, row
    guinean = {r["alpha2"] for r in demonyms if r["form"] == "Guinean"}
    assert guinean >= {"GN", "GW", "GQ"}


def test_aliases(aliases, demonyms, codes, country_name_keys):
    for row in aliases:
        assert row["alpha2"] in codes, row
    names = [r["alias"] for r in aliases]
    assert [n for n, c in collections.Counter(names).items() if c > 1] == []
    # Spellings that normalize alike ("US", "U.S.") are fine, but only within one country.
    codes_of: dict[str, set[str]] = collections.defaultdict(set)
    for row in aliases:
        codes_of[_key(row["alias"])].add(row["alpha2"])
    assert {k: c for k, c in codes_of.items() if len(c) > 1} == {}
    # An alias adds a name pycountry lacks: it never repeats a pycountry name of any country.
    for row in aliases:
        assert _key(row["alias"]) not in country_name_keys, row
    forms = {r["form"] for r in demonyms}
    assert {r["alias"] for r in aliases} & forms == set()
    pairs = {(r["alpha2"], r["alias"]) for r in aliases}
    for pair in [
        ("US", "U.S."),
        ("US", "US"),
        ("GB", "UK"),
        ("GB", "Britain"),
        ("CI", "Ivory Coast"),
        ("CD", "DRC"),
        ("MM", "Burma"),
        ("XK", "Kosovo"),
        ("TR", "Turkey"),
    ]:
        assert pair in pairs, pair
    assert not any(_key(r["alias"]) == "congo" for r in aliases)  # bare "Congo" is ambiguous


def test_regions(regions, aliases, demonyms, country_name_keys):
    for row in regions:
        assert row["kind"] in REGION_KINDS, row
        assert row["source"] in REGION_SOURCES, row
    keys = collections.Counter(_key(r["name"]) for r in regions)
    assert [k for k, n in keys.items() if n > 1] == []
    taken = set(country_name_keys) | {_key(r["alias"]) for r in aliases}
    overlap = {r["name"] for r in regions if _key(r["name"]) in taken}
    assert overlap == REGION_COUNTRY_OVERLAP
    forms = {_key(r["form"]) for r in demonyms}
    assert {r["name"] for r in regions if _key(r["name"]) in forms} == set()
    names = {r["name"] for r in regions}
    for name in ["Sahel", "Indo-Pacific", "Middle East", "Sub-Saharan Africa", "Europe", "Pacific"]:
        assert name in names, name


ORG_KINDS = {"platform", "company", "media", "international", "government", "party"}
NON_ENTITY_KINDS = {"time_zone", "table", "unit", "currency", "disease", "degree", "rating"}


def test_organisations_non_entities_and_nations(aliases, demonyms, regions, country_name_keys):
    header, orgs = _load("organisations.tsv")
    assert header == ["kind", "name"]
    header, non = _load("non_entities.tsv")
    assert header == ["kind", "form", "note"]
    header, nations = _load("nations.tsv")
    assert header == ["alpha2", "name"]
    for rows in (orgs, non, nations):
        for row in rows:
            assert None not in row and all(v and v == v.strip() for v in row.values()), row
    assert [(r["kind"], r["name"]) for r in orgs] == sorted((r["kind"], r["name"]) for r in orgs)
    assert [(r["kind"], r["form"]) for r in non] == sorted((r["kind"], r["form"]) for r in non)
    assert {r["kind"] for r in orgs} <= ORG_KINDS
    assert {r["kind"] for r in non} <= NON_ENTITY_KINDS
    # One meaning per normalized name: no organisation, non-entity, nation, country, alias,
    # region or demonym shares a key with another.
    keys = collections.Counter(
        [_key(r["name"]) for r in orgs]
        + [_key(r["form"]) for r in non]
        + [_key(r["name"]) for r in nations]
    )
    assert [k for k, n in keys.items() if n > 1] == []
    places = (
        set(country_name_keys)
        | {_key(r["alias"]) for r in aliases}
        | {_key(r["name"]) for r in regions}
        | {_key(r["form"]) for r in demonyms}
    )
    assert [k for k in keys if k in places] == []
    assert {r["alpha2"] for r in nations} == {"GB"}
