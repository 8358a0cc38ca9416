"""Poster design: platform formats, brand kits, and the layout engine that composes posters."""
