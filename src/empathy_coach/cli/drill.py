"""`empathy-coach drill`: practise dialogues turn by turn, with feedback after every reply.

Thin: it picks the scenarios (practice/plan), runs the state machine (practice/session) on lines
read from stdin, and hands the events to a view (reports/drill_view).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from empathy_coach.cli.common import UsageError, bank_paths, color_allowed, guarded, tolerant_stdin
from empathy_coach.literal import writable

if TYPE_CHECKING:
    import threading


def register(app: typer.Typer) -> None:
    app.command("drill")(drill_command)


@guarded
def drill_command(
    scenarios: list[str] | None = typer.Argument(None, metavar="[SCENARIO]...", help="Scenario ids to practise (see `empathy-coach list`); none: "
                                                                                     "today's practice."),
    bank: list[str] | None = typer.Option(None, "--bank", "-b", help="A bank file or folder to practise from (repeatable)."),
    tag: list[str] | None = typer.Option(None, "--tag", "-t", help="Only scenarios with this tag (repeatable: all must match)."),
    skill: str | None = typer.Option(None, "--skill", "-s", help="Only scenarios with a turn that trains this skill."),
    difficulty: str | None = typer.Option(None, "--difficulty", "-d", help="beginner, intermediate or advanced."),
    count: int = typer.Option(3, "--count", "-n", min=1, help="How many scenarios today's practice takes."),
    plain: bool = typer.Option(False, "--plain", help="Linear text without boxes or bars (also with NO_COLOR or when not on a terminal)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Feedback on every rule, passed or missed, and every tip (/why shows it for one reply)."),
    resume: bool = typer.Option(False, "--resume", help="Continue the scenario you left unfinished, at the turn where you stopped."),
    last_failed: bool = typer.Option(False, "--last-failed", "--lf", help="Replay the turns you did not pass in your last session, one by one."),
) -> None:
    """Practise reflective listening: the client speaks, you reply, the reply is scored and explained.

    Enter submits a reply; end a line with \\ to go on to the next line. In the drill: /hint,
    /example, /retry, /skip, /why, /flag [note], /quit, /help. Every scored reply is saved at once; Ctrl-C or end of
    input ends the drill with a summary.
    """
    from empathy_coach.banks.models import DIFFICULTIES, SKILLS
    from empathy_coach.content.catalog import drill_catalog
    from empathy_coach.practice import plan

    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise UsageError(f"--difficulty: expected one of {', '.join(DIFFICULTIES)}, found '{difficulty}'")
    if skill is not None and skill not in SKILLS:
        raise UsageError(f"--skill: expected one of {', '.join(SKILLS)}, found '{skill}'")
    if resume and last_failed:
        raise UsageError("drill: --resume and --last-failed are alternatives: choose one")
    if (resume or last_failed) and scenarios:
        raise UsageError(f"drill: {'--resume' if resume else '--last-failed'} picks the scenarios itself: name none")
    catalog = drill_catalog(bank_paths(bank))
    items = None
    if resume or last_failed:
        with _open_store() as past:
            try:
                items = (plan.resume if resume else plan.last_failed)(catalog, past)
            except plan.NothingToResume as exc:
                raise UsageError(f"drill: {exc}") from None
    elif scenarios:
        try:
            items = plan.named(catalog, scenarios)
        except plan.UnknownScenario as exc:
            raise UsageError(f"drill: {exc}") from None
    else:
        candidates = [r for r in plan.pool(catalog) if plan.matches(r, tags=tag or [], difficulty=difficulty, skill=skill)]
        if not candidates:
            raise UsageError("drill: no scenario matches --tag/--skill/--difficulty (see `empathy-coach list`)")

    from empathy_coach.practice.session import Drill

    # Today's practice needs the schedule before the first line; named scenarios open the store after it.
    store = _open_store() if items is None else None
    warm = _Warm(catalog)
    drill = None
    try:
        if items is None:
            items = plan.todays_plan(candidates, store, count=count)
        interactive = sys.stdin.isatty()
        view = _view(plain or not (color_allowed() and interactive and sys.stdout.isatty()), interactive, verbose)
        drill = Drill(items, scorer=warm.scorer, banks=sorted({i.ref.bank.id for i in items}), store=store, journal=_journal())

        def after_first_line() -> None:
            # What the first line need not wait for: the store, and the scorer (built while the student reads).
            if drill.store is None:
                drill.store = _open_store()
            if drill.store.notice:
                view.notice(drill.store.notice)
            if not drill.finished:
                warm.start(drill.current_ref)

        run(drill, view, _reader(interactive), after_start=after_first_line)
    finally:
        warm.wait()
        opened = drill.store if drill is not None else store
        if opened is not None:
            opened.close()


def _open_store():
    """The progress database, with the replies an earlier drill could not save stored now."""
    from empathy_coach.paths import user_home
    from empathy_coach.practice.progress import open_store
    from empathy_coach.store.journal import replay

    store = open_store()
    stored, left = replay(store, user_home())
    if stored or left:
        told = f"{stored} repl{'y' if stored == 1 else 'ies'} from an earlier session that could not be saved then {'is' if stored == 1 else 'are'} saved now"
        if left:
            told += f"; {left} still could not be saved and stay in the journal"
        store.notice = f"{store.notice}; {told}" if store.notice else told
    return store


def _journal():
    from empathy_coach.paths import user_home
    from empathy_coach.store.journal import Journal, journal_path

    return Journal(journal_path(user_home()))


class _Warm:
    """Builds the first scenario's scorer in a thread while the student reads the client's words."""

    def __init__(self, catalog) -> None:
        self.catalog = catalog
        self.thread: threading.Thread | None = None

    def start(self, ref) -> None:
        import threading

        self.thread = threading.Thread(target=self._build, args=(ref,), daemon=True)
        self.thread.start()

    def _build(self, ref) -> None:
        try:
            self.scorer(ref, wait=False)
            from empathy_coach.reports import feedback  # noqa: F401
        except Exception:
            pass  # the main thread builds it again and reports any problem

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join(timeout=5)

    def scorer(self, ref, wait: bool = True):
        from empathy_coach.scoring.engine import scorer_for

        if wait:
            self.wait()
        return scorer_for(self.catalog, ref)


def _view(plain: bool, interactive: bool, verbose: bool = False):
    from empathy_coach.reports.drill_view import PlainView, RichView

    if plain:
        return PlainView(prompts=interactive, verbose=verbose)
    from empathy_coach.cli.common import console

    return RichView(console(), verbose=verbose)


def _reader(interactive: bool) -> Callable[[str], str]:
    tolerant_stdin()
    if interactive:

        def ask(prompt: str) -> str:
            try:
                import readline  # noqa: F401  (line editing and history for input(); imported after the first line)
            except ImportError:
                pass
            return writable(input(prompt))

        return ask

    def read(prompt: str) -> str:
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return writable(line)

    return read


def run(drill, view, read: Callable[[str], str], after_start: Callable[[], None] | None = None) -> None:
    """Lines in until the drill ends, /quit, end of input or Ctrl-C; the summary always comes out."""
    from empathy_coach.practice.session import LineAssembler

    lines = LineAssembler()
    try:
        view.show(drill.start())
        if after_start is not None:
            after_start()
        while not drill.finished:
            try:
                line = read(view.prompt(continuing=lines.pending))
            except EOFError:
                rest = lines.flush()
                if rest is not None and rest.strip():
                    view.show(drill.handle(rest))
                view.show(drill.finish("eof"))
                break
            text = lines.feed(line)
            if text is not None:
                view.show(drill.handle(text))
    except KeyboardInterrupt:
        view.interrupted()
        draft = lines.flush()
        if draft is not None and draft.strip():
            # Never lose what was typed: an unsent reply is given back, not scored.
            view.notice(f"your reply was not sent, so it was not scored; here it is to copy: {draft}")
        view.show(drill.finish("interrupt"))
