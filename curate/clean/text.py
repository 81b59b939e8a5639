"""Text repair and re-flow: the text functions the cleaning rules (curate.clean.units) apply.

    repair(text, fix_mojibake) -> (text, mojibake?)   characters only, to a fixed point
    paragraphs(text, params) -> list[str]              re-flowed (or single-line) paragraphs
    clean_text(text, params) -> str                    both, idempotent

`repair`: mojibake repair with ftfy (`params.fix_mojibake`), HTML entities unescaped to a fixed
point, line breaks unified, odd spaces (NBSP, thin, ideographic, tab) to ' ', control characters,
surrogates and zero-width/soft-hyphen characters dropped, Unicode NFC.
`reflow` (`params.reflow`): blank lines separate paragraphs; in a hard-wrapped block (median line
<= 100 chars) lines are joined unless a line starts with whitespace (Reuters web layout: one
paragraph a line, each starting with a space); in other blocks each line is a paragraph; two or
more spaces after a sentence end start a paragraph (old wire copy); every paragraph is
single-spaced on one line; paragraphs are joined by "\\n\\n".
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy

from curate.params import CleanParams

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


def paragraphs(text: str, params: CleanParams) -> list[str]:
    """Re-flowed paragraphs (`params.reflow`), else each line a paragraph."""
    return reflow(text) if params.reflow else _single_lines(text)


def clean_text(text: str, params: CleanParams | None = None) -> str:
    """Repaired, re-flowed text: paragraphs joined by "\\n\\n". Idempotent."""
    params = params or CleanParams()
    out = text
    for _ in range(4):  # joining lines can make new mojibake (`Â` + line break + `0` -> `Â 0`)
        text = out
        fixed, _ = repair(text, params.fix_mojibake)
        out = "\n\n".join(paragraphs(fixed, params))
        if not unicodedata.is_normalized("NFC", out):
            out = unicodedata.normalize("NFC", out)
        if out == text:
            break
    return out
