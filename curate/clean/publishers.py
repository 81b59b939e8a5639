"""The conventions table (curate.clean.conventions) compiled into the patterns the cleaning uses.

    compile_conventions(table) -> Conventions      once per table; DEFAULT is the shipped table
    Conventions.agency_of(tag) -> agency name       `Reuters Legal` -> `Reuters`
    Conventions.format(name) -> what a reader format carries (dateline, signoff, bare_place)

Nothing here knows a publisher by name: every publisher-specific string comes from the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from curate.clean import conventions


# Regex atoms of a dateline (used by curate.clean.header and the table's DATELINE_FORMS)
CAPW = r"[A-Z][A-Z'’.\-&]*(?=[\s/,]|$)"
MIXW = r"[A-Z][A-Za-z'’.\-]*(?=[\s/,]|$)"
PLACE = rf"{CAPW}(?:(?: |\s*/\s*){CAPW})*(?:,\s*{MIXW}(?:(?: |\s*/\s*){MIXW})*)?"
MIX_PLACE = rf"{MIXW}(?: {MIXW}){{0,2}}(?:,\s*{MIXW}(?: {MIXW}){{0,2}})?"
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
DATE = rf"(?:{MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{MONTH}(?:,?\s+\d{{4}})?)(?![\d:])"


def fill(template: str, **atoms: str) -> str:
    """A table regex with its {name} placeholders replaced (regex braces such as {4} stay)."""
    for name, atom in atoms.items():
        template = template.replace("{" + name + "}", atom)
    return template


def _alt(words) -> str:
    """A regex alternation of literal strings, longest first (so `Thomson Reuters` beats `Reuters`)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class Conventions:
    tag_re: re.Pattern[str]            # `(Reuters) - ` with the blanks around it; group `tag`
    tag_anywhere_re: re.Pattern[str]   # the same tag inside a line (removed, never a dateline)
    signoff_line_re: re.Pattern[str] | None  # `By Name, Associated Press` as the last paragraph
    wire_code_re: re.Pattern[str] | None
    note_re: re.Pattern[str]
    not_name_re: re.Pattern[str]
    regions: frozenset[str]
    dash: str                          # regex: any dash that may end a dateline
    long_dash: str                     # regex: a dash that alone makes `CITY —` a dateline
    formats: dict[str, dict[str, bool]]
    default_format: dict[str, bool]
    dateline_forms: tuple[re.Pattern[str], ...] = ()   # groups place, tag, date (table forms)
    trailers: tuple[re.Pattern[str], ...] = ()         # whole closing paragraphs to drop
    trailer_separators: tuple[re.Pattern[str], ...] = ()
    trailer_max_paragraphs: int = 0
    trailer_max_chars: int = 0
    contributor_lines: tuple[re.Pattern[str], ...] = ()  # group names
    credit_lines: tuple[str, ...] = ()  # templates: curate.clean.signoff fills the role atoms in
    credit_line_max_chars: int = 0
    version: str = "conventions/unversioned"  # provenance.rules["conventions"]: the table's `version`
    _tags: tuple[tuple[str, str], ...] = field(default=())     # (tag, agency), longest first
    _orgs: dict[str, str] = field(default_factory=dict)        # lower-cased org -> agency

    def agency_of(self, tag: str) -> str | None:
        tag = " ".join(tag.split())
        for t, agency in self._tags:
            if tag == t or tag.startswith(t + " "):
                return agency
        return None

    def agency_of_org(self, org: str) -> str | None:
        return self._orgs.get(" ".join(org.split()).lower())

    def format(self, name: str) -> dict[str, bool]:
        return self.formats.get(name, self.default_format)


def compile_conventions(table: dict) -> Conventions:
    """Patterns for one conventions table (see curate.clean.conventions for its shape)."""
    tag_alts, tags, orgs, codes = [], [], {}, []
    for entry in table["agencies"]:
        suffix = int(entry.get("tag_suffix_words", 0))
        more = rf"(?:\s+[A-Z][A-Za-z!]+){{0,{suffix}}}" if suffix else ""
        tag_alts.append(rf"(?:{_alt(entry['tags'])}){more}")
        tags.extend((t, entry["agency"]) for t in entry["tags"])
        for org in entry.get("orgs", ()):
            orgs[org.lower()] = entry["agency"]
        codes.extend(entry.get("wire_codes", ()))
    tag = rf"\((?P<tag>{'|'.join(tag_alts)})\)"
    dash = rf"(?:{_alt(table['dashes'])})"
    long_dash = rf"(?:{_alt(table['long_dashes'])})"
    org_alt = _alt(orgs_list := [o for e in table["agencies"] for o in e.get("orgs", ())])
    signoff = (
        re.compile(rf"^By\s+(?P<names>[A-Z][^\n()]{{1,200}}?),\s*(?P<org>{org_alt})"
                   rf"(?:\s+(?:[Ww]riters?|[Cc]orrespondents?|[Rr]eporters?))?\s*\.?$")
        if orgs_list else None
    )
    notes = [rf"^(?:{_alt(table['note_words'])})(?=[\s:,]|$)", *table.get("note_patterns", ())]
    all_tags = _alt(t for _, t in ((e, t) for e in table["agencies"] for t in e["tags"]))
    atoms = {"tag": all_tags, "org": _alt([*orgs_list, *(t for e in table["agencies"] for t in e["tags"])]),
             "place": PLACE, "mixplace": MIX_PLACE, "date": DATE, "dash": dash}

    def whole(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(rf"(?:{fill(t, **atoms)})\Z") for t in table.get(key, ()))
    return Conventions(
        tag_re=re.compile(rf"\s*{tag}\s*{dash}\s*"),
        tag_anywhere_re=re.compile(rf"[ \t]*{tag}[ \t]*{dash}[ \t]*"),
        signoff_line_re=signoff,
        wire_code_re=re.compile("|".join(f"(?:{c})" for c in codes), re.MULTILINE) if codes else None,
        note_re=re.compile("|".join(f"(?:{p})" for p in notes)),
        not_name_re=re.compile(rf"\b(?:{_alt(table['not_name_words'])})\b", re.IGNORECASE),
        regions=frozenset(table["regions"]),
        dash=dash,
        long_dash=long_dash,
        formats=dict(table["formats"]),
        default_format=dict(table["default_format"]),
        dateline_forms=tuple(re.compile(fill(f, **atoms)) for f in table.get("dateline_forms", ())),
        trailers=whole("trailers"),
        trailer_separators=whole("trailer_separators"),
        trailer_max_paragraphs=int(table.get("trailer_max_paragraphs", 0)),
        trailer_max_chars=int(table.get("trailer_max_chars", 0)),
        contributor_lines=whole("contributor_lines"),
        credit_lines=tuple(table.get("credit_lines", ())),
        credit_line_max_chars=int(table.get("credit_line_max_chars", 0)),
        version=f"conventions/{table['version']}" if "version" in table else "conventions/unversioned",
        _tags=tuple(sorted(tags, key=lambda ta: (-len(ta[0]), ta[0]))),
        _orgs=orgs,
    )


DEFAULT = compile_conventions(conventions.TABLE)
