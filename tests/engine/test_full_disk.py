"""Full disk: a stage that runs out of space exits with a clear message naming the path, and the
previous outputs are intact (byte-identical), with no temp file left behind.

Two ways to run out of space: `ulimit -f` (RLIMIT_FSIZE, with SIGXFSZ ignored so write() fails
with EFBIG instead of killing the process; works anywhere) and, when we may mount (root), a
tiny tmpfs under the output folder (ENOSPC, the real thing).
"""

from __future__ import annotations

import resource
import signal
import subprocess
from pathlib import Path

import pytest

from tests.conftest import bin_path, make_project, run
from tests.faults.kill_builds import digest, leftovers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    proj = make_project(tmp_path_factory.mktemp("disk") / "proj")
    run([bin_path("curate"), "run"], proj)
    return proj


def _limit(nbytes: int):
    def pre():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return pre


def _interim(proj: Path) -> dict:
    import hashlib

    return {str(p.relative_to(proj)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((proj / "corpus/interim").rglob("*")) if p.is_file()}


def _stale_parts(proj: Path, stage: str) -> None:
    """Make the stage write every output again instead of linking it (same bytes): move the
    mtime of its part files away from what its local file recorded; for validate, drop the
    state of what each part was judged (so every shard is written again, not hard-linked)."""
    import os

    from curate.validate.reuse import STATE, state_dir

    for path in (proj / "corpus/interim" / stage / "parts").glob("*"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    if stage == "validate":
        (state_dir(proj) / STATE).unlink(missing_ok=True)


@pytest.mark.parametrize("stage,limit", [("ingest", 4096), ("clean", 4096), ("validate", 2048), ("validate", 6000)])
def test_stage_out_of_space_names_the_path_and_keeps_outputs(built, stage, limit):
    proj = built
    _stale_parts(proj, stage)
    before, before_interim = digest(proj), _interim(proj)
    p = subprocess.run([bin_path("curate"), stage], cwd=proj, capture_output=True, text=True,
                       preexec_fn=_limit(limit), timeout=300)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr, p.stderr
    msg = p.stderr.strip().splitlines()[-1]  # (a cache that cannot be written is reported before)
    assert msg.startswith(f"curate: {stage}: no space left writing "), msg
    assert "corpus/" in msg or "reports/" in msg, msg  # names the path
    assert digest(proj) == before
    assert _interim(proj) == before_interim
    assert leftovers(proj) == []


def test_tmpfs_full_during_validate(built, tmp_path):
    proj = built
    curated = proj / "corpus/curated"
    before = digest(proj)
    saved = tmp_path / "saved"
    import shutil

    shutil.copytree(curated, saved)
    used = sum(f.stat().st_size for f in saved.rglob("*") if f.is_file())
    size = (used // 4096 + 40) * 4096  # room for the old outputs plus a few pages
    probe = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(curated)],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.strip()}")
    try:
        # the previous outputs on the small disk, then fill it up but for ~2 pages
        for item in saved.iterdir():
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, curated / item.name)
        import os

        st = os.statvfs(curated)
        (curated / "filler.bin").write_bytes(b"\0" * max(0, st.f_bavail * st.f_frsize - 2 * 4096))
        p = run([bin_path("curate"), "validate"], proj, check=False)
        assert p.returncode == 1, (p.stdout, p.stderr)
        assert "Traceback" not in p.stderr
        assert "no space left writing" in p.stderr and "corpus/curated" in p.stderr, p.stderr
        (curated / "filler.bin").unlink()
        assert digest(proj) == before
        assert not [x for x in curated.iterdir() if x.name.startswith((".tmp-", ".old-"))]
    finally:
        subprocess.run(["umount", str(curated)], check=False)
