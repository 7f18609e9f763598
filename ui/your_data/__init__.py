"""The Your data page: upload, words, outcome, rule, build."""
