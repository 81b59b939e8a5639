"""The suite runs as a terminal's foreground job: a process it starts gets SIGINT's default action
(the Ctrl-C tests send one to `dvc repro`), even when the suite itself was started with SIGINT
ignored, as a shell starts a background job (tests/conftest.py, `pytest_configure`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = "import signal; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
# what `cmd &` in a non-interactive shell does before running cmd
IGNORING_SIGINT = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                   "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")


def test_a_process_the_suite_starts_gets_the_default_sigint_action():
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"


def test_a_session_started_with_sigint_ignored_still_gives_its_processes_the_default():
    inner = f"{Path(__file__)}::test_a_process_the_suite_starts_gets_the_default_sigint_action"
    proc = subprocess.run([sys.executable, "-c", IGNORING_SIGINT, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           inner], capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout
