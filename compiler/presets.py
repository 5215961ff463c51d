"""Optimisation levels as data: each preset is a list of stages, each stage a pipeline string.

Stages have names so that a user (or a plugin) can replace one (``--layout``, ``--routing``,
``--optimize``) without rewriting the rest.
"""

from __future__ import annotations

STAGES = ("unroll", "layout", "routing", "translate", "optimize")

#: -O2 and -O3 synthesise a two-qubit block as a cheaper class when that class is within
#: this average-gate infidelity of it: a millionth of a CZ's error, and the cut Qiskit's
#: two-qubit synthesis makes by default.  The summed cost is in the report.
SYNTHESIS_INFIDELITY = 1e-9

#: level -> stage -> pipeline text ("" = stage skipped)
PRESETS: dict[int, dict[str, str]] = {
    0: {
        "unroll": "unroll",
        "layout": "trivial-layout",
        "routing": "sabre-route{trials=1}",
        "translate": "translate",
    },
    1: {
        "unroll": "unroll,remove-identity-equivalent,elide-permutations",
        "layout": "vf2-layout,sabre-layout{trials=4}",
        "routing": "sabre-route{trials=8}",
        "translate": "translate",
        "optimize": "cancel-inverses,virtual-z",
    },
    2: {
        "unroll": "unroll,remove-identity-equivalent,elide-permutations",
        "layout": "vf2-layout,sabre-layout{trials=8}",
        "routing": "sabre-route{trials=16},defer-measurements",
        "translate": "translate",
        "optimize": f"virtual-z,cancel-inverses,consolidate-2q{{infidelity={SYNTHESIS_INFIDELITY}}},"
                    "fuse-1q,virtual-z,"
                    "remove-diagonal-before-measure",
    },
    3: {
        "unroll": "unroll,remove-identity-equivalent,elide-permutations",
        "layout": "vf2-layout,sabre-layout{trials=16}",
        "routing": "sabre-route{trials=32},defer-measurements",
        "translate": "translate",
        "optimize": f"optimize-loop{{rounds=4,swaps=true,infidelity={SYNTHESIS_INFIDELITY}}},"
                    "remove-diagonal-before-measure",
    },
}


#: stages that need no target: what compile() runs when it is given none
UNMAPPED_STAGES = ("unroll",)


def preset_pipeline(level: int, overrides: dict[str, str] | None = None,
                    mapped: bool = True) -> str:
    """The pipeline text of ``level`` with some stages replaced; without a target
    (``mapped=False``) only the target-free stages and the replaced ones remain."""
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
    keep = STAGES if mapped else [s for s in STAGES if s in UNMAPPED_STAGES or s in replaced]
    return ",".join(stages[s] if s in replaced else _qualified(stages[s])
                    for s in keep if stages.get(s))


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
