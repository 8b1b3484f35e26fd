"""Reading a table of numbers from a CSV file, with errors that point at the cell.

The format ``badak train`` and ``badak predict`` accept: a header row of distinct column names,
then one row per sample, every cell a finite number (``1``, ``-0.5``, ``3e2``), separated by
commas. A problem is reported with the file, the line and the column: ``data.csv line 7,
column 'age': 'abc' is not a number``.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np

from badak.cli.arguments import UserError, existing_file

__all__ = ["read_csv", "write_csv"]


def read_csv(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
    """Return ``(column names, values of shape (rows, columns) float64)``.

    Raises
    ------
    UserError
        If the file is missing, empty, not UTF-8 text, has no data rows, duplicate or empty
        column names, a row of the wrong length, or a cell that is not a finite number.
    """
    p = existing_file(path, "the CSV file")
    where = os.fspath(p)
    try:
        with open(p, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None or not any(c.strip() for c in header):
                raise UserError(f"{where} is empty; expected a header row of column names, "
                                f"then rows of numbers")
            names = [c.strip() for c in header]
            _check_names(names, where)
            rows = []
            for row in reader:
                if not row or not any(c.strip() for c in row):
                    continue  # blank lines
                line = reader.line_num
                if len(row) != len(names):
                    raise UserError(f"{where} line {line} has {len(row)} cells; the header has "
                                    f"{len(names)} columns ({', '.join(names)})")
                rows.append([_number(c, where, line, name) for c, name in zip(row, names)])
    except UnicodeDecodeError:
        raise UserError(f"{where} is not a UTF-8 text file; expected a CSV file") from None
    except csv.Error as e:
        raise UserError(f"{where} is not a valid CSV file: {e}") from None
    if not rows:
        raise UserError(f"{where} has a header but no data rows")
    return names, np.array(rows, dtype=np.float64)


def _check_names(names: list[str], where: str) -> None:
    empty = [i + 1 for i, n in enumerate(names) if not n]
    if empty:
        raise UserError(f"{where}: the header has an empty column name (column {empty[0]}); "
                        f"every column needs a name")
    seen = set()
    for n in names:
        if n in seen:
            raise UserError(f"{where}: the header names the column {n!r} twice")
        seen.add(n)
    numeric = [n for n in names if _is_number(n)]
    if len(numeric) == len(names):
        raise UserError(f"{where}: the first line ({', '.join(names)}) looks like data, not "
                        f"column names; add a header row")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(cell: str, where: str, line: int, column: str) -> float:
    text = cell.strip()
    if not text:
        raise UserError(f"{where} line {line}, column {column!r}: the cell is empty; every cell "
                        f"must be a number")
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{where} line {line}, column {column!r}: {text!r} is not a "
                        f"number") from None
    if not math.isfinite(value):
        raise UserError(f"{where} line {line}, column {column!r}: {text!r} is not a finite "
                        f"number")
    return value


def write_csv(path: str | os.PathLike | None, names: list[str], rows, stream=None) -> None:
    """Write a header and rows of numbers to ``path``, or to ``stream`` when path is None."""
    def emit(f) -> None:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([_format(v) for v in row])

    if path is None:
        emit(stream)
        return
    p = Path(path)
    if p.is_dir():
        raise UserError(f"the output {os.fspath(p)!r} is a folder; give a file name such as "
                        f"preds.csv")
    with open(p, "w", newline="", encoding="utf-8") as f:
        emit(f)


def _format(v) -> str:
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return f"{float(v):.6g}"
