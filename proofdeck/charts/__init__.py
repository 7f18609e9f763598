"""Plotly figure builders (``*_figure``): plain values in, a figure out, no Streamlit."""
