"""Presentation mode: the pitch as steps on one screen."""
