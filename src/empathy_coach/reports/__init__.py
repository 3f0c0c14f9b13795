"""Renderers: every finding or score becomes text, JSON, JUnit XML, GitHub annotations or transcripts."""
