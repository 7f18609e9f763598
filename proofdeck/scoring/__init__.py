"""Scoring where the data lives: a fitted model exported as a skops file, and jobs that score a
table with it in pandas chunks, on Dask or on Spark, writing the id, score, rule flag and
outcome file that the Your data page reads back as "your own scores".

The scoring itself (:func:`proofdeck.scoring.score.score_frame`) is one pandas function; every
engine runs that same function on its pieces of the table, so each gives the scores Proofdeck
gives, row for row.
"""
