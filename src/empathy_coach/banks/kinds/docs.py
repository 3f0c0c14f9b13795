"""docs/rubrics.md, made from the rule kinds' docstrings: `python -m empathy_coach.banks.kinds.docs > docs/rubrics.md`.

A test fails when the file is stale, and another runs every example in it through the scorer.
"""

from __future__ import annotations

import inspect
import sys
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

from empathy_coach.banks.kinds import MODULES, RuleBase

HEADER = """\
# Rubric rule kinds

<!-- Generated from the rule kinds' docstrings (src/empathy_coach/banks/kinds/): do not edit by hand.
     Regenerate with `python -m empathy_coach.banks.kinds.docs > docs/rubrics.md`. -->

A rubric (`prompts/rubrics/*.yaml`, or your own file given with `--rubric`) lists `rules`. Every rule
has an `id`, a `kind`, and these common keys:

| key | default | meaning |
|---|---|---|
| `id` | (required) | lower-case letters, digits, `-`, `_` or `.`; unique in the rubric |
| `weight` | `1.0` | the points the rule is worth |
| `level` | `warning` | `error`, `warning` or `suggestion` |
| `required` | `false` | when it fails, the reply cannot pass whatever its score |
| `message` | `""` | what went wrong, with `{placeholders}` filled from what the rule saw |
| `tip` | `""` | how to do better |
| `skills` | `[]` | only for turns with one of these target skills |
| `tags` | `[]` | only for scenarios with one of these tags |

Each kind adds its own parameters, below. Every example is a test: the first rule listed passes on
the reply of its "Passes" example and fails on the reply of its "Fails" example, scored with the
built-in lexicons (`emotions`, `roadblocks`, `markers`, `related`).
"""


def _default(field: msgspec.structs.FieldInfo) -> str:
    if field.default is not msgspec.NODEFAULT:
        return f"`{msgspec.json.encode(field.default).decode()}`"
    if field.default_factory is not msgspec.NODEFAULT:
        return f"`{msgspec.json.encode(field.default_factory()).decode()}`"
    return "(required)"


def _type(tp: Any) -> str:
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        return _type(args[0])
    if origin is Literal:
        return " or ".join(f"`{a}`" for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(_type(a) for a in args)
    if origin is list:
        return f"list of {_type(args[0])}"
    if tp is type(None):
        return "null"
    return tp.__name__ if isinstance(tp, type) else str(tp)


def kind_section(cls: type[RuleBase]) -> str:
    common = {f.name for f in msgspec.structs.fields(RuleBase)}
    own = [f for f in msgspec.structs.fields(cls) if f.name not in common]
    doc = inspect.cleandoc(cls.__doc__ or "")
    about, _, examples = doc.partition("Passes:")
    lines = [f"## `{cls.__struct_config__.tag}`", "", about.strip(), ""]
    if own:
        lines += ["| parameter | type | default |", "|---|---|---|"]
        lines += [f"| `{f.name}` | {_type(f.type)} | {_default(f)} |" for f in own]
        lines.append("")
    lines += ["Passes:" + examples.rstrip(), ""]
    return "\n".join(lines)


def render() -> str:
    kinds = [module.RULE for module in MODULES]
    index = ", ".join(f"[`{cls.__struct_config__.tag}`](#{cls.__struct_config__.tag})" for cls in kinds)
    body = "\n".join(kind_section(cls) for cls in kinds)
    return f"{HEADER}\nThe kinds: {index}.\n\n{body}"


if __name__ == "__main__":
    sys.stdout.write(render())
