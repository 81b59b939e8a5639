"""The one escaping rule for article-derived strings, wherever they are shown: a terminal
(`for_terminal`), one line of text (`visible`), HTML (`esc`) and Markdown cells (`md`; `md_cell` for a cell
whose markup is the writer's own, as in the dataset card's tables).

Titles, details, file names and paths come from untrusted articles. Printed raw, an escape
sequence in them (`\\x1b[31m`, `\\x1b]0;title\\x07`, `\\x1b]8;;url\\x07` hyperlinks, `\\x1b[2J`) would
drive the user's terminal, and bidi overrides (U+202E) would reorder what they read.
`for_terminal(s)` shows every such character as a visible escape (`\\x1b`, `\\u202e`) instead;
text, tabs and (unless `single_line`) newlines pass through. Rich markup is a separate concern:
pass the result through `rich.markup.escape` when it goes into a rich renderable.
"""

from __future__ import annotations

import html
import json
import re

# C0 controls but \t and \n, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph
# separators (they break lines in some terminals), and lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
                     "\u2028\u2029\ud800-\udfff]")
_UNSAFE_LINE = re.compile(_UNSAFE.pattern[:-1] + "\n]")


def _visible(m: re.Match) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def for_terminal(s: object, single_line: bool = False) -> str:
    """`s` as text with every terminal-controlling character shown as an escape."""
    text = s if isinstance(s, str) else str(s)
    return (_UNSAFE_LINE if single_line else _UNSAFE).sub(_visible, text)


def _text(s: object) -> str:
    """None -> "", strings as they are, anything else as JSON (lists and dicts of a diff)."""
    if s is None:
        return ""
    return s if isinstance(s, str) else json.dumps(s, ensure_ascii=False)


def visible(s: object) -> str:
    """One line: control characters (ESC, NUL, C1, bidi, line separators) as visible escapes
    (`for_terminal`); tabs, CR and newlines become spaces."""
    return for_terminal(_text(s).replace("\r", " ").replace("\n", " ").replace("\t", " "))


def esc(s: object) -> str:
    """A data-derived string made safe for HTML text and attribute values (one line)."""
    return html.escape(visible(s), quote=True)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


def md(s: object) -> str:
    """A data-derived string made safe for a Markdown table cell (no HTML, no markup)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(visible(s), quote=False))


def md_cell(s: object) -> str:
    """A Markdown table cell whose markup is the writer's own (the dataset card's tables: code
    spans, bold): one line by `visible` (control characters shown, newlines as spaces), `|`
    escaped so the cell cannot split. A data-derived string with no markup of its own: `md`."""
    return visible(s).replace("|", "\\|")
