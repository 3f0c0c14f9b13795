"""Grading: answers files and JSON Lines in, scored records and summaries out, streaming.

    from empathy_coach.grading import Grader, GradeOptions, collect

    grader = Grader(GradeOptions(banks=["course/"], min_pass_rate=80))
    for graded in grader.run(collect(["answers/"])):
        print(graded.record().id, graded.light.passed)
    print(grader.summary().overall.pass_rate)

No printing and no typer or rich here: the CLI (`cli/grade.py`) renders with `reports/`.
"""

from __future__ import annotations

from empathy_coach.grading.grader import GradedRecord, GradeOptions, Grader, RecordError
from empathy_coach.grading.sources import collect

__all__ = ["GradeOptions", "GradedRecord", "Grader", "RecordError", "collect"]
