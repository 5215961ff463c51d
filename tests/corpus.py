"""Where the shared QASMBench corpus lives (a module of its own: several test folders have
a conftest.py, so importing helpers from "conftest" is ambiguous)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path | None:
    """The shared QASMBench corpus (env JINGU_CORPUS, else ../shared/corpus beside the repo)."""
    env = os.environ.get("JINGU_CORPUS")
    candidates = [Path(env)] if env else []
    candidates += [REPO.parent / "shared" / "corpus", REPO.parent.parent / "shared" / "corpus"]
    for c in candidates:
        if c.is_dir():
            return c
    return None


def corpus_files() -> list[Path]:
    root = corpus_dir()
    return sorted(root.rglob("*.qasm")) if root else []
