"""The class report's figures: a model computed while the records stream past.

`build(inputs)` reads every input (see `class_input`), adds each reply to running totals, and
returns a `ClassReport`: plain msgspec Structs with a fixed key order, which `--format json`
encodes as they are and the HTML and Markdown renderers only lay out. Memory grows with the
number of students, turns and assignments, never with the number of replies: per student the
report keeps its totals and its `WORST` lowest replies.

Definitions (the README's "For instructors" repeats them):

- **mean** is the mean score of the replies; **pass rate** the percent of replies that passed
  their rubric's pass mark.
- **R:Q** and **%CR** count acts, as MITI coders do (`scoring.metrics`). A **band** is the lower
  of the two MITI bands (good only when both are good), and is given only from `MIN_BAND_REPLIES`
  replies on; with fewer a student's band is "too few replies".
- A **trend** is one value per assignment in the order the assignments first appear in the inputs
  (`None` where there was no reply), and its **change** is the last value minus the first.
- **Mastery** of a skill by a student: a mean of `MASTERY_SCORE` or more over at least
  `MIN_MASTERY_REPLIES` replies on turns that target that skill.
- **Hardest first**: turns and scenarios by pass rate, then mean score, lowest first.

No typer or rich here.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from msgspec import Struct

from empathy_coach.banks.fields import SKILLS
from empathy_coach.reports.class_input import BadRecord, Reply, Unreadable, expand, read
from empathy_coach.scoring.metrics import BehaviourMetrics, metrics_from_counts
from empathy_coach.scoring.result import BEHAVIOUR_LABELS

WORST = 3  # replies shown per student
MIN_BAND_REPLIES = 5
MASTERY_SCORE = 80.0
MIN_MASTERY_REPLIES = 2
BAD_SHOWN = 200  # bad records listed by location (all are counted)
DISPUTES_SHOWN = 500
HISTOGRAM_BINS = 10  # 0-9, 10-19, ..., 90-100

SKILL_ORDER = SKILLS  # the bank models' one list of skills, in their order
UNKNOWN_SKILL = "unknown"

#: Behaviour groups for the mix: the codes an instructor reads together.
BEHAVIOUR_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("complex", "complex reflection", ("complex_reflection",)),
    ("simple", "simple reflection", ("simple_reflection",)),
    ("open", "open question", ("open_question",)),
    ("closed", "closed question", ("closed_question",)),
    ("adherent", "MI-adherent (affirm, autonomy, collaboration, permission)", ("affirm", "emphasize_autonomy", "seek_collaboration",
                                                                               "persuade_with_permission")),
    ("info", "giving information", ("giving_information",)),
    ("nonadherent", "MI-non-adherent (persuade, confront)", ("persuade", "confront")),
    ("other", "other", ("other",)),
)
_GROUP_OF = {code: key for key, _, codes in BEHAVIOUR_GROUPS for code in codes}
_BAND_RANK = {"below fair": 0, "fair": 1, "good": 2}


# ------------------------------------------------------------------ the model


class Location(Struct):
    where: str
    message: str
    kind: str


class Problems(Struct, kw_only=True):
    unreadable: int  # records that could not be read (not JSON, wrong types)
    ungraded: int  # records grade itself could not score (they carry `error`)
    shown: list[Location]  # the first BAD_SHOWN, in input order


class Trend(Struct, kw_only=True):
    values: list[float | None]  # one per assignment
    change: float | None  # last present value minus the first


class Figure(Struct, kw_only=True):
    value: float | None
    trend: Trend


class Miti(Struct, kw_only=True):
    rq_ratio: float | None
    rq_band: str
    percent_complex: float | None
    percent_complex_band: str
    band: str  # the lower of the two, or "too few replies"
    reflections: int
    questions: int
    complex_reflections: int


class AssignmentFigures(Struct, kw_only=True):
    name: str
    students: int
    replies: int
    mean_score: float | None
    pass_rate: float | None
    miti: Miti
    behaviour_mix: dict[str, int]  # group key -> primary behaviours


class Overview(Struct, kw_only=True):
    students: Figure
    replies: Figure
    mean_score: Figure
    pass_rate: Figure
    rq_ratio: Figure
    percent_complex: Figure
    miti: Miti
    bands: dict[str, int]  # students per band, "too few replies" included
    good_band_share: Figure  # percent of the students with a band who are in "good"


class ReplyFeedback(Struct, kw_only=True):
    missed: list[str]  # "rule-id: message" of each rule that earned less than its weight
    tips: list[str]
    roadblocks: list[str]


class Evidence(Struct):
    text: str
    effect: str | None  # credit, cost, both, or None
    reasons: list[str]


class ReplyShown(Struct, kw_only=True):
    student: str
    assignment: str
    scenario: str
    turn: str
    score: float
    passed: bool
    behaviour: str
    text: str
    text_complete: bool
    evidence: list[Evidence]
    feedback: ReplyFeedback
    where: str


class StudentRow(Struct, kw_only=True):
    name: str
    replies: int
    mean_score: float
    pass_rate: float
    miti: Miti
    top_roadblock: str | None
    top_roadblock_count: int
    trend: Trend
    skills: dict[str, float | None]  # skill -> mean score (the heat map row)
    mastered: list[str]
    disputed: int
    worst: list[ReplyShown]


class Example(Struct, kw_only=True):
    student: str
    text: str
    where: str


class TurnRow(Struct, kw_only=True):
    scenario: str
    title: str | None  # the scenario's title, from the banks
    turn: str
    skill: str
    replies: int
    students: int
    mean_score: float
    pass_rate: float
    behaviour_mix: dict[str, int]  # primary behaviour code -> replies
    top_roadblock: str | None
    top_roadblock_count: int
    example: Example | None  # a reply with the top roadblock


class ScenarioRow(Struct, kw_only=True):
    scenario: str
    title: str | None  # from the banks
    turns: int
    replies: int
    mean_score: float
    pass_rate: float
    behaviour_mix: dict[str, int]
    top_roadblock: str | None
    top_roadblock_count: int
    hardest_turn: str


class SkillRow(Struct, kw_only=True):
    skill: str
    label: str
    replies: int
    students: int
    mean_score: float
    pass_rate: float
    mastered_students: int
    mastery_rate: float | None  # percent of the students with enough replies on it
    trend: Trend


class RoadblockRow(Struct, kw_only=True):
    kind: str
    replies: int  # replies with at least one
    students: int
    share: float  # percent of all replies
    trend: Trend  # percent of each assignment's replies


class HistogramBin(Struct, kw_only=True):
    low: int
    high: int
    replies: int


class Dispute(Struct, kw_only=True):
    student: str
    assignment: str
    scenario: str
    turn: str
    score: float
    passed: bool
    note: str
    text: str
    where: str


class ClassReport(Struct, kw_only=True):
    title: str
    inputs: list[str]
    assignments: list[AssignmentFigures]
    overview: Overview
    students: list[StudentRow]  # struggling first: by mean score, lowest first
    scenarios: list[ScenarioRow]  # hardest first
    turns: list[TurnRow]  # hardest first
    skills: list[SkillRow]  # in the bank's skill order
    roadblocks: list[RoadblockRow]  # most common first
    histogram: list[HistogramBin]
    disputes: list[Dispute]
    disputes_total: int
    problems: Problems
    definitions: dict[str, Any]


# ------------------------------------------------------------------ running totals


class _Totals:
    __slots__ = ("n", "total", "passes", "behaviours", "acts")

    def __init__(self) -> None:
        self.n = 0
        self.total = 0.0
        self.passes = 0
        self.behaviours: dict[str, int] = {}
        self.acts: dict[str, int] = {}

    def add(self, reply: Reply) -> None:
        self.n += 1
        self.total += reply.score
        self.passes += reply.passed
        behaviours, acts = self.behaviours, self.acts
        behaviours[reply.behaviour] = behaviours.get(reply.behaviour, 0) + 1
        for code in reply.acts:
            acts[code] = acts.get(code, 0) + 1

    def merge(self, other: _Totals) -> None:
        self.n += other.n
        self.total += other.total
        self.passes += other.passes
        for mine, theirs in ((self.behaviours, other.behaviours), (self.acts, other.acts)):
            for code, n in theirs.items():
                mine[code] = mine.get(code, 0) + n

    @classmethod
    def sum(cls, parts: Iterable[_Totals]) -> _Totals:
        out = cls()
        for part in parts:
            out.merge(part)
        return out

    def mean(self) -> float | None:
        return round(self.total / self.n, 1) if self.n else None

    def pass_rate(self) -> float | None:
        return round(100.0 * self.passes / self.n, 1) if self.n else None

    def metrics(self) -> BehaviourMetrics:
        return metrics_from_counts(self.n, self.behaviours, self.acts)


class _Small:
    __slots__ = ("n", "total", "passes")

    def __init__(self) -> None:
        self.n = 0
        self.total = 0.0
        self.passes = 0

    def add(self, reply: Reply) -> None:
        self.n += 1
        self.total += reply.score
        self.passes += reply.passed

    def mean(self) -> float | None:
        return round(self.total / self.n, 1) if self.n else None


class _Student:
    __slots__ = ("totals", "roadblocks", "assignments", "skills", "worst", "disputed")

    def __init__(self) -> None:
        self.roadblocks: Counter[str] = Counter()
        self.assignments: dict[str, _Totals] = {}  # for the trend and the band per assignment
        self.skills: dict[str, _Small] = {}
        self.worst: list = []  # max-heap by score via negation: (-score, -seq, Reply)
        self.disputed = 0


class _Turn:
    __slots__ = ("skill", "small", "behaviours", "roadblocks", "examples", "students")

    def __init__(self, skill: str) -> None:
        self.skill = skill
        self.small = _Small()
        self.behaviours: Counter[str] = Counter()
        self.roadblocks: Counter[str] = Counter()
        self.examples: dict[str, Reply] = {}
        self.students: set[str] = set()


class Accumulator:
    """Add replies one at a time; `report()` gives the figures."""

    def __init__(self, skill_of: Callable[[str, str], str | None] | None = None, title_of: Callable[[str], str | None] | None = None) -> None:
        self.skill_of = skill_of
        self.title_of = title_of
        self.assignments: dict[str, _Totals] = {}
        self.assignment_roadblocks: dict[str, Counter[str]] = {}
        self.assignment_skills: dict[str, dict[str, _Small]] = {}
        self.total = _Totals()  # summed from the assignments' totals in report()
        self.students: dict[str, _Student] = {}
        self.turns: dict[tuple[str, str], _Turn] = {}
        self.roadblock_replies: Counter[str] = Counter()
        self.roadblock_students: dict[str, set[str]] = {}
        self.histogram = [0] * HISTOGRAM_BINS
        self.disputes: list[Reply] = []
        self.disputes_total = 0
        self.unreadable = 0
        self.ungraded = 0
        self.shown: list[Location] = []
        self._seq = itertools.count()
        self._skill_cache: dict[tuple[str, str], str] = {}

    # -- input

    def bad(self, record: BadRecord) -> None:
        if record.kind == "ungraded":
            self.ungraded += 1
        else:
            self.unreadable += 1
        if len(self.shown) < BAD_SHOWN:
            self.shown.append(Location(record.where, record.message, record.kind))

    def _title(self, scenario: str) -> str | None:
        return self.title_of(scenario) if self.title_of else None

    def _skill(self, reply: Reply) -> str:
        if reply.skill:
            return reply.skill
        key = (reply.scenario, reply.turn)
        found = self._skill_cache.get(key)
        if found is None:
            found = (self.skill_of(*key) if self.skill_of else None) or UNKNOWN_SKILL
            self._skill_cache[key] = found
        return found

    def add(self, reply: Reply) -> None:
        skill = self._skill(reply)
        assignment = reply.assignment
        totals = self.assignments.get(assignment)
        if totals is None:
            totals = self.assignments[assignment] = _Totals()
            self.assignment_roadblocks[assignment] = Counter()
            self.assignment_skills[assignment] = {}
        totals.add(reply)
        _small(self.assignment_skills[assignment], skill).add(reply)

        student = self.students.get(reply.student)
        if student is None:
            student = self.students[reply.student] = _Student()
        mine = student.assignments.get(assignment)
        if mine is None:
            mine = student.assignments[assignment] = _Totals()
        mine.add(reply)
        _small(student.skills, skill).add(reply)
        kinds = set(reply.roadblocks)
        for kind in kinds:
            student.roadblocks[kind] += 1
            self.roadblock_replies[kind] += 1
            self.roadblock_students.setdefault(kind, set()).add(reply.student)
            self.assignment_roadblocks[assignment][kind] += 1
        entry = (-reply.score, -next(self._seq), reply)
        if len(student.worst) < WORST:
            heapq.heappush(student.worst, entry)
        elif entry > student.worst[0]:
            heapq.heapreplace(student.worst, entry)

        key = (reply.scenario, reply.turn)
        turn = self.turns.get(key)
        if turn is None:
            turn = self.turns[key] = _Turn(skill)
        turn.small.add(reply)
        turn.behaviours[reply.behaviour] += 1
        turn.students.add(reply.student)
        for kind in kinds:
            turn.roadblocks[kind] += 1
            if kind not in turn.examples:
                turn.examples[kind] = reply

        self.histogram[min(int(reply.score // 10), HISTOGRAM_BINS - 1) if reply.score >= 0 else 0] += 1

        if reply.dispute is not None:
            student.disputed += 1
            self.disputes_total += 1
            if len(self.disputes) < DISPUTES_SHOWN:
                self.disputes.append(reply)

    # -- output

    def report(self, title: str, inputs: list[str]) -> ClassReport:
        self.skill_names = _skill_names(self)
        self.total = _Totals.sum(self.assignments.values())
        names = list(self.assignments)
        assignments = [self._assignment(name) for name in names]
        students = sorted((self._student(name, s, names) for name, s in self.students.items()), key=lambda r: (r.mean_score, r.pass_rate, r.name))
        turns = sorted((self._turn(key, t) for key, t in self.turns.items()), key=lambda r: (r.pass_rate, r.mean_score, r.scenario, r.turn))
        return ClassReport(
            title=title,
            inputs=inputs,
            assignments=assignments,
            overview=self._overview(assignments, students),
            students=students,
            scenarios=self._scenarios(turns),
            turns=turns,
            skills=self._skills(students, names),
            roadblocks=self._roadblocks(names),
            histogram=[HistogramBin(low=i * 10, high=100 if i == HISTOGRAM_BINS - 1 else i * 10 + 9, replies=n) for i, n in enumerate(self.histogram)],
            disputes=[_dispute(r) for r in self.disputes],
            disputes_total=self.disputes_total,
            problems=Problems(unreadable=self.unreadable, ungraded=self.ungraded, shown=self.shown),
            definitions={
                "pass_rate": "percent of replies that passed their rubric's pass mark",
                "mean_score": "mean score of the replies, 0-100",
                "rq_ratio": "reflections per question, counted over acts (MITI 4.2: fair >= 1, good >= 2)",
                "percent_complex": "complex reflections among reflections, counted over acts (MITI 4.2: fair >= 40, good >= 50)",
                "band": f"the lower of the R:Q and %CR bands; given from {MIN_BAND_REPLIES} replies on",
                "mastery": f"a student's mean of {MASTERY_SCORE:g} or more over at least {MIN_MASTERY_REPLIES} replies on turns that target the skill",
                "trend": "one value per assignment, in the order the assignments first appear in the inputs; change is the last minus the first",
                "hardest_first": "by pass rate, then mean score, lowest first",
                "worst_replies": f"each student's {WORST} lowest-scored replies",
                "assignments": names,
            },
        )

    def _assignment(self, name: str) -> AssignmentFigures:
        totals = self.assignments[name]
        mix: Counter[str] = Counter()
        for code, n in totals.behaviours.items():
            mix[_GROUP_OF.get(code, "other")] += n
        return AssignmentFigures(
            name=name,
            students=sum(1 for st in self.students.values() if name in st.assignments),
            replies=totals.n,
            mean_score=totals.mean(),
            pass_rate=totals.pass_rate(),
            miti=_miti(totals, min_replies=1),
            behaviour_mix={key: mix.get(key, 0) for key, _, _ in BEHAVIOUR_GROUPS},
        )

    def _overview(self, assignments: list[AssignmentFigures], students: list[StudentRow]) -> Overview:
        bands = Counter(s.miti.band for s in students)
        with_band = sum(n for band, n in bands.items() if band in _BAND_RANK)
        good_share = round(100.0 * bands.get("good", 0) / with_band, 1) if with_band else None
        good_trend = []
        for a in assignments:
            ranked = [_miti(st.assignments[a.name], MIN_BAND_REPLIES).band for st in self.students.values() if a.name in st.assignments]
            have = [b for b in ranked if b in _BAND_RANK]
            good_trend.append(round(100.0 * have.count("good") / len(have), 1) if have else None)
        return Overview(
            students=Figure(value=len(self.students), trend=_trend([a.students for a in assignments])),
            replies=Figure(value=self.total.n, trend=_trend([a.replies for a in assignments])),
            mean_score=Figure(value=self.total.mean(), trend=_trend([a.mean_score for a in assignments])),
            pass_rate=Figure(value=self.total.pass_rate(), trend=_trend([a.pass_rate for a in assignments])),
            rq_ratio=Figure(value=self.total.metrics().rq_ratio, trend=_trend([a.miti.rq_ratio for a in assignments])),
            percent_complex=Figure(value=self.total.metrics().percent_complex, trend=_trend([a.miti.percent_complex for a in assignments])),
            miti=_miti(self.total, min_replies=1),
            bands={band: bands.get(band, 0) for band in ("good", "fair", "below fair", "n/a", "too few replies") if bands.get(band, 0) or band in _BAND_RANK},
            good_band_share=Figure(value=good_share, trend=_trend(good_trend)),
        )

    def _student(self, name: str, student: _Student, assignments: list[str]) -> StudentRow:
        totals = _Totals.sum(student.assignments.values())
        top = student.roadblocks.most_common(1)
        skills = {}
        mastered = []
        for skill in self.skill_names:
            small = student.skills.get(skill)
            skills[skill] = small.mean() if small else None
            if small and small.n >= MIN_MASTERY_REPLIES and small.total / small.n >= MASTERY_SCORE:
                mastered.append(skill)
        worst = [entry[2] for entry in sorted(student.worst, key=lambda e: (-e[0], -e[1]))]
        return StudentRow(
            name=name,
            replies=totals.n,
            mean_score=totals.mean() or 0.0,
            pass_rate=totals.pass_rate() or 0.0,
            miti=_miti(totals, MIN_BAND_REPLIES),
            top_roadblock=top[0][0] if top else None,
            top_roadblock_count=top[0][1] if top else 0,
            trend=_trend([student.assignments[a].mean() if a in student.assignments else None for a in assignments]),
            skills=skills,
            mastered=mastered,
            disputed=student.disputed,
            worst=[_shown(r) for r in worst],
        )

    def _turn(self, key: tuple[str, str], turn: _Turn) -> TurnRow:
        top = _top(turn.roadblocks)
        example = turn.examples.get(top[0]) if top else None
        return TurnRow(
            scenario=key[0],
            title=self._title(key[0]),
            turn=key[1],
            skill=turn.skill,
            replies=turn.small.n,
            students=len(turn.students),
            mean_score=turn.small.mean() or 0.0,
            pass_rate=round(100.0 * turn.small.passes / turn.small.n, 1),
            behaviour_mix=dict(turn.behaviours.most_common()),
            top_roadblock=top[0] if top else None,
            top_roadblock_count=top[1] if top else 0,
            example=Example(student=example.student, text=example.text, where=example.where) if example else None,
        )

    def _scenarios(self, turns: list[TurnRow]) -> list[ScenarioRow]:
        grouped: dict[str, list[tuple[str, _Turn]]] = {}
        for (scenario, turn_id), turn in self.turns.items():
            grouped.setdefault(scenario, []).append((turn_id, turn))
        hardest: dict[str, str] = {}
        for row in turns:  # already hardest first
            hardest.setdefault(row.scenario, row.turn)
        rows = []
        for scenario, items in grouped.items():
            n = sum(t.small.n for _, t in items)
            total = sum(t.small.total for _, t in items)
            passes = sum(t.small.passes for _, t in items)
            behaviours: Counter[str] = Counter()
            roadblocks: Counter[str] = Counter()
            for _, t in items:
                behaviours.update(t.behaviours)
                roadblocks.update(t.roadblocks)
            top = _top(roadblocks)
            rows.append(
                ScenarioRow(
                    scenario=scenario,
                    title=self._title(scenario),
                    turns=len(items),
                    replies=n,
                    mean_score=round(total / n, 1),
                    pass_rate=round(100.0 * passes / n, 1),
                    behaviour_mix=dict(behaviours.most_common()),
                    top_roadblock=top[0] if top else None,
                    top_roadblock_count=top[1] if top else 0,
                    hardest_turn=hardest[scenario],
                )
            )
        return sorted(rows, key=lambda r: (r.pass_rate, r.mean_score, r.scenario))

    def _skills(self, students: list[StudentRow], assignments: list[str]) -> list[SkillRow]:
        rows = []
        for skill in self.skill_names:
            small = _Small()
            learners = 0
            eligible = 0
            mastered = 0
            for st in self.students.values():
                s = st.skills.get(skill)
                if s is None:
                    continue
                learners += 1
                small.n += s.n
                small.total += s.total
                small.passes += s.passes
                if s.n >= MIN_MASTERY_REPLIES:
                    eligible += 1
                    mastered += s.total / s.n >= MASTERY_SCORE
            rows.append(
                SkillRow(
                    skill=skill,
                    label=skill.replace("_", " "),
                    replies=small.n,
                    students=learners,
                    mean_score=small.mean() or 0.0,
                    pass_rate=round(100.0 * small.passes / small.n, 1) if small.n else 0.0,
                    mastered_students=mastered,
                    mastery_rate=round(100.0 * mastered / eligible, 1) if eligible else None,
                    trend=_trend([(self.assignment_skills[a].get(skill) or _Small()).mean() for a in assignments]),
                )
            )
        return rows

    def _roadblocks(self, assignments: list[str]) -> list[RoadblockRow]:
        rows = []
        for kind, n in sorted(self.roadblock_replies.items(), key=lambda kv: (-kv[1], kv[0])):
            per = []
            for a in assignments:
                replies = self.assignments[a].n
                per.append(round(100.0 * self.assignment_roadblocks[a].get(kind, 0) / replies, 1) if replies else None)
            rows.append(
                RoadblockRow(
                    kind=kind,
                    replies=n,
                    students=len(self.roadblock_students[kind]),
                    share=round(100.0 * n / self.total.n, 1) if self.total.n else 0.0,
                    trend=_trend(per),
                )
            )
        return rows


def _small(table: dict[str, _Small], key: str) -> _Small:
    found = table.get(key)
    if found is None:
        found = table[key] = _Small()
    return found


def _skill_names(acc: Accumulator) -> list[str]:
    seen = {skill for st in acc.students.values() for skill in st.skills}
    ordered = [s for s in SKILL_ORDER if s in seen]
    return ordered + sorted(seen - set(SKILL_ORDER))


def _top(counter: Counter[str]) -> tuple[str, int] | None:
    if not counter:
        return None
    return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))


def _trend(values: Iterable[float | int | None]) -> Trend:
    vals = [None if v is None else float(v) for v in values]
    present = [v for v in vals if v is not None]
    change = round(present[-1] - present[0], 2) if len(present) >= 2 else None
    return Trend(values=vals, change=change)


def _miti(totals: _Totals, min_replies: int) -> Miti:
    m = totals.metrics()
    if totals.n < min_replies:
        band = "too few replies"
    elif m.rq_band == "n/a" or m.percent_complex_band == "n/a":
        band = "n/a"
    else:
        band = min(m.rq_band, m.percent_complex_band, key=lambda b: _BAND_RANK[b])
    return Miti(
        rq_ratio=m.rq_ratio,
        rq_band=m.rq_band,
        percent_complex=m.percent_complex,
        percent_complex_band=m.percent_complex_band,
        band=band,
        reflections=m.reflections,
        questions=m.questions,
        complex_reflections=m.complex_reflections,
    )


def _shown(reply: Reply) -> ReplyShown:
    from empathy_coach.reports.evidence import segments

    full = reply.full()
    fb = full.feedback
    evidence = segments(full.text, fb.rules, fb.roadblocks)
    missed = [f"{r.id}: {r.message}" for r in fb.rules if r.points < r.max_points or not r.passed]
    roadblocks = [f"{r.kind}: “{r.text}”" for r in fb.roadblocks]
    return ReplyShown(
        student=reply.student,
        assignment=reply.assignment,
        scenario=reply.scenario,
        turn=reply.turn,
        score=reply.score,
        passed=reply.passed,
        behaviour=reply.behaviour,
        text=full.text,
        text_complete=full.complete,
        evidence=[Evidence(s[0], s[1], list(s[2])) for s in evidence],
        feedback=ReplyFeedback(missed=missed, tips=list(fb.tips), roadblocks=roadblocks),
        where=reply.where,
    )


def _dispute(reply: Reply) -> Dispute:
    return Dispute(
        student=reply.student,
        assignment=reply.assignment,
        scenario=reply.scenario,
        turn=reply.turn,
        score=reply.score,
        passed=reply.passed,
        note=reply.dispute or "",
        text=reply.text,
        where=reply.where,
    )


# ------------------------------------------------------------------ the whole run


class NothingUsable(Exception):
    """No input held a usable record: the command exits 2 with the reasons."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def build(
    inputs: list[str],
    *,
    title: str = "Class report",
    skill_of: Callable[[str, str], str | None] | None = None,
    title_of: Callable[[str], str | None] | None = None,
    stdin: Any = None,
) -> ClassReport:
    """Read every input and compute the report. Raises NothingUsable when no record was usable."""
    import gc

    files = expand(inputs)
    acc = Accumulator(skill_of, title_of)
    # Streaming allocates and frees a record at a time and builds no cycle: the cyclic
    # collector's passes over the growing totals would only cost time (about a quarter of it).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _read_all(files, acc, stdin)
    finally:
        if collecting:
            gc.enable()
    if not files:
        raise NothingUsable(["no input: name .jsonl or .json files (or folders of them)"])
    if not any(t.n for t in acc.assignments.values()):
        reasons = [f"{loc.where}: {loc.message}" for loc in acc.shown[:5]] or ["the inputs hold no record"]
        raise NothingUsable(reasons)
    return acc.report(title, files)


def _read_all(files: list[str], acc: Accumulator, stdin: Any) -> None:
    for path in files:
        try:
            for item in read(path, stdin):
                if isinstance(item, BadRecord):
                    acc.bad(item)
                else:
                    acc.add(item)
        except Unreadable as exc:
            where, _, why = str(exc).partition(": ")
            acc.bad(BadRecord(where, why, "unreadable"))


def report_schema() -> dict:
    """The JSON Schema of `report --format json` (`empathy-coach schema report`)."""
    import msgspec

    schema = msgspec.json.schema(ClassReport)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def behaviour_label(code: str) -> str:
    return BEHAVIOUR_LABELS.get(code, code.replace("_", " "))


def group_label(key: str) -> str:
    for k, label, _ in BEHAVIOUR_GROUPS:
        if k == key:
            return label
    return key


def skill_resolver(bank_paths: list[str]) -> tuple[Callable[[str, str], str | None], list[str]]:
    """(the target skill of a scenario's turn, the problems met loading the banks): see `BankLookup`."""
    lookup = BankLookup(bank_paths)
    return lookup.skill, lookup.problems


class BankLookup:
    """What `grade` output does not carry and the banks know: each turn's target skill and each
    scenario's title.

    The catalog (the given banks, the user's, the built-in ones) is loaded on the first record
    that needs it, and a bank that cannot be loaded leaves its turns' skill unknown rather than
    stopping the report (its problems are kept in `problems`)."""

    def __init__(self, bank_paths: list[str]) -> None:
        self.bank_paths = bank_paths
        self.problems: list[str] = []
        self._catalog: Any = None

    def _ref(self, scenario: str):
        if self._catalog is None:
            from pathlib import Path

            from empathy_coach.banks.catalog import Catalog

            self._catalog = Catalog.discover([Path(p) for p in self.bank_paths], strict=False)
            self.problems.extend(str(p) for p in self._catalog.errors())
        try:
            return self._catalog.find_scenario(scenario)
        except KeyError:
            return None

    def skill(self, scenario: str, turn: str) -> str | None:
        ref = self._ref(scenario)
        found = ref.scenario.turn(turn) if ref is not None else None
        return None if found is None else str(found.skill)

    def title(self, scenario: str) -> str | None:
        ref = self._ref(scenario)
        return None if ref is None else ref.scenario.title
