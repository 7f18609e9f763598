"""Explanation: why one example got its score, honest stories, the examples table."""
