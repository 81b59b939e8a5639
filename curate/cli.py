"""The `curate` command line: parses arguments, calls library functions, prints results.

No logic lives here; every command is a thin wrapper over a function tests call directly.
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path

import typer

from curate.cli_options import (HELP_NAMES, PARAMS_OPT, PROJECT_ROOT_OPT, ROOT_OPT, STAGE_COMMANDS, VERSION_OPT,
                                ARTICLES_PANEL, STAGES_PANEL, UPKEEP_PANEL, VERSIONS_PANEL, CommandGroup,
                                DiffFormat, ExportFormat, QualityFormat, fail, handled, help_when_bare,
                                note_unused_params)
from curate.check.project import check_warnings, in_project
from curate.engine.io import OutputError
from curate.engine.step import StepFailure
from curate.params import ParamsError, load_params
from curate.pipeline.locking import project_lock, stage_lock
from curate.pipeline.repair import repair_dvc_state
from curate.pipeline.registry import step
from curate.pipeline.run import run_executor, run_step
from curate.pipeline.stats import measured
from curate.check.table import render_table
from curate.render.progress import progress_bar
from curate.render.text import for_terminal
from curate.steps import STAGES, STEPS

app = typer.Typer(
    cls=CommandGroup,  # a Ctrl-C: one line, exit 130
    help="Curate versioned news corpora: DVC stages, checks of new articles, quality and diffs.",
    invoke_without_command=True,
    context_settings=HELP_NAMES,
    rich_markup_mode="markdown",
)


@app.callback()
def _main(ctx: typer.Context, version: bool = VERSION_OPT) -> None:
    help_when_bare(ctx)


def _load(params_path: Path):
    try:
        return load_params(params_path)
    except ParamsError as exc:
        fail(f"cannot read parameters: {exc}", 2)


def _stage(name: str, root: Path, params_path: Path, executor=None) -> None:
    params = _load(params_path)
    with handled(name, failure=(OutputError, StepFailure)):
        try:
            result = run_step(name, root, params, executor)
        except FileNotFoundError as exc:
            fail(f"{name}: input missing: {exc.filename} (run the previous stage, or `dvc repro`)", 1)
    typer.echo(result.summary())


def _make_stage_command(name: str, doc: str):
    def command(root: Path = ROOT_OPT, params: Path = PARAMS_OPT) -> None:
        _stage(name, root, params)

    command.__doc__ = doc
    command.__name__ = name
    app.command(name, rich_help_panel=STAGES_PANEL)(command)


for _step in STEPS:
    if _step.interim:
        _make_stage_command(_step.name, _step.doc)


@app.command(rich_help_panel=STAGES_PANEL)
def run(root: Path = ROOT_OPT, params: Path = PARAMS_OPT) -> None:
    """Run every stage in order, then the report, without DVC (`dvc repro` is the usual way)."""
    with handled("run"), stage_lock(root, "curate run"):  # one lock: nothing slips between stages
        with run_executor(_load(params)) as executor:  # one executor (pool or cluster) for every stage
            for name in STAGES:
                _stage(name, root, params, executor)
        report_cmd(root=root, params=params)


@app.command(rich_help_panel=UPKEEP_PANEL)
def unlock(root: Path = ROOT_OPT, params: Path = PARAMS_OPT) -> None:
    """Repair DVC's lock files after a killed `dvc repro` ("Unable to read RWLock-file ...
    JSON structure is corrupted", "'./dvc.lock' validation failed"); does nothing while a DVC
    command runs (exit 75).

    DVC's own "Unable to acquire lock" / "'...' is busy, it is being blocked by" messages mean
    another `dvc` command is running in this project: wait for it (or `dvc --wait-for-lock repro`).
    """
    with handled("unlock"):
        done = repair_dvc_state(root)
    for line in done or ["DVC's lock files (.dvc/tmp/rwlock, dvc.lock) are sound; nothing to repair"]:
        typer.echo(line)


@app.command(rich_help_panel=UPKEEP_PANEL)
def schema(out: Path = typer.Option(Path("schemas"), help="Folder for the generated contract (under --root "
                                    "when relative)."),
           root: Path = ROOT_OPT, params: Path = PARAMS_OPT) -> None:
    """Write the record contract (JSON Schema, validation rules) generated from the record type."""
    from curate.validate.schemas import write_schemas  # lazy: start-up time

    for path in write_schemas(out if out.is_absolute() else root / out):
        typer.echo(f"wrote {path}")


@app.command("diff", rich_help_panel=VERSIONS_PANEL)
def diff_cmd(
    a: str = typer.Argument(..., help="Git revision or tag of the old version."),
    b: str = typer.Argument(None, help="Git revision or tag of the new version (default: the working tree)."),
    fmt: DiffFormat = typer.Option(DiffFormat.text, "--format", help="Report format."),
    output: Path = typer.Option(None, "--output", help="Write the report here; print a summary."),
    limit: int = typer.Option(10, "--limit", help="Examples shown per kind."),
    fields: list[str] = typer.Option(None, "--field", help="Compare only this field (repeatable)."),
    root: Path = ROOT_OPT,
    params: Path = PARAMS_OPT,
) -> None:
    """Records added, removed, modified, moved between two versions; metric, param, schema changes.

    Exit code: 0 identical, 1 different, 2 error.
    """
    from curate.report.commands import DiffError, run_diff  # lazy: start-up time

    try:
        note_unused_params("diff", params)
        code, text = run_diff(root, a, b, fields or None, limit, fmt.value, output)
    except DiffError as exc:
        fail(f"diff: {exc}", 2)
    except Exception as exc:  # noqa: BLE001 - exit 1 means "differ": any failure must be 2
        fail(f"diff: {type(exc).__name__}: {exc}", 2)
    typer.echo(text, nl=False)
    raise typer.Exit(code)


@app.command("report", rich_help_panel=STAGES_PANEL)
def report_cmd(root: Path = ROOT_OPT, params: Path = PARAMS_OPT) -> None:
    """Stage 6: quality report (md, html, json), reports/quality_metrics.json and plot data."""
    from curate.report.quality import QualityError  # lazy: start-up time

    with handled("report", failure=(QualityError,)), stage_lock(root, "curate report"), measured("report"):
        rep = step("report").run(root, _load(params))
    c = rep["counts"]
    typer.echo(f"report: {c['accepted']} accepted, {c['rejected']} rejected; wrote reports/quality.{{md,html,json}}")


@app.command("quality", rich_help_panel=VERSIONS_PANEL)
def quality_cmd(
    rev: str = typer.Option(None, "--rev", help="Git revision or tag (default: the working tree)."),
    fmt: QualityFormat = typer.Option(QualityFormat.md, "--format", help="Report format (json: printed on stdout "
                                      "unless --output is given)."),
    output: Path = typer.Option(None, "--output", help="Write the report here (default: reports/quality.FORMAT; "
                                "for --rev, the git-ignored reports/revs/quality-REV.FORMAT)."),
    fail_on: list[str] = typer.Option(None, "--fail-on", help="Exit 1 when RULE holds, e.g. 'rejected_rate>0.05' "
                                      "(repeatable; OP one of > >= < <= ==)."),
    root: Path = ROOT_OPT,
    params: Path = PARAMS_OPT,
) -> None:
    """Quality report of a dataset version: a summary table here, the full report in a file.

    `--format json` without `--output` prints the JSON report on stdout (rule results on stderr).
    Reports of other revisions go to `reports/revs/`, which git ignores, so they never make the
    workspace dirty.

    Exit code: 0 fine, 1 a --fail-on rule is broken, 2 error (unknown metric, revision, format).
    """
    from curate.report.commands import QualityError, RuleError, quality_command  # lazy: start-up time

    try:
        note_unused_params("quality", params)
        code, summary = quality_command(root, rev, fmt.value, fail_on or [], output)
    except (QualityError, RuleError) as exc:
        fail(f"quality: {exc}", 2)
    summary()
    raise typer.Exit(code)


def _check_output(result, as_json: bool, extra=None) -> None:
    import json

    from rich.console import Console

    if as_json:
        typer.echo(json.dumps(result.to_json() if extra is None else extra.to_json(), indent=2, ensure_ascii=False))
        return

    console = Console(width=None if sys.stdout.isatty() else 200, soft_wrap=False)
    if result.verdicts:
        console.print(render_table(result.verdicts))
    typer.echo(result.summary())


@app.command("check", rich_help_panel=ARTICLES_PANEL)
def check_cmd(
    paths: list[str] = typer.Argument(..., help="Files, folders (recursive), globs or JSONL files."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts as JSON."),
    root: Path = ROOT_OPT,
    params: Path = PARAMS_OPT,
) -> None:
    """Would these articles join the corpus? Same readers, cleaning, dedup, extraction and
    validation as the pipeline, against the current corpus/curated; changes nothing.

    Exit code: 0 all accepted, 1 any rejected, 2 usage error (missing path, bad params.yaml),
    75 the corpus is being rebuilt (`dvc repro`, `curate add`): try again.
    """
    from curate.extract.annotate import ModelError  # lazy: start-up time
    from curate.check.inputs import UsageError  # lazy: start-up time
    from curate.check.run import check_paths  # lazy: start-up time

    # outside a project there is no corpus to protect: no lock (nor its .curate-cache/ folder)
    lock = project_lock(root, "curate check", exclusive=False, timeout=5) if in_project(root, params) else nullcontext()
    with handled("check", usage=(UsageError, ModelError)), lock, progress_bar() as update:
        result = check_paths(paths, root, params_path=params, progress=update)
    for warning in check_warnings(root, params, result.corpus_records, result.corpus_dir):
        typer.echo(f"curate: check: warning: {warning}", err=True)
    _check_output(result, as_json)
    raise typer.Exit(result.exit_code)


@app.command("add", rich_help_panel=ARTICLES_PANEL)
def add_cmd(
    paths: list[str] = typer.Argument(..., help="Files, folders (recursive), globs or JSONL files."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and show what would be copied; copy nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts and copies as JSON."),
    dvc: bool = typer.Option(True, "--dvc/--no-dvc", help="In a DVC repository, `dvc add` the batch "
                             "folder (git then holds only its .dvc pointer file)."),
    root: Path = ROOT_OPT,
    params: Path = PARAMS_OPT,
) -> None:
    """Check inputs, then copy the accepted ones into a new corpus/raw/added-... batch folder
    (never overwriting; rejected inputs are never copied) and track it with DVC. Then run
    `dvc repro`.

    Exit code: 0 all accepted and copied, 1 any rejected (accepted ones are still copied),
    2 usage error, 75 the corpus is busy (nothing copied).
    """
    from curate.check.add import add_paths  # lazy: start-up time
    from curate.extract.annotate import ModelError  # lazy: start-up time
    from curate.check.inputs import UsageError  # lazy: start-up time

    with handled("add", usage=(UsageError, ModelError)), \
            project_lock(root, "curate add", exclusive=not dry_run, timeout=5), progress_bar() as update:
        result = add_paths(paths, root, params_path=params, dry_run=dry_run, progress=update, dvc=dvc)
    _check_output(result.check, as_json, extra=result)
    if not as_json:
        for err in result.errors:
            typer.echo(f"curate: add: {for_terminal(err)}", err=True)
        typer.echo(result.summary())
    raise typer.Exit(result.exit_code)


@app.command("release", rich_help_panel=VERSIONS_PANEL)
def release_cmd(
    version: str = typer.Argument(..., help="Version tag to create, e.g. v1.2."),
    license: str = typer.Option("other", "--license", help="License id for the card and Croissant "
                                "(default 'other': article copyright belongs to the publishers)."),
    name: str = typer.Option(None, "--name", help="Dataset name (default 'News corpus')."),
    url: str = typer.Option(None, "--url", help="Public repository URL (default: git remote origin when it is an http(s)/ssh URL)."),
    creator: str = typer.Option(None, "--creator", help="Creator (default: author of HEAD)."),
    date: str = typer.Option(None, "--date", help="datePublished, YYYY-MM-DD (default: HEAD's commit date)."),
    push: bool = typer.Option(True, "--push/--no-push", help="dvc push to the default remote first."),
    allow_local_remote: bool = typer.Option(False, "--allow-local-remote", help="Release even if the "
                                            "default DVC remote is a relative folder (local experiments)."),
    root: Path = ROOT_OPT,
    params: Path = PARAMS_OPT,
) -> None:
    """Publish the current version: card, Croissant, CHANGELOG entry, commit, tag, dvc push.

    Refuses (exit 1) a version that is not v1, v1.2, v1.2.3 (or v2.0.0-rc1), a dirty git
    workspace, an unclean `dvc status`, or a default DVC remote that a clone in another folder
    cannot reach.
    """
    from curate.release.build import ReleaseError, release  # lazy: start-up time

    note_unused_params("release", params)
    with handled("release", failure=(ReleaseError,)), project_lock(root, "curate release", exclusive=True, timeout=5):
        res = release(root, version, license=license, name=name, url=url, creator=creator,
                      date=date, push=push, allow_local_remote=allow_local_remote,
                      log=lambda m: typer.echo(m))
    typer.echo(f"released {res.version} at {res.commit[:12]} ({res.date}; previous: {res.previous or 'none'}; "
               f"{res.pushed} files pushed); wrote {', '.join(res.files)}")
    for note in res.notes:
        typer.echo(f"note: {note}")
    for warning in res.warnings:
        typer.echo(f"curate: release: warning: {warning}", err=True)


@app.command("export", rich_help_panel=VERSIONS_PANEL)
def export_cmd(
    fmt: ExportFormat = typer.Option(..., "--format", help="File format."),
    rev: str = typer.Option(None, "--rev", help="Git revision or tag (default: the working tree)."),
    output: Path = typer.Option(None, "--output", help="Folder for the files (default exports/<rev>)."),
    root: Path = ROOT_OPT,
    params: Path = PARAMS_OPT,
) -> None:
    """One file per split (articles, rejected) of a version, read through DVC. Exit 2 on error."""
    from curate.release.export import ExportError, export  # lazy: start-up time

    try:
        note_unused_params("export", params)
        results = export(root, fmt.value, rev, output)
    except ExportError as exc:
        fail(f"export: {exc}", 2)
    for r in results:
        typer.echo(f"{r.split}: {r.rows} records -> {r.path} ({r.bytes} bytes, sha256 {r.sha256[:16]}…)")


cache_app = typer.Typer(help="The stage caches under run.cache_dir (.curate-cache/): sizes and eviction.",
                        invoke_without_command=True, callback=help_when_bare)
app.add_typer(cache_app, name="cache", rich_help_panel=UPKEEP_PANEL)


@cache_app.command("prune")
def cache_prune_cmd(
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be removed; delete nothing."),
    root: Path = ROOT_OPT,
    params: Path = PARAMS_OPT,
    project_root: Path = PROJECT_ROOT_OPT,
) -> None:
    """Delete every cache entry the current build would not look up (deleted or changed articles,
    old params, old code, other branches), then VACUUM. Run after `dvc repro`.

    Exit code: 0 pruned, 2 the interim outputs are missing or stale (`dvc repro` first; nothing
    deleted) or a usage error, 75 a build is running.
    """
    import sqlite3

    from curate.extract.annotate import ModelError  # lazy: start-up time
    from curate.pipeline.cache_prune import PruneRefused, prune, render_prune  # lazy: start-up time
    from curate.check.inputs import UsageError, load_params_for  # lazy: start-up time
    root = project_root or root
    with handled("cache prune", usage=(PruneRefused, UsageError, ModelError)):
        try:
            result = prune(root, load_params_for(root, params), dry_run=dry_run)
        except sqlite3.Error as exc:  # e.g. no room for VACUUM's copy: the deletions are committed
            fail(f"cache prune: {type(exc).__name__}: {exc}", 1)
    for line in render_prune(result):
        typer.echo(line)


@cache_app.command("info")
def cache_info_cmd(root: Path = ROOT_OPT, params: Path = PARAMS_OPT, project_root: Path = PROJECT_ROOT_OPT) -> None:
    """Entries and bytes of each stage cache, and every other file of the cache folder."""
    root = project_root or root
    from curate.pipeline.cache_prune import cache_info, render_info  # lazy: start-up time
    from curate.check.inputs import UsageError, load_params_for  # lazy: start-up time

    try:
        p = load_params_for(root, params)
    except UsageError as exc:
        fail(f"cache info: {exc}", 2)
    for line in render_info(cache_info(root, p), root / p.run.cache_dir if p.run.cache_dir else None):
        typer.echo(line)


# Commands that leave nothing open once they return: every output is closed and renamed, every
# cache and worker pool closed (the runners' `finally` blocks), the stage stats line written.
FAST_EXIT_COMMANDS = STAGE_COMMANDS


def main() -> None:  # pragma: no cover - the console entry point; tests call `app`
    """`curate`: run the command; a stage that succeeded exits without the interpreter's teardown.

    Tearing down pandas, polars and pandera (imported by validate) takes about 0.25 s and spaCy
    about 0.1 s: at every stage of every `dvc repro`, that is a measurable part of a small rebuild.
    """
    try:
        app(prog_name="curate")
    except SystemExit as exc:
        if exc.code in (0, None) and sys.argv[1:2] and sys.argv[1] in FAST_EXIT_COMMANDS:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
