"""The partition rule (curate/engine/parts.py): which raw files make up each interim part."""

from __future__ import annotations

from curate.engine.parts import BATCH_BYTES, MAX_PART_BYTES, MAX_PART_FILES, content_cut, cut


def _names(n: int, prefix: str = "f", cuts: bool = True) -> list[str]:
    """n sorted raw paths; with cuts=False only paths where no content-defined cut falls."""
    out, i = [], 0
    while len(out) < n:
        name = f"{prefix}/{i:06d}.txt"
        if cuts or not content_cut(name):
            out.append(name)
        i += 1
    return out


def test_a_file_of_1mb_is_a_partition_of_its_own_and_the_next_file_starts_one():
    files = _names(6, cuts=False)
    sizes = {rel: 2000 for rel in files} | {files[2]: BATCH_BYTES}
    assert cut(files, sizes) == [files[:2], [files[2]], files[3:]]


def test_a_file_just_under_1mb_joins_its_neighbours():
    files = _names(4, cuts=False)
    assert cut(files, {files[1]: BATCH_BYTES - 1}) == [files]


def test_a_path_whose_hash_is_a_multiple_of_256_starts_a_partition():
    files = _names(3000)
    starts = [p[0] for p in cut(files, {})]
    assert starts[1:] == [f for f in files[1:] if content_cut(f)]
    assert 128 <= len(files) / len(starts) <= 512  # about 256 small files a partition


def test_a_partition_closes_at_4096_files():
    files = _names(MAX_PART_FILES + 10, cuts=False)
    assert [len(p) for p in cut(files, {})] == [MAX_PART_FILES, 10]


def test_a_partition_closes_once_it_holds_64_mb():
    files = _names(70, cuts=False)
    size = BATCH_BYTES - 1
    sizes = {rel: size for rel in files}
    first = -(-MAX_PART_BYTES // size)  # files until the partition holds 64 MB
    assert [len(p) for p in cut(files, sizes)] == [first, 70 - first]


def test_partitions_keep_the_files_in_order():
    files = _names(2000)
    sizes = {rel: (BATCH_BYTES if i % 97 == 0 else 10) for i, rel in enumerate(files)}
    assert [rel for part in cut(files, sizes) for rel in part] == files


def test_files_added_at_the_end_change_no_earlier_partition():
    files = _names(1500)
    sizes = {rel: 100 for rel in files}
    before = cut(files, sizes)
    added = _names(300, prefix="zz")
    after = cut(files + added, sizes | {rel: 100 for rel in added})
    assert len(before) > 2
    assert after[:len(before) - 1] == before[:-1]
    assert after[len(before) - 1][:len(before[-1])] == before[-1]  # the last one may only grow


def test_a_folder_sorted_in_the_middle_changes_only_the_partitions_around_it():
    files = _names(1500, prefix="a") + _names(1500, prefix="c")
    before = cut(files, {})
    after = cut(_names(1500, prefix="a") + _names(40, prefix="b") + _names(1500, prefix="c"), {})
    changed = [p for p in after if p not in before]
    assert len(before) > 6 and 1 <= len(changed) <= 2

