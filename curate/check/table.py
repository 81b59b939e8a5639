"""The `curate check` / `curate add` table on the terminal: one row per input, every data string
escaped (curate/render/text.py)."""

from __future__ import annotations

from collections.abc import Iterable
from curate.render.text import for_terminal


def render_table(verdicts: Iterable, title: str | None = None):
    """A rich Table, one row per verdict (anything with label, accepted, reason, id, detail and
    note attributes): verdict, reason, id, detail (+ note)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("input", overflow="fold")
    table.add_column("verdict", no_wrap=True)
    table.add_column("reason", no_wrap=True)
    table.add_column("id", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for n, v in enumerate(verdicts, 1):
        verdict = "[green]accepted[/]" if v.accepted else "[red]rejected[/]"
        detail = v.detail
        if v.note:
            detail = f"{detail} ({v.note})" if detail else v.note
        table.add_row(str(n), escape(for_terminal(v.label)), verdict, v.reason or "",
                      escape(for_terminal(v.id)), escape(for_terminal(detail)))
    return table
