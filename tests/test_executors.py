"""Same bytes whatever runs the NER: in-process, local worker processes, or a Dask cluster."""

from __future__ import annotations

import shutil
from pathlib import Path

import msgspec
import pytest

from curate.executors import DaskExecutor, LocalExecutor
from curate.layout import RECORDS, interim_dir
from curate.params import Params, RunParams
from curate.stages import RUNNERS, run_extract

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def deduped(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("exec")
    shutil.copytree(REPO / "corpus/raw", root / "corpus/raw")
    params = no_cache()
    for name in ("ingest", "clean", "dedup"):
        RUNNERS[name](root, params)
    return root


def no_cache() -> Params:
    return msgspec.structs.replace(Params(), run=RunParams(cache_dir=None))


def extract_bytes(root: Path, executor) -> bytes:
    run_extract(root, no_cache(), executor=executor)
    return (interim_dir(root, "extract") / RECORDS).read_bytes()


def test_one_and_two_local_workers_give_identical_bytes(deduped, monkeypatch):
    import curate.annotate

    monkeypatch.setattr(curate.annotate, "CHUNK", 2)  # many tasks, so both workers get some
    one = extract_bytes(deduped, LocalExecutor(1))
    two = LocalExecutor(2)
    try:
        assert extract_bytes(deduped, two) == one
    finally:
        two.close()


def test_dask_local_cluster_gives_the_local_bytes(deduped):
    distributed = pytest.importorskip("distributed")
    local = extract_bytes(deduped, LocalExecutor(1))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        ex = DaskExecutor(cluster.scheduler_address)
        try:
            assert extract_bytes(deduped, ex) == local
        finally:
            ex.close()
