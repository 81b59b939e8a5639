"""Dataset versions: the working tree, or a git revision read through DVC, never by checkout.

A revision's DVC-tracked outputs (curated shards, rejected files, manifest) are read through
`dvc.api.DVCFileSystem(rev=...)`: the local cache, else the default remote of that revision.
Small git-tracked files (`params.yaml`, `reports/metrics.json`, a DVC metric with
`cache: false`, the record schema) are read from git, falling back to DVC for tracked ones.

- `open_version(root, rev)`: `WorkTree(root)` when `rev` is None, else `GitRev(root, rev)`.
- `Version.list_jsonl(folder, prefix)` / `.list_shards(folder)`: the `.jsonl` files of a folder.
- `Version.open(relpath)`: a binary handle (a plain, seekable file for the working tree).
- `Version.read_small(relpath)`: a small file's bytes, None when absent.
- `curated_dir(version)`: `output.curated_dir` of that version's params.yaml.
- `iter_lines_at(version, paths)`: (file number, byte offset, line) for every non-blank line.
- `resolve_rev(root, rev)`: the commit a revision names; an unknown one is named with the tags
  and branches whose names are close (difflib).

Every failure is a `VersionError` whose message is meant for users. Commands raise their own
error types (`DiffError`, `QualityError`, `ExportError`, subclasses of `VersionError`) and turn a
`VersionError` into theirs with `errors_as(...)` where they are called.
"""

from __future__ import annotations

import difflib
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from curate.layout import SHARD_PREFIX

WORKTREE = "working tree"
DEFAULT_CURATED = "corpus/curated"
PARAMS_FILE = "params.yaml"
_REFRESH = "run `dvc repro`, `curate run` or `dvc pull`"


class VersionError(Exception):
    """A version cannot be read (unknown revision, missing folder, DVC failure)."""


@contextmanager
def errors_as(error: type[VersionError]) -> Iterator[None]:
    """Re-raise a `VersionError` as `error` (same message); usable as a decorator too."""
    try:
        yield
    except VersionError as exc:
        if isinstance(exc, error):
            raise
        raise error(str(exc)) from exc


# ------------------------------------------------------------------------------------ revisions


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True)


def nearby_refs(root: Path, rev: str, n: int = 5) -> tuple[list[str], list[str]]:
    """(close matches among tags and branches, all tags newest first)."""
    tags = _git(root, "tag", "--sort=-creatordate").stdout.decode(errors="replace").split()
    heads = _git(root, "for-each-ref", "--format=%(refname:short)", "refs/heads").stdout.decode(
        errors="replace").split()
    close = difflib.get_close_matches(rev, tags + [h for h in heads if h not in tags], n=n, cutoff=0.4)
    return close, tags


def resolve_rev(root: Path, rev: str) -> str:
    """The commit a revision names; VersionError naming the revision and nearby tags otherwise."""
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise VersionError(f"{root} is not inside a git repository")
    proc = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if proc.returncode == 0:
        return proc.stdout.decode().strip()
    close, tags = nearby_refs(root, rev)
    if close:
        hint = f"nearby: {', '.join(close)}"
    elif tags:
        hint = f"tags: {', '.join(tags[:10])}{' …' if len(tags) > 10 else ''}"
    else:
        hint = "the repository has no tags"
    raise VersionError(f"unknown revision '{rev}' ({hint})")


# ------------------------------------------------------------------------------------- versions


def _jsonl_names(names, folder: str, prefix: str) -> list[str]:
    """`folder/name` for the `.jsonl` names starting with `prefix` (never hidden/temp files), sorted."""
    return sorted(f"{folder}/{n}" for n in names
                  if n.endswith(".jsonl") and n.startswith(prefix) and not n.startswith("."))


class Version:
    """A dataset version: its files, listed and opened by path relative to the project root."""

    root: Path
    label: str = WORKTREE
    rev: str | None = None
    commit: str | None = None

    def read_small(self, relpath: str) -> bytes | None:
        raise NotImplementedError

    def list_jsonl(self, folder: str, prefix: str = "") -> list[str]:
        raise NotImplementedError

    def list_shards(self, folder: str) -> list[str]:
        """The record shards (`part-*.jsonl`) of a folder."""
        return self.list_jsonl(folder, SHARD_PREFIX)

    def open(self, relpath: str) -> IO[bytes]:
        raise NotImplementedError

    def describe(self) -> dict:
        return {"rev": self.rev, "commit": self.commit, "label": self.label}


class WorkTree(Version):
    """The working tree, read directly (files open as plain seekable files)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def read_small(self, relpath: str) -> bytes | None:
        p = self.root / relpath
        return p.read_bytes() if p.is_file() else None

    def list_jsonl(self, folder: str, prefix: str = "") -> list[str]:
        d = self.root / folder
        if not d.is_dir():
            raise VersionError(f"{self.label}: no {folder} ({_REFRESH})")
        return _jsonl_names((p.name for p in d.iterdir() if p.is_file()), folder, prefix)

    def open(self, relpath: str) -> IO[bytes]:
        return open(self.root / relpath, "rb")


class GitRev(Version):
    """A git revision or tag: DVC outputs through `DVCFileSystem(rev=...)`, small files from git."""

    def __init__(self, root: Path, rev: str):
        self.root = Path(root)
        self.rev = rev
        self.commit = resolve_rev(self.root, rev)
        self.label = f"{rev} ({self.commit[:8]})" if rev != self.commit else self.commit[:12]
        self._fs = None

    @property
    def fs(self):
        """The DVC filesystem at this commit, opened on first use."""
        if self._fs is None:
            from dvc.api import DVCFileSystem

            try:
                self._fs = DVCFileSystem(repo=str(self.root), rev=self.commit)
            except Exception as exc:  # noqa: BLE001 - any DVC failure is a version error
                raise VersionError(f"{self.label}: cannot open the DVC repository: {exc}") from exc
        return self._fs

    def read_small(self, relpath: str) -> bytes | None:
        proc = _git(self.root, "show", f"{self.commit}:./{relpath}")
        if proc.returncode == 0:
            return proc.stdout
        fs = self.fs
        try:  # not in git: maybe a DVC-tracked file
            with fs.open(relpath, "rb") as fh:
                return fh.read()
        except Exception:  # noqa: BLE001 - absent at that revision
            return None

    def list_jsonl(self, folder: str, prefix: str = "") -> list[str]:
        fs = self.fs
        try:
            names = fs.ls(folder, detail=False)
        except Exception as exc:  # noqa: BLE001
            raise VersionError(f"{self.label}: no {folder}: {exc}") from exc
        return _jsonl_names((str(n).rstrip("/").rsplit("/", 1)[-1] for n in names), folder, prefix)

    def open(self, relpath: str) -> IO[bytes]:
        fs = self.fs
        try:
            return fs.open(relpath, "rb")
        except Exception as exc:  # noqa: BLE001
            raise VersionError(f"{self.label}: cannot read {relpath} through DVC (not in the local cache "
                               f"nor the remote? try `dvc fetch --all-tags`): {exc}") from exc


def open_version(root: Path, rev: str | None) -> Version:
    """The working tree (rev None) or that git revision."""
    return WorkTree(root) if rev is None else GitRev(root, rev)


def curated_dir(version: Version, default: str = DEFAULT_CURATED) -> str:
    """`output.curated_dir` of that version's params.yaml (`default` when unset or unreadable)."""
    import yaml

    raw = version.read_small(PARAMS_FILE)
    try:
        params = yaml.safe_load(raw) if raw else None
        d = params.get("output", {}).get("curated_dir") if isinstance(params, dict) else None
    except (yaml.YAMLError, AttributeError):
        d = None
    return str(d).strip("/") if d else default


def iter_lines_at(version: Version, paths: list[str]) -> Iterator[tuple[int, int, bytes]]:
    """(file number, byte offset, line without surrounding whitespace) for every non-blank line."""
    for fi, path in enumerate(paths):
        fh = version.open(path)
        try:
            off = 0
            for line in fh:
                start = off
                off += len(line)
                line = line.strip()
                if line:
                    yield fi, start, line
        except Exception as exc:  # noqa: BLE001
            raise VersionError(f"{version.label}: reading {path} failed: {exc}") from exc
        finally:
            fh.close()
