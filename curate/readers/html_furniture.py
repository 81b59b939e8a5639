"""Page furniture left in an extracted web body: short lines of navigation, teasers and calls to
action ("Popular", "Swipe →", "More from The Nation…", "Lesen Sie auch", "Never miss the latest
news by signing up", "Titelbild: …").

`trim_furniture(body)` drops a paragraph when it is short and opens with (or, for the
`ANYWHERE` words, holds) one of the phrases of the tables below: up to `END_WORDS` words in the
first or last `END_PARAGRAPHS` paragraphs of the body, where teasers and sign-up boxes sit, up to
`MID_WORDS` words elsewhere. The phrases are data; a publisher's own furniture is one more entry,
never a branch. Sign-off lines (`(Reporting by …)`) are left to the clean stage.
"""

from __future__ import annotations

import re

# a paragraph opening with one of these is furniture (case-insensitive, the phrase whole)
OPENERS = (
    "popular", "most popular", "most read", "trending", "more from", "more stories", "read more",
    "read also", "see also", "related", "related articles", "related stories", "recommended",
    "you may also like", "you might also like", "don't miss", "never miss", "sign up",
    "subscribe", "get the", "do you want to be informed", "share this", "share on",
    "follow us", "click here", "advertisement", "sponsored",
    "meistgelesen", "lesen sie auch", "lesen sie mehr", "auch interessant", "das könnte sie auch",
    "mehr zum thema", "mehr themen", "mehr zu", "weitere artikel", "weitere infos", "weiterlesen",
    "folgen sie uns", "teilen", "anzeige", "werbung", "titelbild", "bildquelle",
    "sie sind aktuell nicht eingeloggt", "unterstütze", "gefällt dir", "klicken sie hier",
    "schlagworte", "themen", "newsletter",
    "à lire aussi", "lire aussi", "voir aussi", "leer más", "lee también", "te puede interesar",
    "leia também", "leia mais", "leggi anche", "lees ook", "czytaj też", "czytaj także",
)
# a short paragraph holding one of these anywhere is furniture
ANYWHERE = ("swipe", "newsletter", "affiliate links", "erhalten sie exklusive")
END_PARAGRAPHS = 3
END_WORDS = 30
MID_WORDS = 12

_OPENER = re.compile(r"^[\W_]*(?:" + "|".join(re.escape(p) for p in OPENERS) + r")(?![\w])",
                     re.IGNORECASE)


def furniture(paragraph: str, *, at_end: bool) -> bool:
    words = len(paragraph.split())
    if words > (END_WORDS if at_end else MID_WORDS):
        return False
    low = paragraph.lower()
    return bool(_OPENER.match(paragraph)) or any(w in low for w in ANYWHERE)


def trim_furniture(body: str) -> str:
    """The body without its furniture paragraphs (see the module docstring)."""
    paragraphs = body.split("\n\n")
    n = len(paragraphs)
    kept = [p for i, p in enumerate(paragraphs)
            if not furniture(p, at_end=i < END_PARAGRAPHS or i >= n - END_PARAGRAPHS)]
    return "\n\n".join(kept) if kept else body
