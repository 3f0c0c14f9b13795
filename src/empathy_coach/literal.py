"""User text made safe to print and to store: cheap to import, so every layer can use it.

`printable` is the one literal-text function: every message that quotes input (file names, keys,
ids, replies) goes through it, in the drill, in errors and in reports.
"""

from __future__ import annotations

import re
from functools import cache

# Bidirectional controls (embeddings, overrides, isolates, marks): they can make text read in
# another order than it is stored ("Trojan Source"), so they are shown, never obeyed.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


# The patterns are compiled at their first use: compiling them would cost a one-shot `score`, which
# quotes no input when it succeeds, about 1.5 ms at start-up.
@cache
def _unsafe() -> re.Pattern[str]:
    return re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}\\u2028\\u2029]")


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """User text with control characters and bidirectional controls made visible (`\\x1b`,
    `\\u202e`), so nothing typed can drive the terminal or reorder what is shown. Newlines and
    tabs are kept."""
    return _unsafe().sub(_shown, text)


def visible_bidi(text: str) -> str:
    """Only the bidirectional controls made visible (for exports that handle the rest themselves)."""
    return re.sub(f"[{BIDI_CONTROLS}\\u2028\\u2029]", _shown, text)


def writable(text: str) -> str:
    """Text that any file, database or JSON can hold.

    Python keeps bytes that were not UTF-8 (in argv, stdin or a file name) as lone surrogates;
    they become U+FFFD, and the rest of the text is kept.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that did not come from an undecodable byte
        return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)


# The UTF-8 bytes of DEL, the C1 controls, the bidirectional controls and the line/paragraph
# separators. In JSON they can only stand inside strings, where `\\uXXXX` means the same.
@cache
def _json_unsafe() -> re.Pattern[bytes]:
    return re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8\xa9\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def _json_escape(match: re.Match) -> bytes:
    return b"\\u%04x" % ord(match.group().decode("utf-8"))


def json_safe(data: bytes) -> bytes:
    """Encoded JSON with the characters that drive a terminal or reorder text written as
    `\\uXXXX` escapes: the same data once decoded, and safe to `cat`."""
    return _json_unsafe().sub(_json_escape, data)
