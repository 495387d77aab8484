"""Widgets: they render what a screen gives them and post messages; no core calls."""
