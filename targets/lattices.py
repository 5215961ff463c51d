"""Lattice generators: the topology (qubit sites and coupler pairs) of common chip families.

A generator spec such as ``grid:12x6`` is usable wherever a target name is, so the same
passes run on other vendors' chips and the reference compilers can be compared on their home
ground.  A lattice is topology only; ``jingu.targets.nominal`` adds a calibration.

Heavy-hex of code distance ``D`` (odd) is the layout of the heavy-hexagon code (Chamberland
et al., PRX 10, 011022, 2020) that IBM's chips are built from: ``D`` rows of ``2D - 1``
qubits, and between consecutive rows ``(D + 1) / 2`` bridge qubits, which gives
``(5D^2 - 2D - 1) / 2`` qubits and ``3D^2 - 2D - 1`` couplers (D = 3: 19 and 20; D = 5: 57
and 64; D = 7: 115 and 132).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from jingu.errors import TargetError

#: The largest generated lattice: dense distance matrices are O(N^2) in memory.
MAX_QUBITS = 2048

#: generator name -> (form, what it builds); shown by ``jingu targets``.
GENERATORS = {
    "grid": ("grid:RxC", "R rows x C columns, qubit q = C*row + col (wukong72 is grid:12x6)"),
    "heavy-hex": ("heavy-hex:D", "IBM heavy-hex of odd code distance D: (5D^2-2D-1)/2 qubits"),
    "line": ("line:N", "N qubits in a line"),
    "ring": ("ring:N", "N qubits in a ring (N >= 3)"),
}


@dataclass(frozen=True)
class Lattice:
    """A chip's topology: site (x, y) of each qubit and the coupled pairs, in index order."""

    name: str
    sites: tuple[tuple[float, float], ...]
    pairs: tuple[tuple[int, int], ...]

    @property
    def num_qubits(self) -> int:
        return len(self.sites)


def grid(rows: int, cols: int) -> Lattice:
    """``rows`` x ``cols`` lattice, q = cols*row + col, couplers (q, q+1) inside a row and
    (q, q+cols) between rows.  Couplers of every lattice are sorted by pair, so coupler
    indices (``--disable-couplers``) follow the qubit numbering."""
    _check_size(f"grid:{rows}x{cols}", rows * cols, rows >= 1 and cols >= 1)
    sites = tuple((float(c), float(r)) for r in range(rows) for c in range(cols))
    horizontal = [(q, q + 1) for q in range(rows * cols) if q % cols != cols - 1]
    vertical = [(q, q + cols) for q in range((rows - 1) * cols)]
    pairs = sorted(horizontal + vertical)
    return Lattice(f"grid:{rows}x{cols}", sites, tuple(pairs))


def line(n: int) -> Lattice:
    _check_size(f"line:{n}", n, n >= 1)
    return Lattice(f"line:{n}", tuple((float(i), 0.0) for i in range(n)),
                   tuple((i, i + 1) for i in range(n - 1)))


def ring(n: int) -> Lattice:
    """``n`` qubits on a circle of unit spacing; coupler i joins i and i+1 (mod n)."""
    _check_size(f"ring:{n}", n, n >= 3)
    radius = n / (2 * math.pi)
    sites = tuple((round(radius * math.cos(2 * math.pi * i / n), 6),
                   round(radius * math.sin(2 * math.pi * i / n), 6)) for i in range(n))
    pairs = tuple(sorted((min(i, (i + 1) % n), max(i, (i + 1) % n)) for i in range(n)))
    return Lattice(f"ring:{n}", sites, pairs)


def heavy_hex(distance: int) -> Lattice:
    """Heavy-hex of odd code distance ``distance``, numbered row, its bridges, next row...

    Row qubits sit at (column, 2*row), bridges at (column, 2*row + 1).  Bridges below an
    even row stand at column 0 and at columns 3, 7, 11, ...; below an odd row at columns 1,
    5, 9, ... and at the last column 2D - 2: the boundary of the code's layout.
    """
    d = distance
    _check_size(f"heavy-hex:{d}", (5 * d * d - 2 * d - 1) // 2, d >= 1 and d % 2 == 1,
                "the code distance must be odd")
    width = 2 * d - 1
    sites: list[tuple[float, float]] = []
    pairs: list[tuple[int, int]] = []
    pending: list[tuple[int, int]] = []  # (bridge qubit, column) waiting for the next row
    for r in range(d):
        row = list(range(len(sites), len(sites) + width))
        sites.extend((float(c), float(2 * r)) for c in range(width))
        pairs.extend((row[c], row[c + 1]) for c in range(width - 1))
        for bridge, c in pending:
            pairs.append((bridge, row[c]))
        pending = []
        if r < d - 1:
            interior = range(3, width, 4) if r % 2 == 0 else range(1, width - 1, 4)
            columns = sorted({0, *interior} if r % 2 == 0 else {*interior, width - 1})
            for c in columns:
                bridge = len(sites)
                sites.append((float(c), float(2 * r + 1)))
                pairs.append((row[c], bridge))
                pending.append((bridge, c))
    return Lattice(f"heavy-hex:{d}", tuple(sites), tuple(sorted(pairs)))


_SPEC = re.compile(r"^\s*([a-z\-]+)\s*:\s*(.*?)\s*$", re.IGNORECASE)


def is_generator_spec(spec: str) -> bool:
    m = _SPEC.match(spec)
    return bool(m) and m.group(1).lower() in GENERATORS


def parse_generator(spec: str) -> Lattice:
    """The lattice a generator spec (``grid:RxC``, ``heavy-hex:D``, ``line:N``, ``ring:N``)
    describes; a malformed spec is a TargetError showing the expected form."""
    m = _SPEC.match(spec)
    kind = m.group(1).lower() if m else ""
    if kind not in GENERATORS:
        raise TargetError(f"'{spec}' is not a generator; forms: "
                          + ", ".join(form for form, _ in GENERATORS.values()))
    arg = m.group(2)
    form = GENERATORS[kind][0]
    if kind == "grid":
        dims = re.fullmatch(r"(\d+)\s*[xX]\s*(\d+)", arg)
        if not dims:
            raise TargetError(f"bad target '{spec}': expected {form}, e.g. grid:12x6")
        return grid(int(dims.group(1)), int(dims.group(2)))
    if not re.fullmatch(r"\d+", arg):
        raise TargetError(f"bad target '{spec}': expected {form} with a whole number, "
                          f"e.g. {form.split(':')[0]}:{5 if kind == 'heavy-hex' else 8}")
    return {"heavy-hex": heavy_hex, "line": line, "ring": ring}[kind](int(arg))


def _check_size(name: str, n: int, valid: bool, why: str = "") -> None:
    if not valid:
        kind = name.split(":")[0]
        form = GENERATORS[kind][0]
        raise TargetError(f"bad target '{name}': {why or 'sizes must be positive'} ({form}: "
                          f"{GENERATORS[kind][1]})")
    if n > MAX_QUBITS:
        raise TargetError(f"target '{name}' has {n} qubits; generated lattices are limited to "
                          f"{MAX_QUBITS} (the dense distance matrices grow as N^2)")
