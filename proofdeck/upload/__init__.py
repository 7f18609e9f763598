"""Your data: reading an upload, profiling it, its outcome, leakage, words and keeping it."""
