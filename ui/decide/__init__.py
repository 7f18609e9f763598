"""The Decide page: the setting slider and what it moves."""
