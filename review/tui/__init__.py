"""The terminal UI: an App, its screens and widgets, on top of the core."""
