"""`curate check`'s dedup step: the pipeline's rules (curate.dedup.decisions.dedup_decisions, what
run_dedup calls) over the corpus keys followed by the batch's, the batch's MinHash signatures
computed on check's executor; the batch's losers become rejections noting where the kept copy
is, the winners name the corpus records they replace (curate/check/run.py, "Against the corpus")."""

from __future__ import annotations

import msgspec

from curate.check.batch import Batch, Item
from curate.check.corpus import CorpusIndex
from curate.engine.executors import map_chunked
from curate.record import Reason, Record, reject, encode


def _decide(b: Batch, alive: list[Item], dedup_decisions):
    """Run the pipeline's dedup rules over the corpus keys followed by the batch's: (the
    dropped positions with their reason, kept id and detail; the near-duplicate index)."""
    from curate.dedup.decisions import NEW_INPUT, DedupKey, arrival  # lazy: numpy costly to load

    inputs, params, corpus = b.inputs, b.params, b.corpus
    key_dec = msgspec.json.Decoder(DedupKey)
    n_corpus = len(corpus)
    keys = list(corpus.keys) + [key_dec.decode(encode(it.state)) for it in alive]
    # ties go to the copy that arrived first: the corpus, then inputs already under corpus/raw,
    # then the new inputs (the batch folder `curate add` names for them sorts after every other)
    arrivals = [arrival(k) if i < n_corpus or inputs[alive[i - n_corpus].input_index].in_raw
                else (NEW_INPUT,) + arrival(k)[1:] for i, k in enumerate(keys)]
    near = corpus.near if params.dedup.near else None  # the corpus signatures, then the batch's
    if near is not None:
        from curate.dedup.stage import signature_texts  # lazy: numpy costly to load

        for encoded in map_chunked(b.executor, signature_texts, [it.state.text for it in alive], params.dedup):
            near.add_encoded(encoded)

    def reload(wanted: list[int]):
        yield from corpus.texts([i for i in wanted if i < n_corpus])
        for i in wanted:
            if i >= n_corpus:
                yield i, alive[i - n_corpus].state.text

    return dedup_decisions(keys, params, near=near, reload=reload, arrivals=arrivals), near


def _where(kept: str, survivor_of: dict[str, int], alive: list[Item], inputs, named: bool = False) -> str:
    """Where the kept copy is (corpus, or batch input and line); its id unless the detail `named` it."""
    kept_j, who = survivor_of.get(kept), "" if named else f"{kept} is "
    if kept_j is None:
        return f"{who}in the corpus"
    k = alive[kept_j]
    line = f":{k.state.source.line}" if k.state.source.line else ""
    return f"{who}input {inputs[k.input_index].display}{line} in this batch"


def _reject_losers(b: Batch, alive: list[Item], drop, corpus_by_id: dict, identical: set[int],
                   survivor_of: dict[str, int]) -> None:
    """Turn the batch's dropped and corpus-identical items into DUPLICATE (or the rule's own
    reason) rejections, each noting where the copy kept is."""
    n_corpus = len(b.corpus)
    for j, it in enumerate(alive):
        r = it.state
        if j in identical:  # the detail says where the kept copy is: no note to repeat it
            ck = corpus_by_id[r.id]
            it.state = msgspec.structs.replace(
                reject(r, Reason.DUPLICATE, f"already in the corpus as {r.id} ({ck.source.path}): "
                       "same id, text and publication time", "dedup"), duplicate_of=r.id)
            continue
        hit = drop.get(n_corpus + j)
        if hit is None:
            continue
        reason, kept, detail = hit
        # a cancellation or a withdrawn version keeps none; `same text as X (path)`: X said once
        version = reason in (Reason.STORY_VERSION, Reason.DUPLICATE_ID)
        note = _where(kept, survivor_of, alive, b.inputs, not version and f"{kept} " in f"{detail} ") if kept else detail
        if version:
            note = _version_note(r, corpus_by_id.get(kept), kept in survivor_of, note)
        it.duplicate_note = note
        it.state = msgspec.structs.replace(reject(r, reason, detail, "dedup"), duplicate_of=kept)


def dedup_phase(b: Batch, dedup_decisions) -> None:
    """Dedup with the pipeline's rules (`dedup_decisions`, run_dedup's) over the corpus keys
    followed by the batch's; the batch's losers become rejections, the winners note the corpus
    records they replace. Keeps the near-duplicate index used in `b.near`."""
    alive = b.alive()
    drop, near = _decide(b, alive, dedup_decisions)
    n_corpus = len(b.corpus)
    corpus_by_id = {k.id: k for k in b.corpus.keys}
    identical = _identical_to_corpus(alive, corpus_by_id)
    survivor_of: dict[str, int] = {}  # id → batch position of the surviving record with that id
    for j, it in enumerate(alive):
        if n_corpus + j not in drop and j not in identical:
            survivor_of.setdefault(it.state.id, j)
    _reject_losers(b, alive, drop, corpus_by_id, identical, survivor_of)
    _note_replaced(drop, b.corpus, alive, survivor_of)
    b.near = near


def _identical_to_corpus(alive: list[Item], corpus_by_id: dict) -> set[int]:
    """The one rule of check's own: an input identical to a corpus article (same id, text and
    publication time) adds nothing; the pipeline would only swap which raw file the record cites."""
    identical: set[int] = set()
    for j, it in enumerate(alive):
        ck = corpus_by_id.get(it.state.id)
        r = it.state
        if ck is not None and (ck.content_hash, ck.published_at, ck.date) == (r.content_hash, r.published_at, r.date):
            identical.add(j)
    return identical


def _version_note(r: Record, ck, newer_in_batch: bool, note: str) -> str:
    if newer_in_batch:
        return f"a newer version is in this batch: {note}"
    mine = r.published_at or r.date or ""
    theirs = (ck.published_at or ck.date or "") if ck else ""
    age = "older than" if mine < theirs else "published at the same time as"
    return f"{age} the corpus copy (published {theirs or 'without a date'}): {note}"


_REPLACES = {Reason.STORY_VERSION: "newer version of the corpus copy",
             Reason.DUPLICATE_ID: "newer record with the corpus copy's id",
             Reason.DUPLICATE: "same text as the corpus article, published earlier",
             Reason.NEAR_DUPLICATE: "near duplicate of the corpus article, published earlier"}


def _note_replaced(drop: dict, corpus: CorpusIndex, alive: list[Item], survivor_of: dict[str, int]) -> None:
    """Corpus records the batch displaces: named on the batch record that displaces them."""
    n_corpus = len(corpus)
    for i, (reason, kept, _detail) in drop.items():
        if i < n_corpus and kept in survivor_of:
            ck = corpus.keys[i]
            when = ck.published_at or ck.date or "no date"
            it = alive[survivor_of[kept]]
            it.replaces.append(ck.id)
            it.replaced.append((i, reason.value))
            it.duplicate_note = "; ".join(filter(None, [it.duplicate_note,
                                                        f"replaces {ck.id} ({_REPLACES[reason]}, published {when})"]))
