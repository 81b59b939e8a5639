"""Whether a read web page is an article: the page is evidence, not a verdict.

A page is rejected `not_article` only when its signals agree; a lone signal against it (no
article markup, `og:type website`, a video player) is kept as a flag on the record instead:

* no text, or fewer words than `ingest.web.min_words` (after the recall retry, see html.py): a
  section front, a paywall stub or an empty player page. A page whose markup says it is an
  article and that states a date, or whose own metadata states its publishing date (a
  `datePublished` / `DC.date.issued` meta tag, not htmldate's guess), keeps a short text down to
  half of min_words (flag
  ``short_text``: a short news item) unless the text reads as a stub: it ends cut (`…`) or
  asks the reader to subscribe (PAYWALL_WORDS);
* a video page (`og:type video.*`, or a VideoObject and no article object) with little text
  (< 2.5 x min_words words) and no date of its own markup (htmldate's guess, often a copyright
  year, does not count here); with one or a longer text it is kept, flag ``video_page``;
* no article markup (no JSON-LD *Article object, no `og:type article`, no
  `article:published_time`): flag ``no_article_markup``; rejected only when the page also has no
  date and either little text (< 200 words) or the shape of a listing.

A page without article markup whose JSON-LD declares a listing (CollectionPage, ItemList,
SearchResultsPage, ProfilePage) is rejected whatever its date or length: its own markup agrees.
The shape of a listing: many teaser headlines (`h2`-`h4` whose text is a link), many list items
that are teaser links, or many `<article>` blocks on the page.
"""

from __future__ import annotations

PAYWALL_WORDS = ("abonnement", "abonnieren", "abonniere", "subscribe", "subscription", "subscriber",
                 "abonnez", "abonné", "suscríbete", "suscripción", "suscriptor", "assinante",
                 "assine", "abbonati", "abbonamento", "abonneer", "prenumerera", "log in to read",
                 "sign in to read", "registrieren sie sich", "jetzt weiterlesen", "weiterlesen mit")
STUB_ENDS = ("…", "...", "[…]", "[...]")
LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"})
LONG_TEXT = 200           # words: a text this long is no stub
TEASER_HEADINGS = 6       # headings made of a link: a listing has many
ARTICLE_BLOCKS = 4        # <article> elements: a listing has many
TEASER_ITEMS = 10         # list items made of a teaser link


def _linked(element) -> bool:
    """The element's text is mostly the text of its links."""
    text = " ".join(element.text_content().split())
    links = " ".join(" ".join(a.text_content().split()) for a in element.iter("a"))
    return bool(text) and len(links) >= 0.7 * len(text)


def listing_shape(tree) -> bool:
    """Many teaser headlines (h2-h4 whose text is a link), many list items that are teaser
    links (>= 4 words), or many <article> blocks."""
    headings = sum(1 for h in tree.iter("h2", "h3", "h4") if _linked(h))
    items = sum(1 for li in tree.iter("li") if len(li.text_content().split()) >= 4 and _linked(li))
    return headings >= TEASER_HEADINGS or items >= TEASER_ITEMS \
        or sum(1 for _ in tree.iter("article")) >= ARTICLE_BLOCKS


def stub_text(text: str) -> bool:
    """The text of a paywall stub or a teaser: cut with an ellipsis, or asking for a subscription."""
    low = text.lower()
    return text.rstrip().endswith(STUB_ENDS) or any(w in low for w in PAYWALL_WORDS)


def verdict(*, words: int, min_words: int, markup: bool, video: bool, dated: bool,
            own_date: bool, listing: bool, stub: bool,
            collection: bool = False) -> tuple[str | None, list[str]]:
    """(why the page is no article or None, flags to keep on an accepted page)."""
    flags: list[str] = []
    if (markup or own_date) and dated and not stub and min_words // 2 <= words < min_words:
        flags.append("short_text")
    elif words < min_words:
        what = "no text" if not words else f"{words} words of text"
        return (f"{what} (< ingest.web.min_words {min_words}): a section front, "
                "video page or paywall stub, not an article"), flags
    if video:
        if words < 2.5 * min_words and not own_date:
            return f"a video page with {words} words of text and no date", flags
        flags.append("video_page")
    if not markup:
        if collection:
            return ("no article markup and a schema.org listing (CollectionPage, ItemList, ...): "
                    "a section front or other listing"), flags
        if not dated and (words < LONG_TEXT or listing):
            return (f"no article markup (JSON-LD, og:type article), no date and "
                    f"{'the shape of a listing' if listing else f'{words} words of text'}: "
                    "a section front or other page"), flags
        flags.append("no_article_markup")
    return None, flags
