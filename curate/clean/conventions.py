"""Publisher conventions as data: agency tags, sign-off organisations, wire codes, note openers,
which conventions each reader format carries, and words that are never names.

Only plain tables live here (no code); `curate.clean.publishers.compile_conventions` turns a table
into the patterns the cleaning uses, once. Adding a publisher is one entry in `AGENCIES` (and a
test), never a new branch in the cleaning code. This module is part of the clean cache key.

An agency entry:
    agency        the value written to the record's `agency` field
    tags          the text inside the dateline's parentheses: `DENVER (AP) —`, `(Reuters Legal)`
    tag_suffix_words  how many capitalised words may follow a tag (`(Reuters Health)`: 1)
    orgs          organisation names that end a trailing sign-off line: `By Name, Associated Press`
    wire_codes    regular expressions of routing codes to delete from the text
"""

from __future__ import annotations

AGENCIES: list[dict] = [
    {
        "agency": "Reuters",
        "tags": ["Reuters", "Thomson Reuters", "IFR", "LPC", "Breakingviews"],
        "tag_suffix_words": 2,
        "orgs": ["Reuters", "Thomson Reuters"],
        "wire_codes": [
            r"<\s*reut\.rs/[A-Za-z0-9]+\s*>",              # < reut.rs/1e6piFj >
            r"(?<![\w/.])n[A-Z]{1,3}\d?[A-Z0-9]*\d[A-Z0-9]*(?=\s*$)",  # a bare trailing nL1N0IM15P
        ],
    },
    {"agency": "AP", "tags": ["AP"], "orgs": ["Associated Press", "The Associated Press", "AP"]},
    {"agency": "AFP", "tags": ["AFP"], "orgs": ["AFP", "Agence France-Presse"]},
    {"agency": "Bloomberg", "tags": ["Bloomberg"], "orgs": ["Bloomberg", "Bloomberg News"]},
    {"agency": "UPI", "tags": ["UPI"], "orgs": ["UPI", "United Press International"]},
    {"agency": "dpa", "tags": ["dpa", "DPA"], "orgs": ["dpa", "Deutsche Presse-Agentur"]},
    {"agency": "PA", "tags": ["PA", "PA Media"], "orgs": ["PA", "Press Association", "PA Media"]},
    {"agency": "BBC", "tags": ["BBC"], "orgs": ["BBC", "BBC News"]},
    {"agency": "AAP", "tags": ["AAP"], "orgs": ["AAP", "Australian Associated Press"]},
    {"agency": "ANSA", "tags": ["ANSA"], "orgs": ["ANSA"]},
]

# Dateline forms beyond `PLACE, Date (TAG) -` (see docs/conventions.md), as regex templates:
# {tag} is any agency tag of the table (group `tag`), {place} an ALL-CAPS place, {mixplace} a
# title-case one, {date} a dateline date, {dash} any dash. Each needs its groups `place`, `tag`
# and may have `date`; tried at the start of the body, in order, before the other patterns.
DATELINE_FORMS: list[str] = [
    r"\((?P<tag>{tag})\)\s*{dash}\s*(?P<place>{mixplace}),\s*(?P<date>{date})\s*{dash}\s+",  # (ANSA) - Rome, October 11 -
    r"(?P<place>{place}),\s*(?P<date>{date})\s+(?P<tag>{tag})\s*{dash}\s+",  # SEOUL, Nov 26 AFP -
]

# Closing paragraphs that are no part of the story: removed from the end of the body (flag
# none; the text is not `truncated` for ending before them). Regexes matched against a whole
# last paragraph; {org} is any organisation or tag of AGENCIES, {tag} any tag.
TRAILERS: list[str] = [
    # © Reuters 2024 / (c) 2024 Reuters / Copyright 2024 The Associated Press. All rights reserved.
    r"(?i:(?:©|\(c\)|copyright)\s*(?:\d{4}\s+)?(?:{org})(?:\s+\d{4})?\.?(?:\s+all rights reserved\.?)?)",
    r"(?i:-*\s*ends\s*-*)",                                     # PA: ends
    r"(?:{tag})(?:\s+[A-Z]{2,5})?\s+[a-z]{2,3}(?:/[a-z]{2,3})*",  # desk initials: AAP RTV ar, AFP sn
    r"(?i:reach the (?:reporters?|writers?|authors?)\b.*)",      # AP: Reach the reporters at ...
]
# A separator paragraph (AP's `___`) opening the end matter: it and what follows go when what
# follows is at most TRAILER_MAX_PARAGRAPHS short paragraphs (under TRAILER_MAX_CHARS each).
TRAILER_SEPARATORS: list[str] = [r"_{3,}"]
TRAILER_MAX_PARAGRAPHS = 4
TRAILER_MAX_CHARS = 400
# A closing paragraph naming contributors (`Associated Press writer Jane Roe in Rome contributed
# to this report.`): removed, its names -> credits `contributing`. {org} as in TRAILERS.
CONTRIBUTOR_LINES: list[str] = [
    r"(?:{org})\s+(?:[A-Za-z-]+\s+){0,2}?(?:writers?|reporters?|correspondents?|journalists?|"
    r"photographers?)\s+(?P<names>[A-Z].+?)\s+(?:also\s+)?contributed\b[^.]*\.?",
]

# A closing paragraph that is a sign-off without its parentheses (`Reporting by A; Editing by B`,
# `By Jonas Feldkirch; editing by Maria Stein`): its credits are lifted as a parenthesised group's
# are (curate.clean.signoff) and the text is not `truncated` for ending there. Matched against
# the whole last paragraph (at most CREDIT_LINE_MAX_CHARS): {role} a role phrase with its `by`
# (`Reporting by`, `Additional reporting by`, `Editing by`), {names} person names (two to five
# capitalised words each, an `in <Place>` after one), {sep} what parts a credit line (; , . and).
CREDIT_LINES: list[str] = [
    r"{role}\s+{names}(?:{sep}{role}\s+{names})*\.?",    # Reporting by A; Editing by B
    r"By\s+{names}(?:{sep}{role}\s+{names})+\.?",        # By A; editing by B (a role after the byline)
]
CREDIT_LINE_MAX_CHARS = 300

# What each reader format carries. `dateline` / `signoff`: the format's texts normally have one,
# so a record without it is flagged `no_dateline` / `no_signoff` and counts towards the dateline
# null-rate rule; a format that never uses a convention is neither flagged nor counted.
# `bare_place`: a run of capitals opening the text is a dateline even with no dash, tag or date
# (`MOSCOW A U.S. envoy ...`, the seed wire layout); elsewhere a dateline needs one of those.
FORMATS: dict[str, dict[str, bool]] = {
    "seed_dateline": {"dateline": True, "signoff": True, "bare_place": True},
    "reuters_web": {"dateline": True, "signoff": True, "bare_place": False},
    "plaintext": {"dateline": False, "signoff": False, "bare_place": False},
    "jsonl": {"dateline": False, "signoff": False, "bare_place": False},
    "json": {"dateline": False, "signoff": False, "bare_place": False},
    # agency items state their dateline in the structure; the reader removes Reuters-21578's
    # `Reuter` sign-off; a feed item's desk sign-off (`AFP sn`, `ends`) is a TRAILERS row, never
    # expected
    "nitf": {"dateline": True, "signoff": False, "bare_place": False},
    "newsml_g2": {"dateline": True, "signoff": False, "bare_place": False},
    "ninjs": {"dateline": True, "signoff": False, "bare_place": False},
    "reuters21578": {"dateline": True, "signoff": False, "bare_place": False},
    # web pages: a dateline opens 13-18% of bodies (lifted when a dateline pattern holds), never
    # expected, never counted
    "html": {"dateline": False, "signoff": False, "bare_place": False},
    "warc": {"dateline": False, "signoff": False, "bare_place": False},  # pages read from a WARC
}
# a format missing from FORMATS (a new reader) carries nothing until it is listed
DEFAULT_FORMAT: dict[str, bool] = {"dateline": False, "signoff": False, "bare_place": False}

# Dashes that end a dateline: `BERLIN —`, `(Bloomberg) --`, `(Reuters) -`. A dateline without an
# agency tag or a date (`BERLIN —`) needs one of the LONG_DASHES: a hyphen there is too common
# in headline-style text (`US - China talks`).
DASHES: list[str] = ["--", "-", "–", "—"]
LONG_DASHES: list[str] = ["--", "–", "—"]

# A parenthesised group opening the body is an editorial note (removed, flag `editorial_note`)
# when its first word is one of these, or it matches one of NOTE_PATTERNS.
NOTE_WORDS: list[str] = [
    "Updates", "Adds", "Corrects", "Correcting", "Corrected", "Refiles", "Refiled", "Recasts",
    "Repeats", "Changes", "Fixes", "Removes", "Clarifies", "Amends", "Inserts", "Rewrites",
    "Writes", "Combines", "Deletes", "Edits", "Advisory", "Editors'", "Editor's", "Editors",
    "Repeating", "Updating", "Adding", "Recasting",
]
NOTE_PATTERNS: list[str] = [
    r"^In (?:paragraph|para|the \w+ paragraph)\b.*\bcorrects?\b",
    r"^The following (?:statement|is a|press release)\b",
    r"^This (?:[\w.]+ ){0,4}(?:story|version|article) (?:was|has been|is)\b",
]

# Words that make a credit name an organisation or a place, not a person (case-insensitive,
# whole word): `Reuters bureaux`, `Washington bureau`, `Reuters Fed reporting team`.
NOT_NAME_WORDS: list[str] = [
    "bureau", "bureaux", "bureaus", "staff", "team", "teams", "newsroom", "newsrooms", "desk",
    "desks", "correspondents", "wires", "agencies", "reuters", "reporters", "worldwide", "unit",
]
# Places that follow a name as `in City, State`: a chunk that is one of these is never a name.
REGIONS: list[str] = [
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
    "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky",
    "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi",
    "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico",
    "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania",
    "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont",
    "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "D.C", "D.C.", "DC",
    "England", "Scotland", "Wales", "Germany", "France", "Italy", "Spain", "China", "Japan",
    "India", "Brazil", "Canada", "Australia", "Mexico", "Russia", "Switzerland", "Ontario",
    "Quebec", "Peru", "Chile", "Colombia", "Argentina", "Indonesia", "Philippines",
]

# the table's version, recorded in every cleaned record's provenance.rules as `conventions/<n>`:
# bump it with any edit that changes what the cleaning writes (docs/conventions.md)
VERSION = 2

TABLE: dict = {
    "version": VERSION,
    "agencies": AGENCIES,
    "dateline_forms": DATELINE_FORMS,
    "trailers": TRAILERS,
    "trailer_separators": TRAILER_SEPARATORS,
    "trailer_max_paragraphs": TRAILER_MAX_PARAGRAPHS,
    "trailer_max_chars": TRAILER_MAX_CHARS,
    "contributor_lines": CONTRIBUTOR_LINES,
    "credit_lines": CREDIT_LINES,
    "credit_line_max_chars": CREDIT_LINE_MAX_CHARS,
    "formats": FORMATS,
    "default_format": DEFAULT_FORMAT,
    "dashes": DASHES,
    "long_dashes": LONG_DASHES,
    "note_words": NOTE_WORDS,
    "note_patterns": NOTE_PATTERNS,
    "not_name_words": NOT_NAME_WORDS,
    "regions": REGIONS,
}
