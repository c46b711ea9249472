"""Where live sessions are kept: ``SessionStore`` holds them by id, caps their number and
drops the idle ones; ``run_trainer`` is the one background loop that advances every training
session a little at each tick."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Callable

from app.run.config import TrainingConfig
from app.sessions.session import Session


class SessionStore:
    """All live sessions, by unguessable id.

    At most ``max_sessions`` are kept (the least recently seen goes first); a session nobody
    has asked about for ``ttl`` seconds is dropped; one training with nobody polling for
    ``idle_stop`` seconds is paused; a poll of a training session with nothing new waits up
    to ``news_wait`` seconds for its next frame.
    """

    def __init__(
        self,
        max_sessions: int = 1000,
        ttl: float = 30 * 60,
        idle_stop: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
        news_wait: float = 1.0,
    ) -> None:
        self.max_sessions, self.ttl, self.idle_stop, self.clock = (
            max_sessions,
            ttl,
            idle_stop,
            clock,
        )
        self.news_wait = news_wait  # the longest a poll of a training session waits
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, config: TrainingConfig) -> Session:
        session = Session(secrets.token_urlsafe(16), config, self.clock())
        with self._lock:
            while len(self._sessions) >= self.max_sessions:
                oldest = min(self._sessions.values(), key=lambda s: s.last_seen)
                del self._sessions[oldest.id]
                oldest.close()
            self._sessions[session.id] = session
        return session

    def get(self, session_id: str) -> Session:
        """The session, marked as just seen. Raises KeyError if unknown or expired."""
        with self._lock:
            session = self._sessions[session_id]
        session.last_seen = self.clock()
        return session

    def delete(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id).close()

    def __len__(self) -> int:
        return len(self._sessions)

    def training(self) -> list[Session]:
        """The sessions training now, after dropping those nobody has asked about for ``ttl``."""
        now = self.clock()
        with self._lock:
            for session in [s for s in self._sessions.values() if now - s.last_seen > self.ttl]:
                del self._sessions[session.id]
                session.close()
            return [s for s in self._sessions.values() if s.training]

    def unwatched(self, session: Session) -> bool:
        """True if nobody has polled the session for ``idle_stop``: its training should stop."""
        return self.clock() - session.last_seen > self.idle_stop


async def run_trainer(store: SessionStore, period: float = 0.05) -> None:
    """Advance every training session one slice per period.

    Each session gets the same slice per round, so one big network slows the round for all
    rather than starving the others. The slices run on the event loop, one session at a time
    with requests let in between, and polls are answered there too (app/api/routes.py): the server's
    steady work stays on one thread. In a worker thread the trainer spent most of its time
    waiting for Python's GIL, which NumPy releases and takes back many times a step: measured
    with 25 students polling (benchmarks/load.py), each session trained 43 steps a second
    instead of 100, and got 6 frames a second instead of 9.6.
    """
    while True:
        started = time.monotonic()
        for session in store.training():
            session.train_tick(unwatched=store.unwatched(session))
            await asyncio.sleep(0)
        await asyncio.sleep(max(period - (time.monotonic() - started), 0.005))
