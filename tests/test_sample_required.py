"""The suite builds its projects from the bundled sample: in a checkout whose sample was replaced
by a user's own articles, it stops at once with one line saying so, not with hundreds of failures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _checkout_without(tmp_path: Path, gone: str) -> Path:
    """A copy of the suite's conftest beside a copy of the sample minus the folder `gone`."""
    (tmp_path / "tests").mkdir()
    shutil.copy2(REPO / "tests/conftest.py", tmp_path / "tests/conftest.py")
    (tmp_path / "tests/test_any.py").write_text("def test_any():\n    assert True\n")
    shutil.copytree(REPO / "corpus/raw", tmp_path / "corpus/raw")
    shutil.rmtree(tmp_path / "corpus/raw" / gone)
    return tmp_path


def test_a_checkout_without_the_bundled_sample_stops_the_suite_with_one_clear_line(tmp_path):
    root = _checkout_without(tmp_path, "web")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                          cwd=root, capture_output=True, text=True)
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "corpus/raw/web is gone from this checkout" in proc.stdout + proc.stderr
    assert "docs/your-own-articles.md" in proc.stdout + proc.stderr
