"""Optimisation levels as data: each preset is a list of stages, each stage a pipeline string.

Stages have names so that a user (or a plugin) can replace one (``--layout``, ``--routing``,
``--optimize``) without rewriting the rest.
"""

from __future__ import annotations

STAGES = ("unroll", "layout", "routing", "translate", "optimize")

#: level -> stage -> pipeline text ("" = stage skipped)
PRESETS: dict[int, dict[str, str]] = {
    0: {"unroll": "unroll"},
    1: {"unroll": "unroll"},
    2: {"unroll": "unroll"},
    3: {"unroll": "unroll"},
}


def preset_pipeline(level: int, overrides: dict[str, str] | None = None) -> str:
    """The pipeline text of ``level`` with some stages replaced."""
    if level not in PRESETS:
        from .errors import InputError

        raise InputError(f"optimisation level must be 0 to 3, not {level}")
    stages = dict(PRESETS[level])
    for stage, text in (overrides or {}).items():
        if stage not in STAGES:
            from .errors import InputError

            raise InputError(f"unknown stage '{stage}'; stages are {', '.join(STAGES)}")
        stages[stage] = text
    return ",".join(stages[s] for s in STAGES if stages.get(s))
