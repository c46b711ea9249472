"""How frames travel: arrays in the frame, and the two ways of sending them.

Frame builders put NumPy arrays (and ``Quantized`` arrays) in plain dicts and lists. A frame
then goes out either

- as JSON (``to_json``), for API clients and tests: arrays become lists rounded to 6
  decimals, with null where a value is missing (the gaps between lines); or
- packed (``pack``), for the page, which asks for it by ``Accept: application/x-layerscope-frame``:
  the frame's structure as JSON with every array replaced by a reference into a binary
  buffer of float32 and byte values. Building the JSON of thousands of numbers was most of
  a frame's cost; the packed frame is a fraction of the size and costs little to make.

Packed layout: two little-endian uint32s, the header's length and the float block's length,
then the header (UTF-8 JSON, padded with spaces to a multiple of 4 bytes so every array is
aligned), then the float block (every float array as float32, back to back), then the byte
block (every other array, each padded to a multiple of 4 bytes). An array in the header is
``{"$array": kind, "offset": bytes into its block, "shape": [..]}``, its kind one of f32 (in
the float block), u8, i32 or bool (in the byte block); a quantized one (u8) also has ``low``
and ``high``: its bytes mean low + (high - low) * b / 255. A frame holds some sixty small
arrays: gathering the floats into one block converts and clips them all in one go.
``unpack`` reads it back (static/js/frame_format.js does the same in the browser).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray

PACKED_MEDIA_TYPE = "application/x-layerscope-frame"
# Coordinates are clipped here so a network with enormous weights still gives valid numbers.
COORDINATE_LIMIT = 1e6
AXIS_KEYS = ("x", "y", "z")
JSON_DECIMALS = 6


@dataclass(frozen=True)
class Quantized:
    """Values between low and high, sent as one byte each (to within (high - low) / 255)."""

    values: Array
    low: float
    high: float


def quantized(values: Array, low: float | None = None, high: float | None = None) -> Quantized:
    """Values to send as bytes over [low, high] (their own range where not given)."""
    values = finite(np.asarray(values))
    low = float(_bounded(values.min(initial=0.0))) if low is None else low
    high = float(_bounded(values.max(initial=0.0))) if high is None else high
    return Quantized(values, low, high)


def floats(values: Array) -> Array:
    """Finite values, ready to send."""
    return finite(np.asarray(values, dtype=float))


def xy(values: Array) -> dict[str, Array]:
    """Columns under x, y (and z for a 3D view)."""
    return {key: values[:, i] for i, key in enumerate(AXIS_KEYS[: values.shape[1]])}


def with_gaps(values: Array, pieces: int, per_piece: int) -> dict[str, Array]:
    """Consecutive runs of per_piece points as separate lines, with a gap (NaN) after each."""
    k = values.shape[1]
    shaped = values.reshape(pieces, per_piece, k)
    gap = np.full((len(shaped), 1, k), np.nan)
    flat = np.concatenate([shaped, gap], axis=1).reshape(-1, k)
    return {key: flat[:, i] for i, key in enumerate(AXIS_KEYS[:k])}


def finite(values: Array) -> Array:
    """No NaN or infinity (the values themselves when they have none: the usual case)."""
    if np.isfinite(values).all():
        return values
    return np.clip(
        np.nan_to_num(values, nan=0.0, posinf=COORDINATE_LIMIT, neginf=-COORDINATE_LIMIT),
        -COORDINATE_LIMIT,
        COORDINATE_LIMIT,
    )


# --- JSON -------------------------------------------------------------------------------------


def to_json(content: Any) -> bytes:
    """The content as JSON: arrays as (nested) lists, null for gaps, 6 decimals."""
    return json.dumps(content, separators=(",", ":"), allow_nan=False, default=_as_list).encode()


def _as_list(value: Any) -> list:
    # json calls this for what it cannot write itself: the arrays.
    if isinstance(value, Quantized):
        return _listed(value.values)
    if isinstance(value, np.ndarray):
        return _listed(value)
    raise TypeError(f"cannot send {type(value).__name__}")


def _listed(values: Array) -> list:
    if values.dtype == bool or np.issubdtype(values.dtype, np.integer):
        return values.tolist()
    # In float64: a float32 rounded to 6 decimals still prints as its float32 digits.
    short = np.round(_bounded(values).astype(float), JSON_DECIMALS)
    gaps = np.isnan(short)
    return np.where(gaps, None, short).tolist() if gaps.any() else short.tolist()


def _bounded(values: Array) -> Array:
    """Within +-COORDINATE_LIMIT, infinities included; NaN (a gap) stays NaN. Frames are
    built from finite numbers, so this only guards what is sent."""
    return np.clip(values, -COORDINATE_LIMIT, COORDINATE_LIMIT)


# --- packed -----------------------------------------------------------------------------------


def pack(content: Any) -> bytes:
    """The content as one packed body (layout in the module's docstring)."""
    floats: list[Array] = []
    float_count = 0
    chunks: list[bytes] = []
    chunk_size = 0

    def add_bytes(data: bytes) -> int:
        nonlocal chunk_size
        offset = chunk_size
        padded = data + b"\0" * (-len(data) % 4)
        chunks.append(padded)
        chunk_size += len(padded)
        return offset

    def add_floats(values: Array) -> int:
        nonlocal float_count
        offset = 4 * float_count
        floats.append(values.ravel())
        float_count += values.size
        return offset

    def reference(value: Any) -> dict[str, Any]:
        # json calls this for what it cannot write itself: the arrays, in the order it meets them.
        if isinstance(value, Quantized):
            offset = add_bytes(_quantized_bytes(value))
            ref = {"$array": "u8", "offset": offset, "shape": list(value.values.shape)}
            return {**ref, "low": value.low, "high": value.high}
        if isinstance(value, np.ndarray):
            if value.dtype.kind == "f":
                kind, offset = "f32", add_floats(value)
            else:
                kind, data = _binary(value)
                offset = add_bytes(data)
            return {"$array": kind, "offset": offset, "shape": list(value.shape)}
        raise TypeError(f"cannot send {type(value).__name__}")

    header = json.dumps(content, separators=(",", ":"), allow_nan=False, default=reference)
    header = header.encode()
    header += b" " * (-len(header) % 4)
    with np.errstate(over="ignore"):  # beyond float32's range becomes infinite, then clipped
        block = (
            np.concatenate(floats, dtype="<f4", casting="same_kind")
            if floats
            else np.empty(0, "<f4")
        )
    np.clip(block, -COORDINATE_LIMIT, COORDINATE_LIMIT, out=block)
    prefix = struct.pack("<II", len(header), 4 * float_count)
    return prefix + header + block.tobytes() + b"".join(chunks)


def _binary(values: Array) -> tuple[str, bytes]:
    """A bool or integer array's kind and bytes."""
    if values.dtype.kind not in "biu":
        raise TypeError(f"cannot send an array of {values.dtype}")
    if values.dtype == bool:
        return "bool", values.astype(np.uint8).tobytes()
    if values.size == 0 or 0 <= values.min() <= values.max() < 256:
        return "u8", values.astype(np.uint8).tobytes()
    return "i32", np.clip(values, -(2**31), 2**31 - 1).astype("<i4").tobytes()


def _quantized_bytes(q: Quantized) -> bytes:
    span = q.high - q.low
    if span <= 0:
        return np.full(q.values.shape, 128, np.uint8).tobytes()  # one value: the middle
    scaled = (q.values - q.low) * (255 / span)
    np.clip(scaled, 0, 255, out=scaled)
    return np.rint(scaled, out=scaled).astype(np.uint8).tobytes()


def unpack(body: bytes) -> Any:
    """A packed body read back into plain lists, as ``to_json`` would give (to float32
    precision, and quantized values to within (high - low) / 255)."""
    length, float_bytes = struct.unpack_from("<II", body)
    floats = memoryview(body)[8 + length : 8 + length + float_bytes]
    others = memoryview(body)[8 + length + float_bytes :]

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(item) for item in value]
        if not isinstance(value, dict):
            return value
        if "$array" not in value:
            return {key: walk(item) for key, item in value.items()}
        return _listed(_read(floats if value["$array"] == "f32" else others, value))

    return walk(json.loads(bytes(body[8 : 8 + length])))


def _read(buffer: memoryview, ref: dict[str, Any]) -> Array:
    shape, offset = ref["shape"], ref["offset"]
    count = int(np.prod(shape))
    if ref["$array"] == "f32":
        return np.frombuffer(buffer, "<f4", count, offset).astype(float).reshape(shape)
    if ref["$array"] == "i32":
        return np.frombuffer(buffer, "<i4", count, offset).astype(int).reshape(shape)
    raw = np.frombuffer(buffer, np.uint8, count, offset).reshape(shape)
    if ref["$array"] == "bool":
        return raw.astype(bool)
    if "low" in ref:
        return ref["low"] + (ref["high"] - ref["low"]) * raw / 255.0
    return raw.astype(int)
