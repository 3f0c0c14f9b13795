"""User text made safe to print: cheap to import, so every command can use it."""

from __future__ import annotations


def printable(text: str) -> str:
    """User text with control characters made visible, so nothing typed can drive the terminal."""
    out = []
    for char in text:
        code = ord(char)
        if char in "\n\t":
            out.append(char)
        elif code < 32 or code == 127 or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        else:
            out.append(char)
    return "".join(out)
