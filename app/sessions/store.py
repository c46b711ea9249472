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
expires after ``ttl`` seconds without use; loading a session counts as use.
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


class Store(Protocol):
    """What the app needs of a store of sessions (see the module's docstring)."""

    kind: str  # "memory" or "redis", for /healthz (never the URL: it may hold a password)
    ttl: float

    async def create(
        self, session_id: str, record: bytes, data_id: str | None, timeline: list[bytes]
    ) -> None:
        """Keep a new session at revision 0 with these first snapshots, dropping the least
        recently used session if the store is full."""

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


class MemoryStore:
    """Sessions in this process's memory. Nothing here awaits, so on the event loop every
    method runs whole before another starts: compare-and-set needs no lock."""

    kind = "memory"

    def __init__(
        self,
        max_sessions: int = 1000,
        ttl: float = 30 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_sessions, self.ttl, self.clock = max_sessions, ttl, clock
        self._sessions: dict[str, _Entry] = {}
        self._data: dict[str, tuple[bytes, float]] = {}  # by content id: (data, last used)

    async def create(
        self, session_id: str, record: bytes, data_id: str | None, timeline: list[bytes]
    ) -> None:
        self._expire()
        while len(self._sessions) >= self.max_sessions:
            oldest = min(self._sessions, key=lambda key: self._sessions[key].used)
            del self._sessions[oldest]
        entry = _Entry(0, record, data_id, list(timeline), used=self.clock())
        self._sessions[session_id] = entry

    async def load(self, session_id: str, have: int | None = None) -> Stored:
        entry = self._entry(session_id)
        entry.used = self.clock()
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
        entry.used = self.clock()
        return entry.revision

    async def delete(self, session_id: str) -> bool:
        return self._sessions.pop(session_id, None) is not None

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

    def _expire(self) -> None:
        now = self.clock()
        for key in [k for k, e in self._sessions.items() if now - e.used > self.ttl]:
            del self._sessions[key]
        for key in [k for k, (_, used) in self._data.items() if now - used > self.ttl]:
            del self._data[key]
