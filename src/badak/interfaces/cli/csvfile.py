"""Reading a table from a CSV file, with errors that point at the cell.

The format ``badak train`` and ``badak predict`` accept: a header row of distinct column names,
then one row per sample, cells separated by commas. :func:`read_table` keeps the cells as text;
:meth:`Table.numbers` turns chosen columns into numbers (every cell a finite number such as
``1``, ``-0.5``, ``3e2``), and :meth:`Table.words` keeps a column of words (class labels such
as ``cat``). A problem is reported with the file, the line and the column: ``data.csv line 7,
column 'age': 'abc' is not a number``.

The file must be a regular file (not ``/dev/zero``, a pipe or a folder), and a line longer
than :data:`MAX_LINE_CHARS` characters is refused, so that a wrong file fails at once instead
of filling the memory.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from badak.i18n import N_
from badak.interfaces.cli.arguments import UserError, existing_file

__all__ = ["MAX_LINE_CHARS", "Table", "read_csv", "read_table", "write_csv"]

MAX_LINE_CHARS = 16_000_000
"""The longest line read (16 million characters: some 1.6 million numeric columns)."""


@dataclass
class Table:
    """The header and the text of every cell of a CSV file."""

    path: str
    names: list[str]
    rows: list[list[str]]           # stripped cell text, one list per data row
    lines: list[int]                # the file's line number of each row

    def __post_init__(self) -> None:
        self.index = {name: j for j, name in enumerate(self.names)}  # name -> column

    def numbers(self, columns: list[str]) -> np.ndarray:
        """The ``columns`` (names) as numbers, shape (rows, len(columns)) float64."""
        js = [self.index[c] for c in columns]
        out = np.empty((len(self.rows), len(js)), dtype=np.float64)
        for i, (row, line) in enumerate(zip(self.rows, self.lines)):
            for k, j in enumerate(js):
                out[i, k] = _number(row[j], self.path, line, self.names[j])
        return out

    def words(self, column: str) -> list[str]:
        """The cells of ``column`` as text; an empty cell is an error."""
        j = self.index[column]
        for row, line in zip(self.rows, self.lines):
            if not row[j]:
                raise UserError(N_("{path} line {line}, column {column!r}: the cell is empty; "
                                   "every cell needs a value"), path=self.path, line=line,
                                column=column)
        return [row[j] for row in self.rows]

    def first_word(self, column: str) -> tuple[int, str] | None:
        """``(line, text)`` of the first cell of ``column`` that is not a number, if any."""
        j = self.index[column]
        for row, line in zip(self.rows, self.lines):
            if row[j] and not _is_number(row[j]):
                return line, row[j]
        return None


def _bounded_lines(f, where: str) -> Iterator[str]:
    """The lines of ``f``, refusing one longer than MAX_LINE_CHARS (read in bounded pieces)."""
    while True:
        line = f.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        if len(line) > MAX_LINE_CHARS:
            raise UserError(N_("{path} has a line longer than {n:,} characters; expected a CSV "
                               "file of rows of values"), path=where, n=MAX_LINE_CHARS)
        yield line


def read_table(path: str | os.PathLike) -> Table:
    """Read a CSV file as text cells.

    Raises
    ------
    UserError
        If the file is missing, not a regular file, empty, not UTF-8 text, has a line longer
        than :data:`MAX_LINE_CHARS`, no data rows, duplicate or empty column names, or a row of
        the wrong length.
    """
    p = existing_file(path, N_("the CSV file"))
    where = os.fspath(p)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        with open(p, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(_bounded_lines(f, where))
            header = next(reader, None)
            if header is None or not any(c.strip() for c in header):
                raise UserError(N_("{path} is empty; expected a header row of column names, "
                                   "then rows of values"), path=where)
            names = [c.strip() for c in header]
            _check_names(names, where)
            for row in reader:
                if not row or not any(c.strip() for c in row):
                    continue  # blank lines
                line = reader.line_num
                if len(row) != len(names):
                    shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
                    raise UserError(N_("{path} line {line} has {cells} cells; the header has "
                                       "{columns} columns ({shown})"), path=where, line=line,
                                    cells=len(row), columns=len(names), shown=shown)
                rows.append([c.strip() for c in row])
                lines.append(line)
    except UnicodeDecodeError:
        raise UserError(N_("{path} is not a UTF-8 text file; expected a CSV file"),
                        path=where) from None
    except csv.Error as e:
        raise UserError(N_("{path} is not a valid CSV file: {error}"), path=where,
                        error=str(e)) from None
    if not rows:
        raise UserError(N_("{path} has a header but no data rows"), path=where)
    return Table(where, names, rows, lines)


def read_csv(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
    """Return ``(column names, values of shape (rows, columns) float64)``: every cell must be
    a finite number (see :func:`read_table` for the other errors)."""
    table = read_table(path)
    return table.names, table.numbers(table.names)


def _check_names(names: list[str], where: str) -> None:
    empty = [i + 1 for i, n in enumerate(names) if not n]
    if empty:
        raise UserError(N_("{path}: the header has an empty column name (column {n}); every "
                           "column needs a name"), path=where, n=empty[0])
    seen = set()
    for n in names:
        if n in seen:
            raise UserError(N_("{path}: the header names the column {name!r} twice"),
                            path=where, name=n)
        seen.add(n)
    numeric = [n for n in names if _is_number(n)]
    if len(numeric) == len(names):
        shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
        raise UserError(N_("{path}: the first line ({shown}) looks like data, not column "
                           "names; add a header row"), path=where, shown=shown)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(text: str, where: str, line: int, column: str) -> float:
    if not text:
        raise UserError(N_("{path} line {line}, column {column!r}: the cell is empty; every "
                           "cell must be a number"), path=where, line=line, column=column)
    try:
        value = float(text)
    except ValueError:
        raise UserError(N_("{path} line {line}, column {column!r}: {text!r} is not a number"),
                        path=where, line=line, column=column, text=text) from None
    if not math.isfinite(value):
        raise UserError(N_("{path} line {line}, column {column!r}: {text!r} is not a finite "
                           "number"), path=where, line=line, column=column, text=text)
    return value


def write_csv(path: str | os.PathLike | None, names: list[str], rows, stream=None) -> None:
    """Write a header and rows (numbers or words) to ``path``, or to ``stream`` when path is
    None."""
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
        raise UserError(N_("the output {path!r} is a folder; give a file name such as "
                           "preds.csv"), path=os.fspath(p))
    with open(p, "w", newline="", encoding="utf-8") as f:
        emit(f)


def _format(v) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return f"{float(v):.6g}"
