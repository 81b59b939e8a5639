"""`curate check` runs its per-record work on an executor, as the stages do (map_chunked: in this
process below INLINE_BELOW records): reading the inputs, clean, the batch's MinHash signatures, extract's annotation
and finishing, validate's facts. A batch above that threshold checked on two worker processes
gets the verdicts, JSON and records of a check in one process."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import msgspec
import pytest

from curate.check.run import check_paths
from curate.engine.executors import INLINE_BELOW, LocalExecutor
from curate.record import encode
from tests.builders import one_worker, synthetic_article

ARTICLES = INLINE_BELOW + 40
COPIES = 4  # exact copies of the first articles: duplicates within the batch


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """ARTICLES titled synthetic articles (twenty days, fifteen seeds) and COPIES copies."""
    folder = tmp_path_factory.mktemp("batch") / "in"
    folder.mkdir()
    for n in range(ARTICLES):
        title = f"Harbour council report number {n}\n\n"
        (folder / f"a{n:04d}.txt").write_text(title + synthetic_article(n % 20, seed=n // 20))
    for n in range(COPIES):
        shutil.copy(folder / f"a{n:04d}.txt", folder / f"copy{n}.txt")
    return folder


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """The folder every check here runs from (outside a project: no corpus, no cache)."""
    return tmp_path_factory.mktemp("root")


@pytest.fixture(scope="module")
def in_one_process(batch, root):
    return check_paths([batch], root=root, params=one_worker())


def _json(result) -> str:
    return json.dumps(result.to_json(), sort_keys=True)


class CountingPool(LocalExecutor):
    """Two local worker processes, counting the tasks of each function sent to them (a `per_item`
    task by the function it applies to each item)."""

    def __init__(self) -> None:
        super().__init__(2)
        self.tasks: Counter = Counter()

    def map(self, fn, tasks):
        for task in tasks:
            self.tasks[task[1].__name__ if fn.__name__ == "per_item" else fn.__name__] += 1
        return super().map(fn, tasks)


def test_a_batch_above_the_inline_threshold_checked_with_two_workers_gets_the_verdicts_of_one(
        batch, root, in_one_process):
    two = msgspec.structs.replace(one_worker(), run=msgspec.structs.replace(one_worker().run, workers=2))
    on_two = check_paths([batch], root=root, params=two)
    assert in_one_process.rejected >= COPIES  # the copies are duplicates of the first articles
    assert _json(on_two) == _json(in_one_process)
    assert [encode(r) for r in on_two.records] == [encode(r) for r in in_one_process.records]


def test_check_sends_each_steps_per_record_work_to_its_executor(batch, root, in_one_process):
    with CountingPool() as pool:
        result = check_paths([batch], root=root, params=one_worker(), executor=pool)
    # the readers, clean, dedup's signatures, extract's NER and finishing, validate's facts
    assert {"_read_input", "clean_one", "signature_texts", "annotate_by_language", "finish_records", "facts"} <= set(pool.tasks)
    assert pool.tasks["_read_input"] == -(-(ARTICLES + COPIES) // 8)  # 8 files a task
    assert pool.tasks["clean_one"] == -(-(ARTICLES + COPIES) // 64)
    assert _json(result) == _json(in_one_process)
