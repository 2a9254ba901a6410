"""Read an experiment file safely: regular files only, at most `MAX_FILE_BYTES`, never blocking.

A path given to `validate`, `run`, `suite` or `list` may name anything: a named pipe (whose
open would wait for a writer for ever), a device such as `/dev/zero` (endless), a directory,
or a file of gigabytes. The file is opened with `O_NONBLOCK` (so opening a FIFO returns at
once) and checked with `fstat` on the opened descriptor before any byte is read (so what is
read is what was checked); at most `MAX_FILE_BYTES + 1` bytes are ever read, so a file that
grows after the check is refused too. Every refusal is a one-line `FileRefusedError` reason.
This module must not parse YAML nor judge the content.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from harness.errors import ConfigError

MAX_FILE_BYTES = 1024 * 1024
"""An experiment is a page of YAML; anything over 1 MiB is a mistake (or an attack)."""
SIZE_TEXT = "1 MiB"

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileRefusedError(ConfigError):
    """The file cannot be an experiment file; the message is the one-line reason."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is ("a named pipe"), None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for is_kind, name in _KINDS if is_kind(mode)), "not a file")


def _refusal(mode: int, size: int) -> str | None:
    kind = _kind(mode)
    if kind is not None:
        return f"not a regular file ({kind})"
    if size > MAX_FILE_BYTES:
        return f"larger than {SIZE_TEXT} ({size:,} bytes); an experiment file is a page of YAML"
    return None


def check_path(path: Path) -> None:
    """Raise `FileRefusedError` when `path` is missing or cannot be an experiment file (no open)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileRefusedError("no such file") from None
    except OSError as exc:
        raise FileRefusedError(f"cannot read: {exc.strerror or exc}") from None
    reason = _refusal(info.st_mode, info.st_size)
    if reason is not None:
        raise FileRefusedError(reason)


def read_bounded(path: Path) -> bytes:
    """The bytes of the regular file `path` (at most `MAX_FILE_BYTES`), or `FileRefusedError`."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileRefusedError("no such file") from None
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.EISDIR):  # a socket, or a directory opened to read
            check_path(path)
        raise FileRefusedError(f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        reason = _refusal(info.st_mode, info.st_size)
        if reason is not None:
            raise FileRefusedError(reason)
        return _read_at_most(fd)
    finally:
        os.close(fd)


def _read_at_most(fd: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        try:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - total)
        except OSError as exc:
            raise FileRefusedError(f"cannot read: {exc.strerror or exc}") from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            raise FileRefusedError(f"larger than {SIZE_TEXT}; an experiment file is a page of YAML")
