"""Settings for a process that builds frames: ``setup_process()``, called once by
``create_app`` and by the benchmarks (importing the package changes nothing)."""

from __future__ import annotations

import ctypes
import functools

import numpy  # noqa: F401  (loads its BLAS, so that the limit below applies to it)
from threadpoolctl import threadpool_limits


@functools.cache  # once per process is enough; later calls do nothing
def setup_process() -> None:
    """One BLAS thread, and glibc's malloc told to keep freed memory for reuse."""
    # Every matrix here is small (at most a few thousand rows by 16 columns). BLAS threads cost
    # more to wake than they save on those, and on a busy server they spin against the request
    # threads: a 2-16-16-16-1 frame measured 23 ms with two BLAS threads and 0.8 ms with one.
    threadpool_limits(limits=1, user_api="blas")
    _keep_freed_memory()


def _keep_freed_memory() -> None:
    """Let glibc's malloc reuse freed memory rather than hand it back to the system at once.

    A frame's pass over the 100×100 heatmap cells makes arrays of a few hundred KB. By default
    glibc gives such blocks back when they are freed and maps fresh pages for the next frame,
    and touching fresh pages cost more than the arithmetic: 440 page faults and 1.1 ms for a
    2-16-16-16-1 network's pass, against none and 0.37 ms with this. Elsewhere than glibc
    (macOS, Windows) there is no mallopt, and nothing changes.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, TypeError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    mallopt(m_mmap_threshold, 8 * 2**20)  # blocks up to 8 MB come from the heap, reused
    mallopt(m_trim_threshold, 32 * 2**20)  # keep up to 32 MB free at the heap's top
