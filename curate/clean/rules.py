"""Cleaning: repair the body text and lift header-like content into fields.

Interface:
    clean_text(text, params) -> str               idempotent text normalisation
    clean_record(record, params) -> Record         text cleaned; dateline, credits, tickers, authors filled

`clean_text` only repairs and re-flows (nothing is removed but noise characters):
  1. mojibake repair with ftfy (`params.fix_mojibake`), HTML entities unescaped to a fixed point,
     line breaks unified, odd spaces (NBSP, thin, ideographic, tab) to ' ', control characters,
     surrogates and zero-width/soft-hyphen characters dropped, Unicode NFC;
  2. re-flow (`params.reflow`): blank lines separate paragraphs; in a hard-wrapped block (median
     line <= 100 chars) lines are joined unless a line starts with whitespace (Reuters web
     layout: one paragraph a line, each starting with a space); in other blocks each line is a
     paragraph; two or more spaces after a sentence end start a paragraph (old wire copy); every
     paragraph is single-spaced on one line; paragraphs are joined by "\\n\\n".

`clean_record` additionally, on the repaired text and before re-flow removes ticker markup and wire
codes (tickers -> `tickers`), then from the re-flowed body removes and captures: a leading date
header (`date 2012-06-08`), editorial notes `(Updates with ...)`, the byline (`By  Name` ->
`authors` when empty), the dateline and agency tag (`LIMA, Peru  (Reuters) - `, `WASHINGTON  Oct 27
(Reuters) - `, `NEW YORK, March 17 (Reuters Legal) - `, `WASHINGTON, April 7 - `, and the seed's
`MOSCOW A U.S. envoy...`), and the trailing sign-off (-> `credits`). Flags: mojibake_fixed,
editorial_note, no_signoff, truncated, markup_left (plus the reader's own flags).
It never raises: an unexpected error in a step leaves that step's input unchanged and adds the
flag `clean_error`.
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy
import msgspec

from curate.clean import signoff, tickers
from curate.params import CleanParams
from curate.record import Record

RULES_VERSION = "clean-1"

# ---------------------------------------------------------------------------------------------
# Repair

# Characters rewritten or dropped by `repair` (str.translate table).
_CHAR_MAP: dict[int, str | None] = {cp: None for cp in range(0xD800, 0xE000)}  # lone surrogates
_CHAR_MAP.update({cp: None for cp in (*range(0x00, 0x20), *range(0x7F, 0xA0))})  # Cc controls
_CHAR_MAP.update({ord(c): "\n" for c in "\n\r\x0b\x0c\x85\u2028\u2029"})   # line breaks
_CHAR_MAP.update(  # tab and every Zs space except ' '
    {cp: " " for cp in (0x09, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}
)
_CHAR_MAP.update({cp: None for cp in (0x200B, 0xFEFF, 0x00AD, 0x2060, 0x180E)})  # invisible
del _CHAR_MAP[ord("\n")]

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False, uncurl_quotes=False, fix_latin_ligatures=False,
    fix_character_width=False, fix_line_breaks=False, remove_control_chars=False,
    normalization=None, explain=False,
)


def _unescape(text: str) -> str:
    """HTML entities to characters, repeated until nothing changes (`&amp;amp;` -> `&`)."""
    while "&" in text:
        new = html.unescape(text)
        if new == text:
            break
        text = new
    return text


def _repair_once(text: str, fix_mojibake: bool) -> tuple[str, bool]:
    mojibake = False
    if fix_mojibake and not text.isascii():
        try:
            fixed = ftfy.fix_encoding(text, _FTFY_CONFIG)
        except Exception:  # noqa: BLE001 - ftfy on hostile input: keep the text
            fixed = text
        if fixed != text:
            mojibake = True
            text = fixed
    text = _unescape(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if not text.isascii() or not text.isprintable():
        text = text.translate(_CHAR_MAP)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text).translate(_CHAR_MAP)
    return text, mojibake


def repair(text: str, fix_mojibake: bool = True) -> tuple[str, bool]:
    """Repaired text and whether ftfy changed anything; repeated to a fixed point (bounded)."""
    any_moji = False
    for _ in range(4):
        new, moji = _repair_once(text, fix_mojibake)
        any_moji = any_moji or moji
        if new == text:
            break
        text = new
    return text, any_moji


# ---------------------------------------------------------------------------------------------
# Re-flow

_BLOCK_SPLIT_RE = re.compile(r"\n[ \t]*\n")
_WRAP_WIDTH = 100
# Two or more spaces after a sentence end, before what starts a sentence: a paragraph break.
_DOUBLE_SPACE_BREAK_RE = re.compile(r"(?<=[.!?\"'”’)])[ \t]{2,}(?=[\"'“‘(*$]?[A-Z0-9*$(])")


def reflow(text: str) -> list[str]:
    """Paragraphs, each single-spaced on one line, none empty.

    A block (text between blank lines) whose lines are mostly short (median <= 100 chars) is
    hard-wrapped: its lines are joined, except that a line starting with whitespace starts a new
    paragraph. In any other block every line is a paragraph. Inside a paragraph, two or more
    spaces after a sentence end start a new paragraph (old wire copy).
    """
    paragraphs: list[str] = []
    for block in _BLOCK_SPLIT_RE.split(text):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if len(lines) == 1:
            paragraphs.extend(_split_double_spaces(lines[0]))
            continue
        lengths = sorted(len(ln.strip()) for ln in lines)
        wrapped = lengths[len(lengths) // 2] <= _WRAP_WIDTH
        current: list[str] = []
        for line in lines:
            if current and (not wrapped or line[0] in " \t"):
                paragraphs.extend(_split_double_spaces(" ".join(current)))
                current = []
            current.append(line)
        if current:
            paragraphs.extend(_split_double_spaces(" ".join(current)))
    return paragraphs


def _split_double_spaces(para: str) -> list[str]:
    if "  " not in para and "\t" not in para:
        norm = " ".join(para.split())
        return [norm] if norm else []
    out = []
    for piece in _DOUBLE_SPACE_BREAK_RE.split(para):
        norm = " ".join(piece.split())
        if norm:
            out.append(norm)
    return out


def _single_lines(text: str) -> list[str]:
    """Paragraphs without re-flow: blank-line blocks, each line whitespace-normalised."""
    out = []
    for block in _BLOCK_SPLIT_RE.split(text):
        lines = [" ".join(ln.split()) for ln in block.split("\n")]
        joined = "\n".join(ln for ln in lines if ln)
        if joined:
            out.append(joined)
    return out


def _paragraphs(text: str, params: CleanParams) -> list[str]:
    return reflow(text) if params.reflow else _single_lines(text)


def clean_text(text: str, params: CleanParams | None = None) -> str:
    """Repaired, re-flowed text: paragraphs joined by "\\n\\n". Idempotent."""
    params = params or CleanParams()
    for _ in range(3):  # re-flowing can join what ftfy then reads as mojibake ("Â\r0" -> "Â 0")
        text, _ = repair(text, params.fix_mojibake)
        out = "\n\n".join(_paragraphs(text, params))
        if not unicodedata.is_normalized("NFC", out):
            out = unicodedata.normalize("NFC", out)
        if out == text or not params.fix_mojibake or out.isascii() or repair(out, True)[0] == out:
            break
        text = out
    return out


# ---------------------------------------------------------------------------------------------
# Header: date line, editorial notes, byline, dateline, agency tag

_DATE_HEADER_RE = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}\b\s*")
_AGENCY = r"\((?:Thomson\s+)?Reuters(?:\s+[A-Z][A-Za-z]+){0,2}\)"
_TAG_RE = re.compile(rf"\s*{_AGENCY}\s*[-–—]+\s*")
_TAG_ANYWHERE_RE = re.compile(rf"[ \t]*{_AGENCY}[ \t]*[-–—]+[ \t]*")
_CAPW = r"[A-Z][A-Z'’.\-&]*(?=[\s/,]|$)"
_MIXW = r"[A-Z][A-Za-z'’.\-]*(?=[\s/,]|$)"
_PLACE = rf"{_CAPW}(?:(?: |\s*/\s*){_CAPW})*(?:,\s*{_MIXW}(?:(?: |\s*/\s*){_MIXW})*)?"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"{_MONTH}\s+\d{{1,2}}"
# Place and date right before the agency tag (searched in the text before the tag).
_LEAD_RE = re.compile(rf"(?:^|(?<=\s))(?P<place>{_PLACE})?\s*,?\s*(?P<date>{_DATE})?\s*[-–—]?\s*$")
# No agency tag: `WASHINGTON, April 7 - ` or `Feb 19 - ` at the very start.
_DASH_LEAD_RE = re.compile(rf"^(?:(?P<place>{_PLACE})\s*,?\s*)?(?P<date>{_DATE})\s+[-–—]+\s+(?=\S)")
_INITIALISM_RE = re.compile(r"^(?:[A-Z]\.)+$")
_SEED_WORD_RE = re.compile(r"^[A-Z][A-Z'’.\-/&]*$")


def _leading_group(text: str) -> tuple[int, int] | None:
    """(start, end) of a parenthesised group that opens the text, or None."""
    if not text.startswith("("):
        return None
    depth = 0
    for i, ch in enumerate(text[:1200]):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return 0, i + 1
    return None


def _strip_editorial_notes(body: str) -> tuple[str, bool]:
    """Remove `(Updates with ...)`-style notes that open the body."""
    found = False
    for _ in range(4):
        span = _leading_group(body)
        if not span:
            break
        group = body[: span[1]]
        inner = group[1:-1].strip()
        if (
            _TAG_RE.match(group + " -")  # "(Reuters)" itself is not a note
            or len(inner.split()) < 2
            or not inner[:1].isalpha()
            or signoff.parse_credits(inner) is not None
        ):
            break
        body = body[span[1]:].lstrip()
        found = True
    return body, found


def _seed_dateline(body: str, strict: bool) -> tuple[str | None, str]:
    """`MOSCOW A U.S. envoy ...` -> ("MOSCOW", "A U.S. envoy ..."); strict for non-seed formats."""
    words = body[:200].split(" ")
    run: list[str] = []
    for w in words:
        if not w or not _SEED_WORD_RE.match(w) or _INITIALISM_RE.match(w):
            break
        if sum(c.isalpha() for c in w) < 2:
            break
        run.append(w)
    if not run:
        return None, body
    rest = body[len(" ".join(run)):].lstrip(" ")
    if not rest or rest.startswith("\n"):
        return None, body
    if strict and not (rest[:1].isupper() or rest[:1] in "\"'“‘"):
        return None, body
    return " ".join(run), rest


def _split_header(body: str, want_dateline: bool, seed: bool, strict_seed: bool):
    """-> (body, dateline, byline names, editorial_note) with the header taken out of body."""
    dateline: str | None = None
    names: list[str] = []
    body = _DATE_HEADER_RE.sub("", body, count=1)
    body, note = _strip_editorial_notes(body)
    m = _TAG_RE.search(body, 0, 2500)
    if m:
        prefix, rest = body[: m.start()], body[m.end():]
        para_start = prefix.rfind("\n\n") + 1  # the dateline sits in the tag's paragraph
        head, last = prefix[:para_start], prefix[para_start:].strip()
        lead = _LEAD_RE.search(last)
        place = lead.group("place") if lead else None
        before = last[: lead.start()] if lead else last
        before, names = signoff.parse_byline(before)
        before = before.strip()
        if place:
            dateline = " ".join(place.split())
        if before and not names and not place and not head:
            # The tag sits in the middle of a sentence: remove the tag only.
            body = f"{prefix.rstrip()} {rest}"
        else:
            kept = "\n\n".join(p for p in (head.strip(), before) if p)
            body = f"{kept}\n\n{rest}" if kept else rest
    else:
        dm = _DASH_LEAD_RE.match(body)
        if dm:
            if dm.group("place"):
                dateline = " ".join(dm.group("place").rstrip(",").split())
            body = body[dm.end():]
        elif seed:
            dateline, body = _seed_dateline(body, strict_seed)
    if "(" in body and "Reuters" in body:
        body = _TAG_ANYWHERE_RE.sub(" ", body)
    if not want_dateline:
        dateline = None
    return body, dateline, names, note


# ---------------------------------------------------------------------------------------------
# Record

_TERMINAL = frozenset(".!?\"'”’)]…")


def _norm_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        n = " ".join(str(n).split())
        if n and n not in out:
            out.append(n)
    return out


def _final_paragraphs(body: str) -> list[str]:
    return [p for p in (" ".join(x.split()) for x in body.split("\n\n")) if p]


def clean_record(record: Record, params: CleanParams | None = None) -> Record:
    """A new record with cleaned text and the captured fields; never raises on str input."""
    params = params or CleanParams()
    try:
        return _clean_record(record, params)
    except Exception:  # noqa: BLE001 - a bug must not lose the record: flag it, keep the text
        text = record.text if isinstance(record.text, str) else ""
        try:
            text = clean_text(text, params)
        except Exception:  # noqa: BLE001
            pass
        flags = sorted(set(record.flags) | {"clean_error"})
        return msgspec.structs.replace(record, text=text, flags=flags)


def _clean_record(record: Record, params: CleanParams) -> Record:
    flags = set(record.flags)
    text, moji = repair(record.text or "", params.fix_mojibake)
    if moji:
        flags.add("mojibake_fixed")
    text, found_tickers = tickers.strip_markup(text)
    body = "\n\n".join(_paragraphs(text, params))

    fmt = record.source.format if record.source else ""
    have_dateline = bool(record.dateline)
    seed_ok = not have_dateline or body.startswith(record.dateline or "\0")
    body, dateline, byline, note = _split_header(
        body,
        want_dateline=not have_dateline,
        seed=seed_ok,
        strict_seed=fmt != "seed_dateline",
    )
    if note:
        flags.add("editorial_note")

    body, credits, end_note = signoff.split_signoff(body)
    if end_note:
        flags.add("editorial_note")
    if not credits:
        flags.add("no_signoff")

    paragraphs = _final_paragraphs(body)
    out = "\n\n".join(paragraphs)
    if not unicodedata.is_normalized("NFC", out):
        out = unicodedata.normalize("NFC", out)
    if out and out[-1] not in _TERMINAL:
        flags.add("truncated")
    if tickers.has_markup(out):
        flags.add("markup_left")

    authors = _norm_names(record.authors)
    if not authors and byline:
        authors = _norm_names(byline)
    merged_credits = {k: _norm_names(v) for k, v in record.credits.items()}
    signoff.merge_credits(merged_credits, credits)
    all_tickers = list(record.tickers)
    for t in found_tickers:
        if t not in all_tickers:
            all_tickers.append(t)

    return msgspec.structs.replace(
        record,
        text=out,
        dateline=record.dateline if have_dateline else dateline,
        authors=authors,
        credits=merged_credits,
        tickers=all_tickers,
        flags=sorted(flags),
    )
