"""Streamlit pages: layout, widgets and messages; the work happens in ``walks``."""
