"""The dataset card's table cells go through the one escaping rule (curate/render/text.py)."""

from __future__ import annotations

from curate.release.card_sections import _table
from curate.render.text import md_cell


def test_a_card_table_cell_shows_control_characters_and_keeps_to_one_cell():
    row = _table(["note"], [["red\x1b[31m alert\u202e | next\nline"]]).splitlines()[-1]
    assert row == "| " + md_cell("red\x1b[31m alert\u202e | next\nline") + " |"
    assert "\x1b" not in row and "\u202e" not in row and row.count(" | ") == 0


def test_a_card_table_cell_keeps_its_own_markup():
    assert _table(["check"], [["`id_safe` **total**"]]).splitlines()[-1] == "| `id_safe` **total** |"
