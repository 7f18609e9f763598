"""The pitch page (app.py): the headline, the ask, the first paint."""
