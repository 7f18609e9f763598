"""The Examples page: stories, the table, one example explained."""
