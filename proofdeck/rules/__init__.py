"""Today's rule: the safe rule language, the rule as a classifier, and the rule builder."""
