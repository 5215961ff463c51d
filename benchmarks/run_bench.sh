#!/usr/bin/env bash
# The command that produces benchmarks/results/: jingu against Qiskit, pytket and QPanda 3 on
# the built-in circuit families (8 to 72 qubits) and the shared corpus, on wukong72.
#
#   pip install -e ".[bench,plot]"     # qiskit, pytket, pyqpanda3, matplotlib
#   benchmarks/run_bench.sh            # extra arguments are passed to `jingu bench`
#
# Time policy (the same for every compiler; results.md states it too), sized so that the
# run takes well under 30 minutes on 2 cores: circuits run smallest first; time is the
# median of 3 compiles, or of one compile when it takes over 1 s; a compile is stopped
# after 60 s; after a timeout on a generated family the family's larger circuits are
# skipped for that compiler; a compiler that has spent 600 s compiling (repeats and
# timeouts included) skips the rest.  Reading outputs back and checking them is not timed.
#
# A compiler that is not installed is skipped with a message.  Results: results.csv (every
# compile), results.md (ratio tables against qiskit-O3, slowest compiles, failures, where
# the harness's own time went), results.json, ratio_per_circuit.png and time_vs_size.png.
set -euo pipefail
cd "$(dirname "$0")/.."
exec jingu bench \
    --target wukong72 \
    --compilers jingu-O1,jingu-O3,qiskit-O1,qiskit-O3,pytket-O2,qpanda3-O2 \
    --families all --sizes 8,16,32,72 \
    --repeat 3 --repeat-cutoff 1 --timeout 60 --budget 600 --seed 0 \
    --baseline qiskit-O3 \
    --out benchmarks/results --json \
    "$@"
