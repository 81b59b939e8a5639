"""The options every `curate` command shares, the `--format` choices, `--version` and bare `curate`.

One set of common options: every command takes `--root` (the project folder) and `--params`
(its parameters file); `-h` is `--help` everywhere. Commands that read versions (`diff`,
`quality`, `export`, `release`) use each version's own params.yaml and say so on stderr when a
different `--params` is given; `unlock` reads no parameters and ignores it. `curate` and `curate cache` alone print their
help and exit 0 (help is not an error).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from curate import __version__

HELP_NAMES = {"help_option_names": ["-h", "--help"]}

PARAMS_OPT = typer.Option(Path("params.yaml"), "--params", help="Parameters file (as DVC tracks it).")
ROOT_OPT = typer.Option(Path("."), "--root", help="Project root (where corpus/ and reports/ live).")
# the cache commands' old spelling of --root, still accepted but no longer shown
PROJECT_ROOT_OPT = typer.Option(None, "--project-root", hidden=True)


class DiffFormat(str, Enum):
    text = "text"
    md = "md"
    html = "html"
    json = "json"


class QualityFormat(str, Enum):
    md = "md"
    html = "html"
    json = "json"


class ExportFormat(str, Enum):
    parquet = "parquet"
    jsonl_gz = "jsonl.gz"


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"curate {__version__}")
        raise typer.Exit(0)


VERSION_OPT = typer.Option(False, "--version", "-V", callback=version_callback, is_eager=True,
                           help="Print the version and exit.")


def help_when_bare(ctx: typer.Context) -> None:
    """`curate` / `curate cache` without a command: print the help, exit 0."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def note_unused_params(command: str, params: Path) -> None:
    """Commands that read committed versions take `--params` (one set of options) but use each
    version's own params.yaml: say so when another file is named."""
    if params != Path("params.yaml"):
        typer.echo(f"curate: {command}: note: --params {params} is not used; each version is read with "
                   "its own params.yaml (the working tree's, or the one committed at the revision)", err=True)
