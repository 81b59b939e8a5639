"""The html reader's tools around trafilatura: the per-page timer, trafilatura's body text and
its title / author metadata, paragraphs and word counts (each CJK character one word)."""

from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager


class PageTimeout(BaseException):
    """Raised by the per-page timer; a BaseException so that no `except Exception` inside the
    parser or the extractor swallows it."""


@contextmanager
def deadline(seconds: float):
    """Raise PageTimeout in this thread after `seconds` (seconds <= 0: no bound): a SIGALRM
    timer in the main thread (the previous timer restored), a watchdog thread elsewhere (Dask's
    worker threads; curate/engine/thread_deadline.py says what it can cut)."""
    if seconds <= 0:
        yield
        return
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        from curate.engine.thread_deadline import thread_deadline

        with thread_deadline(seconds, PageTimeout):
            yield
        return

    def on_alarm(signum, frame):
        raise PageTimeout()

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    old_timer = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_timer[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, *old_timer)




def as_paragraphs(text: str | None) -> str:
    if not text:
        return ""
    return "\n\n".join(p for p in (" ".join(line.split()) for line in text.split("\n")) if p)


_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\s\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def count_words(text: str | None) -> int:
    """Words; each CJK character counts as one (those scripts put no spaces between words)."""
    return len(_WORD.findall(text)) if text else 0


def title_and_author(tree):
    """trafilatura's title and author, as its `extract_metadata` finds them, without the date,
    site name, categories and licence it also looks for."""
    from trafilatura.metadata import examine_meta, extract_author, extract_meta_json, extract_title

    doc = examine_meta(tree)
    if doc.author and " " not in doc.author:
        doc.author = None
    try:
        doc = extract_meta_json(tree, doc)
    except Exception:  # noqa: BLE001 - as extract_metadata: bugs in trafilatura's JSON reading
        pass
    doc.title = doc.title or extract_title(tree)
    doc.author = doc.author or extract_author(tree)
    doc.clean_and_trim()
    return doc


def extract_body(tree, web) -> object | None:
    """trafilatura's Document for the tree (its text only: metadata comes from the page's own
    markup first, trafilatura's and htmldate's metadata only when that lacks a field), or None."""
    from trafilatura import bare_extraction

    return bare_extraction(
        tree, with_metadata=False, include_comments=False, include_tables=web.include_tables,
        include_images=False, include_formatting=web.include_formatting,
        favor_precision=web.favor_precision, favor_recall=web.favor_recall, deduplicate=False)
