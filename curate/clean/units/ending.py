"""The `signoff` rule (curate.clean.signoff): the end of the story taken off the body and kept:
trailers (the table's closing matter: `© Reuters 2024`, AP's `___` end matter, `AFP sn`), the
sign-off group (credits by role, flag `editorial_note` for a note after it) or, without one, a
closing credit line without parentheses (the table's CREDIT_LINES), trailers again, a
closing `By Name, Associated Press` (-> `authors` when still empty, `agency` when still empty).
Then the body's paragraphs are single-spaced and NFC; flag `truncated` when the text does not end
a sentence and no sign-off or closing matter was removed (a story that ended in one is complete),
`no_signoff` when none was found and the reader format carries one (the table's FORMATS).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from curate.clean import credit_line, signoff
from curate.clean.publishers import Conventions
from curate.clean.rule import CleanRule, RuleContext, norm_names, with_flags
from curate.record import Record

_TERMINAL = frozenset(".!?\"'”’)]…")


@dataclass
class End:
    body: str
    credits: dict[str, list[str]]
    signed: bool = False     # a sign-off group was removed (desks only: no credits)
    trailed: bool = False    # closing matter of the table's TRAILERS was removed
    note: bool = False
    names: list[str] = field(default_factory=list)
    org: str | None = None


def split_end(body: str, conv: Conventions) -> End:
    """The end of a story taken off: trailers, the sign-off group, trailers again, a closing byline."""
    body, credits, trailed = signoff.split_trailers(body, conv)
    before = body
    body, more, note = signoff.split_signoff(body, conv)
    if body == before:  # no parenthesised sign-off: a closing credit line without parentheses?
        body, lined = credit_line.split_credit_line(body, conv)
        more = lined or more
    signed = body != before
    signoff.merge_credits(credits, more)
    if signed:
        body, more, again = signoff.split_trailers(body, conv)
        signoff.merge_credits(credits, more)
        trailed = trailed or again
    body, names, org = signoff.split_closing_byline(body, conv)
    return End(body, credits, signed, trailed, note, names, org)


def split_tail(record: Record, ctx: RuleContext) -> Record:
    end = split_end(record.text, ctx.conv)
    flags = ["editorial_note"] if end.note else []
    if not (end.signed or end.names) and ctx.format(record)["signoff"]:
        flags.append("no_signoff")
    out = "\n\n".join(p for p in (" ".join(x.split()) for x in end.body.split("\n\n")) if p)
    if not unicodedata.is_normalized("NFC", out):
        out = unicodedata.normalize("NFC", out)
    if out and out[-1] not in _TERMINAL and not (end.signed or end.trailed or end.names):
        flags.append("truncated")
    credits = {k: norm_names(v) for k, v in record.credits.items()}
    signoff.merge_credits(credits, end.credits)
    return with_flags(record, *flags, text=out, credits=credits,
                      authors=record.authors or norm_names(end.names),
                      agency=record.agency or end.org)


RULE = CleanRule("signoff", signoff.RULES_VERSION, reads=("text", "source", "credits", "authors", "agency"),
                 writes=("text", "credits", "authors", "agency"),
                 flags=("editorial_note", "no_signoff", "truncated"), apply=split_tail)
