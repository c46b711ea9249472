"""A session's plain data as bytes for the store, and back, exactly.

The plain data is what JSON holds (dicts, lists, strings, numbers, None) plus NumPy arrays of
any numeric dtype. The bytes are a JSON header, with every array replaced by a reference
``{"$array": [offset, dtype, shape]}``, followed by the arrays' raw bytes: float64 weights
travel bit for bit, at 8 bytes a number rather than the 18 or so of their decimal text.

Layout: a little-endian uint32 (the header's length), the header (UTF-8 JSON, padded with
spaces to a multiple of 8 bytes), then the arrays, each starting at a multiple of 8 bytes.
Nothing here is executable (unlike pickle): bytes read back from a shared store can only
become data.
"""

from __future__ import annotations

import json
import struct
from typing import Any

import numpy as np

ARRAY = "$array"


def encode(plain: Any) -> bytes:
    """The plain data as bytes (layout in the module's docstring)."""
    blocks: list[bytes] = []
    size = 0

    def reference(value: Any) -> dict[str, list]:
        # json calls this for what it cannot write itself: the arrays, in the order it meets them.
        nonlocal size
        if not isinstance(value, np.ndarray):
            raise TypeError(f"cannot store {type(value).__name__}")
        data = np.ascontiguousarray(value).tobytes()
        ref = {ARRAY: [size, value.dtype.str, list(value.shape)]}
        blocks.append(data + b"\0" * (-len(data) % 8))
        size += len(blocks[-1])
        return ref

    header = json.dumps(plain, separators=(",", ":"), allow_nan=False, default=reference).encode()
    header += b" " * (-(len(header) + 4) % 8)
    return struct.pack("<I", len(header)) + header + b"".join(blocks)


def decode(data: bytes) -> Any:
    """The plain data back from ``encode``'s bytes; arrays come back as writable copies."""
    (length,) = struct.unpack_from("<I", data)
    arrays = memoryview(data)[4 + length :]

    def revive(value: dict[str, Any]) -> Any:
        if ARRAY not in value:
            return value
        offset, dtype, shape = value[ARRAY]
        count = int(np.prod(shape)) if shape else 1
        return np.frombuffer(arrays, np.dtype(dtype), count, offset).reshape(shape).copy()

    return json.loads(bytes(data[4 : 4 + length]), object_hook=revive)
