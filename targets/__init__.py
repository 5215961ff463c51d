"""jingu.targets: the chips jingu compiles for.

``load_target(name_or_path)`` gives an immutable ``Target`` (coupling graph, dense distance
arrays, calibration, native operations, timing) for a built-in name (``wukong72``), a
generator spec (``grid:RxC``, ``heavy-hex:D``, ``line:N``, ``ring:N``), a TOML file
(schema: docs/targets.md) or an installed plugin (entry-point group ``jingu.targets``).
"""

from __future__ import annotations

from .lattices import GENERATORS, Lattice
from .load import available, load_file, load_target, parse_index_list
from .model import (BASIS_PRESETS, UNREACHABLE, UNREACHABLE_COST, PulseCalibration, Target,
                    Timing, resolve_basis)
from .tomlfile import TargetFileError

__all__ = [
    "BASIS_PRESETS", "GENERATORS", "Lattice", "PulseCalibration", "Target", "TargetFileError",
    "Timing", "UNREACHABLE", "UNREACHABLE_COST", "available", "load_file", "load_target",
    "parse_index_list", "resolve_basis",
]
