"""The HTML (and Markdown) report: escaping of article-derived strings, self-contained, renders.

The rendering test takes a screenshot with headless Chromium (Debian package `chromium`), with
networking disabled, and decodes the PNG here (zlib + numpy, no imaging library) to check the page
is not blank and that the charts' bar colour is on it. It skips when Chromium is not installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from curate.report.build import consistency
from curate.report.quality import QualityAccumulator
from curate.report.rules import flat_metrics
from curate.report.stage import render
from curate.record import Entity, Reason, Record, Source, Stats, reject
from curate.render.svg import BAR
from curate.render.text import esc, md
from curate.report.stage import render_html, render_markdown

EVIL = '<script>alert(1)</script>\x1b[31mred\x1b[0m "q" & \'s\' | [x](javascript:alert(2)) <img src=x onerror=alert(3)>'


def _record(i: int, title: str = "Plain title", ent: str = "Acme", date: str = "2020-01-05") -> Record:
    words = 40 + 37 * (i % 23)
    return Record(id=f"doc-{i:04d}", source=Source(path=f"web/{i:04d}.txt", format="plaintext", sha256="0" * 64),
                  title=title, date=date, dateline="PARIS" if i % 3 else None, language="en" if i % 7 else "fr",
                  text="x " * words, stats=Stats(chars=2 * words, words=words, sentences=1, paragraphs=1),
                  flags=["truncated"] if i % 11 == 0 else [],
                  entities=[Entity(text=ent, label="ORG", start=0, end=len(ent)),
                            Entity(text="Paris", label="GPE", start=0, end=5)])


def _report(evil: bool = False) -> dict:
    acc = QualityAccumulator()
    months = ["2019-11-03", "2019-12-12", "2020-01-05", "2020-03-09", "2020-04-10"]
    for i in range(120):
        acc.add(_record(i, date=months[i % len(months)]))
    if evil:
        acc.add(Record(id=f"doc-{EVIL}", source=Source(path=f"web/{EVIL}", format="plaintext", sha256="0"),
                       title=EVIL, date="2020-01-01", language=EVIL, flags=[EVIL], text="a " * 9000,
                       stats=Stats(chars=18000, words=9000), entities=[Entity(text=EVIL, label=EVIL, start=0, end=1)]))
        bad = reject(_record(999, title=EVIL), Reason.NEAR_DUPLICATE, f"detail {EVIL}", "dedup")
        bad.id, bad.duplicate_of = f"near-{EVIL}", f"doc-{EVIL}"
        acc.add_rejected(bad)
        odd = reject(_record(998, title=EVIL), Reason.EMPTY, EVIL, "ingest")
        odd.reason = EVIL  # a reason code read from a tampered file is data too
        acc.add_rejected(odd)
    for i in range(6):
        r = reject(_record(500 + i), Reason.NEAR_DUPLICATE, "jaccard 0.9", "dedup")
        r.duplicate_of = f"doc-{i % 2:04d}"
        acc.add_rejected(r)
    acc.add_rejected(reject(_record(600), Reason.HEADER_ONLY, "header but no body", "ingest"))
    report = acc.report()
    report["version"] = {"label": EVIL if evil else "working tree", "rev": None, "curated_dir": "corpus/curated"}
    report["consistency"] = consistency(report, None, None)
    report["metrics"] = flat_metrics(report)
    return report


def test_escaping_helpers():
    assert "<" not in esc(EVIL) and "\x1b" not in esc(EVIL) and "\\x1b[31m" in esc(EVIL)
    assert '"' not in esc(EVIL) and "'" not in esc(EVIL)
    out = md(EVIL)
    assert "<" not in out and "\x1b" not in out and "\\|" in out and "\\[x\\]" in out


def test_html_escapes_every_article_derived_string():
    page = render_html(_report(evil=True))
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", page), "a raw control character reached the HTML"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[31mred" in page
    # the only tags are the renderer's own
    tags = set(re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", page))
    assert tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "code", "div", "b",
                    "span", "svg", "line", "text", "rect", "table", "thead", "tbody", "tr", "th", "td", "br",
                    "nav", "ol", "li", "a", "details", "summary"}  # contents and the folded metrics


def test_markdown_escapes_every_article_derived_string():
    text = render_markdown(_report(evil=True))
    assert "<script" not in text and "<img" not in text and "\x1b" not in text
    assert "\\[x\\](javascript" in text  # not a link
    for line in text.splitlines():
        if line.startswith("|") and EVIL[:8] in line:
            pytest.fail(f"unescaped: {line}")


def test_json_keeps_strings_exact_and_terminal_safe():
    data = render(_report(evil=True), "json")
    assert b"\x1b" not in data  # JSON escapes it as \u001b
    assert json.loads(data)["version"]["label"] == EVIL


def test_html_is_self_contained():
    page = render_html(_report())
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count("<svg") >= 5  # months, length, missing fields, languages, entities, rejected


# ------------------------------------------------------------------------------------ screenshot


def png_pixels(data: bytes) -> np.ndarray:
    """Decode an 8-bit RGB/RGBA non-interlaced PNG into an (h, w, channels) array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, [], None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8).reshape(h, 1 + w * bpp)
    out = np.zeros((h, w * bpp), dtype=np.uint8)
    prev = np.zeros(w * bpp, dtype=np.uint8)
    for y in range(h):
        ftype, line = raw[y, 0], raw[y, 1:]
        if ftype == 0:
            cur = line.copy()
        elif ftype == 1:  # Sub: running sum per channel, modulo 256
            cur = np.cumsum(line.reshape(w, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif ftype == 2:  # Up
            cur = line + prev
        else:  # Average / Paeth depend on the decoded left neighbour: byte by byte
            cur = bytearray(line.tobytes())
            up = prev.tobytes()
            for i in range(len(cur)):
                a = cur[i - bpp] if i >= bpp else 0
                b = up[i]
                if ftype == 3:
                    cur[i] = (cur[i] + ((a + b) >> 1)) & 0xFF
                else:
                    c = up[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                    cur[i] = (cur[i] + pred) & 0xFF
            cur = np.frombuffer(bytes(cur), dtype=np.uint8)
        out[y] = cur
        prev = out[y]
    return out.reshape(h, w, bpp)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html_path: Path, png: Path, profile: Path) -> None:
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
           "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",  # no network at all
           f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1200,2000",
           html_path.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, HOME=str(profile)))
    assert proc.returncode == 0 and png.exists(), f"chromium failed ({proc.returncode}):\n{proc.stderr[-2000:]}"


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed (apt-get install -y chromium)")
def test_html_renders_charts_in_headless_chromium_offline(tmp_path):
    page = tmp_path / "quality.html"
    page.write_text(render_html(_report(evil=True)), encoding="utf-8")
    png = tmp_path / "quality.png"
    screenshot(page, png, tmp_path / "profile")
    px = png_pixels(png.read_bytes())[:, :, :3]
    assert px.shape[:2] == (2000, 1200)
    packed = (px[:, :, 0].astype(np.uint32) << 16) | (px[:, :, 1].astype(np.uint32) << 8) | px[:, :, 2]
    colours = np.unique(packed)
    assert len(colours) > 50, f"only {len(colours)} distinct colours: the page looks blank"
    bar = np.array([int(BAR[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    near_bar = (np.abs(px.astype(np.int16) - bar).max(axis=2) <= 6).sum()
    assert near_bar > 5000, f"only {near_bar} pixels of the chart colour: the SVG charts did not render"
    assert (px > 240).all(axis=2).mean() < 0.97, "almost all white"
