"""Near-duplicate detection (curate/dedup/near_dup.py) and its use by the dedup stage.

Every text here is invented for these tests.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from curate.dedup import near_dup
from curate.dedup import lsh
from curate.dedup.lsh import MinHasher, candidate_pairs, estimate_jaccard, exact_jaccard, optimal_lsh_params
from curate.dedup.clusters import find_clusters
from curate.dedup.near_dup import NearDupIndex, order_key
from curate.params import DedupParams, Params
from curate.record import Reason, Record, Source, encode, reject

# ------------------------------------------------------------------------------------- fixtures

SIGN_OFF = "Reporting by Anna Lindqvist and Tomas Berg; Writing by Paul Okafor; Editing by Maria Conti"
DISCLAIMER = (
    "This story has not been edited by the newsroom staff and is published from a syndicated feed. "
    "The agency takes no responsibility for the accuracy of figures supplied by third parties, and "
    "readers should consult the original filings before making any investment decision."
)
MARKET_LEAD = (
    "Stocks in the region closed mixed on the day as investors weighed fresh economic data against "
    "comments from central bank officials about the path of interest rates."
)

STORIES = {
    "harbour": [
        "The port authority of Vellmar said on Tuesday it would spend 340 million euros on deepening "
        "its main shipping channel so that the largest container vessels can dock at any tide.",
        "Dredging is due to start next spring and last about three years, the authority said, adding "
        "that an environmental review had found no lasting harm to the salt marshes along the estuary.",
        "Shipping lines have long complained that they must wait offshore for high water, which adds "
        "a day or more to some voyages and pushes cargo towards rival ports further north.",
        "The regional government will cover roughly a third of the cost, with the rest raised through "
        "bonds repaid from higher berth fees over the following twenty years.",
        "Local fishing cooperatives said they would challenge the plan in court, arguing that the "
        "review ignored the effect of silt on the oyster beds that employ several hundred people.",
    ],
    "orchard": [
        "A late frost destroyed close to half of the apple blossom in the Tarnow valley last week, "
        "growers said on Monday, the worst damage since records began in the early nineteen sixties.",
        "Temperatures fell to minus five degrees on two consecutive nights just as the trees reached "
        "full bloom, and the smudge pots and wind machines used by larger farms could not keep up.",
        "The growers association asked the agriculture ministry for emergency loans, saying many "
        "family orchards had not yet recovered from the drought two summers ago.",
        "Juice makers in the area warned that prices for concentrate would rise in the autumn and "
        "that some production lines could stand idle for several weeks without local fruit.",
        "Insurers said only a small share of the orchards carried frost cover because premiums had "
        "tripled over the past decade as spring weather became harder to predict.",
    ],
    "rail": [
        "Engineers for the national railway began testing a battery powered train on the branch line "
        "between Osterby and Kleve on Thursday, replacing diesel units that date from the nineteen eighties.",
        "The two car train can run about ninety kilometres on a charge and recharges from overhead wires "
        "on the electrified main line in the twenty minutes it waits at the junction station.",
        "If the six month trial succeeds the railway plans to order forty more units, enough to retire "
        "diesel traction on every rural branch in the western provinces by the end of the decade.",
        "Passenger groups welcomed the quieter trains but said the timetable, with one service every "
        "two hours, mattered more to commuters than the technology pulling the carriages.",
    ],
    "museum": [
        "The city museum of Brannholm reopened on Saturday after a four year renovation that uncovered "
        "medieval cellar walls beneath the old customs house and doubled the exhibition space.",
        "Visitors queued around the square for the first look at the new hall of maritime history, "
        "where the hull of a fourteenth century cargo ship recovered from the harbour mud is on show.",
        "The renovation ran two years late and cost almost twice the original budget, which the "
        "council blamed on the archaeological finds and on rising prices for building materials.",
        "Entry will be free for residents during the first month, the museum director said, after "
        "which tickets will cost twelve crowns for adults and nothing for children under sixteen.",
    ],
    "software": [
        "Kestrel Systems cut its full year revenue forecast on Wednesday, saying large corporate "
        "customers were delaying upgrades of their accounting software until the economy improved.",
        "The company now expects sales of between 1.18 billion and 1.21 billion dollars, down from "
        "an earlier range that topped out at 1.3 billion, and said it would slow hiring for the rest of the year.",
        "Shares fell eleven percent in after hours trading, their biggest one day drop since the company "
        "listed, as analysts questioned whether the shift to subscription pricing had been rushed.",
        "Chief executive Dana Whitfield told analysts on a call that renewals remained strong and that "
        "the weakness was concentrated among new customers in manufacturing and retail.",
    ],
    "election": [
        "Voters in the northern district of Halden return to the polls on Sunday for the third time "
        "in eighteen months after the regional assembly again failed to agree on a budget.",
        "Opinion surveys suggest neither of the two main blocs will win a majority, leaving the small "
        "farmers party once more in a position to decide who governs the district.",
        "Turnout fell to fifty two percent at the last vote and election officials have extended "
        "opening hours at rural polling stations in the hope of bringing more people out.",
        "Campaigning has focused on the closure of the district hospital maternity ward, which both "
        "blocs now promise to reopen although neither has said how it would be paid for.",
    ],
}

EXTRA_PARAGRAPH = (
    "A spokesman later added that a public consultation on the details would open next month and "
    "run for six weeks."
)


def text_of(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def one_word_changed(paragraphs: list[str]) -> list[str]:
    out = list(paragraphs)
    out[1] = out[1].replace("three", "four", 1) if "three" in out[1] else out[1].replace("the", "a", 1)
    assert out != paragraphs
    return out


def paragraph_added(paragraphs: list[str]) -> list[str]:
    return [*paragraphs, EXTRA_PARAGRAPH]


def with_boilerplate(paragraphs: list[str]) -> list[str]:
    """A distinct story dressed in the shared boilerplate of a syndication feed."""
    return [MARKET_LEAD, *paragraphs, DISCLAIMER, SIGN_OFF]


def jaccard(a: str, b: str, k: int = 5) -> float:
    h = MinHasher(shingle_words=k)
    return exact_jaccard(h.shingle_set(a), h.shingle_set(b))


# ------------------------------------------------------------------------------- building blocks


def test_normalisation_ignores_case_punctuation_and_spacing():
    h = MinHasher()
    a = h.shingle_set("The Port, said: it WILL spend 340 million   euros!")
    b = h.shingle_set("the port said it will spend 340 million\n\neuros")
    assert np.array_equal(a, b)
    assert np.array_equal(h.signature("The Port, said"), h.signature("the port said"))


def test_signatures_are_deterministic_across_instances():
    text = text_of(STORIES["harbour"])
    s1 = MinHasher().signature(text)
    s2 = MinHasher().signature(text)
    assert s1.dtype == np.uint32 and s1.shape == (128,)
    assert np.array_equal(s1, s2)


def test_known_signature_values_do_not_drift():
    """Hashes must never depend on the process (no Python hash()): pin a few values."""
    sig = MinHasher(num_perm=8).signature("one two three four five six seven")
    again = MinHasher(num_perm=8).signature("one two three four five six seven")
    assert np.array_equal(sig, again)
    # a fresh interpreter gives the same values
    import subprocess
    import sys

    code = ("from curate.dedup.lsh import MinHasher;"
            "print(MinHasher(num_perm=8).signature('one two three four five six seven').tolist())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "12345", "PATH": ""}).stdout
    assert out.strip() == str(sig.tolist())


def test_short_and_empty_texts():
    h = MinHasher()
    assert h.shingles("").size == 0
    assert h.shingles("...").size == 0
    assert h.shingles("two words").size == 1
    assert (h.signature("") == lsh.EMPTY).all()


def test_estimate_tracks_exact_jaccard():
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(3000)]
    base = [rng.choice(vocab) for _ in range(400)]
    h = MinHasher()
    for cut in (0, 40, 100, 200):
        other = base[cut:] + [rng.choice(vocab) for _ in range(cut)]
        a, b = " ".join(base), " ".join(other)
        est = float((h.signature(a) == h.signature(b)).mean())
        exact = exact_jaccard(h.shingle_set(a), h.shingle_set(b))
        assert abs(est - exact) < 0.15, (cut, est, exact)


def test_lsh_params_catch_pairs_at_the_threshold():
    bands, rows = optimal_lsh_params(0.8, 128)
    assert bands * rows <= 128
    assert 1 - (1 - 0.8 ** rows) ** bands >= 0.995
    assert 1 - (1 - 0.3 ** rows) ** bands < 0.05
    b9, r9 = optimal_lsh_params(0.9, 128)
    assert r9 > rows  # a stricter threshold: longer bands


def test_candidate_pairs_are_unique_sorted_and_respect_active():
    h = MinHasher()
    texts = [text_of(STORIES["harbour"])] * 3 + [text_of(STORIES["rail"])]
    sigs = np.vstack([h.signature(t) for t in texts])
    pairs = candidate_pairs(sigs, 18, 6)
    assert pairs.tolist() == [[0, 1], [0, 2], [1, 2]]
    active = np.array([True, False, True, True])
    assert candidate_pairs(sigs, 18, 6, active).tolist() == [[0, 2]]
    assert estimate_jaccard(sigs, pairs).tolist() == [1.0, 1.0, 1.0]


def test_big_buckets_are_linked_without_all_pairs():
    h = MinHasher()
    sig = h.signature(text_of(STORIES["museum"]))
    sigs = np.vstack([sig] * (lsh.BIG_BUCKET + 10))
    pairs = candidate_pairs(sigs, 18, 6)
    n = sigs.shape[0]
    assert len(pairs) < n * 3  # star + chain, not n*(n-1)/2
    index = NearDupIndex()
    for _ in range(n):
        index.add(text_of(STORIES["museum"]))
    clusters = index.clusters([order_key(f"id{i:03d}") for i in range(n)])
    assert len(clusters) == 1 and clusters[0].size == n and clusters[0].kept == 0


# ------------------------------------------------------------------------------------ behaviour


def corpus() -> tuple[list[str], list[str], list[str]]:
    """ids, texts, dates: six distinct stories in boilerplate plus three planted near duplicates."""
    ids, texts, dates = [], [], []
    for n, (name, paras) in enumerate(sorted(STORIES.items())):
        ids.append(f"story-{name}")
        texts.append(text_of(with_boilerplate(paras)))
        dates.append(f"2024-03-{10 + n:02d}")
    planted = {
        "story-harbour": ("copy-harbour-word", one_word_changed),
        "story-orchard": ("copy-orchard-para", paragraph_added),
        "story-software": ("copy-software-word", one_word_changed),
    }
    for original, (copy_id, fn) in planted.items():
        paras = STORIES[original.removeprefix("story-")]
        ids.append(copy_id)
        texts.append(text_of(with_boilerplate(fn(paras))))
        dates.append("2024-04-01")  # later than every original: the originals are kept
    return ids, texts, dates


EXPECTED = {
    ("story-harbour", ("copy-harbour-word",)),
    ("story-orchard", ("copy-orchard-para",)),
    ("story-software", ("copy-software-word",)),
}


def as_set(clusters) -> set:
    return {(c.kept, c.members) for c in clusters}


def test_fixture_similarities_are_what_the_tests_claim():
    ids, texts, _ = corpus()
    t = dict(zip(ids, texts))
    assert jaccard(t["story-harbour"], t["copy-harbour-word"]) > 0.9
    assert 0.8 < jaccard(t["story-orchard"], t["copy-orchard-para"]) < 0.95
    for a in STORIES:
        for b in STORIES:
            if a < b:  # distinct stories share lead, disclaimer and sign-off, nothing else
                assert jaccard(t[f"story-{a}"], t[f"story-{b}"]) < 0.4


def test_planted_near_duplicates_are_found_and_boilerplate_is_not_clustered():
    ids, texts, dates = corpus()
    clusters = find_clusters(texts, ids, dates=dates)
    assert as_set(clusters) == EXPECTED
    for c in clusters:
        assert set(c.similarity) == set(c.members)  # one similarity per rejected member
        assert all(s >= 0.8 for s in c.similarity.values())


def test_boilerplate_alone_never_clusters_even_with_many_stories():
    rng = random.Random(3)
    vocab = [f"term{i}" for i in range(5000)]
    texts = [text_of([MARKET_LEAD, " ".join(rng.choice(vocab) for _ in range(120)), DISCLAIMER, SIGN_OFF])
             for _ in range(300)]
    ids = [f"r{i:04d}" for i in range(300)]
    assert find_clusters(texts, ids) == []


def test_result_does_not_depend_on_input_order():
    ids, texts, dates = corpus()
    expected = as_set(find_clusters(texts, ids, dates=dates))
    assert expected  # the corpus has clusters to find
    rows = list(zip(ids, texts, dates))
    for seed in range(5):
        random.Random(seed).shuffle(rows)
        i2, t2, d2 = map(list, zip(*rows))
        assert as_set(find_clusters(t2, i2, dates=d2)) == expected


def test_keep_rule_earliest_published_then_smallest_id():
    base = text_of(STORIES["rail"])
    variant = text_of(one_word_changed(STORIES["rail"]))
    # earliest publication wins, whatever the ids; offsets are compared in UTC
    clusters = find_clusters([base, variant], ["b-late", "z-early"],
                             published=["2024-05-01T09:00:00+00:00", "2024-05-01T10:00:00+02:00"])
    assert (clusters[0].kept, clusters[0].members) == ("z-early", ("b-late",))
    # same date: smallest id
    clusters = find_clusters([variant, base], ["m2", "m1"], dates=["2024-05-01", "2024-05-01"])
    assert clusters[0].kept == "m1"
    # a record without a date is never kept over a dated one
    clusters = find_clusters([base, variant], ["a-undated", "b-dated"], dates=[None, "2030-01-01"])
    assert clusters[0].kept == "b-dated"
    assert order_key("x", "2024-05-01T10:00:00+02:00") < order_key("a", "2024-05-01T09:00:00+00:00")


def test_threshold_is_respected():
    base = STORIES["election"]
    # only the first of four paragraphs: contained, but a quarter of the shingles -> not a near duplicate
    part = text_of(base[:1])
    assert jaccard(text_of(base), part) < 0.3
    assert find_clusters([text_of(base), part], ["a", "b"]) == []
    strict = DedupParams(near_threshold=0.99, near_containment=None)
    assert find_clusters([text_of(base), text_of(paragraph_added(base))], ["a", "b"], params=strict) == []


def test_paragraph_added_to_a_short_story_clusters_by_containment():
    short = STORIES["museum"][:2]  # two paragraphs; the added one is a large share of the copy
    a, b = text_of(short), text_of(paragraph_added(short))
    assert 0.5 < jaccard(a, b) < 0.8
    clusters = find_clusters([a, b], ["orig", "copy"], dates=["2024-01-01", "2024-01-02"])
    assert [(c.kept, c.members) for c in clusters] == [("orig", ("copy",))]
    off = DedupParams(near_containment=None)
    assert find_clusters([a, b], ["orig", "copy"], params=off) == []
    # the stage detail says why
    index = NearDupIndex()
    index.add(a)
    index.add(b)
    keys = [order_key("orig", date="2024-01-01"), order_key("copy", date="2024-01-02")]
    (c,) = index.clusters(keys, reload=lambda w: ((i, [a, b][i]) for i in w))
    assert (c.kept, c.members) == (0, (1,))
    assert "inside the longer" in near_dup.detail_for(c, 1, ["orig", "copy"], DedupParams())


def test_borderline_pairs_use_exact_jaccard_when_texts_are_given():
    base = STORIES["orchard"]
    texts = [text_of(base), text_of(paragraph_added(base))]
    index = NearDupIndex(DedupParams(near_containment=None))  # decided on Jaccard alone
    for t in texts:
        index.add(t)
    assert index.verified_pairs()[2].tolist() == [False]  # without texts: the estimate
    pairs, sims, exact = index.verified_pairs(reload=lambda w: ((i, texts[i]) for i in w))
    assert pairs.tolist() == [[0, 1]]
    assert bool(exact[0]) and sims[0] == pytest.approx(jaccard(*texts))


# ---------------------------------------------------------------------------- dedup stage


def make_record(rid: str, text: str, date: str | None, path: str) -> Record:
    from curate.clean.stage import content_hash

    return Record(id=rid, text=text, date=date, content_hash=content_hash(text),
                  source=Source(path=path, format="plaintext", sha256="0" * 64))


def stage_records() -> list[Record]:
    ids, texts, dates = corpus()
    recs = [make_record(i, t, d, f"{i}.txt") for i, t, d in zip(ids, texts, dates)]
    # an exact copy of a planted near duplicate: dropped as `duplicate`, never compared again
    recs.append(make_record("exact-copy", texts[ids.index("copy-harbour-word")], "2024-04-02", "e.txt"))
    return recs


def test_dedup_decisions_with_near_index():
    from curate.dedup.decisions import DedupKey, _SourceKey, dedup_decisions

    recs = stage_records()
    keys = [DedupKey(id=r.id, content_hash=r.content_hash, date=r.date, source=_SourceKey(path=r.source.path))
            for r in recs]
    params = Params()
    index = NearDupIndex(params.dedup)
    for r in recs:
        index.add(r.text)
    drop = dedup_decisions(keys, params, near=index, reload=lambda w: ((i, recs[i].text) for i in w))
    by_id = {recs[i].id: v for i, v in drop.items()}
    assert by_id["exact-copy"][0] == Reason.DUPLICATE
    assert by_id["exact-copy"][1] == "copy-harbour-word"
    near = {rid: kept for rid, (reason, kept, _) in by_id.items() if reason == Reason.NEAR_DUPLICATE}
    assert near == {"copy-harbour-word": "story-harbour", "copy-orchard-para": "story-orchard",
                    "copy-software-word": "story-software"}
    assert "Jaccard" in by_id["copy-orchard-para"][2]
    # near detection off: only the exact duplicate goes
    off = Params(dedup=DedupParams(near=False))
    assert {recs[i].id for i in dedup_decisions(keys, off, near=index)} == {"exact-copy"}


def test_run_dedup_stage_end_to_end(tmp_path):
    from curate.dedup.stage import run_dedup
    from curate.record import RECORD_DECODER, REJECTED_DECODER
    from tests.builders import stage_bytes, write_stage

    recs = stage_records()
    random.Random(1).shuffle(recs)
    write_stage(tmp_path, "clean", b"".join(encode(r) + b"\n" for r in recs))
    result = run_dedup(tmp_path, Params())
    kept = {RECORD_DECODER.decode(ln).id for ln in stage_bytes(tmp_path, "dedup").splitlines()}
    rejected = [REJECTED_DECODER.decode(ln) for ln in stage_bytes(tmp_path, "dedup", "rejected").splitlines()]
    assert result.inputs == len(recs) == len(kept) + len(rejected)
    assert result.rejected == {"near_duplicate": 3, "duplicate": 1}
    assert kept == {f"story-{n}" for n in STORIES}
    near = {}  # kept id -> its near duplicates, from the rejected records
    for r in rejected:
        if r.reason == "near_duplicate":
            near.setdefault(r.duplicate_of, []).append(r.id)
    assert {(k, tuple(sorted(m))) for k, m in near.items()} == EXPECTED
    for r in rejected:
        assert r.stage == "dedup" and r.duplicate_of
