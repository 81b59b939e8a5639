"""`curate release VERSION`: publish the current curated version under a git tag.

Order (each step only runs when the previous one succeeded):

1. refuse: a version that is not `v1`, `v1.2`, `1.2.3`, `v2.0.0-rc1`...; an existing tag; a dirty
   git workspace (modified, staged or untracked files); a `dvc status` that is not clean (the
   curated files are not what `dvc.lock` says, or the pipeline is out of date); no default DVC
   remote in the *committed* project config (`.dvc/config`; DVC reads the remote config per
   revision, so a tag made without one cannot be pulled or imported later: treeverse/dvc#10617).
2. `dvc push` to the default remote. The data of the release commit is exactly HEAD's (the
   release adds only git-tracked text files), so pushing first means a tag never exists whose
   data is missing from the remote, and a failed push leaves nothing to undo.
3. write `corpus/curated/README.md` (dataset card), `corpus/curated/croissant.json` and a
   `CHANGELOG.md` entry from `curate diff <previous release> <working tree>`; the previous
   release is the highest version tag reachable from HEAD.
4. `git commit` those three files and `git tag -a VERSION`. A failure here restores the files.

The card and Croissant file are deterministic for a version: `datePublished` is `--date` or the
committer date of the released data commit (HEAD), never the wall clock.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from curate.release.card import ReleaseInfo, languages_of, write_card
from curate.release.croissant import build_croissant, croissant_version
from curate.params import ParamsError, load_params

VERSION_RE = re.compile(r"^v?\d+(\.\d+){0,2}([-+][0-9A-Za-z.-]+)?$")
CARD = "README.md"
CROISSANT = "croissant.json"
CHANGELOG = "CHANGELOG.md"
CHANGELOG_HEADER = (
    "# Changelog\n\n"
    "Dataset releases (git tags), newest first. Each entry is written by `curate release` from "
    "`curate diff <previous release> <release>`; run that command for every detail.\n"
)
EXAMPLES = 10


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


def check_ready(root: Path, version: str, repo) -> str:
    """Refuse (ReleaseError) unless a release can be made; returns the default remote name."""
    if not is_version(version):
        raise ReleaseError(f"'{version}' is not a version name (v1, v1.2, 1.2.3, v2.0.0-rc1)")
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
    status = dvc_status(repo)
    if status:
        raise ReleaseError(f"`dvc status` is not clean: {_describe_status(status)}; run `dvc repro` "
                           "(or `dvc checkout`), commit dvc.lock, then release")
    return committed


# ------------------------------------------------------------------------------------ changelog


def _ids(rows: list[dict], key: str = "id") -> str:
    return ", ".join(f"`{r[key]}`" for r in rows)


def changelog_entry(version: str, date: str, previous: str | None, report: dict | None,
                    facts_line: str) -> str:
    """One `## VERSION — DATE` section (markdown) from a `diff_versions` report."""
    lines = [f"## {version} — {date}", ""]
    if previous is None or report is None:
        lines.append(f"First release: {facts_line}")
        return "\n".join(lines) + "\n"
    s = report["summary"]
    lines.append(f"Compared with {previous}: {facts_line} Records: +{s['added']} added, "
                 f"-{s['removed']} removed, {s['modified']} modified, {s['moved']} moved, "
                 f"{s['unchanged']} unchanged.")
    lines.append("")
    ex = report["examples"]
    more = f" (`curate diff {previous} {version}` lists all)"

    def listing(kind: str, rows: list[dict], fmt) -> None:
        n = s[kind]
        if not n:
            return
        shown = "; ".join(fmt(r) for r in rows[:EXAMPLES])
        lines.append(f"- {kind.capitalize()} ({n}): {shown}" + (more if n > len(rows[:EXAMPLES]) else ""))

    def titled(r: dict) -> str:
        return f"`{r['id']}`" + (f" {r['title']}" if r.get("title") else "")

    listing("added", ex["added"], titled)
    listing("removed", ex["removed"], titled)
    listing("modified", ex["modified"], lambda r: f"`{r['id']}` ({', '.join(r['fields'])})")
    listing("moved", ex["moved"], lambda r: f"`{r['from']}` → `{r['to']}`")
    if report["modified_fields"]:
        lines.append("- Fields modified: " + ", ".join(f"`{k}` {v}" for k, v in report["modified_fields"].items()))

    def changes(title: str, rows: list[dict]) -> None:
        if rows:
            parts = []
            for c in rows:
                if c["change"] == "added":
                    parts.append(f"`{c['key']}` added ({json.dumps(c['b'])})")
                elif c["change"] == "removed":
                    parts.append(f"`{c['key']}` removed (was {json.dumps(c['a'])})")
                else:
                    delta = f", {c['delta']:+g}" if isinstance(c.get("delta"), (int, float)) else ""
                    parts.append(f"`{c['key']}` {json.dumps(c['a'])} → {json.dumps(c['b'])}{delta}")
            lines.append(f"- {title}: " + "; ".join(parts))

    changes("Metrics", report["metrics"]["changes"])
    changes("Parameters", report["params"]["changes"])
    changes("Schema", report["schema"]["changes"])
    if report.get("identical"):
        lines.append("- No record, metric, parameter or schema changes.")
    return "\n".join(lines).rstrip("\n") + "\n"


def add_entry(existing: str | None, entry: str) -> str:
    """The changelog with `entry` as its newest section."""
    if not existing:
        return CHANGELOG_HEADER + "\n" + entry
    m = re.search(r"^## ", existing, flags=re.M)
    if m is None:
        return existing.rstrip("\n") + "\n\n" + entry
    return existing[: m.start()] + entry + "\n" + existing[m.start():]


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
        from curate.dataset.diff import diff_versions

        report = diff_versions(root, previous, None, limit=EXAMPLES)
    entry = changelog_entry(info.version, info.date, previous, report, facts_line)
    log = root / CHANGELOG
    changelog = add_entry(log.read_text(encoding="utf-8") if log.exists() else None, entry)
    return {
        f"{info.curated_dir}/{CARD}": card.encode("utf-8"),
        f"{info.curated_dir}/{CROISSANT}": croissant,
        CHANGELOG: changelog.encode("utf-8"),
    }


def repo_url(root: Path) -> str:
    """`origin`'s URL, else the repository folder as a file:// URL."""
    url = _git(root, "remote", "get-url", "origin", check=False).strip()
    return url or root.resolve().as_uri()


def release(root: Path, version: str, *, license: str = "other", name: str | None = None,
            url: str | None = None, creator: str | None = None, date: str | None = None,
            push: bool = True, log=print) -> ReleaseResult:
    """Check, push, write the card/Croissant/changelog, commit and tag. ReleaseError on refusal."""
    from dvc.repo import Repo

    root = Path(root).resolve()
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
    curated = params.output.curated_dir.strip("/")

    try:
        repo = Repo(str(root))
    except Exception as exc:  # noqa: BLE001 - not a DVC repository, broken config
        raise ReleaseError(f"cannot open the DVC project: {exc}") from exc
    with repo:
        remote = check_ready(root, version, repo)
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
    )
    files = release_files(root, info, previous)

    saved = {rel: ((root / rel).read_bytes() if (root / rel).exists() else None) for rel in files}
    try:
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
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
                (root / rel).write_bytes(data)
        raise
    commit = _git(root, "rev-parse", "HEAD").strip()
    notes = []
    if not url and not _git(root, "remote", "get-url", "origin", check=False).strip():
        notes.append(f"no git remote 'origin': the card and croissant.json name {info.url}; "
                     "pass --url to name the public repository")
    if _git(root, "remote", check=False).strip():
        notes.append(f"publish the tag: git push origin HEAD {version}")
    return ReleaseResult(version=version, previous=previous, commit=commit, files=list(files),
                         pushed=pushed, date=info.date, url=info.url, notes=notes)
