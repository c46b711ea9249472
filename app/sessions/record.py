"""A session's whole state as the store keeps it, and its way in and out of the store.

``SessionRecord`` is one tab's run (``TrainingState``) plus what a session adds: whether it is
training and since when it was last advanced, why it stopped, the phase just done when
stepping phase by phase, how the learner chose to see each wide layer, the projection bases
that keep those panels from flipping between frames, and a thinned history of the losses.
Everything a frame needs to look the same whichever process builds it is in here.

What travels on each save is kept small: built-in data is made again from its settings and
seed (and cached per process), custom points are kept once in the store under a content id
(and cached per process), and the timeline's snapshots are a list of their own in the store,
appended to as they are taken (``Records`` turns the run's timeline changes into the store's
timeline operations).
"""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.errors import InvalidInput
from app.nn.datasets import is_custom
from app.nn.model import Layer
from app.pictures.panels import Projection
from app.run.config import TrainingConfig
from app.run.history import History
from app.run.saved import layers_from_plain, layers_to_plain, run_from_plain, run_to_plain
from app.run.state import TrainingState, at_snapshot, new_state, seeded_data
from app.run.training import advance_phase
from app.sessions import codec
from app.sessions.store import CLEAR, THIN, SessionGone, Store, TimelineOp, append

Array = np.ndarray

LOSS_POINTS = 128  # the thinned loss history's length at most


@dataclass
class LossHistory:
    """(step, training loss, test loss, training score) now and then over the whole run: when
    full, every other point is dropped and points are then kept half as often, as the timeline
    does. The score is the accuracy, or R² for a regression."""

    steps: list[int] = field(default_factory=list)
    train: list[float | None] = field(default_factory=list)
    test: list[float | None] = field(default_factory=list)
    every: int = 1
    scores: list[float | None] = field(default_factory=list)

    def record(
        self, step: int, train: float | None, test: float | None, score: float | None = None
    ) -> None:
        if self.steps and step - self.steps[-1] < self.every:
            return
        if self.steps and step < self.steps[-1]:  # a new run from step 0
            self.steps, self.train, self.test, self.scores, self.every = [], [], [], [], 1
        self.steps.append(step)
        self.train.append(train)
        self.test.append(test)
        self.scores.append(score)
        if len(self.steps) > LOSS_POINTS:
            self.steps, self.train, self.test = self.steps[::2], self.train[::2], self.test[::2]
            self.scores = self.scores[::2]
            self.every *= 2

    def with_point(
        self, step: int, train: float | None, test: float | None, score: float | None
    ) -> LossHistory:
        """A copy with this point recorded (if it is due): what the history will be once the
        frame that measured it has been noted, whichever process looks at it first."""
        copy = LossHistory(
            list(self.steps), list(self.train), list(self.test), self.every, list(self.scores)
        )
        copy.record(step, train, test, score)
        return copy

    def to_plain(self) -> dict[str, Any]:
        """As arrays (NaN where a value is missing)."""
        losses = [np.array(values, dtype=float) for values in (self.train, self.test)]
        return {
            "steps": np.array(self.steps, dtype=np.int64),
            "losses": losses,
            "every": self.every,
            "scores": np.array(self.scores, dtype=float),
        }

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> LossHistory:
        # Records saved before scores were kept have none: unknown, point by point.
        scores = plain.get("scores", np.full(len(plain["steps"]), np.nan))
        train, test, scores = (
            [None if np.isnan(v) else v for v in a.tolist()] for a in (*plain["losses"], scores)
        )
        return cls(plain["steps"].tolist(), train, test, plain["every"], scores)


@dataclass
class SessionRecord:
    run: TrainingState
    training: bool = False
    last_advance: float = 0.0  # wall-clock time training was last advanced to
    # Wall-clock time a request last trained it (last_advance lags it while catching up).
    trained_at: float = 0.0
    stopped_reason: str | None = None  # "diverged" (a paused session has none)
    phase: str | None = None  # the phase just done, when stepping phase by phase
    projections: dict[int, Projection] = field(default_factory=dict)  # by panel index
    bases: dict[int, Array] = field(default_factory=dict)  # by panel index
    losses: LossHistory = field(default_factory=LossHistory)

    def restart(self, run: TrainingState) -> None:
        """A new run in this session (new settings, a reset, an import): paused, at its
        first picture. The projections chosen stay if the network's shape does."""
        if (
            run.config.sizes != self.run.config.sizes
            or run.config.features != self.run.config.features
        ):
            self.projections = {}
        self.run = run
        self.training, self.stopped_reason, self.phase = False, None, None
        self.bases, self.losses = {}, LossHistory()


def new_record(config: TrainingConfig) -> SessionRecord:
    return SessionRecord(new_state(config))


# ---- plain data ---------------------------------------------------------------------------


def to_plain(record: SessionRecord, data_id: str | None) -> dict[str, Any]:
    """The record as plain data (NumPy arrays kept as they are: codec.py stores them exactly),
    without its points (``data_id`` names custom ones; built-in data is made again from the
    config) and without the timeline's snapshots (the store keeps them in a list)."""
    run = run_to_plain(record.run, data=False, snapshots=False)
    # Long lists of numbers travel as arrays: binary, not JSON text to write and read back.
    run["timeline"]["steps"] = np.array(run["timeline"]["steps"], dtype=np.int64)
    pending = record.run.pending
    return {
        "run": run,
        "data_id": data_id,
        # A step taken phase by phase is saved as not begun (saved.py), with how many of its
        # phases were done: they are done again on load, on the same batch, to the same numbers.
        "phases_done": 0
        if pending is None
        else 1 + (pending.loss is not None) + (pending.grads is not None),
        "last_grads": _layers(record.run.last_grads),
        "last_loss": record.run.last_loss,
        "previous_layers": _layers(record.run.previous_layers),
        "training": record.training,
        "last_advance": record.last_advance,
        "trained_at": record.trained_at,
        "stopped_reason": record.stopped_reason,
        "phase": record.phase,
        "projections": {
            str(index): [p.kind, p.dims, list(p.neurons)] for index, p in record.projections.items()
        },
        "bases": {str(index): basis for index, basis in record.bases.items()},
        "losses": record.losses.to_plain(),
    }


def from_plain(plain: dict[str, Any], x: Array, y: Array, is_test: Array) -> SessionRecord:
    """The record back from ``to_plain``'s data and its points. The timeline's snapshots stay
    in the store (``History.snapshots`` holds None for each) until one is asked for."""
    run_plain = dict(plain["run"])
    timeline = run_plain.pop("timeline")
    run = run_from_plain({**run_plain, "data": {"x": x, "y": y, "is_test": is_test}})
    steps = timeline["steps"].tolist()
    run.history = History(
        timeline["capacity"], timeline["interval"], steps, [None] * len(steps), changes=[]
    )
    run.last_grads = _layers_back(plain["last_grads"])
    run.last_loss = plain.get("last_loss")  # records saved before it was kept have none
    run.previous_layers = _layers_back(plain["previous_layers"])
    for _ in range(plain["phases_done"]):
        advance_phase(run)
    return SessionRecord(
        run,
        training=plain["training"],
        last_advance=plain["last_advance"],
        trained_at=plain.get("trained_at", 0.0),  # records stored before it was kept have none
        stopped_reason=plain["stopped_reason"],
        phase=plain["phase"],
        projections={
            int(index): Projection(kind, dims, tuple(neurons))
            for index, (kind, dims, neurons) in plain["projections"].items()
        },
        bases={int(index): basis for index, basis in plain["bases"].items()},
        losses=LossHistory.from_plain(plain["losses"]),
    )


def _layers(layers: list[Layer] | None) -> list[dict[str, Array]] | None:
    return None if layers is None else layers_to_plain(layers)


def _layers_back(plain: list[dict[str, Array]] | None) -> list[Layer] | None:
    return None if plain is None else layers_from_plain(plain)


# ---- data ---------------------------------------------------------------------------------


def data_id_of(x: Array, y: Array, is_test: Array) -> str:
    """Custom points' content id: the same points give the same id, in any process."""
    digest = hashlib.blake2b(digest_size=12)
    for part in (x, y, is_test):
        digest.update(np.ascontiguousarray(part).tobytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=64)
def _built_in(config: TrainingConfig) -> tuple[Array, Array, Array]:
    """A built-in dataset, made from its settings and seed once per process."""
    data = seeded_data(config)
    for part in data:
        part.flags.writeable = False  # shared by every session of these settings
    return data


def _data_key(config: TrainingConfig) -> TrainingConfig:
    # Only the data's own settings decide the points: one cache entry for all other settings.
    return TrainingConfig(
        dataset=config.dataset,
        n_points=config.n_points,
        noise=config.noise,
        test_fraction=config.test_fraction,
        seed=config.seed,
        classes=config.classes,
    )


class Records:
    """Session records in a store: decoded on load, encoded on save, their data fetched and
    kept once, their timeline's new snapshots turned into the store's operations.

    Each process also keeps the records it saved last, decoded: a tab's polls usually come back
    to the process that answered the last one (the browser keeps its connection open), and that
    process can work on its own copy. ``take(check=True)`` asks the store whether the copy is
    still the latest (one small round trip, no record sent back or decoded); ``check=False``
    trusts it, and the save's compare-and-set is then the check: if it fails, the copy was
    stale, and the session is marked as shared (changed by other processes too, as behind a
    round-robin balancer) so that its copies are checked from then on.
    """

    CUSTOM_KEPT = 64  # custom data sets cached in this process
    RECORDS_KEPT = 1000  # records this process saved last

    def __init__(self, store: Store) -> None:
        self.store = store
        self._custom: OrderedDict[str, tuple[Array, Array, Array]] = OrderedDict()
        self._kept: OrderedDict[str, tuple[SessionRecord, int]] = OrderedDict()
        self._shared: OrderedDict[str, None] = OrderedDict()

    async def take(self, session_id: str, check: bool = True) -> tuple[SessionRecord, int, bool]:
        """A record to change, its revision, and whether the store has confirmed it is the
        latest: this process's copy (taken out, so that no other request changes it
        meanwhile), checked unless told not to (and unless the session is shared); else the
        store's. Save it, or give it back with keep()."""
        kept = self._kept.pop(session_id, None)
        if kept is None:
            return (*await self.load(session_id), True)
        if not check and session_id not in self._shared:
            return (*kept, False)
        stored = await self.store.load(session_id, have=kept[1])
        if stored.record is None:
            return (*kept, True)
        return await self._decoded(stored.record), stored.revision, True

    def keep(self, session_id: str, record: SessionRecord, revision: int) -> None:
        """Hold this record, unchanged since it was saved at ``revision``, for the next change."""
        self._kept[session_id] = (record, revision)
        self._kept.move_to_end(session_id)
        while len(self._kept) > self.RECORDS_KEPT:
            self._kept.popitem(last=False)

    def shared(self, session_id: str) -> None:
        """Another process changed this session: check this process's copies of it."""
        self._shared[session_id] = None
        self._shared.move_to_end(session_id)
        while len(self._shared) > self.RECORDS_KEPT:
            self._shared.popitem(last=False)

    def forget(self, session_id: str) -> None:
        self._kept.pop(session_id, None)
        self._shared.pop(session_id, None)

    async def create(self, session_id: str, record: SessionRecord) -> None:
        data_id = await self._keep_data(record.run)
        snapshots = [_snapshot_bytes(layers) for layers in record.run.history.snapshots]
        record.run.history.changes.clear()
        plain = to_plain(record, data_id)
        await self.store.create(session_id, codec.encode(plain), data_id, snapshots)

    async def load(self, session_id: str) -> tuple[SessionRecord, int]:
        """The latest record, from the store."""
        stored = await self.store.load(session_id)
        return await self._decoded(stored.record), stored.revision

    async def _decoded(self, data: bytes) -> SessionRecord:
        plain = codec.decode(data)
        config = TrainingConfig.from_dict(plain["run"]["config"])
        if plain["data_id"] is None:
            x, y, is_test = _built_in(_data_key(config))
        else:
            x, y, is_test = await self._custom_data(plain["data_id"])
        return from_plain(plain, x, y, is_test)

    async def save(self, session_id: str, revision: int, record: SessionRecord) -> int | None:
        data_id = await self._keep_data(record.run)
        ops = _timeline_ops(record.run.history)
        saved = await self.store.save(
            session_id, revision, codec.encode(to_plain(record, data_id)), data_id, ops
        )
        if saved is not None:
            record.run.history.changes.clear()
            self.keep(session_id, record, saved)
        return saved

    async def snapshot(self, session_id: str, record: SessionRecord, index: int) -> TrainingState:
        """The run as it was at one of its timeline's snapshots."""
        snapshots = await self.store.timeline(session_id)
        steps = record.run.history.steps
        if not 0 <= index < min(len(steps), len(snapshots)):
            raise InvalidInput("at", f"at must be a timeline index from 0 to {len(steps) - 1}")
        record.run.history.snapshots[index] = _layers_back(codec.decode(snapshots[index]))
        return at_snapshot(record.run, index)

    async def _keep_data(self, run: TrainingState) -> str | None:
        if not is_custom(run.config.dataset):
            return None
        data_id = data_id_of(run.x, run.y, run.is_test)
        if data_id not in self._custom:
            blob = codec.encode({"x": run.x, "y": run.y, "is_test": run.is_test})
            await self.store.put_data(data_id, blob)
            self._remember(data_id, (run.x, run.y, run.is_test))
        return data_id

    async def _custom_data(self, data_id: str) -> tuple[Array, Array, Array]:
        if data_id in self._custom:
            self._custom.move_to_end(data_id)
            return self._custom[data_id]
        blob = await self.store.get_data(data_id)
        if blob is None:  # expired with every session that used it
            raise SessionGone(data_id)
        plain = codec.decode(blob)
        data = (plain["x"], plain["y"], plain["is_test"])
        self._remember(data_id, data)
        return data

    def _remember(self, data_id: str, data: tuple[Array, Array, Array]) -> None:
        self._custom[data_id] = data
        while len(self._custom) > self.CUSTOM_KEPT:
            self._custom.popitem(last=False)


def _snapshot_bytes(layers: list[Layer]) -> bytes:
    return codec.encode(_layers(layers))


def _timeline_ops(history: History) -> list[TimelineOp]:
    ops: list[TimelineOp] = []
    for change in history.changes:
        if change[0] == "clear":
            ops.append(CLEAR)
        elif change[0] == "thin":
            ops.append(THIN)
        else:
            ops.append(append(_snapshot_bytes(change[1])))
    return ops
