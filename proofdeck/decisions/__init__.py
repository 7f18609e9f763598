"""Decisions and money: outcomes of a policy, every setting at once, and how sure."""
