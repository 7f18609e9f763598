"""Data and specs: demo specs, reading files, turning a table into labelled examples."""
