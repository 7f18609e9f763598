"""``python -m benchmarks [--quick] [--only NAME]``: every benchmark, one table, one JSON file."""

from benchmarks.cli import main

main()
