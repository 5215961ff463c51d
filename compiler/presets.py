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
    replaced = set(overrides or ())
    return ",".join(stages[s] if s in replaced else _qualified(stages[s])
                    for s in STAGES if stages.get(s))


def _qualified(text: str) -> str:
    """A preset's own stage names jingu's passes: qualify them, so a plugin that offers a
    pass of the same name neither shadows it nor breaks the preset with a clash."""
    from .registry import parse_pipeline

    items = []
    for name, opts in parse_pipeline(text):
        name = name if ":" in name else f"jingu:{name}"
        items.append(name + ("{" + ",".join(f"{k}={v}" for k, v in opts.items()) + "}"
                             if opts else ""))
    return ",".join(items)
