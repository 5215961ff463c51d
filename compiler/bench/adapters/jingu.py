"""jingu itself, through ``jingu.compile`` like any user, in its own worker process
like every other compiler.  The compiled Circuit goes back as instruction columns with
sample matrices, the same road as the reference compilers' outputs."""

from __future__ import annotations

import pickle

from . import Adapter, Exported


class JinguAdapter(Adapter):
    name = "jingu"
    levels = (0, 1, 2, 3)
    requires = "jingu"

    def __init__(self, target, level):
        super().__init__(target, level)
        if target.recipe is not None:
            from jingu.targets import load_target

            recipe = dict(target.recipe)
            self.jingu_target = load_target(recipe.pop("name"), **recipe)
        elif target.pickled is not None:
            self.jingu_target = pickle.loads(target.pickled)
        else:
            from ...errors import TargetError

            raise TargetError(f"target '{target.name}' cannot be passed to a worker process "
                              f"(give its load_target recipe)")

    @classmethod
    def version(cls) -> str:
        from jingu import __version__

        return __version__

    def load(self, text):
        from jingu.frontend import parse

        return parse(text, file="<bench>")

    def compile(self, program, seed):
        from jingu.compilation import compile as jingu_compile

        return jingu_compile(program, self.jingu_target, optimization_level=self.level,
                             seed=seed)

    def export(self, result):
        from ..oplist import OpList

        circuit = result.circuit if hasattr(result, "circuit") else result[0]

        def layout(arr):
            return None if arr is None else [int(p) for p in arr]

        return Exported(initial_layout=layout(circuit.initial_layout),
                        final_layout=layout(circuit.final_layout),
                        ops=OpList.from_circuit(circuit))
