"""The HTML template engine: Jinja2 with autoescaping, templates shipped in the package.

Every `{{ value }}` is HTML-escaped (autoescape on for every template, `StrictUndefined` so a
misspelt name fails in the tests instead of printing nothing). Before escaping, `finalize`
turns control characters and bidirectional overrides from user text into U+FFFD, so a reply can
neither break the page nor reorder what is shown. Markup is written only in the templates; the
only value marked safe is our own script, whose SHA-256 the page's Content-Security-Policy
names, so even a script that slipped through escaping would not run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from importlib import resources
from typing import Any

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _finalize(value: Any) -> Any:
    # isprintable() is one C pass and true for almost every value: the regex runs only on the rest
    # (text with a newline, a control character or a format character such as a bidi override).
    if type(value) is str and not value.isprintable() and (_UNSAFE.search(value) or "\r" in value):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        return _UNSAFE.sub("\ufffd", value)
    return value


def number(value: float | int | None, digits: int = 1, suffix: str = "") -> str:
    """A figure as shown: `n/a` for none, else with `digits` decimals (trailing .0 kept)."""
    if value is None:
        return "n/a"
    if isinstance(value, int) or digits == 0:
        return f"{value:.0f}{suffix}"
    return f"{value:.{digits}f}{suffix}"


def signed(value: float | None, digits: int = 1) -> str:
    """A change, with its direction in a symbol and a sign (not in colour only)."""
    if value is None:
        return "–"
    if abs(value) < 0.5 * 10 ** (-digits):
        return "= 0"
    arrow = "▲" if value > 0 else "▼"
    return f"{arrow} {value:+.{digits}f}"


def rq(miti: Any) -> str:
    """R:Q as shown: 'reflections only' when there was no question but some reflection."""
    if miti.rq_ratio is None:
        return "reflections only" if miti.reflections else "n/a"
    return f"{miti.rq_ratio:.2f}"


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("empathy_coach.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = lambda value, digits=1, suffix="": number(value, digits, suffix.replace(" ", "\u00a0"))  # "42.9 %" never breaks
    env.filters["signed"] = signed
    env.filters["rq"] = rq
    env.filters["label"] = lambda code: (code or "").replace("_", " ")
    return env


def asset(name: str) -> str:
    """A static file shipped beside the templates (CSS, our script)."""
    return resources.files("empathy_coach.reports").joinpath("templates", name).read_text(encoding="utf-8")


def csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def stream(template: str, **context: Any):
    """The rendered template in pieces, to write as they come (a large class's page is never
    held whole in memory)."""
    return environment().get_template(template).generate(**context)
