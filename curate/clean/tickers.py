"""Instrument-code markup in wire text: `( BKS.N )`, `(.SPX)`, `<ID:nSP6809>`, `<O/R>`, `[ID:nN1]`.

`strip_markup(text)` removes the markup and returns the cleaned text plus the instrument codes it
held (unique, in order of first appearance). Codes that only route the wire (`<ID:…>`, `<O/R>`,
`<US/>`, story ids) are removed without becoming tickers. Spacing is repaired where markup was cut
out (the markup takes the blanks before it along), so `Inc ( BKS.N ) has` becomes `Inc has` and
`Boeing ( BA.N ),` becomes `Boeing,`; other whitespace (line breaks, double spaces that mark
paragraphs in old wire copy) is left for the re-flow.
"""

from __future__ import annotations

import re

RULES_VERSION = "tickers/2"  # bumped when what the ticker rules write changes

# One instrument code (Reuters Instrument Code style):
#   BKS.N  GOOG.O  BRKa.N  7203.T  DBKGn.DE  VOWG_p.DE  SHMF.RTS   (root + exchange suffix)
#   .SPX   .DJI    .N225   .MIAPJ0000PUS                          (index)
#   0#.INDEX  0#GC:                                               (chain)
_CODE = (
    r"(?:"
    r"[A-Z0-9][A-Za-z0-9]{0,11}(?:_[a-z]{1,3})?\.[A-Z]{1,4}[a-z]?"
    r"|\.[A-Z0-9][A-Z0-9]{1,15}"
    r"|0#\.?[A-Z0-9][A-Z0-9.:]{0,15}"
    r")"
)
CODE_RE = re.compile(rf"^{_CODE}$")

# Common abbreviations that look like codes when written without spaces: "(U.S)".
_NOT_CODES = frozenset({"U.S", "U.K", "U.N", "E.U", "A.M", "P.M", "N.Y", "D.C", "S.A"})

# `( BKS.N )`, `(BKS.N)`, `( BKS.N , MSFT.O )`, `( .DJI )`; whitespace before it is eaten too.
_PAREN_RE = re.compile(rf"\(\s*({_CODE}(?:\s*[,;/]\s*{_CODE})*)\s*\)")

# Everything inside <...> that is wire routing or an instrument code.
_ANGLE_INNER = (
    r"(?:"
    r"ID[A-Za-z]?:\s*(?:ID:\s*)?[A-Za-z0-9]+"    # <ID:nSP6809>, <ID: nN0248>, <IDn:L1N0FS0NP>, <ID:ID:nL3N0H72YB>
    r"|n[A-Z0-9]{4,}"                            # <nN12345>
    r"|[A-Z0-9.#^=&_\-]{0,12}(?:/[A-Z0-9.#^=&_\-]{0,12})+"  # <O/R> <US/> <COM/WRAP> <GVD/EUR>
    r"|[A-Za-z]{1,6}\.\s?[a-z]{1,2}"             # <V. n>, <Mo. n>: a RIC lower-cased by an editor
    rf"|{_CODE}"                                 # <BKS.N> <.SPX> <0#.INDEX>
    r")"
)
_ANGLE_RE = re.compile(rf"<\s*({_ANGLE_INNER})\s*>")
# Graphic/link boxes: <^^^^^ GRAPHIC: ... link.reuters.com/xyz ^^^^^>
_BOX_RE = re.compile(r"<\^{3,}[^<>]{0,3000}?\^{3,}>")
# [ID:nN12345]
_BRACKET_ID_RE = re.compile(r"\[\s*ID:\s*[A-Za-z0-9]+\s*\]")

# Both forms in one pass, so tickers come out in order of first appearance.
_EITHER_RE = re.compile(f"{_PAREN_RE.pattern}|{_ANGLE_RE.pattern}")

_SPLIT_CODES = re.compile(r"\s*[,;/]\s*")

# What still looks like markup after cleaning (used for the "markup_left" flag).
MARKUP_LEFT_RE = re.compile(
    r"\(\s*[A-Z0-9.]+\.[A-Z]+\s*\)|<\s*/?[A-Za-z0-9.#^:/_=\- ]{1,40}>"
)


def _mangled_ric(inner: str) -> str | None:
    """`V. n` -> `V.N` (a RIC whose case and spacing an editor changed)."""
    m = re.fullmatch(r"([A-Za-z]{1,6})\.\s?([a-z]{1,2})", inner)
    if not m:
        return None
    return f"{m.group(1).upper()}.{m.group(2).upper()}"


def strip_markup(text: str, wire_codes: re.Pattern[str] | None = None) -> tuple[str, list[str]]:
    """Remove ticker markup and wire codes; return (text, tickers in order of first appearance).
    `wire_codes`: more routing codes to delete (the conventions table's, curate.clean.publishers)."""
    if wire_codes is not None:
        text = _remove(wire_codes, text, lambda m: "")
    if "(" not in text and "<" not in text and "[" not in text:
        return text, []
    found: list[str] = []
    seen: set[str] = set()

    def add(code: str) -> None:
        if code and code not in seen:
            seen.add(code)
            found.append(code)

    def paren(m: re.Match[str]) -> str:
        codes = [c for c in _SPLIT_CODES.split(m.group(1).strip()) if c]
        if any(c in _NOT_CODES for c in codes):
            return m.group(0)
        for c in codes:
            add(c)
        return ""

    def angle(inner: str) -> str:
        inner = inner.strip()
        if CODE_RE.match(inner) and inner not in _NOT_CODES:
            add(inner)
        else:
            ric = _mangled_ric(inner)
            if ric:
                add(ric)
        return ""

    out = text
    if "<^" in out:
        out = _remove(_BOX_RE, out, lambda m: "")

    def either(m: re.Match[str]) -> str:
        return paren(m) if m.group(1) is not None else angle(m.group(2))

    out = _remove(_EITHER_RE, out, either)
    if "[" in out:
        out = _remove(_BRACKET_ID_RE, out, lambda m: "")
    return out, found


_PUNCT_AFTER_RE = re.compile(r"[ \t]*([,.;:!?)\]])")
_BLANK_LINE_END_RE = re.compile(r"\n[ \t]*\n[ \t]*$")


def _remove(pattern: re.Pattern[str], text: str, repl) -> str:
    """re.sub that also drops the blanks right before each removed match, and the blanks between
    it and punctuation that follows (never across a blank line)."""
    pieces: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        if m.start() < last:
            continue
        new = repl(m)
        if new == m.group(0):
            continue
        before = text[last:m.start()]
        end = m.end()
        if not new:
            before = before.rstrip(" \t")
            after = _PUNCT_AFTER_RE.match(text, end)
            if after and not _BLANK_LINE_END_RE.search(before[-40:]):
                before = before.rstrip()
            if after:  # "Corp ( F.N ) , Ford" -> "Corp, Ford"; "Inc. ( X.N ) ." -> "Inc."
                end = after.start(1)
                if text[end] in ",.;:" and before.endswith(text[end]):
                    end += 1
        pieces.append(before)
        pieces.append(new)
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def has_markup(text: str) -> bool:
    return bool(MARKUP_LEFT_RE.search(text))
