"""Raw articles travel with the curated corpus through object storage: a batch `curate add`
tracked with DVC is pushed to an S3-compatible server on 127.0.0.1 (moto, as in
test_sharing.py) by `dvc push`; a collaborator's fresh clone gets it back with `dvc pull`, and
`dvc repro` there has nothing to run."""

from __future__ import annotations

import json
import re

import pytest

from tests.builders import synthetic_article
from tests.conftest import bin_path, make_project, run
from tests.release.test_release import GIT
from tests.release.test_sharing import BUCKET, s3_server  # noqa: F401 - the moto server fixture

pytestmark = pytest.mark.slow

ARTICLES = 3


@pytest.fixture(scope="module")
def pushed(s3_server, tmp_path_factory):  # noqa: F811
    """(project URL, its batch folder, the articles' bytes, the bucket prefix, the S3 client)."""
    endpoint, client = s3_server
    base = tmp_path_factory.mktemp("raw-sharing")
    proj = make_project(base / "proj")
    dvc = bin_path("dvc")
    run([dvc, "remote", "modify", "storage", "url", f"s3://{BUCKET}/raw-{base.name}"], proj)
    run([dvc, "remote", "modify", "storage", "endpointurl", endpoint], proj)
    inbox = base / "inbox"
    inbox.mkdir()
    articles = {}
    for i in range(ARTICLES):
        articles[f"story-{i}.txt"] = (f"Harbour council report number {i}\n\n" + synthetic_article(i, seed=5)).encode()
        (inbox / f"story-{i}.txt").write_bytes(articles[f"story-{i}.txt"])
    added = run([bin_path("curate"), "add", str(inbox)], proj).stdout
    batch = re.search(r"corpus/raw/(added-[^/\s]+)/", added).group(1)
    run([dvc, "repro"], proj)
    run(GIT + ["add", "-A"], proj)
    run(GIT + ["commit", "-qm", "my articles"], proj)
    run([dvc, "push"], proj)
    return proj, batch, articles, f"raw-{base.name}", client


def test_git_holds_the_batch_pointer_and_the_bucket_its_files(pushed):
    proj, batch, articles, prefix, client = pushed
    tracked = run(["git", "ls-files", f"corpus/raw/{batch}*"], proj).stdout.split()
    assert tracked == [f"corpus/raw/{batch}.dvc"]
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/").get("Contents", [])
    stored = {o["Key"].rsplit("/", 2)[-2] + o["Key"].rsplit("/", 1)[-1] for o in listed}
    cached = (proj / ".dvc/cache/files/md5")
    for name in articles:
        md5 = next(p for p in cached.rglob("*") if p.is_file() and p.read_bytes() == articles[name])
        assert md5.parent.name + md5.name in stored  # each article's own object is in the bucket


def test_a_fresh_clone_pulls_the_batch_and_repro_runs_nothing(pushed, tmp_path):
    proj, batch, articles, _, _ = pushed
    dvc = bin_path("dvc")
    run(["git", "clone", "-q", str(proj), "clone"], tmp_path)
    clone = tmp_path / "clone"
    assert not (clone / "corpus/raw" / batch).exists()
    run([dvc, "pull"], clone)
    assert {p.name: p.read_bytes() for p in (clone / "corpus/raw" / batch).iterdir()} == articles
    assert json.loads(run([dvc, "status", "--json"], clone).stdout) == {}
    repro = run([dvc, "repro"], clone).stdout
    assert "Running stage" not in repro and "didn't change" in repro
    assert (clone / "reports/metrics.json").read_bytes() == (proj / "reports/metrics.json").read_bytes()
