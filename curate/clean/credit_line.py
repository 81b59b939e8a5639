"""A closing credit line without parentheses: `Reporting by A; Editing by B` or `By Jonas
Feldkirch; editing by Maria Stein` as the body's whole last paragraph (the table's CREDIT_LINES).

`split_credit_line(text)` -> (the text before it, its credits read as a parenthesised group's
are, by `curate.clean.signoff.parse_credits`), or (text, None) when the last paragraph is no such
line: a sentence of the story that opens with `By` (`By then, Maria Stein had left.`) stays.
"""

from __future__ import annotations

import re

from curate.clean.publishers import DEFAULT, Conventions, fill
from curate.clean.signoff import ROLE_BY, parse_credits

# The atoms of the table's CREDIT_LINES: a role phrase with its `by` (never a bare `By`), a
# person's name (with an `in <Place>` after it), a list of them, what parts two credits.
_WORD = r"[A-Z][\w'’.\-]*"
_NAME = (rf"{_WORD}(?:\s+(?:{_WORD}|de|del|der|van|von|da|di|al|bin|le|la|du)){{1,4}}"
         rf"(?:\s+(?:in|at|from)\s+{_WORD}(?:\s+{_WORD}){{0,2}}(?:,\s*{_WORD}(?:\s+{_WORD})?)?)?")
_CREDIT_ATOMS = {
    "role": ROLE_BY,
    "names": rf"{_NAME}(?:(?:\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+){_NAME})*",
    "sep": r"(?:\s*[;,.]\s*|\s+and\s+)",
}
_credit_line_res: dict[tuple[str, ...], tuple[re.Pattern[str], ...]] = {}


def _credit_lines(conv: Conventions) -> tuple[re.Pattern[str], ...]:
    """The table's CREDIT_LINES compiled (once per table) with the atoms above."""
    if conv.credit_lines not in _credit_line_res:
        _credit_line_res[conv.credit_lines] = tuple(
            re.compile(rf"(?:{fill(t, **_CREDIT_ATOMS)})\Z") for t in conv.credit_lines)
    return _credit_line_res[conv.credit_lines]


def split_credit_line(text: str, conv: Conventions | None = None) -> tuple[str, dict[str, list[str]] | None]:
    """A last paragraph that is a sign-off without parentheses (a CREDIT_LINES row: `Reporting by
    A; Editing by B`) -> (the text before it, its credits); else (text, None). Only the whole
    paragraph counts: `By then, Maria Stein had left.` is a sentence of the story."""
    conv = conv or DEFAULT
    cut = text.rstrip().rfind("\n\n")
    last = (text[cut + 2:] if cut >= 0 else text).strip()
    if not last or len(last) > conv.credit_line_max_chars:
        return text, None
    if not any(p.match(last) for p in _credit_lines(conv)):
        return text, None
    credits = parse_credits(last, conv)
    if credits is None:
        return text, None
    return (text[:cut] if cut >= 0 else ""), credits
