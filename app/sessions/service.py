"""Live sessions: everything the API asks of a session, with every change a compare-and-set.

Nothing here keeps a session between requests: each request loads the session's record from
the store (sessions/store.py), works on it, and saves it back only if nobody else saved a
newer revision meanwhile (else it starts over from the newer one). So any worker process, on
any host, can serve any request of any session.

Training is driven by the page: while a session trains, each ``advance`` (the page's poll)
takes the steps due since the last advance (``steps_per_frame`` every FRAME_SECONDS), at most
CATCH_UP_SECONDS' worth and at most TRAIN_BUDGET seconds of work, then answers the new frame.
A session nobody polls costs nothing: no poll, no training. One that has not been advanced
for IDLE_STOP seconds counts as paused ("idle") until Train is pressed again.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from app.pictures.frame import build_frame
from app.pictures.hints import training_hint
from app.run.config import TrainingConfig
from app.run.training import train_steps
from app.sessions.frames import FrameCache
from app.sessions.record import Records, SessionRecord, new_record
from app.sessions.store import SessionGone, Store

FRAME_SECONDS = 0.05  # while training, steps_per_frame steps are due every this many seconds
CATCH_UP_SECONDS = 0.25  # at most this much owed training is made up in one request
TRAIN_BUDGET = 0.03  # seconds of training one request may do, whatever the network's size
IDLE_STOP = 15.0  # a training session not advanced for this long counts as paused
MAX_TRIES = 20  # compare-and-set attempts of one change before giving up
# A closed page's session is forgotten this long after, unless the page takes it back: a
# reload, or a link followed in the same tab, closes the page and opens it again at once.
CLOSE_GRACE = 10.0


class StoreBusy(RuntimeError):
    """A change lost the compare-and-set MAX_TRIES times in a row (a client hammering it)."""


Edit = Callable[[SessionRecord], Any]


class SessionService:
    """The sessions of one worker process, kept in ``store``."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        budget: float = TRAIN_BUDGET,
    ) -> None:
        # Wall-clock time: a session's last advance is compared across processes and hosts.
        self.store, self.clock, self.sleep, self.budget = store, clock, sleep, budget
        self.records = Records(store)
        self.frames = FrameCache()

    async def create(self, config: TrainingConfig) -> tuple[str, SessionRecord, dict[str, Any]]:
        """A new session of this config: its id, record and first frame."""
        session_id = secrets.token_urlsafe(16)
        record = new_record(config)
        await self.records.create(session_id, record)
        self.records.keep(session_id, record, 0)
        return session_id, record, self._built(session_id, record, 0)

    async def read(self, session_id: str) -> tuple[SessionRecord, int]:
        """The session's record and revision, as they are (raises SessionGone)."""
        return await self.records.load(session_id)

    async def frame(self, session_id: str) -> dict[str, Any]:
        """The latest frame (built once per revision per process)."""
        record, revision = await self.records.load(session_id)
        return self._frame(record, revision, self._body(session_id, record, revision))

    async def revision(self, session_id: str) -> int:
        return (await self.records.load(session_id))[1]

    async def change(self, session_id: str, edit: Edit) -> tuple[SessionRecord, dict[str, Any]]:
        """Apply ``edit`` to the latest record and save it; if another writer saved first,
        apply it again to theirs. ``edit`` may raise InvalidInput (nothing is saved)."""
        for _ in range(MAX_TRIES):
            record, revision, _ = await self.records.take(session_id)
            edit(record)
            saved = await self.records.save(session_id, revision, record)
            if saved is not None:
                return record, self._built(session_id, record, saved)
        raise StoreBusy(session_id)

    async def advance(self, session_id: str) -> dict[str, Any]:
        """While the session trains: the steps due, then the new frame. Otherwise (paused,
        idle, diverged) the latest frame. If another request advanced it first, that newer
        frame, without training again.

        The poll is the hot path: it first works on this process's copy of the record without
        asking the store (one round trip, the save, instead of two); if the copy proves stale
        (the save's compare-and-set fails), it starts over once from the latest, unless the
        latest was advanced since this request came in (a race, not a stale copy: its frame is
        the answer)."""
        asked = self.clock()
        for check in (False, True):
            record, revision, checked = await self.records.take(session_id, check)
            due, wait = self._due(record)
            if check and due == 0 and record.trained_at >= asked:
                # Another request trained it after this one came in (a race): its frame is
                # the answer. Trained before (this copy was merely stale): go on as usual.
                self.records.keep(session_id, record, revision)
                break
            if self.training(record) and due == 0:  # asked before a step is due: wait for one
                self.records.keep(session_id, record, revision)
                await self.sleep(wait)
                record, revision, checked = await self.records.take(session_id, check)
                due, _ = self._due(record)
            if not self.training(record):
                self.records.keep(session_id, record, revision)
                if not checked:
                    continue  # not trusted to say "not training": look at the latest
                return self._frame(record, revision, self._body(session_id, record, revision))
            self._train(record, max(due, 1))
            saved = await self.records.save(session_id, revision, record)
            if saved is not None:
                return self._built(session_id, record, saved)
            if checked:
                break  # another request advanced this revision first: answer its frame
            self.records.shared(session_id)  # the copy was stale: again, from the latest
        return await self.frame(session_id)

    async def frame_at(self, session_id: str, index: int) -> dict[str, Any]:
        """The frame of one of the timeline's snapshots (raises InvalidInput if none)."""
        record, revision = await self.records.load(session_id)
        past = await self.records.snapshot(session_id, record, index)
        body, _ = build_frame(past, record.bases, record.projections)
        # A snapshot is between whole steps, whatever phase the live run stands at.
        return {**self._status(record, revision), **body, "phase": None, "timeline_index": index}

    async def delete(self, session_id: str) -> None:
        self.records.forget(session_id)
        if not await self.store.delete(session_id):
            raise SessionGone(session_id)

    async def close(self, session_id: str) -> None:
        """Its page has gone: forget the session in CLOSE_GRACE seconds, unless it is used
        again meanwhile (nothing happens to an unknown one)."""
        self.records.forget(session_id)
        await self.store.release(session_id, CLOSE_GRACE)

    # ---- training ---------------------------------------------------------------------

    def training(self, record: SessionRecord) -> bool:
        return record.training and self.clock() - record.last_advance <= IDLE_STOP

    def _due(self, record: SessionRecord) -> tuple[int, float]:
        """Steps due now, and if fewer than a frame's, none yet and how long until they are:
        a page polls as soon as it has its answer, and a frame a step (100 a second on a small
        network) would cost a frame's work for each step."""
        per_frame = record.run.config.steps_per_frame
        rate = per_frame / FRAME_SECONDS  # steps a second
        owed = min(max(self.clock() - record.last_advance, 0.0), CATCH_UP_SECONDS)
        due = int(owed * rate + 1e-6)  # 1e-6: 0.05 s at 100 steps a second is 5, not 4.999...
        return (due, 0.0) if due >= per_frame else (0, (per_frame - owed * rate) / rate)

    def _train(self, record: SessionRecord, due: int) -> None:
        """Up to ``due`` steps, in slices of steps_per_frame, for at most ``budget`` seconds
        (at least one slice)."""
        config = record.run.config
        started, now = time.perf_counter(), self.clock()
        record.phase, taken = None, 0
        while taken < due:
            chunk = min(due - taken, config.steps_per_frame)
            done = train_steps(record.run, chunk)
            taken += done
            if done < chunk or time.perf_counter() - started >= self.budget:
                break  # diverged or no data; or this request has trained long enough
        if record.run.diverged:
            record.training, record.stopped_reason = False, "diverged"
        # Time owed is made up to CATCH_UP_SECONDS; what the budget cut short is dropped.
        rate = config.steps_per_frame / FRAME_SECONDS
        caught_up = taken == due and now - record.last_advance <= CATCH_UP_SECONDS
        record.last_advance = record.last_advance + taken / rate if caught_up else now
        record.trained_at = now

    # ---- frames -----------------------------------------------------------------------

    def _build(self, record: SessionRecord) -> dict[str, Any]:
        """The record's frame body, its projection bases kept in the record (so the next
        frame, whichever process builds it, turns the same way) and its losses noted."""
        body, record.bases = build_frame(record.run, record.bases, record.projections, record.phase)
        record.losses.record(record.run.step, *_measured(body["metrics"]))
        return body

    def _built(self, session_id: str, record: SessionRecord, revision: int) -> dict[str, Any]:
        """The frame of a record just saved at ``revision``. Built after the save, from the
        record as saved, as any process would build it; the bases and loss it notes in the
        record (this process's copy) go to the store with the next save."""
        body = self._build(record)
        self.frames.put(session_id, revision, body)
        return self._frame(record, revision, body)

    def _body(self, session_id: str, record: SessionRecord, revision: int) -> dict[str, Any]:
        """The frame body of a saved revision: cached, or built without saving anything (a
        record's bases are those its frame was built with, so this one turns the same way)."""
        body = self.frames.get(session_id, revision)
        if body is None:
            body, _ = build_frame(record.run, record.bases, record.projections, record.phase)
            self.frames.put(session_id, revision, body)
        return body

    def _frame(self, record: SessionRecord, revision: int, body: dict[str, Any]) -> dict[str, Any]:
        return {**self._status(record, revision, body["metrics"]), **body, "timeline_index": None}

    def _status(
        self, record: SessionRecord, revision: int, metrics: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The session's state as a frame tells it. ``metrics``: those of the latest frame's
        body, noted in the loss history (as _build does) before the hint reads it, so that
        every process gives the same hint for the same revision."""
        training = self.training(record)
        idle = record.training and not training
        losses = record.losses
        if metrics is not None:
            losses = losses.with_point(record.run.step, *_measured(metrics))
        run = record.run
        score = losses.scores[-1] if losses.scores else None
        hint = training_hint(
            losses.steps, losses.train, score, run.config, run.diverged, run.diverged_reason
        )
        return {
            "revision": revision,
            "training": training,
            "stopped_reason": "idle" if idle else record.stopped_reason,
            "timeline": list(record.run.history.steps),
            "phase": record.phase,
            "hint": hint,
        }


def _measured(metrics: dict[str, Any]) -> tuple[float | None, float | None, float | None]:
    """A frame's training loss, test loss and training score (accuracy, or R² for a
    regression), as the loss history keeps them."""
    score = metrics["train_accuracy"]
    return (
        metrics["train_loss"],
        metrics["test_loss"],
        score if score is not None else metrics["train_r2"],
    )
