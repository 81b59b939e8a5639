"""Fuzzed input over every reader: arbitrary bytes, and arbitrary unicode in each layout's template.

Properties, for every example (`read_file` on a real file in a temp raw root):
- nothing raises; at least one output;
- every output is a Record or a Rejected with a known reason code and a non-empty detail;
- every id is safe as a file name: matches `curate.record.ID_PATTERN`, no '/', no '..', no
  control characters; `source.path` is the relative path that was read;
- a record that leaves the reader carries text (the reader never accepts an empty body... it may:
  clean decides) - we only require a string.

1,000 examples per reader (derandomized, so CI is reproducible), each a single small file.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.params import IngestParams
from curate.readers import read_file
from curate.record import Reason, Record, Rejected
from curate.record import ID_PATTERN

REASONS = {r.value for r in Reason}
ID_RE = re.compile(ID_PATTERN)
FUZZ = settings(max_examples=1000, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
PARAMS = IngestParams(max_bytes=20_000)

# any unicode except lone surrogates (a file holds bytes; surrogates cannot be UTF-8 encoded)
ANY = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
LINE = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\n\r"), max_size=120)
NASTY = st.sampled_from(["", "../../etc/x", "/etc/passwd", "a/../b", "..", ".", "\x1b[31mred\x1b[0m",
                         "<script>alert(1)</script>", "id\x00nul", "CON", "a" * 300, "é/ü", "\u202eevil",
                         " ", "-", "--", "\t", "id\nnewline"])
TEXTISH = st.one_of(ANY, NASTY, st.text(string.printable, max_size=200))


def _check_outputs(out: list, rel: str) -> None:
    assert out, "a raw file must give at least one output"
    for item in out:
        assert isinstance(item, (Record, Rejected))
        rid = item.id
        assert ID_RE.fullmatch(rid), rid
        assert "/" not in rid and ".." not in rid and not any(ord(c) < 32 or ord(c) == 127 for c in rid), rid
        assert item.source.path == rel
        assert isinstance(item.text, str)
        if isinstance(item, Rejected):
            assert item.reason in REASONS, item.reason
            assert item.detail.strip(), item
            assert item.stage == "ingest"


@pytest.fixture(scope="module")
def raw_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzzraw")


def _read(raw_root: Path, rel: str, data: bytes) -> list:
    path = raw_root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    out = read_file(rel, raw_root, PARAMS)
    _check_outputs(out, rel)
    return out


def _enc(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes(raw_root, data):
    _read(raw_root, "bytes/20120608/item.txt", data)


@FUZZ
@given(city=LINE, body=TEXTISH, body2=TEXTISH, writer=LINE, editor=LINE,
       date=st.sampled_from(["2012-06-08", "2012-13-45", "0000-00-00", "9999-12-31", "2012-6-8"]))
def test_seed_dateline_layout(raw_root, city, body, body2, writer, editor, date):
    text = f" date {date} {city} {body}\n\n{body2}\n\n(Writing by {writer}; Editing by {editor})\n"
    _read(raw_root, "seed/fuzz.txt", _enc(text))


@FUZZ
@given(title=LINE, author=LINE, when=st.one_of(LINE, st.just("Fri Jun 8, 2012 6:41am EDT")),
       code=st.one_of(st.text(string.ascii_letters + string.digits, min_size=1, max_size=30), LINE),
       body=TEXTISH, tail=TEXTISH)
def test_reuters_web_layout(raw_root, title, author, when, code, body, tail):
    url = f"http://www.reuters.com/article/2012/06/08/us-story-id{code}20120608"
    text = f"-- {title}\n-- By  {author}\n-- {when}\n-- {url}\n\n \n\n {body} \n\n {tail}"
    _read(raw_root, "web/20120608/us-story-idUSBRE8570AB20120608", _enc(text))


JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXTISH)
JSON_VALUE = st.recursive(JSON_SCALAR, lambda c: st.one_of(st.lists(c, max_size=3),
                                                         st.dictionaries(LINE, c, max_size=3)),
                          max_leaves=8)


@FUZZ
@given(rows=st.lists(st.one_of(
    st.fixed_dictionaries({"id": st.one_of(TEXTISH, JSON_VALUE), "text": st.one_of(TEXTISH, JSON_VALUE)},
                          optional={"title": JSON_VALUE, "date": st.one_of(JSON_VALUE, st.just("2013-04-02")),
                                    "url": JSON_VALUE, "authors": JSON_VALUE, "dateline": JSON_VALUE}),
    st.dictionaries(LINE, JSON_VALUE, max_size=4)), min_size=1, max_size=4),
    junk=st.lists(LINE, max_size=2))
def test_jsonl_layout(raw_root, rows, junk):
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + [j for j in junk if j.strip()[:1] != ""]
    out = _read(raw_root, "feeds/fuzz.jsonl", _enc("\n".join(lines) + "\n"))
    # one output per non-blank line, each pointing at its line
    nonblank = [i for i, ln in enumerate("\n".join(lines).split("\n"), 1) if ln.strip()]
    if out[0].source.format == "jsonl":
        assert sorted(o.source.line for o in out) == nonblank


@FUZZ
@given(title=LINE, body=TEXTISH, more=st.lists(TEXTISH, max_size=3))
def test_plaintext_layout(raw_root, title, body, more):
    text = f"{title}\n\n{body}\n\n" + "\n\n".join(more)
    _read(raw_root, "notes/20130402/fuzz.txt", _enc(text))


@settings(FUZZ, max_examples=300)
@given(name=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/\x00"), min_size=1,
                    max_size=40).filter(lambda n: n not in (".", "..")),
       body=TEXTISH)
def test_arbitrary_file_names(raw_root, name, body):
    """Any file name (not starting with '.') gives ids from the path rule that are still safe."""
    if name.startswith(".") or len(name.encode()) > 200:
        return
    _read(raw_root, f"names/{name}", _enc(f"Title\n\n{body or 'x'}"))
