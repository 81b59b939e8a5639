"""`curate add`: check inputs, then copy the accepted ones into a new batch folder of corpus/raw.

1. The batch folder is named first, `added-YYYYMMDD-HHMMSS-<8 hex>` (UTC time; the hex is a
   digest of the inputs' paths, sizes and times), so `check` reports the ids the files will get
   there (path-rule ids depend on the path under corpus/raw).
2. `check` runs on the inputs as they will sit in the batch folder (see curate/check/run.py).
3. Accepted inputs are copied under the batch folder at their relative path (a file argument: its
   name, with its day folder when it sits in one; a folder argument: the path inside it), so day
   folder dates keep working. A JSONL file with some rejected lines is written with those lines
   blanked: the reader skips blank lines, so every accepted line keeps its line number, its id and
   its source line, and the report's `file:line` still points at the partner's original line.
   A JSON array with rejected elements is written (UTF-8) with those elements replaced by `null`,
   which the JSON reader skips, so every accepted element keeps its index, id and source item.
   Rejected inputs are never copied.
4. Each copy is written by engine/io's atomic writer (`write_new`) to a `.tmp-` file in the
   target folder (the pipeline's listing skips dot names), fsynced, then hard-linked to its name: a link never replaces an existing file, so
   nothing is ever overwritten, and a reader never sees a partial file. The bytes copied are the
   bytes checked: a file whose content changed since it was read is not copied (error).
Inputs already under corpus/raw are a usage error (they are in the corpus already: `dvc repro`).
`dry_run` does steps 1-2 and reports what would be copied; nothing is written under corpus/.
It remembers the batch name it reported (`add-plans.json` in `run.cache_dir`, keyed by the
inputs' paths, sizes and times), and the next `add` of the same unchanged inputs takes that
name while no other batch has been added since: the ids it gives are the ids the dry run showed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from curate.check.verdicts import CheckResult
from curate.engine.io import write_atomic, write_new
from curate.check.inputs import Input, UsageError, collect_inputs, load_params_for, place
from curate.check.run import Progress, check_against_corpus
from curate.params import Params
from curate.readers.jsonl import line_bytes, split_lines
from curate.engine.cache import cache_file
from curate.readers.decode import decode
from curate.readers.json_doc import split_items


@dataclass
class Copy:
    """One file written (or to be written) into the batch folder."""

    input: str              # the path as given
    dest: str               # path under corpus/raw
    lines: list[int] | None = None  # JSONL: the accepted line numbers (None: a single article)
    whole: bool = True      # the file is copied byte for byte (else: JSONL with blanked lines)
    items: list[str] | None = None  # JSON array: the accepted elements (indexes)


@dataclass
class AddResult:
    check: CheckResult
    batch: str | None              # batch folder under corpus/raw (None: nothing accepted)
    raw_dir: str
    copies: list[Copy] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False
    dvc_file: str | None = None    # the batch's DVC pointer file, when add tracked it (git-add it)

    @property
    def exit_code(self) -> int:
        return 1 if (self.check.rejected or self.errors) else 0

    def summary(self) -> str:
        if not self.copies:
            return "nothing to add: no input was accepted"
        verb = "would copy" if self.dry_run else "copied"
        n = sum(len(c.lines) if c.lines is not None else len(c.items) if c.items is not None else 1
                for c in self.copies)
        text = (f"{verb} {n} accepted input{'s' if n != 1 else ''} ({len(self.copies)} "
                f"file{'s' if len(self.copies) != 1 else ''}) into {self.raw_dir}/{self.batch}/")
        if self.errors:
            text += f"; {len(self.errors)} not copied (see errors)"
        if self.dvc_file:
            gitignore = f"{self.raw_dir}/.gitignore"
            text += (f"\ntracked with DVC: {self.dvc_file}; commit the pointer, not the articles: "
                     f"git add {self.dvc_file} {gitignore}")
        if not self.dry_run and len(self.errors) < len(self.copies):
            text += "\nrun `dvc repro` to rebuild the curated corpus"
        return text

    def to_json(self) -> dict:
        out = self.check.to_json()
        out["add"] = {
            "dry_run": self.dry_run, "batch": self.batch,
            "folder": f"{self.raw_dir}/{self.batch}" if self.batch else None,
            "copies": [{"input": c.input, "path": c.dest, "lines": c.lines, "whole_file": c.whole,
                        "items": c.items}
                       for c in self.copies],
            "errors": self.errors,
            "dvc_file": self.dvc_file,
        }
        return out


def batch_name(inputs: list[Input], raw_root: Path, now: dt.datetime | None = None) -> str:
    """A new folder name under raw_root: added-YYYYMMDD-HHMMSS-<8 hex> (+ -2, -3 if taken)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    h = hashlib.sha256(now.isoformat().encode())
    for inp in inputs:
        h.update(os.fsencode(str(inp.full)))
        with contextlib.suppress(OSError):
            st = os.lstat(inp.full)
            h.update(f"|{st.st_size}|{st.st_mtime_ns}\n".encode())
    base = f"added-{now:%Y%m%d-%H%M%S}-{h.hexdigest()[:8]}"
    name, k = base, 1
    while os.path.lexists(raw_root / name):
        k += 1
        name = f"{base}-{k}"
    return name


_PLANS = "add-plans.json"


def _inputs_digest(inputs: list[Input]) -> str:
    h = hashlib.sha256()
    for inp in inputs:
        h.update(os.fsencode(str(inp.full)))
        with contextlib.suppress(OSError):
            st = os.lstat(inp.full)
            h.update(f"|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _planned_batch(plans: Path | None, digest: str, raw_root: Path) -> str | None:
    """The name a dry run reported for these inputs, while it is still free and still the newest
    batch (an add in between would make it sort before a later batch: arrival order)."""
    import json

    if plans is None:
        return None
    try:
        name = json.loads(plans.read_text(encoding="utf-8")).get(digest)
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(name, str) or os.path.lexists(raw_root / name):
        return None
    newest = max((p.name for p in raw_root.glob("added-*")), default="") if raw_root.is_dir() else ""
    return name if name > newest else None


def _remember_plan(plans: Path | None, digest: str, name: str | None) -> None:
    """Keep (name given) or drop (None) the dry run's name for these inputs; the 20 latest stay."""
    import json

    if plans is None:
        return
    try:
        known = json.loads(plans.read_text(encoding="utf-8"))
        known = known if isinstance(known, dict) else {}
    except (OSError, ValueError):
        known = {}
    if name is None and digest not in known:
        return
    known.pop(digest, None)
    if name is not None:
        known[digest] = name
    with contextlib.suppress(OSError):
        write_atomic(plans, json.dumps(dict(list(known.items())[-20:]), indent=1) + "\n")


def _line_sha(raw: bytes, lineno: int) -> str:
    """sha256 of a line as the JSONL reader hashes it (its own line_bytes)."""
    return hashlib.sha256(line_bytes(raw, lineno)).hexdigest()


def _blank_items(data: bytes, keep: set[str], accepted: dict[str, str]) -> tuple[bytes | None, str]:
    """A JSON array file with the elements not in `keep` replaced by `null` (the JSON reader skips
    null elements, so every kept element keeps its index, id and source), as UTF-8; (None, why)
    when a kept element changed since it was checked."""
    loaded = decode(data)
    text = getattr(loaded, "text", "")
    items, problem = split_items(text)
    parts, pos, changed = [], 0, []
    for k, (start, end, _value) in enumerate(items):
        if str(k) in keep:
            sha = hashlib.sha256(text[start:end].encode("utf-8", "surrogatepass")).hexdigest()
            if sha != accepted[str(k)]:
                changed.append(str(k))
            continue
        parts += [text[pos:start], "null"]
        pos = end
    missing = sorted(keep - {str(k) for k in range(len(items))}, key=int)
    if changed or missing:
        return None, f"item(s) {', '.join(changed + missing)} changed since they were checked, not copied"
    if problem is None:
        parts.append(text[pos:])
    else:  # the unreadable rest was rejected: close the array after the last element read
        parts.append(text[pos:items[-1][1]] + "\n]\n" if items else "[]\n")
    return "".join(parts).encode("utf-8", "surrogatepass"), ""


def _write_new(path: Path, data: bytes) -> None:
    """Write data to path atomically (engine/io): never overwrites, never partial."""
    write_new(path, data)


def _plan_json_array(inp, verdicts: list, accepted: list, data: bytes):
    """A JSON array (one input per element): its rejected elements blanked, or an error."""
    keep = {v.item for v in accepted}
    whole = len(accepted) == len(verdicts)
    blanked, why = _blank_items(data, keep, {v.item: v.source_sha256 for v in accepted})
    if blanked is None:
        return f"{inp.display}: {why}"
    return Copy(inp.display, inp.dest, None, whole, sorted(keep, key=int)), data if whole else blanked


def _plan_jsonl(inp, verdicts: list, accepted: list, data: bytes):
    """A JSONL file: its rejected lines blanked (in its encoding), or an error if an accepted
    line changed since it was checked."""
    lines, encoding = split_lines(data)
    keep = {v.line for v in accepted}
    changed = [n for n in sorted(keep) if n > len(lines) or
               _line_sha(lines[n - 1], n) != next(v.source_sha256 for v in accepted if v.line == n)]
    if changed:
        return f"{inp.display}: line(s) {', '.join(map(str, changed))} changed since they were checked, not copied"
    whole = len(accepted) == len(verdicts)
    if not whole:
        blanked = [ln if i in keep else b"" for i, ln in enumerate(lines, 1)]
        data = b"\n".join(blanked)
        if encoding == "utf-16":
            data = data.decode("utf-8").encode("utf-16")
    return Copy(inp.display, inp.dest, sorted(keep), whole), data


def _plan_one(inp, verdicts: list, accepted: list, data: bytes):
    """(Copy, bytes) for one input with accepted verdicts, or an error message."""
    if any(v.item is not None for v in verdicts) and verdicts[0].format != "json":
        # items of a file only its reader can split (WARC records, feed items, SGML stories):
        # the file is copied whole; its rejected items are rejected again, with their reason,
        # by the next build (the accounting counts them there)
        return Copy(inp.display, inp.dest), data
    if any(v.item is not None for v in verdicts):
        return _plan_json_array(inp, verdicts, accepted, data)
    if any(v.line is not None for v in verdicts):
        return _plan_jsonl(inp, verdicts, accepted, data)
    if hashlib.sha256(data).hexdigest() != accepted[0].source_sha256:
        return f"{inp.display}: changed since it was checked, not copied"
    return Copy(inp.display, inp.dest), data


def plan_copies(result: CheckResult, raw_root: Path) -> tuple[list[Copy], dict[int, bytes], list[str]]:
    """What to write for the accepted inputs: Copy entries, the bytes per input, and errors."""
    by_input: dict[int, list] = {}
    for v in result.verdicts:
        by_input.setdefault(v.input_index, []).append(v)
    copies: list[Copy] = []
    data_for: dict[int, bytes] = {}
    errors: list[str] = []
    for k, verdicts in sorted(by_input.items()):
        accepted = [v for v in verdicts if v.accepted]
        if not accepted:
            continue
        inp = result.inputs[k]
        try:
            with open(inp.full, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            errors.append(f"{inp.display}: cannot read it again: {exc.strerror or exc}")
            continue
        planned = _plan_one(inp, verdicts, accepted, data)
        if isinstance(planned, str):
            errors.append(planned)
            continue
        copies.append(planned[0])
        data_for[len(copies) - 1] = planned[1]
    return copies, data_for, errors


def add_paths(
    paths,
    root: Path = Path("."),
    params: Params | None = None,
    params_path: Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    executor=None,
    dvc: bool = True,
) -> AddResult:
    """Check `paths`, then copy what is accepted into corpus/raw/<batch>/ (unless dry_run), and
    in a DVC repository (unless `dvc` is False) track the batch with `dvc add`."""
    if not paths:
        raise UsageError("no paths given")
    if params is None:
        params = load_params_for(root, params_path)
    raw_root = root / params.ingest.raw_dir
    inputs = collect_inputs(paths, raw_root)
    inside = [i.display for i in inputs if i.in_raw]
    if inside:
        raise UsageError(f"already under {params.ingest.raw_dir} (run `dvc repro` instead of add): "
                         + ", ".join(inside[:5]) + (" ..." if len(inside) > 5 else ""))
    rp = params.run
    plans = root / rp.cache_dir / _PLANS if rp.cache_dir else None
    digest = _inputs_digest(inputs)
    batch = _planned_batch(plans, digest, raw_root) or batch_name(inputs, raw_root, now)
    place(inputs, batch + "/")
    cache_path = cache_file(root, params, "annotations")
    result = check_against_corpus(inputs, params, root / params.output.curated_dir,
                                  root / rp.cache_dir if rp.cache_dir else None, raw_root, cache_path, progress, executor)
    copies, data_for, errors = plan_copies(result, raw_root)
    out = AddResult(result, batch if copies else None, params.ingest.raw_dir, copies, errors, dry_run)
    _remember_plan(plans, digest, batch if dry_run and copies else None)
    if dry_run or not copies:
        return out
    written: list[Copy] = []
    for i, c in enumerate(copies):
        try:
            _write_new(raw_root.joinpath(*c.dest.split("/")), data_for[i])
            written.append(c)
        except OSError as exc:
            out.errors.append(f"{c.input}: cannot write {params.ingest.raw_dir}/{c.dest}: "
                              f"{exc.strerror or exc}")
    out.copies = written
    if not written:
        out.batch = None
    elif dvc and (root / ".dvc").is_dir():
        track_batch(root, params.ingest.raw_dir, out)
    return out


def track_batch(root: Path, raw_dir: str, out: AddResult) -> None:
    """`dvc add` the batch folder: its files go to DVC's cache, git sees only the pointer file
    `<raw_dir>/<batch>.dvc` (and the batch's line in `<raw_dir>/.gitignore`). A failure is an
    error of the add (the copies stay), naming the command that would finish it."""
    folder = f"{raw_dir}/{out.batch}"
    try:
        from dvc.repo import Repo

        with Repo(str(root)) as repo:
            repo.scm_context.quiet = True  # add prints its own `git add` line; stdout may be JSON
            repo.add([str(root / folder)])
    except Exception as exc:  # noqa: BLE001 - DVC's errors are many; the user gets its message
        out.errors.append(f"cannot track {folder} with DVC ({exc}): run `dvc add {folder}`")
        return
    out.dvc_file = f"{folder}.dvc"
