"""Atomic file writes: the one way the tool writes a file. Cheap to import; every layer may use it.

The bytes go to a temporary file in the target's folder, are flushed and fsynced, and the
temporary file is renamed over the target. A failure at any point (a full disk, `ulimit -f`, an
exception in the producer, a kill) leaves the old file as it was; on an exception the temporary
file is removed as well. A target that exists but is not a regular file (`/dev/stdout`,
`/dev/null`, a pipe) is written in place: renaming over a device would replace the device.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_PREFIX = ".empathy-coach-"
TEMP_SUFFIX = ".tmp"


class WriteError(OSError):
    """A file (or standard output) could not be written: told in one line, exit 2."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(reason)
        self.target = target
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {self.target}: {self.reason}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


def _regular_or_missing(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return True
    except OSError:
        return True  # let the write itself report what is wrong


@contextlib.contextmanager
def _file_size_signal_ignored() -> Iterator[None]:
    # Past `ulimit -f`, SIGXFSZ would kill the process before it can clean up; ignored, the
    # write fails with EFBIG instead and the temporary file is removed.
    try:
        previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    except (AttributeError, ValueError):  # not on this platform, or not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGXFSZ, previous)


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike[str], *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary handle whose bytes replace `target` only when the block ends without an exception.

    Raises WriteError (an OSError) when the file cannot be written; the old file is untouched
    and no temporary file is left behind.
    """
    shown = os.fspath(target)
    path = Path(target)
    if path.is_symlink():  # replace the file the link points at, and keep the link
        path = Path(os.path.realpath(path))
    with _file_size_signal_ignored():
        if not _regular_or_missing(path):
            try:
                handle = open(path, "wb")
            except OSError as exc:
                raise WriteError(shown, _reason(exc)) from None
            try:
                yield handle
                handle.flush()
            except OSError as exc:
                with contextlib.suppress(OSError):
                    handle.close()
                raise WriteError(shown, _reason(exc)) from None
            try:
                handle.close()
            except OSError as exc:
                raise WriteError(shown, _reason(exc)) from None
            return
        import tempfile  # here, not at the top: every command imports this module at start-up

        folder = path.parent if str(path.parent) else Path(".")
        try:
            fd, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
        except OSError as exc:
            raise WriteError(shown, _reason(exc)) from None
        handle = os.fdopen(fd, "wb")
        try:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.chmod(temporary, mode if mode is not None else _mode_for(path))
            os.replace(temporary, path)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                handle.close()
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            if isinstance(exc, OSError) and not isinstance(exc, WriteError):
                raise WriteError(shown, _reason(exc)) from None
            raise
    _sync_folder(folder)


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or what a plain open() would give under the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(target: str | os.PathLike[str], data: bytes | str) -> None:
    """Replace `target` with `data` (text is written as UTF-8), atomically."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_output(target) as handle:
        handle.write(data)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two spellings name one file: the same path, a symlink or a hard link to it."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except (OSError, ValueError):
        return os.path.realpath(a) == os.path.realpath(b)
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)
