"""Where `curate check` runs: inside a project or not, against a built corpus or an empty one.

Outside a project (no dvc.yaml and no parameters file in --root) a check still works, with the
default parameters, against an empty corpus and with no cache: nothing is written to the current
folder (no `.curate-cache/`). Both situations are said on stderr, since a check against an empty
corpus cannot find the duplicates of corpus articles.
"""

from __future__ import annotations

from pathlib import Path


def in_project(root: Path, params_path: Path | None = None) -> bool:
    """A project folder holds dvc.yaml or its parameters file (`params_path`, default params.yaml),
    whatever the working folder holds: a check with `--root` elsewhere never writes a cache there
    because the working folder is a project."""
    return (root / "dvc.yaml").is_file() or (root / (params_path or Path("params.yaml"))).is_file()


def check_warnings(root: Path, params_path: Path | None, corpus_records: int, curated_dir: str) -> list[str]:
    """What a user should know before trusting the verdicts (printed on stderr)."""
    if not in_project(root, params_path):
        return [f"no dvc.yaml or {params_path or 'params.yaml'} in {root}: not a project; checked with the "
                "default parameters against an empty corpus, without a cache (use --root PROJECT)"]
    if corpus_records == 0:
        return [f"the corpus is empty ({curated_dir} has no articles; not built yet? run `dvc repro` or "
                "`dvc pull`): checked against an empty corpus, so copies of corpus articles go undetected"]
    return []
