"""Sharing released versions, end to end on loopback only.

A temp project releases v1 and v2 (`curate release`: commit, tag, `dvc push`) to its default
remote, configured and committed before the first tag: a local folder, and an S3-compatible
server (moto's ThreadedMotoServer on 127.0.0.1, through dvc-s3). The git history is then
published as a bare repository and read back the way a researcher elsewhere would, through a
`file://` URL (DVC clones it to a temp folder, as it would a GitHub URL, and takes the remote
from the tag's `.dvc/config`; nothing comes from the project's own cache):

* a fresh `git clone`, `git checkout v1 && dvc pull` -> v1's records (then v2's);
* `dvc get URL corpus/curated/articles --rev v1`;
* `dvc import URL ... --rev v1` into another git+DVC repo, then `dvc update --rev v2`;
* `dvc.api.read`/`dvc.api.open(..., repo=URL, rev="v1")`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket

import pytest

from tests.conftest import bin_path, run
from tests.release.test_release import GIT, build_two_releases, records_in

pytestmark = pytest.mark.slow

BUCKET = "curate-test"
ARTICLES = "corpus/curated/articles"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """An S3-compatible server on 127.0.0.1 (moto), its bucket, and the credentials in the env."""
    # test dependencies (pip install -e '.[test]'): dvc-s3 for the remote, moto[server] for the server
    import boto3
    import dvc_s3  # noqa: F401
    from moto import server as moto_server

    aws = tmp_path_factory.mktemp("aws")
    (aws / "credentials").write_text("")
    (aws / "config").write_text("")
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1",
           "NO_PROXY": ",".join(filter(None, ["127.0.0.1", "localhost", os.environ.get("NO_PROXY")])),
           # no profile of this machine leaks in
           "AWS_SHARED_CREDENTIALS_FILE": str(aws / "credentials"), "AWS_CONFIG_FILE": str(aws / "config")}
    saved = {k: os.environ.get(k) for k in [*env, "AWS_PROFILE"]}
    os.environ.update(env)
    os.environ.pop("AWS_PROFILE", None)
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    try:
        yield endpoint, client
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# `built` (tests/conftest.py): one `dvc repro` of the sample, copied for each remote (repro is
# the slow part)


@pytest.fixture(scope="module", params=["local", "s3"])
def published(request, built, tmp_path_factory):
    """(researcher's repo URL, v1 records, v2 records, remote kind, remote handle)."""
    kind = request.param
    dvc = bin_path("dvc")
    base = tmp_path_factory.mktemp(f"sharing-{kind}")
    proj = base / "proj"
    shutil.copytree(built, proj, symlinks=True)
    if kind == "local":
        handle = base / "remote"
        run([dvc, "remote", "modify", "storage", "url", str(handle)], proj)
    else:
        endpoint, client = request.getfixturevalue("s3_server")
        handle = (client, f"{kind}-{base.name}")
        run([dvc, "remote", "modify", "storage", "url", f"s3://{BUCKET}/{handle[1]}"], proj)
        run([dvc, "remote", "modify", "storage", "endpointurl", endpoint], proj)
    # the default remote is committed before the first dataset tag: a researcher's `dvc get`/
    # dvc.api at a tag reads the remote from that tag's .dvc/config
    run(GIT + ["commit", "-qm", f"DVC remote: {kind}", ".dvc/config"], proj)
    v1, v2 = build_two_releases(proj)
    assert v1 and len(v2) > len(v1), "every test below compares what it reads with these"
    bare = base / "published.git"
    run(["git", "clone", "-q", "--bare", str(proj), str(bare)], base)
    return bare.as_uri(), v1, v2, kind, handle


def test_the_remote_holds_the_pushed_data(published):
    _, v1, _, kind, handle = published
    if kind == "local":
        objects = [p for p in handle.rglob("*") if p.is_file()]
    else:
        client, prefix = handle
        objects = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/").get("Contents", [])
    # at least every v1 shard, and the directory listing objects
    assert len(objects) > 8


def test_pull_at_v1_in_a_fresh_clone(published, tmp_path):
    url, v1, v2, _, _ = published
    dvc = bin_path("dvc")
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", url, str(clone)], tmp_path)
    assert not (clone / ".dvc/cache").exists()
    run(["git", "checkout", "-q", "v1"], clone)
    run([dvc, "pull", "-q"], clone)
    assert records_in(clone / ARTICLES) == v1
    assert "# News corpus — v1" in (clone / "corpus/curated/README.md").read_text()
    assert json.loads(run([dvc, "status", "--json"], clone).stdout) == {}
    run(["git", "checkout", "-q", "v2"], clone)
    run([dvc, "pull", "-q"], clone)
    assert records_in(clone / ARTICLES) == v2


def test_dvc_get_at_v1(published, tmp_path):
    url, v1, _, _, _ = published
    run([bin_path("dvc"), "get", url, ARTICLES, "--rev", "v1", "-o", str(tmp_path / "articles")], tmp_path)
    assert records_in(tmp_path / "articles") == v1


def test_dvc_import_v1_then_update_to_v2(published, tmp_path):
    url, v1, v2, _, _ = published
    dvc = bin_path("dvc")
    user = tmp_path / "user"
    user.mkdir()
    run(["git", "init", "-q", "-b", "main"], user)
    run([dvc, "init", "-q"], user)
    run([dvc, "config", "cache.type", "copy"], user)
    run([dvc, "import", url, ARTICLES, "--rev", "v1", "-o", "articles"], user)
    assert records_in(user / "articles") == v1
    meta = (user / "articles.dvc").read_text()
    assert "rev: v1" in meta and "rev_lock:" in meta
    run([dvc, "update", "--rev", "v2", "articles.dvc"], user)
    assert records_in(user / "articles") == v2
    assert "rev: v2" in (user / "articles.dvc").read_text()


@pytest.fixture
def dvc_api_clones():
    """dvc.api clones `repo=URL` into /tmp/tmp*dvc-clone (and a *dvc-cache); the `dvc` command
    removes them when it exits, an in-process caller must call clean_repos itself."""
    from dvc.repo.open_repo import clean_repos

    yield
    clean_repos()


def test_dvc_api_open_at_v1(published, dvc_api_clones):
    import dvc.api

    url, v1, v2, _, _ = published
    for rev, want in (("v1", v1), ("v2", v2)):
        manifest = json.loads(dvc.api.read("corpus/curated/manifest.json", repo=url, rev=rev))
        got = {}
        for shard in manifest["shards"]:
            with dvc.api.open(f"corpus/curated/{shard['path']}", repo=url, rev=rev, encoding="utf-8") as fh:
                for line in fh:
                    rec = json.loads(line)
                    got[rec["id"]] = rec
        assert got, f"nothing read at {rev}"
        assert got == want, rev
