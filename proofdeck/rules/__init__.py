"""Today's rule: the safe rule language, the rule as a classifier, and the rule builder.

The language is split by job: ``rule`` (the entry point, :func:`~proofdeck.rules.rule.parse_rule`),
``parse`` (grammar, allow-list, column kinds), ``evaluate`` (three-valued evaluation),
``describe`` (the rule in words) and ``positions`` (where a mistake is in the text as typed).
"""
