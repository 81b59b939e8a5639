"""Finding raw files and resolving a relative path safely inside the raw root.

`iter_raw_files(raw_root)`: sorted relative POSIX paths of the files under raw_root, recursive.
Skipped: names starting with '.' (files and folders, so .git/.dvc/.gitignore), `*.dvc` files,
and special files (FIFOs, sockets, devices). Symlinks are listed but never followed into
directories: a symlink to a file is listed (read_file rejects it as UNREADABLE if it resolves
outside raw_root), a symlink to a directory or a dangling symlink is listed too, so read_file
accounts for it (UNREADABLE) instead of it silently vanishing.

`resolve(path, raw_root)`: the real path to open, or an error message when the path escapes
raw_root (absolute, `..`, or a symlink whose target resolves outside).
"""

from __future__ import annotations

import os
from pathlib import Path


def _skip(name: str) -> bool:
    return name.startswith(".") or name.endswith(".dvc")


def skipped_name(rel: str) -> bool:
    """A relative path the listing below never yields (a part starting with '.', or `*.dvc`)."""
    return any(_skip(part) for part in rel.split("/"))


def iter_raw_files(raw_root: Path) -> list[str]:
    root = os.fspath(raw_root)
    out: list[str] = []
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            it = os.scandir(os.path.join(root, rel) if rel else root)
        except OSError:
            continue
        with it:
            for entry in it:
                if _skip(entry.name):
                    continue
                child = f"{rel}/{entry.name}" if rel else entry.name
                try:
                    if entry.is_symlink():
                        out.append(child)
                    elif entry.is_dir(follow_symlinks=False):
                        stack.append(child)
                    elif entry.is_file(follow_symlinks=False):
                        out.append(child)
                except OSError:
                    out.append(child)  # cannot even stat it: let read_file report why
    out.sort()
    return out


class Resolver:
    """Resolves paths under one raw root; real paths of folders are cached (one realpath per
    folder, one lstat per file), so 20,000 files do not cost 20,000 realpath walks."""

    def __init__(self, raw_root: Path):
        self.root = os.path.realpath(os.fspath(raw_root))
        self.prefix = self.root.rstrip(os.sep) + os.sep
        self._dirs: dict[str, str] = {}

    def _inside(self, real: str) -> bool:
        return real == self.root or real.startswith(self.prefix)

    def resolve(self, path: str) -> tuple[str | None, str]:
        """(path to open, "") or (None, why it is refused)."""
        if not path or os.path.isabs(path) or path.startswith(("/", "\\")):
            return None, "path is not relative to the raw root"
        parent, _, name = path.rpartition("/")
        real_parent = self._dirs.get(parent)
        if real_parent is None:
            real_parent = os.path.realpath(os.path.join(self.root, *parent.split("/"))
                                           if parent else self.root)
            self._dirs[parent] = real_parent
        if not self._inside(real_parent):
            return None, "resolves outside the raw root (symlink or '..')"
        full = os.path.join(real_parent, name)
        if name in ("..", ".") or os.path.islink(full):
            real = os.path.realpath(full)
            if not self._inside(real) or real == self.root:
                return None, "resolves outside the raw root (symlink or '..')"
            return real, ""
        return full, ""
