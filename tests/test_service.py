"""Sessions kept in a store, trained by the page's polls: counted in steps, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from app.errors import InvalidInput
from app.pictures.panels import Projection
from app.run.config import TrainingConfig
from app.sessions import edits
from app.sessions.service import CATCH_UP_SECONDS, FRAME_SECONDS, IDLE_STOP, SessionService
from app.sessions.store import MemoryStore

pytestmark = pytest.mark.anyio

CONFIG = TrainingConfig(dataset="xor", hidden_layers=(4,), steps_per_frame=5)
RATE = CONFIG.steps_per_frame / FRAME_SECONDS  # steps due a second while training


class Clock:
    """Time that moves only when told to (and when a request sleeps)."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


class RoundTrips:
    """A store whose every call lets other requests run first, as a network round trip would
    (the memory store's calls never wait, so requests would otherwise run one after another)."""

    def __init__(self, store) -> None:
        self.store = store

    def __getattr__(self, name):
        method = getattr(self.store, name)
        if not callable(method):
            return method

        async def call(*args, **kwargs):
            await asyncio.sleep(0)
            return await method(*args, **kwargs)

        return call


def service(store=None, clock=None, **options) -> SessionService:
    clock = clock or Clock()
    return SessionService(store or MemoryStore(), clock=clock, sleep=clock.sleep, **options)


async def training(sessions: SessionService) -> str:
    session_id, _, _ = await sessions.create(CONFIG)
    await sessions.change(session_id, edits.start_training(sessions.clock()))
    return session_id


async def test_each_poll_takes_the_steps_due_since_the_last_one():
    sessions = service()
    session_id = await training(sessions)
    clock = sessions.clock
    steps = []
    for seconds in (0.1, 0.05, 0.2):
        clock.now += seconds
        steps.append((await sessions.advance(session_id))["step"])
    assert steps == [10, 15, 35]  # 100 steps a second: 5 per 50 ms


async def test_a_poll_before_a_frames_steps_are_due_waits_for_them():
    sessions = service()
    session_id = await training(sessions)
    before = sessions.clock()
    frame = await sessions.advance(session_id)  # no time has passed: nothing is due yet
    assert frame["step"] == CONFIG.steps_per_frame
    assert sessions.clock() - before == pytest.approx(FRAME_SECONDS)
    sessions.clock.now += FRAME_SECONDS / 2  # half a frame's steps due: not a frame yet
    frame = await sessions.advance(session_id)
    assert frame["step"] == 2 * CONFIG.steps_per_frame
    assert sessions.clock() - before == pytest.approx(2 * FRAME_SECONDS)


async def test_a_tab_back_after_a_minute_does_not_train_for_a_minute():
    sessions = service()
    session_id = await training(sessions)
    sessions.clock.now += 60
    assert (await sessions.advance(session_id))["step"] == 0  # idle: more than IDLE_STOP
    sessions.clock.now -= 60 - IDLE_STOP + 1  # back within IDLE_STOP of the last advance
    frame = await sessions.advance(session_id)
    assert frame["step"] == int(CATCH_UP_SECONDS * RATE) and frame["training"]
    sessions.clock.now += 0.05  # and the debt is not carried over
    assert (await sessions.advance(session_id))["step"] == int(CATCH_UP_SECONDS * RATE) + 5


async def test_a_session_not_advanced_for_a_while_counts_as_paused_idle():
    sessions = service()
    session_id = await training(sessions)
    sessions.clock.now += IDLE_STOP + 1
    frame = await sessions.advance(session_id)
    assert frame["training"] is False and frame["stopped_reason"] == "idle"
    assert frame["step"] == 0
    await sessions.change(session_id, edits.start_training(sessions.clock()))
    sessions.clock.now += 0.05
    assert (await sessions.advance(session_id))["step"] == 5


async def test_a_paused_session_is_not_trained_by_polls():
    sessions = service()
    session_id, _, _ = await sessions.create(CONFIG)
    sessions.clock.now += 1
    frame = await sessions.advance(session_id)
    assert frame["step"] == 0 and frame["revision"] == 0 and not frame["training"]


async def test_one_polls_training_is_bounded_by_time_not_only_by_count():
    # A budget of no time at all: each poll still takes one slice of steps_per_frame.
    sessions = service(budget=0.0)
    session_id = await training(sessions)
    sessions.clock.now += CATCH_UP_SECONDS
    assert (await sessions.advance(session_id))["step"] == CONFIG.steps_per_frame


async def test_a_poll_that_loses_the_race_answers_the_winners_frame_and_trains_no_more():
    store, clock = RoundTrips(MemoryStore()), Clock()
    a, b = service(store, clock), service(store, clock)  # two worker processes, one store
    session_id = await training(a)
    # Both processes hold revision 1 (as each would after answering a poll of it), and each
    # trains its copy without asking the store first: they race to save revision 2.
    record, revision, _ = await b.records.take(session_id)
    b.records.keep(session_id, record, revision)
    clock.now += 0.1
    first, second = await asyncio.gather(a.advance(session_id), b.advance(session_id))
    # Both read revision r and trained; one saved r + 1, the other answers that frame.
    assert first["revision"] == second["revision"]
    assert first["step"] == second["step"] == 10
    assert (await a.read(session_id))[0].run.step == 10


async def test_a_stale_copy_is_found_out_and_the_poll_trains_on_the_latest():
    store, clock = MemoryStore(), Clock()
    a, b = service(store, clock), service(store, clock)
    session_id = await training(a)  # a keeps a copy of revision 1
    clock.now += 0.1
    assert (await b.advance(session_id))["step"] == 10  # b moves it on: a's copy is stale
    clock.now += 0.1
    frame = await a.advance(session_id)  # a trains its copy, its save is refused, it starts over
    assert (frame["step"], frame["revision"]) == (20, 3)
    clock.now += 0.1
    assert (await b.advance(session_id))["revision"] == 4  # the session is a shared one now


async def test_an_edit_that_loses_the_race_is_applied_again_to_the_newer_record():
    store, clock = RoundTrips(MemoryStore()), Clock()
    a, b = service(store, clock), service(store, clock)
    session_id, _, _ = await a.create(CONFIG)
    results = await asyncio.gather(
        *[(a if i % 2 else b).change(session_id, edits.step(1)) for i in range(8)]
    )
    assert sorted(frame["step"] for _, frame in results) == list(range(1, 9))
    record, revision = await a.read(session_id)
    assert record.run.step == 8 and revision == 8


async def test_a_refused_edit_changes_nothing():
    sessions = service()
    session_id, _, _ = await sessions.create(CONFIG)
    with pytest.raises(InvalidInput):
        await sessions.change(session_id, edits.set_projection(5, Projection("pca", 2, ())))
    assert await sessions.revision(session_id) == 0


async def test_reading_never_changes_the_session():
    sessions = service()
    session_id = await training(sessions)
    sessions.clock.now += 0.1
    await sessions.frame(session_id)
    await sessions.read(session_id)
    assert (
        await sessions.revision(session_id) == 1 and (await sessions.frame(session_id))["step"] == 0
    )


async def test_a_step_taken_phase_by_phase_survives_being_stored():
    sessions = service()
    session_id, _, _ = await sessions.create(TrainingConfig(dataset="xor", batch_size=20))
    phases = [(await sessions.change(session_id, edits.phase_step))[1]["phase"] for _ in range(3)]
    assert phases == ["forward", "loss", "backward"]
    record, _ = await sessions.read(session_id)
    assert record.run.pending is not None and record.run.pending.grads is not None
    _, frame = await sessions.change(session_id, edits.phase_step)
    assert frame["phase"] == "update" and frame["step"] == 1
    # The same step as one whole step from the same start.
    other, _, _ = await sessions.create(TrainingConfig(dataset="xor", batch_size=20))
    await sessions.change(other, edits.step(1))
    mine, theirs = (await sessions.read(session_id))[0], (await sessions.read(other))[0]
    for la, lb in zip(mine.run.layers, theirs.run.layers, strict=True):
        assert (la.w == lb.w).all() and (la.b == lb.b).all()
