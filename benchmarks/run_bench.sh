#!/usr/bin/env bash
# The command that produces benchmarks/results/: jingu against Qiskit, pytket and QPanda 3 on
# the built-in circuit families (8 to 72 qubits) and the shared corpus, on wukong72.
#
#   pip install -e ".[bench,plot]"     # qiskit, pytket, pyqpanda3, matplotlib
#   benchmarks/run_bench.sh            # extra arguments are passed to `jingu bench`
#
# A compiler that is not installed is skipped with a message.  Results: results.csv (every
# compile), results.md (ratio tables against qiskit-O3, slowest compiles, failures),
# results.json, ratio_per_circuit.png and time_vs_size.png.
set -euo pipefail
cd "$(dirname "$0")/.."
exec jingu bench \
    --target wukong72 \
    --compilers jingu-O1,jingu-O3,qiskit-O1,qiskit-O3,pytket-O2,qpanda3-O2 \
    --families all --sizes 8,16,32,72 \
    --repeat 3 --timeout 120 --seed 0 \
    --baseline qiskit-O3 \
    --out benchmarks/results --json \
    "$@"
