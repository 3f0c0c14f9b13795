"""Where banks, rubrics and lexicons come from, and how references between them resolve.

Order of precedence: explicit paths from the command line, then the user's folder
(`EMPATHY_COACH_HOME` or the platformdirs user data dir), then the built-in `prompts/`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from empathy_coach.banks import models as m
from empathy_coach.banks.loader import Loaded, detect_kind, load_parsed
from empathy_coach.banks.yamlsource import load_document
from empathy_coach.paths import APP_NAME, YAML_SUFFIXES, builtin_root, cache_home, content_files, user_home, yaml_files  # noqa: F401  (re-exported)
from empathy_coach.problems import InputError, Problem


@dataclass
class ScenarioRef:
    bank: m.Bank
    scenario: m.Scenario
    loaded: Loaded
    index: int

    @property
    def source(self) -> str:
        return self.loaded.source


@dataclass
class Catalog:
    """Everything loaded for one command, with the problems met while loading."""

    banks: list[Loaded] = field(default_factory=list)
    rubrics: dict[str, Loaded] = field(default_factory=dict)
    lexicons: dict[str, Loaded] = field(default_factory=dict)
    answers: list[Loaded] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    checked_files: int = 0
    loaded_paths: set[Path] = field(default_factory=set)
    partial: list[Loaded] = field(default_factory=list)  # banks with errors: what converted, for further checks

    # ------------------------------------------------------------ building

    @classmethod
    def discover(cls, paths: list[Path] | None = None, *, user: bool = True, builtin: bool = True, strict: bool = True) -> Catalog:
        """Load the given paths, the user's folder and the built-in content.

        With `strict`, any problem raises InputError; otherwise problems are collected (for `check`).
        """
        catalog = cls()
        for path in paths or []:
            catalog.add_path(Path(path), "explicit")
        if user:
            for kind, file in content_files(user_home()):
                catalog.add_file(file, "user", kind)
        if builtin:
            for kind, file in content_files(builtin_root()):
                catalog.add_file(file, "built-in", kind)
        catalog.cross_check()
        if strict and catalog.errors():
            raise InputError(catalog.errors())
        return catalog

    def add_path(self, path: Path, source: str) -> None:
        if path.is_dir():
            unreadable: list[str] = []
            files = yaml_files(path, unreadable)
            for told in unreadable:
                self.problems.append(Problem(str(path), 0, 0, f"a folder could not be read and was skipped ({told})", "unreadable", "warning"))
            if not files:
                self.problems.append(Problem(str(path), 0, 0, "expected a folder with .yaml files, found none", "no-banks"))
            for file in files:
                self.add_file(file, source)
        elif path.exists() or path.is_symlink():
            self.add_file(path, source)
        else:
            self.problems.append(Problem(str(path), 0, 0, "no such file or folder", "missing"))

    def add_file(self, path: Path, source: str, kind: str | None = None) -> Loaded | None:
        resolved = Path(os.path.realpath(path))  # never raises, even on a symlink loop
        if resolved in self.loaded_paths:
            return None
        self.loaded_paths.add(resolved)
        display = _display(path, source)
        self.checked_files += 1
        try:
            doc = load_document(path, display)
            kind = kind or detect_kind(doc, path)
            loaded = load_parsed(doc, kind, source)
        except InputError as exc:
            self.problems.extend(exc.problems)
            partial = getattr(exc, "partial", None)
            if partial is not None:
                loaded_partial = Loaded(partial, doc, source)
                loaded_partial.indices = list(getattr(exc, "partial_indices", []))  # type: ignore[attr-defined]
                self.partial.append(loaded_partial)
            return None
        self.problems.extend(loaded.warnings)
        value = loaded.value
        if kind == "bank":
            self.banks.append(loaded)
        elif kind == "rubric":
            self._register(self.rubrics, value.id, loaded)
        elif kind == "lexicon":
            self._register(self.lexicons, value.id, loaded)
        elif kind == "explain":
            pass  # validated, and nothing refers to it
        else:
            self.answers.append(loaded)
        return loaded

    def _register(self, table: dict[str, Loaded], ident: str, loaded: Loaded) -> None:
        # Earlier sources win: an instructor's rubric replaces the built-in one of the same id.
        table.setdefault(ident, loaded)

    # ------------------------------------------------------------ cross references

    def cross_check(self, only_source: str | None = None) -> None:
        """Scenario ids unique across banks; rubric and lexicon references resolve."""
        first_seen: dict[str, tuple[Loaded, int]] = {}
        for loaded in self.banks:
            bank: m.Bank = loaded.value
            for index, scenario in enumerate(bank.scenarios):
                earlier = first_seen.get(scenario.id)
                if earlier is not None and earlier[0] is not loaded:
                    self.problems.append(
                        loaded.document.problem(
                            ("scenarios", index, "id"),
                            f"scenario id '{scenario.id}' is already used by bank '{earlier[0].value.id}' ({earlier[0].path})",
                            "duplicate-id",
                        )
                    )
                first_seen.setdefault(scenario.id, (loaded, index))
            if only_source and loaded.source != only_source:
                continue
            self._check_rubric_ref(loaded, bank.rubric, ("rubric",))
            for index, scenario in enumerate(bank.scenarios):
                if scenario.rubric:
                    self._check_rubric_ref(loaded, scenario.rubric, ("scenarios", index, "rubric"))
        for loaded in self.partial:  # a bank with errors still has its rubric reference checked
            if not (only_source and loaded.source != only_source):
                self._check_rubric_ref(loaded, loaded.value.rubric, ("rubric",))
        for loaded in self.rubrics.values():
            if only_source and loaded.source != only_source:
                continue
            self._check_lexicon_roles(loaded)
            for index, name in enumerate(loaded.value.lexicons):
                if self.lexicon(name, loaded) is None:
                    self.problems.append(
                        loaded.document.problem(("lexicons", index), "expected the id of a lexicon "
                                                                     f"({', '.join(sorted(self.lexicons)) or 'none loaded'}), found "
                                                                     f"'{name}'{_close(name, list(self.lexicons))}", "unresolved")
                    )

    def _check_lexicon_roles(self, loaded: Loaded) -> None:
        """Each rule reads a lexicon of the role its kind reads (a feeling rule an emotions lexicon...)."""
        for index, rule in enumerate(loaded.value.rules):
            for key, role in (("lexicon", rule.LEXICON_ROLE), ("related", "related")):
                name = getattr(rule, key, "")
                found = self.lexicon(name, loaded) if name and role else None
                if found is not None and found.value.role != role:
                    self.problems.append(loaded.document.problem(
                        ("rules", index, key), f"expected a lexicon with the role '{role}' for a '{rule.kind}' rule, found '{name}' "
                                               f"(role '{found.value.role}')", "reference"))

    def _check_rubric_ref(self, loaded: Loaded, ref: str, where: tuple) -> None:
        try:
            self.rubric(ref, loaded)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return
        except LookupError:
            import difflib

            known = ", ".join(sorted(self.rubrics)) or "none"
            close = difflib.get_close_matches(ref, list(self.rubrics), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.problems.append(loaded.document.problem(where, f"expected a rubric id ({known}) or a path to a rubric file, found '{ref}'{hint}",
                                                         "unresolved"))

    # ------------------------------------------------------------ lookups

    def rubric(self, ref: str, relative_to: Loaded | None = None) -> Loaded:
        if ref in self.rubrics:
            return self.rubrics[ref]
        if ref.endswith(YAML_SUFFIXES):
            base = Path(relative_to.path).parent if relative_to else Path.cwd()
            path = (base / ref) if not Path(ref).is_absolute() else Path(ref)
            for loaded in self.rubrics.values():
                if os.path.realpath(loaded.path) == os.path.realpath(path):
                    return loaded
            doc = load_document(path)
            loaded = load_parsed(doc, "rubric", relative_to.source if relative_to else "explicit")
            self.rubrics.setdefault(loaded.value.id, loaded)
            return loaded
        raise LookupError(ref)

    def lexicon(self, ref: str, relative_to: Loaded | None = None) -> Loaded | None:
        return self.lexicons.get(ref)

    def errors(self) -> list[Problem]:
        return sorted({p for p in self.problems if p.level == "error"})

    def scenarios(self) -> list[ScenarioRef]:
        return [ScenarioRef(loaded.value, s, loaded, i) for loaded in self.banks for i, s in enumerate(loaded.value.scenarios)]

    def partial_scenarios(self) -> list[ScenarioRef]:
        """The scenarios that converted in banks with errors, at their places in the file (for `check`)."""
        return [ScenarioRef(loaded.value, s, loaded, i) for loaded in self.partial
                for s, i in zip(loaded.value.scenarios, getattr(loaded, "indices", []), strict=False)]

    def find_scenario(self, scenario_id: str) -> ScenarioRef:
        for ref in self.scenarios():
            if ref.scenario.id == scenario_id:
                return ref
        raise KeyError(scenario_id)

    def scenario_ids(self) -> list[str]:
        return [ref.scenario.id for ref in self.scenarios()]

    def rubric_for(self, ref: ScenarioRef) -> m.Rubric:
        name = ref.scenario.rubric or ref.bank.rubric
        return self.rubric(name, ref.loaded).value


def _display(path: Path, source: str) -> str:
    if source == "built-in":
        try:
            return "prompts/" + path.relative_to(builtin_root()).as_posix()
        except ValueError:
            return str(path)
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    # A path that climbs out of the working folder reads better absolute.
    return str(path.absolute()) if relative.startswith("..") else relative


def _close(word: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
