"""User text made safe to print and to store: cheap to import, so every layer can use it."""

from __future__ import annotations

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str) -> str:
    """User text with control characters and bidi overrides made visible, so nothing typed can drive the terminal."""
    if text.isprintable():  # one C pass; false for every character below that needs care
        return text
    out = []
    for char in text:
        code = ord(char)
        if char in "\n\t":
            out.append(char)
        elif code < 32 or code == 127 or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif char in BIDI_CONTROLS:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


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
