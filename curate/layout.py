"""Where each stage reads and writes, relative to the project root (one place for every path)."""

from __future__ import annotations

from pathlib import Path

INTERIM = Path("corpus/interim")
STAGES = ("ingest", "clean", "dedup", "extract", "validate")
RECORDS = "records.jsonl"
REJECTED = "rejected.jsonl"
REPORTS = Path("reports")
METRICS = REPORTS / "metrics.json"
MANIFEST = "manifest.json"


def interim_dir(root: Path, stage: str) -> Path:
    return root / INTERIM / stage


def shard_name(i: int) -> str:
    return f"part-{i:05d}.jsonl"
