"""Proofdeck's benchmarks: ``python -m benchmarks`` runs them all (see benchmarks/README.md).

Each part is a module with ``run(config) -> dict``; :mod:`benchmarks.cli` runs the parts, prints
one table and writes ``benchmarks/results/latest.json``. Figures are read by people, never
asserted in tests: the machines are shared.
"""
