"""What `curate check` / `curate add` are given: arguments -> files, each placed where the pipeline
would see it under corpus/raw (the rules are in curate/check/run.py's docstring, "Inputs")."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec

from curate.params import Params, ParamsError, load_params
from curate.record import Record


class UsageError(ValueError):
    """Bad arguments (missing paths, globs matching nothing) or configuration: exit code 2."""


@dataclass
class Input:
    """One file to check: where it is, and where the readers (and later corpus/raw) see it."""

    display: str   # the path as the user wrote it (folder arguments: folder/relative path)
    root: Path     # the folder the readers treat as the raw root
    rel: str       # POSIX path under root: what the readers read
    dest: str = ""  # POSIX path under corpus/raw the pipeline would see (ids, source.path)
    in_raw: bool = False  # already inside the project's raw folder

    @property
    def full(self) -> Path:
        return self.root.joinpath(*self.rel.split("/"))


def _is_day(name: str) -> bool:
    from curate.readers.dates import day_folder  # lazy: lxml costly to load (the readers package)

    return day_folder(f"{name}/x") is not None


def _inside(path: str, folder: str) -> str | None:
    """path relative to folder (POSIX) when path is folder or below it, else None."""
    if path == folder:
        return ""
    prefix = folder.rstrip(os.sep) + os.sep
    if path.startswith(prefix):
        return path[len(prefix):].replace(os.sep, "/")
    return None


def _expand(args: Sequence[str | Path]) -> list[str]:
    """Arguments → existing paths, in argument order; globs expanded; UsageError names the rest."""
    out: list[str] = []
    missing: list[str] = []
    for arg in args:
        arg = os.fspath(arg)
        if os.path.lexists(arg):
            out.append(arg)
        elif glob.has_magic(arg):
            found = sorted(glob.glob(arg, recursive=True))
            if found:
                out.extend(found)
            else:
                missing.append(f"{arg} (glob matches nothing)")
        else:
            missing.append(arg)
    if missing:
        raise UsageError("no such file or folder: " + ", ".join(missing))
    return out


def collect_inputs(args: Sequence[str | Path], raw_root: Path | None = None) -> list[Input]:
    """The files to check, in argument order (a folder's files sorted as the pipeline lists
    them), each file once. Raises UsageError naming every path that does not exist."""
    from curate.readers import iter_raw_files  # lazy: lxml costly to load

    raw_real = os.path.realpath(raw_root) if raw_root is not None and raw_root.is_dir() else None
    inputs: list[Input] = []
    seen: set[tuple[str, str]] = set()  # (real folder, name): each file once

    def add(display: str, root: Path, rel: str, in_raw: bool) -> None:
        full = os.path.join(os.fspath(root), *rel.split("/"))  # the file itself (a link is not followed)
        key = (os.path.realpath(os.path.dirname(full)), os.path.basename(full))
        if key not in seen:
            seen.add(key)
            inputs.append(Input(display, root, rel, in_raw=in_raw))

    for path in _expand(args):
        absolute = os.path.abspath(path)
        is_dir = os.path.isdir(path)
        # the folder that holds the argument, resolved (the argument itself may be a symlink)
        anchor = os.path.realpath(absolute) if is_dir else os.path.join(
            os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
        under_raw = _inside(anchor, raw_real) if raw_real else None
        if is_dir:
            if under_raw is not None:
                root, prefix = Path(raw_real), (under_raw + "/" if under_raw else "")
            elif _is_day(os.path.basename(anchor)):
                root, prefix = Path(anchor).parent, os.path.basename(anchor) + "/"
            else:
                root, prefix = Path(anchor), ""
            listing_root = root / prefix if prefix else root
            for rel in iter_raw_files(listing_root):
                add(os.path.join(path, *rel.split("/")), root, prefix + rel, under_raw is not None)
        else:
            if under_raw is not None:
                root, rel = Path(raw_real), under_raw
            else:
                parent, name = os.path.split(anchor)
                if _is_day(os.path.basename(parent)):
                    root, rel = Path(os.path.dirname(parent)), f"{os.path.basename(parent)}/{name}"
                else:
                    root, rel = Path(parent), name
            add(path, root, rel, under_raw is not None)
    return inputs


def place(inputs: list[Input], prefix: str = "") -> None:
    """Set each input's path under corpus/raw: `prefix + rel` (inside the raw folder: rel itself);
    inputs whose destination is taken get `prefix + k/rel` (k = 2, 3, ...)."""
    taken: set[str] = set()
    for inp in inputs:
        if inp.in_raw:
            inp.dest = inp.rel
        else:
            dest, k = prefix + inp.rel, 1
            while dest in taken:
                k += 1
                dest = f"{prefix}{k}/{inp.rel}"
            inp.dest = dest
        taken.add(inp.dest)


def relocate(item: Record, rel: str, dest: str) -> Record:
    """The record as the pipeline would read it at `dest` instead of `rel`: source.path and a
    path-rule id follow the path (day folders stay: dest ends with rel)."""
    if dest == rel:
        return item
    from curate.readers.ids import item_id, path_id  # lazy: lxml costly to load (the readers package)

    rid = item.id
    line = item.source.line
    index = item.source.item
    if line is not None and rid == path_id(rel, line):
        rid = path_id(dest, line)
    elif index is not None and index.isdigit() and rid == item_id(rel, int(index)):
        rid = item_id(dest, int(index))
    elif rid == path_id(rel):
        rid = path_id(dest)
    return msgspec.structs.replace(item, id=rid, source=msgspec.structs.replace(item.source, path=dest))


def load_params_for(root: Path, params_path: Path | None) -> Params:
    """params.yaml: a relative path under root, else under the working folder (a `--params` of
    one's own); a bad file is a usage error (exit 2)."""
    path = params_path if params_path is not None else Path("params.yaml")
    if not path.is_absolute() and (root / path).exists():
        path = root / path
    try:
        return load_params(path)
    except (ParamsError, OSError) as exc:
        raise UsageError(f"cannot read parameters: {exc}") from exc
