"""The `header` rule (curate.clean.header): the date line, editorial notes, an opening byline,
the dateline and the agency tag taken off the re-flowed body and kept as fields:
  * `dateline` when the record has none (flag `no_dateline` when there is none and the reader
    format carries one: the table's FORMATS);
  * `agency` from the tag, before the reader's;
  * `authors` from the opening byline when the reader found none (names whitespace-normalised);
  * `date` from a dateline date with a year when the record has none (flag `date_from_dateline`);
  * flag `editorial_note` for a note removed.
"""

from __future__ import annotations

from curate.clean.header import split_header
from curate.clean.rule import CLEAN_VERSION, CleanRule, RuleContext, norm_names, with_flags
from curate.record import Record


def split_head(record: Record, ctx: RuleContext) -> Record:
    fmt = ctx.format(record)
    have_dateline = bool(record.dateline)
    seed_ok = not have_dateline or record.text.startswith(record.dateline or "\0")
    head = split_header(record.text, ctx.conv, want_dateline=not have_dateline,
                        bare_place=fmt["bare_place"] and seed_ok,
                        strict_seed=record.source.format != "seed_dateline")
    flags = ["editorial_note"] if head.note else []
    dateline = record.dateline if have_dateline else head.dateline
    if dateline is None and fmt["dateline"]:
        flags.append("no_dateline")
    date = record.date
    if date is None and head.date:
        date = head.date
        flags.append("date_from_dateline")
    # a byline's names are never blank (signoff.clean_name): the closing byline (ending.py)
    # fills `authors` only when neither the reader nor the opening byline did
    authors = norm_names(record.authors) or norm_names(head.names)
    return with_flags(record, *flags, text=head.body, dateline=dateline, date=date,
                      agency=head.agency or record.agency, authors=authors)


RULE = CleanRule("header", CLEAN_VERSION, reads=("text", "source", "dateline", "date", "agency", "authors"),
                 writes=("text", "dateline", "date", "agency", "authors"),
                 flags=("editorial_note", "no_dateline", "date_from_dateline"), apply=split_head)
