"""The `reflow` rule: the repaired text as paragraphs joined by a blank line, each single-spaced
on one line (curate.clean.text.paragraphs; `clean.reflow`)."""

from __future__ import annotations

import msgspec

from curate.clean.rule import CLEAN_VERSION, CleanRule, RuleContext
from curate.clean.text import paragraphs
from curate.record import Record


def reflow_text(record: Record, ctx: RuleContext) -> Record:
    return msgspec.structs.replace(record, text="\n\n".join(paragraphs(record.text, ctx.params)))


RULE = CleanRule("reflow", CLEAN_VERSION, reads=("text",), writes=("text",), flags=(),
                 apply=reflow_text)
