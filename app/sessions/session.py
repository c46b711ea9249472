"""Live training sessions: one per browser tab, trained in the background, kept in memory.

A ``Session`` wraps a plain ``TrainingState`` with what only a running server needs: a lock
(requests run in a thread pool, so two may touch one session at once), whether it is training,
when a client last looked at it, and the last frame built (``app/sessions/store.py`` keeps
them and trains them).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from app.errors import InvalidInput
from app.nn.features import RAW
from app.pictures.frame import build_frame
from app.pictures.panels import Projection
from app.run.config import TrainingConfig
from app.run.points import to_csv
from app.run.saved import network_file
from app.run.state import TrainingState, at_snapshot, new_state, reset_weights, with_data
from app.run.training import advance_phase, require_training_points, train_steps

Array = np.ndarray

MAX_WAITING_POLLS = 16  # per session: a tab has one in flight; more is a client misbehaving


class Session:
    def __init__(self, session_id: str, config: TrainingConfig, now: float) -> None:
        self.id = session_id
        self.lock = threading.Lock()
        self.last_seen = now
        self.revision = 0
        self.closed = False  # dropped by the store
        # Polls waiting on the event loop for the next revision (see wait_for_news).
        self._waiters: list[asyncio.Future] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._configure(config)

    # Every public method takes the lock: the thread pool may run two requests at once.

    def configure(self, config: TrainingConfig) -> dict[str, Any]:
        with self.lock:
            self._configure(config)
            return self._frame()

    def step(self, n: int) -> dict[str, Any]:
        with self.lock:
            require_training_points(self.state)
            self.training = False
            self._advance(n)
            return self._frame()

    def edit_data(
        self, edit: Callable[[Array, Array, Array], tuple], problem: str = "binary"
    ) -> dict[str, Any]:
        """Change the points: same network, same step, custom data of the given problem from
        now on (see with_data).

        ``edit`` gets (x, y, is_test) and returns new ones; it may raise InvalidInput.
        """
        with self.lock:
            x, y, is_test = edit(self.state.x, self.state.y, self.state.is_test)
            self.state = with_data(self.state, x, y, is_test, problem)
            self._changed()
            return self._frame()

    def data(self) -> tuple[Array, Array, Array]:
        with self.lock:
            return self.state.x, self.state.y, self.state.is_test

    def data_csv(self) -> str:
        """The points as a CSV file (app/run/points.py)."""
        with self.lock:
            state = self.state
            return to_csv(state.x, state.y, state.is_test, state.config.problem)

    def export(self) -> dict[str, Any]:
        """The run as a network file (app/run/saved.py), ready for JSON."""
        with self.lock:
            return network_file(self.state)

    def restore(self, state: TrainingState) -> dict[str, Any]:
        """Continue from an imported network."""
        with self.lock:
            self.state = state
            self.projections = {}
            self._restart()
            return self._frame()

    def phase_step(self) -> dict[str, Any]:
        """Pause, then do just the next phase of a step: forward, loss, backward or update."""
        with self.lock:
            require_training_points(self.state)
            self.training = False
            if not self.state.diverged:
                self.phase = advance_phase(self.state)
                if self.state.diverged:
                    self.stopped_reason = "diverged"
            self._changed()
            return self._frame()

    def set_projection(self, layer: int, projection: Projection) -> dict[str, Any]:
        """Show a layer panel another way. Raises InvalidInput if it cannot be."""
        with self.lock:
            units = self._panel_units().get(layer)
            if units is None or units < 3:
                wide = sorted(i for i, n in self._panel_units().items() if n >= 3)
                message = f"layer must be a panel of 3 or more units: one of {wide}"
                raise InvalidInput("layer", message)
            if projection.kind == "neurons":
                picked = projection.neurons
                if len(picked) != projection.dims or len(set(picked)) != len(picked):
                    raise InvalidInput("neurons", f"neurons: {projection.dims} distinct numbers")
                if max(picked) >= units:
                    raise InvalidInput("neurons", f"neurons: each from 0 to {units - 1}")
            self.projections[layer] = projection
            self._changed()
            return self._frame()

    def reset(self) -> dict[str, Any]:
        with self.lock:
            self.state = reset_weights(self.state)
            self._restart()
            return self._frame()

    def start_training(self) -> bool:
        with self.lock:
            if not self.state.diverged and not self.training:
                self.training, self.stopped_reason = True, None
                self._changed()
            return self.training

    def pause(self, reason: str | None = None) -> None:
        with self.lock:
            self._pause(reason)

    def train_tick(self, unwatched: bool) -> None:
        """One slice of background training (the config's steps per frame), or a pause if
        nobody is watching. Skipped if a request holds the session: it gets its turn next
        round, and the trainer, which runs on the event loop, never waits."""
        if not self.lock.acquire(blocking=False):
            return
        try:
            if unwatched:
                self._pause(reason="idle")
            elif self.training:
                self._advance(self.state.config.steps_per_frame)
        finally:
            self.lock.release()

    async def wait_for_news(self, revision: int, timeout: float) -> float:
        """While the session trains, wait until it moves on from ``revision``, stops, or is
        closed, for at most ``timeout`` seconds; returns the seconds waited. Runs on the event
        loop. A poll that waits for the next frame costs nothing meanwhile, where one answered
        "nothing new" at once would be asked again and again: under load those empty answers
        took as much of the server as the frames did. At most MAX_WAITING_POLLS polls wait on
        one session; any more are answered at once.
        """
        loop = asyncio.get_running_loop()
        self._loop = loop
        started = loop.time()
        while self._unchanged(revision) and len(self._waiters) < MAX_WAITING_POLLS:
            remaining = started + timeout - loop.time()
            if remaining <= 0:
                break
            waiter = loop.create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait([waiter], timeout=remaining)
            finally:
                if waiter in self._waiters:  # timed out or cancelled: nobody woke it
                    self._waiters.remove(waiter)
        return loop.time() - started

    def close(self) -> None:
        """The store has let the session go: polls waiting on it stop waiting."""
        self.closed = True
        self._notify()

    def _unchanged(self, revision: int) -> bool:
        return self.revision == revision and self.training and not self.closed

    def _changed(self) -> None:
        # Every change a client should see gets a new revision, and wakes the polls waiting.
        self.revision += 1
        self._notify()

    def _notify(self) -> None:
        # Changes come from the trainer, on the event loop, and from requests in worker
        # threads. The waiting futures belong to the event loop, so they are woken there.
        loop = self._loop
        if loop is None:
            return  # no poll has ever waited on this session
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:  # in a worker thread
            on_loop = False
        if on_loop:
            self._wake()
        else:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
                loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def frame_at_once(self) -> dict[str, Any] | None:
        """The latest frame, or None at once if a request holds the session (so that the event
        loop, which answers polls, never waits for a long request)."""
        if not self.lock.acquire(blocking=False):
            return None
        try:
            return self._frame()
        finally:
            self.lock.release()

    def frame(self) -> dict[str, Any]:
        with self.lock:
            return self._frame()

    def frame_at(self, index: int) -> dict[str, Any]:
        """The frame of one timeline snapshot. Raises InvalidInput if there is no such one."""
        with self.lock:
            if not 0 <= index < len(self.state.history):
                last = len(self.state.history) - 1
                raise InvalidInput("at", f"at must be a timeline index from 0 to {last}")
            snapshot = at_snapshot(self.state, index)
            body, self._bases = build_frame(snapshot, self._bases, self.projections)
            return {**self._status(), **body, "timeline_index": index}

    def summary(self) -> dict[str, Any]:
        with self.lock:
            return {
                "session_id": self.id,
                "config": self.state.config.to_dict(),
                "step": self.state.step,
                "training": self.training,
            }

    @property
    def config(self) -> TrainingConfig:
        return self.state.config

    def _configure(self, config: TrainingConfig) -> None:
        self.state = new_state(config)
        self.projections: dict[int, Projection] = {}  # per panel; a new network starts afresh
        self._restart()

    def _panel_units(self) -> dict[int, int]:
        """Units of every panel after the input plane, by panel index."""
        config = self.state.config
        # The network's sizes, less the output, and less the input when it is the raw plane.
        widths = config.sizes[:-1] if config.features != RAW else config.sizes[1:-1]
        return {i + 1: n for i, n in enumerate(widths)}

    def _restart(self) -> None:
        self.phase: str | None = None  # the phase just done, when stepping phase by phase
        self.training = False
        self.stopped_reason: str | None = None
        self._bases: dict = {}
        self._cached: tuple[int, dict[str, Any]] | None = None
        self._changed()

    def _pause(self, reason: str | None) -> None:
        if self.training:
            self.training, self.stopped_reason = False, reason
            self._changed()

    def _advance(self, n: int) -> None:
        self.phase = None
        train_steps(self.state, n)
        if self.state.diverged:
            self.training, self.stopped_reason = False, "diverged"
        self._changed()

    def _frame(self) -> dict[str, Any]:
        # Polls are frequent and a paused session does not change: build each revision once.
        if self._cached is None or self._cached[0] != self.revision:
            body, self._bases = build_frame(self.state, self._bases, self.projections)
            self._cached = (self.revision, body)
        return {**self._status(), **self._cached[1], "timeline_index": None}

    def _status(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "training": self.training,
            "stopped_reason": self.stopped_reason,
            "timeline": list(self.state.history.steps),
            "phase": self.phase,
        }
