"""What the dataset card reads from the code itself, so the card never drifts from it: the
comment beside each parameter (curate/params.py), the meaning of each reason code
(curate/record.py) and the one-sentence description of each reader (its module docstring)."""

from __future__ import annotations

import inspect
import re
import types
import typing

import msgspec

from curate.params import Params
from curate.record import Reason


def trailing_comments(obj) -> dict[str, str]:
    """`name: ... # comment` / `NAME = ... # comment` lines of a class body -> {name: comment}."""
    out = {}
    for line in inspect.getsource(obj).splitlines():
        m = re.match(r"\s+(\w+)\s*(?::[^=#]*)?(?:=[^#]*)?#\s*(.+)$", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def _struct_in(hint) -> type | None:
    """The msgspec Struct a field's type holds (`X`, `X | None`, `X | UnsetType`), else None."""
    if isinstance(hint, type) and issubclass(hint, msgspec.Struct):
        return hint
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return next((s for a in typing.get_args(hint) if (s := _struct_in(a))), None)
    return None


def param_comment(key: str) -> str:
    """The comment beside the parameter `key` (`extract.language.min_words`) in curate/params.py:
    the field's own struct is followed down the dotted path, so two fields of the same name in
    different sections never lend each other their comment. "" when there is none."""
    cls: type = Params
    *path, name = key.split(".")
    for part in path:
        sub = _struct_in(typing.get_type_hints(cls).get(part))
        if sub is None:
            return ""
        cls = sub
    return trailing_comments(cls).get(name, "")


def reason_docs() -> dict[str, str]:
    """Reason code -> its meaning (the comment beside it in curate/record.py)."""
    by_name = trailing_comments(Reason)
    return {r.value: by_name.get(r.name, "") for r in Reason}


def first_sentence(doc: str | None) -> str:
    """The first sentence of a reader's docstring (`Reader `x`: ...` prefix left out), whole even
    when it runs over several lines or holds dots inside parentheses or code (`{...}`)."""
    para = " ".join((doc or "").strip().split("\n\n")[0].split())
    if para.startswith("Reader `") and ": " in para:
        para = para.split(": ", 1)[1]
    depth, code = 0, False
    for i, c in enumerate(para):
        if c == "`":
            code = not code
        elif not code and c in "([{":
            depth += 1
        elif not code and c in ")]}":
            depth = max(0, depth - 1)
        elif c == "." and not code and depth == 0 and (i + 1 == len(para) or para[i + 1] == " "):
            return para[: i + 1]
    return para


def reader_descriptions() -> dict[str, str]:
    """Every reader that can produce records, in the order content is sniffed (WARC archives are
    recognised first, by their bytes, then READERS in order) -> its one-sentence description."""
    from curate.readers import READERS, warc  # lazy: lxml costly to load

    return {m.NAME: first_sentence(m.__doc__) for m in (warc, *READERS)}
