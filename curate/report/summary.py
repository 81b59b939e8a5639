"""Per-shard summaries of the quality report, cached by the shard's content, so that a build that
adds a few shards re-reads only those.

A summary is the `QualityAccumulator` of one file (an accepted-records shard or a rejected file);
`QualityAccumulator.merge` folds them, in the order a single pass reads the files (shards, then
rejected files), into exactly the accumulator of that pass, so the report's bytes are the same.
The merge is associative, so runs of consecutive files (`groups`, cut by content: ~GROUP files)
are cached merged too, and a build with a few new shards decodes one summary per run and the
single-file summaries of the runs that changed only.

`SummaryCache` keeps them under `run.cache_dir` (`.curate-cache/report/`, local, never tracked by
DVC): one file per summary, named by sha256(code digest, kind, the file's or the run's sha256), holding the
sha256 of its payload then the payload (msgpack). The code digest covers the modules that make a
summary, so a changed accumulator invalidates every entry. A file's sha256 is trusted while its
stat identity (size, mtime, inode: a hard-linked unchanged shard keeps it, even renamed) is one
recorded in `files.json`, as curate/engine/parts.py does for interim parts; otherwise the file is
hashed again. An entry that is missing, damaged or unreadable is recomputed: the cache can cost
time, never change a byte. Each run deletes the entries it did not use (the working tree has one
version). Only the working tree uses it (`curate report --rev` reads a revision in one pass).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import msgspec

from curate.engine.cache import code_digest
from curate.engine.io import write_atomic
from curate.engine.parts import sha256_file, stat_identity
from curate.report import quality as q

FORMAT = 1
GROUP = 16               # files a group holds on average (content-defined cut: `groups`)
FOLDER = "report"        # under run.cache_dir
FILES = "files.json"     # relative path -> [sha256, size, mtime_ns, inode]
SUFFIX = ".summary"
# the code a summary depends on: the accumulator, the record views and decoders, the missing rules
CODE_MODULES = ("curate.report.quality", "curate.report.summary", "curate.report.build",
                "curate.dataset.versions", "curate.record", "curate.validate.corpus_rules",
                "curate.params")


# ------------------------------------------------------------------------------- state <-> bytes


def encode(acc: q.QualityAccumulator) -> bytes:
    """An accumulator's whole state as msgpack (dict order and int keys kept)."""
    state = {name: getattr(acc, name) for name in (*q._SUMS, *q._COUNTERS, *q._NESTED_COUNTERS)}
    state.update(
        null=[acc.null.accepted, acc.null.missing, acc.null.exempt, acc.null.rejected],
        flag_examples=acc.flag_examples, rejected_examples=acc.rejected_examples,
        dup_groups=acc.dup_groups, dup_detail=acc.dup_detail,
        long=[[w, k.s, info] for w, k, info in acc._long],
        short=[[w, k.s, info] for w, k, info in acc._short],
        samples=[[k.s, info] for k, info in acc._samples],
    )
    return msgspec.msgpack.encode(state)


def decode(payload: bytes) -> q.QualityAccumulator:
    """The accumulator `encode` wrote (the heaps' lists kept in their order: still heaps)."""
    state = msgspec.msgpack.decode(payload)
    acc = q.QualityAccumulator()
    for name in q._SUMS:
        setattr(acc, name, state[name])
    for name in q._COUNTERS:
        setattr(acc, name, Counter(state[name]))
    for name in q._NESTED_COUNTERS:
        setattr(acc, name, defaultdict(Counter, {k: Counter(v) for k, v in state[name].items()}))
    acc.null.accepted = state["null"][0]
    acc.null.missing, acc.null.exempt, acc.null.rejected = (Counter(c) for c in state["null"][1:])
    acc.flag_examples = defaultdict(list, state["flag_examples"])
    acc.rejected_examples = defaultdict(list, state["rejected_examples"])
    for reason, groups in state["dup_groups"].items():
        acc.dup_groups[reason].update(groups)
    acc.dup_detail = state["dup_detail"]
    acc._long = [(w, q._Desc(s), info) for w, s, info in state["long"]]
    acc._short = [(w, q._Desc(s), info) for w, s, info in state["short"]]
    acc._samples = [(q._Desc(s), info) for s, info in state["samples"]]
    return acc


def merged(summaries: Iterable[q.QualityAccumulator]) -> q.QualityAccumulator:
    """The summaries folded in order: the accumulator of one pass over their records."""
    acc = q.QualityAccumulator()
    for s in summaries:
        acc.merge(s)
    return acc


def groups(files: list[tuple[str, str, str]]) -> list[list[tuple[str, str, str]]]:
    """The (kind, path, sha256) of the files in reading order, cut into runs of one kind: a run
    ends after a file whose sha256 is 0 modulo GROUP, so a new or changed file changes its own
    run only (the others keep their cached summaries, whatever their position)."""
    out: list[list[tuple[str, str, str]]] = []
    for f in files:
        if not out or out[-1][-1][0] != f[0] or int(out[-1][-1][2][:8], 16) % GROUP == 0:
            out.append([])
        out[-1].append(f)
    return out


# ------------------------------------------------------------------------------------ the cache


class _Files(msgspec.Struct):
    format: int = FORMAT
    files: dict[str, list] = {}


class SummaryCache:
    """Summaries by content under `folder`, of one file (`kind` records or rejected, its sha256)
    or of a group of files (`kind` group, `group_key`); `hits`, `misses` and `corrupt` count
    lookups, `hashed` the files whose sha256 was computed (their stat identity was not one
    recorded) and `read` the files read (their summary was not cached)."""

    def __init__(self, folder: Path, code: str | None = None):
        self.folder = Path(folder)
        self.hits = self.misses = self.corrupt = self.hashed = self.read = 0
        self._code = code or code_digest(*CODE_MODULES)  # the code that makes summaries
        try:
            known = msgspec.json.decode((self.folder / FILES).read_bytes(), type=_Files)
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            known = _Files()
        # stat identity -> sha256, whatever the name (a shard renamed by a new part before it)
        self._known = {tuple(v[1:]): v[0] for v in (known.files if known.format == FORMAT else {}).values()
                       if len(v) == 4}
        self._seen: dict[str, list] = {}
        self._used: set[str] = set()

    def file_sha(self, path: Path, rel: str) -> str:
        """The file's sha256: the recorded one while its stat identity is unchanged, else hashed."""
        st = stat_identity(path)
        sha = self._known.get(tuple(st)) if st is not None else None
        if sha is None:
            sha = sha256_file(path)
            self.hashed += 1
        self._seen[rel] = [sha, *(st or [])]
        return sha

    def group_key(self, group: list[tuple[str, str, str]]) -> str:
        return hashlib.sha256("".join(f"{kind}:{sha}\n" for kind, _, sha in group).encode()).hexdigest()

    def mark(self, kind: str, sha: str) -> None:
        """Keep an entry this run did not need to read (a member of a cached group)."""
        self._used.add(self.entry(kind, sha).name)

    def entry(self, kind: str, sha: str) -> Path:
        name = hashlib.sha256(f"{FORMAT}\0{self._code}\0{kind}\0{sha}".encode()).hexdigest()
        return self.folder / f"{name}{SUFFIX}"

    def get(self, kind: str, sha: str) -> q.QualityAccumulator | None:
        path = self.entry(kind, sha)
        self._used.add(path.name)
        try:
            raw = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        checksum, payload = raw[:64], raw[64:]
        try:
            if checksum != hashlib.sha256(payload).hexdigest().encode():
                raise ValueError("checksum mismatch")
            acc = decode(payload)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, msgspec.MsgspecError):
            self.corrupt += 1
            self.misses += 1
            return None
        self.hits += 1
        return acc

    def put(self, kind: str, sha: str, acc: q.QualityAccumulator) -> None:
        payload = encode(acc)
        try:
            write_atomic(self.entry(kind, sha), hashlib.sha256(payload).hexdigest().encode() + payload)
        except OSError:  # a full disk: the summary is simply not kept
            pass

    def close(self) -> None:
        """Record the stat identities seen and delete the entries this run did not use."""
        try:
            write_atomic(self.folder / FILES, msgspec.json.encode(_Files(FORMAT, self._seen)))
            for p in self.folder.glob(f"*{SUFFIX}"):
                if p.name not in self._used:
                    p.unlink(missing_ok=True)
        except OSError:
            pass
