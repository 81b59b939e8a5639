"""Step 1 as a stage: raw files -> records, read on the executor in path order; each file's
outputs cached by its stat identity, each HTML page's by its bytes (pages.py); WARC files streamed."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from curate.engine.cache import AnnotationCache, LiveKeys, cache_file, code_digest
from curate.engine.progress import current
from curate.engine.parts import cut, digest
from curate.engine.stage import WINDOW, PartRun, StageResult, run_stage, StageWriter, stage_executor
from curate.engine.step import StageStep
from curate.params import Params, section_digest
from curate.steps import BY_NAME
from curate.record import REJECTED_DECODER, Reason

from . import resolver, early_reject, pages, warc
from .base import SKIPPED_DECODER, encode_items
from curate.readers import html, iter_raw_files, read_file, sniff
from curate.readers.decode import Failure, load

_rejected_dec = REJECTED_DECODER
# the code whose output the ingest cache holds: every reader module, the glob rule of the
# per-source mappings, and the record definition
READER_CODE = ("curate.readers", "curate.globs", "curate.record")
# each cache this step keeps -> the code its keys digest (tests/pipeline/test_cache_code.py)
CACHE_CODE = {"ingest": READER_CODE, "pages": READER_CODE}


def _stat_key(path: Path) -> str | None:
    """Identity of a raw file as git and DVC see it (size, mtime, inode); None = do not cache
    (symlinks, whose targets may change, and anything that cannot be stat'ed)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}:{st.st_mode}"


def ingest_cache_prefix(params: Params) -> str:
    """Ingest cache keys start with the reader code and the ingest params."""
    return f"{code_digest(*READER_CODE)}:{section_digest(params.ingest)}:"


def ingest_cache_key(prefix: str, raw_root: Path, rel: str) -> str | None:
    """What raw file `rel` gave is keyed by prefix + path + stat identity; None = not cached."""
    sk = _stat_key(raw_root / rel)
    return None if sk is None else f"{prefix}{rel}\0{sk}"


FILES_PER_TASK = 8     # saved files read per executor task
PAGES_PER_TASK = 8     # WARC pages extracted per executor task
PAGE_WINDOW = 256      # WARC pages held at once (with PAGE_BYTES): memory stays flat per WARC
PAGE_BYTES = 64 << 20
WINDOW_BYTES = 64 << 20  # raw bytes of the saved files read in one window (with WINDOW files)
WARC_FILE = b"W"       # the ingest cache's value for a WARC file: its pages are cached one by one


def read_files(rels: list[str], raw_root: str, ingest, cache_path: str | None, prefix: str) -> list[bytes]:
    """The executor task: read saved files (not WARC), their HTML pages through the page cache."""
    with pages.active(cache_path, prefix):
        return [encode_items(read_file(rel, Path(raw_root), ingest)) for rel in rels]


class _Ingest:
    """One ingest run: the caches, the executor, and the writer outputs go to in path order."""

    def __init__(self, root: Path, params: Params, executor, result: StageResult):
        self.params, self.executor, self.result = params, executor, result
        self.w: StageWriter | None = None  # the writer of the part being read
        # absolute: a Dask worker's working folder is not the project's (same paths, docs/performance.md)
        self.raw_root = (root / params.ingest.raw_dir).resolve()
        self.prefix = ingest_cache_prefix(params)
        self.files_cache = AnnotationCache(cache_file(root, params, "ingest"))
        path = cache_file(root, params, "pages")
        self.page_path = str(path.resolve()) if path else None
        self.page_cache = AnnotationCache(path)
        self.sizes: dict[str, int] = {}  # raw file -> bytes, the progress' cost units

    def close(self) -> None:
        self.files_cache.close()
        self.page_cache.close()

    def emit(self, value: bytes) -> None:
        w, result = self.w, self.result
        for line in value.split(b"\n"):
            if not line:
                continue
            if line[:1] == b"S":  # no input: listed apart, counted by kind
                kind = SKIPPED_DECODER.decode(line[1:]).kind
                w.skip(line[1:], kind)
                counts = result.extra.setdefault("skipped_by_kind", {})
                counts[kind] = counts.get(kind, 0) + 1
                continue
            result.inputs += 1
            if line[:1] == b"R":
                w.drop(_rejected_dec.decode(line[1:]))
            else:
                w.keep_encoded(line[1:])

    def window(self, files: list[str]) -> None:
        """Outputs of a window of files, in path order: from the ingest cache, read on the
        executor, or (WARC files) streamed page by page."""
        keys = {rel: k for rel in files if (k := ingest_cache_key(self.prefix, self.raw_root, rel))}
        found = self.files_cache.get_many(set(keys.values()))
        values = {rel: found[keys[rel]] for rel in files if keys.get(rel) in found}
        todo = []
        for rel in files:
            if rel in values:
                continue
            full, _ = resolver(str(self.raw_root)).resolve(rel)
            if full is not None and warc.sniff_file(full):
                values[rel] = WARC_FILE
            else:
                todo.append(rel)
        tasks = [(todo[i : i + FILES_PER_TASK], str(self.raw_root), self.params.ingest, self.page_path,
                  self.prefix) for i in range(0, len(todo), FILES_PER_TASK)]
        for rel, value in zip(todo, (v for out in self.executor.map(read_files, tasks) for v in out)):
            values[rel] = value
        self.files_cache.put_many((keys[rel], v) for rel, v in values.items()
                                  if rel in keys and keys[rel] not in found)
        for rel in files:
            if values[rel] == WARC_FILE:
                self.warc(rel)
            else:
                self.emit(values[rel])
            current().advance(work=self.sizes.get(rel, 0))

    def warc(self, rel: str) -> None:
        """Stream a WARC file: its pages in rounds of PAGE_WINDOW, each from the page cache or
        extracted on the executor; nothing holds more than a round."""
        full, problem = resolver(str(self.raw_root)).resolve(rel)
        if full is None:
            self.emit(encode_items([early_reject(rel, Reason.UNREADABLE, problem)]))
            return
        batch, npages, nbytes, reached = [], 0, 0, 0
        for item in warc.iter_path(full, rel, self.params.ingest):
            batch.append(item)
            if isinstance(item, pages.Page):
                npages, nbytes = npages + 1, nbytes + len(item.content)
                if npages >= PAGE_WINDOW or nbytes >= PAGE_BYTES:
                    self.pages(batch)
                    offset = min(int(item.source.get("offset") or 0), self.sizes.get(rel, 0))
                    current().working(0, work=max(0, offset - reached))  # how far into the file
                    reached = max(reached, offset)
                    batch, npages, nbytes = [], 0, 0
        self.pages(batch)

    def pages(self, batch: list) -> None:
        """Write a round of WARC items in order, extracting the pages the page cache lacks."""
        todo_pages = [i for i in batch if isinstance(i, pages.Page)]
        keys = [pages.page_key(self.prefix, p) for p in todo_pages]
        found = self.page_cache.get_many(set(keys))
        todo: dict[str, pages.Page] = {}
        for k, p in zip(keys, todo_pages):
            if k not in found:
                todo.setdefault(k, p)
        items = list(todo.items())
        tasks = [([p for _, p in items[i : i + PAGES_PER_TASK]], self.params.ingest)
                 for i in range(0, len(items), PAGES_PER_TASK)]
        fresh = []
        for (k, _), (value, cacheable) in zip(items, (v for out in self.executor.map(pages.compute_many, tasks)
                                                        for v in out)):
            found[k] = value
            if cacheable:
                fresh.append((k, value))
        self.page_cache.put_many(fresh)
        it = iter(keys)
        out = []
        for item in batch:
            out.extend(pages.rebase(found[next(it)], item) if isinstance(item, pages.Page) else [item])
        self.emit(encode_items(out))


def _sizes(raw_root: Path, files: list[str]) -> dict[str, int]:
    """Bytes of each raw file (0 when it cannot be read): the cost units of the ingest's progress."""
    out = {}
    for rel in files:
        try:
            out[rel] = os.stat(os.path.join(raw_root, rel)).st_size
        except OSError:
            out[rel] = 0
    return out


def file_windows(files: list[str], sizes: dict[str, int], max_files: int = WINDOW,
                 max_bytes: int = WINDOW_BYTES) -> Iterator[list[str]]:
    """The files in path order, cut into windows of at most `max_files` files and `max_bytes` raw
    bytes (a larger file is a window alone): a window's outputs are held until it is written, so
    JSONL batches of thousands of articles must not fill one window by the thousand."""
    window: list[str] = []
    nbytes = 0
    for rel in files:
        size = sizes.get(rel, 0)
        if window and (len(window) >= max_files or nbytes + size > max_bytes):
            yield window
            window, nbytes = [], 0
        window.append(rel)
        nbytes += size
    if window:
        yield window


def _check_worker_paths(executor, root: Path, params: Params, raw_root: Path) -> None:
    """On a cluster, every worker sees the folders the tasks read and write by path (the raw
    folder, the page cache's): WorkerPathError naming the first one a worker cannot see."""
    check = getattr(executor, "check_paths", None)
    if check is None:
        return
    cache = cache_file(root, params, "pages")
    folders = [p for p in (raw_root, cache.parent if cache else None) if p is not None and p.is_dir()]
    check([str(p.resolve()) for p in folders])


def part_input_digest(raw_root: Path, files: list[str]) -> str:
    """What an ingest partition reads, as this machine sees it: its files' (path, stat
    identity), no raw byte hashed; its reuse key's input, kept in the local file, not in
    index.json. "" (never reused) when a file has no stat identity (a symlink, a file gone)."""
    fields = []
    for rel in files:
        sk = _stat_key(raw_root / rel)
        if sk is None:
            return ""
        fields += [rel, sk]
    return digest(*fields)


def run_ingest(root: Path, params: Params, executor=None) -> StageResult:
    """Raw files -> records; unreadable inputs become rejections. Files are read in path order,
    a window of files at a time on the executor (`run.workers` processes or `run.scheduler`).

    What a file gave is cached by (path, size, mtime, inode) + ingest params + reader code, so a
    rebuild after adding articles reads only the new or changed files; an HTML page's extraction
    is cached by its bytes (readers/pages.py), and WARC files are streamed page by page. The files
    are cut into partitions (engine/parts.cut); a partition whose files have the stat identities
    of one of the previous run (same ingest params and readers) is reused whole."""
    raw_root = root / params.ingest.raw_dir
    run = None

    def body(parts: PartRun, result: StageResult) -> None:
        nonlocal run
        run = _Ingest(root, params, ex, result)
        files = iter_raw_files(raw_root) if raw_root.exists() else []
        result.extra["files"] = len(files)
        run.sizes = _sizes(raw_root, files)
        current().start(len(files), "files", work=sum(run.sizes.values()) or None)
        for part in cut(files, run.sizes):
            stat_digest = part_input_digest(raw_root, part)

            def fill(w: StageWriter, part=part) -> None:
                run.w = w
                for window in file_windows(part, run.sizes):
                    run.window(window)

            key = digest(run.prefix, stat_digest) if stat_digest else ""
            if parts.part(digest(*part), key, fill):  # the index names its raw paths, the key their stats
                current().advance(len(part), work=sum(run.sizes[rel] for rel in part))
        result.extra.update(cache_hits=run.files_cache.hits, cache_misses=run.files_cache.misses,
                            page_hits=run.page_cache.hits, page_misses=run.page_cache.misses)

    try:  # an executor of its own is terminated if the stage fails or is interrupted
        with stage_executor(params, executor) as ex:
            _check_worker_paths(ex, root, params, raw_root)
            return run_stage(root, "ingest", body)
    finally:
        if run is not None:
            run.close()


def page_keys(raw_root: Path, files: list[str], params: Params):
    """The page cache keys of the HTML pages in `files` (saved pages and WARC responses): read
    and hashed, not extracted."""
    prefix = ingest_cache_prefix(params)
    for rel in files:
        full, _ = resolver(str(raw_root)).resolve(rel)
        if full is None:
            continue
        if warc.sniff_file(full):
            yield from (pages.page_key(prefix, p) for p in warc.iter_path(full, rel, params.ingest)
                        if isinstance(p, pages.Page))
            continue
        loaded = load(full, params.ingest.max_bytes)
        if not isinstance(loaded, Failure) and sniff(loaded.text) is html:
            content = loaded.content if loaded.content is not None else loaded.data
            yield pages.page_key(prefix, pages.Page(path=rel, content=content, sha=""))


def live_keys(m: LiveKeys) -> None:
    """For `curate cache prune`: the ingest keys of the current raw files (path, stat identity),
    and the page keys of their HTML pages (which reads every raw file once)."""
    raw_root = m.root / m.params.ingest.raw_dir
    files = iter_raw_files(raw_root) if raw_root.exists() else []
    m.facts["raw_files"] = set(files)
    prefix = ingest_cache_prefix(m.params)
    cache = m.caches["ingest"]
    cache.mark(k for k in (ingest_cache_key(prefix, raw_root, rel) for rel in files) if k is not None)
    if n := cache.count_missing():
        m.problems.append(f"{n} raw file(s) are new or changed, or the ingest params or readers changed, "
                          "since corpus/interim/ingest was built")
    m.caches["pages"].mark(page_keys(raw_root, files, m.params))
    m.caches["pages"].count_missing()


# the step as an object: per raw file, `read_file` (what `curate check` reads with)
STEP = StageStep(BY_NAME["ingest"], run_ingest, live_keys=live_keys, window=read_file, parallel=True)
