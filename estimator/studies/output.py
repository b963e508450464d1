"""Result files: written atomically with the usual permissions, never over an input.

A results file is written to a temporary file beside it (created with mode 0666 minus the
umask, as any file a program writes) and renamed into place, so a reader never sees half a
file. CSV for ``.csv``, JSON otherwise (NaN written as null: valid JSON).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from estimator.errors import ConfigError
from estimator.jsonout import check_numbers, to_json
from estimator.studies.columns import Columns
from estimator.studies.report import to_csv


def check_output(
    path: str | Path, inputs: Iterable[str | Path] = (), *, option: str = "-o"
) -> Path:
    """``path`` as a Path, checked before any work: ConfigError naming ``option`` if it is a
    directory, a symlink loop, in a missing directory, or one of the ``inputs`` (an output
    never replaces the file it was computed from)."""
    output = Path(path)
    name = repr(str(path))
    _refuse_special(output, option)
    if not output.parent.is_dir():
        raise ConfigError(option, f"no directory {str(output.parent)!r} to write {name} in")
    refuse_inputs(output, inputs, option=option)
    return output


def refuse_inputs(output: Path, inputs: Iterable[str | Path], *, option: str = "-o") -> None:
    """ConfigError when ``output`` (or its partial file) is one of the ``inputs``."""
    targets = {_identity(output), _identity(Path(f"{output}.partial"))}
    for given in inputs:
        if _identity(Path(given)) in targets:
            raise ConfigError(
                option, f"{str(output)!r} is an input of this run; choose another file"
            )


def write_rows(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """CSV for ``.csv``, JSON (a list of objects) otherwise, written atomically."""
    if path.suffix == ".csv":
        check_numbers(list(rows))
        text = to_csv(rows)
    else:
        text = to_json(list(rows), indent=1) + "\n"
    write_text(path, text)


def write_columns(path: Path, columns: Columns) -> None:
    """As ``write_rows(path, columns.rows())``; CSV straight from the columns (fast)."""
    if path.suffix == ".csv":
        for name, column in columns.data.items():
            if column.dtype.kind in "iuf" and len(column):  # the rule of jsonout, per column
                finite = column[np.isfinite(column)]
                if len(finite):
                    check_numbers({name: [float(finite.min()), float(finite.max())]})
        write_text(path, columns.to_csv())
    else:
        write_rows(path, columns.rows())


def write_text(path: Path, text: str) -> None:
    """Write ``text`` beside ``path`` and rename it into place (permissions: the umask's).

    Raises:
        ConfigError: ``path`` exists and is not a regular file (the rename would replace a
            device such as /dev/null, a pipe or a socket) or is a symlink loop.
    """
    _refuse_special(path, "-o")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _refuse_special(path: Path, option: str) -> None:
    """ConfigError unless ``path`` is missing or a regular file (a link to one is fine)."""
    name = repr(str(path))
    try:
        info = os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ConfigError(option, f"cannot write {name}: it is a symlink loop") from None
        return  # missing (or a dangling link): written as a new file
    if stat.S_ISDIR(info.st_mode):
        raise ConfigError(option, f"{name} is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(
            option,
            f"{name} is not a regular file (a device, pipe or socket); results are written "
            "atomically to files",
        )


def _identity(path: Path) -> tuple[int, int] | str:
    """The file a path names: (device, inode) when it exists, else its absolute path."""
    try:
        stat = path.stat()
        return (stat.st_dev, stat.st_ino)
    except OSError:
        try:
            return str(path.resolve())
        except (OSError, RuntimeError):  # a symlink loop: the path itself
            return str(path.absolute())
