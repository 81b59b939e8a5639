"""The command line follows the usual conventions: --version, -h, completion, help on a bare
command, one set of common options, --format as choices that the README lists, stable help."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import tomllib

import pytest
import typer.main
from packaging.requirements import Requirement
from packaging.version import Version
from typer.testing import CliRunner

from curate import __version__
from curate.cli import app
from tests.conftest import REPO, bin_path

runner = CliRunner()
INVOKE = {"prog_name": "curate"}  # as the console script names itself
GROUP = typer.main.get_command(app)


def _commands() -> list[tuple[list[str], object]]:
    """Every leaf command with the words that invoke it (`cache info` included)."""
    out = []
    for name, cmd in GROUP.commands.items():
        if hasattr(cmd, "commands"):  # a group (Typer >= 0.29 carries its own click)
            out += [([name, sub], c) for sub, c in cmd.commands.items()]
        else:
            out.append(([name], cmd))
    return out


COMMANDS = _commands()


def _flags(cmd, hidden: bool = False) -> set[str]:
    return {o for p in cmd.params if hidden or not getattr(p, "hidden", False) for o in p.opts}


def test_version_prints_the_package_version_and_exits_0():
    for flag in ("--version", "-V"):
        res = runner.invoke(app, [flag], **INVOKE)
        assert res.exit_code == 0 and res.output == f"curate {__version__}\n"


@pytest.mark.parametrize("words", [w for w, _ in COMMANDS] + [[], ["cache"]], ids=" ".join)
def test_dash_h_is_the_same_help_as_dash_dash_help(words):
    short, long = runner.invoke(app, [*words, "-h"], **INVOKE), runner.invoke(app, [*words, "--help"], **INVOKE)
    assert short.exit_code == long.exit_code == 0
    assert short.output == long.output and "Usage: curate" in short.output


def test_curate_alone_prints_the_help_and_exits_0():
    # help is what was asked for (not a usage error): exit 0, like `curate --help`
    for words in ([], ["cache"]):
        res = runner.invoke(app, words, **INVOKE)
        assert res.exit_code == 0, res.output
        assert res.output.strip() == runner.invoke(app, [*words, "--help"], **INVOKE).output.strip()


def test_unknown_command_and_bad_option_still_exit_2():
    assert runner.invoke(app, ["no-such-command"], **INVOKE).exit_code == 2
    assert runner.invoke(app, ["quality", "--no-such-option"], **INVOKE).exit_code == 2


def test_shell_completion_is_installed_and_completes_commands(tmp_path):
    assert {"--install-completion", "--show-completion"} <= _flags(GROUP)
    env = dict(os.environ, _CURATE_COMPLETE="complete_bash", COMP_WORDS="curate qua", COMP_CWORD="1")
    done = subprocess.run([bin_path("curate")], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.split() == ["quality"]
    env.update(COMP_WORDS="curate diff v1 --format ", COMP_CWORD="4")
    done = subprocess.run([bin_path("curate")], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout.split() == ["text", "md", "html", "json"]


@pytest.mark.parametrize("words,cmd", COMMANDS, ids=[" ".join(w) for w, _ in COMMANDS])
def test_every_command_takes_root_and_params(words, cmd):
    assert {"--root", "--params"} <= _flags(cmd), words  # -h and --help: the test above


def test_cache_commands_keep_project_root_as_a_hidden_alias(tmp_path):
    info = GROUP.commands["cache"].commands["info"]
    assert "--project-root" in _flags(info, hidden=True) and "--project-root" not in _flags(info)
    assert "--project-root" not in runner.invoke(app, ["cache", "info", "--help"], **INVOKE).output
    (tmp_path / ".curate-cache").mkdir()
    res = runner.invoke(app, ["cache", "info", "--project-root", str(tmp_path)], **INVOKE)
    assert res.exit_code == 0 and f"{tmp_path / '.curate-cache'}: 0 entries" in res.output


def test_format_is_a_choice_and_the_readme_lists_the_same_choices():
    readme = (REPO / "README.md").read_text()
    for name, expected in (("diff", ["text", "md", "html", "json"]), ("quality", ["md", "html", "json"]),
                           ("export", ["parquet", "jsonl.gz"])):
        opt = next(p for p in GROUP.commands[name].params if "--format" in p.opts)
        choices = opt.type_descriptor.annotation  # an Enum: the parser accepts only its values
        assert [c.value for c in choices] == expected
        row = next(line for line in readme.splitlines() if line.startswith(f"| `curate {name} "))
        listed = re.search(r"--format ([a-z.]+(?:\\\|[a-z.]+)*)", row).group(1).split("\\|")
        assert listed == expected, row


def test_a_format_outside_the_choices_exits_2_naming_them():
    res = runner.invoke(app, ["quality", "--format", "pdf"], **INVOKE)
    assert res.exit_code == 2
    assert "'pdf' is not one of 'md', 'html', 'json'" in " ".join(res.output.replace("│", " ").split())


def test_help_paragraphs_are_not_hard_wrapped():
    res = runner.invoke(app, ["check", "--help"], env={"COLUMNS": "300"}, terminal_width=300, **INVOKE)
    lines = [line.strip() for line in res.output.splitlines()]
    assert ("Would these articles join the corpus? Same readers, cleaning, dedup, extraction and validation "
            "as the pipeline, against the current corpus/curated; changes nothing.") in lines


def test_the_typer_the_tests_run_under_is_inside_a_bound_that_excludes_the_next_minor():
    """Help output (rich panels, markdown) changes between Typer minor releases: the project's
    requirement must let a resolver install the Typer these help tests pass under, and never the
    next minor release."""
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    spec = next(r for r in map(Requirement, deps) if r.name == "typer").specifier
    installed = Version(importlib.metadata.version("typer"))
    assert spec.contains(installed)
    assert not spec.contains(Version(f"{installed.major}.{installed.minor + 1}.0"))


def test_help_lists_the_commands_in_panels_in_the_readmes_order():
    out = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}, terminal_width=200, **INVOKE).output
    listed = re.findall(r"^│ ([a-z]+) {2,}", out, flags=re.M)
    assert listed == list(GROUP.HELP_ORDER)
    readme = (REPO / "README.md").read_text(encoding="utf-8").split("## CLI at a glance", 1)[1]
    in_readme = re.findall(r"^\| `curate ([a-z|\\]+)", readme, flags=re.M)
    order = list(dict.fromkeys(w for cell in in_readme for w in cell.replace("\\", "").split("|")))
    assert [w for w in order if w in listed] == [w for w in listed if w in order]
    assert ["Pipeline stages", "New articles", "Versions and releases", "Upkeep"] == re.findall(
        r"╭─ ([A-Z][a-z ]+?) ─", out)[1:]
