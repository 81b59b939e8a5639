"""Two rules of the `tickers` set (curate.clean.tickers):
  * `tickers`: ticker markup (`( BKS.N )`, `<.SPX>`) and wire codes (the conventions table's)
    removed from the repaired text, before re-flow; the instrument codes appended to `tickers`
    (once each, in order of first appearance);
  * `markup_left`: flag `markup_left` when the finished text still looks like markup.
"""

from __future__ import annotations

from curate.clean import tickers
from curate.clean.rule import CleanRule, RuleContext, with_flags
from curate.record import Record


def strip_tickers(record: Record, ctx: RuleContext) -> Record:
    text, found = tickers.strip_markup(record.text, ctx.conv.wire_code_re)
    codes = list(record.tickers)
    codes.extend(t for t in found if t not in codes)  # strip_markup lists each code once
    return with_flags(record, text=text, tickers=codes)


def flag_markup_left(record: Record, ctx: RuleContext) -> Record:
    return with_flags(record, "markup_left") if tickers.has_markup(record.text) else record


TICKERS = CleanRule("tickers", tickers.RULES_VERSION, reads=("text", "tickers"),
                    writes=("text", "tickers"), flags=(), apply=strip_tickers)
MARKUP_LEFT = CleanRule("markup_left", tickers.RULES_VERSION, reads=("text",), writes=(),
                        flags=("markup_left",), apply=flag_markup_left)
