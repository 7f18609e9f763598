"""The model: training on the train split, and a demo fitted and scored once."""
