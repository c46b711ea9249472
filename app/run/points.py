"""Custom data: points added and removed by hand, and CSV files in and out.

A CSV file's header line is ``x1,x2,label`` or ``x1,x2,target``, and optionally ``,split``
(train or test) after it. A label is a class: 0 to 4 (or A to E); labels of 0 and 1 only make
two-class data, more make multi-class data. A target is a real number, for regression. Numbers
are written in Python's shortest form that reads back to the same bits, so a file downloaded
and uploaded again holds exactly the same points. A file is read whole and checked whole
before anything changes.
"""

from __future__ import annotations

import csv
import io
import math
from typing import NamedTuple

import numpy as np

from app.errors import InvalidInput
from app.nn.datasets import CUSTOM_LIMIT, MAX_POINTS, TARGET_LIMIT

Array = np.ndarray
# 1000 rows of three numbers at full precision (at most 24 characters each) and a split.
MAX_CSV_BYTES = 128 * 1024
# Classes 0 to 4, also named A to E: as many as a multi-class run can have.
CLASS_NAMES = "ABCDE"
LABELS = {
    **{str(k): float(k) for k in range(len(CLASS_NAMES))},
    **{name.lower(): float(k) for k, name in enumerate(CLASS_NAMES)},
}
# The header lines read: the last column holds classes or a regression's target values.
HEADERS = [["x1", "x2", last, *split] for last in ("label", "target") for split in ([], ["split"])]


class CsvPoints(NamedTuple):
    x: Array
    y: Array
    is_test: Array
    problem: str  # binary, multiclass or regression: what the last column asks


def _refuse(problem: str) -> InvalidInput:
    # The uploaded file is the field; the message says where in it and why.
    return InvalidInput("file", f"file: {problem}")


def add_point(x: Array, y: Array, is_test: Array, x1: float, x2: float, label: int):
    """The data with one more training point."""
    if len(y) >= MAX_POINTS:
        raise InvalidInput("points", f"points: at most {MAX_POINTS}")
    return np.vstack([x, [[x1, x2]]]), np.append(y, float(label)), np.append(is_test, False)


def remove_nearest(x: Array, y: Array, is_test: Array, x1: float, x2: float, radius: float):
    """The data without the point nearest (x1, x2), if one lies within radius."""
    if len(y) == 0:
        return x, y, is_test
    distance = np.hypot(x[:, 0] - x1, x[:, 1] - x2)
    nearest = int(np.argmin(distance))
    if distance[nearest] > radius:
        return x, y, is_test
    keep = np.arange(len(y)) != nearest
    return x[keep], y[keep], is_test[keep]


def to_csv(x: Array, y: Array, is_test: Array, problem: str) -> str:
    """The points as CSV: x1,x2,label,split (classes as 0, 1, 2...) or x1,x2,target,split."""
    regression = problem == "regression"
    out = io.StringIO()
    out.write(f"x1,x2,{'target' if regression else 'label'},split\n")
    for (x1, x2), value, test in zip(x.tolist(), y.tolist(), is_test.tolist(), strict=True):
        # repr is the shortest text that reads back as the same float.
        last = repr(value) if regression else str(int(value))
        out.write(f"{x1!r},{x2!r},{last},{'test' if test else 'train'}\n")
    return out.getvalue()


def from_csv(data: bytes | str) -> CsvPoints:
    """Parse a whole CSV file (bytes are read as UTF-8), or raise InvalidInput naming the row
    and the problem."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise _refuse("not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text.strip())))
    if not rows:
        raise _refuse("the file is empty")
    header = [name.strip().lower() for name in rows[0]]
    if header not in HEADERS:
        raise _refuse(
            "the first line must be the column names x1,x2,label or x1,x2,target (and"
            " optionally split)"
        )
    column = header[2]
    body = rows[1:]
    if not body:
        raise _refuse("the file has no data rows")
    if len(body) > MAX_POINTS:
        raise _refuse(f"too many rows: {len(body)} (at most {MAX_POINTS})")
    points, values, tests = [], [], []
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise _refuse(f"row {number}: expected {len(header)} values, found {len(row)}")
        points.append([_coordinate(row[0], "x1", number), _coordinate(row[1], "x2", number)])
        values.append(_label(row[2], number) if column == "label" else _target(row[2], number))
        split = row[3].strip().lower() if len(row) == 4 else "train"
        if split not in ("train", "test"):
            raise _refuse(f"row {number}: split must be train or test, not {row[3]!r}")
        tests.append(split == "test")
    y = np.array(values, dtype=float)
    # Labels of 0 and 1 only are two classes; a higher one makes multi-class data.
    classes = "binary" if y.max() <= 1 else "multiclass"
    problem = "regression" if column == "target" else classes
    return CsvPoints(np.array(points, dtype=float), y, np.array(tests, dtype=bool), problem)


def _label(text: str, row: int) -> float:
    label = LABELS.get(text.strip().lower())
    if label is None:
        last = len(CLASS_NAMES) - 1
        raise _refuse(
            f"row {row}: label must be a class from 0 to {last} (or A to {CLASS_NAMES[-1]}),"
            f" not {text!r}"
        )
    return label


def _target(text: str, row: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _refuse(f"row {row}: target is not a number ({text!r})") from None
    if not math.isfinite(value) or abs(value) > TARGET_LIMIT:
        limit = f"{TARGET_LIMIT:g}"
        raise _refuse(f"row {row}: target must be a finite number from -{limit} to {limit}")
    return value


def _coordinate(text: str, column: str, row: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _refuse(f"row {row}: {column} is not a number ({text!r})") from None
    if not math.isfinite(value) or abs(value) > CUSTOM_LIMIT:
        raise _refuse(f"row {row}: {column} must be a finite number from -10 to 10")
    return value
