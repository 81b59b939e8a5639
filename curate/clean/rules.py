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
codes (tickers -> `tickers`; the table's wire codes deleted), then from the re-flowed body removes
and captures the header (curate.clean.header: date line, editorial notes, byline -> `authors` when
empty, dateline -> `dateline`, agency tag -> `agency`, a dateline date with a year -> `date` when
missing, flag `date_from_dateline`) and the end of the story (curate.clean.signoff: the table's
closing matter such as `© Reuters 2024` or AP's `___` lines, contributors -> `credits`; credit
groups -> `credits`; a closing `By Name, Associated Press` -> `authors` and `agency`). A text that
ended in a sign-off or closing matter is complete (never flagged `truncated`). What a publisher
writes comes from the conventions table (curate.clean.conventions), never from code here.
Flags: mojibake_fixed, editorial_note, truncated, markup_left, date_from_dateline, and
no_signoff / no_dateline only for formats whose texts carry them (the table's FORMATS).
It never raises: an unexpected error in a step leaves that step's input unchanged and adds the
flag `clean_error`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

import ftfy
import msgspec

from curate.clean import signoff, tickers
from curate.clean.header import split_header
from curate.clean.publishers import DEFAULT, Conventions
from curate.params import CleanParams
from curate.record import Provenance, Record

# bumped when what the cleaning writes changes (docs/conventions.md): with the sign-off and ticker
# rules' versions and the conventions table's, it goes into every record's provenance.rules
RULES_VERSION = "clean/2"


def _provenance(record: Record, conv: Conventions) -> Provenance:
    """The record's provenance with the versions of the rules and table that cleaned it."""
    rules = {**record.provenance.rules, "clean": RULES_VERSION, "signoff": signoff.RULES_VERSION,
             "tickers": tickers.RULES_VERSION, "conventions": conv.version}
    return msgspec.structs.replace(record.provenance, rules=rules)

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
    out = text
    for _ in range(4):  # joining lines can make new mojibake (`Â` + line break + `0` -> `Â 0`)
        text = out
        fixed, _ = repair(text, params.fix_mojibake)
        out = "\n\n".join(_paragraphs(fixed, params))
        if not unicodedata.is_normalized("NFC", out):
            out = unicodedata.normalize("NFC", out)
        if out == text:
            break
    return out


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


def clean_record(record: Record, params: CleanParams | None = None,
                 conv: Conventions | None = None) -> Record:
    """A new record with cleaned text and the captured fields; never raises on str input.
    `conv`: the compiled conventions table (default: the shipped one, curate.clean.conventions)."""
    params = params or CleanParams()
    conv = conv or DEFAULT
    try:
        return _clean_record(record, params, conv)
    except Exception:  # noqa: BLE001 - a bug must not lose the record: flag it, keep the text
        text = record.text if isinstance(record.text, str) else ""
        try:
            text = clean_text(text, params)
        except Exception:  # noqa: BLE001
            pass
        flags = sorted(set(record.flags) | {"clean_error"})
        return msgspec.structs.replace(record, text=text, flags=flags, provenance=_provenance(record, conv))


@dataclass
class _End:
    body: str
    credits: dict[str, list[str]]
    signed: bool = False     # a sign-off group was removed (desks only: no credits)
    trailed: bool = False    # closing matter of the table's TRAILERS was removed
    note: bool = False
    names: list[str] = field(default_factory=list)
    org: str | None = None


def _split_end(body: str, conv: Conventions) -> _End:
    """The end of a story taken off: trailers (`© Reuters 2024`, AP's `___` end matter, `AFP
    sn`), the sign-off group (credits), trailers again, a closing `By Name, Associated Press`."""
    body, credits, trailed = signoff.split_trailers(body, conv)
    before = body
    body, more, note = signoff.split_signoff(body, conv)
    signed = body != before
    signoff.merge_credits(credits, more)
    if signed:
        body, more, again = signoff.split_trailers(body, conv)
        signoff.merge_credits(credits, more)
        trailed = trailed or again
    body, names, org = signoff.split_closing_byline(body, conv)
    return _End(body, credits, signed, trailed, note, names, org)


def _clean_record(record: Record, params: CleanParams, conv: Conventions) -> Record:
    flags = set(record.flags)
    text, moji = repair(record.text or "", params.fix_mojibake)
    if moji:
        flags.add("mojibake_fixed")
    text, found_tickers = tickers.strip_markup(text, conv.wire_code_re)
    body = "\n\n".join(_paragraphs(text, params))

    fmt = conv.format(record.source.format if record.source else "")
    have_dateline = bool(record.dateline)
    seed_ok = not have_dateline or body.startswith(record.dateline or "\0")
    head = split_header(
        body,
        conv,
        want_dateline=not have_dateline,
        bare_place=fmt["bare_place"] and seed_ok,
        strict_seed=record.source.format != "seed_dateline",
    )
    body = head.body
    if head.note:
        flags.add("editorial_note")

    end = _split_end(body, conv)
    body, credits, closing_names, closing_org = end.body, end.credits, end.names, end.org
    if end.note:
        flags.add("editorial_note")
    if not (end.signed or closing_names) and fmt["signoff"]:
        flags.add("no_signoff")

    paragraphs = _final_paragraphs(body)
    out = "\n\n".join(paragraphs)
    if not unicodedata.is_normalized("NFC", out):
        out = unicodedata.normalize("NFC", out)
    if out and out[-1] not in _TERMINAL and not (end.signed or end.trailed or closing_names):
        flags.add("truncated")  # a body that ended in a sign-off or trailer is complete
    if tickers.has_markup(out):
        flags.add("markup_left")

    authors = _norm_names(record.authors)
    if not authors:
        authors = _norm_names(head.names or closing_names)
    merged_credits = {k: _norm_names(v) for k, v in record.credits.items()}
    signoff.merge_credits(merged_credits, credits)
    all_tickers = list(record.tickers)
    for t in found_tickers:
        if t not in all_tickers:
            all_tickers.append(t)
    dateline = record.dateline if have_dateline else head.dateline
    if dateline is None and fmt["dateline"]:
        flags.add("no_dateline")
    date = record.date
    if date is None and head.date:
        date = head.date
        flags.add("date_from_dateline")

    return msgspec.structs.replace(
        record,
        text=out,
        date=date,
        agency=head.agency or record.agency or closing_org,  # the story's own credit first
        dateline=dateline,
        authors=authors,
        credits=merged_credits,
        tickers=all_tickers,
        flags=sorted(flags),
        provenance=_provenance(record, conv),
    )
