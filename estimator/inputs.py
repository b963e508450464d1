"""Reading input files the user names: regular files of bounded size, UTF-8 text.

Every problem is a one-line ConfigError naming the field (a device such as /dev/zero, a pipe
or a directory given as a file, a file too large to be an input, bytes that are not UTF-8).
Standard library only (the CLI imports it at start-up cost)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any, BinaryIO

from estimator.errors import ConfigError

MAX_INPUT_BYTES = 16 * 2**20
"""Largest input file read (configs and matrix files are a few kilobytes)."""


def read_text(path: str | Path, *, field: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The text of the regular file ``path``, decoded as UTF-8 (a byte-order mark is allowed).

    Raises:
        ConfigError: (naming ``field``) the file is missing, unreadable, not a regular file,
            larger than ``max_bytes`` or not UTF-8.
    """
    name = repr(str(path))
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ConfigError(field, f"{name} is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(field, f"{name} is not a regular file (a device, pipe or socket)")
        if info.st_size > max_bytes:
            raise ConfigError(
                field, f"{name} has {info.st_size:,} bytes; an input file has at most {max_bytes:,}"
            )
        with path.open("rb") as handle:
            data = _read_at_most(handle, max_bytes + 1)
    except OSError as error:
        raise ConfigError(field, f"cannot read {name}: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise ConfigError(field, f"{name} has more than {max_bytes:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(
            field,
            f"{name} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save it as UTF-8",
        ) from None


def _read_at_most(handle: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, read in pieces (one read of ``size`` would allocate it at once)."""
    pieces = []
    while size > 0:
        piece = handle.read(min(size, 2**20))
        if not piece:
            break
        pieces.append(piece)
        size -= len(piece)
    return b"".join(pieces)
