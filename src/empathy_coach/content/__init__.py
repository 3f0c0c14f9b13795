"""Content for scoring and drills: the built-in files read once and the caches built from them.

The one layer that writes caches (DESIGN.md: below `scoring`, above `banks`).
"""
