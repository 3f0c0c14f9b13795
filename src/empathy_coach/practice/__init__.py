"""Practice: the drill session state machine and the spaced-repetition schedule (no terminal I/O)."""
