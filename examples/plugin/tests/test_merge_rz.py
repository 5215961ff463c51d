"""merge-rz keeps every circuit's meaning and merges what it can (run with pytest after
`pip install -e .`)."""

import math

import numpy as np
from jingu.api import CircuitBuilder, PassContext, equivalent, unitary
from jingu_mylab.merge_rz import MergeRz


def test_rotations_merge_through_cz():
    b = CircuitBuilder(2)
    b.append("rz", (0,), (0.3,))
    b.append("cz", (0, 1))
    b.append("rz", (0,), (0.4,))
    b.append("h", (0,))
    circuit = b.build()
    out = MergeRz().run(circuit, PassContext())
    assert [op.name for op in out] == ["cz", "rz", "h"]
    assert equivalent(circuit, out)


def test_a_whole_turn_vanishes_with_its_sign_in_the_global_phase():
    b = CircuitBuilder(1)
    b.append("rz", (0,), (math.pi,))
    b.append("rz", (0,), (math.pi,))
    circuit = b.build()
    out = MergeRz().run(circuit, PassContext())
    assert len(out) == 0
    assert np.allclose(unitary(out), unitary(circuit))
