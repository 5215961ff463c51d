"""The built-in device files shipped in this package (``wukong72.toml``).

Built-in targets are TOML files beside this module, so a user's device file and a built-in
one go through exactly the same reading and validation.  ``wukong72`` is also the factory
the ``jingu.targets`` entry point of jingu itself names.
"""

from __future__ import annotations

from pathlib import Path

BUILTIN_DIR = Path(__file__).resolve().parent


def builtin_names() -> list[str]:
    return sorted(p.stem for p in BUILTIN_DIR.glob("*.toml"))


def builtin_path(name: str) -> Path:
    return BUILTIN_DIR / f"{name}.toml"


def summary(name: str) -> dict:
    """Name, description and size of a built-in file, read without building the target."""
    from .tomlfile import parse

    path = builtin_path(name)
    data = parse(path.read_text(encoding="utf-8"), str(path))
    return {"name": data.get("name", name), "description": data.get("description", ""),
            "qubits": len(data.get("qubits", [])), "couplers": len(data.get("couplers", []))}


def wukong72():
    """The Origin Wukong 72-qubit chip with its nominal calibration."""
    from .load import load_target

    return load_target("wukong72")
