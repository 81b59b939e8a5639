"""A Dask worker runs tasks in threads: two tasks that need the same spaCy model at once share
one copy of it (loaded once per process), not one each."""

from __future__ import annotations

import threading

from curate.extract import annotate
from curate.params import Params


def _model_folder() -> str:
    """The configured model's data folder: a name no other test loads, so this process has not
    loaded it yet whatever ran before."""
    import spacy.util

    package = spacy.util.get_package_path(Params().extract.model)
    return str(next(package.glob("*/meta.json")).parent)


def test_two_threads_needing_a_model_at_once_load_it_once():
    folder, start, got = _model_folder(), threading.Barrier(2), []

    def task() -> None:
        start.wait(10)
        got.append(annotate.load_model(folder))

    threads = [threading.Thread(target=task) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(got) == 2 and got[0] is got[1]
