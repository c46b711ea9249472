"""A classroom against one real server: N students training and polling at 10 frames a second.

    python benchmarks/load.py                               # N = 1, 25, 100 for 30 s each
    python benchmarks/load.py --students 100 --seconds 60   # issue 6's run
    python benchmarks/load.py --quick                       # N = 1, 5 for 3 s, no idle check

For each N the script starts its own server (the ``layerscope`` command, ``python -m app.cli``)
on 127.0.0.1 on a free port, and always stops it at the end, even on error. Every student opens
its own keep-alive connection, creates a session with the default settings (POST
/api/sessions), starts training (POST .../train) and then polls
``GET .../frame?since=REV&known=DATA_ID``: one request at a time, and the rest of each 100 ms
slept, as the page's Train loop does. Polls ask for ``Accept: application/x-layerscope-frame,
application/json`` and say which data they have (so the frame leaves it out), as the page does;
the revision and data_id are read from the start of the answer (JSON, or the packed frame's
JSON header).

Measured over the N x seconds window: frames received per student per second (200 answers with
a new revision), 204 answers, latency percentiles of every poll, errors (non-2xx answers and
exceptions), bytes per frame, and the server process's CPU (user + system, from
/proc/PID/stat, as % of one core) and memory (RSS, and its peak). The client is plain asyncio
over raw sockets, which costs far less CPU than an HTTP library; its own CPU is printed too, so
you can tell whether it, rather than the server, was the limit.

Then the students stop, as closed tabs do. Their sessions go on training until nobody has polled
them for the store's ``idle_stop`` (15 s); the script samples the server's CPU just after the
stop and again once that time has passed, when it should be about zero.

A poll of a training session with nothing new waits on the server for the next frame (see
``Session.wait_for_news``), so a poll's latency includes that wait: up to the trainer's 50 ms
when it keeps up, longer when the server is saturated. The server says how long each poll
waited (``Server-Timing: wait;dur=MS``); "p99 less wait" is the 99th percentile of the latency
without it, the time the server took to answer once it had a frame to give.

Targets (issue 5): 100 students at ≥ 9.5 frames/s each, p99 ≤ 100 ms (the whole latency, wait
included), no error. The full run exits with status 1 if they are not met; --quick never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.server import running_server  # noqa: E402
from benchmarks.table import print_table  # noqa: E402

PERIOD = 0.1  # seconds between polls: 10 frames a second
ACCEPT = "application/x-layerscope-frame, application/json"
IDLE_STOP = 15.0  # SessionStore's default: training pauses when nobody has polled for this long
TIMEOUT = 10.0  # a request taking longer counts as an error
TARGET_FPS, TARGET_P99_MS, TARGET_STUDENTS = 9.5, 100.0, 100
REVISION = re.compile(rb'"revision":\s*(\d+)')
DATA_ID = re.compile(rb'"data_id":\s*"([0-9a-f]+)"')
STEP = re.compile(rb'"step":\s*(\d+)')
WAIT = re.compile(r"wait;dur=([\d.]+)")
TICK = os.sysconf("SC_CLK_TCK")


# ---- the server ------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (every thread)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime: fields 14 and 15


def machine_busy() -> float:
    """CPU seconds every process on the machine has used so far (all cores, from /proc/stat)."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(
            int, f.readline().split()[1:9]
        )
    return (user + nice + system + irq + softirq + steal) / TICK


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, peak RSS) in MB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


# ---- one HTTP/1.1 keep-alive connection -------------------------------------------------------


class Connection:
    """Just enough HTTP/1.1 for these requests: keep-alive, Content-Length or chunked bodies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", accept: str = "application/json"
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.port), TIMEOUT
            )
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAccept: {accept}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            self.writer.write(head.encode() + body)
            status, headers, content = await asyncio.wait_for(self._response(), TIMEOUT)
        except BaseException:
            self.close()  # the connection's state is unknown: start a fresh one next time
            raise
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, content

    async def _response(self) -> tuple[int, dict[str, str], bytes]:
        lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if line:
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
        if status in (204, 304) or 100 <= status < 200 or "content-length" in headers:
            return (
                status,
                headers,
                await self.reader.readexactly(int(headers.get("content-length", 0))),
            )
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")  # the empty line after the last chunk
            return status, headers, b"".join(chunks)
        headers["connection"] = "close"
        return status, headers, await self.reader.read()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# ---- students --------------------------------------------------------------------------------


@dataclass
class Student:
    frames: int = 0
    not_modified: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds, every poll
    waits: list[float] = field(default_factory=list)  # of each poll's latency, the server's wait
    frame_bytes: list[int] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)  # the training step of the first, last frame


def waited(headers: dict[str, str]) -> float:
    """Seconds the server says the poll waited for the trainer's next frame (Server-Timing)."""
    found = WAIT.search(headers.get("server-timing", ""))
    return float(found.group(1)) / 1000 if found else 0.0


def revision_of(body: bytes) -> int | None:
    """The frame's revision, found without parsing the frame: it is among the first keys of
    the JSON, which is also how a packed frame starts (its header is JSON)."""
    found = REVISION.search(body, 0, 4096) or REVISION.search(body)
    return int(found.group(1)) if found else None


async def start_session(port: int) -> tuple[Connection, str]:
    connection = Connection(port)
    status, headers, body = await connection.request("POST", "/api/sessions", b"{}")
    if status != 201:
        raise RuntimeError(f"POST /api/sessions: {status} {body[:200]!r}")
    session_id = re.search(rb'"session_id":\s*"([^"]+)"', body).group(1).decode()
    status, _, body = await connection.request("POST", f"/api/sessions/{session_id}/train")
    if status != 200:
        raise RuntimeError(f"POST .../train: {status} {body[:200]!r}")
    return connection, session_id


async def poll(
    connection: Connection, session_id: str, start: float, stop: float, student: Student
) -> None:
    """Poll at 10 Hz from ``start`` to ``stop`` (loop times), one request at a time."""
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(start - loop.time(), 0))
    revision, known = None, ""
    while (sent := loop.time()) < stop:
        path = f"/api/sessions/{session_id}/frame"
        if revision is not None:
            path += f"?since={revision}{known}"
        try:
            status, headers, body = await connection.request("GET", path, accept=ACCEPT)
            student.latencies.append(loop.time() - sent)
            student.waits.append(waited(headers))
            if status == 200:
                new = revision_of(body)
                if new is None or new != revision:
                    student.frames += 1
                    student.frame_bytes.append(len(body))
                    if found := STEP.search(body, 0, 8192):  # in the JSON, or the packed header
                        student.steps[1:] = [int(found.group(1))]
                    if found := DATA_ID.search(body, 0, 8192):
                        known = f"&known={found.group(1).decode()}"
                revision = new
            elif status == 204:
                student.not_modified += 1
            else:
                student.errors.append(f"{status} {body[:120]!r}")
        except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
            student.latencies.append(loop.time() - sent)
            student.waits.append(0.0)
            student.errors.append(f"{type(error).__name__}: {error}")
        await asyncio.sleep(max(sent + PERIOD - loop.time(), 0))


async def classroom(port: int, pid: int, n: int, seconds: float, profiled: bool) -> dict:
    started = await asyncio.gather(*(start_session(port) for _ in range(n)))
    loop = asyncio.get_running_loop()
    # Every student starts at its own moment within the first 100 ms, as real tabs would.
    begin = loop.time() + 0.2
    stop = begin + seconds
    students = [Student() for _ in range(n)]
    rng = random.Random(1)
    polls = [
        poll(connection, sid, begin + rng.uniform(0, PERIOD), stop, student)
        for (connection, sid), student in zip(started, students, strict=True)
    ]
    await asyncio.sleep(max(begin - loop.time(), 0))
    server_cpu, client_cpu, busy = cpu_seconds(pid), own_cpu(), machine_busy()
    wall = time.monotonic()
    spying = None
    if profiled:  # py-spy in a thread, while the students poll
        spying = asyncio.create_task(asyncio.to_thread(profile, pid, max(seconds - 2, 1)))
    await asyncio.gather(*polls)
    wall = time.monotonic() - wall
    server_cpu, client_cpu = cpu_seconds(pid) - server_cpu, own_cpu() - client_cpu
    others = machine_busy() - busy - server_cpu - client_cpu
    rss, peak = memory_mb(pid)
    for connection, _ in started:
        connection.close()
    return {
        "profile": await spying if spying else None,
        "students": students,
        "wall": wall,
        "server_cpu": server_cpu / wall * 100,
        "client_cpu": client_cpu / wall * 100,
        "others_cpu": max(others, 0.0) / wall * 100,
        "rss": rss,
        "peak": peak,
    }


# Where the server's time goes: py-spy's samples of the thread holding the GIL, by the first of
# these (in this order) found on the stack. With one Python process the GIL is the server's one
# core, so these shares are shares of its capacity.
CATEGORIES = [
    ("training (train_tick)", ("train_tick",)),
    ("building frames (build_frame)", ("build_frame",)),
    ("encoding frames (pack, to_json)", ("pack (app", "to_json (app", "json/encoder")),
    ("access log (logging)", ("logging/",)),
    ("HTTP (uvicorn's protocol: httptools or h11)", ("httptools", "h11/", "h11_impl")),
    ("thread handoff (anyio, threading)", ("anyio/", "threading.py")),
    ("routing, middleware (starlette, fastapi)", ("starlette/", "fastapi/")),
    ("event loop (asyncio)", ("asyncio/",)),
]


def profile(pid: int, seconds: float) -> list[list] | None:
    """Shares of the server's GIL-holding samples by category over ``seconds``, or None
    without py-spy (``pip install py-spy``; it needs permission to read the process)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return None
    with tempfile.NamedTemporaryFile(suffix=".txt") as out:
        command = [spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--gil"]
        command += ["--nonblocking", "--format", "raw", "--output", out.name]
        done = subprocess.run(command, capture_output=True, timeout=seconds + 30)
        if done.returncode != 0:
            print(f"  py-spy failed: {done.stderr.decode()[-300:]}")
            return None
        counts: dict[str, int] = {}
        for line in Path(out.name).read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            name = next(
                (name for name, marks in CATEGORIES if any(m in stack for m in marks)), "other"
            )
            counts[name] = counts.get(name, 0) + int(count)
    total = sum(counts.values()) or 1
    order = [name for name, _ in CATEGORIES] + ["other"]
    return [[name, counts.get(name, 0) / total * 100] for name in order if name in counts]


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sample_cpu(pid: int, seconds: float) -> float:
    """The server's CPU over the next ``seconds``, as % of one core."""
    before, wall = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / (time.monotonic() - wall) * 100


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(p / 100 * len(ordered)), len(ordered) - 1)] if ordered else float("nan")


def run_one(n: int, seconds: float, idle_check: bool, profiled: bool) -> dict:
    with running_server("-m", "app.cli", "--port") as (process, port):
        result = asyncio.run(classroom(port, process.pid, n, seconds, profiled))
        if idle_check:
            # Students gone: their sessions still train until idle_stop has passed.
            result["cpu_after_stop"] = sample_cpu(process.pid, 3.0)
            time.sleep(IDLE_STOP + 2 - 3.0)
            result["cpu_idle"] = sample_cpu(process.pid, 5.0)
    students = result["students"]
    fps = [s.frames / result["wall"] for s in students]
    trained = [s.steps[-1] - s.steps[0] for s in students if s.steps]
    latencies = [t for s in students for t in s.latencies]
    answers = [t - w for s in students for t, w in zip(s.latencies, s.waits, strict=True)]
    frame_bytes = [b for s in students for b in s.frame_bytes]
    errors = [e for s in students for e in s.errors]
    return {
        **result,
        "n": n,
        "fps": statistics.mean(fps),
        "fps_min": min(fps),
        "steps": statistics.mean(trained) / result["wall"] if trained else float("nan"),
        "not_modified": sum(s.not_modified for s in students) / result["wall"],
        "p50": percentile(latencies, 50) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "max": max(latencies, default=float("nan")) * 1000,
        "answer_p99": percentile(answers, 99) * 1000,
        "errors": errors,
        "kb": statistics.mean(frame_bytes) / 1000 if frame_bytes else float("nan"),
    }


def main(
    quick: bool = False,
    students: list[int] | None = None,
    seconds: float | None = None,
    profiled: bool = False,
) -> int:
    counts = students or ([1, 5] if quick else [1, 25, 100])
    seconds = seconds or (3.0 if quick else 30.0)
    idle_check = not quick
    print(
        f"{' / '.join(map(str, counts))} students, {seconds:g} s each, polling at "
        f"{1 / PERIOD:g} Hz; default network (2-8-8-1, 200 points, 5 steps per frame: 100 steps/s "
        "per session when the trainer keeps up); "
        f"{os.cpu_count()} CPUs; client and server on this machine"
    )
    results = []
    for n in counts:
        # Profile only the largest classroom: py-spy takes some CPU of its own.
        results.append(run_one(n, seconds, idle_check, profiled and n == max(counts)))
        r = results[-1]
        print(f"  {n} students: {r['fps']:.2f} frames/s each, p99 {r['p99']:.0f} ms", flush=True)
    rows = [
        [
            r["n"],
            r["fps"],
            r["fps_min"],
            r["not_modified"],
            r["steps"],
            r["p50"],
            r["p99"],
            r["max"],
            r["answer_p99"],
            len(r["errors"]),
            r["kb"],
            r["server_cpu"],
            r["rss"],
            r["peak"],
            r["client_cpu"],
            r["others_cpu"],
        ]
        for r in results
    ]
    header = [
        "students",
        "frames/s each",
        "slowest",
        "204s/s",
        "steps/s each",
        "p50 ms",
        "p99 ms",
        "max ms",
        "p99 less wait",
        "errors",
        "KB/frame",
        "server CPU %",
        "RSS MB",
        "peak MB",
        "client CPU %",
        "others CPU %",
    ]
    print_table(f"load: {seconds:g} s per row (CPU as % of one core)", header, rows)
    print(
        f"  others = every other process on the machine meanwhile (of {os.cpu_count()} cores in "
        "all); RSS at the end of the run, peak = its highest"
    )
    for r in results:
        for error in sorted(set(r["errors"]))[:5]:
            print(f"  {r['n']} students, error: {error}")

    if idle_check:
        idle_rows = [[r["n"], r["cpu_after_stop"], r["cpu_idle"]] for r in results]
        print_table(
            f"after the students stop: server CPU % (sessions pause {IDLE_STOP:g} s after the "
            "last poll)",
            ["students", "first 3 s", f"{IDLE_STOP + 2:g}-{IDLE_STOP + 7:g} s"],
            idle_rows,
        )
    else:
        print("\n  idle check (server CPU once nobody polls) skipped in --quick mode")

    for r in results:
        if r["profile"]:
            print_table(
                f"where the server's time goes, {r['n']} students (py-spy, samples holding the "
                "GIL)",
                ["spent on", "% of samples"],
                r["profile"],
            )
        elif profiled and r["n"] == max(counts):
            print("\n  no profile: py-spy is not installed (pip install py-spy) or failed")

    judged = [r for r in results if r["n"] >= TARGET_STUDENTS]
    if not judged:
        print(f"target ({TARGET_STUDENTS} students) not run: no row with that many students")
        return 0
    r = judged[-1]
    met = r["fps"] >= TARGET_FPS and r["p99"] <= TARGET_P99_MS and not r["errors"]
    print(
        f"target: {TARGET_STUDENTS} students at ≥{TARGET_FPS} frames/s each, p99 ≤ "
        f"{TARGET_P99_MS:g} ms, no error: {r['fps']:.2f} frames/s, p99 {r['p99']:.0f} ms, "
        f"{len(r['errors'])} errors: {'met' if met else 'NOT met'}"
    )
    # --quick (CI) checks that the benchmark runs, not how fast: machines there are noisy.
    return 0 if quick or met else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 and 5 students for 3 s (for CI)")
    parser.add_argument(
        "--students", type=int, nargs="+", help="how many students, one run each (1 25 100)"
    )
    parser.add_argument("--seconds", type=float, help="length of each run (default 30)")
    parser.add_argument(
        "--profile", action="store_true", help="profile the largest run's server with py-spy"
    )
    args = parser.parse_args()
    sys.exit(main(args.quick, args.students, args.seconds, args.profile))
