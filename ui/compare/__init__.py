"""The Rule vs model page."""
