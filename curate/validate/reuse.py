"""What the validate stage keeps of each extract part between builds, so a rebuild judges only
the parts that changed and hard-links the curated shard of every other one.

`corpus/interim/validate/parts/` (outside what DVC tracks) holds `state.json` (`State`: one
`PartState` per extract part, in order) and, per part with rejections, `<key>.rejected.jsonl`
(validate's rejections of that part, the lines rejected/ gets). A part is reused when its key
(`part_key`: the extract part's sha256, the validate code, the facts' settings, the validate and
output params, and the ids of the part an earlier part already had) is the one recorded, its
rejections file is there and its curated shard still has the stat identity recorded when it was
published; anything else is judged again. The folder is rewritten whole, and only when a build
publishes, so it always describes the curated folder on disk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import msgspec

from curate.engine.cache import code_digest
from curate.engine.io import replace_dir
from curate.engine.parts import digest, stat_identity
from curate.engine.stage import link_or_copy
from curate.layout import interim_dir
from curate.params import Params, section_digest
from curate.record import Record, view
from curate.validate.corpus_rules import CorpusFacts

# the code a part's verdicts come from: facts, rules, corpus rules, this stage; records; sources
VALIDATE_CODE = ("curate.validate", "curate.record", "curate.globs")
FORMAT = 1  # of state.json: another value is ignored (every part judged again)
STATE_DIR = "parts"
STATE = "state.json"


class GroupFacts(msgspec.Struct, array_like=True):
    """One source group's CorpusFacts of a part's accepted records (no rejections)."""

    group: int
    accepted: int
    missing: dict[str, int]
    exempt: dict[str, int]


class PartState(msgspec.Struct):
    """What validate made of one extract part."""

    extract: str                 # sha256 of the extract part's records file
    key: str                     # reuse key (part_key)
    ids: list[str]               # every record's id, in order (the global uniqueness pass)
    accepted: int = 0
    rejected: dict[str, int] = {}
    facts: list[GroupFacts] = []
    shard: str = ""              # its file under articles/ ("" when it accepted none)
    bytes: int = 0
    stat: list[int] = []         # [size, mtime_ns, inode] of the shard as published

    @property
    def inputs(self) -> int:
        return self.accepted + sum(self.rejected.values())


class State(msgspec.Struct):
    format: int = FORMAT
    parts: list[PartState] = []


_STATE_DEC = msgspec.json.Decoder(State)
_ID_DEC = msgspec.json.Decoder(view(Record, ["id"], "_IdOnly"))


def state_dir(root: Path) -> Path:
    return interim_dir(root, "validate") / STATE_DIR


def rejected_file(folder: Path, key: str) -> Path:
    return folder / f"{key}.rejected.jsonl"


def read_state(root: Path) -> State:
    """The state of the last published build; empty when missing, unreadable or of another format."""
    try:
        state = _STATE_DEC.decode((state_dir(root) / STATE).read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return State()
    return state if state.format == FORMAT else State()


@cache
def validate_code() -> str:
    return code_digest(*VALIDATE_CODE)


def key_prefix(params: Params, how: tuple) -> str:
    """What decides a part's verdicts and shard beside its records: the code (and pandera's
    version), `how` (facts' labels and the resolved date window), the validate and output params."""
    import pandera

    labels, date_min, date_max = how
    labels_text = ";".join(f"{lang}={','.join(sorted(v))}" for lang, v in
                           sorted(labels.items(), key=lambda kv: kv[0] or ""))
    return digest(validate_code(), pandera.__version__, labels_text, date_min, date_max,
                  section_digest(params.validate), section_digest(params.output))


def part_key(prefix: str, extract_sha: str, earlier_ids: Iterable[str]) -> str:
    return digest(prefix, extract_sha, *sorted(earlier_ids))


def scan_ids(path: Path) -> list[str]:
    """Every record's id of an extract part file, in order (its texts are skipped)."""
    out = []
    with open(path, "rb") as fh:
        for line in fh:
            line = line.strip()
            if line:
                out.append(_ID_DEC.decode(line).id)
    return out


def earlier_ids(ids_by_part: list[list[str]]) -> list[set[str]]:
    """Per part, the ids of its records that an earlier part already had (after dedup: none)."""
    seen: set[str] = set()
    out = []
    for ids in ids_by_part:
        out.append({i for i in ids if i in seen})
        seen.update(ids)
    return out


def facts_of(by_group: dict[int, CorpusFacts]) -> list[GroupFacts]:
    return [GroupFacts(g, f.accepted, dict(sorted(f.missing.items())), dict(sorted(f.exempt.items())))
            for g, f in sorted(by_group.items())]


def add_facts(into: dict[int, CorpusFacts], facts: list[GroupFacts]) -> None:
    """Add a part's accepted-record facts to the sums by source group."""
    for g in facts:
        f = into.setdefault(g.group, CorpusFacts())
        f.accepted += g.accepted
        f.missing.update(Counter(g.missing))
        f.exempt.update(Counter(g.exempt))


def reusable(old: PartState | None, key: str, articles: Path, folder: Path) -> bool:
    """True when `old` was judged under `key` and what it left is unchanged: its rejections file
    (when it rejected any) and its curated shard (when it accepted any)."""
    if old is None or old.key != key:
        return False
    if old.rejected and not rejected_file(folder, key).is_file():
        return False
    return not old.shard or stat_identity(articles / old.shard) == old.stat


def read_rejected(folder: Path, part: PartState) -> list[bytes]:
    """A reused part's rejection lines (its file must be there when it rejected any)."""
    if not part.rejected:
        return []
    return [ln for ln in rejected_file(folder, part.key).read_bytes().split(b"\n") if ln]


def write_state(root: Path, parts: list[PartState], rejected: dict[str, list[bytes]], articles: Path) -> None:
    """The state of a build just published: each shard's stat identity as it is now, the
    rejections of the parts judged now written, those of reused parts hard-linked."""
    old = state_dir(root)

    def fill(tmp: Path) -> None:
        for p in parts:
            if p.shard:
                p.stat = stat_identity(articles / p.shard) or []
            if not p.rejected:
                continue
            if p.key in rejected:
                rejected_file(tmp, p.key).write_bytes(b"".join(ln + b"\n" for ln in rejected[p.key]))
            elif not rejected_file(tmp, p.key).exists():
                link_or_copy(rejected_file(old, p.key), rejected_file(tmp, p.key))
        (tmp / STATE).write_bytes(msgspec.json.encode(State(FORMAT, parts)))

    replace_dir(old, fill)
