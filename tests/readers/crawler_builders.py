"""Crawler exports in the shapes the crawlers write them, for the reader tests.

news-please: one JSON object per article (`NewsArticle.__dict__` as its JSON pipeline writes it:
naive `YYYY-MM-DD HH:MM:SS` timestamps, `maintext`, `source_domain`, `language`, ...).
fundus: `Article.to_json()`: `publishing_date` with its offset, `body` as
`{"summary": [...], "sections": [{"headline": [...], "paragraphs": [...]}]}`, `topics`.
The texts are written here for the tests (no crawled article is copied).
"""

from __future__ import annotations

import json

from .builders import write  # noqa: F401 - the one raw-file writer, used through this module

HARBOUR_TEXT = (
    "The harbour board of Kessel approved a 40 million euro expansion of the container terminal "
    "on Wednesday, the city said.\n\n"
    "The work is due to start in the autumn and to finish in 2027, a spokeswoman said."
)


def news_please(**over) -> dict:
    """A news-please article, every key it writes; `over` replaces keys."""
    art = {
        "authors": ["Anna Schmidt", "Jonas Weber"],
        "date_download": "2024-04-17 18:30:12",
        "date_modify": "2024-04-17 17:20:00",
        "date_publish": "2024-04-17 16:05:00",
        "description": "The city backs a larger container terminal.",
        "filename": "https%3A%2F%2Fwww.kessel-kurier.example%2Fhafen-1234.json",
        "image_url": "https://www.kessel-kurier.example/img/hafen.jpg",
        "language": "en",
        "localpath": None,
        "maintext": HARBOUR_TEXT,
        "source_domain": "www.kessel-kurier.example",
        "title": "Kessel harbour board approves terminal expansion",
        "title_page": None,
        "title_rss": None,
        "url": "https://www.kessel-kurier.example/wirtschaft/hafen-1234.html",
    }
    art.update(over)
    return art


def fundus(**over) -> dict:
    """A fundus Article.to_json() result; `over` replaces keys."""
    art = {
        "title": "Rail link to the coast opens",
        "authors": ["Marta Nowak"],
        "publishing_date": "2024-05-03 15:47:42.389000+00:00",
        "topics": ["Transport", "Kessel"],
        "free_access": True,
        "body": {
            "summary": ["The line cuts the trip to the coast to 40 minutes."],
            "sections": [
                {"headline": [], "paragraphs": [
                    "The new rail link from Kessel to the coast opened to passengers on Friday.",
                    "Trains run every half hour during the day."]},
                {"headline": ["Fares"], "paragraphs": [
                    "A single ticket costs 6 euros, the operator said."]},
            ],
        },
        "images": [],
    }
    art.update(over)
    return art


FUNDUS_TEXT = ("The new rail link from Kessel to the coast opened to passengers on Friday.\n\n"
               "Trains run every half hour during the day.\n\n"
               "Fares\n\n"
               "A single ticket costs 6 euros, the operator said.")


def wire(**over) -> dict:
    """A line of the default JSONL mapping (id, title, date, text, ...)."""
    art = {"id": "w-1", "title": "Port of Kessel records busiest month",
           "date": "2024-04-16T09:30:00+02:00", "authors": "By Lena Brandt",
           "text": "KESSEL, April 16 - The port of Kessel handled more containers in March than in "
                   "any month before, its operator said on Tuesday."}
    art.update(over)
    return art




def jsonl(objs) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


def pretty(obj) -> str:
    """One object over many lines, as news-please's JSON file pipeline writes it."""
    return json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False) + "\n"
