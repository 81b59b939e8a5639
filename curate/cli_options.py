"""The options every `curate` command shares, the `--format` choices, `--version` and bare `curate`.

One set of common options: every command takes `--root` (the project folder) and `--params`
(its parameters file); `-h` is `--help` everywhere. Commands that read versions (`diff`,
`quality`, `export`, `release`) use each version's own params.yaml and say so on stderr when a
different `--params` is given; `unlock` reads no parameters and ignores it. `curate` and `curate cache` alone print their
help and exit 0 (help is not an error). A Ctrl-C ends any command with one line and exit 130
(`CommandGroup`). A command's errors become exit codes in one place (`handled`).
"""

from __future__ import annotations

from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import typer
from typer.core import TyperGroup

from curate.pipeline.locking import CorpusBusy, EXIT_BUSY
from curate.render.text import for_terminal
from curate.steps import STAGES

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


# the commands whose every output is built aside and swapped in whole (curate/engine/io.py), so
# that stopped at any instant they leave the previous outputs in place
STAGE_COMMANDS = frozenset(STAGES) | {"report", "run"}
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for a Ctrl-C


# the help's panels (cli.py puts each command in one; CommandGroup.HELP_ORDER orders them)
STAGES_PANEL = "Pipeline stages"
ARTICLES_PANEL = "New articles"
VERSIONS_PANEL = "Versions and releases"
UPKEEP_PANEL = "Upkeep"


class CommandGroup(TyperGroup):
    """The `curate` group: a Ctrl-C (KeyboardInterrupt) anywhere in a command, once its worker
    pools are stopped (curate/engine/executors.py), ends it with one line on stderr and exit 130:
    `curate: extract: interrupted; outputs left as they were`, no traceback."""

    # the help's order (panels show in the order of their first command): the README's table
    HELP_ORDER = ("ingest", "clean", "dedup", "extract", "validate", "report", "run", "check", "add",
                  "quality", "diff", "release", "export", "schema", "cache", "unlock")

    def list_commands(self, ctx):
        names = super().list_commands(ctx)
        rank = {n: i for i, n in enumerate(self.HELP_ORDER)}
        return sorted(names, key=lambda n: rank.get(n, len(rank)))

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            name = ctx.invoked_subcommand or "curate"
            kept = "; outputs left as they were" if name in STAGE_COMMANDS else ""
            typer.echo(f"curate: {name}: interrupted{kept}", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None


def fail(message: str, code: int = 1) -> None:
    """End the command: `curate: <message>` on stderr, exit `code`."""
    typer.echo(f"curate: {for_terminal(message)}", err=True)
    raise typer.Exit(code)


@contextmanager
def handled(command: str, usage: tuple = (), failure: tuple = ()):
    """The one place a command's errors become exit codes: the corpus busy -> 75, a usage
    error -> 2, a failure -> 1, each with `curate: <command>: <message>` on stderr."""
    try:
        yield
    except CorpusBusy as exc:
        fail(str(exc), EXIT_BUSY)
    except usage as exc:
        fail(f"{command}: {exc}", 2)
    except failure as exc:
        fail(f"{command}: {exc}", 1)
