"""The event loop's share of the work (trainer slices, polls) never waits for a request."""

import asyncio
import concurrent.futures
import threading

from fastapi.testclient import TestClient

from app.main import create_app
from app.run.config import TrainingConfig
from app.sessions.session import MAX_WAITING_POLLS, Session
from app.sessions.store import SessionStore

# Every wait below has a bound (HANG, in seconds) so that a broken server fails a test rather
# than hanging it; none is a measure of speed.
HANG = 60


def test_the_trainer_skips_a_session_a_request_holds():
    session = SessionStore().create(TrainingConfig())
    session.start_training()
    ticked = threading.Event()
    with session.lock:  # a long request on this session
        trainer = threading.Thread(  # the trainer, in a thread of its own here
            target=lambda: (session.train_tick(unwatched=False), ticked.set()), daemon=True
        )
        trainer.start()
        assert ticked.wait(HANG)  # it returned while the request still held the session...
        assert session.state.step == 0  # ...without training it
        assert session.frame_at_once() is None
    session.train_tick(unwatched=False)
    assert session.state.step == session.config.steps_per_frame
    assert session.frame_at_once()["step"] == session.state.step


def test_an_unwatched_session_is_paused_by_its_next_slice():
    session = SessionStore().create(TrainingConfig())
    session.start_training()
    session.train_tick(unwatched=True)
    assert not session.training and session.stopped_reason == "idle" and session.state.step == 0


class WatchedLock:
    """A session's lock that tells when someone starts waiting for it while it is held."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.waited_for = threading.Event()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if blocking and self._lock.locked():
            self.waited_for.set()
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def answer_in_a_thread(request) -> tuple[threading.Thread, list]:
    """Start request() in a thread of its own; its answer goes in the list."""
    answers = []
    thread = threading.Thread(target=lambda: answers.append(request()), daemon=True)
    thread.start()
    return thread, answers


def test_a_poll_waits_off_the_event_loop_for_a_busy_session():
    store = SessionStore()
    with TestClient(create_app(store=store, trainer_period=3600)) as client:
        busy, other = (client.post("/api/sessions", json={}).json()["session_id"] for _ in "ab")
        lock = store.get(busy).lock = WatchedLock()
        lock.acquire()  # a long request on the busy session, until released below
        try:
            waiting, answers = answer_in_a_thread(lambda: client.get(f"/api/sessions/{busy}/frame"))
            assert lock.waited_for.wait(HANG)  # the busy poll is waiting for the session now
            # Had it waited on the event loop, nothing else would be answered until the release.
            answered, others = answer_in_a_thread(
                lambda: client.get(f"/api/sessions/{other}/frame")
            )
            answered.join(HANG)
            assert others and others[0].status_code == 200
            assert not answers  # while the busy poll still waits
        finally:
            lock.release()
        waiting.join(HANG)
        assert answers and answers[0].status_code == 200 and answers[0].json()["step"] == 0


def in_a_loop_of_its_own(scenario):
    """Run the coroutine function on a new event loop in a new thread: the browser tests'
    Playwright keeps a loop running in pytest's own thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(lambda: asyncio.run(scenario())).result()


def test_a_waiting_poll_wakes_when_the_trainer_moves_the_session_on():
    async def scenario() -> int:
        session = SessionStore().create(TrainingConfig())
        session.start_training()
        revision = session.revision
        # Woken long before its own timeout, or it fails at HANG.
        waiting = asyncio.create_task(session.wait_for_news(revision, timeout=10 * HANG))
        await asyncio.sleep(0)  # the poll starts waiting
        assert not waiting.done()
        session.train_tick(unwatched=False)  # as the trainer does, on the event loop
        await asyncio.wait_for(waiting, HANG)
        return session.revision - revision

    assert in_a_loop_of_its_own(scenario) == 1


def test_polls_stop_waiting_on_a_session_the_store_lets_go():
    store = SessionStore(max_sessions=1)

    async def scenario() -> Session:
        session = store.create(TrainingConfig())
        session.start_training()
        waiting = asyncio.create_task(session.wait_for_news(session.revision, 10 * HANG))
        await asyncio.sleep(0)  # the poll starts waiting
        store.create(TrainingConfig())  # the store is full: the older session is dropped
        await asyncio.wait_for(waiting, HANG)
        return session

    assert in_a_loop_of_its_own(scenario).closed


def test_only_so_many_polls_wait_on_one_session():
    async def scenario() -> tuple[int, list[float]]:
        session = SessionStore().create(TrainingConfig())
        session.start_training()
        polls = [
            asyncio.create_task(session.wait_for_news(session.revision, timeout=0.2))
            for _ in range(20)
        ]
        await asyncio.sleep(0)  # each poll has run once: it waits, or it has its answer
        return sum(poll.done() for poll in polls), await asyncio.gather(*polls)

    answered_at_once, waited = in_a_loop_of_its_own(scenario)
    assert answered_at_once == 20 - MAX_WAITING_POLLS
    assert sum(w >= 0.2 for w in waited) == MAX_WAITING_POLLS  # the rest waited it out
