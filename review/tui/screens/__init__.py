"""Screens: each one calls the core and hands what it gets to its widgets."""
