"""What `check` does, as a library: load content leniently, cross-check it, run its examples."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from empathy_coach.banks.catalog import Catalog, builtin_root, content_files, user_home
from empathy_coach.banks.yamlsource import Document, PathItem
from empathy_coach.problems import Problem

# Findings about content that loads: the rubric's tests failing, work left to do. Any other
# error means a file could not be read as what it claims to be: bad input, exit 2.
LINT_CODES = {"example", "exemplar", "todo", "xfail", "xpass", "rank"}


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    examples_run: int = 0
    examples_failed: int = 0
    examples_xfailed: int = 0
    examples_xpassed: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level not in ("error", "notice"))

    @property
    def input_error(self) -> bool:
        return any(p.level == "error" and p.code not in LINT_CODES for p in self.problems)

    def summary(self) -> str:
        verdict = "ok" if not self.errors else "failed"
        return (
            f"{verdict}: {self.files} files checked, {self.errors} errors, {self.warnings} warnings, "
            f"{self.examples_run} examples run, {self.examples_failed} failed"
            + (f", {self.examples_xfailed} xfail" if self.examples_xfailed else "")
            + (f", {self.examples_xpassed} xpass (remove their xfail)" if self.examples_xpassed else "")
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "problems": [p.as_dict() for p in self.problems],
            "summary": {
                "files": self.files,
                "errors": self.errors,
                "warnings": self.warnings,
                "examples_run": self.examples_run,
                "examples_failed": self.examples_failed,
                "examples_xfailed": self.examples_xfailed,
                "examples_xpassed": self.examples_xpassed,
                "ok": not self.errors,
            },
        }


def run_check(paths: list[Path], run_examples: bool = True) -> CheckReport:
    explicit = [p for p in paths if p.suffix != ".json"]
    coder_files = [p for p in paths if p.suffix == ".json"]
    if not paths:
        explicit = [builtin_root()]
        # The user's own content, not the rest of their folder (the progress database, the cache).
        explicit += [file for _, file in content_files(user_home())]
        coder_files = sorted((builtin_root() / "coder").glob("*.json"))
    else:
        coder_files += [f for folder in explicit if folder.is_dir() for f in sorted(folder.rglob("coder/*.json"))]
        explicit = explicit or []
    catalog = Catalog.discover(explicit, user=False, builtin=False, strict=False)
    # References resolve against built-in rubrics and lexicons too, without checking those files.
    support = Catalog.discover([], user=True, builtin=True, strict=False)
    for table, extra in ((catalog.rubrics, support.rubrics), (catalog.lexicons, support.lexicons)):
        for key, value in extra.items():
            table.setdefault(key, value)
    catalog.problems = [p for p in catalog.problems if p.code != "unresolved"]
    catalog.cross_check(only_source="explicit")
    problems = list(catalog.problems)
    for loaded in catalog.banks + list(catalog.rubrics.values()) + list(catalog.lexicons.values()):
        if loaded.source == "explicit":
            problems.extend(todo_problems(loaded.document))
    for loaded in catalog.rubrics.values():
        if loaded.source == "explicit" and loaded.value.coder:
            target = Path(loaded.path).parent / loaded.value.coder
            problem = coder_file_problem(target)
            if problem is not None:
                problems.append(loaded.document.problem(("coder",), f"coder {loaded.value.coder!r}: {problem}", "coder"))
    for file in coder_files:
        problem = coder_file_problem(file)
        if problem is not None:
            problems.append(Problem(str(file), 1, 1, problem, "coder"))
    report = CheckReport(files=catalog.checked_files + len(coder_files))
    if run_examples and not any(p.level == "error" and p.code in ("unresolved", "reference", "coder") for p in problems):
        from empathy_coach.scoring.examples import run_examples as run_turn_examples

        outcome = run_turn_examples(catalog, only_source="explicit")
        problems.extend(outcome.problems)
        report.examples_run = outcome.run
        report.examples_failed = outcome.failed
        report.examples_xfailed = outcome.xfailed
        report.examples_xpassed = outcome.xpassed
    report.problems = sorted(set(problems))
    return report


def todo_problems(doc: Document) -> list[Problem]:
    found: list[Problem] = []

    def walk(value: Any, where: tuple[PathItem, ...]) -> None:
        if isinstance(value, str):
            if "TODO" in value:
                found.append(doc.problem(where, f"a TODO is left: {value.strip()[:60]!r}", "todo"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, where + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, where + (index,))

    walk(doc.data, ())
    return found


def coder_file_problem(path: Path) -> str | None:
    """What is wrong with a coder file (`coder fit` output), or None when it loads."""
    from empathy_coach.scoring.assets import load_coder_weights

    try:
        load_coder_weights(path)
    except ValueError as error:
        return str(error)
    return None
