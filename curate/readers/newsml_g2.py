"""Reader `newsml_g2`: IPTC NewsML-G2 news items, alone (`newsItem`) or in a `newsMessage`.

One input per `newsItem` (a `newsMessage/itemSet` may hold several); any other item of an
itemSet (packageItem, conceptItem, ...) is one UNKNOWN_LAYOUT rejection. Fields (local names,
`contentMeta` = CM, `itemMeta` = IM):
* title = CM/headline (first), else IM/title; description = CM/description (a summary or
  unlabelled one before a caption);
* authors = the names in CM/by (a byline string, "By A and B"); without `by`, the CM/creator
  elements that are people (no role, or a writer/author/reporter role; not an organisation,
  not an agency). credits: CM/creditline -> ``credit``; CM/contributor with a role -> its role
  (``editor`` -> ``editing``). Authors come from this structure, never from the text;
* dateline = the place that starts CM/dateline ("BERLIN, Oct 18 (Reuters) -" -> "BERLIN"; a
  dateline holding only a time gives none), else CM/located/name;
* published_at = IM/firstCreated (else CM/contentCreated, else IM/versionCreated), modified_at =
  IM/versionCreated (else CM/contentModified), both ISO 8601 with their offset; date = the day
  of published_at. A value without an offset gives the date and flag ``naive_timestamp``;
* publisher = the provider (IM/provider literal or name, the canonical agency when it is one);
  agency = the canonical wire agency of the provider (`nprov:REUTERS`, `reuters.com` -> Reuters);
* labels: CM/subject and CM/genre qcodes -> scheme = the qcode's prefix (``medtop``, ``subj``,
  ``N2``), value = its code; each subject's name (in the item's language when given) -> scheme
  ``<prefix>:name``; a subject with only a literal -> scheme ``subject``;
* text = the paragraphs of the first inlineXML body (XHTML `body`, or NITF `body.content`),
  else of inlineData, joined by "\\n\\n", without the XHTML `<header>` (dpa's slugline, time,
  genre), scripts and embeds (markup.FURNITURE); language = newsItem@xml:lang, else CM/language@tag.
Id: ``newsml-<guid>`` without the version, so the versions of a story share it and the dedup
stage keeps the latest (by modified_at) as a story version. source.item = ``<guid>:<version>``.
Cancellations: an item whose `pubStatus` is `stat:canceled` is read (text or none) with the flag
``canceled``; the dedup stage withdraws the story's earlier versions (`withdrawn`) and accounts
the item itself as `cancellation`.
Rejections: the DTD declares entities -> UNSAFE_MARKUP; the file is not well-formed XML (or
truncated) -> one MALFORMED_MARKUP for the file; an item without text -> HEADER_ONLY.

Sniff: the document element (or DOCTYPE name) is `newsItem` or `newsMessage`.
"""

from __future__ import annotations

from curate.record import CANCELED_FLAG, Label

from . import ids, markup
from .base import LabelSet, RawInput, Reason, new_record, rejected
from .reuters21578 import place_of
from .safety import guarded

NAME = "newsml_g2"
VERSION = 1
_ROOTS = ("newsItem", "newsMessage")
_AUTHOR_ROLES = ("author", "writer", "reporter", "byline", "creator")
CANCELED = ("canceled", "cancelled")  # pubStatus codes that withdraw the story
_ROLE_NAMES = {"editor": "editing", "writer": "writing", "reporter": "reporting",
               "photographer": "photography", "translator": "translation"}


def sniff(text: str) -> bool:
    return markup.root_name(text) in _ROOTS


def _code(qcode: str | None) -> tuple[str | None, str | None]:
    if not qcode:
        return None, None
    scheme, sep, code = qcode.partition(":")
    return (scheme, code) if sep and scheme and code else ("qcode", qcode)


def _name(el, lang: str | None, flags) -> str | None:
    """The element's name child (in `lang` when several), else its literal attribute."""
    names = markup.children(el, "name")
    if lang:
        for n in names:
            if markup.language(markup.attr(n, "xml:lang")) == lang:
                return markup.text(n, flags)
    for n in names:
        value = markup.text(n, flags)
        if value:
            return value
    return markup.attr(el, "literal")


def _labels(cm, lang, flags) -> list[Label]:
    labels = LabelSet()
    add = labels.add

    for el in [*markup.children(cm, "subject"), *markup.children(cm, "genre")]:
        scheme, code = _code(markup.attr(el, "qcode"))
        name = _name(el, lang, flags)
        if scheme:
            add(scheme, code)
            add(f"{scheme}:name", name)
        else:
            add(markup.local(el), name)
    return labels


def _role(el) -> str | None:
    role = markup.attr(el, "role")
    return role.rpartition(":")[2].lower() if role else None


def _people(cm, flags) -> tuple[list[str], dict[str, list[str]]]:
    credits: dict[str, list[str]] = {}
    by = [markup.text(b, flags) for b in markup.children(cm, "by")]
    authors: list[str] = []
    for value in by:
        for n in markup.byline_names(value):
            if n not in authors:
                authors.append(n)
    if not by:
        for c in markup.children(cm, "creator"):
            role = _role(c)
            kind = (markup.attr(c, "type") or "").lower()
            name = _name(c, None, flags)
            if (name and (role is None or any(r in role for r in _AUTHOR_ROLES))
                    and "organi" not in kind and markup.agency(name) is None
                    and name not in authors):
                authors.append(name)
    for value in (markup.text(c, flags) for c in markup.children(cm, "creditline")):
        if value:
            credits.setdefault("credit", []).append(value)
    for c in markup.children(cm, "contributor"):
        role, name = _role(c), _name(c, None, flags)
        if role and name:
            credits.setdefault(_ROLE_NAMES.get(role, role), []).append(name)
    return authors, credits


def _dateline(cm, flags) -> str | None:
    place = place_of(markup.text(markup.child(cm, "dateline"), flags))
    if place:
        return place
    return _name(markup.child(cm, "located"), None, flags)


def _description(cm, flags) -> str | None:
    found = [(markup.attr(d, "role") or "", markup.text(d, flags))
             for d in markup.children(cm, "description")]
    found = [(role.lower(), value) for role, value in found if value]
    for role, value in found:
        if "caption" not in role:
            return value
    return found[0][1] if found else None


def _body(item, flags) -> list[str]:
    cs = markup.child(item, "contentSet")
    for inline in markup.children(cs, "inlineXML"):
        body = markup.first(inline, "body.content")
        if body is None:
            body = markup.first(inline, "body")
        paras = markup.paragraphs(body if body is not None else inline, flags)
        if paras:
            return paras
    for inline in markup.children(cs, "inlineData"):
        paras = markup.paragraphs(inline, flags)
        if paras:
            return paras
    return []


def _stamp(el, flags, tz=None) -> tuple[str | None, str | None]:
    value = markup.text(el, flags)
    if not value:
        return None, None
    day, ts, problem = markup.stamp(value, tz)
    if problem and problem not in flags:
        flags.append(problem)
    return day, ts


def read_item(src: RawInput, item, position: int | None):
    flags = list(src.flags)
    im, cm = markup.child(item, "itemMeta"), markup.child(item, "contentMeta")
    guid = markup.attr(item, "guid")
    version = markup.attr(item, "version")
    lang = markup.language(markup.attr(item, "xml:lang")) or \
        markup.language(markup.attr(markup.child(cm, "language"), "tag"))
    title = markup.text(markup.child(cm, "headline"), flags) or \
        markup.text(markup.child(im, "title"), flags)
    first_day, first = _stamp(markup.child(im, "firstCreated"), flags, src.tz)
    if first_day is None:
        first_day, first = _stamp(markup.child(cm, "contentCreated"), flags, src.tz)
    ver_day, ver = _stamp(markup.child(im, "versionCreated"), flags, src.tz)
    if ver_day is None:
        ver_day, ver = _stamp(markup.child(cm, "contentModified"), flags, src.tz)
    published, day = (first, first_day) if first_day else (ver, ver_day)
    provider = markup.child(im, "provider")
    prov_name = _name(provider, None, flags) if provider is not None else None
    prov_code = _code(markup.attr(provider, "qcode"))[1]
    agency = markup.agency(prov_name, markup.attr(provider, "qcode"), prov_code)
    authors, credits = _people(cm, flags) if cm is not None else ([], {})
    paras = _body(item, flags)
    status = (markup.attr(markup.child(im, "pubStatus"), "qcode") or "").rpartition(":")[2].lower()
    canceled = status in CANCELED and guid is not None
    if canceled:
        flags.append(CANCELED_FLAG)
    rid = ids.safe_id("newsml-", guid) if guid else ids.path_id(src.path, position)
    rec = new_record(rid, src.path, NAME, VERSION, src.sha256, flags=flags, title=title,
                     date=day, published_at=published, modified_at=ver,
                     publisher=agency or prov_name or prov_code, agency=agency,
                     dateline=_dateline(cm, flags) if cm is not None else None,
                     authors=authors, credits=credits,
                     description=_description(cm, flags) if cm is not None else None,
                     labels=_labels(cm, lang, flags) if cm is not None else [],
                     text="\n\n".join(paras), language=lang)
    if guid:
        rec.source.item = f"{guid}:{version}" if version else guid
    elif position is not None:
        rec.source.item = str(position)
    if not paras and not canceled:
        return rejected(rec, Reason.HEADER_ONLY, "newsItem without text content")
    return rec


def read(src: RawInput, params) -> list:
    def bare(detail_reason: Reason, detail: str):
        rec = new_record(ids.path_id(src.path), src.path, NAME, VERSION, src.sha256,
                         flags=list(src.flags))
        return [rejected(rec, detail_reason, detail)]

    data, encoding, _ = markup.feed_bytes(src)
    n_entities = markup.entity_declarations(data)
    if n_entities:
        return bare(Reason.UNSAFE_MARKUP,
                    f"the DTD declares {n_entities} entit{'y' if n_entities == 1 else 'ies'}"
                    " (external or nested entities are never expanded); file not read")
    root, problem = markup.parse(data, None if markup.declared_encoding(data) else encoding)
    if root is None:
        return bare(Reason.MALFORMED_MARKUP, f"not well-formed XML: {problem}")
    if markup.local(root) == "newsItem":
        items = [root]
    else:
        items = [c for s in markup.children(root, "itemSet") for c in s
                 if isinstance(c.tag, str)]
    several = len(items) > 1
    out = []
    for i, item in enumerate(items, 1):
        position = i if several else None
        if markup.local(item) != "newsItem":
            rec = new_record(ids.path_id(src.path, position), src.path, NAME, VERSION, src.sha256,
                             flags=list(src.flags))
            rec.source.item = markup.attr(item, "guid") or str(i)
            out.append(rejected(rec, Reason.UNKNOWN_LAYOUT,
                                f"item {i} is a {markup.local(item)}, not a newsItem"))
            continue
        out.append(guarded(lambda item=item, position=position: read_item(src, item, position),
                           src.path, NAME, VERSION, src.sha256))
    if not out:
        return bare(Reason.HEADER_ONLY, "newsMessage without items")
    return out
