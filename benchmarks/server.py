"""Real parts for the benchmarks and the tests: the app under uvicorn on a free port of
127.0.0.1, always stopped, and Debian's Chromium with the flags it needs here."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60  # generous: a busy machine starts the app several times slower
CHROMIUM = "/usr/bin/chromium"  # Debian's package: Playwright's own download cannot work here
# Without the background-networking flags Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(
    *args: str,
    log: BinaryIO | None = None,
    program: str = sys.executable,
    cwd: Path = ROOT,
) -> Iterator[tuple[subprocess.Popen, int]]:
    """``python ARGS PORT`` (the port last; or another ``program`` than this Python, from
    another ``cwd``), once it accepts connections; on exit it is terminated, and killed if it
    has not stopped within 10 s. Its output goes to ``log`` (a file opened "w+b"), or to a
    temporary file."""
    port = free_port()
    with contextlib.ExitStack() as stack:
        out = log if log is not None else stack.enter_context(tempfile.TemporaryFile())
        process = subprocess.Popen(
            [program, *args, str(port)], cwd=cwd, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_up(process, port, out)
            yield process, port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(process: subprocess.Popen, port: int, log) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            log.flush()
            log.seek(0)
            raise RuntimeError(f"the server stopped: {log.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start within {START_SECONDS} s") from None
            time.sleep(0.1)


@contextlib.contextmanager
def running_redis() -> Iterator[tuple[str, subprocess.Popen]]:
    """A redis-server of its own on a free port of 127.0.0.1, with nothing saved to disk and
    ``maxmemory-policy noeviction`` (as docs/running-for-a-class.md says to run it); yields its
    URL and process. Raises RuntimeError if redis-server is not installed or does not start."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found: install Debian's redis-server")
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir, tempfile.TemporaryFile() as log:
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir]
        command += ["--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"]
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(process, port, log)
            yield f"redis://127.0.0.1:{port}/0", process
        finally:
            process.terminate()
            process.wait(timeout=10)
