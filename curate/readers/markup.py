"""Untrusted XML for the feed readers (nitf, newsml_g2): one safe parser and small tree helpers.

Feed XML is untrusted input (DESIGN.md, known traps). Rules:
* a document whose DOCTYPE internal subset declares entities (`<!ENTITY ...>`: external entities
  such as `SYSTEM "file:///etc/passwd"`, or the nested definitions of an entity bomb) is refused
  before parsing: `entity_declarations(data)` finds them and the reader rejects the input with
  UNSAFE_MARKUP. Nothing is ever expanded or fetched;
* parsing uses lxml with `resolve_entities=False, no_network=True, load_dtd=False`,
  `huge_tree=False` (libxml2's own amplification limit stays on), so even what the pre-scan
  missed cannot pull in a file, reach the network or expand without bound;
* an entity reference left in the tree (a DTD that was not loaded, e.g. `&nbsp;` in NITF that
  names the NITF DTD) becomes its character when it is an HTML/XML named character, otherwise it
  is dropped and the caller's flags get ``unresolved_entity``;
* not well-formed (or truncated) XML -> `parse` returns the parser's message (with line and
  column) for a MALFORMED_MARKUP rejection.
Element names are matched by local name, so namespaced and plain documents read alike.
"""

from __future__ import annotations

import re
from html.entities import name2codepoint

from lxml import etree

from . import dates
from .reuters_web import parse_byline

XML_NS = "{http://www.w3.org/XML/1998/namespace}"
_DOCTYPE = re.compile(rb"<!DOCTYPE\b[^\[>]*\[(.*?)\]\s*>", re.DOTALL | re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY\b", re.IGNORECASE)
_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_BLOCKS = frozenset(("p", "hl1", "hl2", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre",
                     "blockquote", "dt", "dd", "tr", "caption", "div"))


def entity_declarations(data: bytes) -> int:
    """How many `<!ENTITY` declarations the DOCTYPE internal subsets of `data` hold."""
    return sum(len(_ENTITY_DECL.findall(m.group(1))) for m in _DOCTYPE.finditer(data))


def parser() -> etree.XMLParser:
    """A fresh safe parser (lxml parsers are not shared between threads)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def declared_encoding(data: bytes) -> str | None:
    m = _ENCODING.match(data[:200])
    return m.group(1).decode("ascii") if m else None


def feed_bytes(src) -> tuple[bytes, str | None, bool]:
    """The bytes of a feed file (a RawInput) to parse, their encoding, and whether offsets are
    byte offsets of the raw file (not when the file was UTF-16, parsed as its UTF-8 text)."""
    if "decoded_utf16" in src.flags:
        return src.text.encode("utf-8"), "utf-8", False
    enc = declared_encoding(src.data)
    if enc is None:
        enc = ("cp1252" if "decoded_cp1252" in src.flags
               else "latin-1" if "decoded_latin1" in src.flags else "utf-8")
    return src.data, enc, True


def parse(data: bytes, encoding: str | None = None):
    """(root element, None) or (None, the parser's message). Never raises."""
    try:
        if encoding:
            p = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                huge_tree=False, remove_comments=True, remove_pis=True,
                                encoding=encoding)
        else:
            p = parser()
        root = etree.fromstring(data, p)
    except etree.XMLSyntaxError as exc:
        return None, str(exc) or "not well-formed XML"
    except (ValueError, LookupError) as exc:  # e.g. an unknown declared encoding
        return None, f"{type(exc).__name__}: {exc}"
    if root is None:
        return None, "no root element"
    return root, None


def local(el) -> str:
    """Local name of an element ('' for comments, entities and processing instructions)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def children(el, name: str) -> list:
    if el is None:
        return []
    return [c for c in el if local(c) == name]


def child(el, name: str):
    if el is None:
        return None
    for c in el:
        if local(c) == name:
            return c
    return None


def path(el, *names: str):
    """The first element reached by following child local names, or None."""
    for name in names:
        el = child(el, name)
        if el is None:
            return None
    return el


def descendants(el, name: str) -> list:
    if el is None:
        return []
    return [d for d in el.iter() if local(d) == name]


def first(el, name: str):
    for d in el.iter():
        if local(d) == name:
            return d
    return None


def attr(el, *names: str) -> str | None:
    """The first non-blank attribute among `names` (local names; `xml:lang` also as 'lang')."""
    if el is None:
        return None
    for name in names:
        value = el.get(name)
        if value is None and name == "xml:lang":
            value = el.get(XML_NS + "lang")
        if value is not None and value.strip():
            return " ".join(value.split())
    return None


def _entity_text(node, flags: list[str] | None) -> str:
    name = node.name
    if name in name2codepoint:
        return chr(name2codepoint[name])
    if name == "apos":
        return "'"
    if flags is not None and "unresolved_entity" not in flags:
        flags.append("unresolved_entity")
    return ""


def raw_text(el, flags: list[str] | None = None, skip: frozenset[str] = frozenset()) -> str:
    """All text under `el` in document order; entity nodes resolved or dropped (see module doc);
    elements whose local name is in `skip` contribute nothing (their tail text does)."""
    if el is None:
        return ""
    out: list[str] = []

    def walk(node) -> None:
        if node.text:
            out.append(node.text)
        for c in node:
            if isinstance(c, etree._Entity):
                out.append(_entity_text(c, flags))
            elif isinstance(c.tag, str) and local(c) not in skip:
                walk(c)
            if c.tail:
                out.append(c.tail)

    walk(el)
    return "".join(out)


def text(el, flags: list[str] | None = None, skip: frozenset[str] = frozenset()) -> str | None:
    """Whitespace-normalised text of `el`, or None when it is missing or blank."""
    value = " ".join(raw_text(el, flags, skip).split())
    return value or None


# Elements beside the story in a feed body, never its text: a picture's caption and credit (NITF
# `media`), the XHTML `<header>` of agency items (slugline of subjects and places, publication
# time, genre), scripts, embedded objects and players. An element whose class names an embed
# (`twitter-embed`, `embed-container`) goes too.
FURNITURE = frozenset(("media", "media-caption", "media-producer", "media-reference",
                       "media-metadata", "media-object", "header", "script", "style", "noscript",
                       "iframe", "object", "embed", "template", "figure", "figcaption"))
_EMBED_CLASS = re.compile(r"embed", re.IGNORECASE)
# HTML written as text inside a paragraph (`&lt;p&gt;` in the XML): read as HTML, not kept as text
_ESCAPED_TAG = re.compile(
    r"</?(?:p|div|span|a|b|i|u|em|strong|br|blockquote|script|iframe|figure|figcaption|img|ul|ol|"
    r"li|h[1-6]|section|article|header|footer|table|tr|td|th|style|noscript|embed|object)"
    r"(?:\s[^<>]*)?/?>", re.IGNORECASE)


def _furniture(node) -> bool:
    return local(node) in FURNITURE or bool(_EMBED_CLASS.search(node.get("class") or ""))


def _unescaped(value: str, flags, depth: int) -> list[str]:
    """The paragraphs of a paragraph's text that is HTML written as text, else [value]."""
    if depth > 1 or not _ESCAPED_TAG.search(value):
        return [value]
    from lxml import html as lxml_html

    try:
        frag = lxml_html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return [value]
    return paragraphs(frag, flags, depth + 1)


def paragraphs(el, flags: list[str] | None = None, depth: int = 0) -> list[str]:
    """Paragraph texts of a body (NITF body.content, XHTML body): each block element (`p`, `hl2`,
    headings, list items, ...) not inside another is one paragraph, whitespace-normalised; text
    outside blocks is split at blank lines. Empty paragraphs are dropped, and so is FURNITURE
    (captions, the item's header, scripts, embeds); a paragraph holding HTML as text is read
    as HTML."""
    if el is None:
        return []
    out: list[str] = []
    loose: list[str] = []

    def flush() -> None:
        if loose:
            for part in re.split(r"\n[ \t]*\n", "".join(loose)):
                part = " ".join(part.split())
                if part:
                    out.extend(_unescaped(part, flags, depth))
            loose.clear()

    def walk(node) -> None:
        if node.text:
            loose.append(node.text)
        for c in node:
            if isinstance(c, etree._Entity):
                loose.append(_entity_text(c, flags))
            elif isinstance(c.tag, str) and _furniture(c):
                pass
            elif isinstance(c.tag, str):
                name = local(c)
                if name in _BLOCKS and not any(local(d) in _BLOCKS or _furniture(d)
                                               for d in c.iterdescendants()):
                    flush()
                    value = text(c, flags)
                    if value:
                        out.extend(_unescaped(value, flags, depth))
                elif name in ("br",):
                    loose.append("\n")
                else:
                    walk(c)
            if c.tail:
                loose.append(c.tail)

    walk(el)
    flush()
    return [p for p in out if p]


def language(value: str | None) -> str | None:
    """ISO 639-1 (primary subtag, lower case) from a language tag: 'en-US' -> 'en'."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


# Wire agencies by the names feeds give them (a structure's distributor/provider/source).
_AGENCIES = {
    "ap": "AP", "reuter": "Reuters", "associated press": "AP", "the associated press": "AP",
    "reuters": "Reuters", "thomson reuters": "Reuters", "reuters.com": "Reuters",
    "nprov:reuters": "Reuters", "afp": "AFP", "agence france-presse": "AFP",
    "agence france presse": "AFP", "dpa": "dpa", "deutsche presse-agentur": "dpa",
    "upi": "UPI", "united press international": "UPI", "bloomberg": "Bloomberg",
    "pa": "PA", "press association": "PA", "aap": "AAP", "australian associated press": "AAP",
    "ansa": "ANSA", "efe": "EFE", "kyodo": "Kyodo", "xinhua": "Xinhua", "tass": "TASS",
}


def agency(*names: str | None) -> str | None:
    """The canonical wire agency for the first of `names` that is a known agency, or None."""
    for name in names:
        if name:
            key = " ".join(name.split()).lower()
            if key in _AGENCIES:
                return _AGENCIES[key]
            if ":" in key and key.rpartition(":")[2] in _AGENCIES:  # qcode 'nprov:REUTERS'
                return _AGENCIES[key.rpartition(":")[2]]
    return None


_ROOT = re.compile(
    r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?.*?\?>)\s*)*"
    r"(?:<!DOCTYPE\s+([A-Za-z_][\w.:-]*)[^\[>]*(?:\[.*?\])?\s*>\s*)?"
    r"(?:(?:<!--.*?-->|<\?.*?\?>)\s*)*(?:<([A-Za-z_][\w.:-]*))?",
    re.DOTALL)


def root_name(text: str, window: int = 65536) -> str | None:
    """Local name of the document element, read from the head of `text` (the DOCTYPE's name when
    the document declares one, so a hostile internal subset is still recognised); None if the
    text does not start like XML."""
    head = text[:window]
    if not head.lstrip().startswith("<"):
        return None
    m = _ROOT.match(head)
    if not m:
        return None
    name = m.group(2) or m.group(1)
    if name is None and "<!DOCTYPE" in head[:2048]:  # a DOCTYPE longer than the window
        dm = re.search(r"<!DOCTYPE\s+([A-Za-z_][\w.:-]*)", head[:2048])
        name = dm.group(1) if dm else None
    return name.rpartition(":")[2] if name else None


def stamp(value: str | None, tz=None) -> tuple[str | None, str | None, str | None]:
    """(date, timestamp with offset, problem) from a feed's ISO 8601 value (extended or basic:
    '2016-10-21T16:25:32-05:00', '20151210T191044Z', '2017-08-24T04:38:34+0000', '20151210');
    a naive time takes the source's time zone `tz` when one is given."""
    if not value or not value.strip():
        return None, None, None
    s = "".join(value.split())
    if re.fullmatch(r"\d{8}", s):
        s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
    return dates.parse_iso(s, tz)


_BY = re.compile(r"^(?:[Vv]on|[Pp]ar|[Pp]or|[Dd]oor|VON|PAR|POR|DOOR)\s+(?=[A-Z])")


def byline_names(value: str | None) -> list[str]:
    """Person names of a byline string: 'By Paulo Santalucia and Frances d'Emilio' -> two names;
    the word 'By' in a few languages (Von, Par, Por, Door) goes; role titles ('AP Business
    Writer') and agency names ('Associated Press') are not names."""
    if not value:
        return []
    value = _BY.sub("By ", value.strip(), count=1)
    return [n for n in parse_byline(value) if agency(n) is None]
