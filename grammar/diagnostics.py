"""Words for lark's syntax errors: what the parser expected, as a person would say it.

lark reports the terminals it would have accepted by name (``SEMICOLON``, ``ID``); the
front ends turn them into ``';'`` or ``a name`` with their own table of friendly names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lark import Lark


def describe_terminal(parser: Lark, terminal: str, friendly: Mapping[str, str]) -> str:
    """``terminal`` as a person reads it: its friendly name, its literal text, or its
    name in lower case."""
    if terminal in friendly:
        return friendly[terminal]
    try:
        pattern = parser.get_terminal(terminal).pattern
    except KeyError:
        return terminal.lower()
    return f"'{pattern.value}'" if pattern.type == "str" else terminal.lower()


def expected_text(parser: Lark, terminals: Iterable[str], friendly: Mapping[str, str]) -> str:
    """``x`` or ``one of x, y, z`` for the terminals a parser would have accepted."""
    items = sorted({describe_terminal(parser, t, friendly) for t in terminals})
    return items[0] if len(items) == 1 else "one of " + ", ".join(items)
