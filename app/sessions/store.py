"""Where sessions are kept: one interface, two stores.

A session is kept as a record (bytes: the whole state of one tab's run, see record.py) under a
revision number, beside its timeline (the weights' snapshots, a list of their own, appended
as they are taken) and, for custom points, a reference to its data (kept once, under a content
id, whichever sessions use it). Writes are compare-and-set on the revision: ``save`` succeeds
only if the session is still at the revision the writer read, so two workers never both
advance the same revision and no update is lost; nobody holds a lock across the network.

- ``MemoryStore``: in this process. The default: one process, nothing to set up.
- ``RedisStore`` (redis_store.py): in Redis, shared by every worker process on every host.

Both pass one contract test suite (tests/test_store_contract.py). Every key of a session
expires after ``ttl`` seconds without use; loading or saving a session counts as use.

A full store makes room for a new session without ever dropping one in use: a session is in
use from its first use after its creation (its page's first request for a frame) until
``in_use`` seconds after its last use. Sessions never used since their creation go first (a
script creating sessions in a loop drops its own), then sessions no longer in use, least
recently used first; a store full of sessions in use refuses the new one (StoreFull). A page
that has gone (its tab closed) releases its session: forgotten within seconds unless used again,
and the first to go meanwhile.

The store also keeps the counters of the app's rate limits (``hit``), so that they hold across
every worker process that shares the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

# What ``save`` does to a session's timeline, in order: drop every snapshot ("clear"), keep
# every other one ("thin": the timeline is full, see app/run/history.py), or add one at the end
# (("append", snapshot bytes)).
TimelineOp = tuple[str] | tuple[str, bytes]
IN_USE = 5 * 60  # a session is in use until this many seconds after its last use
MAX_SESSIONS = 1000  # sessions a store keeps, by default
CLEAR: TimelineOp = ("clear",)
THIN: TimelineOp = ("thin",)


def append(snapshot: bytes) -> TimelineOp:
    return ("append", snapshot)


@dataclass(frozen=True)
class Stored:
    """A session as the store holds it (its record None if the caller has that revision)."""

    revision: int
    record: bytes | None


class SessionGone(KeyError):
    """The session is not in the store (never was, deleted, or expired)."""


class StoreFull(RuntimeError):
    """Every session is in use: no new one fits until ``retry_after`` seconds from now, when
    the least recently used stops being in use (sooner if a page closes)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"every session is in use for {retry_after:.1f} s more")
        self.retry_after = retry_after


class Store(Protocol):
    """What the app needs of a store of sessions (see the module's docstring)."""

    kind: str  # "memory" or "redis", for /healthz (never the URL: it may hold a password)
    ttl: float

    async def create(
        self, session_id: str, record: bytes, data_id: str | None, timeline: list[bytes]
    ) -> None:
        """Keep a new session at revision 0 with these first snapshots. If the store is full,
        drop a session never used since its creation (the oldest) or else one no longer in use
        (the least recently used); raise StoreFull if every session is in use."""

    async def load(self, session_id: str, have: int | None = None) -> Stored:
        """The session (raises SessionGone), its time to live renewed; without its record if
        it is still at revision ``have`` (the caller has that one already)."""

    async def save(
        self,
        session_id: str,
        revision: int,
        record: bytes,
        data_id: str | None,
        timeline: list[TimelineOp],
    ) -> int | None:
        """Replace the session's record if it is still at ``revision``: returns the new
        revision, or None if another writer got there first. Raises SessionGone."""

    async def delete(self, session_id: str) -> bool:
        """Forget the session; False if it was not there."""

    async def release(self, session_id: str, grace: float) -> None:
        """Its page has gone: forget the session in ``grace`` seconds unless it is used again
        meanwhile (a reload takes it back), and drop it first if room is needed before then.
        Nothing happens to a session that is not there."""

    async def hit(self, key: str, limit: int, window: float) -> float:
        """Count one request under ``key`` in a window of ``window`` seconds that starts with
        the key's first request: 0 if this is one of the first ``limit``, else the seconds
        left until the window ends and the count starts again."""

    async def timeline(self, session_id: str) -> list[bytes]:
        """The session's snapshots, oldest first (raises SessionGone)."""

    async def put_data(self, data_id: str, data: bytes) -> None:
        """Keep a data set under its content id (once, whoever else uses it)."""

    async def get_data(self, data_id: str) -> bytes | None:
        """A data set kept with put_data, or None if it has expired."""

    async def count(self) -> int:
        """How many sessions are kept."""

    async def ping(self) -> bool:
        """True if the store answers."""

    async def close(self) -> None:
        """Let go of connections (at the app's shutdown)."""


@dataclass
class _Entry:
    revision: int
    record: bytes
    data_id: str | None
    timeline: list[bytes] = field(default_factory=list)
    used: float = 0.0
    asked: bool = False  # used since its creation (and not released since)


class MemoryStore:
    """Sessions in this process's memory. Nothing here awaits, so on the event loop every
    method runs whole before another starts: compare-and-set needs no lock."""

    kind = "memory"

    def __init__(
        self,
        max_sessions: int = MAX_SESSIONS,
        ttl: float = 30 * 60,
        clock: Callable[[], float] = time.monotonic,
        in_use: float = IN_USE,
    ) -> None:
        self.max_sessions, self.ttl, self.clock, self.in_use = max_sessions, ttl, clock, in_use
        self._sessions: dict[str, _Entry] = {}
        self._data: dict[str, tuple[bytes, float]] = {}  # by content id: (data, last used)
        # Rate counters by key: (window's start, its length, requests in it).
        self._hits: dict[str, tuple[float, float, int]] = {}
        self._sweep_hits_at = 1024  # the counters' number at which ended windows are swept

    async def create(
        self, session_id: str, record: bytes, data_id: str | None, timeline: list[bytes]
    ) -> None:
        self._expire()
        while len(self._sessions) >= self.max_sessions:
            del self._sessions[self._to_drop()]
        entry = _Entry(0, record, data_id, list(timeline), used=self.clock())
        self._sessions[session_id] = entry

    def _to_drop(self) -> str:
        """The session a new one replaces (see the module's docstring), or StoreFull."""
        by_use = lambda key: self._sessions[key].used  # noqa: E731
        never_asked = [key for key, entry in self._sessions.items() if not entry.asked]
        if never_asked:
            return min(never_asked, key=by_use)
        oldest = min(self._sessions, key=by_use)
        free_in = self._sessions[oldest].used + self.in_use - self.clock()
        if free_in > 0:
            raise StoreFull(free_in)
        return oldest

    async def load(self, session_id: str, have: int | None = None) -> Stored:
        entry = self._used(session_id)
        if entry.data_id in self._data:  # a session's use keeps its data alive too
            self._data[entry.data_id] = (self._data[entry.data_id][0], entry.used)
        return Stored(entry.revision, None if have == entry.revision else entry.record)

    async def save(
        self,
        session_id: str,
        revision: int,
        record: bytes,
        data_id: str | None,
        timeline: list[TimelineOp],
    ) -> int | None:
        entry = self._entry(session_id)
        if entry.revision != revision:
            return None
        entry.revision, entry.record, entry.data_id = revision + 1, record, data_id
        for op in timeline:
            if op[0] == "clear":
                entry.timeline = []
            elif op[0] == "thin":
                entry.timeline = entry.timeline[::2]
            else:
                entry.timeline.append(op[1])
        self._used(session_id)
        return entry.revision

    async def delete(self, session_id: str) -> bool:
        return self._sessions.pop(session_id, None) is not None

    async def release(self, session_id: str, grace: float) -> None:
        entry = self._sessions.get(session_id)
        if entry is not None:
            # As if last used long ago: it expires in ``grace`` seconds, and is dropped first.
            entry.used = min(entry.used, self.clock() - self.ttl + grace)
            entry.asked = False

    async def hit(self, key: str, limit: int, window: float) -> float:
        now = self.clock()
        start, length, count = self._hits.get(key, (now, window, 0))
        if now - start >= length:
            start, length, count = now, window, 0
        self._hits[key] = (start, length, count + 1)
        if len(self._hits) >= self._sweep_hits_at:
            self._sweep_hits(now)
        return 0.0 if count < limit else start + length - now

    def _sweep_hits(self, now: float) -> None:
        """Drop the counters whose window has ended (amortised: each sweep waits for the
        number of counters to double)."""
        self._hits = {key: hit for key, hit in self._hits.items() if now - hit[0] < hit[1]}
        self._sweep_hits_at = max(1024, 2 * len(self._hits))

    async def timeline(self, session_id: str) -> list[bytes]:
        return list(self._entry(session_id).timeline)

    async def put_data(self, data_id: str, data: bytes) -> None:
        self._data[data_id] = (data, self.clock())

    async def get_data(self, data_id: str) -> bytes | None:
        found = self._data.get(data_id)
        if found is None or self.clock() - found[1] > self.ttl:
            self._data.pop(data_id, None)
            return None
        self._data[data_id] = (found[0], self.clock())
        return found[0]

    async def count(self) -> int:
        self._expire()
        return len(self._sessions)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        pass

    def _entry(self, session_id: str) -> _Entry:
        entry = self._sessions.get(session_id)
        if entry is None or self.clock() - entry.used > self.ttl:
            self._sessions.pop(session_id, None)
            raise SessionGone(session_id)
        return entry

    def _used(self, session_id: str) -> _Entry:
        entry = self._entry(session_id)
        entry.used, entry.asked = self.clock(), True
        return entry

    def _expire(self) -> None:
        now = self.clock()
        for key in [k for k, e in self._sessions.items() if now - e.used > self.ttl]:
            del self._sessions[key]
        for key in [k for k, (_, used) in self._data.items() if now - used > self.ttl]:
            del self._data[key]
