"""What the dataset card says about readers, parameters, publishers and the repository is true
of the code and the corpus: every reader that gave records, whole sentences, each parameter's
own comment, publisher names only, and a repository URL others can reach."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import msgspec

from curate.params import Params
from curate.readers import READERS
from curate.record import Record, Source, encode
from curate.release import card_sections as sections
from curate.release.build import repo_url
from curate.release.code_docs import first_sentence, param_comment, reader_descriptions
from curate.release.facts import CorpusFacts, corpus_facts


def _reader_lines(facts: CorpusFacts) -> list[str]:
    return [line for line in sections.collection(Params(), facts) if line.startswith("- `")]


def test_the_reader_list_names_warc_with_the_records_it_gave():
    lines = _reader_lines(CorpusFacts(formats=Counter(warc=3, html=2)))
    assert lines[0].startswith("- `warc` (3 records): a WARC crawl archive")
    assert any(line.startswith("- `html` (2 records): one saved web page") for line in lines)
    assert {line.split("`")[1] for line in lines} == {"warc", *(r.NAME for r in READERS)}


def test_a_record_format_without_a_reader_is_still_listed():
    assert _reader_lines(CorpusFacts(formats=Counter(legacy=1)))[-1] == "- `legacy` (1 record)"


def test_reader_descriptions_are_whole_sentences():
    described = reader_descriptions()
    assert described["json"].endswith("(news-please writes one pretty-printed `.json` per article).")
    assert all(d.endswith(".") for d in described.values()), described


def test_a_first_sentence_ignores_dots_inside_code_and_parentheses():
    doc = "Reader `x`: items (`{...}`, 1.x and\n2.x, e.g. this) in a file. Then more.\n\nDetails."
    assert first_sentence(doc) == "items (`{...}`, 1.x and 2.x, e.g. this) in a file."


def test_the_extract_language_note_says_when_detection_gives_und():
    lines = "\n".join(sections.parameters(Params())).splitlines()
    row = next(line for line in lines if line.startswith("| `extract.language` |"))
    assert "says `und`" in row and "declared language" not in row


def test_a_parameter_takes_the_comment_of_its_own_section():
    assert param_comment("extract.language.min_words") == "fewer words -> und"
    assert param_comment("ingest.web.min_words").startswith("fewer words of body -> rejected `not_article`")
    assert param_comment("validate.min_words") == ""  # no comment beside it: none borrowed


def _write_shard(root: Path, publishers: list[str | None]) -> None:
    arts = root / "corpus/curated/articles"
    arts.mkdir(parents=True)
    recs = [Record(id=f"r{i}", source=Source(path=f"r{i}.html", format="html", sha256="0" * 64),
                   publisher=p, text="w") for i, p in enumerate(publishers)]
    (arts / "part-00000.jsonl").write_bytes(b"".join(encode(r) + b"\n" for r in recs))


def test_the_card_lists_publisher_names_never_urls_or_ids(tmp_path):
    _write_shard(tmp_path, ["Northport Daily", "Northport Daily", "https://inews.example/#organization",
                            "#org", "www.site.example", None])
    facts = corpus_facts(tmp_path)
    assert facts.publishers == Counter({"Northport Daily": 2})
    line = next(x for x in sections._counters(facts) if x.startswith("**Publishers**"))
    assert line == "**Publishers** (1; 33.3% of the articles name one): Northport Daily 2."


def _git_repo(path: Path, origin: str | None) -> Path:
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    if origin:
        subprocess.run(["git", "-C", str(path), "remote", "add", "origin", origin], check=True)
    return path


def test_an_origin_that_is_another_folder_is_not_the_repository_url(tmp_path):
    repo = _git_repo(tmp_path / "proj", str(tmp_path / "elsewhere"))
    assert repo_url(repo) == repo.resolve().as_uri()


def test_an_origin_others_can_reach_is_the_repository_url(tmp_path):
    for url in ("https://git.example/team/corpus.git", "git@git.example:team/corpus.git",
                "ssh://git@git.example/team/corpus.git"):
        repo = _git_repo(tmp_path / f"p{len(url)}", url)
        assert repo_url(repo) == url


def test_a_version_without_rejections_has_no_rejected_config_to_fail_on():
    from curate.release.card import front_matter, render_card
    from curate.release.facts import ReleaseInfo

    info = ReleaseInfo(version="v1", date="2024-01-01", url="https://example.org/corpus")
    configs = lambda facts: [c["config_name"] for c in front_matter(info, facts)["configs"]]  # noqa: E731
    assert configs(CorpusFacts(rejected_files=2)) == ["default", "rejected"]
    assert configs(CorpusFacts(rejected_files=0)) == ["default"]
    assert [c["config_name"] for c in front_matter(info, CorpusFacts())["dataset_info"]] == ["default"]
    assert 'load_dataset("curated", "rejected"' not in render_card(info, CorpusFacts(), Params())
