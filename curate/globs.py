"""Raw-path globs: the one rule every `glob` setting of params.yaml means (`ingest.sources`,
`clean.sources`, `validate.sources`).

A glob matches a raw path relative to the raw root (`ingest.raw_dir`), POSIX separators, whole
path, case-sensitive, like a .gitignore pattern anchored at the raw root:

* `*` and `?` stay inside one folder: `bbc/*.txt` is `bbc/x.txt`, never `bbc/2013/x.txt`;
* `**/` is zero or more folders: `**/x.txt` is `x.txt` at any depth, the top included;
  `a/**/b` is `a/b`, `a/x/b`, `a/x/y/b`;
* a trailing `**` is everything below: `bbc/**` is every file under `bbc/`;
* `[abc]`, `[a-z]`, `[!abc]` a character class.

An empty or absolute pattern, or a `[` without its `]`, is a ValueError (params.yaml refuses it).
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern:
    """A raw-path glob as a regex (use `.match(path)`); ValueError for a bad pattern."""
    if not pattern or pattern.startswith("/"):
        raise ValueError(f"glob {pattern!r} must be a non-empty path relative to the raw folder")
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                raise ValueError(f"glob {pattern!r}: '[' without a closing ']'")
            body = pattern[i + 1:end]
            neg = body.startswith("!")
            body = re.escape(body[1:] if neg else body).replace(r"\-", "-")
            out.append(f"[{'^' if neg else ''}{body}]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def glob_matches(pattern: str, path: str) -> bool:
    """Whether raw path `path` matches `pattern` (the rule above)."""
    return compile_glob(pattern).match(path) is not None
