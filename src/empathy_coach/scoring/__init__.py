"""Scoring: rubric rules, text analysis and behaviour coding. Pure functions, no I/O beyond loading content."""
