"""Stage commands (`curate clean`, ...): they start without the heavy libraries of other steps
(`curate clean`, ingest, dedup and report must not pay for pandera, pandas and spaCy just to
name validate's and extract's errors; `dvc repro` starts one process a stage, so this is paid on
every build), and a stage whose input is missing names the file it needs."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

HEAVY = ("pandera", "pandas", "spacy")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()


def test_the_cli_module_loads_no_pandera_pandas_or_spacy():
    assert _loaded_after("import curate.cli") == []


def test_a_clean_command_loads_no_pandera_pandas_or_spacy(tmp_path):
    # no ingest output here: the command runs its stage, which stops at its missing input
    code = ("from curate.cli import app\n"
            "try:\n"
            f"    app(['clean', '--root', {str(tmp_path)!r}, '--params', {str(REPO / 'params.yaml')!r}])\n"
            "except SystemExit as exc:\n"
            "    print(exc.code, file=sys.stderr)")
    assert _loaded_after(code) == []


def test_the_step_failures_the_cli_reports_in_one_line_share_one_light_base():
    from curate.engine.executors import WorkerPathError
    from curate.engine.step import StepFailure
    from curate.extract.annotate import ModelError
    from curate.validate.stage import CorpusRuleError

    assert all(issubclass(e, StepFailure) for e in (WorkerPathError, ModelError, CorpusRuleError))


def test_a_stage_without_its_input_names_the_missing_index(tmp_path):
    from tests.conftest import bin_path

    p = subprocess.run([bin_path("curate"), "clean", "--root", str(tmp_path), "--params", str(REPO / "params.yaml")],
                       capture_output=True, text=True)
    assert p.returncode == 1
    assert p.stderr.strip() == (f"curate: clean: input missing: {tmp_path}/corpus/interim/ingest/index.json "
                                "(run the previous stage, or `dvc repro`)")
