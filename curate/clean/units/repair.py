"""The `repair` rule: mojibake, HTML entities, line breaks, odd spaces, control characters, NFC
(curate.clean.text.repair); flag `mojibake_fixed` when ftfy changed the text."""

from __future__ import annotations

from curate.clean.rule import CLEAN_VERSION, CleanRule, RuleContext, with_flags
from curate.clean.text import repair
from curate.record import Record


def repair_text(record: Record, ctx: RuleContext) -> Record:
    text, mojibake = repair(record.text or "", ctx.params.fix_mojibake)
    return with_flags(record, *(["mojibake_fixed"] if mojibake else []), text=text)


RULE = CleanRule("repair", CLEAN_VERSION, reads=("text",), writes=("text",),
                 flags=("mojibake_fixed",), apply=repair_text)
