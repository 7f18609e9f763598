"""Sharing: links that reopen a view, the one-file report, and the predictions as CSV."""
