"""Review: a team's expert marks on held-out examples, and what the wrong ones have in common."""
