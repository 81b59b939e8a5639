"""`curate release VERSION`: publish the current curated version under a git tag.

Order (each step only runs when the previous one succeeded):

1. refuse: a version that is not `v` + one to three numbers (`v1`, `v1.2`, `v1.2.3`), with an
   optional pre-release suffix starting with a letter (`v2.0.0-rc1`), so a date (`2024-04`) is
   never taken for a version; an existing tag; a dirty git workspace (modified, staged or
   untracked files); a `dvc status` that is not clean (the curated files are not what `dvc.lock`
   says, or the pipeline is out of date); no default DVC remote in the *committed* project config
   (`.dvc/config`; DVC reads the remote config per revision, so a tag made without one cannot be
   pulled or imported later: treeverse/dvc#10617); a default remote a clone in another folder
   cannot reach (not defined, or a relative folder path) unless `allow_local_remote`.
2. `dvc push` to the default remote. The data of the release commit is exactly HEAD's (the
   release adds only git-tracked text files), so pushing first means a tag never exists whose
   data is missing from the remote, and a failed push leaves nothing to undo.
3. write `corpus/curated/README.md` (dataset card), `corpus/curated/croissant.json` and a
   `CHANGELOG.md` entry from `curate diff <previous release> <working tree>`; the previous
   release is the highest version tag reachable from HEAD.
4. `git commit` those three files and `git tag -a VERSION`. A failure here restores the files.

Releasing the same data as the previous release (the same `manifest.json` in `dvc.lock`) is
allowed, with a warning. The card and Croissant file are deterministic for a version: `datePublished` is `--date` or the
committer date of the released data commit (HEAD), never the wall clock.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from curate.engine.io import write_atomic
from curate.release.card import ReleaseInfo, languages_of, write_card
from curate.release.changelog import CHANGELOG_HEADER, EXAMPLES, add_entry, changelog_entry  # noqa: F401
from curate.release.croissant import build_croissant, croissant_version
from curate.params import ParamsError, load_params
from curate.dataset.diff import diff_versions

VERSION_RE = re.compile(r"^v\d+(\.\d+){0,2}(-[A-Za-z][0-9A-Za-z.]*)?$")
VERSION_HELP = "v1, v1.2, v1.2.3 or v2.0.0-rc1"
CARD = "README.md"
CROISSANT = "croissant.json"
CHANGELOG = "CHANGELOG.md"


class ReleaseError(Exception):
    """The release was refused or failed; nothing was tagged. Exit code 1."""


@dataclass
class ReleaseResult:
    version: str
    previous: str | None
    commit: str
    files: list[str]
    pushed: int
    date: str
    url: str
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _git(root: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout if proc.returncode == 0 else ""


def is_version(name: str) -> bool:
    return bool(VERSION_RE.match(name))


def _version_key(tag: str) -> tuple:
    m = re.match(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$", tag)
    nums = tuple(int(x or 0) for x in m.groups()[:3])
    # a pre-release (-rc1) sorts before the release itself
    return nums + ((0, m.group(4)) if m.group(4).startswith("-") else (1, m.group(4)))


def previous_release(root: Path, before: str = "HEAD") -> str | None:
    """The highest version tag reachable from `before` (None for the first release)."""
    tags = [t for t in _git(root, "tag", "--merged", before).split() if is_version(t)]
    return max(tags, key=_version_key) if tags else None


# ------------------------------------------------------------------------------------ checks


def dirty_paths(root: Path) -> list[str]:
    """Modified, staged and untracked (not ignored) paths: a release needs none."""
    out = _git(root, "status", "--porcelain", "--untracked-files=all")
    return [line[3:] for line in out.splitlines() if line.strip()]


def dvc_status(repo) -> dict:
    """`dvc status` of the workspace ({} when clean)."""
    return repo.status()


def _describe_status(status: dict) -> str:
    parts = []
    for stage, changes in sorted(status.items()):
        what = []
        for change in changes if isinstance(changes, list) else [changes]:
            if isinstance(change, dict):
                for kind, items in change.items():
                    if isinstance(items, dict):
                        what += [f"{kind} {k}: {v}" for k, v in items.items()]
                    else:
                        what.append(f"{kind}: {items}")
            else:
                what.append(str(change))
        parts.append(f"{stage} ({'; '.join(what)})")
    return ", ".join(parts)


def default_remote(repo) -> tuple[str | None, str | None]:
    """(default remote in the committed project config, default remote in force)."""
    committed = repo.config.read("repo").get("core", {}).get("remote")
    in_force = repo.config.get("core", {}).get("remote")
    return committed, in_force


def remote_problem(root: Path, name: str) -> str | None:
    """Why a clone of this repository in another folder could not reach the committed remote
    `name` (None when it can): not defined, or a folder path relative to `.dvc/`."""
    from configobj import ConfigObj

    section = ConfigObj(str(root / ".dvc" / "config")).get(f'remote "{name}"')
    url = (section or {}).get("url")
    if not url:
        return f"the default DVC remote '{name}' is not defined in .dvc/config"
    if "://" in url or Path(url).is_absolute():
        return None
    return (f"the default DVC remote '{name}' is the relative folder '{url}' (from .dvc/): a clone "
            "in another folder, or `dvc get`/`dvc import` through a git URL, cannot reach it")


def check_remote(root: Path, name: str) -> None:
    problem = remote_problem(root, name)
    if problem:
        raise ReleaseError(
            f"{problem}. Point it at storage every user can reach and commit that: `dvc remote "
            f"modify {name} url /abs/path/to/storage` (or `dvc remote add -d -f {name} "
            f"s3://bucket/path`; docs/releases-and-sharing.md), then `git commit .dvc/config -m "
            "\"DVC remote\"`; `--allow-local-remote` releases anyway (local experiments)")


def manifest_md5(root: Path, rev: str, curated: str) -> str | None:
    """md5 of the curated manifest.json that `dvc.lock` records at `rev` (None if none)."""
    import yaml

    text = _git(root, "show", f"{rev}:dvc.lock", check=False)
    for stage in ((yaml.safe_load(text) or {}).get("stages") or {}).values() if text else ():
        for out in stage.get("outs") or []:
            if out.get("path") == f"{curated}/manifest.json":
                return out.get("md5")
    return None


def check_ready(root: Path, version: str, repo, allow_local_remote: bool = False) -> str:
    """Refuse (ReleaseError) unless a release can be made; returns the default remote name."""
    if not is_version(version):
        raise ReleaseError(f"'{version}' is not a version name ({VERSION_HELP}: 'v' and one to "
                           "three numbers, optionally -rc1, -beta.2...)")
    if _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{version}", check=False).strip():
        raise ReleaseError(f"tag {version} already exists (released tags are never moved; pick a new version)")
    if not _git(root, "rev-parse", "-q", "--verify", "HEAD", check=False).strip():
        raise ReleaseError("the repository has no commit yet")
    dirty = dirty_paths(root)
    if dirty:
        shown = ", ".join(dirty[:10]) + (f" and {len(dirty) - 10} more" if len(dirty) > 10 else "")
        raise ReleaseError(f"the git workspace is dirty ({shown}): commit or stash the changes, "
                           "then release")
    committed, in_force = default_remote(repo)
    if not committed:
        hint = (f" (remote '{in_force}' is set only in a local config)" if in_force else "")
        raise ReleaseError("no default DVC remote in the committed .dvc/config" + hint +
                           ": run `dvc remote add -d NAME URL`, commit .dvc/config, then release "
                           "(DVC reads the remote per revision: a tag without one cannot be pulled)")
    if not allow_local_remote:
        check_remote(root, committed)
    status = dvc_status(repo)
    if status:
        raise ReleaseError(f"`dvc status` is not clean: {_describe_status(status)}; run `dvc repro` "
                           "(or `dvc checkout`), commit dvc.lock, then release")
    return committed


# ------------------------------------------------------------------------------------ release


def release_files(root: Path, info: ReleaseInfo, previous: str | None) -> dict[str, bytes]:
    """The bytes of the card, the Croissant file and the new CHANGELOG.md (nothing written)."""
    card, facts = write_card(root, info)
    curated = root / info.curated_dir
    m = facts.metrics
    langs = languages_of(facts)
    span = f", {facts.first_date} to {facts.last_date}" if facts.first_date else ""
    description = (f"{facts.records} news articles{span}, cleaned, deduplicated, annotated with named "
                   f"entities (spaCy, machine-generated) and validated; {m.get('rejected', 0)} rejected "
                   f"inputs kept with their reason. Version {info.version}.")
    creator = {"@type": f"sc:{info.creator_type}", "name": info.creator or "unknown"}
    cite = (f"@misc{{{re.sub(r'[^A-Za-z0-9]+', '_', info.name).strip('_').lower()}_{info.version},\n"
            f"  title = {{{info.name}, version {info.version}}},\n"
            f"  author = {{{info.creator or 'unknown'}}},\n  year = {{{info.date[:4]}}},\n"
            f"  howpublished = {{{info.url}}},\n  note = {{git tag {info.version}}}\n}}")
    doc = build_croissant(curated, name=info.name, description=description, license=info.license,
                          url=info.url, creator=creator, date_published=info.date,
                          version=croissant_version(info.version), cite_as=cite,
                          keywords=["news", "named entities", "dvc"], languages=langs)
    croissant = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    facts_line = (f"{facts.records} articles, {m.get('rejected', 0)} rejected inputs "
                  f"(of {m.get('inputs', 0)}).")
    report = None
    if previous is not None:
        report = diff_versions(root, previous, None, limit=EXAMPLES)
    entry = changelog_entry(info.version, info.date, previous, report, facts_line)
    log = root / CHANGELOG
    changelog = add_entry(log.read_text(encoding="utf-8") if log.exists() else None, entry)
    return {
        f"{info.curated_dir}/{CARD}": card.encode("utf-8"),
        f"{info.curated_dir}/{CROISSANT}": croissant,
        CHANGELOG: changelog.encode("utf-8"),
    }


# what a researcher elsewhere can clone: http(s)://, ssh://, git:// URLs and scp-like user@host:path
_REACHABLE = re.compile(r"^(?:(?:https?|ssh|git|git\+ssh)://|[\w.-]+@[\w.-]+:)")


def reachable(url: str) -> bool:
    """Whether `url` names a repository others can reach (not a folder of this machine)."""
    return bool(_REACHABLE.match(url))


def origin_url(root: Path) -> str:
    return _git(root, "remote", "get-url", "origin", check=False).strip()


def repo_url(root: Path) -> str:
    """`origin`'s URL when others can reach it, else the repository folder as a file:// URL (an
    `origin` that is another folder may not even hold the tag being released)."""
    url = origin_url(root)
    return url if reachable(url) else root.resolve().as_uri()


def commit_and_tag(root: Path, files: dict[str, bytes], version: str, previous: str | None) -> None:
    """Write the release files, commit them and make the annotated tag; on failure restore them."""
    saved = {rel: ((root / rel).read_bytes() if (root / rel).exists() else None) for rel in files}
    try:
        for rel, data in files.items():
            write_atomic(root / rel, data)
        _git(root, "add", "--", *files)
        summary = f"Dataset release {version}" + (f" (previous: {previous})" if previous else "")
        _git(root, "commit", "-q", "-m", summary, "--", *files)
        _git(root, "tag", "-a", version, "-m", summary)
    except BaseException:
        _git(root, "reset", "-q", "--", *files, check=False)
        for rel, data in saved.items():
            if data is None:
                (root / rel).unlink(missing_ok=True)
            else:
                write_atomic(root / rel, data)
        raise


def _curated_dir(root: Path, date: str | None) -> str:
    """The curated folder the parameters name, once `root` is a repository's top and `date` is
    YYYY-MM-DD (or None)."""
    top = _git(root, "rev-parse", "--show-toplevel", check=False).strip()
    if not top:
        raise ReleaseError(f"{root} is not inside a git repository")
    if Path(top).resolve() != root:
        raise ReleaseError(f"run the release from the repository root ({top}), not {root}")
    if date is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", date):
        raise ReleaseError(f"--date must be YYYY-MM-DD, got '{date}'")
    try:
        params = load_params(root / "params.yaml")
    except ParamsError as exc:
        raise ReleaseError(f"cannot read parameters: {exc}") from exc
    return params.output.curated_dir.strip("/")


def _check_and_push(root: Path, version: str, curated: str, push: bool, allow_local_remote: bool,
                    log) -> tuple[str, int]:
    """Refuse an unready release (check_ready, no curated corpus, a git-ignored card), then
    `dvc push` when `push`: (the default remote, the number of files pushed)."""
    from dvc.repo import Repo

    try:
        repo = Repo(str(root))
    except Exception as exc:  # noqa: BLE001 - not a DVC repository, broken config
        raise ReleaseError(f"cannot open the DVC project: {exc}") from exc
    with repo:
        remote = check_ready(root, version, repo, allow_local_remote)
        if not (root / curated / "articles").is_dir():
            raise ReleaseError(f"no curated corpus at {curated}/articles (run `dvc repro`)")
        for name_ in (CARD, CROISSANT):
            rel = f"{curated}/{name_}"
            if subprocess.run(["git", "-C", str(root), "check-ignore", "-q", rel]).returncode == 0:
                raise ReleaseError(f"{rel} is git-ignored; the card must be tracked by git beside the DVC outputs")
        pushed = 0
        if push:
            log(f"release {version}: dvc push to remote '{remote}'")
            try:
                pushed = repo.push()
            except Exception as exc:  # noqa: BLE001 - any DVC/remote failure refuses the release
                raise ReleaseError(f"dvc push to '{remote}' failed, nothing was tagged: {exc}") from exc
    return remote, pushed


def _notes(root: Path, version: str, url: str | None, info: ReleaseInfo) -> list[str]:
    """What is left to do by hand: name a public URL, push the tag."""
    notes = []
    if not url and not reachable(origin := origin_url(root)):
        why = f"git remote 'origin' is '{origin}', not a URL others can reach" if origin else "no git remote 'origin'"
        notes.append(f"{why}: the card and croissant.json name {info.url}; "
                     "pass --url to name the public repository")
    if _git(root, "remote", check=False).strip():
        notes.append(f"publish the tag: git push origin HEAD {version}")
    return notes


def release(root: Path, version: str, *, license: str = "other", name: str | None = None,
            url: str | None = None, creator: str | None = None, date: str | None = None,
            push: bool = True, allow_local_remote: bool = False, log=print) -> ReleaseResult:
    """Check, push, write the card/Croissant/changelog, commit and tag. ReleaseError on refusal."""
    root = Path(root).resolve()
    curated = _curated_dir(root, date)
    remote, pushed = _check_and_push(root, version, curated, push, allow_local_remote, log)

    previous = previous_release(root)
    info = ReleaseInfo(
        version=version,
        date=date or _git(root, "log", "-1", "--format=%cs", "HEAD").strip(),
        url=url or repo_url(root),
        license=license,
        name=name or "News corpus",
        creator=creator or _git(root, "log", "-1", "--format=%an", "HEAD").strip(),
        creator_type="Organization" if creator else "Person",
        curated_dir=curated,
        remote=remote,
        local_remote=bool(remote_problem(root, remote)),
    )
    files = release_files(root, info, previous)

    commit_and_tag(root, files, version, previous)
    warnings = []
    if previous and manifest_md5(root, previous, curated) == manifest_md5(root, "HEAD", curated):
        warnings.append(f"the data is unchanged since {previous} (the same {curated}/manifest.json): "
                        f"{version} tags the same articles again")
    commit = _git(root, "rev-parse", "HEAD").strip()
    return ReleaseResult(version=version, previous=previous, commit=commit, files=list(files),
                         pushed=pushed, date=info.date, url=info.url, notes=_notes(root, version, url, info),
                         warnings=warnings)
