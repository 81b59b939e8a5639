"""Credits at the end of a wire story and bylines at its start.

    (Reporting by X in Tokyo and Y in Seoul; Additional reporting by Z; Editing by W)
    ((Reporting by X, editing by Y, Reuters messaging: ...))      old style, sometimes cut off
    By  Glenn Somerville                                          byline names

`parse_credits(inner)` reads the inside of one parenthesised group: role -> names, roles in
snake_case (`writing`, `reporting`, `additional_reporting`, `editing`, `compiling`, ...). It returns
None when the group is not a credits line, so callers leave such groups in the text.
`split_signoff(text)` removes trailing credit groups from a text (keeping a trailing currency note
such as `($1 = 0.76 euro)` in place) and returns (text, credits).
"""

from __future__ import annotations

import re

from curate.clean.publishers import DEFAULT, Conventions

RULES_VERSION = "signoff/4"  # bumped when what the sign-off rules write changes

# Last word of a role phrase ("Additional reporting by", "Graphic by", "Compiled by").
_ROLE_TAILS = (
    "reporting|reported|reportage|writing|written|wrote|editing|edited|compiled|compiling|compilation"
    "|graphic|graphics|photo|photos|photography|pictures|video|research|researched|production"
    "|produced|translation|translated|translating|contributed|contributing|coverage|analysis"
    "|interviews?|sub-editing|subbing|design|designed|illustrations?|story|text|data|updated|updating"
    "|polling|poll|fact-checking|by"
)
# Words that may qualify a role: "Additional reporting", "With reporting", "Lead writing".
_QUALIFIERS = r"additional|extra|further|other|with|also|main|lead|more|staff"
_ROLE = (
    rf"(?:(?:{_QUALIFIERS})\s+){{0,2}}(?:{_ROLE_TAILS})"
    rf"(?:\s+(?:and|&)\s+(?:(?:{_QUALIFIERS})\s+){{0,2}}(?:{_ROLE_TAILS}))?"
)
# "... by", typos "reporting to", and "Additional reporting" with the "by" left out; a bare "By"
# (a byline inside the sign-off) counts as writing.
_BY = r"(?:\s+(?:by|to)\b|(?<=additional reporting)(?=\s+[A-Z]))"
_ROLE_OR_BY = rf"(?:(?:{_ROLE}){_BY}|(?-i:By)\b)"
# A role phrase at the start of the group or after a separator: ; , . : ' (a typo for ;) or " - ".
_ROLE_AT_RE = re.compile(
    rf"(?:^|[;,.:'’]|\s-|\sand\b|\s(?=(?-i:[A-Z])))\s*(?P<role>{_ROLE_OR_BY})[ \t:]*",
    re.IGNORECASE,
)
ROLE_BY = rf"(?i:{_ROLE}\s+by)"  # a role phrase with its `by`, never a bare `By` (credit_line.py)
_STARTS_WITH_ROLE_RE = re.compile(rf"\s*{_ROLE_OR_BY}", re.IGNORECASE)
# "Steve Stecklow reported from London; ..." opens some sign-offs.
_NAME_REPORTED_RE = re.compile(
    r"\s*(?P<names>[A-Z][^;()]{0,300}?)\s+(?P<verb>reported|wrote|contributed)\b(?P<more>[^;]*)"
)

_ROLE_WORDS = {
    "reported": "reporting",
    "reportage": "reporting",
    "written": "writing",
    "wrote": "writing",
    "edited": "editing",
    "subbing": "editing",
    "compiled": "compiling",
    "compilation": "compiling",
    "researched": "research",
    "poll": "polling",
    "produced": "production",
    "translated": "translation",
    "translating": "translation",
    "designed": "design",
    "contributed": "contributing",
    "updated": "updating",
}

_NAME_SPLIT_RE = re.compile(r"\s*(?:,|;|&|/|\band\b|\bwith\b)\s*")
_NAME_SUFFIX_RE = re.compile(r"(?:^|\s+)(?:in|at|from|via|for|of)\s+.*$", re.DOTALL)
_BAD_NAME_RE = re.compile(r"[0-9@:/=()\[\]<>#$%*+]|https?|www\.|\.com\b", re.IGNORECASE)
# Strict person-name shape, for credits not introduced by "<role> by".
_PERSON_RE = re.compile(
    r"^[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|de|del|der|van|von|da|di|al|bin|le|la|du))+$"
)
_CURRENCY_NOTE_RE = re.compile(
    r"^\s*(?:US|A|C|NZ|HK|S)?\$\s*1(?:\.00)?\s*=|^\s*1\s+[A-Za-z]+\s*=|^\s*[A-Z]{3}\s*1\s*=|^\s*\$1\s",
)


def _norm_ws(s: str) -> str:
    return " ".join(s.split())


def norm_role(phrase: str) -> list[str]:
    """'Additional Reporting by' -> ['additional_reporting']; 'Reporting and writing' -> two roles."""
    phrase = re.sub(r"\s+(?:by|to)$", "", phrase.strip().lower())
    if phrase in ("by", ""):
        return ["writing"]
    parts = re.split(r"\s+(?:and|&)\s+", phrase)
    roles = []
    for part in parts:
        words = [_ROLE_WORDS.get(w, w) for w in part.replace("-", "_").split()
                 if w not in ("with", "also")]
        if words:
            roles.append("_".join(words))
    return roles


def clean_name(raw: str, conv: Conventions | None = None) -> str | None:
    """Whitespace-normalised name without an ` in <Place>` / ` at <Org>` suffix; None when it is
    not a person's name: a place (ALL-CAPS, or a region of the table), an organisation (a word of
    the table's NOT_NAME_WORDS: `Reuters bureaux`), or anything with digits, links or markup."""
    conv = conv or DEFAULT
    name = _norm_ws(raw).strip(" .;,'’\"-")
    name = _NAME_SUFFIX_RE.sub("", name).strip(" .;,'’\"-")
    if not name or len(name) > 60 or len(name.split()) > 6:
        return None
    if name in conv.regions or name.rstrip(".") in conv.regions or conv.not_name_re.search(name):
        return None
    letters = [c for c in name if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):  # JAKARTA, D.C
        return None
    if _BAD_NAME_RE.search(name) or not name[0].isalpha():
        return None
    if " by " in f" {name.lower()} " or name.lower() in {"and", "by", "in", "the", "reuters messaging", "email", "tel"}:
        return None
    return name


def split_names(raw: str, conv: Conventions | None = None) -> list[str]:
    """Names of a credits list; the region after `X in Birmingham, Alabama` is not one."""
    conv = conv or DEFAULT
    names: list[str] = []
    after_place = False
    chunks = _NAME_SPLIT_RE.split(raw)
    # "Shanghai and Beijing newsrooms": beside a desk, a lone word is a place too
    desks = any(conv.not_name_re.search(ch) for ch in chunks)
    for chunk in chunks:
        if (after_place or desks) and len(chunk.split()) == 1:
            continue  # `Alabama` in "Verna Gates in Birmingham, Alabama"
        after_place = bool(_NAME_SUFFIX_RE.search(_norm_ws(chunk)))
        name = clean_name(chunk, conv)
        if name and name not in names:
            names.append(name)
    return names


def parse_credits(inner: str, conv: Conventions | None = None) -> dict[str, list[str]] | None:
    """Credits from the inside of a sign-off group, or None when it is not one."""
    credits: dict[str, list[str]] = {}
    if not _STARTS_WITH_ROLE_RE.match(inner):
        lead = _NAME_REPORTED_RE.match(inner)
        if not lead:
            return None
        # "A reported from London, B from Paris": B is one of them too
        names = split_names(lead.group("names") + "," + re.sub(r"^\s*\w+\s+\S+", "", lead.group("more")), conv)
        if not names or not all(_PERSON_RE.match(n) for n in names):
            return None
        credits[norm_role(lead.group("verb"))[0]] = names
        inner = inner[lead.end():]
    matches = list(_ROLE_AT_RE.finditer(inner))
    if not matches and not credits:
        return None
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(inner)
        names = split_names(inner[m.end():end], conv)
        if m.group("role").strip().lower() == "by":  # a bare "By": only real-looking names
            names = [n for n in names if _PERSON_RE.match(n)]
        for role in norm_role(m.group("role")):
            bucket = credits.setdefault(role, [])
            for n in names:
                if n not in bucket:
                    bucket.append(n)
    # a role phrase whose names are all desks or places (`Reporting by UK bureau`) is still a
    # sign-off: it leaves the text, with no credit; a bare `By` with no person's name is not
    named = any(m.group("role").strip().lower() != "by" for m in matches)
    credits = {r: ns for r, ns in credits.items() if ns}
    return credits if credits or named else None


def merge_credits(into: dict[str, list[str]], new: dict[str, list[str]]) -> None:
    for role, names in new.items():
        bucket = into.setdefault(role, [])
        for n in names:
            if n not in bucket:
                bucket.append(n)


def _matching_open(text: str, close: int) -> int:
    """Index of the '(' matching the ')' at `close`, or -1."""
    depth = 0
    for i in range(close, max(-1, close - 3000), -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _strip_parens(group: str) -> str:
    inner = group
    while inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1].strip()
    return inner


_OPEN_SIGNOFF_RE = re.compile(rf"\(+\s*{_ROLE_OR_BY}[^()]*$", re.IGNORECASE)
# Trailing groups that belong with the sign-off: contact details, correction notes.
_CONTACT_RE = re.compile(r"@|reuters messaging|\+\d[\d ]{6,}", re.IGNORECASE)
_NOTE_WORDS = (
    r"(?:Corrects|Correcting|Corrected|This story|This version|Refiles|Refiled|Updates|Adds|Changes|"
    r"Fixes|Removes|Recasts|Repeats|Clarifies|Amends|Inserts|Editors?'? ?note|Editing note|"
    r"This\s+(?:[\w.]+\s+){1,4}(?:story|version|article))"
)
NOTE_RE = re.compile(rf"^{_NOTE_WORDS}\b")
_OPEN_NOTE_RE = re.compile(rf"\(\s*{_NOTE_WORDS}\b[^()]*$")
_WINDOW = 2000


class _Peeled:
    """What the search took off the end so far: credit groups (last first), currency notes kept
    in the text, and contact/correction groups removed only if credits are found."""

    def __init__(self) -> None:
        self.groups: list[dict[str, list[str]]] = []
        self.kept_tail: list[str] = []
        self.pending: list[tuple[str, str]] = []  # (kind, group)


def _peel_closed_group(rest: str, conv: Conventions | None, peeled: _Peeled) -> tuple[str, bool]:
    """Take the `(...)` group ending `rest` off it: (rest, go on) where go on is False when the
    group is unbalanced or is neither credits, a currency note, a contact nor a note."""
    start = _matching_open(rest, len(rest) - 1)
    while start < 0 and rest.endswith("))"):  # unbalanced: "(Editing by X ))"
        rest = rest[:-1]
        start = _matching_open(rest, len(rest) - 1)
    if start < 0:
        return rest, False
    while start > 0 and rest[start - 1] == "(" and rest[start - 1:].endswith("))"):
        start -= 1
    group = rest[start:]
    inner = _strip_parens(group)
    credits = parse_credits(inner, conv)
    if credits is not None:
        peeled.groups.append(credits)
    elif _CURRENCY_NOTE_RE.match(inner) and not peeled.groups:
        peeled.kept_tail.append(group)
    elif _CONTACT_RE.search(inner) or NOTE_RE.match(inner):
        peeled.pending.append(("note" if NOTE_RE.match(inner) else "contact", group))
    else:
        return rest, False
    return rest[:start], True


def _peel_open_group(rest: str, conv: Conventions | None, peeled: _Peeled) -> tuple[str, bool]:
    """Take off a sign-off or note cut before its closing parenthesis (in the last _WINDOW
    characters): (rest, go on) where go on is False when there is none."""
    tail = rest[-_WINDOW:]
    offset = len(rest) - len(tail)
    m = _OPEN_SIGNOFF_RE.search(tail)
    if m:
        credits = parse_credits(_strip_parens(tail[m.start():].lstrip("(")), conv)
        if credits is not None:
            peeled.groups.append(credits)
            return rest[: offset + m.start()], True
    m = _OPEN_NOTE_RE.search(tail)
    if m:
        peeled.pending.append(("note", tail[m.start():]))
        return rest[: offset + m.start()], True
    return rest, False


def split_signoff(text: str, conv: Conventions | None = None) -> tuple[str, dict[str, list[str]], bool]:
    """Remove trailing credit groups; return (text, credits in reading order, note_removed).

    Trailing contact groups `(a.b@reuters.com; +1 202 ...)` and correction notes `(This story
    was corrected ...)` next to a sign-off go with it; a currency note `($1 = 0.76 euro)` after
    it stays in the text. A group that does not parse as credits stops the search.
    """
    peeled = _Peeled()
    rest = text.rstrip()
    for _ in range(10):
        rest = rest.rstrip()
        if rest.endswith(").") or rest.endswith(")\""):
            rest = rest[:-1]
        if not rest:
            break
        peel = _peel_closed_group if rest.endswith(")") else _peel_open_group
        rest, go_on = peel(rest, conv, peeled)
        if not go_on:
            break
    if not peeled.groups:
        return text, {}, False
    note = any(kind == "note" for kind, _ in peeled.pending)
    merged: dict[str, list[str]] = {}
    for credits in reversed(peeled.groups):
        merge_credits(merged, credits)
    rest = rest.rstrip()
    for group in reversed(peeled.kept_tail):
        rest = f"{rest} {group}" if rest else group
    return rest, merged, note


_BYLINE_RE = re.compile(r"(?:^|\s)By\s+(?P<names>.+?)\s*$", re.DOTALL)
_BYLINE_TAIL_RE = re.compile(r"\s+-\s+.*$")


def parse_byline(prefix: str, conv: Conventions | None = None) -> tuple[str, list[str]]:
    """`... By  Tim Hepher  and Benoit Van Overstraeten` -> (text before 'By', names)."""
    m = _BYLINE_RE.search(prefix)
    if not m:
        return prefix, []
    raw = _BYLINE_TAIL_RE.sub("", _norm_ws(m.group("names")))  # "Matthew Robinson - Analysis"
    names = split_names(raw, conv)
    if not names:
        return prefix, []
    return prefix[: m.start()], names


def split_closing_byline(text: str, conv: Conventions | None = None) -> tuple[str, list[str], str | None]:
    """A last paragraph `By Colleen Slevin, Associated Press` (an organisation of the table) ->
    (text without it, names, the organisation's agency); else (text, [], None)."""
    conv = conv or DEFAULT
    if conv.signoff_line_re is None:
        return text, [], None
    cut = text.rstrip().rfind("\n\n")
    last = text[cut + 2:].strip() if cut >= 0 else text.strip()
    m = conv.signoff_line_re.match(last)
    if not m:
        return text, [], None
    names = split_names(m.group("names"), conv)
    if not names:
        return text, [], None
    return (text[:cut] if cut >= 0 else ""), names, conv.agency_of_org(m.group("org"))


def _contributors(para: str, conv: Conventions) -> list[str] | None:
    """Names of a contributor line (`Associated Press writer X contributed ...`), else None."""
    for pattern in conv.contributor_lines:
        m = pattern.match(para)
        if m:
            return split_names(m.group("names"), conv)
    return None


def split_trailers(text: str, conv: Conventions | None = None) -> tuple[str, dict[str, list[str]], bool]:
    """Remove the closing matter the table names (TRAILERS: `© Reuters 2024`, PA's `ends`,
    `AFP sn`; a separator such as AP's `___` with the short paragraphs after it; contributor
    lines, whose names go to credits `contributing`): (text, credits, whether anything went)."""
    conv = conv or DEFAULT
    paras = text.rstrip().split("\n\n")
    credits: dict[str, list[str]] = {}
    removed = False
    while paras:
        last = paras[-1].strip()
        names = _contributors(last, conv)
        if names is not None or any(p.match(last) for p in conv.trailers):
            merge_credits(credits, {"contributing": names} if names else {})
            paras.pop()
            removed = True
            continue
        cut = _separator(paras, conv)
        if cut is None:
            break
        for para in paras[cut + 1:]:
            names = _contributors(para.strip(), conv)
            if names:
                merge_credits(credits, {"contributing": names})
        del paras[cut:]
        removed = True
    return "\n\n".join(paras), credits, removed


def _separator(paras: list[str], conv: Conventions) -> int | None:
    """Index of a separator paragraph followed only by short end matter, or None."""
    limit = conv.trailer_max_paragraphs
    for i in range(len(paras) - 1, max(-1, len(paras) - limit - 2), -1):
        if any(p.match(paras[i].strip()) for p in conv.trailer_separators):
            tail = paras[i + 1:]
            if len(tail) <= limit and all(len(p) <= conv.trailer_max_chars for p in tail):
                return i
            return None
    return None


_OPENING_BYLINE_RE = re.compile(r"\A[ \t]*By\s+(?P<names>[^\n]{2,200}?)[ \t]*(?:\n\n|\Z)")


def split_opening_byline(text: str, conv: Conventions | None = None) -> tuple[str, list[str]]:
    """A first paragraph that is only a byline (`By Toby Davis`, `By A and B`) -> (the text
    after it, names); a paragraph that reads on (`By the end of May, ...`) stays."""
    conv = conv or DEFAULT
    m = _OPENING_BYLINE_RE.match(text)
    if not m:
        return text, []
    chunks = [c.strip() for c in _NAME_SPLIT_RE.split(m.group("names").strip(" .")) if c.strip()]
    people = [c for c in chunks if conv.agency_of_org(c) is None]  # `By X, Associated Press`
    names = split_names(", ".join(people), conv)
    if not names or len(names) != len(people) or not all(_PERSON_RE.match(n) for n in names):
        return text, []
    return text[m.end():], names
