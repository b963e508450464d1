"""Reading input files the user names: regular files of bounded size, UTF-8 text, JSON and
TOML of bounded nesting.

Every file the tool reads (configs, calibrations, partial results to resume, reference points,
check matrices and graphs, result files to plot, summaries) comes through ``read_text``, and
its JSON or TOML through ``read_json`` / ``parse_toml``. Every problem is a one-line
ConfigError naming the field: a device such as /dev/zero, a pipe, a directory or a symlink
loop given as a file, a file too large to be an input (checked before reading), bytes that are
not UTF-8, malformed JSON or TOML, NaN or infinities in JSON, nesting deeper than MAX_DEPTH.
Standard library only (the CLI imports it at start-up cost)."""

from __future__ import annotations

import json
import stat
import tomllib
from pathlib import Path
from typing import Any, BinaryIO

from estimator.errors import ConfigError

MAX_INPUT_BYTES = 16 * 2**20
"""Largest input file read (configs and matrix files are a few kilobytes)."""
MAX_DEPTH = 16
"""Deepest nesting of tables and arrays in a JSON or TOML input (configs use 4)."""


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


def read_json(path: str | Path, *, field: str, max_bytes: int = MAX_INPUT_BYTES) -> Any:
    """The JSON data of the file ``path`` (read_text), strict JSON nested at most MAX_DEPTH.

    Raises:
        ConfigError: (naming ``field``) as read_text, or malformed JSON, NaN or an infinity,
            or nesting too deep.
    """
    source = repr(str(path))
    text = read_text(path, field=field, max_bytes=max_bytes)
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ConfigError(
            field,
            f"{source} is not JSON (malformed or truncated: {error.msg}, line {error.lineno})",
        ) from None
    except RecursionError:
        raise ConfigError(field, f"{source} nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # NaN or Infinity, or an integer of more than 4300 digits
        raise ConfigError(field, f"{source}: {error}") from None
    if nesting_depth(data) > MAX_DEPTH:
        raise ConfigError(field, f"{source} nests deeper than {MAX_DEPTH} levels")
    return data


def parse_toml(text: str, *, field: str, source: str) -> dict[str, Any]:
    """TOML text as data, nested at most MAX_DEPTH deep; ConfigError naming ``field`` if not."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(field, f"malformed TOML in {source}: {error}") from None
    except RecursionError:
        raise ConfigError(field, f"{source} nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise ConfigError(field, f"malformed TOML in {source}: {error}") from None
    if nesting_depth(data) > MAX_DEPTH:
        raise ConfigError(field, f"{source} nests deeper than {MAX_DEPTH} levels")
    return data


def read_toml(path: str | Path, *, field: str) -> dict[str, Any]:
    """The TOML data of the file ``path`` (read_text, parse_toml)."""
    return parse_toml(read_text(path, field=field), field=field, source=repr(str(path)))


def nesting_depth(value: Any) -> int:
    """Nesting depth of tables and arrays, up to MAX_DEPTH + 1 (iterative: may be deep)."""
    deepest, stack = 0, [(value, 0)]
    while stack and deepest <= MAX_DEPTH:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item
        children = children if isinstance(item, dict | list) else ()
        stack += [(c, depth + 1) for c in children if isinstance(c, dict | list)]
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")
