"""review: a terminal-first, local-first workbench for systematic reviews.

Importing this package imports nothing else, so `import review.store` never
pulls in Textual.
"""

__version__ = "0.1.0"
