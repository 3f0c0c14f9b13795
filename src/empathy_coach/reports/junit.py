"""JUnit XML for grading: a testsuite per student (or file), a testcase per answer.

Valid XML 1.0 whatever a reply contains: no CDATA is ever written, every text and attribute is
escaped, and characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are
written as visible `\\xNN` / `\\uXXXX` escapes instead. No timestamp or duration is written, so two
runs over the same answers give the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from empathy_coach.literal import BIDI_CONTROLS

# Characters XML 1.0 forbids, plus those it allows but that drive a terminal or reorder text
# where the report is shown (DEL, C1 controls, bidirectional controls).
_ILLEGAL = re.compile(f"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\x7f-\x9f{BIDI_CONTROLS}\u2028\u2029]")
MAX_REPLY_CHARS = 500


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def legal(text: str) -> str:
    """`text` with every character XML 1.0 forbids replaced by a visible escape."""
    return _ILLEGAL.sub(_visible, text)


def xml_text(text: str) -> str:
    return legal(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def xml_attr(text: str) -> str:
    return xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


@dataclass
class Case:
    name: str
    classname: str
    file: str
    line: int
    status: str  # "passed", "failure" or "error"
    message: str = ""
    body: str = ""


@dataclass
class Suite:
    name: str
    file: str
    cases: list[Case] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return sum(c.status == "failure" for c in self.cases)

    @property
    def errors(self) -> int:
        return sum(c.status == "error" for c in self.cases)


def header(tests: int, failures: int, errors: int, name: str = "empathy-coach grade") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="{xml_attr(name)}" tests="{tests}" failures="{failures}" errors="{errors}">\n'
    )


def suite_open(suite: Suite, tests: int, failures: int, errors: int) -> str:
    out = [
        f'  <testsuite name="{xml_attr(suite.name)}" tests="{tests}" failures="{failures}" '
        f'errors="{errors}" skipped="0" file="{xml_attr(suite.file)}">'
    ]
    if suite.properties:
        out.append("    <properties>")
        for key, value in suite.properties:
            out.append(f'      <property name="{xml_attr(key)}" value="{xml_attr(value)}"/>')
        out.append("    </properties>")
    return "\n".join(out) + "\n"


SUITE_CLOSE = "  </testsuite>\n"
FOOTER = "</testsuites>\n"


def case_xml(case: Case) -> str:
    attrs = f'name="{xml_attr(case.name)}" classname="{xml_attr(case.classname)}" file="{xml_attr(case.file)}"'
    if case.line > 0:
        attrs += f' line="{case.line}"'
    if case.status == "passed":
        return f"    <testcase {attrs}/>\n"
    kind = "failure" if case.status == "failure" else "error"
    kind_type = "below-pass-mark" if kind == "failure" else "record-error"
    return (
        f"    <testcase {attrs}>\n"
        f'      <{kind} message="{xml_attr(case.message)}" type="{kind_type}">{xml_text(case.body)}</{kind}>\n'
        "    </testcase>\n"
    )


def render(suites: list[Suite], name: str = "empathy-coach grade") -> str:
    """The whole document from suites held in memory (small inputs and tests; grading streams)."""
    tests = sum(len(s.cases) for s in suites)
    failures = sum(s.failures for s in suites)
    errors = sum(s.errors for s in suites)
    out = [header(tests, failures, errors, name)]
    for suite in suites:
        out.append(suite_open(suite, len(suite.cases), suite.failures, suite.errors))
        out.extend(case_xml(case) for case in suite.cases)
        out.append(SUITE_CLOSE)
    out.append(FOOTER)
    return "".join(out)


def reply_excerpt(acts_text: list[str]) -> str:
    text = " ".join(t.strip() for t in acts_text if t.strip())
    return text if len(text) <= MAX_REPLY_CHARS else text[:MAX_REPLY_CHARS] + "…"
