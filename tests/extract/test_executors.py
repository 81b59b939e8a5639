"""Same bytes whatever runs the NER: in-process, local worker processes, or a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from curate.engine.executors import DaskExecutor, LocalExecutor
from curate.extract.stage import run_extract
from curate.params import Params
from tests.builders import build_stages, no_cache, stage_bytes, with_sample


@pytest.fixture(scope="module")
def deduped(tmp_path_factory) -> Path:
    root = with_sample(tmp_path_factory.mktemp("exec"))
    build_stages(root, no_cache(), ("ingest", "clean", "dedup"))
    return root


def extract_bytes(root: Path, executor) -> bytes:
    run_extract(root, no_cache(), executor=executor)
    return stage_bytes(root, "extract")


def test_one_and_two_local_workers_give_identical_bytes(deduped, monkeypatch):
    import curate.extract.annotate

    monkeypatch.setattr(curate.extract.annotate, "CHUNK", 2)  # many tasks, so both workers get some
    one = extract_bytes(deduped, LocalExecutor(1))
    two = LocalExecutor(2)
    try:
        assert extract_bytes(deduped, two) == one
    finally:
        two.close()


def test_dask_local_cluster_gives_the_local_bytes(deduped):
    import distributed
    local = extract_bytes(deduped, LocalExecutor(1))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        ex = DaskExecutor(cluster.scheduler_address)
        try:
            assert extract_bytes(deduped, ex) == local
        finally:
            ex.close()


def _plain_annotations(nlp, texts: list[str]) -> list[bytes]:
    from curate.extract.annotate import Annotation, detect_language, encode_annotation

    return [encode_annotation(Annotation([(e.start_char, e.end_char, e.label_) for e in doc.ents],
                                         detect_language(text)))
            for text, doc in zip(texts, nlp.pipe(texts, batch_size=8))]


def _novel_texts(tag: str, n: int) -> list[str]:
    return [f"Zorblaxian minister Qwertyvan Plimsoll{tag}{i} met Frobnitz{tag}{i} Holdings in "
            f"Vexmoor{tag}{i} on Monday." for i in range(n)]


def test_a_worker_vocab_stops_growing_once_its_memory_zone_closes(monkeypatch):
    """A worker annotates chunk after chunk for the whole corpus: the new words spaCy adds to
    the model's vocab are dropped every ZONE_TEXTS texts, so its memory does not grow with the
    corpus; the entities are the bytes a worker without zones gives."""
    import curate.extract.annotate as annotate

    model = Params().extract.model
    nlp = annotate.load_model(model)
    annotate.VOCAB_ZONES.close_all()
    monkeypatch.setattr(annotate, "ZONE_TEXTS", 16)
    base = len(nlp.vocab.strings)
    first = annotate.annotate_chunk(model, _novel_texts("a", 8), 8)
    assert len(nlp.vocab.strings) > base  # the zone stays open across chunks (cheap)
    second = annotate.annotate_chunk(model, _novel_texts("b", 8), 8)
    assert len(nlp.vocab.strings) == base  # 16 texts: the zone closed, its words are gone
    annotate.VOCAB_ZONES.close_all()
    plain = _plain_annotations(nlp, _novel_texts("a", 8) + _novel_texts("b", 8))
    assert len(nlp.vocab.strings) > base  # outside a zone the words stay
    assert first + second == plain
