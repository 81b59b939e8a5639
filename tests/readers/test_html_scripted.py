"""Client-rendered pages: an article whose text sits as HTML in an inline script (Next.js flight
data) is read from there; a page that does not say it is an article is not."""

from __future__ import annotations

import json

from curate.params import IngestParams
from curate.readers import read_file
from curate.record import Record, Rejected

from .web_builders import ARTICLE_LD, PARAGRAPHS, write_page

KOREAN = ["장동혁 국민의힘 대표가 당권을 위협하던 한동훈 전 대표를 제명했지만, 어깨는 한층 무거워졌다. "
          "넉 달가량 남은 지방선거에서 참패할 경우 당대표직을 지키기 힘들어서다.",
          "국민의힘은 조만간 인재영입위원회를 발족하는 등 당을 지방선거 체제로 조속히 전환할 방침이다. "
          "이를 통해 제명에 따른 여진을 최소화하겠다는 의도로 풀이된다."]


def shell_page(paragraphs: list[str], og_type: str = "article", ld: dict | None = None) -> str:
    """A page whose body is empty until scripts run: the article HTML is in the flight data."""
    fragment = '<div class="caption"><p>A caption under the photo.</p></div>' + "".join(
        f'<p class="editor-p">{p}</p>' for p in paragraphs)
    ld_tag = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Shell</title>'
            f'<meta property="og:type" content="{og_type}"><meta property="og:title" content="Harbour plan">'
            f'{ld_tag}</head><body><div id="root"></div>'
            f'<script>self.__next_f.push([1,{json.dumps(fragment)}])</script></body></html>')


def _one(tmp_path, page: str):
    write_page(tmp_path / "page.html", page)
    out = read_file("page.html", tmp_path, IngestParams())
    assert len(out) == 1
    return out[0]


def test_article_text_held_in_a_script_is_read_from_it(tmp_path):
    rec = _one(tmp_path, shell_page(PARAGRAPHS, ld=ARTICLE_LD))
    assert type(rec) is Record and rec.provenance.rules["text"] == "script-html"
    assert rec.text.split("\n\n")[:2] == PARAGRAPHS[:2]


def test_korean_article_held_in_a_script_counts_its_characters_as_words(tmp_path):
    rec = _one(tmp_path, shell_page(KOREAN))
    assert type(rec) is Record and rec.text == "\n\n".join(KOREAN)


def test_a_page_that_is_no_article_is_not_read_from_its_scripts(tmp_path):
    rec = _one(tmp_path, shell_page(PARAGRAPHS, og_type="website"))
    assert type(rec) is Rejected and rec.reason == "not_article" and rec.text == ""
