"""Every per-record step on the executor: clean, MinHash signatures, extract's finishing and
validate's facts run in worker processes in chunks, and every stage writes the bytes of the
in-process build whatever the worker count. One build with 1 worker and one with 2 (records
spread over many small tasks), then each stage's outputs compared."""

from __future__ import annotations

import shutil
from pathlib import Path

import msgspec
import pytest

import curate.engine.executors as executors
from curate.engine.executors import LocalExecutor
from curate.layout import interim_dir
from curate.params import Params, RunParams
from curate.pipeline.run import run_executor, run_steps
from tests.builders import no_cache, stage_bytes, synthetic_article, with_sample

ARTICLES = 40


class Recording(LocalExecutor):
    """A local executor that notes the task function of every map it is given."""

    def __init__(self, workers: int):
        super().__init__(workers)
        self.mapped: list[str] = []

    def map(self, fn, tasks):
        self.mapped.append(fn.__name__)
        return super().map(fn, tasks)


def _params(workers: int) -> Params:
    return msgspec.structs.replace(no_cache(), run=RunParams(workers=workers, cache_dir=None))


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    """The sample + ARTICLES titled synthetic articles built with 1 worker and with 2, 4 records a task and no inline threshold; the 2-worker build's mapped
    task functions."""
    one = with_sample(tmp_path_factory.mktemp("one"))
    for i in range(ARTICLES):
        (one / f"corpus/raw/synth/a{i:03d}.txt").parent.mkdir(exist_ok=True)
        (one / f"corpus/raw/synth/a{i:03d}.txt").write_text(f"Harbour council report {i}\n\n" + synthetic_article(i % 20, seed=i // 20))
    two = tmp_path_factory.mktemp("two")
    shutil.copytree(one / "corpus", two / "corpus")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(executors, "INLINE_BELOW", 0)
        mp.setattr(executors, "RECORDS_PER_TASK", 4)
        with Recording(1) as ex:
            run_steps(one, _params(1), executor=ex)
        with Recording(2) as ex:
            run_steps(two, _params(2), executor=ex)
            mapped = ex.mapped
    return one, two, mapped


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("stage", ["clean", "dedup", "extract"])
def test_a_stage_writes_the_same_bytes_with_one_and_two_workers(builds, stage):
    one, two, _ = builds
    first = _folder_bytes(interim_dir(one, stage))
    assert stage_bytes(one, stage).count(b"\n") > ARTICLES
    assert _folder_bytes(interim_dir(two, stage)) == first


def test_validate_publishes_the_same_corpus_with_one_and_two_workers(builds):
    one, two, _ = builds
    curated = _folder_bytes(one / "corpus/curated")
    assert any(name.startswith("articles/") for name in curated)
    assert _folder_bytes(two / "corpus/curated") == curated
    assert (two / "reports/metrics.json").read_bytes() == (one / "reports/metrics.json").read_bytes()


def test_each_per_record_step_runs_on_the_executor(builds):
    *_, mapped = builds
    assert {"clean_lines", "signature_lines", "annotate_by_language", "finish_lines",
            "facts_lines"} <= set(mapped)


def test_a_few_records_are_computed_in_this_process_without_the_executor():
    ex = Recording(2)
    few = list(range(executors.INLINE_BELOW - 1))
    assert executors.map_chunked(ex, _doubled, few, chunk=8) == [2 * i for i in few]
    assert ex.mapped == [] and ex._pool is None


def test_chunked_results_come_back_one_per_item_in_input_order():
    items = list(range(executors.INLINE_BELOW + 37))
    with Recording(2) as ex:
        assert executors.map_chunked(ex, _doubled, items, chunk=10) == [2 * i for i in items]
    assert ex.mapped == ["_doubled"]


def _doubled(items: list[int]) -> list[int]:
    return [2 * i for i in items]


def test_the_run_executor_warms_up_each_worker_for_extract():
    from curate.extract.language import _identifier

    _identifier.cache_clear()  # the workers fork from this process: none inherits a loaded one
    with run_executor(_params(2)) as ex:
        assert ex.map(_identifiers_loaded, [(), ()]) == [1, 1]


def _identifiers_loaded() -> int:
    from curate.extract.language import _identifier

    return _identifier.cache_info().currsize
