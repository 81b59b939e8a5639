"""Reader `plaintext`: a title line, a blank line, then the body.

title = the first line (stripped); text = everything after the blank line(s) (raw);
date = the deepest day folder of the path (``YYYYMMDD`` or ``YYYY-MM-DD``) with flag
``date_from_path``, else None (clean may take it from the dateline or `clean.sources`; an article
left without one is accepted with the flag ``no_date``); published_at = None.
labels = the folder holding the file, unless it is a date (a day folder, a year, digits), as
``{scheme: "folder", value: <name>}``: topic folders such as ``business/001.txt`` are labels.
Title but no body -> HEADER_ONLY. Id: the path rule.

Sniff: the first line is non-blank and at most 300 characters (longer is a paragraph, not a
title) and the second line is blank. Text that no reader recognises (e.g. one block of prose with
no title line) is rejected as UNKNOWN_LAYOUT by the dispatcher rather than guessed at.
"""

from __future__ import annotations

from curate.record import Label

from . import dates, ids
from .base import RawInput, Reason, new_record, rejected, skip_blank_lines

NAME = "plaintext"
VERSION = 2
MAX_TITLE = 300


def _split(text: str) -> tuple[str, str | None]:
    first, sep, rest = text.partition("\n")
    return first, (rest if sep else None)


def sniff(text: str) -> bool:
    text = text.lstrip("\n")
    first, rest = _split(text)
    if not first.strip() or len(first) > MAX_TITLE:
        return False
    if rest is None:
        return True  # a lone title line: read as title without body (HEADER_ONLY)
    second, _ = _split(rest)
    return not second.strip()


def folder_labels(path: str) -> list[Label]:
    """`business/001.txt` -> [Label(folder, business)]; a date-like or missing folder -> []."""
    parts = path.split("/")
    if len(parts) < 2:
        return []
    folder = parts[-2].strip()
    if not folder or not any(c.isalpha() for c in folder) or dates.day_folder(f"{folder}/x"):
        return []
    return [Label(scheme="folder", value=folder)]


def read(src: RawInput, params) -> list:
    first, rest = _split(src.text.lstrip("\n"))
    flags = list(src.flags)
    day = dates.day_folder(src.path)
    if day:
        flags.append("date_from_path")
    body = skip_blank_lines(rest or "")
    rec = new_record(ids.path_id(src.path), src.path, NAME, VERSION, src.sha256, flags=flags,
                     title=first.strip(), date=day, text=body, labels=folder_labels(src.path))
    if not body.strip():
        return [rejected(rec, Reason.HEADER_ONLY, "title line but no body")]
    return [rec]
