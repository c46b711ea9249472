"""The event loop's share of the work (trainer slices, polls) never waits for a request."""

import asyncio
import concurrent.futures
import threading
import time

from fastapi.testclient import TestClient

from app.main import create_app
from app.run.config import TrainingConfig
from app.sessions.session import MAX_WAITING_POLLS, Session
from app.sessions.store import SessionStore


def test_the_trainer_skips_a_session_a_request_holds():
    session = SessionStore().create(TrainingConfig())
    session.start_training()
    with session.lock:  # a long request on this session, in another thread
        started = time.monotonic()
        session.train_tick(unwatched=False)
        assert time.monotonic() - started < 0.1 and session.state.step == 0
        assert session.frame_at_once() is None
    session.train_tick(unwatched=False)
    assert session.state.step == session.config.steps_per_frame
    assert session.frame_at_once()["step"] == session.state.step


def test_an_unwatched_session_is_paused_by_its_next_slice():
    session = SessionStore().create(TrainingConfig())
    session.start_training()
    session.train_tick(unwatched=True)
    assert not session.training and session.stopped_reason == "idle" and session.state.step == 0


def test_a_poll_waits_off_the_event_loop_for_a_busy_session():
    store = SessionStore()
    with TestClient(create_app(store=store, trainer_period=3600)) as client:
        busy, other = (client.post("/api/sessions", json={}).json()["session_id"] for _ in "ab")
        held = store.get(busy).lock
        held.acquire()  # a long request on the busy session, over in 2 s
        threading.Timer(2.0, held.release).start()
        answers = []
        waiting = threading.Thread(
            target=lambda: answers.append(client.get(f"/api/sessions/{busy}/frame"))
        )
        waiting.start()
        time.sleep(0.2)  # the busy poll is waiting now
        started = time.monotonic()
        assert client.get(f"/api/sessions/{other}/frame").status_code == 200
        assert time.monotonic() - started < 1.0  # the event loop was free to answer it
        assert not answers  # while the busy poll still waits
        waiting.join(timeout=10)
        assert answers and answers[0].status_code == 200 and answers[0].json()["step"] == 0


def in_a_loop_of_its_own(scenario):
    """Run the coroutine function on a new event loop in a new thread: the browser tests'
    Playwright keeps a loop running in pytest's own thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(scenario())).result()


def test_a_waiting_poll_wakes_when_the_trainer_moves_the_session_on():
    async def scenario() -> tuple[float, int]:
        session = SessionStore().create(TrainingConfig())
        session.start_training()
        revision = session.revision
        waiting = asyncio.create_task(session.wait_for_news(revision, timeout=30.0))
        await asyncio.sleep(0.05)
        assert not waiting.done()
        session.train_tick(unwatched=False)  # as the trainer does, on the event loop
        return await asyncio.wait_for(waiting, 5.0), session.revision - revision

    waited, moved = in_a_loop_of_its_own(scenario)
    assert moved == 1 and waited < 5.0


def test_polls_stop_waiting_on_a_session_the_store_lets_go():
    store = SessionStore(max_sessions=1)

    async def scenario() -> Session:
        session = store.create(TrainingConfig())
        session.start_training()
        waiting = asyncio.create_task(session.wait_for_news(session.revision, timeout=30.0))
        await asyncio.sleep(0.05)
        store.create(TrainingConfig())  # the store is full: the older session is dropped
        await asyncio.wait_for(waiting, 5.0)
        return session

    assert in_a_loop_of_its_own(scenario).closed


def test_only_so_many_polls_wait_on_one_session():
    async def scenario() -> list[float]:
        session = SessionStore().create(TrainingConfig())
        session.start_training()
        polls = [session.wait_for_news(session.revision, timeout=0.5) for _ in range(20)]
        return await asyncio.gather(*polls)

    waited = in_a_loop_of_its_own(scenario)
    assert sum(w >= 0.5 for w in waited) == MAX_WAITING_POLLS
    assert sum(w < 0.1 for w in waited) == 20 - MAX_WAITING_POLLS
