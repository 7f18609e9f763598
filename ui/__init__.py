"""Streamlit-side helpers shared by app.py and every page (the only UI code outside pages)."""
