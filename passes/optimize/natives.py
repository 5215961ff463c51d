"""Which gates an optimisation pass may write: its ``basis`` option, else the target's.

A basis is written like the target files' (a preset name such as ``wukong``, or gate
names); in a pipeline string, where commas separate passes, gates are joined with ``+``
(``fuse-1q{basis=sx+x+rz+cz}``).
"""

from __future__ import annotations

from dataclasses import dataclass

from jingu.errors import InputError


@dataclass(frozen=True)
class Natives:
    gates: frozenset
    #: the one-qubit synthesis form (``one_qubit.FORMS``), None if the basis has none
    form: str | None
    #: "cz" or "cx", None if the basis has neither
    entangler: str | None


def natives(pass_name: str, option: str, ctx) -> Natives:
    from jingu.gates import GATES
    from jingu.passes.synthesis.one_qubit import FORMS, form_for_gates

    text = option.strip()
    if text:
        from jingu.targets import resolve_basis

        if text in FORMS:
            names = list(FORMS[text])
        else:
            names = resolve_basis(text.replace("+", ","))
        unknown = [n for n in names if n not in GATES]
        if unknown:
            from jingu.errors import suggest

            hint = suggest(unknown[0], list(GATES) + list(FORMS))
            raise InputError(f"unknown gate '{unknown[0]}' in the basis of '{pass_name}'"
                             + (f"; {hint}" if hint else ""))
        gates = frozenset(names)
    else:
        target = getattr(ctx, "target", None)
        if target is None:
            raise InputError(f"'{pass_name}' needs a target or a basis option "
                             f"(e.g. {pass_name}{{basis=wukong}})")
        gates = frozenset(target.basis)
    entangler = "cz" if "cz" in gates else "cx" if "cx" in gates else None
    return Natives(gates, form_for_gates(gates), entangler)
