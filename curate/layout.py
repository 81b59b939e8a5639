"""Where each stage reads and writes, relative to the project root (one place for every path)."""

from __future__ import annotations

from pathlib import Path

from curate.steps import STAGES  # noqa: F401 - the interim folders, in step order

INTERIM = Path("corpus/interim")
REPORTS = Path("reports")
METRICS = REPORTS / "metrics.json"
MANIFEST = "manifest.json"


def interim_dir(root: Path, stage: str) -> Path:
    """A stage's output folder: its parts and index.json (the layout: curate/engine/parts.py)."""
    return root / INTERIM / stage


SHARD_PREFIX = "part-"
ARTICLES = "articles"          # the accepted records' folder under the curated folder
REJECTED_DIR = "rejected"      # rejected records, one file per reason


def shard_name(i: int) -> str:
    return f"{SHARD_PREFIX}{i:05d}.jsonl"


def shard_paths(curated_dir: Path) -> list[Path]:
    """The accepted record shards of a curated folder, in order: the one rule for listing them."""
    return sorted((curated_dir / ARTICLES).glob(f"{SHARD_PREFIX}*.jsonl"))


def rejected_paths(curated_dir: Path) -> list[Path]:
    """The rejected-record files of a curated folder (one per reason), in order."""
    return sorted((curated_dir / REJECTED_DIR).glob("*.jsonl"))
