"""Scoring: rubric rules, text analysis and behaviour coding. Pure functions, no file I/O.

What scoring compiles from content (phrase tables, related words, the coder) is read and cached by
the layer below, `empathy_coach.content`; `scoring.assets` says how each is built.
"""
