"""`empathy-coach coder eval|fit`: measure the behaviour coder on a programme's coded transcripts, or fit it to them."""

from __future__ import annotations

import math
import os
from enum import StrEnum
from pathlib import Path

import typer

from empathy_coach.cli.common import (
    EXIT_OK,
    ListFormat,
    UsageError,
    guarded,
    write_json,
)


class Part(StrEnum):
    develop = "develop"
    holdout = "holdout"
    all = "all"


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Measure the behaviour coder against coded transcripts, or fit it to them.", no_args_is_help=True,
                        rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})
    group.command("eval")(eval_command)
    group.command("fit")(fit_command)
    app.add_typer(group, name="coder")


FILES = typer.Argument(..., metavar="FILE...", help="JSON Lines of coded records: {id, client?, reply, code}, or corpus spans {answer, start, end, code}.")
CORPUS = typer.Option(None, "--corpus", help="The threads file whose answers corpus spans point into (CounselChat layout).")


@guarded
def eval_command(
    files: list[Path] = FILES,
    corpus: Path | None = CORPUS,
    coder: Path | None = typer.Option(None, "--coder", help="A coder file made by `coder fit` (default: the built-in coder)."),
    part: Part = typer.Option(Part.all, "--part", help="Which records to count, by their \"part\" field: develop, holdout or all."),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Agreement of the coder with your codes: 12-code and 4-class kappa, confusion matrix, precision and recall per code."""
    from empathy_coach.grading.coded import read_coded
    from empathy_coach.scoring.coder.evaluate import agreement
    from empathy_coach.scoring.coder.train import code_units

    coded = read_coded(files, corpus)
    model = _model(coder)
    gold, got, _ = code_units(model, coded, None if part is Part.all else part.value)
    if not gold:
        raise UsageError(f"coder eval: no records in part '{part.value}'")
    result = agreement(gold, got)
    if fmt is ListFormat.json:
        write_json(result.to_builtins())
    else:
        from empathy_coach.reports.coder import agreement_text

        print(agreement_text(result))
    raise typer.Exit(EXIT_OK)


@guarded
def fit_command(
    files: list[Path] = FILES,
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the fitted coder file (JSON)."),
    corpus: Path | None = CORPUS,
    part: Part = typer.Option(Part.develop, "--part", help="Learn only from records of this part (records without one are 'develop')."),
    bank: list[str] | None = typer.Option(
        None, "--bank", "-b", metavar="<path>", help="Also learn from the labelled examples and exemplars of these banks (files or folders)."
    ),
    epochs: int = typer.Option(20, "--epochs", min=1, max=200, help="Passes over the data."),
    span_weight: float = typer.Option(
        0.4, "--span-weight", min=0.01, max=10.0, help="Weight of a corpus sentence against a coded reply (replies are what the coder scores)."
    ),
) -> None:
    """Fit the coder's decision layer to coded records and write it as a coder file.

    Select it with a rubric's `coder:` key or `coder eval --coder FILE`. Nothing is written when the input is bad.
    """
    import msgspec

    from empathy_coach.cli.common import bank_paths
    from empathy_coach.grading.coded import read_coded
    from empathy_coach.literal import printable
    from empathy_coach.scoring.assets import unfitted_coder
    from empathy_coach.scoring.coder.fit import fit
    from empathy_coach.scoring.coder.train import examples

    banks: list[Path] = bank_paths(bank)  # given as text, not Path: typer would read '' as '.', the current folder
    if str(output) in ("", "-", ".") or not output.name:
        raise UsageError("coder fit: --output needs a file name")
    if not math.isfinite(span_weight):
        raise UsageError(f"coder fit: --span-weight expected a number from 0.01 to 10, found {span_weight}")
    if any(_same_file(output, f) for f in [*files, *([corpus] if corpus else []), *banks]):
        raise UsageError(printable(f"coder fit: --output {output} is one of the inputs; choose another file"))
    output = _output_file(output)
    coded = read_coded(files, corpus)
    if banks:
        from empathy_coach.grading.coded import bank_replies

        coded.replies.extend(bank_replies(banks))
    base = unfitted_coder()
    found = examples(base, coded, None if part is Part.all else part.value, span_weight=span_weight)
    if not found:
        raise UsageError("coder fit: no coded sentence to learn from (a reply of several sentences teaches only when its code is a question)")
    meta = {"inputs": [f.name for f in files] + [b.name for b in banks], "part": part.value, "span_weight": span_weight}
    weights = fit(found, epochs=epochs, rate=0.1, meta=meta)
    _write_atomic(output, msgspec.json.encode(weights.to_builtins()) + b"\n")
    print(printable(f"empathy-coach: fitted on {len(found)} coded sentences; {len(weights.rows)} features kept; written to {output}"))
    raise typer.Exit(EXIT_OK)


def _model(coder: Path | None):
    from empathy_coach.problems import InputError
    from empathy_coach.scoring.assets import builtin_coder, load_coder_weights

    if coder is None:
        return builtin_coder()
    try:
        load_coder_weights(coder)
    except ValueError as error:
        raise InputError.single(str(coder), str(error), "coder", 1, 1) from None
    return builtin_coder(str(coder.resolve()))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _output_file(output: Path) -> Path:
    """Where to write: through a symbolic link to its target; never over a folder, pipe or device."""
    import stat

    from empathy_coach.problems import InputError

    target = Path(os.path.realpath(output)) if output.is_symlink() else output
    try:
        mode = target.stat().st_mode
    except OSError:
        return target  # a new file: _write_atomic reports a folder that cannot take it
    if not stat.S_ISREG(mode):
        found = "a folder" if stat.S_ISDIR(mode) else "a pipe or device"
        raise InputError.single(str(output), f"expected --output to be a file name, found {found}", "io")
    return target


def _write_atomic(target: Path, data: bytes) -> None:
    import stat
    import tempfile

    from empathy_coach.problems import InputError

    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputError.single(str(target), f"cannot write: {error.strerror or error}", "io") from None
    try:
        with os.fdopen(handle, "wb") as out:
            # mkstemp makes the file private (0600): give it the mode of the file it replaces, or the usual one
            try:
                mode = stat.S_IMODE(target.stat().st_mode)
            except OSError:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
            os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InputError.single(str(target), f"cannot write: {error.strerror or error}", "io") from None
