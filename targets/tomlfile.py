"""Target files as text: reading TOML with the line of every key, and writing it back.

``tomllib`` gives values without positions, so after a successful parse a small scanner
walks the (now known to be valid) text once and records where each key path starts, e.g.
``("qubits", 17, "t1")`` -> line 25, column 80.  Validation errors use it to name the file
line of the offending field; a missing key points at its table.
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path
from typing import Any

from jingu.errors import Location, TargetError

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

KeyPath = tuple  # str keys and int array positions, e.g. ("qubits", 17, "t1")


def field_name(path: KeyPath) -> str:
    """``("qubits", 17, "t1")`` -> ``qubits[17].t1``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


class TargetFileError(TargetError):
    """A target file or spec is invalid: names the field and, for files, the line."""

    def __init__(self, source: str, field: str, message: str,
                 location: Location | None = None, hint: str | None = None):
        self.source = source
        self.field = field
        self.message = message
        self.location = location
        self.hint = hint
        self.line = location.line if location else None
        super().__init__(self.render())

    def render(self) -> str:
        what = f"{self.field}: {self.message}" if self.field else self.message
        if self.location is None:
            parts = [f"{self.source}: error: {what}"]
        else:
            head, *rest = self.location.render().split("\n", 1)
            parts = [f"{head}: error: {what}", *rest]
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


class Source:
    """Where a target spec came from (a file's text, or a generator with no text), and the
    means to turn a key path into a Location."""

    def __init__(self, name: str, text: str | None = None):
        self.name = name
        self.text = text
        self._positions: dict | None = None

    def locate(self, path: KeyPath) -> Location | None:
        if self.text is None:
            return None
        if self._positions is None:
            self._positions = key_positions(self.text)
        for end in range(len(path), -1, -1):
            hit = self._positions.get(tuple(path[:end]))
            if hit is not None:
                line, column = hit
                lines = self.text.splitlines()
                return Location(self.name, line, column,
                                lines[line - 1] if line <= len(lines) else None)
        return None

    def error(self, path: KeyPath, message: str, hint: str | None = None) -> TargetFileError:
        return TargetFileError(self.name, field_name(path) if path else "", message,
                               self.locate(path), hint)


def parse(text: str, name: str) -> dict[str, Any]:
    """The TOML document in ``text``; a syntax error is a TargetFileError with its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        location = None
        if m:
            lines = text.splitlines()
            line, col = int(m.group(1)), int(m.group(2))
            location = Location(name, line, col, lines[line - 1] if line <= len(lines) else None)
            msg = msg[: m.start()].strip()
        raise TargetFileError(name, "", f"not valid TOML: {msg}", location) from None


def read(path: str | Path) -> tuple[dict[str, Any], Source]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TargetError(f"no such target file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetError(f"cannot read target file {path}: {exc}") from None
    source = Source(str(path), text)
    return parse(text, str(path)), source


# ----------------------------------------------------------------------------------------
# the key scanner (text already known to be valid TOML)

_BARE = re.compile(r"[A-Za-z0-9_\-]+")


def key_positions(text: str) -> dict[KeyPath, tuple[int, int]]:
    """Map every key path in ``text`` to the (line, column) where it starts (1-based).

    Handles headers ``[a.b]`` / ``[[a]]``, dotted and quoted keys, inline tables and
    (multi-line) arrays, whose elements are numbered.  Best effort: on anything unexpected
    it returns what it found so far, and errors fall back to a coarser location.
    """
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    positions: dict[KeyPath, tuple[int, int]] = {}
    n = len(text)

    def record(path, offset):
        line = bisect.bisect_right(starts, offset)
        positions.setdefault(tuple(path), (line, offset - starts[line - 1] + 1))

    def skip(i, newlines=True):
        while i < n:
            c = text[i]
            if c in " \t" or (newlines and c in "\r\n"):
                i += 1
            elif c == "#" and newlines:
                while i < n and text[i] != "\n":
                    i += 1
            else:
                break
        return i

    def skip_string(i):
        for quote in ('"""', "'''", '"', "'"):
            if text.startswith(quote, i):
                j = i + len(quote)
                while not text.startswith(quote, j):
                    j += 2 if (quote[0] == '"' and text[j] == "\\") else 1
                j += len(quote)
                while len(quote) == 3 and j < n and text[j] == quote[0]:
                    j += 1  # up to two quotes may close a multi-line string
                return j
        raise ValueError("not a string")

    def key(i):
        parts = []
        start = i
        while True:
            i = skip(i, newlines=False)
            if text[i] in "\"'":
                j = skip_string(i)
                raw = text[i:j]
                parts.append(json.loads(raw) if raw[0] == '"' else raw[1:-1])
                i = j
            else:
                m = _BARE.match(text, i)
                parts.append(m.group(0))
                i = m.end()
            i = skip(i, newlines=False)
            if i < n and text[i] == ".":
                i += 1
                continue
            return tuple(parts), i, start

    def value(i, path):
        c = text[i]
        if c == "{":
            i += 1
            while True:
                i = skip(i)
                if text[i] == "}":
                    return i + 1
                parts, i, start = key(i)
                record(path + parts, start)
                i = skip(text.index("=", i) + 1, newlines=False)
                i = skip(value(i, path + parts))
                if text[i] == ",":
                    i += 1
        if c == "[":
            i += 1
            index = 0
            while True:
                i = skip(i)
                if text[i] == "]":
                    return i + 1
                record(path + (index,), i)
                i = skip(value(i, path + (index,)))
                index += 1
                if text[i] == ",":
                    i += 1
        if c in "\"'":
            return skip_string(i)
        while i < n and text[i] not in ",]}\r\n#":
            i += 1
        return i

    table: KeyPath = ()
    counts: dict[KeyPath, int] = {}
    i = 0
    try:
        while True:
            i = skip(i)
            if i >= n:
                break
            if text.startswith("[[", i):
                parts, j, _ = key(i + 2)
                index = counts.get(parts, 0)
                counts[parts] = index + 1
                record(parts, i)
                table = parts + (index,)
                record(table, i)
                i = text.index("]]", j) + 2
            elif text[i] == "[":
                parts, j, _ = key(i + 1)
                table = parts
                record(table, i)
                i = text.index("]", j) + 1
            else:
                parts, j, start = key(i)
                record(table + parts, start)
                j = skip(text.index("=", j) + 1, newlines=False)
                i = value(j, table + parts)
    except (ValueError, IndexError, AttributeError):
        pass
    return positions


# ----------------------------------------------------------------------------------------
# writing

def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {format_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def format_rows(items: list[dict[str, Any]], indent: str = "  ") -> list[str]:
    """One inline table per line, columns aligned so the file reads like a table."""
    if not items:
        return []
    cells = [[f"{k} = {format_value(v)}," for k, v in item.items()] for item in items]
    width = max(len(row) for row in cells)
    widths = [max(len(row[j]) for row in cells if j < len(row)) for j in range(width)]
    lines = []
    for row in cells:
        row[-1] = row[-1][:-1]
        text = " ".join(c.ljust(widths[j]) if j < len(row) - 1 else c for j, c in enumerate(row))
        lines.append(f"{indent}{{ {text} }},")
    return lines
