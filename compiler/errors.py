"""The user-facing failures of jingu.

Every failure a person can act on is a ``JinguError``; the CLI turns it into a message and
an exit code (``exit_code``) and never shows a traceback.  Source errors carry a location
and render the offending line with a caret, so a user can find the mistake at once.
"""

from __future__ import annotations

from dataclasses import dataclass


class JinguError(Exception):
    """Base of every error that reaches a user; ``exit_code`` tells the kind to a shell."""

    exit_code = 1


class InputError(JinguError):
    """The user's program or options are wrong (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class Location:
    """Where in which source a problem is: 1-based line and column."""

    file: str
    line: int
    column: int
    source_line: str | None = None

    def render(self) -> str:
        head = f"{self.file}:{self.line}:{self.column}"
        if self.source_line is None:
            return head
        text = self.source_line.rstrip("\n").expandtabs(1)
        caret = " " * (max(self.column, 1) - 1) + "^"
        return f"{head}\n    {text}\n    {caret}"


class SourceError(InputError):
    """An error in a program text, shown with file, line, column and a caret."""

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        parts = []
        if self.location is not None:
            where = self.location.render().split("\n", 1)
            parts.append(f"{where[0]}: error: {self.message}")
            if len(where) > 1:
                parts.append(where[1])
        else:
            parts.append(f"error: {self.message}")
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


def locate(text: str, file: str, line: int, column: int) -> Location:
    """Build a Location for ``line``/``column`` of ``text``, keeping the line for the caret."""
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else None
    return Location(file, line, column, source_line)


class TargetError(JinguError):
    """A target (device) file or option is wrong; the message names the field (exit code 3)."""

    exit_code = 3


class CompileError(JinguError):
    """The circuit cannot be compiled for the target, e.g. it does not fit (exit code 4)."""

    exit_code = 4


class PipelineError(JinguError):
    """A pass pipeline is malformed, does not fit together, or a pass failed (exit code 5)."""

    exit_code = 5


class PluginError(PipelineError):
    """A plugin could not be loaded, clashes with another, or broke its contract."""


def suggest(name: str, candidates) -> str | None:
    """A 'did you mean' hint for a misspelt name, or None."""
    import difflib

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None
