"""Sources in, scored records out, in input order, with the summaries tallied on the way.

The grader never prints: `run()` yields each graded record (its JSON encoding and a light
view) as soon as it is scored, and `summary()` gives the per-group and overall figures at the end.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import msgspec

from empathy_coach.grading import records as rec
from empathy_coach.grading.pool import effective_jobs, ordered_map
from empathy_coach.grading.sources import AnswersSource, JsonlSource, Source
from empathy_coach.grading.summary import GradeSummary, Tallies
from empathy_coach.problems import InputError, Problem
from empathy_coach.scoring.result import ScoredRecord

CHUNK_RECORDS = 256
CHUNK_BYTES = 4 * 1024 * 1024


@dataclass
class GradeOptions:
    banks: list[str] = field(default_factory=list)
    pass_score: float | None = None  # None: each rubric's own pass mark
    min_pass_rate: float = 100.0  # percent of a group's records that must pass
    strict: bool = False  # a record error stops the run (RecordError)
    jobs: int = 1  # 0: every core


class RecordError(Exception):
    """With --strict: the first record that could not be scored, located."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class GradedRecord:
    """One record as it leaves the grader; `record()` decodes the full ScoredRecord on demand."""

    data: bytes
    light: rec.Light
    file: str
    source_index: int

    def record(self) -> ScoredRecord:
        return _DECODER.decode(self.data)


_DECODER = msgspec.json.Decoder(ScoredRecord)


class Grader:
    def __init__(self, options: GradeOptions, progress: Callable[[int, int], None] | None = None) -> None:
        self.options = options
        self.resolver = rec.Resolver(list(options.banks), options.pass_score)
        self.tallies = Tallies()
        self.progress = progress
        self.bytes_read = 0
        self.records = 0

    def prepare(self, sources: list[Source]) -> None:
        """Load the banks now when they will be needed, so their errors come before any output."""
        if self.options.banks or any(isinstance(s, AnswersSource) for s in sources):
            self.resolver.catalog()

    def run(self, sources: list[Source]) -> Iterator[GradedRecord]:
        self.prepare(sources)
        rec.install(self.resolver)
        jobs = effective_jobs(self.options.jobs)
        tasks = self._chunks(sources)
        results = ordered_map(rec.grade_chunk, tasks, jobs, rec.install, (self.resolver,))
        seen: dict[int, set[str]] = {}
        for chunk, result in self._paired(results):
            if result.fatal:
                raise InputError(result.fatal)
            source_index, source = chunk
            ids = seen.setdefault(source_index, set())
            if len(seen) > 1:  # only the current source's ids are needed
                for old in [k for k in seen if k != source_index]:
                    del seen[old]
            for data, light in result.graded:
                if light.id:
                    if light.id not in ids:
                        ids.add(light.id)
                    else:  # a duplicate is said first, whatever else is wrong with the record
                        data, light = self._duplicate(data, light)
                if light.error is not None and self.options.strict:
                    raise RecordError(Problem(source.file, light.line, 0, light.error, "record"))
                self.tallies.add(source_index, source.file, light)
                self.records += 1
                yield GradedRecord(data, light, source.file, source_index)
            if self.progress is not None:
                self.progress(self.bytes_read, self.records)
        for source_index, source in enumerate(sources):
            student = source.student if isinstance(source, AnswersSource) else None
            self.tallies.ensure(source_index, source.file, student)

    def summary(self) -> GradeSummary:
        return self.tallies.summary(self.options.pass_score, self.options.min_pass_rate)

    # ------------------------------------------------------------ internals

    def _chunks(self, sources: list[Source]) -> Iterator[rec.Chunk]:
        """Chunks for the workers; `_pending` remembers which source each belongs to, in order."""
        self._pending: deque[tuple[int, Source]] = deque()
        for source_index, source in enumerate(sources):
            if isinstance(source, AnswersSource):
                items = iter(source.items)
                while batch := list(islice(items, CHUNK_RECORDS)):
                    self._pending.append((source_index, source))
                    yield rec.Chunk(source.file, source.student, batch)
                self.bytes_read += source.size
                continue
            yield from self._jsonl_chunks(source_index, source)

    def _jsonl_chunks(self, source_index: int, source: JsonlSource) -> Iterator[rec.Chunk]:
        batch: list[tuple[int, bytes]] = []
        size = 0
        for number, raw in source.lines():
            batch.append((number, raw))
            size += len(raw)
            self.bytes_read += len(raw)
            if len(batch) >= CHUNK_RECORDS or size >= CHUNK_BYTES:
                self._pending.append((source_index, source))
                yield rec.Chunk(source.file, None, batch)
                batch, size = [], 0
        if batch:
            self._pending.append((source_index, source))
            yield rec.Chunk(source.file, None, batch)

    def _paired(self, results: Iterator[rec.ChunkResult]) -> Iterator[tuple[tuple[int, Source], rec.ChunkResult]]:
        # Results come back in task order; the task generator has always produced (and
        # recorded) a chunk before its result can arrive.
        for result in results:
            yield self._pending.popleft(), result

    def _duplicate(self, data: bytes, light: rec.Light) -> tuple[bytes, rec.Light]:
        record = _DECODER.decode(data)
        item = rec.Item(light.line, id=light.id, scenario=record.scenario, turn=record.turn, student=record.student)
        message = f"duplicate id '{light.id}': already used by an earlier record of this input"
        if light.error is not None and not light.error.startswith("duplicate id"):
            message += f"; also: {light.error}"
        error = rec.error_record(item, record.file or "", message)
        return rec.encode(error), rec.light(error)
